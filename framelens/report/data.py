"""From a :class:`~framelens.report.collect.ReportCollector` to the report data: plain dicts, every number shown.

Statistics come from :mod:`framelens.stats`; this module chooses what to compute for
which outlet, writes the findings sentences and records provenance. It neither draws
nor renders nor writes files.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__, stats
from ..config import DEFAULT_CONFIG, Config
from ..errors import ReportError
from ..schema import ArticleSummary
from .collect import ReportCollector

PRIMARY_ESTIMATE = "calibrated share"
PRIMARY_WHY = (
    "The calibrated share is the one estimate shown because its interval can carry the classifier's measured "
    "errors, and on held-out seed articles it was at least as close to the hand labels as the share of predicted "
    "labels, which is kept beside it as the raw count (evaluation/RESULTS.md)."
)


@dataclass(frozen=True)
class ReportContext:
    """Where the report's input came from, for the provenance section."""

    inputs: Sequence[str] = ()
    command: str = ""
    model_directory: str | None = None
    corpus_name: str = ""
    # The model ids (ModelCard.model_id) the prediction records name.
    prediction_models: tuple[str, ...] = ()
    created: str = field(default_factory=lambda: date.today().isoformat())


@dataclass(frozen=True)
class ReportTables:
    """The report data and the tidy tables written beside it."""

    report: dict
    article_rows: list[dict]
    pairwise_rows: list[dict]


# The parts of the report the figures are drawn from (figures.start_figures sends only these).
FIGURE_DATA_KEYS = ("corpus", "frames", "codebook", "outlets", "keyness", "keyness_threshold", "keyness_figures",
                    "time", "strips")


def build_report(collector: ReportCollector, model=None, config: Config = DEFAULT_CONFIG,
                 context: ReportContext | None = None,
                 on_figure_data: Callable[[dict], None] | None = None,
                 run_elsewhere: Callable[..., Future] | None = None) -> ReportTables:
    """The report data. Raises :class:`ReportError` when there is no content sentence at all.

    ``on_figure_data`` is called, as soon as they are computed, with the parts of the
    report the figures are drawn from (corpus, frames, codebook, outlets, keyness, time,
    strips), so drawing can start while the rest (tests, exemplars, findings) is
    computed. Nothing changes those parts later. ``run_elsewhere(function, *args)``, when
    given, runs the permutation tests in another process (a :class:`~concurrent.futures.Future`)
    while this one computes the intervals; the numbers are the same either way.
    """
    context = context if context is not None else ReportContext()  # created: today, not the import date
    summaries = list(collector.summaries)  # records, made once: the statistics read them several times
    frames = list(collector.frames)
    if not any(s.sentences for s in summaries):
        raise ReportError("no content sentences in the input; nothing to report (check the input files)")
    card = model.card if model is not None else None
    notes: list[str] = []
    if card is not None and sorted(card.labels) != sorted(frames):
        notes.append(f"the predictions use the labels {', '.join(frames)} but the model has "
                     f"{', '.join(sorted(card.labels))}: model quality, definitions, model terms and explanations "
                     "are left out")
        card = model = None
    error_sd, error_note = share_error_sd(card, frames, config)
    if error_note:
        notes.append(error_note)
    # Each outlet's articles with content, grouped in one pass (outlets in order of first appearance).
    content: dict[str, list[ArticleSummary]] = {}
    for summary in summaries:
        articles = content.setdefault(summary.outlet, [])
        if summary.sentences:
            articles.append(summary)
    outlets = list(content)
    for outlet in outlets:
        if not content[outlet]:
            notes.append(f"outlet '{outlet}' has no content sentences (only boilerplate or empty text); "
                         "it is listed but not compared")
    compared = [o for o in outlets if content[o]]
    # The tests first: with run_elsewhere they run in another process while the intervals are computed here.
    tests = _start_tests(summaries, {o: len(content[o]) for o in compared}, config, run_elsewhere)
    rng = np.random.default_rng(config.random_state)
    outlet_rows = [outlet_row(outlet, content[outlet], frames, error_sd, rng, config) for outlet in compared]
    corpus_name = context.corpus_name or "corpus"
    figure_data = {
        "corpus": {"name": corpus_name, "articles": len(summaries), "sentences": sum(s.sentences for s in summaries),
                   "outlets": len(outlets)},
        "frames": frames,
        "codebook": _codebook(card, frames),
        "outlets": outlet_rows,
        "keyness": _keyness(collector, compared, config),
        "keyness_threshold": config.keyness_threshold,
        "keyness_figures": config.keyness_figures,
        "time": _time(summaries, compared, frames, error_sd, config),
        "strips": {"total": sum(1 for s in summaries if s.sentences), "shown": len(collector.strips),
                   "articles": collector.strip_items()},
    }
    if on_figure_data is not None:
        on_figure_data({key: figure_data[key] for key in FIGURE_DATA_KEYS})
    difference, pairwise_rows = tests()
    seen = collector.sentences_in_training
    if seen:
        share = seen / collector.sentences_seen
        notes.append(f"{seen} of {collector.sentences_seen} sentences ({share:.0%}) are among "
                     "the model's training sentences: for them the model repeats its hand labels rather than "
                     "predicting, so their shares say little about how it does on new text")
    report = {
        "title": "Framing report",
        "framelens_version": __version__,
        "random_state": config.random_state,
        "bootstrap_samples": config.bootstrap_samples,
        "interval_level": config.interval_level,
        "corpus": figure_data["corpus"],
        "frames": frames,
        "codebook": figure_data["codebook"],
        "findings": [],
        "estimate": {"name": PRIMARY_ESTIMATE, "why": PRIMARY_WHY, "method": _method(error_sd, frames, config)},
        "model": _model_quality(card, config),
        "outlets": outlet_rows,
        "difference": difference,
        "keyness": figure_data["keyness"],
        "keyness_threshold": config.keyness_threshold,
        "keyness_figures": config.keyness_figures,
        "model_terms": _model_terms(model, config),
        "exemplars": _exemplars(collector, compared, frames, model),
        "phrases": _phrases(collector, compared, frames),
        "time": figure_data["time"],
        "strips": figure_data["strips"],
        "browser": {"total": collector.sentences_seen, "shown": len(collector.browser),
                    "sentences": collector.browser_items()},
        "provenance": _provenance(summaries, card, context),
        "notes": notes,
    }
    found = findings(report, config)
    report["findings"] = found
    if seen:
        found.insert(0, f"Caution: {seen} of {collector.sentences_seen} sentences of this corpus are "
                                     "sentences the model was trained on, so its shares here largely repeat the "
                                     "hand labels.")
        del found[config.findings_max + 1:]
    return ReportTables(report, _article_rows(summaries, frames), pairwise_rows)


