"""Do the report's share intervals hold the hand-labelled share on articles the model never saw?

    python evaluation/coverage.py [LABELS ...] [--group-by article|outlet] [--out evaluation/coverage.json]

Each article (or outlet) is held out in turn: a model is trained and calibrated on the
rest (authored sentences included, as always only for training), the held-out group's
real sentences are predicted, and the report's primary estimate and 95% interval are
built for it exactly as the report builds them (``framelens.report.data.outlet_row``).
A cell (group × frame) is covered when the interval holds the share of its sentences
hand-labelled with the frame. Beside it, the same cells for the raw count share and for
the old interval (sentences resampled, the model's labels taken as true) show whether
the alternatives earn a place. Prints one line per scheme and writes every cell as JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from framelens.config import DEFAULT_CONFIG
from framelens.cv import group_key
from framelens.labels import LabelSet, read_labels, unique_rows
from framelens.report.data import outlet_row, share_error_sd
from framelens.schema import ArticleSummary
from framelens.training import train


def held_out_cells(label_set: LabelSet, group_by: str, config=DEFAULT_CONFIG) -> list[dict]:
    """One dict per held-out group × frame: truth, primary estimate and interval, raw share, old interval."""
    rows = unique_rows(label_set)
    groups = sorted({group_key(row, group_by) for row in rows if not row.authored})
    frames = list(label_set.labels)
    rng = np.random.default_rng(config.random_state)
    cells = []
    for group in groups:
        held = [row for row in rows if not row.authored and group_key(row, group_by) == group]
        rest = [row for row in rows if row.authored or group_key(row, group_by) != group]
        model, _ = train(replace(label_set, rows=tuple(rest)), config)
        texts = [row.sentence for row in held]
        proba = model.predict_proba(texts)
        columns = [model.classes.index(f) for f in frames]
        proba = proba[:, columns]
        predicted = proba.argmax(axis=1)
        error, _ = share_error_sd(model.card, frames, config)
        summaries = []
        for article in sorted({row.article_id for row in held}):
            mine = [i for i, row in enumerate(held) if row.article_id == article]
            summaries.append(ArticleSummary(
                article, group, None, None, len(mine),
                tuple(int(np.sum(predicted[mine] == k)) for k in range(len(frames))),
                tuple(float(v) for v in proba[mine].sum(axis=0)),
                tuple(float(v) for v in (proba[mine] * (1 - proba[mine])).sum(axis=0)), ""))
        estimate = outlet_row(group, summaries, frames, error, rng, config)
        old = _old_interval(predicted, len(frames), rng, config.bootstrap_samples)
        for k, frame in enumerate(frames):
            truth = float(np.mean([row.label == frame for row in held]))
            share = estimate["shares"][frame]
            cells.append({
                "group": group, "frame": frame, "sentences": len(held), "articles": len(summaries), "truth": truth,
                "share": share["share"], "low": share["low"], "high": share["high"],
                "covered": share["low"] <= truth <= share["high"],
                "raw_share": estimate["raw_shares"][frame],
                "old_low": old[k][0], "old_high": old[k][1],
                "old_covered": old[k][0] <= truth <= old[k][1],
            })
    return cells


def _old_interval(predicted: np.ndarray, frames: int, rng: np.random.Generator, samples: int):
    """The interval the report used to print for a one-article outlet: sentences resampled, labels taken as true."""
    counts = np.bincount(predicted, minlength=frames)
    draws = rng.multinomial(len(predicted), counts / counts.sum(), size=samples) / len(predicted)
    return [(float(np.percentile(draws[:, k], 2.5)), float(np.percentile(draws[:, k], 97.5))) for k in range(frames)]


def summarise(cells: list[dict]) -> dict:
    """Coverage, mean width and mean absolute error of each estimate over the cells."""
    def mean(values):
        return round(float(np.mean(list(values))), 4)

    return {
        "cells": len(cells),
        "coverage": mean(c["covered"] for c in cells),
        "mean_width": mean(c["high"] - c["low"] for c in cells),
        "zero_width_cells": sum(1 for c in cells if c["high"] - c["low"] == 0),
        "mean_abs_error_calibrated": mean(abs(c["share"] - c["truth"]) for c in cells),
        "mean_abs_error_raw": mean(abs(c["raw_share"] - c["truth"]) for c in cells),
        "old_coverage": mean(c["old_covered"] for c in cells),
        "old_mean_width": mean(c["old_high"] - c["old_low"] for c in cells),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="*", default=["labels"], help="label CSVs or directories (default: labels/)")
    parser.add_argument("--group-by", choices=("article", "outlet"), action="append",
                        help="hold out each article, each outlet, or both (default: both)")
    parser.add_argument("--out", default="evaluation/coverage.json", help="every cell as JSON (default: %(default)s)")
    args = parser.parse_args(argv)
    label_set = read_labels(args.labels)
    result = {}
    for group_by in args.group_by or ["article", "outlet"]:
        cells = held_out_cells(label_set, group_by)
        result[group_by] = {"summary": summarise(cells), "cells": cells}
        s = result[group_by]["summary"]
        print(f"held out by {group_by}: {s['cells']} cells; coverage {s['coverage']:.3f}, mean width "
              f"{s['mean_width']:.3f}, zero-width cells {s['zero_width_cells']}; mean |error| calibrated "
              f"{s['mean_abs_error_calibrated']:.3f} vs raw {s['mean_abs_error_raw']:.3f}; old interval: coverage "
              f"{s['old_coverage']:.3f}, mean width {s['old_mean_width']:.3f}")
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
