"""``framelens evaluate``: grouped CV, leave-one-outlet-out or a held-out file, with baselines and plots."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import add_labels_argument, say


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="honest accuracy: grouped CV, leave-one-outlet-out, baselines, calibration",
        description="Score the model family on real sentences it did not train on; authored sentences only train.",
    )
    add_labels_argument(parser, what="label CSVs or directories to train on")
    parser.add_argument("--test", metavar="FILE", help="score this held-out labelled CSV instead of cross-validating")
    parser.add_argument("--out", metavar="DIR", default="evaluation_out",
                        help="numbers and figures (default: %(default)s/)")
    parser.add_argument("--nested", action="store_true",
                        help="also run nested grouped CV over the settings grid (slow)")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from .. import plots
    from ..config import DEFAULT_CONFIG as config
    from ..evaluation import evaluate_scheme, learning_curve, score_held_out
    from ..files import atomic_write_bytes, atomic_write_text
    from ..labels import read_labels
    from ..selection import nested_score

    label_set = read_labels(args.labels)
    out = Path(args.out)
    results: dict = {"training_labels": label_set.counts(),
                     "authored": sum(r.authored for r in label_set.rows), "n": len(label_set.rows)}
    if args.test:
        test_set = read_labels([args.test], allowed=label_set.labels)
        held = score_held_out(label_set, test_set, config)
        results["held_out"] = held
        print(header("lexicon" in held["baselines"]))
        print(_line("held-out file", held))
        print(f"calibration: T = {held['temperature']:.3f} from the training labels' grouped CV, "
              "scored on the held-out file")
        _per_class(held["per_class"])
        _confusion(held["confusion"], held["labels"])
        first = held
    else:
        schemes = [evaluate_scheme(label_set, "article", config)]
        outlets = {r.outlet for r in label_set.rows if not r.authored and r.outlet}
        if len(outlets) >= 2:
            schemes.append(evaluate_scheme(label_set, "outlet", config, n_splits=len(outlets)))
        results["schemes"] = [scheme.summary() for scheme in schemes]
        print(header("lexicon" in results["schemes"][0]["baselines"]))
        for summary in results["schemes"]:
            print(_line(summary["scheme"], summary))
        first = results["schemes"][0]
        print(f"calibration: T = {first['temperature']:.3f} fitted on the out-of-fold logits it is scored on "
              f"({first['scheme']})")
        print("share error per article, calibrated (mean, rmse): " + "; ".join(
            f"{label} {e['mean']:+.3f}, {e['rmse']:.3f}" for label, e in first["share_error"].items()))
        _per_class(first["per_class"])
        _confusion(first["confusion"], first["labels"])
    title = "Confusion matrix (held-out file)" if args.test else "Confusion matrix (out-of-fold, grouped by article)"
    atomic_write_bytes(out / "confusion.png", plots.confusion_png(first["confusion"], first["labels"], title))
    atomic_write_bytes(out / "reliability.png", plots.reliability_png(
        first["reliability"]["before"], first["reliability"]["after"], first["temperature"]))
    if not args.test:
        if not args.no_curve:
            curve = learning_curve(label_set, config)
            results["learning_curve"] = curve
            print("learning curve: " + ", ".join(f"{p['train_labels']} labels {p['macro_f1']:.3f}" for p in curve))
            atomic_write_bytes(out / "learning_curve.png", plots.learning_curve_png(curve))
        if args.nested:
            nested = nested_score(label_set, config)
            results["nested"] = nested
            print("nested grouped CV (settings chosen inside each outer fold): "
                  f"macro-F1 {nested['nested_macro_f1']:.3f}")
    atomic_write_text(out / "evaluation.json", json.dumps(results, indent=1, sort_keys=True) + "\n")
    say(f"wrote {out}/evaluation.json and figures")
    return 0


def header(lexicon: bool) -> str:
    """The table's header; the lexicon column only when the codebook has signal phrases for that baseline."""
    column = f" {'lexicon':>8}" if lexicon else ""
    return (f"{'scheme':<22} {'macro-F1 [95% CI]':<22} {'majority':>8}{column} "
            f"{'Brier T=1 → T':>15} {'log-loss T=1 → T':>17}")


def _line(name: str, scores: dict) -> str:
    """One scheme: macro-F1 with its interval, the baselines, Brier and log-loss before → after calibration."""
    low, high = scores["interval_95"]
    ci = f"{scores['macro_f1']:.3f} [{low:.3f}, {high:.3f}]"
    brier = f"{scores['brier']['before']:.3f} → {scores['brier']['after']:.3f}"
    log_loss = f"{scores['log_loss']['before']:.3f} → {scores['log_loss']['after']:.3f}"
    baselines = scores["baselines"]
    lexicon = f" {baselines['lexicon']:>8.3f}" if "lexicon" in baselines else ""
    return f"{name:<22} {ci:<22} {baselines['majority']:>8.3f}{lexicon} {brier:>15} {log_loss:>17}"


def _per_class(per_class: dict) -> None:
    for label, s in per_class.items():
        print(f"  {label:<18} precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}  "
              f"n={s['support']}")


def _confusion(matrix, labels) -> None:
    print("confusion (rows true, columns predicted): " + " | ".join(labels))
    for label, row in zip(labels, matrix, strict=True):
        print(f"  {label:<18} " + " ".join(f"{v:>5}" for v in row))