@dataclass(frozen=True)
class ShareError:
    """The classifier's outlet-wide share error per frame (sd), and how many held-out articles measured it."""

    sd: list[float]
    articles: int | None


def share_error_sd(card, frames: Sequence[str], config: Config) -> tuple[ShareError, str | None]:
    """Per frame, the sd of the classifier's outlet-wide share error, from the card's held-out measurement."""
    measured = ((card.calibration or {}).get("share_error") if card is not None and getattr(card, "calibration", None)
                else None)
    if not measured or any(frame not in measured for frame in frames):
        return (ShareError([config.default_share_error_sd] * len(frames), None),
                f"the model card has no held-out measure of its share errors, so intervals assume an error of "
                f"±{config.default_share_error_sd:.2f} (sd) per frame")
    sd = [float(measured[f].get("systematic_sd", measured[f]["rmse"])) for f in frames]
    return ShareError(sd, int(min(measured[f]["articles"] for f in frames))), None


def outlet_row(outlet: str, summaries: list[ArticleSummary], frames: list[str], error_sd: ShareError,
                rng: np.random.Generator, config: Config) -> dict:
    sentences = np.array([s.sentences for s in summaries])
    sums = np.array([s.probability_sums for s in summaries], dtype=float)
    variances = np.array([s.probability_variances for s in summaries], dtype=float)
    counts = np.array([s.counts for s in summaries], dtype=int).sum(axis=0)
    few = len(summaries) < config.min_articles_to_resample
    intervals = stats.share_intervals(sentences, sums, variances, error_sd.sd, rng, samples=config.bootstrap_samples,
                                      level=config.interval_level, resample_articles=not few,
                                      error_articles=error_sd.articles)
    total = int(sentences.sum())
    note = None
    if few:
        note = (f"{len(summaries)} article{'s' if len(summaries) > 1 else ''}: not resampled, so the interval speaks "
                f"for {'this article' if len(summaries) == 1 else 'these articles'} only; no test")
    return {
        "outlet": outlet,
        "articles": len(summaries),
        "sentences": total,
        "few_articles": few,
        "note": note,
        "counts": {f: int(c) for f, c in zip(frames, counts, strict=True)},
        "raw_shares": {f: round(int(c) / total, 4) for f, c in zip(frames, counts, strict=True)},
        "shares": {f: {"share": i.share, "low": i.low, "high": i.high} for f, i in zip(frames, intervals, strict=True)},
    }


