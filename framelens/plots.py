"""Matplotlib figures. Each helper draws on a given ``ax`` and returns it; nothing here reads files.

The only module that imports matplotlib, always inside functions and never pyplot:
figures are plain :class:`matplotlib.figure.Figure` objects rendered by the Agg/SVG
canvases, so importing framelens needs no display and sets no global backend.
Text from data (outlets, terms, frames) goes through :func:`mpl_safe` so it never
reaches mathtext.
"""
from __future__ import annotations

import io
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from .codebook import OKABE_ITO, assign_colours


def frame_colours(frames: Sequence[str], colours: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour per frame: the codebook's (``colours``, e.g. ``Codebook.colours``), Okabe–Ito order otherwise."""
    return assign_colours(frames, colours)


# Size caps: a figure is at most this many inches and dots per inch, so no corpus can make
# one larger than the report allows; strips are an image (one pixel block per sentence),
# not thousands of vector rectangles.
MAX_WIDTH_INCHES = 12.0
MAX_HEIGHT_INCHES = 20.0
FIGURE_DPI = 110
FIGURE_MAX_BYTES = 2_000_000
# A time figure writes the number of articles beside each point up to this many points.
MAX_NUMBERED_POINTS = 48
# Stable metadata (no dates, no software version) so the same report gives the same bytes.
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
# SVG text stays text (editable in a paper's figure tools, and far smaller than glyph paths).
_RC = {"svg.hashsalt": "framelens", "svg.fonttype": "none", "font.size": 9}


def mpl_safe(text) -> str:
    """Text from data as a matplotlib label: ``$`` escaped so it is never parsed as mathtext."""
    return str(text).replace("$", r"\$")


def new_figure(size: tuple[float, float]):
    """A pyplot-free Figure on an Agg canvas, clamped to the size caps.

    With its own Agg canvas the figure keeps one renderer, so the text measured to fit
    the margins is not measured again when the PNG is drawn.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width = min(max(size[0], 3.0), MAX_WIDTH_INCHES)
    height = min(max(size[1], 2.0), MAX_HEIGHT_INCHES)
    figure = Figure(figsize=(width, height), dpi=FIGURE_DPI)
    FigureCanvasAgg(figure)
    return figure


def tighten(figure) -> None:
    """Fit the margins to the labels, as ``Figure.tight_layout`` does, but once.

    ``tight_layout()`` leaves a placeholder layout engine on the figure, and savefig then
    lays the whole figure out again (a full text layout pass) before every format it saves.
    ``rect=None``: with the default rect, the whole figure, matplotlib measures every axes
    twice and gets the same margins the second time (the same bytes, in half the time).
    """
    from matplotlib.layout_engine import TightLayoutEngine

    # The engine takes None for any of its settings (its stubs say a tuple).
    TightLayoutEngine(rect=None).execute(figure)  # type: ignore[arg-type]


def figure_bytes(figure, fmt: str = "png", dpi: float = FIGURE_DPI) -> bytes:
    """The figure saved as ``png`` or ``svg`` with stable metadata."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": _RC["svg.hashsalt"], "svg.fonttype": _RC["svg.fonttype"]}), \
            warnings.catch_warnings():
        # Outlet names in scripts DejaVu lacks draw as boxes; that is not worth a warning per glyph.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return buffer.getvalue()


def render_figure(draw: Callable, *args, size: tuple[float, float] = (8, 4),
                  formats: Sequence[str] = ("png", "svg"), max_bytes: int = FIGURE_MAX_BYTES,
                  panels: tuple[int, int] | None = None, **kwargs) -> dict[str, bytes]:
    """Draw on a new figure's axes once and save it in each format, each at most ``max_bytes``.

    ``draw`` gets one ``ax``, or with ``panels`` (rows, columns) a list of axes: panels in one
    row share their y axis, panels in one column their x axis.

    A PNG over the limit is saved again at a lower dpi; an SVG over it gets its plotted
    content rasterised. A format that still does not fit is left out of the result.
    """
    import matplotlib

    with matplotlib.rc_context({"font.size": _RC["font.size"]}):
        figure = new_figure(size)
        if panels is None:
            draw(figure.add_subplot(), *args, **kwargs)
        else:
            rows, columns = panels
            grid = figure.subplots(rows, columns, sharex=columns == 1, sharey=rows == 1, squeeze=False)
            draw(list(grid.flat), *args, **kwargs)
        tighten(figure)
    result = {}
    for fmt in formats:
        data = figure_bytes(figure, fmt)
        if fmt == "png":
            dpi = FIGURE_DPI
            while len(data) > max_bytes and dpi > 40:
                dpi = int(dpi * 0.7)
                data = figure_bytes(figure, fmt, dpi)
        elif len(data) > max_bytes:
            for axes in figure.axes:
                for artist in axes.get_children():
                    artist.set_rasterized(True)
            data = figure_bytes(figure, fmt)
        if len(data) <= max_bytes:
            result[fmt] = data
    return result


