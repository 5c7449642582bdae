"""The report end to end: predict --report and report, on the seeds and on a dated corpus, files, provenance,
re-runs, engines, another label set, bad input, and hostile text in a real browser."""
from __future__ import annotations

import csv
import json
import os
import re
import stat
from pathlib import Path

import pytest

from framelens.cli import main

from .browser import fragment_views

FRAMES = ["counter-hegemony", "neutral-report", "western-concern"]


@pytest.fixture
def model_dir(tiny_model) -> Path:
    """m/, trained on labels/tiny.csv."""
    return tiny_model


def _without_command(path: str) -> dict:
    report = json.loads(Path(path).read_text("utf-8"))
    report["provenance"].pop("command")
    return report


def test_predict_report_writes_every_file_and_is_reproducible(model_dir, seeds_dir, capsys, placeholder_figures):
    args = ["predict", str(seeds_dir), "--model", "m", "--jobs", "1", "--phrase", "western hegemony"]
    assert main([*args, "--report", "r1"]) == 0
    assert capsys.readouterr().err == (
        "framelens: wrote the report for 135 sentences from 5 articles and 5 outlets to r1/report.html "
        "(also report.md, report.json, articles.csv, outlets.csv, pairwise.csv, sentences.csv, figures/)\n")
    assert main([*args, "--report", "r2", "--quiet"]) == 0
    assert capsys.readouterr().err == ""  # --quiet: no closing summary
    assert _without_command("r1/report.json") == _without_command("r2/report.json")
    assert sorted(p.name for p in Path("r1").iterdir()) == [
        "articles.csv", "figures", "outlets.csv", "pairwise.csv", "report.html", "report.json", "report.md",
        "sentences.csv"]
    report = json.loads(Path("r1/report.json").read_text("utf-8"))
    assert [r["outlet"] for r in report["outlets"]] == [
        "Sky News", "Observer Diplomat", "Unattributed (002)", "Unattributed (003)", "EU Global"]
    for row in report["outlets"]:
        assert row["few_articles"] is True
        for frame in FRAMES:
            cell = row["shares"][frame]
            assert cell["low"] <= cell["share"] <= cell["high"] and cell["high"] > cell["low"]
    usage = {row["outlet"]: row["count"] for row in report["phrases"][0]["outlets"]}
    assert usage == {"Sky News": 0, "Observer Diplomat": 0, "Unattributed (002)": 0, "Unattributed (003)": 3,
                     "EU Global": 1}
    assert report["phrases"][0]["kwic_total"] == 4
    assert report["difference"]["test"] is None
    assert report["findings"][-2] == ("There is no significance test: an outlet needs at least 3 articles to be "
                                      "compared with the article as the unit, and 0 outlets have that many.")
    provenance = report["provenance"]
    assert provenance["inputs"] == [{"name": str(seeds_dir), "articles": 5}]
    assert provenance["command"] == f"framelens predict {seeds_dir} --model m --jobs 1 --phrase 'western hegemony' --report r1"
    artifact_sha256 = json.loads(Path("m/card.json").read_text())["artifact_sha256"]
    assert provenance["model"]["artifact_sha256"] == artifact_sha256
    assert provenance["model"]["id"] == artifact_sha256[:16]
    assert provenance["prediction_models"] == [artifact_sha256[:16]]
    assert provenance["model"]["splitter"]["parameters"] == "shipped"
    html = Path("r1/report.html").read_text("utf-8")
    assert "http://" not in html and "https://" not in html
    assert [m for m in re.findall(r'<section id="([a-z-]+)"', html)][:3] == ["findings", "contents", "definitions"]
    with open("r1/sentences.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["article_id", "outlet", "sentence_index", "text", "label", "confidence", *FRAMES, "date",
                       "model"]
    assert len(rows) == 136 and {row[-1] for row in rows[1:]} == {artifact_sha256[:16]}
    with open("r1/outlets.csv", encoding="utf-8", newline="") as handle:
        outlets = list(csv.DictReader(handle))
    assert len(outlets) == 15 and list(outlets[0]) == ["outlet", "frame", "share", "low", "high", "articles",
                                                        "sentences"]
    with open("r1/articles.csv", encoding="utf-8", newline="") as handle:
        articles = list(csv.reader(handle))
    assert articles[0] == ["article_id", "outlet", "date", "sentences", *(f"n_{f}" for f in FRAMES),
                           *(f"share_{f}" for f in FRAMES)]
    assert [row[3] for row in articles[1:]] == ["23", "46", "12", "21", "33"]