def _article_shares(summaries: Sequence[ArticleSummary]) -> np.ndarray:
    return np.array([np.array(s.probability_sums) / s.sentences for s in summaries])


def _start_tests(summaries: list[ArticleSummary], articles: dict[str, int], config: Config,
                 run_elsewhere: Callable[..., Future] | None) -> Callable[[], tuple[dict, list[dict]]]:
    """Start the article-level tests; the function returned gives the report's "difference" and the pairwise rows.

    ``articles`` is each compared outlet's number of articles with content. The tests draw
    from their own random stream, so where they run and when do not change their numbers.
    """
    outlets = list(articles)
    enough = [o for o in outlets if articles[o] >= config.min_articles_to_resample]
    left_out = [o for o in outlets if o not in enough]
    result: dict = {"test": None, "note": "", "pairwise": [], "pairwise_total": 0}
    if len(enough) < 2:
        result["note"] = (f"no test: an outlet needs at least {config.min_articles_to_resample} articles to be "
                          f"compared with the article as the unit, and {len(enough)} outlet"
                          f"{' has' if len(enough) == 1 else 's have'} that many")
        return lambda: (result, [])
    tested = set(enough)
    chosen = [s for s in summaries if s.sentences and s.outlet in tested]
    index = np.array([enough.index(s.outlet) for s in chosen])
    arguments = (_article_shares(chosen), index, enough, np.random.default_rng([config.random_state, 1]),
                 config.permutations)
    future = run_elsewhere(stats.permutation_tests, *arguments) if run_elsewhere is not None else None

    def finish() -> tuple[dict, list[dict]]:
        try:
            test, pairs = future.result() if future is not None else stats.permutation_tests(*arguments)
        except (BrokenProcessPool, OSError):  # the other process is gone: run them here
            test, pairs = stats.permutation_tests(*arguments)
        assert test is not None  # two or more outlets
        result["test"] = {
            "method": "permutation test: outlet labels shuffled across articles; statistic = between-outlet "
                      "spread of articles' calibrated frame shares",
            "statistic": test.statistic, "p_value": test.p_value, "permutations": test.permutations,
            "outlets": enough, "articles": test.articles,
        }
        result["note"] = ("" if not left_out else
                          f"left out of the tests (fewer than {config.min_articles_to_resample} articles): "
                          + ", ".join(left_out))
        pairs.sort(key=lambda p: (p["p_adjusted"], -p["statistic"], p["outlets"]))
        result["pairwise"] = pairs[: config.pairwise_in_page]
        result["pairwise_total"] = len(pairs)
        rows = [{"outlet_a": p["outlets"][0], "outlet_b": p["outlets"][1], "statistic": p["statistic"],
                 "p_value": p["p_value"], "p_adjusted": p["p_adjusted"], "articles_a": p["articles"][0],
                 "articles_b": p["articles"][1]} for p in pairs]
        return result, rows

    return finish


def _codebook(card, frames: list[str]) -> dict:
    codebook = None
    if card is not None:
        codebook = getattr(card, "codebook", None) or card.extra.get("codebook")
    if not codebook:
        return {}
    entries = {entry["name"]: entry for entry in codebook.get("frames", [])} if "frames" in codebook else codebook
    return {f: {"definition": entries[f].get("definition", ""), "signals": list(entries[f].get("signals", [])),
                "color": entries[f].get("colour") or entries[f].get("color")} for f in frames if f in entries}


