"""``framelens train``: validate labels, cross-validate grouped by article, fit, save."""
from __future__ import annotations

import argparse

from .common import DEFAULT_MODEL_DIR, add_labels_argument, say


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train", help="train a model from labelled sentences",
        description="Read label CSVs (and the codebook.toml beside them), cross-validate grouped by article, "
                    "fit on all labels and save the model.",
    )
    add_labels_argument(parser)
    parser.add_argument("--model", metavar="DIR", default=DEFAULT_MODEL_DIR,
                        help="directory to write the model into (default: %(default)s/)")
    parser.add_argument("--select", action="store_true",
                        help="choose TF-IDF/LR settings by nested grouped CV first (recorded in the card)")
    parser.add_argument("--artifact-format", choices=("joblib", "skops"), default="joblib",
                        help="skops: a model file that loads without unpickling (only trusted types; slower to load)")
    parser.add_argument("--rollback", action="store_true",
                        help="put back the model kept in previous/ (the current one takes its place)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..changes import describe_change
    from ..config import DEFAULT_CONFIG
    from ..labels import find_label_files
    from ..model_store import train_and_save
    from ..persistence import PREVIOUS, artifact_name

    model_dir = args.model
    if args.rollback:
        return rollback(model_dir)
    previous = _current_card(model_dir)
    for note in label_notes(args.labels):
        say(note)
    find_label_files(args.labels)  # a missing path is reported before any work
    model, cv = train_and_save(args.labels, model_dir, DEFAULT_CONFIG, select=args.select, on_step=say,
                               artifact_format=args.artifact_format)
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
    say(f"wrote {model_dir}/{artifact_name(card)} and {model_dir}/card.json")
    if previous:
        say(f"the previous model is in {model_dir}/{PREVIOUS}/; put it back with: "
            f"framelens train --rollback --model {model_dir}")
    return 0


def label_notes(paths) -> list[str]:
    """Warnings about the labels that do not stop training: an old label_set.txt, rows without article_id."""
    from ..codebook import CODEBOOK_FILE, find_codebook
    from ..labels import distinct_files, read_label_rows

    notes = []
    codebook = find_codebook(paths)
    if codebook is not None and codebook.legacy:
        notes.append(f"note: {codebook.source} is read as a codebook of names only; write a {CODEBOOK_FILE} "
                     "beside it instead (definitions, signals, colours; see framelens init)")
    for file in distinct_files(paths):
        rows = [row for row in read_label_rows(file, keep_empty=True) if not row.authored]
        missing = sum(1 for row in rows if not row.article_id)
        if missing:
            notes.append(f"warning: {file}: {missing} of {len(rows)} rows have no article_id, so cross-validation "
                         "cannot be grouped by article for them (each counts as its own article); add an "
                         "article_id column naming each sentence's article")
    return notes


def rollback(model_dir: str) -> int:
    """Swap the model with the one in ``previous/``."""
    from ..persistence import PREVIOUS, restore_previous

    card = restore_previous(model_dir)
    score = f"macro-F1 {card.cv['macro_f1_mean']:.3f}" if card.cv else "no CV scores"
    say(f"rolled back {model_dir}/ to the model trained {card.created} on {card.n_sentences} sentences ({score}); "
        f"the replaced one is in {model_dir}/{PREVIOUS}/ (--rollback again swaps them back)")
    return 0


def _current_card(model_dir: str):
    from ..errors import ModelError
    from ..persistence import read_card

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
        (f"  macro-F1 {cv.macro_f1_mean:.3f} ± {cv.macro_f1_sd:.3f} (mean ± sd over folds); "
         f"pooled {cv.pooled_macro_f1:.3f}"),
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
