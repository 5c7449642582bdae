"""The one grouped cross-validation core: group keys, folds, the fit-and-score loop, macro-F1.

Rules every caller gets for free: no group (article, or outlet) has sentences
on both sides of a split, and authored rows only ever train (they are added to
every training fold and never scored), unless the caller asks to score them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .calibration import decision_columns
from .config import DEFAULT_CONFIG
from .errors import LabelError
from .labels import LabelRow


def group_key(row: LabelRow, group_by: str = "article") -> str:
    """The group of a row: its article id (or outlet), else its file and row, so it is a group of its own."""
    fallback = row.article_id or f"{row.file}#{row.row}"
    return (row.outlet or fallback) if group_by == "outlet" else fallback


@dataclass(frozen=True)
class Folds:
    """Grouped K-fold splits of ``scored``; ``train_only`` rows join every training fold."""

    group_by: str
    scored: list[LabelRow]
    train_only: list[LabelRow]
    groups: np.ndarray
    splits: list[tuple[np.ndarray, np.ndarray]]

    @property
    def n_splits(self) -> int:
        return len(self.splits)

    def training_rows(self, fold: int) -> list[LabelRow]:
        """The rows a model of ``fold`` trains on: the other folds' scored rows, then the train-only rows."""
        return [self.scored[i] for i in self.splits[fold][0]] + self.train_only


def grouped_folds(rows: Sequence[LabelRow], group_by: str = "article", n_splits: int = DEFAULT_CONFIG.cv_folds, *,
                  score_authored: bool = False) -> Folds:
    """GroupKFold over the rows that are not authored (all rows with ``score_authored``).

    At most one fold per group. Raises :class:`LabelError` when there are fewer than two groups.
    """
    from sklearn.model_selection import GroupKFold

    scored = list(rows) if score_authored else [row for row in rows if not row.authored]
    train_only = [] if score_authored else [row for row in rows if row.authored]
    groups = np.array([group_key(row, group_by) for row in scored], dtype=object)
    distinct = len(set(groups))
    if distinct < 2:
        raise LabelError(
            f"cross-validation needs sentences from at least two {group_by}s that are not authored; "
            f"found {distinct}"
        )
    splitter = GroupKFold(n_splits=min(n_splits, distinct))
    splits = list(splitter.split(np.zeros(len(scored)), groups=groups))
    return Folds(group_by, scored, train_only, groups, splits)


@dataclass(frozen=True)
class OutOfFold:
    """Out-of-fold predictions, one row per scored row of :class:`Folds` (in its order).

    ``fold`` is -1 for rows of folds the trainer skipped; ``logits`` is the decision
    function (columns in ``labels`` order; -inf for a label the fold never trained on).
    """

    folds: Folds
    labels: list[str]
    y_true: np.ndarray
    y_pred: np.ndarray
    probabilities: np.ndarray
    logits: np.ndarray
    fold: np.ndarray
    majority: np.ndarray
    fold_macro_f1: list[float]

    @property
    def done(self) -> np.ndarray:
        """Mask of the rows that were scored (their fold was not skipped)."""
        return self.fold >= 0


Trainer = Callable[[list[LabelRow], int], Any]


def fit_and_score(folds: Folds, labels: Sequence[str], train: Trainer) -> OutOfFold:
    """Train one model per fold with ``train(training_rows, fold)`` and score the held-out rows.

    ``train`` returns a fitted pipeline (``classes_``, ``predict_proba``, ``decision_function``)
    or None to skip the fold. Raises :class:`LabelError` when a training fold has fewer than two labels.
    """
    labels = list(labels)
    n = len(folds.scored)
    y_true = np.array([row.label for row in folds.scored], dtype=object)
    y_pred = np.empty(n, dtype=object)
    majority = np.empty(n, dtype=object)
    proba = np.zeros((n, len(labels)))
    logits = np.full((n, len(labels)), -np.inf)
    fold_of = np.full(n, -1)
    fold_scores = []
    for fold, (_, test_index) in enumerate(folds.splits):
        training = folds.training_rows(fold)
        training_labels = [row.label for row in training]
        if len(set(training_labels)) < 2:
            raise LabelError(
                f"cross-validation needs at least two labels in every training fold; without "
                f"{', '.join(sorted(set(folds.groups[test_index])))} only '{training_labels[0]}' is left"
            )
        pipeline = train(training, fold)
        if pipeline is None:
            continue
        texts = [folds.scored[i].sentence for i in test_index]
        columns = np.array([labels.index(c) for c in pipeline.classes_])
        fold_proba = pipeline.predict_proba(texts)
        proba[np.ix_(test_index, columns)] = fold_proba
        logits[np.ix_(test_index, columns)] = decision_columns(pipeline.decision_function(texts))
        y_pred[test_index] = pipeline.classes_[fold_proba.argmax(axis=1)]
        majority[test_index] = majority_label(training_labels, labels)
        fold_of[test_index] = fold
        fold_scores.append(macro_f1(y_true[test_index], y_pred[test_index], labels))
    return OutOfFold(folds, labels, y_true, y_pred, proba, logits, fold_of, majority, fold_scores)


def majority_label(training_labels: Sequence[str], labels: Sequence[str]) -> str:
    """The most frequent training label; ties go to the first in ``labels`` order."""
    counts = Counter(training_labels)
    order = list(labels) + sorted(set(counts) - set(labels))
    return max(order, key=lambda label: (counts[label], -order.index(label)))


def confusion_counts(y_true, y_pred, labels: Sequence[str], groups=None) -> np.ndarray:
    """True positives, false positives and false negatives per label: shape (k, 3), or (g, k, 3) by group.

    With ``groups`` (integer group index per row, 0..g-1) the counts are per group.
    Rows whose true label is not in ``labels`` count only as false positives of their prediction.
    """
    index = {label: i for i, label in enumerate(labels)}
    k = len(labels)
    truth = np.array([index.get(t, -1) for t in y_true], dtype=int)
    guess = np.array([index.get(p, -1) for p in y_pred], dtype=int)
    group = np.zeros(len(truth), dtype=int) if groups is None else np.asarray(groups, dtype=int)
    n_groups = int(group.max()) + 1 if len(group) else 1
    counts = np.zeros((n_groups, k, 3), dtype=np.int64)
    hit = (truth == guess) & (truth >= 0)
    np.add.at(counts, (group[hit], truth[hit], 0), 1)
    miss = ~hit
    np.add.at(counts, (group[miss & (guess >= 0)], guess[miss & (guess >= 0)], 1), 1)
    np.add.at(counts, (group[miss & (truth >= 0)], truth[miss & (truth >= 0)], 2), 1)
    return counts[0] if groups is None else counts


def macro_f1_from_counts(counts: np.ndarray) -> np.ndarray:
    """Macro-F1 over the labels present (true positives + false negatives > 0) from (..., k, 3) counts."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    present = (tp + fn) > 0
    denominator = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denominator, out=np.zeros(tp.shape), where=denominator > 0)
    return (f1 * present).sum(axis=-1) / np.maximum(present.sum(axis=-1), 1)


def macro_f1(y_true, y_pred, labels: Sequence[str]) -> float:
    """Macro-F1 over the labels present in ``y_true`` (F1 = 2TP / (2TP + FP + FN)); not rounded."""
    return float(macro_f1_from_counts(confusion_counts(y_true, y_pred, labels)))


def per_class_table(y_true, y_pred, labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 (rounded to 4 decimals) and support of each label."""
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        list(y_true), list(y_pred), labels=list(labels), zero_division=0
    )
    return {
        label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