def _method(error_sd: ShareError, frames: list[str], config: Config) -> str:
    errors = ", ".join(f"{f} {sd:.2f}" for f, sd in zip(frames, error_sd.sd, strict=True))
    measured = (f"measured on {error_sd.articles} held-out articles, so drawn from Student's t with "
                f"{error_sd.articles} degrees of freedom" if error_sd.articles else "assumed, not measured")
    return (f"Share = the outlet's mean calibrated probability for the frame over its sentences. The "
            f"{config.interval_level:.0%} interval comes from {config.bootstrap_samples} bootstrap replicates that "
            f"resample the outlet's articles (outlets with at least {config.min_articles_to_resample} articles; with "
            f"fewer, the interval speaks only for the articles there are, not for what else the outlet published, "
            f"and no test uses the outlet), draw "
            f"every sentence's frame from its calibrated probabilities, and add the classifier's outlet-wide share "
            f"error (sd: {errors}; {measured}).")


def _model_quality(card, config: Config) -> dict | None:
    if card is None:
        return None
    warnings = []
    cv = card.cv
    if cv is None:
        warnings.append("the model has no cross-validated scores (too few articles to split)")
    elif cv["macro_f1_mean"] < config.warn_macro_f1_below:
        warnings.append(f"grouped-CV macro-F1 is {cv['macro_f1_mean']:.2f}, below {config.warn_macro_f1_below}: "
                        "treat frame shares as rough")
    for frame, count in card.label_counts.items():
        if count < config.warn_class_count_below:
            warnings.append(
                f"'{frame}' has only {count} training sentences (fewer than {config.warn_class_count_below})")
    calibration = getattr(card, "calibration", None) or card.extra.get("calibration")
    return {
        "macro_f1": cv["macro_f1_mean"] if cv else None,
        "macro_f1_sd": cv["macro_f1_sd"] if cv else None,
        "folds": cv["n_splits"] if cv else None,
        "per_class_f1": {f: s["f1"] for f, s in cv["per_class"].items()} if cv else {},
        "label_counts": card.label_counts,
        "n_authored": card.n_authored,
        "warnings": warnings,
        "calibration": ({k: calibration[k] for k in ("temperature", "brier", "log_loss") if k in calibration}
                        if calibration else None),
    }


def _keyness(collector: ReportCollector, outlets: list[str], config: Config) -> dict:
    if len(outlets) < 2:
        return {}
    counts = {o: collector.terms.get(o, Counter()) for o in outlets}
    return stats.log_odds_dirichlet(counts, config.log_odds_prior_size, config.distinctive_terms,
                                    config.keyness_threshold)


def _model_terms(model, config: Config) -> dict:
    if model is None:
        return {}
    from ..explain import top_terms

    return top_terms(model, config.top_model_terms)


def _exemplars(collector: ReportCollector, outlets: list[str], frames: list[str], model) -> dict:
    cells = [(outlet, frame, collector.exemplars.get((outlet, frame), [])) for outlet in outlets for frame in frames]
    texts = [(text, frame) for _, frame, items in cells for _, _, _, text in items]
    words = iter(explaining_words_many(model, texts) if model is not None else [[] for _ in texts])
    result: dict = {outlet: {} for outlet in outlets}
    for outlet, frame, items in cells:
        result[outlet][frame] = [{"text": text, "article_id": article_id, "confidence": -negative_confidence,
                                  "terms": next(words)}
                                 for negative_confidence, article_id, _, text in items]
    return result


def explaining_words_many(model, items: Sequence[tuple[str, str]], n: int = 5) -> list[list[str]]:
    """Per (text, frame): the words and phrases of the text that pushed the model towards the frame, strongest first.

    Character n-gram contributions are credited to the words that contain them, so the
    reader sees words, never fragments. The texts go through the model together.
    """
    from ..explain import term_contributions_many
    from .terms import stop_words

    skip = stop_words()
    result = []
    for (text, _), contributions in zip(items, term_contributions_many(model, items, positive_only=True),
                                        strict=True):
        by_word: dict[str, float] = {}
        words = [w for w in stats.words_of(text) if w.lower() not in skip]
        padded = [(w.lower(), f" {w.lower()} ") for w in words]
        containing_of: dict[str, list[str]] = {}  # several n-grams strip to the same fragment
        for kind, term, weight in contributions:
            if kind == "char":
                fragment = term.strip().lower()
                containing = containing_of.get(fragment)
                if containing is None:
                    containing = containing_of[fragment] = [lower for lower, around in padded
                                                            if fragment and fragment in around]
                for word in containing:
                    by_word[word] = by_word.get(word, 0.0) + weight / len(containing)
            elif kind == "word" and not all(part in skip for part in term.split()):
                by_word[term] = by_word.get(term, 0.0) + weight
        ranked = sorted(by_word.items(), key=lambda item: (-item[1], item[0]))
        result.append([word for word, _ in ranked[:n]])
    return result


