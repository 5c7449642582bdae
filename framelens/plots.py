"""Matplotlib figures. Each helper draws on a given ``ax`` and returns it; nothing here reads files.

The only module that imports matplotlib (inside functions, with the Agg backend,
so importing framelens never needs a display).
"""
from __future__ import annotations

import io
from typing import Callable, Sequence

# Okabe–Ito colour-blind-safe palette; the shipped frames get fixed, meaningful colours.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
FIXED = {"western-concern": "#D55E00", "counter-hegemony": "#0072B2", "neutral-report": "#999999"}


def frame_colours(frames: Sequence[str]) -> dict[str, str]:
    """A colour per frame: fixed for the shipped frames, Okabe–Ito order otherwise."""
    spare = [c for c in OKABE_ITO if c not in FIXED.values()]
    return {frame: FIXED.get(frame) or spare[i % len(spare)] for i, frame in enumerate(frames)}


def mpl_safe(text: str) -> str:
    """``text`` for a matplotlib label: every ``$`` escaped, so outlet or label names never reach mathtext."""
    return str(text).replace("$", r"\$")


def png_bytes(draw: Callable, *args, size: tuple[float, float] = (8, 4), **kwargs) -> bytes:
    """Draw on a new figure's axes and return it as PNG bytes (no timestamps, so bytes are stable)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Outlet and label names are data: shown as typed, never parsed as mathtext ("$\\foo$").
    with matplotlib.rc_context({"text.parse_math": False}):
        figure, ax = plt.subplots(figsize=size, dpi=110)
        try:
            draw(ax, *args, **kwargs)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", metadata={"Software": None})
            return buffer.getvalue()
        finally:
            plt.close(figure)


def share_bars(ax, outlets, frames, shares, lows, highs):
    """Stacked horizontal bars of frame shares per outlet.

    A whisker at the right end of each segment (but the last, whose end is always 100%)
    spans that frame's 95% interval, drawn from the segment's start; whiskers are
    staggered vertically so they do not overlap.
    """
    colours = frame_colours(frames)
    offsets = [0.0] if len(frames) < 3 else list(
        (i - (len(frames) - 2) / 2) * 0.22 for i in range(len(frames) - 1))
    for row, outlet in enumerate(outlets):
        start = 0.0
        for column, frame in enumerate(frames):
            share = shares[row][column]
            ax.barh(row, share, left=start, color=colours[frame], edgecolor="white",
                    label=frame if row == 0 else None)
            end = start + share
            if column < len(frames) - 1:
                ax.errorbar(end, row + offsets[column % len(offsets)],
                            xerr=[[share - lows[row][column]], [highs[row][column] - share]],
                            fmt="none", ecolor="black", elinewidth=1, capsize=3)
            start = end
    ax.set_yticks(range(len(outlets)), labels=outlets)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the outlet's sentences")
    ax.set_title("Frame shares per outlet (whiskers: 95% bootstrap interval of each segment's share)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=len(frames), frameon=False)
    return ax


def share_heatmap(ax, outlets, frames, shares):
    """Outlet × frame heatmap of shares, values written in the cells."""
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(frames)), labels=frames)
    ax.set_yticks(range(len(outlets)), labels=outlets)
    for row in range(len(outlets)):
        for column in range(len(frames)):
            value = shares[row][column]
            ax.text(column, row, f"{value:.0%}", ha="center", va="center",
                    color="white" if value > 0.6 else "black")
    ax.figure.colorbar(image, ax=ax, label="share of sentences")
    ax.set_title("Share of each outlet's sentences in each frame")
    return ax


def article_strips(ax, articles, frames):
    """One row per article, one cell per sentence in reading order, coloured by frame.

    ``articles`` is a list of (label, [frame of sentence 0, frame of sentence 1, ...]).
    """
    from matplotlib.patches import Patch

    colours = frame_colours(frames)
    for row, (_, sentence_frames) in enumerate(articles):
        for index, frame in enumerate(sentence_frames):
            ax.barh(row, 1, left=index, color=colours.get(frame, "#ffffff"), edgecolor="white", linewidth=0.5)
    ax.set_yticks(range(len(articles)), labels=[label for label, _ in articles])
    ax.invert_yaxis()
    ax.set_xlabel("sentence, in reading order")
    ax.set_title("Where each article turns: the frame of every sentence")
    ax.legend(handles=[Patch(color=colours[f], label=f) for f in frames], loc="upper center",
              bbox_to_anchor=(0.5, -0.35), ncol=len(frames), frameon=False)
    return ax


def shares_over_time(ax, periods, series, frame):
    """Share of one frame per outlet over time periods; ``series`` maps outlet → shares (None = no data)."""
    for i, (outlet, values) in enumerate(series.items()):
        points = [(p, v) for p, v in zip(periods, values) if v is not None]
        ax.plot([p for p, _ in points], [v for _, v in points], marker="o", label=outlet,
                color=OKABE_ITO[i % len(OKABE_ITO)])
    ax.set_ylim(0, 1)
    ax.set_ylabel(f"share of sentences: {frame}")
    ax.set_title(f"Share of '{frame}' sentences per outlet over time")
    ax.legend(frameon=False)
    return ax


def confusion_heatmap(ax, matrix, labels):
    """Confusion matrix: rows true frame, columns predicted frame, counts in the cells."""
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels=labels, rotation=20)
    ax.set_yticks(range(len(labels)), labels=labels)
    peak = max(max(row) for row in matrix) or 1
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center", color="white" if value > peak / 2 else "black")
    ax.set_xlabel("predicted frame")
    ax.set_ylabel("true frame")
    ax.set_title("Confusion matrix (out-of-fold, grouped by article)")
    return ax


def learning_curve_plot(ax, curve):
    """Macro-F1 against the number of training labels, with ±1 sd over repeats."""
    sizes = [point["train_labels"] for point in curve]
    scores = [point["macro_f1"] for point in curve]
    spread = [point["sd"] for point in curve]
    ax.errorbar(sizes, scores, yerr=spread, marker="o", color=OKABE_ITO[0], capsize=3)
    ax.set_xlabel("training labels per fold")
    ax.set_ylabel("grouped-CV macro-F1")
    ax.set_ylim(0, 1)
    ax.set_title("Learning curve: would more labels help?")
    return ax


def reliability_plot(ax, rows):
    """Confidence of the top prediction against how often it is right."""
    ax.plot([0, 1], [0, 1], linestyle="--", color="#999999", label="perfect calibration")
    ax.plot([r["confidence"] for r in rows], [r["accuracy"] for r in rows], marker="o", color=OKABE_ITO[1],
            label="model")
    ax.set_xlabel("mean confidence of the top frame")
    ax.set_ylabel("share correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Reliability of the model's confidence (out-of-fold)")
    ax.legend(frameon=False)
    return ax
