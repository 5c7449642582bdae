"""Report statistics and data: intervals that carry the classifier's error, article-level tests,
bounded mergeable collectors, findings sentences."""
from __future__ import annotations

import json

import numpy as np
import pytest

from framelens import stats
from framelens.config import DEFAULT_CONFIG
from framelens.errors import ReportError
from framelens.prediction import ArticlePredictions
from framelens.report.collect import ReportCollector, summarise_chunk
from framelens.report.data import ReportContext, build_report, findings
from framelens.schema import Article, Prediction

FRAMES = ("counter-hegemony", "neutral-report", "western-concern")


def _article(article_id: str, outlet: str, rows: list[tuple[str, tuple[float, float, float]]],
             date: str | None = None) -> ArticlePredictions:
    article = Article(article_id, outlet, " ".join(text for text, _ in rows), date=date)
    predictions = []
    for index, (text, proba) in enumerate(rows):
        best = int(np.argmax(proba))
        predictions.append(Prediction(article_id, outlet, index, text, FRAMES[best], proba[best],
                                      dict(zip(FRAMES, proba, strict=True)), date))
    return ArticlePredictions(article, predictions)


CONCERN = (0.1, 0.1, 0.8)
HEGEMONY = (0.8, 0.1, 0.1)
NEUTRAL = (0.1, 0.8, 0.1)


def _corpus(concern=CONCERN, hegemony=HEGEMONY, neutral=NEUTRAL) -> list[ArticlePredictions]:
    CONCERN, HEGEMONY, NEUTRAL = concern, hegemony, neutral
    items = []
    for i in range(4):  # Alpha: concern-heavy; Beta: counter-hegemony-heavy; Gamma: one article
        items.append(_article(f"a{i}", "Alpha", [("Western capitals warned of escalation.", CONCERN),
                                                 ("Officials raised alarm over drones.", CONCERN),
                                                 ("The treaty was signed.", NEUTRAL)], date=f"2025-0{1 + i}-10"))
        items.append(_article(f"b{i}", "Beta", [("Moscow hailed the end of Western hegemony.", HEGEMONY),
                                                ("A multipolar world is rising.", HEGEMONY),
                                                ("The treaty was signed.", NEUTRAL)], date=f"2025-0{1 + i}-12"))
    items.append(_article("g0", "Gamma", [("The treaty was signed.", NEUTRAL)]))
    return items


def _collect(items, chunks=(9,), phrases=("western hegemony",), config=DEFAULT_CONFIG) -> ReportCollector:
    collector = ReportCollector(FRAMES, phrases, config)
    start = 0
    for size in chunks:
        collector.merge(summarise_chunk(items[start:start + size], FRAMES, phrases, config))
        start += size
    return collector


def test_share_point_is_the_mean_calibrated_probability_and_zero_counts_get_an_upper_bound():
    rng = np.random.default_rng(0)
    sentences = np.array([4, 4])
    sums = np.array([[3.0, 0.6, 0.4], [1.0, 2.6, 0.4]])  # no sentence would be labelled frame 3
    variances = np.array([[0.6, 0.5, 0.3], [0.5, 0.8, 0.3]])
    intervals = stats.share_intervals(sentences, sums, variances, [0.0, 0.0, 0.0], rng, samples=2000)
    assert [i.share for i in intervals] == [0.5, 0.4, 0.1]
    for interval in intervals:
        assert interval.low <= interval.share <= interval.high
    assert intervals[2].high > 0.0  # never [0, 0] for a handful of sentences


def test_interval_covers_the_true_share_when_labels_follow_calibrated_probabilities():
    # 300 simulated outlets: true labels drawn from calibrated probabilities, plus an outlet-wide
    # classifier bias of sd 0.05. The 95% interval should hold the true share about 95% of the time.
    rng = np.random.default_rng(1)
    covered = trials = 0
    for _ in range(300):
        articles = int(rng.integers(1, 8))
        sentences = rng.integers(5, 40, size=articles)
        base = rng.dirichlet([2, 2, 2])
        bias = rng.normal(0, 0.05, size=3)
        sums, variances, truth = [], [], np.zeros(3)
        for n in sentences:
            proba = rng.dirichlet(base * 8 + 0.5, size=n)
            labels = (rng.random((n, 1)) > proba.cumsum(axis=1)).sum(axis=1).clip(max=2)  # a draw per row
            truth += np.bincount(labels, minlength=3)
            sums.append(np.clip(proba.sum(axis=0) + bias * n, 0, None))
            variances.append((proba * (1 - proba)).sum(axis=0))
        truth /= sentences.sum()
        intervals = stats.share_intervals(sentences, np.array(sums), np.array(variances), [0.05] * 3, rng,
                                          samples=400, resample_articles=articles >= 3)
        for k, interval in enumerate(intervals):
            trials += 1
            covered += interval.low <= truth[k] <= interval.high
    assert 0.93 <= covered / trials <= 0.995