def _phrases(collector: ReportCollector, outlets: list[str], frames: list[str]) -> list[dict]:
    result = []
    for phrase in collector.phrases:
        rows = []
        for outlet in outlets:
            counts = collector.phrase_counts.get(phrase, {}).get(outlet, Counter())
            words = collector.words.get(outlet, 0)
            rows.append({"outlet": outlet, "count": int(counts.get("count", 0)), "words": int(words),
                         "per_1000_words": stats.per_thousand(int(counts.get("count", 0)), int(words)),
                         "frames": {f: int(counts.get(f, 0)) for f in frames}})
        result.append({"phrase": phrase, "outlets": rows,
                       "kwic": collector.kwic_items(phrase),
                       "kwic_total": int(collector.kwic_total.get(phrase, 0))})
    return result


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _period_start(day: date, granularity: str) -> date:
    return day.replace(day=1) if granularity == "month" else day - timedelta(days=day.weekday())


def _next_period(start: date, granularity: str) -> date:
    if granularity == "week":
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def _time(summaries: list[ArticleSummary], outlets: list[str], frames: list[str], error_sd: ShareError,
          config: Config) -> dict:
    content = [s for s in summaries if s.sentences]
    dated = [(s, _parse_date(s.date)) for s in content]
    known = [(s, d) for s, d in dated if d is not None]
    missing = len(dated) - len(known)
    empty: dict[str, Any] = {"granularity": None, "periods": [], "series": {}, "undated_articles": missing}
    if not known:
        return {**empty, "message": f"no article has a date ({missing} undated), so there is no time view"}
    first, last = min(d for _, d in known), max(d for _, d in known)
    granularity = "month" if (last - first).days > 90 else "week"
    starts = [_period_start(first, granularity)]
    while _next_period(starts[-1], granularity) <= last:
        starts.append(_next_period(starts[-1], granularity))
    if len(starts) < 2:
        return {**empty, "granularity": granularity, "message": (
            f"dates are known for {len(known)} article(s) in a single {granularity} and missing for {missing}: a "
            "trend needs at least two periods")}
    position = {start: i for i, start in enumerate(starts)}
    dated_articles = Counter(s.outlet for s, _ in known)
    by_outlet_article_count = {o: dated_articles[o] for o in outlets}
    shown = sorted(outlets, key=lambda o: -by_outlet_article_count[o])[: config.time_outlets]  # stable: ties keep order
    shown = [o for o in shown if by_outlet_article_count[o]]
    cells: dict[str, list[list[ArticleSummary]]] = {o: [[] for _ in starts] for o in shown}
    for summary, day in known:
        if summary.outlet in cells:
            cells[summary.outlet][position[_period_start(day, granularity)]].append(summary)
    rng = np.random.default_rng(config.random_state)
    series: dict[str, dict[str, list]] = {f: {o: [] for o in shown} for f in frames}
    for outlet in shown:
        for members in cells[outlet]:
            if not members:
                for f in frames:
                    series[f][outlet].append(None)
                continue
            n = np.array([s.sentences for s in members])
            sums = np.array([s.probability_sums for s in members], dtype=float)
            variances = np.array([s.probability_variances for s in members], dtype=float)
            with_interval = len(members) >= config.min_articles_to_resample
            intervals = (stats.share_intervals(n, sums, variances, error_sd.sd, rng,
                                               samples=config.time_bootstrap_samples,
                                               level=config.interval_level, error_articles=error_sd.articles)
                         if with_interval else None)
            for k, f in enumerate(frames):
                share = round(float(sums[:, k].sum() / n.sum()), 4)
                series[f][outlet].append({
                    "share": share, "low": intervals[k].low if intervals else None,
                    "high": intervals[k].high if intervals else None,
                    "articles": len(members), "sentences": int(n.sum())})
    label = (lambda d: f"{d.year}-{d.month:02d}") if granularity == "month" else (
        lambda d: f"{d.isocalendar().year}-W{d.isocalendar().week:02d}")
    message = None
    if len(shown) < len([o for o in outlets if by_outlet_article_count[o]]):
        message = f"the {len(shown)} outlets with the most dated articles are shown"
    return {"granularity": granularity, "periods": [{"label": label(s), "start": s.isoformat()} for s in starts],
            "series": series, "undated_articles": missing, "message": message}


