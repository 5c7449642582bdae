"""framelens suggest / import-labels: the spreadsheet round trip, with bad rows reported per row."""
import csv
from pathlib import Path

import pytest

from framelens.cli import main
from framelens.labels import read_label_rows

from .conftest import write_labels

ARTICLE = ("The treaty was signed in Moscow on Friday. Officials in Kyiv accused Tehran of arming Russia. "
           "The document runs for twenty years and covers energy. Tehran called it a new chapter free of pressure. "
           "Tehran called it a new chapter, free of pressure!\n")


@pytest.fixture
def model(tiny_model):
    """m/ (trained on labels/tiny.csv) and article.txt."""
    Path("article.txt").write_text(ARTICLE, "utf-8")


def read_sheet(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_sheet(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_suggest_writes_unlabelled_sentences_with_context(model, capsys):
    assert main(["suggest", "article.txt", "-n", "3", "--out", "sheet.csv", "--model", "m"]) == 0
    assert capsys.readouterr().err == (
        "framelens: wrote 3 of 4 unlabelled sentences to sheet.csv (least certain for the model first); "
        "fill the label column, then: framelens import-labels sheet.csv --into FILE\n"
    )
    rows = read_sheet("sheet.csv")
    assert list(rows[0]) == ["article_id", "outlet", "before", "sentence", "after", "label", "note"]
    assert all(row["label"] == "" and row["article_id"] == "article" for row in rows)
    sentences = [row["sentence"] for row in rows]
    # Already in labels/tiny.csv: never suggested. The near-identical pair never comes together in the top 3.
    assert "The treaty was signed in Moscow on Friday." not in sentences
    assert not {"Tehran called it a new chapter free of pressure.",
                "Tehran called it a new chapter, free of pressure!"} <= set(sentences)
    first = next(row for row in rows if row["sentence"] == "Officials in Kyiv accused Tehran of arming Russia.")
    assert (first["before"], first["after"]) == ("The treaty was signed in Moscow on Friday.",
                                                 "The document runs for twenty years and covers energy.")


def test_suggest_refuses_to_overwrite_a_filled_sheet(model, capsys):
    assert main(["suggest", "article.txt", "-n", "2", "--out", "sheet.csv", "--model", "m"]) == 0
    rows = read_sheet("sheet.csv")
    rows[0]["label"] = "neutral-report"
    write_sheet("sheet.csv", rows)
    capsys.readouterr()
    assert main(["suggest", "article.txt", "--out", "sheet.csv", "--model", "m"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: sheet.csv: already has 1 filled label; import it first "
        "(framelens import-labels sheet.csv --into FILE) or choose another --out\n"
    )
    assert read_sheet("sheet.csv") == rows


def test_import_reports_bad_rows_and_appends_the_rest(tiny_labels, capsys):
    (tiny_labels.parent / "label_set.txt").write_text("counter-hegemony\nneutral-report\nwestern-concern\n", "utf-8")
    write_labels(Path("labels/mine.csv"), [("x", "Wire", "Already mine.", "neutral-report")])
    header = ("article_id", "outlet", "before", "sentence", "after", "label", "note")
    write_labels(Path("sheet.csv"), [
        ("b1", "Post", "", "A good one.", "", "western-concern", "sure"),
        ("b1", "Post", "", "No label yet.", "", ""),
        ("b1", "Post", "", "A typo.", "", "westren-concern"),
        ("b1", "Post", "", "Already mine.", "", "neutral-report"),
        ("b1", "Post", "", "The treaty was signed in Moscow on Friday.", "", "western-concern"),
        ("b1", "Post", "", "A good one.", "", "counter-hegemony"),
        ("b1", "Post", "", "Menu", "", "boilerplate"),
    ], header=header)
    assert main(["import-labels", "sheet.csv", "--into", "labels/mine.csv"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "sheet.csv, row 3: empty label; give the sentence a label or delete the row (not imported)",
        ("sheet.csv, row 4: label 'westren-concern' is not in the declared set (boilerplate, counter-hegemony, "
        "neutral-report, western-concern); did you mean 'western-concern'? (not imported)"),
        ("sheet.csv, row 5: the same sentence is already labelled 'neutral-report' at labels/mine.csv, row 2; "
        "delete one of them (not imported)"),
        ("sheet.csv, row 6: the same sentence is labelled 'neutral-report' at labels/tiny.csv, row 2 and "
        "'western-concern' here; keep one label (not imported)"),
        ("sheet.csv, row 7: the same sentence is labelled 'western-concern' at sheet.csv, row 2 and "
        "'counter-hegemony' here; keep one label (not imported)"),
        "imported 2 rows into labels/mine.csv; 5 not imported",
    ]
    rows = read_label_rows(Path("labels/mine.csv"))
    assert [(r.row, r.article_id, r.sentence, r.label, r.source, r.note) for r in rows] == [
        (2, "x", "Already mine.", "neutral-report", "", ""),
        (3, "b1", "A good one.", "western-concern", "import", "sure"),
        (4, "b1", "Menu", "boilerplate", "import", ""),
    ]


def test_import_of_a_clean_sheet_exits_0_and_repeats_are_not_errors(tiny_labels, capsys):
    header = ("article_id", "outlet", "before", "sentence", "after", "label", "note")
    write_labels(Path("sheet.csv"), [("b1", "Post", "", "A good one.", "", "pro")], header=header)
    assert main(["import-labels", "sheet.csv", "--into", "mine.csv", "--label-set", "pro,con"]) == 0
    assert capsys.readouterr().out == "imported 1 row into mine.csv; 0 not imported\n"
    # Importing the same sheet again: the row is a same-label repeat, reported but not an error.
    assert main(["import-labels", "sheet.csv", "--into", "mine.csv", "--label-set", "pro,con"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        ("sheet.csv, row 2: the same sentence is already labelled 'pro' at mine.csv, row 2; delete one of them "
        "(not imported)"),
        "imported 0 rows into mine.csv; 1 not imported",
    ]
    assert len(read_label_rows(Path("mine.csv"))) == 1


def test_import_without_known_labels_is_an_error(capsys):
    write_labels(Path("sheet.csv"), [("b1", "", "A.", "pro")])
    assert main(["import-labels", "sheet.csv", "--into", "mine.csv"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: no allowed labels known for mine.csv; pass --label-set a,b,c "
        "or put a codebook.toml beside it\n"
    )
    assert not Path("mine.csv").exists()