def test_permutation_test_uses_articles_and_finds_a_clear_difference():
    shares = np.array([[0.9, 0.1], [0.8, 0.2], [0.85, 0.15], [0.1, 0.9], [0.2, 0.8], [0.15, 0.85]])
    outlets = np.array([0, 0, 0, 1, 1, 1])
    test, pairs = stats.permutation_tests(shares, outlets, ["A", "B"], np.random.default_rng(0), 1999)
    # Of the 20 ways to split six articles in two groups of three, two give the observed spread.
    assert test.articles == 6 and test.outlets == 2 and test.permutations == 1999
    assert 0.07 < test.p_value < 0.13
    # With two outlets the one pair is the whole test: same statistic, same count.
    assert [(p["statistic"], p["p_value"], p["p_adjusted"]) for p in pairs] == [
        (test.statistic, test.p_value, test.p_value)]
    same, _ = stats.permutation_tests(np.array([[0.5, 0.5]] * 6), outlets, ["A", "B"], np.random.default_rng(0), 199)
    assert same.p_value == 1.0


def test_pairwise_p_values_are_max_t_adjusted():
    shares = np.array([[0.9], [0.8], [0.85], [0.1], [0.2], [0.15], [0.5], [0.55], [0.45]])
    outlets = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    _, pairs = stats.permutation_tests(shares, outlets, ["A", "B", "C"], np.random.default_rng(0), 999)
    assert [p["outlets"] for p in pairs] == [["A", "B"], ["A", "C"], ["B", "C"]]
    assert [p["articles"] for p in pairs] == [[3, 3], [3, 3], [3, 3]]
    assert [p["statistic"] for p in pairs] == [0.735, 0.18375, 0.18375]
    # The adjusted p counts permutations whose largest pair reaches this one: never below the pair's own.
    assert all(p["p_adjusted"] >= p["p_value"] for p in pairs)
    assert pairs[1]["p_adjusted"] == pairs[2]["p_adjusted"]  # equal statistics, equal adjusted p


def test_one_outlet_apart_among_forty_is_found_where_holm_could_not():
    # 40 outlets of 5 articles; only outlet 0 frames differently. 780 pairs and 199 permutations:
    # Holm could not go below 780/200, max-T reaches 1/200 for the 39 pairs with outlet 0.
    outlets = np.repeat(np.arange(40), 5)
    shares = np.where((outlets == 0)[:, None], [1.0, 0.0], [0.0, 1.0])
    names = [f"O{i}" for i in range(40)]
    test, pairs = stats.permutation_tests(shares, outlets, names, np.random.default_rng(0), 199)
    assert test.p_value == 0.005 and len(pairs) == 780
    with_first = [p for p in pairs if "O0" in p["outlets"]]
    assert {(p["p_value"], p["p_adjusted"]) for p in with_first} == {(0.005, 0.005)} and len(with_first) == 39
    assert {(p["p_value"], p["p_adjusted"]) for p in pairs if "O0" not in p["outlets"]} == {(1.0, 1.0)}


def test_the_page_gets_the_strongest_pairs_in_the_order_of_pairwise_csv():
    shares = {"A": CONCERN, "B": HEGEMONY, "C": NEUTRAL, "D": (0.3, 0.4, 0.3)}
    items = [_article(f"{outlet}{i}", outlet, [("The treaty was signed.", proba), ("Talks went on.", proba)])
             for outlet, proba in shares.items() for i in range(3)]
    config = DEFAULT_CONFIG.__class__(pairwise_in_page=2)
    tables = build_report(_collect(items, (len(items),), config=config), config=config)
    rows = tables.pairwise_rows
    order = [(r["p_adjusted"], -r["statistic"], [r["outlet_a"], r["outlet_b"]]) for r in rows]
    assert len(rows) == 6 and order == sorted(order)
    difference = tables.report["difference"]
    assert difference["pairwise_total"] == 6
    assert [p["outlets"] for p in difference["pairwise"]] == [[r["outlet_a"], r["outlet_b"]] for r in rows[:2]]


def test_keyness_lists_only_terms_past_the_threshold():
    from collections import Counter

    counts = {"A": Counter({"hegemony": 30, "treaty": 10}), "B": Counter({"treaty": 12, "drones": 25})}
    terms = stats.log_odds_dirichlet(counts, prior_size=10, top=5, threshold=1.96)
    assert [t["term"] for t in terms["A"]] == ["hegemony"]
    assert [t["term"] for t in terms["B"]] == ["drones"]
    assert terms["A"][0]["count"] == 30 and terms["A"][0]["count_rest"] == 0
    assert all(t["z"] > 1.96 for t in terms["A"] + terms["B"])


def test_collector_does_not_depend_on_how_the_corpus_was_chunked():
    items = _corpus()
    config = DEFAULT_CONFIG.__class__(browser_sentences=5, strip_articles=3, kwic_lines=2)
    whole = build_report(_collect(items, (9,), config=config), config=config).report
    pieces = build_report(_collect(items, (2, 3, 4), config=config), config=config).report
    assert json.dumps(whole, sort_keys=True) == json.dumps(pieces, sort_keys=True)
    assert whole["browser"]["total"] == 25 and whole["browser"]["shown"] == 5
    assert whole["strips"] == {"total": 9, "shown": 3, "articles": whole["strips"]["articles"]}
    assert len(whole["strips"]["articles"]) == 3