def _provenance(summaries: list[ArticleSummary], card, context: ReportContext) -> dict:
    digest = hashlib.sha256()
    for summary in summaries:
        digest.update(summary.digest.encode("ascii"))
    inputs = []
    for name in context.inputs:
        root = Path(name).resolve() if name != "-" else None
        # Records from a predictions file or stdin carry no source: they came from the one input.
        count = sum(1 for s in summaries
                    if _comes_from(s.source, root) or (s.source is None and len(context.inputs) == 1))
        inputs.append({"name": name, "articles": count})
    model = None
    if card is not None:
        model = {"id": card.model_id, "directory": context.model_directory, "artifact_sha256": card.artifact_sha256,
                 "training_data_sha256": card.training_data_sha256,
                 "macro_f1": card.cv["macro_f1_mean"] if card.cv else None,
                 "splitter": card.extra.get("splitter") or getattr(card, "splitter", None)}
    return {"inputs": inputs, "articles": len(summaries), "sentences": sum(s.sentences for s in summaries),
            "predictions_sha256": digest.hexdigest(), "prediction_models": list(context.prediction_models),
            "model": model, "framelens_version": __version__,
            "command": context.command, "date": context.created}


def _comes_from(source: str | None, root: Path | None) -> bool:
    if root is None:
        return source in (None, "-", "<stdin>")
    if source is None:
        return False
    path = Path(source).resolve()
    return path == root or root in path.parents


def _article_rows(summaries: list[ArticleSummary], frames: list[str]) -> list[dict]:
    return [{"article_id": s.article_id, "outlet": s.outlet, "date": s.date, "sentences": s.sentences,
             "counts": dict(zip(frames, s.counts, strict=True))} for s in summaries]


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def findings(report: dict, config: Config) -> list[str]:
    """Plain sentences from the numbers: the largest outlet differences whose intervals do not overlap."""
    rows = report["outlets"]
    separated = []
    for frame in report["frames"]:
        for a in rows:
            for b in rows:
                high, low = a["shares"][frame], b["shares"][frame]
                if a is not b and high["low"] > low["high"]:
                    separated.append((high["share"] - low["share"], frame, a, b))
    separated.sort(key=lambda item: (-item[0], item[1], item[2]["outlet"], item[3]["outlet"]))
    sentences: list[str] = []
    used: set[tuple[str, str]] = set()
    for _gap, frame, a, b in separated:
        if (frame, a["outlet"]) in used or (frame, b["outlet"]) in used:
            continue
        used |= {(frame, a["outlet"]), (frame, b["outlet"])}
        sa, sb = a["shares"][frame], b["shares"][frame]
        sentences.append(
            f"{a['outlet']} gives {frame} {_pct(sa['share'])} of its sentences ({_pct(sa['low'])}–{_pct(sa['high'])}; "
            f"{_n(a)}), against {_pct(sb['share'])} for {b['outlet']} ({_pct(sb['low'])}–{_pct(sb['high'])}; {_n(b)}).")
        if len(sentences) >= config.findings_max - 1:
            break
    if not sentences:
        sentences.append(f"The data show no clear difference between the {len(rows)} outlets: for every frame, every "
                         f"outlet's {report['interval_level']:.0%} interval overlaps every other's.")
    test = report["difference"]["test"]
    if test is not None:
        verdict = "differ" if test["p_value"] < 0.05 else "do not clearly differ"
        sentences.append(f"With the article as the unit, the frame mixes of the {len(test['outlets'])} outlets with at "
                         f"least {config.min_articles_to_resample} articles {verdict} (permutation test, "
                         f"p = {test['p_value']:.3g}, {test['articles']} articles).")
    else:
        sentences.append(f"There is no significance test: {report['difference']['note'].removeprefix('no test: ')}.")
    if report["model"] and report["model"]["macro_f1"] is not None:
        sentences.append(f"The classifier's cross-validated macro-F1 is {report['model']['macro_f1']:.2f}; the "
                         "intervals include its measured errors.")
    return sentences[: config.findings_max + 1]


def _n(row: dict) -> str:
    articles = f"{row['articles']} article{'s' if row['articles'] != 1 else ''}"
    return f"{articles}, {row['sentences']} sentences"
