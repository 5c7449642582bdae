"""``framelens train``: validate labels, cross-validate grouped by article, fit, save."""
from __future__ import annotations

import argparse

from ..changes import describe_change
from ..config import DEFAULT_CONFIG
from ..errors import ModelError
from ..persistence import PREVIOUS, read_card, restore_previous
from .common import (
    DEFAULT_LABELS,
    DEFAULT_MODEL_DIR,
    add_model_option,
    say,
    train_and_save,
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="train a model from labelled sentences",
        description="Read label CSVs, cross-validate grouped by article, fit on all labels and save the model.",
    )
    parser.add_argument("labels", nargs="*", metavar="LABELS", default=[DEFAULT_LABELS],
                        help="label CSV files or directories (default: labels/)")
    add_model_option(parser)
    parser.add_argument("--select", action="store_true",
                        help="choose TF-IDF/LR settings by nested grouped CV first (recorded in the card)")
    parser.add_argument("--rollback", action="store_true",
                        help="put back the model kept in previous/ (the current one takes its place)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = DEFAULT_CONFIG
    model_dir = args.model or DEFAULT_MODEL_DIR
    if args.rollback:
        return rollback(model_dir)
    previous = _current_card(model_dir)
    model, cv = train_and_save(args.labels, model_dir, config, select=args.select)
    selection = model.card.extra.get("selection")
    if selection:
        print(f"nested grouped CV of the selection procedure: macro-F1 {selection['nested_macro_f1']:.3f}; "
              f"chosen: {selection['chosen']}")
    card = model.card
    counts = ", ".join(f"{label} {n}" for label, n in card.label_counts.items())
    say(f"trained on {card.n_sentences} sentences ({counts}); {card.n_authored} authored, "
        f"{card.n_articles} articles")
    for line in cv_lines(cv) + calibration_lines(card.calibration):
        print(line)
    for line in describe_change(previous, card) if previous else []:
        print(line)
    say(f"wrote {model_dir}/framing.joblib and {model_dir}/card.json")
    if previous:
        say(f"the previous model is in {model_dir}/{PREVIOUS}/; put it back with: "
            f"framelens train --rollback --model {model_dir}")
    return 0


def rollback(model_dir: str) -> int:
    """Swap the model with the one in ``previous/``."""
    card = restore_previous(model_dir)
    score = f"macro-F1 {card.cv['macro_f1_mean']:.3f}" if card.cv else "no CV scores"
    say(f"rolled back {model_dir}/ to the model trained {card.created} on {card.n_sentences} sentences ({score}); "
        f"the replaced one is in {model_dir}/{PREVIOUS}/ (--rollback again swaps them back)")
    return 0


def _current_card(model_dir: str):
    try:
        return read_card(model_dir)
    except ModelError:
        return None  # no model yet (or an unreadable card): nothing to compare with


def cv_lines(cv) -> list[str]:
    """Human-readable cross-validation summary."""
    if cv is None:
        return ["cross-validation: skipped (labels need at least two articles that are not authored)"]
    lines = [
        (f"cross-validation grouped by {cv.group_by} ({cv.n_splits} folds, {cv.n_scored} scored sentences; "
        f"{cv.n_train_only} authored sentences train only):"),
        f"  macro-F1 {cv.macro_f1_mean:.3f} ± {cv.macro_f1_sd:.3f} (mean ± sd over folds); pooled {cv.pooled_macro_f1:.3f}",
    ]
    width = max(len(label) for label in cv.labels)
    for label in cv.labels:
        scores = cv.per_class[label]
        lines.append(
            f"  {label:<{width}}  F1 {scores['f1']:.3f}  precision {scores['precision']:.3f}  "
            f"recall {scores['recall']:.3f}  n={scores['support']}"
        )
    return lines


def calibration_lines(calibration: dict | None) -> list[str]:
    """Human-readable summary of the card's temperature scaling."""
    if calibration is None:
        return ["calibration: none (it needs cross-validation); probabilities are the logistic regression's own"]
    brier, log_loss = calibration["brier"], calibration["log_loss"]
    return [
        f"calibration: temperature {calibration['temperature']:.3f}, fitted on {calibration['fitted_on']}:",
        (f"  Brier {brier['before']:.3f} → {brier['after']:.3f}, log-loss {log_loss['before']:.3f} → "
        f"{log_loss['after']:.3f}"),
        "  share error per article (mean, rmse): " + "; ".join(
            f"{label} {e['mean']:+.3f}, {e['rmse']:.3f}" for label, e in calibration["share_error"].items()),
    ]
