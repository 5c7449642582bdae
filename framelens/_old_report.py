"""Build the per-outlet framing report and render it as JSON, Markdown and one self-contained HTML file.

The report data is one plain dict (``report.json``): every number shown in the
HTML and Markdown comes from it. Statistics come from :mod:`framelens.stats`,
figures from :mod:`framelens.plots`; this module only assembles and renders.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from . import __version__, plots, stats
from .config import Config
from .errors import ReportError
from .explain import explain_sentence, top_terms
from .files import atomic_directory, atomic_write_bytes, atomic_write_text, csv_safe_row, slug
from .schema import Prediction


@dataclass(frozen=True)
class ArticleRecord:
    """One article's predictions (possibly none) for the report."""

    article_id: str
    outlet: str
    date: str | None
    predictions: list[Prediction]


def group_predictions(predictions: Iterable[Prediction]) -> list[ArticleRecord]:
    """Group a flat stream of predictions (e.g. a predictions file) into articles, keeping order."""
    grouped: dict[str, list[Prediction]] = {}
    for prediction in predictions:
        grouped.setdefault(prediction.article_id, []).append(prediction)
    return [ArticleRecord(aid, items[0].outlet, items[0].date, items) for aid, items in grouped.items()]


def build_report(articles: Sequence[ArticleRecord], model=None, config: Config = Config(),
                 phrases: Sequence[str] = ()) -> dict:
    """The report data. Raises :class:`ReportError` when there is no content sentence at all."""
    sentences = [p for a in articles for p in a.predictions]
    if not sentences:
        raise ReportError("no content sentences in the input; nothing to report (check the input files)")
    predicted_frames = sorted({f for p in sentences for f in p.probabilities} | {p.label for p in sentences})
    card = model.card if model is not None else None
    notes: list[str] = []
    frames = predicted_frames
    if card is not None and sorted(card.labels) != predicted_frames:
        notes.append(f"the predictions use the labels {', '.join(predicted_frames)} but the model has "
                     f"{', '.join(sorted(card.labels))}: model quality, corrected shares, model terms and "
                     "explanations are left out")
        card = model = None
    elif card is not None:
        frames = list(card.labels)
    outlets = list(dict.fromkeys(a.outlet for a in articles))
    empty = [o for o in outlets if not any(a.predictions for a in articles if a.outlet == o)]
    for outlet in empty:
        notes.append(f"outlet '{outlet}' has no content sentences (only boilerplate or empty text); "
                     "it is listed but not compared")
    compared = [o for o in outlets if o not in empty]
    rng = np.random.default_rng(config.random_state)
    outlet_rows, table = [], []
    for outlet in compared:
        mine = [a for a in articles if a.outlet == outlet and a.predictions]
        per_article = np.array([[sum(p.label == f for p in a.predictions) for f in frames] for a in mine])
        counts = per_article.sum(axis=0)
        table.append(counts)
        intervals = stats.bootstrap_shares(per_article, rng, config.bootstrap_samples, config.interval_level)
        mean_proba = [round(float(np.mean([p.probabilities.get(f, 0.0) for a in mine for p in a.predictions])), 4)
                      for f in frames]
        row = {
            "outlet": outlet,
            "articles": len(mine),
            "sentences": int(counts.sum()),
            "resampled": intervals[0].resampled,
            "counts": {f: int(c) for f, c in zip(frames, counts)},
            "shares": {f: {"share": i.share, "low": i.low, "high": i.high} for f, i in zip(frames, intervals)},
            "probabilistic_shares": dict(zip(frames, mean_proba)),
            "adjusted_shares": None,
        }
        confusion = _confusion_in_order(card, frames)
        if confusion is not None:
            row["adjusted_shares"] = dict(zip(frames, stats.adjusted_shares([i.share for i in intervals], confusion)))
        outlet_rows.append(row)
    table = np.array(table)
    test = stats.chi_square(table) if len(compared) >= 2 else None
    return {
        "framelens_version": __version__,
        "random_state": config.random_state,
        "bootstrap_samples": config.bootstrap_samples,
        "frames": frames,
        # The model's codebook: definitions for the report, colours for the figures.
        "codebook": card.extra.get("codebook") if card is not None else None,
        "notes": notes,
        "model": _model_quality(card, config),
        "corpus": {"articles": len(articles), "sentences": len(sentences), "outlets": len(outlets)},
        "outlets": outlet_rows,
        "difference": {
            "chi_square": test.__dict__ if test else None,
            "pairwise": stats.pairwise_contrasts(table, compared) if len(compared) >= 2 else [],
        },
        "distinctive_terms": _distinctive_terms(articles, compared, config),
        "model_terms": top_terms(model, config.top_model_terms) if model is not None else {},
        "exemplars": _exemplars(articles, compared, frames, model, config),
        "phrases": [_phrase(articles, compared, frames, phrase) for phrase in phrases],
        "articles": [{"article_id": a.article_id, "outlet": a.outlet, "date": a.date,
                      "frames": [p.label for p in a.predictions]} for a in articles],
        "time": _time(articles, compared, frames),
    }


