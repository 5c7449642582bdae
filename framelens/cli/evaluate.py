"""``framelens evaluate``: grouped CV, leave-one-outlet-out or a held-out file, with baselines and plots."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import plots
from ..config import Config
from ..evaluation import evaluate_scheme, learning_curve, score_held_out
from ..labels import read_labels
from ..files import atomic_write_bytes, atomic_write_text
from ..selection import nested_score
from .common import DEFAULT_LABELS, say


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="honest accuracy: grouped CV, leave-one-outlet-out, baselines, calibration",
        description="Score the model family on real sentences it did not train on; authored sentences only train.",
    )
    parser.add_argument("--labels", nargs="+", default=[DEFAULT_LABELS], metavar="PATH",
                        help="label CSVs or directories to train on (default: labels/)")
    parser.add_argument("--test", metavar="FILE", help="score this held-out labelled CSV instead of cross-validating")
    parser.add_argument("--out", metavar="DIR", default="evaluation_out", help="numbers and figures (default: %(default)s/)")
    parser.add_argument("--nested", action="store_true", help="also run nested grouped CV over the settings grid (slow)")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = Config()
    label_set = read_labels(args.labels)
    out = Path(args.out)
    results: dict = {"training_labels": label_set.counts(),
                     "authored": sum(r.authored for r in label_set.rows), "n": len(label_set.rows)}
    if args.test:
        test_set = read_labels([args.test], label_set=label_set.labels)
        held = score_held_out(label_set, test_set, config)
        results["held_out"] = held
        print(_line("held-out file", held["macro_f1"], held["interval_95"], held["baselines"], held["brier"]))
        _per_class(held["per_class"])
        _confusion(held["confusion"], held["labels"])
        atomic_write_bytes(out / "confusion.png", plots.png_bytes(plots.confusion_heatmap, held["confusion"],
                                                                  held["labels"], size=(6, 5)))
    else:
        schemes = [evaluate_scheme(label_set, "article", config)]
        outlets = {r.outlet for r in label_set.rows if not r.authored and r.outlet}
        if len(outlets) >= 2:
            schemes.append(evaluate_scheme(label_set, "outlet", config, n_splits=len(outlets)))
        print(f"{'scheme':<22} {'macro-F1 [95% CI]':<22} {'majority':>8} {'lexicon':>8} {'Brier':>6}")
        for scheme in schemes:
            s = scheme.summary()
            print(_line(scheme.name, s["macro_f1"], s["interval_95"], s["baselines"], s["brier"]))
        first = schemes[0].summary()
        _per_class(first["per_class"])
        _confusion(first["confusion"], first["labels"])
        results["schemes"] = [scheme.summary() for scheme in schemes]
        atomic_write_bytes(out / "confusion.png", plots.png_bytes(plots.confusion_heatmap, first["confusion"],
                                                                  first["labels"], size=(6, 5)))
        atomic_write_bytes(out / "reliability.png", plots.png_bytes(plots.reliability_plot, first["reliability"],
                                                                    size=(5, 5)))
        if not args.no_curve:
            curve = learning_curve(label_set, config)
            results["learning_curve"] = curve
            print("learning curve: " + ", ".join(f"{p['train_labels']} labels {p['macro_f1']:.3f}" for p in curve))
            atomic_write_bytes(out / "learning_curve.png", plots.png_bytes(plots.learning_curve_plot, curve, size=(6, 4)))
        if args.nested:
            nested = nested_score(label_set, config)
            results["nested"] = nested
            print(f"nested grouped CV (settings chosen inside each outer fold): macro-F1 {nested['nested_macro_f1']:.3f}")
    atomic_write_text(out / "evaluation.json", json.dumps(results, indent=1, sort_keys=True) + "\n")
    say(f"wrote {out}/evaluation.json and figures")
    return 0


def _line(name, score, interval, baselines, brier) -> str:
    ci = f"{score:.3f} [{interval[0]:.3f}, {interval[1]:.3f}]"
    return f"{name:<22} {ci:<22} {baselines['majority']:>8.3f} {baselines['lexicon']:>8.3f} {brier:>6.3f}"


def _per_class(per_class: dict) -> None:
    for label, s in per_class.items():
        print(f"  {label:<18} precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}  n={s['support']}")


def _confusion(matrix, labels) -> None:
    print("confusion (rows true, columns predicted): " + " | ".join(labels))
    for label, row in zip(labels, matrix):
        print(f"  {label:<18} " + " ".join(f"{v:>5}" for v in row))