def _dated_corpus(path: Path) -> Path:
    """Three outlets, four articles each, over January–April 2025 with March missing."""
    lines = []
    texts = {
        "Wire": ["The treaty was signed in Moscow on Friday.", "The agreement runs for 20 years."],
        "Post": ["Western governments warned the pact could destabilise the region.",
                 "Critics fear the alliance will fuel escalation in Ukraine."],
        "Times": ["Putin hailed the deal as a blow to Western hegemony.",
                  "Moscow says the multipolar world no longer needs Washington."],
    }
    for outlet, sentences in texts.items():
        for i, month in enumerate(["01", "02", "04", "04"]):
            lines.append(json.dumps({"id": f"{outlet}-{i}", "outlet": outlet, "date": f"2025-{month}-1{i}",
                                     "text": " ".join(sentences)}))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_report_on_a_dated_corpus_has_time_tests_and_findings(model_dir, capsys, placeholder_figures):
    corpus = _dated_corpus(Path("dated.jsonl"))
    assert main(["report", str(corpus), "--model", "m", "--out", "rep", "--jobs", "1"]) == 0
    report = json.loads(Path("rep/report.json").read_text("utf-8"))
    time = report["time"]
    assert time["granularity"] == "month"
    assert [p["label"] for p in time["periods"]] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert time["series"]["neutral-report"]["Wire"][2] is None  # March: a gap stays a gap
    assert time["series"]["neutral-report"]["Wire"][3]["articles"] == 2
    test = report["difference"]["test"]
    assert test["outlets"] == ["Wire", "Post", "Times"] and test["articles"] == 12 and test["permutations"] == 1999
    assert report["difference"]["pairwise_total"] == 3
    assert 2 <= len(report["findings"]) <= 6
    # five of the six distinct sentences are tiny-model training sentences (all but "The agreement runs ...")
    assert report["findings"][0] == ("Caution: 20 of 24 sentences of this corpus are sentences the model was trained "
                                     "on, so its shares here largely repeat the hand labels.")
    assert report["notes"][-1].startswith("20 of 24 sentences (83%) are among the model's training sentences")
    assert "time.png" in os.listdir("rep/figures")


def test_jobs_2_gives_the_same_report_as_jobs_1(model_dir, capsys, placeholder_figures, forked_workers):
    corpus = _dated_corpus(Path("dated.jsonl"))
    base = ["report", str(corpus), "--model", "m", "--phrase", "western hegemony"]
    assert main([*base, "--out", "one", "--jobs", "1"]) == 0
    assert main([*base, "--out", "two", "--jobs", "2"]) == 0
    assert _without_command("one/report.json") == _without_command("two/report.json")
    assert Path("one/sentences.csv").read_bytes() == Path("two/sentences.csv").read_bytes()