def _confusion_in_order(card, frames: list[str]) -> list[list[int]] | None:
    """The card's cross-validated confusion matrix with rows and columns in ``frames`` order."""
    if card is None or not card.cv or sorted(card.cv.get("labels", [])) != sorted(frames):
        return None
    position = [card.cv["labels"].index(f) for f in frames]
    return [[card.cv["confusion"][i][j] for j in position] for i in position]


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
            warnings.append(f"'{frame}' has only {count} training sentences (fewer than {config.warn_class_count_below})")
    return {
        "macro_f1": cv["macro_f1_mean"] if cv else None,
        "macro_f1_sd": cv["macro_f1_sd"] if cv else None,
        "folds": cv["n_splits"] if cv else None,
        "per_class_f1": {f: s["f1"] for f, s in cv["per_class"].items()} if cv else {},
        "label_counts": card.label_counts,
        "n_authored": card.n_authored,
        "warnings": warnings,
    }


def _distinctive_terms(articles, outlets, config: Config) -> dict:
    texts = {o: " ".join(p.text for a in articles if a.outlet == o for p in a.predictions) for o in outlets}
    if len(outlets) < 2:
        return {}
    vectorizer = CountVectorizer(ngram_range=(1, 2), stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{2,}\b")
    matrix = vectorizer.fit_transform([texts[o] for o in outlets])
    names = vectorizer.get_feature_names_out()
    counts = {}
    for row, outlet in enumerate(outlets):
        vector = matrix.getrow(row)
        counts[outlet] = Counter({names[i]: int(v) for i, v in zip(vector.indices, vector.data)})
    return stats.log_odds_dirichlet(counts, config.log_odds_prior_size, config.distinctive_terms)


def _exemplars(articles, outlets, frames, model, config: Config) -> dict:
    result = {}
    for outlet in outlets:
        result[outlet] = {}
        for frame in frames:
            candidates = [p for a in articles if a.outlet == outlet for p in a.predictions if p.label == frame]
            candidates.sort(key=lambda p: (-p.confidence, p.article_id, p.sentence_index))
            result[outlet][frame] = [
                {"text": p.text, "article_id": p.article_id, "confidence": p.confidence,
                 "terms": [t["term"] for t in explain_sentence(model, p.text, 5)["terms"][frame]] if model else []}
                for p in candidates[: config.exemplars_per_cell]
            ]
    return result


def _phrase(articles, outlets, frames, phrase: str) -> dict:
    rows = []
    for outlet in outlets:
        mine = [p for a in articles if a.outlet == outlet for p in a.predictions]
        words = sum(stats.word_count(p.text) for p in mine)
        hits = [p for p in mine if stats.phrase_occurrences(p.text, phrase)]
        count = sum(stats.phrase_occurrences(p.text, phrase) for p in hits)
        rows.append({"outlet": outlet, "count": count, "words": words,
                     "per_1000_words": stats.per_thousand(count, words),
                     "frames": {f: sum(p.label == f for p in hits) for f in frames},
                     "sentences": [{"text": p.text, "label": p.label, "article_id": p.article_id} for p in hits]})
    return {"phrase": phrase, "outlets": rows}


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _time(articles, outlets, frames) -> dict:
    dated = [(a, _parse_date(a.date)) for a in articles if a.predictions]
    known = [(a, d) for a, d in dated if d is not None]
    missing = len(dated) - len(known)
    if not known:
        return {"granularity": None, "periods": [], "series": {}, "undated_articles": missing,
                "message": f"no article has a date ({missing} undated), so there is no time view"}
    span = (max(d for _, d in known) - min(d for _, d in known)).days
    granularity = "month" if span > 90 else "week"

    def period(d: date) -> str:
        if granularity == "month":
            return f"{d.year}-{d.month:02d}"
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    periods = sorted({period(d) for _, d in known})
    series = {}
    for outlet in outlets:
        series[outlet] = {}
        for frame in frames:
            values = []
            for p in periods:
                labels = [x.label for a, d in known if a.outlet == outlet and period(d) == p for x in a.predictions]
                values.append(round(labels.count(frame) / len(labels), 4) if labels else None)
            series[outlet][frame] = values
    message = None
    if len(periods) < 2:
        message = (f"dates are known for {len(known)} article(s) in a single {granularity} and missing for "
                   f"{missing}: a trend needs at least two periods")
    return {"granularity": granularity, "periods": periods, "series": series, "undated_articles": missing,
            "message": message}


# -- figures and rendering -------------------------------------------------------------


def make_figures(report: dict) -> dict[str, bytes]:
    """PNG figures of the report, by file name."""
    frames, rows = report["frames"], report["outlets"]
    colours = {f["name"]: f["colour"] for f in (report.get("codebook") or {}).get("frames", [])} or None
    figures = {}
    if rows:
        outlets = [r["outlet"] for r in rows]
        shares = [[r["shares"][f]["share"] for f in frames] for r in rows]
        lows = [[r["shares"][f]["low"] for f in frames] for r in rows]
        highs = [[r["shares"][f]["high"] for f in frames] for r in rows]
        height = 1.6 + 0.55 * len(rows)
        figures["shares.png"] = plots.png_bytes(plots.share_bars, outlets, frames, shares, lows, highs,
                                                colours=colours, size=(9, height + 0.6))
        figures["heatmap.png"] = plots.png_bytes(plots.share_heatmap, outlets, frames, shares, size=(8, height))
    strips = [(f"{a['outlet']} · {a['article_id'][:12]}", a["frames"]) for a in report["articles"]]
    if strips:
        figures["article_strips.png"] = plots.png_bytes(plots.article_strips, strips, frames,
                                                        colours=colours, size=(10, 1.4 + 0.4 * len(strips)))
    time = report["time"]
    if len(time["periods"]) >= 2:
        for index, frame in enumerate(frames):
            series = {o: values[frame] for o, values in time["series"].items()}
            # Frame names come from data: slugged, so "../x" or "a/b" never become paths.
            figures[f"time_{slug(frame, index)}.png"] = plots.png_bytes(plots.shares_over_time, time["periods"], series, frame)
    return figures


def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def render_markdown(report: dict) -> str:
    """The report as Markdown (figures referenced from figures/)."""
    frames = report["frames"]
    out = ["# Framing report", ""]
    out += _quality_lines(report, markdown=True)
    out += ["", "## Frame shares per outlet", "",
            "Raw share = predicted labels counted; 95% interval from a bootstrap over articles "
            "(over sentences where an outlet has one article). Probabilistic = mean predicted probability. "
            "Adjusted = raw shares corrected with the cross-validated confusion matrix.", ""]
    out.append("| outlet | articles | sentences | " + " | ".join(f"{f} (raw [95% CI] · prob · adj)" for f in frames) + " |")
    out.append("|---|---|---|" + "---|" * len(frames))
    for r in report["outlets"]:
        cells = []
        for f in frames:
            s = r["shares"][f]
            adjusted = _pct(r["adjusted_shares"][f]) if r["adjusted_shares"] else "–"
            cells.append(f"{r['counts'][f]} = {_pct(s['share'])} [{_pct(s['low'])}, {_pct(s['high'])}] · "
                         f"{_pct(r['probabilistic_shares'][f])} · {adjusted}")
        resample = " (1 article: by sentence)" if r["resampled"] == "sentences" else ""
        out.append(f"| {r['outlet']}{resample} | {r['articles']} | {r['sentences']} | " + " | ".join(cells) + " |")
    out += ["", "![Frame shares](figures/shares.png)", "", "![Heatmap](figures/heatmap.png)", ""]
    out += ["## Do the outlets differ?", ""] + _difference_lines(report) + [""]
    out += ["## Distinctive wording", ""]
    for outlet, terms in report["distinctive_terms"].items():
        out.append(f"- **{outlet}**: " + ", ".join(f"{t['term']} (z={t['z']})" for t in terms[:10]))
    if report["model_terms"]:
        out += ["", "Model's top terms per frame:", ""]
        for frame, terms in report["model_terms"].items():
            out.append(f"- **{frame}**: " + ", ".join(t["term"] for t in terms))
    out += ["", "## Exemplars", ""]
    for outlet, cells in report["exemplars"].items():
        out.append(f"### {outlet}")
        for frame, items in cells.items():
            for item in items:
                out.append(f"- *{frame}* ({item['confidence']:.2f}): {item['text']}")
        out.append("")
    for phrase in report["phrases"]:
        out += [f"## Phrase: “{phrase['phrase']}”", "", "| outlet | uses | per 1,000 words | frames |", "|---|---|---|---|"]
        for row in phrase["outlets"]:
            frames_used = ", ".join(f"{f} {n}" for f, n in row["frames"].items() if n)
            out.append(f"| {row['outlet']} | {row['count']} | {row['per_1000_words']} | {frames_used} |")
        out.append("")
    out += ["## Articles, sentence by sentence", "", "![Article strips](figures/article_strips.png)", "",
            "## Time", "", report["time"]["message"] or f"By {report['time']['granularity']}.", ""]
    return "\n".join(out) + "\n"


def _quality_lines(report: dict, markdown: bool) -> list[str]:
    model = report["model"]
    lines = []
    if model is None:
        lines.append("Model quality: unknown (no matching model card).")
    else:
        f1 = "none" if model["macro_f1"] is None else f"{model['macro_f1']:.3f} ± {model['macro_f1_sd']:.3f}"
        per_class = ", ".join(f"{f} {v:.2f}" for f, v in model["per_class_f1"].items())
        lines.append(f"Model quality: grouped-CV macro-F1 {f1} over {model['folds']} article folds; "
                     f"per-class F1: {per_class}.")
        lines += [f"**Warning:** {w}" if markdown else w for w in model["warnings"]]
    lines += [f"**Note:** {n}" if markdown else n for n in report["notes"]]
    return lines


def _difference_lines(report: dict) -> list[str]:
    test = report["difference"]["chi_square"]
    if test is None:
        return ["Not testable: fewer than two outlets with content sentences."]
    lines = [f"Chi-square test of outlet × frame: χ²({test['dof']}) = {test['chi2']:.2f}, p = {test['p_value']:.3g}, "
             f"Cramér's V = {test['cramers_v']:.2f} (n = {test['n']} sentences). Sentences within an article are not "
             "independent, so read p as optimistic.", "", "Pairwise (Holm-corrected):", ""]
    for pair in report["difference"]["pairwise"]:
        lines.append(f"- {pair['outlets'][0]} vs {pair['outlets'][1]}: χ² = {pair['chi2']:.2f}, "
                     f"p = {pair['p_value']:.3g}, Holm p = {pair['p_holm']:.3g}, V = {pair['cramers_v']:.2f}")
    return lines


_CSS = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.warn{background:#fff3cd;border-left:4px solid #D55E00;padding:.5em 1em}.note{background:#eef;padding:.5em 1em}
img{max-width:100%}small{color:#555}"""


def render_html(report: dict, figures: dict[str, bytes]) -> str:
    """One self-contained HTML page: inline CSS, figures as data URIs, every text escaped."""
    e = html.escape
    frames = report["frames"]
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
             f"<title>Framing report</title><style>{_CSS}</style></head><body><h1>Framing report</h1>"]
    model = report["model"]
    quality = _quality_lines(report, markdown=False)
    parts.append(f"<p>{e(quality[0])}</p>")
    warnings = (model["warnings"] if model else []) + report["notes"]
    parts += [f"<p class='warn'>{e(w)}</p>" for w in warnings]
    parts.append(f"<p><small>{report['corpus']['articles']} articles, {report['corpus']['sentences']} sentences, "
                 f"{report['corpus']['outlets']} outlets.</small></p>")
    parts.append("<h2>Frame shares per outlet</h2><p><small>Raw share with 95% bootstrap interval (over articles; over "
                 "sentences where an outlet has one article) · probabilistic (mean probability) · adjusted (corrected "
                 "with the cross-validated confusion matrix).</small></p><table><tr><th>outlet</th><th>articles</th>"
                 "<th>sentences</th>" + "".join(f"<th>{e(f)}</th>" for f in frames) + "</tr>")
    for r in report["outlets"]:
        cells = ""
        for f in frames:
            s = r["shares"][f]
            adjusted = _pct(r["adjusted_shares"][f]) if r["adjusted_shares"] else "–"
            cells += (f"<td>{r['counts'][f]} = <b>{_pct(s['share'])}</b> [{_pct(s['low'])}, {_pct(s['high'])}]"
                      f"<br><small>prob {_pct(r['probabilistic_shares'][f])} · adj {adjusted}</small></td>")
        flag = "<br><small>1 article: interval by sentence</small>" if r["resampled"] == "sentences" else ""
        parts.append(f"<tr><td>{e(r['outlet'])}{flag}</td><td>{r['articles']}</td><td>{r['sentences']}</td>{cells}</tr>")
    parts.append("</table>")
    parts += [_img(figures, "shares.png", "Frame shares per outlet"), _img(figures, "heatmap.png", "Outlet by frame heatmap")]
    parts.append("<h2>Do the outlets differ?</h2>" + "".join(f"<p>{e(line.removeprefix('- '))}</p>" for line in _difference_lines(report) if line))
    parts.append("<h2>Distinctive wording</h2><p><small>Weighted log-odds with an informative Dirichlet prior "
                 "(Monroe, Colaresi &amp; Quinn 2008); z &gt; 1.96 is notable.</small></p><table>")
    for outlet, terms in report["distinctive_terms"].items():
        parts.append(f"<tr><td>{e(outlet)}</td><td>" + ", ".join(f"{e(t['term'])} <small>({t['z']})</small>" for t in terms) + "</td></tr>")
    parts.append("</table>")
    if report["model_terms"]:
        parts.append("<h3>The model's top terms per frame</h3><table>")
        for frame, terms in report["model_terms"].items():
            parts.append(f"<tr><td>{e(frame)}</td><td>{e(', '.join(t['term'] for t in terms))}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Exemplars</h2><p><small>Each outlet's most confident sentences per frame, with the terms that "
                 "pushed the model to that frame.</small></p><table><tr><th>outlet</th><th>frame</th><th>sentence</th></tr>")
    for outlet, cells in report["exemplars"].items():
        for frame, items in cells.items():
            for item in items:
                parts.append(f"<tr><td>{e(outlet)}</td><td>{e(frame)}</td><td>{e(item['text'])} <small>"
                             f"({item['confidence']:.2f}; {e(', '.join(item['terms']))})</small></td></tr>")
    parts.append("</table>")
    for phrase in report["phrases"]:
        parts.append(f"<h2>Phrase: “{e(phrase['phrase'])}”</h2><table><tr><th>outlet</th><th>uses</th>"
                     "<th>per 1,000 words</th><th>frames</th><th>sentences</th></tr>")
        for row in phrase["outlets"]:
            used = ", ".join(f"{f} {n}" for f, n in row["frames"].items() if n)
            sentences = "<br>".join(f"{e(s['text'])} <small>({e(s['label'])})</small>" for s in row["sentences"])
            parts.append(f"<tr><td>{e(row['outlet'])}</td><td>{row['count']}</td><td>{row['per_1000_words']}</td>"
                         f"<td>{e(used)}</td><td>{sentences}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Articles, sentence by sentence</h2>" + _img(figures, "article_strips.png", "Article strips"))
    time = report["time"]
    parts.append("<h2>Time</h2>")
    if time["message"]:
        parts.append(f"<p>{e(time['message'])}</p>")
    parts += [_img(figures, name, name) for name in sorted(figures) if name.startswith("time_")]
    parts.append(f"<p><small>framelens {e(report['framelens_version'])} · bootstrap {report['bootstrap_samples']} "
                 f"samples, seed {report['random_state']}</small></p></body></html>")
    return "\n".join(parts) + "\n"


def _img(figures: dict[str, bytes], name: str, alt: str) -> str:
    if name not in figures:
        return ""
    data = base64.b64encode(figures[name]).decode("ascii")
    return f"<p><img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'></p>"


def sentences_csv(articles: Sequence[ArticleRecord], frames: Sequence[str]) -> str:
    """Every sentence with outlet, article, label and probabilities."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(csv_safe_row(["outlet", "article_id", "sentence_index", "text", "label", "confidence", *frames]))
    for a in articles:
        for p in a.predictions:
            writer.writerow(csv_safe_row([a.outlet, a.article_id, p.sentence_index, p.text, p.label, p.confidence,
                                          *(p.probabilities.get(f, "") for f in frames)]))
    return buffer.getvalue()


def write_report(articles: Sequence[ArticleRecord], out_dir: str | Path, model=None, config: Config = Config(),
                 phrases: Sequence[str] = ()) -> dict:
    """Build the report and write report.json/.md/.html, sentences.csv and figures/, swapped in whole."""
    report = build_report(articles, model, config, phrases)
    figures = make_figures(report)
    with atomic_directory(out_dir, marker="report.json") as staging:
        (staging / "figures").mkdir()
        for name, data in figures.items():
            atomic_write_bytes(staging / "figures" / name, data)
        atomic_write_text(staging / "report.json",
                          json.dumps(report, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        atomic_write_text(staging / "report.md", render_markdown(report))
        atomic_write_text(staging / "report.html", render_html(report, figures))
        atomic_write_text(staging / "sentences.csv", sentences_csv(articles, report["frames"]))
    return report
