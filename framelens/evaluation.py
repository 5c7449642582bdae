"""Honest accuracy: grouped CV and leave-one-outlet-out, intervals, baselines, learning curve, calibration.

Authored sentences only ever train; every scored sentence is a real one whose
article (or outlet) was held out of the model that scored it.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .calibration import brier, calibrate, log_loss, softmax
from .config import DEFAULT_CONFIG, Config
from .cv import (
    confusion_counts,
    fit_and_score,
    group_key,
    grouped_folds,
    macro_f1,
    macro_f1_from_counts,
    majority_label,
    per_class_table,
)
from .labels import LabelRow, LabelSet, unique_rows
from .lexicon import lexicon_predict
from .training import CVResult, build_pipeline, cross_validate, train

# Resamples are drawn in blocks of about this many (resample, group) cells, to bound memory.
BOOTSTRAP_BLOCK_CELLS = 1_000_000


def bootstrap_macro_f1(y_true, y_pred, groups, labels, rng: np.random.Generator, samples: int,
                       level: float = DEFAULT_CONFIG.interval_level) -> tuple[float, float]:
    """Percentile interval of macro-F1, resampling whole groups (articles) with replacement.

    Each resample sums the per-group confusion counts of the groups drawn, so no
    sentence-level work is repeated; draws the same numbers from ``rng`` as drawing
    one resample at a time.
    """
    distinct, group_index = np.unique(np.asarray(groups), return_inverse=True)
    n_groups = len(distinct)
    per_group = confusion_counts(y_true, y_pred, labels, group_index).reshape(n_groups, -1)
    # Drawing block by block gives the same numbers as drawing all at once, or one resample at a time.
    block = max(1, BOOTSTRAP_BLOCK_CELLS // n_groups)
    blocks = []
    for start in range(0, samples, block):
        size = min(block, samples - start)
        picks = rng.integers(0, n_groups, (size, n_groups))
        times_picked = np.bincount((picks + np.arange(size)[:, None] * n_groups).ravel(),
                                   minlength=size * n_groups).reshape(size, n_groups)
        blocks.append(macro_f1_from_counts((times_picked @ per_group).reshape(size, len(labels), 3)))
    scores = np.concatenate(blocks)
    tail = (1 - level) / 2 * 100
    return round(float(np.percentile(scores, tail)), 4), round(float(np.percentile(scores, 100 - tail)), 4)


def reliability(y_true, probabilities, labels, bins: int = 5) -> list[dict]:
    """Reliability curve of the top prediction: confidence vs accuracy per bin."""
    proba = np.asarray(probabilities)
    confidence = proba.max(axis=1)
    correct = np.array([labels[i] == t for i, t in zip(proba.argmax(axis=1), y_true, strict=True)])
    edges = np.linspace(1 / len(labels), 1, bins + 1)
    rows = []
    for low, high in itertools.pairwise(edges):
        inside = (confidence >= low) & ((confidence < high) | (high == edges[-1]))
        if inside.any():
            rows.append({"bin": [round(float(low), 3), round(float(high), 3)], "n": int(inside.sum()),
                         "confidence": round(float(confidence[inside].mean()), 4),
                         "accuracy": round(float(correct[inside].mean()), 4)})
    return rows


def baselines(cv: CVResult, label_set: LabelSet | None = None) -> dict[str, float]:
    """Macro-F1 of the majority class of each training fold, and of the keyword lexicon when the
    label set's codebook has signal phrases."""
    scores = {"majority": round(macro_f1(cv.y_true, cv.majority, cv.labels), 4)}
    scores.update(_lexicon_baseline(cv.texts, cv.y_true, cv.labels, label_set))
    return scores


def _lexicon_baseline(texts, y_true, labels, label_set: LabelSet | None) -> dict[str, float]:
    if label_set is None or not label_set.signals:
        return {}
    no_frame = label_set.codebook.no_frame if label_set.codebook is not None else None
    return {"lexicon": round(macro_f1(y_true, lexicon_predict(texts, labels, label_set.signals, no_frame), labels), 4)}


@dataclass(frozen=True)
class Scheme:
    """One evaluation scheme's scores; ``calibration`` is the temperature fitted on its out-of-fold logits."""

    name: str
    cv: CVResult
    interval: tuple[float, float]
    baselines: dict[str, float]
    calibration: dict
    reliability: dict[str, list[dict]]

    def summary(self) -> dict:
        """JSON-ready numbers."""
        return {"scheme": self.name, "macro_f1": self.cv.pooled_macro_f1, "interval_95": list(self.interval),
                "fold_macro_f1": self.cv.fold_macro_f1, "per_class": self.cv.per_class,
                "confusion": self.cv.confusion, "labels": self.cv.labels, "baselines": self.baselines,
                "brier": self.calibration["brier"], "log_loss": self.calibration["log_loss"],
                "temperature": self.calibration["temperature"], "share_error": self.calibration["share_error"],
                "reliability": self.reliability, "n_scored": self.cv.n_scored,
                "n_train_only": self.cv.n_train_only}