def test_rerun_leaves_nothing_stale_and_files_follow_the_umask(model_dir, capsys, placeholder_figures):
    corpus = _dated_corpus(Path("dated.jsonl"))
    assert main(["report", str(corpus), "--model", "m", "--out", "rep", "--jobs", "1"]) == 0
    Path("rep/figures/stale.png").write_bytes(b"old")
    previous = os.umask(0o022)
    try:
        Path("one.jsonl").write_text(corpus.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
        assert main(["report", "one.jsonl", "--model", "m", "--out", "rep", "--jobs", "1"]) == 0
    finally:
        os.umask(previous)
    names = os.listdir("rep/figures")
    assert "stale.png" not in names and "time.png" not in names
    assert stat.S_IMODE(os.stat("rep/report.html").st_mode) == 0o644
    assert stat.S_IMODE(os.stat("rep").st_mode) == 0o755


def test_report_from_a_predictions_file_with_another_label_set(model_dir, capsys, placeholder_figures):
    lines = [json.dumps({"article_id": "z", "outlet": "Zed", "sentence_index": i, "text": f"S {i}.", "label": label,
                         "confidence": 0.9, "probabilities": {"pro": 0.9 if label == "pro" else 0.1,
                                                               "con": 0.9 if label == "con" else 0.1}})
             for i, label in enumerate(["pro", "con", "pro"])]
    Path("other.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["report", "other.jsonl", "--model", "m", "--out", "rep"]) == 0
    report = json.loads(Path("rep/report.json").read_text("utf-8"))
    assert report["notes"][0] == (
        "the predictions use the labels con, pro but the model has counter-hegemony, neutral-report, "
        "western-concern: model quality, definitions, model terms and explanations are left out")
    assert report["model"] is None and report["outlets"][0]["counts"] == {"con": 1, "pro": 2}
    assert report["provenance"]["inputs"] == [{"name": "other.jsonl", "articles": 1}]


def test_report_of_an_empty_corpus_is_a_one_line_error(model_dir, capsys):
    Path("only_widgets.txt").write_text("Share post:\nWrite a comment ...\nPost comment\n", "utf-8")
    assert main(["report", "only_widgets.txt", "--model", "m", "--out", "rep"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: no content sentences in the input; nothing to report (check the input files)\n")
    assert not Path("rep").exists()


HOSTILE = (
    "Russia and Iran signed the treaty. <script>document.title='pwned'</script> Officials cheered.\n"
    "Critics warned of escalation. <img src=x onerror=\"document.title='pwned'\"> Analysts agreed.\n"
    "Read the <a href=\"javascript:document.title='pwned'\">text</a> of the deal here.\n"
)


def _browser_rows(dom: str) -> list[str]:
    body = re.search(r'<tbody id="browser-rows">(.*?)</tbody>', dom, re.DOTALL).group(1)
    return re.findall(r"<tr>(.*?)</tr>", body)


def test_report_html_is_safe_and_filters_in_a_real_browser(model_dir, tmp_path, capsys, placeholder_figures):
    Path("hostile").mkdir()
    Path("hostile/evil.txt").write_text(HOSTILE, "utf-8")
    corpus = _dated_corpus(Path("hostile/dated.jsonl"))
    assert corpus.exists()
    assert main(["report", "hostile", "--model", "m", "--out", "rep", "--jobs", "1"]) == 0
    page = Path("rep/report.html").resolve()
    source = page.read_text("utf-8")
    assert "<script>document.title" not in source and "<img src=x" not in source
    dom, views = fragment_views(page, ["", "#outlet=Wire", "#outlet=evil&q=pwned"], tmp_path / "browser")
    assert "<title>Framing report</title>" in dom and "pwned" not in dom.split("</title>")[0]
    assert '<img src="x"' not in dom
    total = len(_browser_rows(views[""]))
    assert total == json.loads(Path("rep/report.json").read_text("utf-8"))["browser"]["total"] == 29
    for section in ("findings", "definitions", "provenance", "browser"):
        assert f'<section id="{section}"' in dom
    assert len(_browser_rows(views["#outlet=Wire"])) == 8
    rows = _browser_rows(views["#outlet=evil&q=pwned"])
    assert len(rows) == 3  # the three hostile sentences, shown as text
    plain = [re.sub(r"</?mark>", "", row) for row in rows]  # the search term is highlighted
    assert sum("&lt;script&gt;document.title='pwned'&lt;/script&gt;" in row for row in plain) == 1