def _figure_title(figure, text: str) -> None:
    """A small-multiples figure's title, left-aligned at the very top.

    The margin fitting reserves the title's height below the figure's top edge; a title
    placed lower (matplotlib's default y=0.98) overlaps the panel titles.
    """
    figure.suptitle(text, x=0.01, y=0.998, ha="left", fontsize=9)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _percent_axis(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def share_panels(axes, rows: Sequence[dict], frames: Sequence[str], colours: Mapping[str, str], corpus: str,
                 omitted: int = 0):
    """Small multiples of frame shares: one panel per frame, one row per outlet, in the same order in every panel.

    ``axes`` are one per frame, sharing their y axis. ``rows`` are dicts with outlet,
    articles, sentences, few_articles and ``shares`` (frame → share, low, high), drawn top
    to bottom in the given order: the share is a dot, its interval a line, and a hollow dot
    marks an outlet with too few articles for an article-level interval.
    "n = A articles / S sentences" is written once, beside the last panel.
    """
    from matplotlib.transforms import blended_transform_factory

    ys = list(range(len(rows)))
    for ax, frame in zip(axes, frames, strict=True):
        cells = [row["shares"][frame] for row in rows]
        colour = colours[frame]
        # One collection and at most two marker lines per panel (not two artists per outlet).
        ax.hlines(ys, [cell["low"] for cell in cells], [cell["high"] for cell in cells], color=colour, linewidth=2)
        for hollow in (False, True):
            points = [(cell["share"], y) for cell, y, row in zip(cells, ys, rows, strict=True)
                      if bool(row["few_articles"]) is hollow]
            if points:
                ax.plot([x for x, _ in points], [y for _, y in points], linestyle="none", marker="o", markersize=6,
                        color=colour, markerfacecolor="white" if hollow else colour, markeredgewidth=1.5)
        ax.set_xlim(0, 1)
        _percent_axis(ax.xaxis)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        ax.set_title(mpl_safe(frame), loc="left", fontsize=9)
    first, last = axes[0], axes[-1]
    first.set_yticks(ys, labels=[mpl_safe(row["outlet"]) for row in rows])
    first.set_ylim(len(rows) - 0.5, -0.5)
    first.set_ylabel("outlet")
    beside = blended_transform_factory(last.transAxes, last.transData)
    for y, row in zip(ys, rows, strict=True):
        last.text(1.04, y, f"n = {_count(row['articles'], 'article')} / {_count(row['sentences'], 'sentence')}",
                  transform=beside, va="center", ha="left", fontsize=8, color="#333333")
    more = f"; {omitted} more outlets not shown" if omitted else ""
    total = sum(row["sentences"] for row in rows)
    _figure_title(first.figure, f"{mpl_safe(corpus)}: share of each frame per outlet (n = {total} sentences{more})")
    first.figure.supxlabel("share of the outlet's sentences in the frame: dot, with its interval: line\n"
                           "(hollow dot: too few articles for an article-level interval)", fontsize=9)
    return axes


def article_strips(ax, articles: Sequence[tuple[str, Sequence[str]]], frames: Sequence[str],
                   colours: dict[str, str], corpus: str, total: int):
    """One row per article, one cell per sentence in reading order, coloured by frame.

    ``articles`` is a list of (row label, [frame of sentence 0, frame of sentence 1, ...]);
    ``total`` is the number of articles in the corpus (the rows may be a sample). Drawn as
    one image so the file size does not grow with the number of sentences.
    """
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    width = max((len(sentence_frames) for _, sentence_frames in articles), default=1) or 1
    grid = np.full((max(len(articles), 1), width), np.nan)
    position = {frame: i for i, frame in enumerate(frames)}
    for row, (_, sentence_frames) in enumerate(articles):
        for index, frame in enumerate(sentence_frames):
            grid[row, index] = position.get(frame, np.nan)
    cmap = ListedColormap([colours[f] for f in frames]).with_extremes(bad="#ffffff")
    ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=-0.5, vmax=len(frames) - 0.5, aspect="auto",
              interpolation="nearest", extent=(0, width, len(articles) - 0.5, -0.5))
    ax.set_yticks(range(len(articles)), labels=[mpl_safe(label) for label, _ in articles], fontsize=7)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("sentence, in reading order")
    ax.set_ylabel("article (outlet · id)")
    sample = f"a random sample of {len(articles)} of {total} articles" if len(articles) < total \
        else f"all {total} articles"
    ax.set_title(f"{mpl_safe(corpus)}: the frame of every sentence, {sample}", loc="left", fontsize=9)
    ax.legend(handles=[Patch(color=colours[f], label=mpl_safe(f)) for f in frames], loc="upper center",
              bbox_to_anchor=(0.5, -0.12 if len(articles) > 20 else -0.25), ncol=len(frames), frameon=False)
    return ax


