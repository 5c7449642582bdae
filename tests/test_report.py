"""The per-outlet report: statistics, files, determinism, bad input, and HTML safety in a real browser."""
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from framelens import stats
from framelens.cli import main
from framelens.errors import ReportError
from framelens.report import ArticleRecord, build_report, group_predictions
from framelens.schema import Prediction

FRAMES = ["counter-hegemony", "neutral-report", "western-concern"]


def _p(article_id, outlet, index, label, text="A sentence.", confidence=0.8):
    probabilities = {f: (confidence if f == label else round((1 - confidence) / 2, 6)) for f in FRAMES}
    return Prediction(article_id, outlet, index, text, label, confidence, probabilities)


def _articles():
    rows = {
        ("a1", "Alpha"): ["western-concern", "western-concern", "neutral-report"],
        ("a2", "Alpha"): ["western-concern", "neutral-report"],
        ("b1", "Beta"): ["counter-hegemony", "counter-hegemony", "neutral-report", "neutral-report"],
    }
    return [ArticleRecord(aid, outlet, None, [_p(aid, outlet, i, label) for i, label in enumerate(labels)])
            for (aid, outlet), labels in rows.items()]


def test_shares_counts_and_resampling_unit():
    report = build_report(_articles())
    alpha, beta = report["outlets"]
    assert alpha["counts"] == {"counter-hegemony": 0, "neutral-report": 2, "western-concern": 3}
    assert alpha["shares"]["western-concern"]["share"] == 0.6
    assert (alpha["articles"], alpha["sentences"], alpha["resampled"]) == (2, 5, "articles")
    assert beta["resampled"] == "sentences"
    assert beta["probabilistic_shares"] == {"counter-hegemony": 0.45, "neutral-report": 0.45, "western-concern": 0.1}
    low, high = alpha["shares"]["western-concern"]["low"], alpha["shares"]["western-concern"]["high"]
    assert (low, high) == (0.5, 0.6667)  # resampling two articles (2/3 and 1/2): the extremes


def test_chi_square_matches_scipy():
    report = build_report(_articles())
    expected = chi2_contingency(np.array([[0, 2, 3], [2, 2, 0]]), correction=False)
    test = report["difference"]["chi_square"]
    assert test["chi2"] == round(expected[0], 4) and test["dof"] == 2 and test["n"] == 9
    assert test["cramers_v"] == round((expected[0] / 9) ** 0.5, 4)
    assert report["difference"]["pairwise"][0]["outlets"] == ["Alpha", "Beta"]


def test_adjusted_classify_and_count_inverts_known_confusion():
    # True shares (0.2, 0.8); with P(pred|true) = [[0.9, 0.1], [0.2, 0.8]] the observed shares are (0.34, 0.66).
    assert stats.adjusted_shares([0.34, 0.66], [[90, 10], [20, 80]]) == [0.2, 0.8]
    assert stats.adjusted_shares([0.0, 1.0], [[90, 10], [20, 80]]) == [0.0, 1.0]  # clipped and renormalised


def test_holm_and_log_odds():
    assert stats.holm([0.01, 0.04, 0.03]) == [0.03, 0.06, 0.06]
    counts = {"A": Counter({"hegemony": 9, "treaty": 5}), "B": Counter({"hegemony": 1, "treaty": 5, "drones": 6})}
    terms = stats.log_odds_dirichlet(counts, prior_size=10, top=5)
    assert [t["term"] for t in terms["A"]] == ["hegemony"]
    assert [t["term"] for t in terms["B"]] == ["drones", "treaty"]  # treaty: 5/12 in B vs 5/14 in A
    assert terms["B"][0]["z"] > 1.96


def test_phrase_counting_is_case_insensitive_and_whole_word():
    assert stats.phrase_occurrences("Western  hegemony and western hegemonyism; WESTERN HEGEMONY.", "western hegemony") == 2
    assert stats.per_thousand(3, 500) == 6.0


def test_empty_corpus_and_outlet_without_sentences():
    with pytest.raises(ReportError, match="^no content sentences in the input; nothing to report"):
        build_report([ArticleRecord("x", "Empty", None, [])])
    report = build_report(_articles() + [ArticleRecord("c1", "Gamma", None, [])])
    assert report["notes"] == ["outlet 'Gamma' has no content sentences (only boilerplate or empty text); "
                               "it is listed but not compared"]
    assert [r["outlet"] for r in report["outlets"]] == ["Alpha", "Beta"]