def test_report_data_outlets_tests_phrases_and_time():
    tables = build_report(_collect(_corpus()), context=ReportContext(inputs=["-"], command="framelens report -",
                                                                     corpus_name="test", created="2026-01-02"))
    report = tables.report
    alpha, _beta, gamma = report["outlets"]
    assert (alpha["outlet"], alpha["articles"], alpha["sentences"], alpha["few_articles"]) == ("Alpha", 4, 12, False)
    assert alpha["counts"] == {"counter-hegemony": 0, "neutral-report": 4, "western-concern": 8}
    assert alpha["raw_shares"] == {"counter-hegemony": 0.0, "neutral-report": 0.3333, "western-concern": 0.6667}
    assert alpha["shares"]["western-concern"]["share"] == 0.5667  # (8 × 0.8 + 4 × 0.1) / 12
    assert alpha["shares"]["counter-hegemony"]["high"] > 0
    assert gamma["few_articles"] is True
    assert gamma["note"] == "1 article: not resampled, so the interval speaks for this article only; no test"
    test = report["difference"]["test"]
    assert test["outlets"] == ["Alpha", "Beta"] and test["articles"] == 8
    assert report["difference"]["note"] == "left out of the tests (fewer than 3 articles): Gamma"
    assert report["difference"]["pairwise_total"] == 1
    assert tables.pairwise_rows[0]["outlet_a"] == "Alpha" and tables.pairwise_rows[0]["articles_b"] == 4
    phrase = report["phrases"][0]
    assert [(r["outlet"], r["count"]) for r in phrase["outlets"]] == [("Alpha", 0), ("Beta", 4), ("Gamma", 0)]
    assert phrase["kwic_total"] == 4
    assert phrase["kwic"][0]["match"] == "Western hegemony" and phrase["kwic"][0]["left"] == "Moscow hailed the end of "
    time = report["time"]
    assert time["granularity"] == "month"
    assert [p["start"] for p in time["periods"]] == ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]
    assert time["undated_articles"] == 1
    first = time["series"]["western-concern"]["Alpha"][0]
    assert first == {"share": 0.5667, "low": None, "high": None, "articles": 1, "sentences": 3}
    assert tables.article_rows[0] == {"article_id": "a0", "outlet": "Alpha", "date": "2025-01-10", "sentences": 3,
                                      "counts": {"counter-hegemony": 0, "neutral-report": 1, "western-concern": 2}}
    provenance = report["provenance"]
    assert provenance["inputs"] == [{"name": "-", "articles": 9}]
    assert provenance["command"] == "framelens report -" and provenance["date"] == "2026-01-02"
    assert len(provenance["predictions_sha256"]) == 64
    assert report["notes"] == ["the model card has no held-out measure of its share errors, so intervals assume an "
                               "error of ±0.10 (sd) per frame"]


def test_findings_name_separated_outlets_or_say_there_is_no_clear_difference():
    sure = _corpus((0.02, 0.02, 0.96), (0.96, 0.02, 0.02), (0.02, 0.96, 0.02))
    report = build_report(_collect(sure)).report
    sentences = report["findings"]
    assert sentences[0].startswith("Beta gives counter-hegemony 65% of its sentences (")
    assert "; 4 articles, 12 sentences), against 2% for Alpha (" in sentences[0]
    assert sentences[1].startswith("Alpha gives western-concern 65% of its sentences (")
    assert sentences[-1].startswith("With the article as the unit, the frame mixes of the 2 outlets with at least 3 "
                                    "articles differ (permutation test, p = ")
    flat = {**report, "outlets": [dict(r, shares={f: {"share": 0.3, "low": 0.1, "high": 0.6} for f in FRAMES})
                                  for r in report["outlets"]]}
    assert findings(flat, DEFAULT_CONFIG)[0] == ("The data show no clear difference between the 3 outlets: for every "
                                                 "frame, every outlet's 95% interval overlaps every other's.")


def test_no_content_sentences_is_a_report_error():
    empty = ArticlePredictions(Article("x", "Empty", ""), [])
    with pytest.raises(ReportError, match=r"^no content sentences in the input; nothing to report"):
        build_report(_collect([empty], (1,)))


def test_tests_run_in_another_process_give_the_same_numbers():
    from concurrent.futures import Future, ThreadPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    collector = _collect(_corpus())
    here = build_report(collector)
    calls = []
    with ThreadPoolExecutor(1) as pool:
        def run(function, *args):
            calls.append(function.__name__)
            return pool.submit(function, *args)

        there = build_report(collector, run_elsewhere=run)

    def dead(function, *args):
        future: Future = Future()
        future.set_exception(BrokenProcessPool("A child process terminated abruptly"))
        return future

    fallen_back = build_report(collector, run_elsewhere=dead)
    assert calls == ["permutation_tests"]
    assert there.report["difference"] == here.report["difference"] == fallen_back.report["difference"]
    assert there.pairwise_rows == here.pairwise_rows == fallen_back.pairwise_rows
    assert here.report["difference"]["test"]["p_value"] < 0.05