def evaluate_scheme(label_set: LabelSet, group_by: str, config: Config = DEFAULT_CONFIG,
                    n_splits: int | None = None) -> Scheme:
    """Cross-validate grouped by ``article`` or ``outlet`` (one fold per outlet) and score it.

    Calibration (before/after) is scored on the same out-of-fold sentences its one
    parameter was fitted on, as the model card records it.
    """
    cv = cross_validate(label_set, config, group_by=group_by, n_splits=n_splits)
    rng = np.random.default_rng(config.random_state)
    interval = bootstrap_macro_f1(cv.y_true, cv.y_pred, cv.groups, cv.labels, rng, config.bootstrap_samples,
                                  config.interval_level)
    name = "grouped by article" if group_by == "article" else "leave one outlet out"
    calibration = calibrate(cv.y_true, cv.logits, cv.articles, cv.labels)
    curves = {"before": reliability(cv.y_true, softmax(cv.logits), cv.labels),
              "after": reliability(cv.y_true, softmax(cv.logits, calibration["temperature"]), cv.labels)}
    return Scheme(name, cv, interval, baselines(cv, label_set), calibration, curves)


def score_held_out(label_set: LabelSet, test_set: LabelSet, config: Config = DEFAULT_CONFIG) -> dict:
    """Train (and calibrate) on every row of ``label_set`` and score ``test_set`` (no authored rows are scored)."""
    from sklearn.metrics import confusion_matrix

    model, _ = train(label_set, config)
    rows = unique_rows(label_set)
    test_rows = [r for r in test_set.rows if not r.authored] or list(test_set.rows)
    texts = [r.sentence for r in test_rows]
    y_true = [r.label for r in test_rows]
    labels = model.classes
    raw, calibrated = model.raw_predict_proba(texts), model.predict_proba(texts)
    y_pred = [labels[i] for i in raw.argmax(axis=1)]
    groups = [group_key(r, "article") for r in test_rows]
    rng = np.random.default_rng(config.random_state)
    majority = majority_label([r.label for r in rows], labels)
    return {
        "scheme": "held-out file", "n_scored": len(test_rows), "labels": labels,
        "macro_f1": round(macro_f1(y_true, y_pred, labels), 4),
        "interval_95": list(bootstrap_macro_f1(y_true, y_pred, groups, labels, rng, config.bootstrap_samples,
                                               config.interval_level)),
        "per_class": per_class_table(y_true, y_pred, labels),
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "baselines": {"majority": round(macro_f1(y_true, [majority] * len(y_true), labels), 4),
                      **_lexicon_baseline(texts, y_true, labels, label_set)},
        "temperature": model.temperature,
        "brier": {"before": brier(y_true, raw, labels), "after": brier(y_true, calibrated, labels)},
        "log_loss": {"before": log_loss(y_true, raw, labels), "after": log_loss(y_true, calibrated, labels)},
        "reliability": {"before": reliability(y_true, raw, labels), "after": reliability(y_true, calibrated, labels)},
    }


def learning_curve(label_set: LabelSet, config: Config = DEFAULT_CONFIG, fractions=(0.2, 0.4, 0.6, 0.8, 1.0),
                   repeats: int = 3) -> list[dict]:
    """Grouped-CV macro-F1 when each training fold keeps only a fraction of its rows (authored included)."""
    folds = grouped_folds(unique_rows(label_set), "article", config.cv_folds)
    labels = list(label_set.labels)
    rng = np.random.default_rng(config.random_state)
    curve = []
    for fraction in fractions:
        scores: list[float] = []
        sizes: list[int] = []
        trainer = _fraction_trainer(fraction, rng, sizes, config, label_set.signals)
        for _ in range(repeats if fraction < 1 else 1):
            oof = fit_and_score(folds, labels, trainer)
            scores.append(round(macro_f1(oof.y_true[oof.done], oof.y_pred[oof.done], labels), 4))
        curve.append({"fraction": fraction, "train_labels": int(np.mean(sizes)),
                      "macro_f1": round(float(np.mean(scores)), 4), "sd": round(float(np.std(scores)), 4)})
    return curve


def _fraction_trainer(fraction: float, rng: np.random.Generator, sizes: list[int], config: Config,
                      signals: dict | None = None):
    """A trainer keeping a random ``fraction`` of each training fold (its size goes to ``sizes``)."""

    def train(pool: list[LabelRow], fold: int):
        keep = max(round(fraction * len(pool)), 2)
        chosen = [pool[i] for i in sorted(rng.choice(len(pool), keep, replace=False))]
        if len({r.label for r in chosen}) < 2:
            return None  # this fold is left out of this repeat
        sizes.append(keep)
        pipeline = build_pipeline(config.model, config.random_state, signals)
        return pipeline.fit([r.sentence for r in chosen], [r.label for r in chosen])

    return train
