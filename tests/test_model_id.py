"""Prediction records name their model; a report from a predictions file finds that model's card by the name.

The reports here are about provenance, so their figures are placeholders (conftest.placeholder_figures).
"""
import csv
import json
import shutil
from pathlib import Path

import pytest

from framelens.cli import main
from framelens.model_store import MODEL_ENV, find_model, shipped_model_dir
from framelens.output import read_predictions

from .conftest import REPO

SHIPPED_SHA256 = json.loads((REPO / "model" / "card.json").read_text("utf-8"))["artifact_sha256"]
SHIPPED_ID = SHIPPED_SHA256[:16]
OTHER_ID = "0000000000000000"
FRAMES = ["counter-hegemony", "neutral-report", "western-concern"]
WITHOUT_MODEL = "the report leaves out model quality, definitions and explanations"
WROTE = ("framelens: wrote the report for 2 sentences from 1 articles and 1 outlets to r/report.html "
         "(also report.md, report.json, articles.csv, outlets.csv, pairwise.csv, sentences.csv, figures/)\n")


pytestmark = pytest.mark.usefixtures("placeholder_figures")


@pytest.fixture(autouse=True)
def no_model_env(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)


def record(index: int, model: str | None = SHIPPED_ID, **changes) -> dict:
    """A prediction record as framelens predict writes it (``model=None``: as written before the field existed)."""
    values = {"article_id": "a", "outlet": "Wire", "sentence_index": index, "text": f"Sentence {index} of the article.",
              "label": "neutral-report", "confidence": 0.8,
              "probabilities": {"counter-hegemony": 0.1, "neutral-report": 0.8, "western-concern": 0.1},
              "date": None, "model": model, **changes}
    if model is None:
        del values["model"]
    return values


def write_jsonl(path: str, records: list[dict]) -> Path:
    Path(path).write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return Path(path)


def report(capsys, *args: str) -> tuple[dict, str]:
    assert main(["report", *args, "--out", "r"]) == 0
    return json.loads(Path("r/report.json").read_text("utf-8")), capsys.readouterr().err


def other_model(directory: str) -> Path:
    """A copy of the shipped model whose card names another artifact (read_card accepts it; loading would not)."""
    shutil.copytree(REPO / "model", directory, ignore=shutil.ignore_patterns("previous"))
    card_path = Path(directory) / "card.json"
    card = json.loads(card_path.read_text("utf-8"))
    card["artifact_sha256"] = "f" * 64
    card_path.write_text(json.dumps(card), "utf-8")
    return Path(directory)


