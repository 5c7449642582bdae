"""Reading and validating labels; appending never rewrites."""
import csv

import pytest

from framelens.errors import LabelError
from framelens.labels import append_label_rows, read_labels, sentence_key

from .conftest import TINY_ROWS, write_labels


def test_reads_rows_labels_and_groups(tiny_labels):
    label_set = read_labels([tiny_labels])
    assert label_set.labels == ("counter-hegemony", "neutral-report", "western-concern")
    assert label_set.counts() == {"counter-hegemony": 4, "neutral-report": 4, "western-concern": 4}
    assert label_set.groups()[:5] == ["a1", "a1", "a1", "a1", "a2"]
    assert label_set.rows[0].row == 2


def test_label_set_file_declares_the_labels(tmp_path):
    write_labels(tmp_path / "l" / "x.csv", [("a", "", "One.", "pro"), ("b", "", "Two.", "con")])
    (tmp_path / "l" / "label_set.txt").write_text("pro\ncon\nneutral\n", "utf-8")
    assert read_labels([tmp_path / "l"]).labels == ("pro", "con", "neutral")


def test_authored_rows_are_marked(tmp_path):
    path = write_labels(tmp_path / "a.csv", [("w1", "", "Written by us.", "pro", "authored"), ("x", "", "Real.", "con", "seed")])
    rows = read_labels([path]).rows
    assert [row.authored for row in rows] == [True, False]


def test_boilerplate_rows_are_left_out(tmp_path):
    path = write_labels(tmp_path / "b.csv", [("a", "", "Share post:", "boilerplate"), ("a", "", "One.", "pro"), ("b", "", "Two.", "con")])
    assert [row.sentence for row in read_labels([path]).rows] == ["One.", "Two."]


@pytest.mark.parametrize(
    "rows, header, message",
    [
        ([("a", "", "One.", "pro")], ("article_id", "outlet", "body", "label"),
         "{f}: missing column(s) 'sentence'; a labels file needs the columns sentence (or text) and label"),
        ([("a", "", "One.", "pro"), ("a", "", " ", "con")], None,
         "{f}, row 3: empty sentence; fill it in or delete the row"),
        ([("a", "", "One.", "pro"), ("a", "", "Two.", "")], None,
         "{f}, row 3: empty label; give the sentence a label or delete the row"),
        ([("a", "", "One.", "pro"), ("a", "", "Two.", "pro")], None,
         "{f}: only one label ('pro'); training needs at least two labels"),
        ([("a", "", "One sentence.", "pro"), ("b", "", "one  sentence.", "con")], None,
         "{f}, row 3: the same sentence is labelled 'pro' at {f}, row 2 and 'con' here; keep one label"),
        ([("a", "", "A.", "western-concern"), ("a", "", "B.", "western-concern"), ("b", "", "C.", "neutral-report"),
          ("b", "", "D.", "western-concren")], None,
         "{f}, row 5: label 'western-concren' looks like a typo of 'western-concern'; fix it, or declare the labels in a codebook.toml"),
    ],
    ids=["missing-column", "empty-sentence", "empty-label", "one-class", "conflict", "typo-undeclared"],
)
def test_validation_messages(tmp_path, rows, header, message):
    path = tmp_path / "bad.csv"
    write_labels(path, rows, header=header) if header else write_labels(path, rows)
    with pytest.raises(LabelError) as error:
        read_labels([path])
    assert str(error.value) == message.format(f=path)


def test_label_outside_declared_set(tmp_path):
    directory = tmp_path / "labels"
    path = write_labels(directory / "x.csv", [("a", "", "One.", "neutral-report"), ("b", "", "Two.", "westrn-concern")])
    (directory / "label_set.txt").write_text("western-concern\ncounter-hegemony\nneutral-report\n", "utf-8")
    with pytest.raises(LabelError) as error:
        read_labels([directory])
    assert str(error.value) == (
        f"{path}, row 3: label 'westrn-concern' is not in the declared set "
        "(counter-hegemony, neutral-report, western-concern); did you mean 'western-concern'?"
    )


def test_missing_labels_path():
    with pytest.raises(LabelError, match=r"^nowhere.csv: no such labels file or directory; check the path$"):
        read_labels(["nowhere.csv"])


def test_sentence_key_normalises_case_quotes_and_space():
    assert sentence_key("  “Hello”   World’s\u00a0end ") == "\"hello\" world's end"


def test_append_keeps_existing_rows_byte_for_byte(tiny_labels):
    before = tiny_labels.read_bytes()
    written = append_label_rows(tiny_labels, [{"article_id": "n1", "sentence": "New one.", "label": "neutral-report"}])
    after = tiny_labels.read_bytes()
    assert written == 1
    assert after.startswith(before)
    with open(tiny_labels, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(TINY_ROWS) + 1
    assert (rows[-1]["sentence"], rows[-1]["label"], rows[-1]["source"]) == ("New one.", "neutral-report", "")


def test_append_to_file_without_final_newline_and_new_file(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("sentence,label\nOne.,pro", "utf-8")
    append_label_rows(path, [{"sentence": "Two.", "label": "con"}])
    assert path.read_bytes() == b"sentence,label\nOne.,pro\r\nTwo.,con\r\n"
    fresh = tmp_path / "new" / "mine.csv"
    append_label_rows(fresh, [{"sentence": "Three.", "label": "pro"}])
    assert fresh.read_bytes() == b"article_id,outlet,sentence,label,source,note\r\n,,Three.,pro,,\r\n"