def _size_class(articles: int) -> int:
    """1 for one article, 2 for 2–3, 3 for 4–7, ... at most 6: marker area grows with log2 of the articles."""
    return min(6, max(1, int(articles).bit_length()))


def _with_gaps(starts: Sequence[date], values: Sequence, step_days: float) -> tuple[list, list]:
    """Insert a NaN point wherever consecutive periods are further apart than one step, so lines break there."""
    xs: list = []
    ys: list = []
    for i, (start, value) in enumerate(zip(starts, values, strict=True)):
        if i and (start - starts[i - 1]).days > step_days * 1.5:
            xs.append(starts[i - 1] + (start - starts[i - 1]) / 2)
            ys.append(math.nan)
        xs.append(start)
        ys.append(value)
    return xs, ys


def shares_over_time(axes, starts: Sequence[date], series: Mapping[str, Mapping[str, Sequence[dict | None]]],
                     frames: Sequence[str], granularity: str, corpus: str, omitted: int = 0):
    """Share of each frame per outlet over real dates: one panel per frame (stacked, one date axis), a line per outlet.

    ``series`` maps frame → outlet → one cell per period (None where the outlet has no
    article then; the line breaks there). An outlet has one colour in every panel. Marker
    area grows with the articles in the period, the number is written beside each point
    when a panel has at most :data:`MAX_NUMBERED_POINTS` (more numbers overlap the lines
    and each other), and the interval is shaded where the cell has one.
    """
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, MonthLocator

    outlets = list(dict.fromkeys(outlet for frame in frames for outlet in series[frame]))
    colours = {outlet: OKABE_ITO[i % len(OKABE_ITO)] for i, outlet in enumerate(outlets)}
    step = 31.0 if granularity == "month" else 7.0
    numbered = all(sum(1 for cells in series[frame].values() for cell in cells if cell) <= MAX_NUMBERED_POINTS
                   for frame in frames)
    for ax, frame in zip(axes, frames, strict=True):
        for outlet, cells in series[frame].items():
            colour = colours[outlet]
            share = [c["share"] if c else math.nan for c in cells]
            low = [c["low"] if c and c.get("low") is not None else math.nan for c in cells]
            high = [c["high"] if c and c.get("high") is not None else math.nan for c in cells]
            xs, ys = _with_gaps(starts, share, step)
            ax.plot(xs, ys, color=colour, linewidth=1.5, label=mpl_safe(outlet))
            _, lows = _with_gaps(starts, low, step)
            _, highs = _with_gaps(starts, high, step)
            ax.fill_between(xs, lows, highs, color=colour, alpha=0.15, linewidth=0)
            present = [(start, cell) for start, cell in zip(starts, cells, strict=True) if cell]
            # One scatter per size class: an SVG then holds one marker shape per class, not one per point.
            for size_class in sorted({_size_class(cell["articles"]) for _, cell in present}):
                points = [(start, cell["share"]) for start, cell in present
                          if _size_class(cell["articles"]) == size_class]
                ax.scatter([x for x, _ in points], [y for _, y in points], color=colour, zorder=3,
                           s=8 + 10 * size_class)
            if numbered:
                for start, cell in present:
                    ax.annotate(str(cell["articles"]), (start, cell["share"]), textcoords="offset points",
                                xytext=(4, 4), fontsize=7, color=colour)
        ax.set_ylim(0, 1)
        _percent_axis(ax.yaxis)
        ax.set_ylabel("share of sentences")
        ax.set_title(mpl_safe(frame), loc="left", fontsize=9)
    first, last = axes[0], axes[-1]
    # Ticks on period starts for months (AutoDateLocator puts some mid-month on short spans).
    locator = MonthLocator(bymonthday=1, interval=max(1, len(starts) // 12)) if granularity == "month" \
        else AutoDateLocator(minticks=3, maxticks=10)
    last.xaxis.set_major_locator(locator)
    last.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    last.set_xlabel(f"{granularity} (start date)")
    more = f"; {omitted} smaller outlets not shown" if omitted else ""
    size = "marker size and number" if numbered else "marker size"
    _figure_title(first.figure, f"{mpl_safe(corpus)}: share of each frame per outlet and {granularity}\n"
                                f"({size}: articles in the period; shaded: interval; gaps: no articles{more})")
    first.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return axes


def keyness_bars(ax, terms: Sequence[dict], outlet: str, threshold: float, corpus: str):
    """Keyness in the manner of quanteda's textplot_keyness: z of each term, the outlet against the rest.

    ``terms`` are dicts with term, z, count, count_rest, already limited to |z| ≥ threshold;
    bars to the right are the outlet's terms, to the left the rest's, the term written at the bar's end.
    """
    ordered = sorted(terms, key=lambda t: -t["z"])
    colours = [OKABE_ITO[0] if t["z"] > 0 else "#999999" for t in ordered]
    ys = range(len(ordered))
    ax.barh(ys, [t["z"] for t in ordered], color=colours, height=0.7)
    for y, t in zip(ys, ordered, strict=True):
        ax.text(t["z"] + (0.08 if t["z"] > 0 else -0.08), y,
                f"{mpl_safe(t['term'])} ({t['count']} vs {t['count_rest']})",
                va="center", ha="left" if t["z"] > 0 else "right", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    for edge in (threshold, -threshold):
        ax.axvline(edge, color="#bbbbbb", linewidth=0.8, linestyle="--")
    ax.set_yticks([])
    ax.set_ylim(max(len(ordered), 4) - 0.5, -0.5)
    reach = max([abs(t["z"]) for t in ordered] + [threshold]) * 1.9
    ax.set_xlim(-reach if any(t["z"] < 0 for t in ordered) else 0, reach)
    ax.set_xlabel(f"z of the weighted log-odds ratio (dashed: ±{threshold}); blue: {mpl_safe(outlet)}, grey: the rest")
    ax.set_ylabel("term (uses: outlet vs rest)")
    ax.set_title(f"{mpl_safe(corpus)}: distinctive wording of {mpl_safe(outlet)} against the other outlets "
                 f"(n = {len(ordered)} terms past |z| ≥ {threshold})", loc="left", fontsize=9)
    return ax


# Evaluation figures: each builds a matplotlib.figure.Figure (no pyplot state) and returns PNG bytes.


def confusion_png(matrix, labels, title: str) -> bytes:
    """Confusion matrix: rows true frame, columns predicted frame, counts in the cells."""
    import numpy as np
    from sklearn.metrics import ConfusionMatrixDisplay

    figure, ax = _evaluation_figure((6, 5))
    ConfusionMatrixDisplay(np.asarray(matrix), display_labels=list(labels)).plot(
        ax=ax, cmap="Blues", colorbar=False, xticks_rotation=20)
    ax.set_xlabel("predicted frame")
    ax.set_ylabel("true frame")
    ax.set_title(title)
    return _png(figure)


def learning_curve_png(curve) -> bytes:
    """Macro-F1 against the number of training labels, with ±1 sd over repeats."""
    figure, ax = _evaluation_figure((6, 4))
    ax.errorbar([p["train_labels"] for p in curve], [p["macro_f1"] for p in curve], yerr=[p["sd"] for p in curve],
                marker="o", color=OKABE_ITO[0], capsize=3)
    ax.set_xlabel("training labels per fold")
    ax.set_ylabel("grouped-CV macro-F1")
    ax.set_ylim(0, 1)
    ax.set_title("Learning curve: would more labels help?")
    return _png(figure)


def reliability_png(before, after, temperature: float) -> bytes:
    """Confidence of the top prediction against how often it is right, before and after temperature scaling."""
    figure, ax = _evaluation_figure((5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="#999999", label="perfect calibration")
    for rows, colour, name in ((before, OKABE_ITO[1], "before (T = 1)"),
                               (after, OKABE_ITO[0], f"after (T = {temperature:.3g})")):
        ax.plot([r["confidence"] for r in rows], [r["accuracy"] for r in rows], marker="o", color=colour, label=name)
    ax.set_xlabel("mean confidence of the top frame")
    ax.set_ylabel("share correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Reliability of the model's confidence")
    ax.legend(frameon=False, loc="upper left")
    return _png(figure)


def _evaluation_figure(size: tuple[float, float]):
    figure = new_figure(size)
    return figure, figure.subplots()


def _png(figure) -> bytes:
    tighten(figure)
    return figure_bytes(figure, "png")