def test_every_record_names_the_model_that_made_it(capsys):
    Path("a.txt").write_text("Putin hailed the deal as a blow to Western hegemony. Critics fear escalation.\n", "utf-8")
    assert main(["predict", "a.txt", "--out", "p.jsonl", "--jobs", "1", "--quiet"]) == 0
    assert main(["predict", "a.txt", "--out", "p.csv", "--jobs", "1", "--quiet"]) == 0
    lines = Path("p.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["model"] for line in lines] == [SHIPPED_ID, SHIPPED_ID]
    assert list(json.loads(lines[0]))[-2:] == ["date", "model"]
    with open("p.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["article_id", "outlet", "sentence_index", "text", "label", "confidence", *FRAMES, "date", "model"]
    assert [row[-1] for row in rows[1:]] == [SHIPPED_ID, SHIPPED_ID]
    assert [p.model for p in read_predictions("p.csv")] == [p.model for p in read_predictions("p.jsonl")] == [
        SHIPPED_ID, SHIPPED_ID]


def test_files_written_before_records_named_their_model_still_load():
    write_jsonl("old.jsonl", [record(0, model=None)])
    Path("old.csv").write_text(
        "article_id,outlet,sentence_index,text,label,confidence,counter-hegemony,neutral-report,western-concern,date\n"
        "a,Wire,0,Sentence 0 of the article.,neutral-report,0.8,0.1,0.8,0.1,\n", "utf-8")
    for path in ("old.jsonl", "old.csv"):
        (prediction,) = read_predictions(path)
        assert prediction.model is None
        assert (prediction.label, prediction.probabilities) == ("neutral-report", dict(zip(FRAMES, [0.1, 0.8, 0.1], strict=False)))


def test_find_model_reads_cards_in_resolution_order_and_their_previous():
    other_model("model")
    assert find_model(SHIPPED_ID) == shipped_model_dir()
    assert find_model("f" * 16) == Path("model")
    shutil.copytree(REPO / "model", "model/previous", ignore=shutil.ignore_patterns("previous"))
    assert find_model(SHIPPED_ID) == Path("model/previous")
    assert find_model(SHIPPED_ID, "elsewhere") is None  # --model alone is searched
    assert find_model(SHIPPED_ID, environ={MODEL_ENV: "elsewhere"}) == Path("model/previous")
    assert find_model(OTHER_ID) is None


def test_report_finds_the_card_of_the_model_that_made_the_predictions(capsys):
    # ./model would come first in the resolution order, but it is not the model that predicted
    other_model("model")
    write_jsonl("p.jsonl", [record(0), record(1)])
    data, err = report(capsys, "p.jsonl")
    assert err == WROTE
    provenance = data["provenance"]
    assert provenance["prediction_models"] == [SHIPPED_ID]
    assert (provenance["model"]["id"], provenance["model"]["artifact_sha256"]) == (SHIPPED_ID, SHIPPED_SHA256)
    assert provenance["model"]["directory"] == str(shipped_model_dir())
    assert data["model"]["label_counts"] == {"counter-hegemony": 156, "neutral-report": 214, "western-concern": 179}
    markdown = Path("r/report.md").read_text("utf-8")
    assert f"| predictions made by model | {SHIPPED_ID} |" in markdown
    assert f"| model id | {SHIPPED_ID} |" in markdown


def test_report_finds_a_model_kept_in_previous_after_retraining(capsys):
    other_model("m")
    shutil.copytree(REPO / "model", "m/previous", ignore=shutil.ignore_patterns("previous"))
    write_jsonl("p.jsonl", [record(0), record(1)])
    data, err = report(capsys, "p.jsonl", "--model", "m")
    assert err == WROTE
    assert data["provenance"]["model"]["directory"] == "m/previous"
    assert data["provenance"]["model"]["id"] == SHIPPED_ID


def test_no_model_with_the_recorded_id_is_said_in_one_line(capsys):
    write_jsonl("p.jsonl", [record(0, OTHER_ID), record(1, OTHER_ID)])
    assert main(["report", "p.jsonl", "--out", "r"]) == 0
    assert capsys.readouterr().err == (
        f"framelens: p.jsonl: made by model {OTHER_ID}, and none of model, {shipped_model_dir()} (or their previous/) "
        f"is that model; {WITHOUT_MODEL} (name it with --model DIR)\n" + WROTE)
    data = json.loads(Path("r/report.json").read_text("utf-8"))
    assert (data["model"], data["provenance"]["model"], data["provenance"]["prediction_models"]) == (
        None, None, [OTHER_ID])
    assert "| predictions made by model | 0000000000000000 |\n| model | none recorded |" in Path(
        "r/report.md").read_text("utf-8")
    # a named --model that is another model is not used either
    other_model("m")
    assert main(["report", "p.jsonl", "--out", "r", "--model", "m"]) == 0
    assert capsys.readouterr().err == (
        f"framelens: p.jsonl: made by model {OTHER_ID}, and none of m (or their previous/) is that model; "
        f"{WITHOUT_MODEL} (name it with --model DIR)\n" + WROTE)


def test_records_from_several_models_get_no_card(capsys):
    write_jsonl("p.jsonl", [record(0), record(1, OTHER_ID)])
    data, err = report(capsys, "p.jsonl")
    assert err == (f"framelens: p.jsonl: the records come from 2 models ({OTHER_ID}, {SHIPPED_ID}); {WITHOUT_MODEL}\n" + WROTE)
    assert (data["model"], data["provenance"]["prediction_models"]) == (None, [OTHER_ID, SHIPPED_ID])


def test_an_old_predictions_file_gets_the_model_the_resolution_order_gives(capsys):
    write_jsonl("p.jsonl", [record(0, model=None), record(1, model=None)])
    data, err = report(capsys, "p.jsonl")
    assert err == WROTE
    assert data["provenance"]["prediction_models"] == []
    assert data["provenance"]["model"]["id"] == SHIPPED_ID
    assert "| predictions made by model | not recorded |" in Path("r/report.md").read_text("utf-8")
