"""Write a rendered report into a directory: report.json/.md/.html, tidy CSV tables and figures/.

The directory is a staging directory that already exists; moving it into place is the
caller's job. Every CSV loads with ``pandas.read_csv(path)`` and nothing else.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import ReportError
from ..files import csv_safe


def _csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_safe(name) for name in header])
    for row in rows:
        writer.writerow(["" if value is None else csv_safe(value) for value in row])
    return buffer.getvalue()


def articles_csv(frames: Sequence[str], article_rows: Iterable[dict]) -> str:
    """One row per article: article_id, outlet, date, sentences, n_<frame>..., share_<frame>...."""
    header = ["article_id", "outlet", "date", "sentences", *(f"n_{f}" for f in frames),
              *(f"share_{f}" for f in frames)]

    def rows():
        for article in article_rows:
            counts = [int(article["counts"].get(f, 0)) for f in frames]
            total = article["sentences"]
            shares = [round(count / total, 6) if total else None for count in counts]
            yield [article["article_id"], article["outlet"], article["date"], total, *counts, *shares]

    return _csv_text(header, rows())


def outlets_csv(report: dict) -> str:
    """One row per outlet × frame: the primary share and its interval, with the outlet's n."""
    header = ["outlet", "frame", "share", "low", "high", "articles", "sentences"]
    rows = ([row["outlet"], frame, row["shares"][frame]["share"], row["shares"][frame]["low"],
             row["shares"][frame]["high"], row["articles"], row["sentences"]]
            for row in report["outlets"] for frame in report["frames"])
    return _csv_text(header, rows)


def pairwise_csv(pairwise_rows: Iterable[dict]) -> str:
    """Every pairwise outlet comparison."""
    header = ["outlet_a", "outlet_b", "statistic", "p_value", "p_adjusted", "articles_a", "articles_b"]
    return _csv_text(header, ([row[name] for name in header] for row in pairwise_rows))


def write_report_directory(report: dict, directory: str | Path, *, article_rows: Iterable[dict],
                           pairwise_rows: Iterable[dict], figures: dict[str, bytes] | None = None,
                           jobs: int = 1) -> None:
    """Render ``report`` and write every report file into the existing ``directory``.

    ``figures`` are the files of :func:`~framelens.report.figures.make_figures` (drawn
    here, on ``jobs`` processes, when not given).
    """
    from ..files import atomic_write_bytes, atomic_write_text
    from .figures import make_figures
    from .render import render_html, render_markdown

    directory = Path(directory)
    if not directory.is_dir():
        raise ReportError(f"{directory}: the report directory does not exist; create it before writing the report")
    if figures is None:
        figures = make_figures(report, jobs=jobs)
    for name, data in figures.items():
        atomic_write_bytes(directory / "figures" / name, data)
    atomic_write_text(directory / "report.json",
                      json.dumps(report, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    atomic_write_text(directory / "report.md", render_markdown(report, figures))
    atomic_write_text(directory / "report.html", render_html(report, figures))
    atomic_write_text(directory / "articles.csv", articles_csv(report["frames"], article_rows))
    atomic_write_text(directory / "outlets.csv", outlets_csv(report))
    atomic_write_text(directory / "pairwise.csv", pairwise_csv(pairwise_rows))
