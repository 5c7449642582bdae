"""train → predict through the CLI: round trip, model card, tampering, bad input."""
import csv
import json
import os
import runpy
import sys
from pathlib import Path

import pytest
import sklearn

from framelens.cli import main
from framelens.labels import read_labels
from framelens.persistence import file_sha256

from .conftest import REPO, write_labels

SEED_SENTENCES = 135  # content sentences of the five seeds (labels/seeds.csv)


def test_train_prints_grouped_cv_and_writes_model(tiny_labels, capsys):
    assert main(["train", str(tiny_labels), "--model", "m"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == ("cross-validation grouped by article (3 folds, 12 scored sentences; "
                        "0 authored sentences train only):")
    assert lines[1].startswith("  macro-F1 ") and "(mean ± sd over folds); pooled" in lines[1]
    assert [line.split()[0] for line in lines[2:5]] == ["counter-hegemony", "neutral-report", "western-concern"]
    assert lines[5] == "calibration: temperature 0.428, fitted on 12 out-of-fold sentences from 3 held-out articles:"
    assert err.splitlines()[-2:] == [
        ("framelens: trained on 12 sentences (counter-hegemony 4, neutral-report 4, western-concern 4); "
        "0 authored, 3 articles"),
        "framelens: wrote m/framing.joblib and m/card.json",
    ]
    assert sorted(p.name for p in Path("m").iterdir()) == ["card.json", "framing.joblib"]


def test_model_card_contents(tiny_model, tiny_labels):
    card = json.loads((tiny_model / "card.json").read_text("utf-8"))
    assert card["labels"] == ["counter-hegemony", "neutral-report", "western-concern"]
    assert card["label_counts"] == {"counter-hegemony": 4, "neutral-report": 4, "western-concern": 4}
    assert (card["n_sentences"], card["n_articles"], card["n_authored"]) == (12, 3, 0)
    assert card["training_data_sha256"] == read_labels([tiny_labels]).sha256()
    assert card["artifact_sha256"] == file_sha256(tiny_model / "framing.joblib")
    assert card["training_files"] == [os.path.relpath(tiny_labels, "m")]
    assert card["library_versions"]["scikit-learn"] == sklearn.__version__
    assert set(card["library_versions"]) == {"python", "scikit-learn", "numpy", "joblib", "nltk"}
    assert card["settings"]["model"]["word_ngram_range"] == [1, 2]
    assert card["cv"]["group_by"] == "article" and card["cv"]["n_splits"] == 3
    assert len(card["cv"]["confusion"]) == 3 and sum(map(sum, card["cv"]["confusion"])) == 12
    assert card["created"].endswith("+00:00")


def test_predict_jsonl_round_trip(tiny_model, seeds_dir, capsys):
    assert main(["predict", str(seeds_dir), "--model", "m", "--out", "out.jsonl"]) == 0
    assert capsys.readouterr().err == (
        f"framelens: wrote {SEED_SENTENCES} sentences from 5 articles to out.jsonl\n"
    )
    records = [json.loads(line) for line in Path("out.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == SEED_SENTENCES
    assert list(records[0]) == ["article_id", "outlet", "sentence_index", "text", "label", "confidence",
                                "probabilities", "date", "model"]
    model_id = json.loads(Path("m/card.json").read_text("utf-8"))["artifact_sha256"][:16]
    assert {r["model"] for r in records} == {model_id}
    assert [r["sentence_index"] for r in records[:3]] == [0, 1, 2]
    assert records[0]["outlet"] == "Sky News" and records[-1]["outlet"] == "EU Global"
    assert records[0]["text"].startswith("Russia is set to finalize a strategic partnership pact with Iran")
    for record in records:
        assert record["label"] == max(record["probabilities"], key=record["probabilities"].get)
        assert abs(sum(record["probabilities"].values()) - 1) < 1e-5
        assert record["confidence"] == record["probabilities"][record["label"]]


def test_predict_csv_has_one_column_per_label(tiny_model, seeds_dir):
    assert main(["predict", str(seeds_dir / "002_f02d9b5768855bec.txt"), "--model", "m", "--format", "csv",
                 "--out", "out.csv"]) == 0
    with open("out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["article_id", "outlet", "sentence_index", "text", "label", "confidence",
                             "counter-hegemony", "neutral-report", "western-concern", "date", "model"]
    assert len(rows) == 12 and rows[0]["date"] == "2025-01-17"


def test_no_split_takes_each_line_as_a_sentence(tiny_model, capsys):
    Path("one_per_line.txt").write_text("First sentence. Still the first.\nSecond one\n\nThird.\n", "utf-8")
    assert main(["predict", "one_per_line.txt", "--model", "m", "--no-split"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in records] == ["First sentence. Still the first.", "Second one", "Third."]


def run_script(script: Path, argv: list[str], monkeypatch) -> int:
    """Run a repository script as ``python SCRIPT ARGV...`` does, in this process; its exit status."""
    monkeypatch.setattr(sys, "argv", [str(script), *argv])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(script), run_name="__main__")
    return done.value.code


def test_predict_py_and_train_py_are_the_cli(tiny_labels, seeds_dir, monkeypatch, capsys):
    assert run_script(REPO / "train.py", [str(tiny_labels), "--model", "m"], monkeypatch) == 0
    assert capsys.readouterr().err.splitlines()[-1] == "framelens: wrote m/framing.joblib and m/card.json"
    assert run_script(REPO / "predict.py", [str(seeds_dir), "--model", "m"], monkeypatch) == 0
    assert len(capsys.readouterr().out.splitlines()) == SEED_SENTENCES


def test_tampered_model_is_refused_then_retrained_into_a_new_directory(tiny_model, capsys):
    artifact = tiny_model / "framing.joblib"
    artifact.write_bytes(artifact.read_bytes() + b"\x00")
    tampered = artifact.read_bytes()
    Path("a.txt").write_text("The treaty was signed.", "utf-8")
    new_dir = f"m-sklearn-{sklearn.__version__}"
    refusal = ("m/framing.joblib: sha256 does not match m/card.json; the file changed after framelens wrote it, "
               "so it is not loaded; retrain with: framelens train")
    assert main(["predict", "a.txt", "--model", "m"]) == 2
    assert capsys.readouterr().err == (
        f"framelens: error: {refusal} (the labels are {os.path.normpath('labels/tiny.csv')}), or add --retrain to "
        f"retrain into {new_dir}/ and keep m/ as it is\n")
    assert main(["predict", "a.txt", "--model", "m", "--retrain"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [f"framelens: {refusal}",
                       (f"framelens: retraining from {os.path.normpath('labels/tiny.csv')} into {new_dir}/ "
                       "(m/ stays as it is)")]
    card = json.loads(Path(new_dir, "card.json").read_text("utf-8"))
    assert card["artifact_sha256"] == file_sha256(Path(new_dir, "framing.joblib"))
    assert artifact.read_bytes() == tampered  # the refused model is left exactly as it was


def test_tampered_model_without_labels_is_an_error(tiny_model, tiny_labels, capsys):
    tiny_labels.unlink()
    artifact = tiny_model / "framing.joblib"
    artifact.write_bytes(b"not a model")
    Path("a.txt").write_text("The treaty was signed.", "utf-8")
    assert main(["predict", "a.txt", "--model", "m"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: m/framing.joblib: sha256 does not match m/card.json; the file changed after framelens "
        "wrote it, so it is not loaded; retrain with: framelens train\n"
    )


def test_model_from_another_sklearn_is_retrained_only_with_retrain(tiny_model, capsys):
    card_path = tiny_model / "card.json"
    card = json.loads(card_path.read_text("utf-8"))
    card["library_versions"]["scikit-learn"] = "0.24.2"
    card_path.write_text(json.dumps(card), "utf-8")
    before = card_path.read_bytes()
    Path("a.txt").write_text("The treaty was signed.", "utf-8")
    assert main(["predict", "a.txt", "--model", "m"]) == 2
    assert capsys.readouterr().err.startswith(
        f"framelens: error: m: trained with scikit-learn 0.24.2 but {sklearn.__version__} is installed; ")
    assert main(["predict", "a.txt", "--model", "m", "--retrain"]) == 0
    capsys.readouterr()
    retrained = Path(f"m-sklearn-{sklearn.__version__}", "card.json")
    assert json.loads(retrained.read_text("utf-8"))["library_versions"]["scikit-learn"] == sklearn.__version__
    assert card_path.read_bytes() == before


def test_project_without_a_model_says_how_to_train_one(tiny_labels, capsys):
    Path("a.txt").write_text("The treaty was signed.", "utf-8")
    assert main(["predict", "a.txt"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: model: no trained model here; train one with: framelens train labels/\n")
    assert not Path("model").exists()


def test_outside_a_project_the_shipped_model_predicts(capsys):
    Path("a.txt").write_text("The treaty was signed in Moscow on Friday.", "utf-8")
    assert main(["predict", "a.txt", "--quiet"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert sorted(record["probabilities"]) == ["counter-hegemony", "neutral-report", "western-concern"]
    assert record["label"] == "neutral-report"


def test_environment_variable_names_the_model(tiny_model, monkeypatch, capsys):
    monkeypatch.setenv("FRAMELENS_MODEL", str(tiny_model.resolve()))
    Path("elsewhere").mkdir()
    monkeypatch.chdir("elsewhere")
    Path("a.txt").write_text("The treaty was signed.", "utf-8")
    assert main(["predict", "a.txt", "--quiet", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("article_id,outlet,sentence_index,text,label,")


def _bad_input(name: str, content: bytes | None) -> str:
    if content is None:
        Path(name).mkdir()
    else:
        Path(name).write_bytes(content)
    return name


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: _bad_input("empty.txt", b""), "empty.txt: file is empty; remove it or give it some text"),
        (lambda: _bad_input("emptydir", None),
         "emptydir: directory has no .txt, .jsonl, .csv or .html files; point at a directory of articles"),
        (lambda: _bad_input("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
         "image.txt: looks like a binary file, not text; remove it from the input"),
        (lambda: _bad_input("old.txt", "Déjà vu.".encode("cp1252")),
         ("old.txt: not valid utf-8 (byte 0xe9 at offset 1); re-save it as UTF-8 or pass --encoding cp1252 "
         "(or latin-1) for legacy files")),
        (lambda: _bad_input("articles.csv", b"headline,body_html\nA,B\n"),
         "articles.csv: no 'text' column (columns: headline, body_html); name the text column with --text-column"),
    ],
    ids=["empty-file", "empty-dir", "binary", "non-utf8", "csv-without-text"],
)
def test_bad_corpus_input_exits_2_with_one_line(tiny_model, capsys, make, message):
    target = make()
    assert main(["predict", target, "--model", "m", "--out", "out.jsonl"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"framelens: error: {message}\n"
    assert captured.out == ""
    assert sorted(p.name for p in Path(".").iterdir() if p.name not in ("m", "labels", target)) == []


def test_bad_file_after_good_ones_leaves_no_partial_output(tiny_model, capsys):
    Path("corpus").mkdir()
    Path("corpus/a.txt").write_text("The treaty was signed in Moscow.", "utf-8")
    Path("corpus/b.txt").write_bytes(b"\x00\x01binary")
    assert main(["predict", "corpus", "--model", "m", "--out", "out.jsonl"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: corpus/b.txt: looks like a binary file, not text; remove it from the input\n"
    )
    assert not Path("out.jsonl").exists()
    assert [p.name for p in Path(".").iterdir() if p.name.endswith(".part")] == []


def test_missing_model_directory(capsys):
    Path("a.txt").write_text("Text.", "utf-8")
    assert main(["predict", "a.txt", "--model", "nomodel"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: nomodel: no trained model here; train one with: framelens train LABELS.csv --model "
        "nomodel (LABELS.csv: your labelled sentences; start a project with: framelens init DIR)\n")
    Path("labels").mkdir()
    assert main(["predict", "a.txt", "--model", "nomodel"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: nomodel: no trained model here; train one with: framelens train labels/ --model nomodel\n")


def test_unwritable_out(tiny_model, capsys):
    Path("a.txt").write_text("Text.", "utf-8")
    assert main(["predict", "a.txt", "--model", "m", "--out", "no/such/dir/out.jsonl"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: no/such/dir/out.jsonl: cannot write here (No such file or directory); "
        "choose a writable --out path\n"
    )


def test_train_with_one_class_and_with_a_typo(tmp_path, capsys):
    one = write_labels(tmp_path / "one.csv", [("a", "", "One.", "neutral-report"), ("b", "", "Two.", "neutral-report")])
    assert main(["train", str(one), "--model", "m"]) == 2
    assert capsys.readouterr().err == (
        f"framelens: error: {one}: only one label ('neutral-report'); training needs at least two labels\n"
    )
    labels = tmp_path / "typo"
    typo = write_labels(labels / "t.csv", [("a", "", "One.", "neutral-report"), ("b", "", "Two.", "counter-hegemny")])
    (labels / "label_set.txt").write_text("western-concern\ncounter-hegemony\nneutral-report\n", "utf-8")
    assert main(["train", str(labels), "--model", "m"]) == 2
    assert capsys.readouterr().err == (
        f"framelens: note: {labels / 'label_set.txt'} is read as a codebook of names only; write a codebook.toml "
        "beside it instead (definitions, signals, colours; see framelens init)\n"
        f"framelens: error: {typo}, row 3: label 'counter-hegemny' is not in the declared set "
        "(counter-hegemony, neutral-report, western-concern); did you mean 'counter-hegemony'?\n"
    )
    assert not Path("m").exists()