def test_time_view_says_when_dates_are_missing():
    report = build_report(_articles())
    assert report["time"]["message"] == "no article has a date (3 undated), so there is no time view"


@pytest.fixture
def model_dir(tiny_labels, capsys):
    assert main(["train", str(tiny_labels), "--model", "m"]) == 0
    capsys.readouterr()
    return Path("m")


def test_predict_report_writes_every_file_and_is_reproducible(model_dir, seeds_dir, capsys):
    args = ["predict", str(seeds_dir), "--model", "m", "--jobs", "1", "--phrase", "western hegemony"]
    assert main(args + ["--report", "r1"]) == 0
    assert capsys.readouterr().err == (
        "framelens: wrote the report for 135 sentences from 5 articles and 5 outlets to r1/report.html "
        "(also report.md, report.json, sentences.csv, figures/)\n"
    )
    assert main(args + ["--report", "r2"]) == 0
    assert Path("r1/report.json").read_bytes() == Path("r2/report.json").read_bytes()
    assert sorted(p.name for p in Path("r1/figures").iterdir()) == ["article_strips.png", "heatmap.png", "shares.png"]
    report = json.loads(Path("r1/report.json").read_text("utf-8"))
    assert [r["outlet"] for r in report["outlets"]] == [
        "Sky News", "Observer Diplomat", "Unattributed (002)", "Unattributed (003)", "EU Global"]
    usage = {row["outlet"]: row["count"] for row in report["phrases"][0]["outlets"]}
    assert usage == {"Sky News": 0, "Observer Diplomat": 0, "Unattributed (002)": 0, "Unattributed (003)": 3,
                     "EU Global": 1}
    assert report["model"]["warnings"][-1] == "'western-concern' has only 4 training sentences (fewer than 20)"
    html = Path("r1/report.html").read_text("utf-8")
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert len(Path("r1/sentences.csv").read_text("utf-8").splitlines()) == 136


def test_report_from_a_predictions_file_with_another_label_set(model_dir, capsys):
    lines = [json.dumps({"article_id": "z", "outlet": "Zed", "sentence_index": i, "text": f"S {i}.", "label": label,
                         "confidence": 0.9, "probabilities": {"pro": 0.9 if label == "pro" else 0.1,
                                                               "con": 0.9 if label == "con" else 0.1}})
             for i, label in enumerate(["pro", "con", "pro"])]
    Path("other.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    assert main(["report", "other.jsonl", "--model", "m", "--out", "rep"]) == 0
    report = json.loads(Path("rep/report.json").read_text("utf-8"))
    assert report["notes"][0] == (
        "the predictions use the labels con, pro but the model has counter-hegemony, neutral-report, "
        "western-concern: model quality, corrected shares, model terms and explanations are left out")
    assert report["model"] is None and report["outlets"][0]["counts"] == {"con": 1, "pro": 2}


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


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_report_html_is_safe_in_a_real_browser(model_dir, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium binary on this machine (CI installs Debian's chromium package)")
    Path("hostile").mkdir()
    Path("hostile/evil.txt").write_text(HOSTILE, "utf-8")
    assert main(["report", "hostile", "--model", "m", "--out", "rep", "--jobs", "1"]) == 0
    page = Path("rep/report.html").resolve()
    source = page.read_text("utf-8")
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in source
    # A test-only copy that reports, after load, the title and how many images decoded.
    probe = tmp_path / "probe.html"
    probe.write_text(source.replace("default-src 'none'", "default-src 'none'; script-src 'unsafe-inline'").replace(
        "</body>", "<script>window.addEventListener('load',()=>{const i=[...document.images];"
        "document.body.setAttribute('data-probe',document.title+'|'+i.length+'|'+"
        "i.filter(x=>x.complete&&x.naturalWidth>0).length)})</script></body>"), "utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
             "--virtual-time-budget=5000", "--dump-dom"]
    dom = subprocess.run([browser, *flags, probe.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-probe="Framing report|3|3"' in dom  # title untouched, all three figures decoded
    original = subprocess.run([browser, *flags, page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert "<title>Framing report</title>" in original and "pwned</title>" not in original
    assert "<h1>Framing report</h1>" in original
    assert "javascript:" not in original.replace("&lt;a href=\"javascript:", "")
