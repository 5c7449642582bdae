"""``framelens train``: validate labels, cross-validate grouped by article, fit, save."""
from __future__ import annotations

import argparse

from ..changes import describe_change
from ..config import Config
from ..errors import ModelError
from ..persistence import PREVIOUS, artifact_name, read_card, restore_previous
from .common import DEFAULT_LABELS, DEFAULT_MODEL_DIR, add_model_option, say, train_and_save


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
    parser.add_argument("--artifact-format", choices=("joblib", "skops"), default="joblib",
                        help="skops: a model file that loads without unpickling (only trusted types; slower to load)")
    parser.add_argument("--rollback", action="store_true",
                        help="put back the model kept in previous/ (the current one takes its place)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = Config()
    model_dir = args.model or DEFAULT_MODEL_DIR
    if args.rollback:
        return rollback(model_dir)
    previous = _current_card(model_dir)
    model, cv = train_and_save(args.labels, model_dir, config, select=args.select,
                               artifact_format=args.artifact_format)
    selection = model.card.extra.get("selection")
    if selection:
        print(f"nested grouped CV of the selection procedure: macro-F1 {selection['nested_macro_f1']:.3f}; "
              f"chosen: {selection['chosen']}")
    card = model.card
    counts = ", ".join(f"{label} {n}" for label, n in card.label_counts.items())
    say(f"trained on {card.n_sentences} sentences ({counts}); {card.n_authored} authored, "
        f"{card.n_articles} articles")
    for line in cv_lines(cv):
        print(line)
    for line in describe_change(previous, card) if previous else []:
        print(line)
    say(f"wrote {model_dir}/{artifact_name(card)} and {model_dir}/card.json")
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
        f"cross-validation grouped by {cv.group_by} ({cv.n_splits} folds, {cv.n_scored} scored sentences; "
        f"{cv.n_train_only} authored sentences train only):",
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
