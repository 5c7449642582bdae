"""Honest accuracy: grouped CV and leave-one-outlet-out, intervals, baselines, learning curve, calibration.

Authored sentences only ever train; every scored sentence is a real one whose
article (or outlet) was held out of the model that scored it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import f1_score

from .config import Config
from .labels import LabelSet, unique_rows
from .lexicon import lexicon_predict
from .training import CVResult, build_pipeline, cross_validate


def bootstrap_macro_f1(y_true, y_pred, groups, labels, rng: np.random.Generator, samples: int,
                       level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of macro-F1, resampling whole groups (articles) with replacement."""
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    distinct = np.unique(groups)
    members = [np.flatnonzero(groups == g) for g in distinct]
    scores = []
    for _ in range(samples):
        picked = np.concatenate([members[i] for i in rng.integers(0, len(distinct), len(distinct))])
        present = [label for label in labels if label in set(y_true[picked])]
        scores.append(f1_score(y_true[picked], y_pred[picked], labels=present, average="macro", zero_division=0))
    tail = (1 - level) / 2 * 100
    return round(float(np.percentile(scores, tail)), 4), round(float(np.percentile(scores, 100 - tail)), 4)


def macro_f1(y_true, y_pred, labels) -> float:
    """Macro-F1 over the labels present in ``y_true``."""
    present = [label for label in labels if label in set(y_true)]
    return round(float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 4)


def brier_score(y_true, probabilities, labels) -> float:
    """Multi-class Brier score: mean over sentences of Σ (p − 1[true])²."""
    truth = np.array([[1.0 if t == label else 0.0 for label in labels] for t in y_true])
    return round(float(np.mean(np.sum((np.asarray(probabilities) - truth) ** 2, axis=1))), 4)


def reliability(y_true, probabilities, labels, bins: int = 5) -> list[dict]:
    """Reliability curve of the top prediction: confidence vs accuracy per bin."""
    proba = np.asarray(probabilities)
    confidence = proba.max(axis=1)
    correct = np.array([labels[i] == t for i, t in zip(proba.argmax(axis=1), y_true)])
    edges = np.linspace(1 / len(labels), 1, bins + 1)
    rows = []
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence >= low) & ((confidence < high) | (high == edges[-1]))
        if inside.any():
            rows.append({"bin": [round(float(low), 3), round(float(high), 3)], "n": int(inside.sum()),
                         "confidence": round(float(confidence[inside].mean()), 4),
                         "accuracy": round(float(correct[inside].mean()), 4)})
    return rows


def baselines(cv: CVResult, label_set: LabelSet | None = None) -> dict[str, float]:
    """Majority-class (of each training fold's complement, approximated by the whole set) macro-F1, and the
    keyword-lexicon baseline's when the label set's codebook has signal phrases."""
    majority = Counter(cv.y_true).most_common(1)[0][0]
    scores = {"majority": macro_f1(cv.y_true, [majority] * len(cv.y_true), cv.labels)}
    scores.update(_lexicon_baseline(_texts(cv), cv.y_true, cv.labels, label_set))
    return scores


def _lexicon_baseline(texts, y_true, labels, label_set: LabelSet | None) -> dict[str, float]:
    if label_set is None or not label_set.signals:
        return {}
    no_frame = label_set.codebook.no_frame if label_set.codebook is not None else None
    return {"lexicon": macro_f1(y_true, lexicon_predict(texts, labels, label_set.signals, no_frame), labels)}


def _texts(cv: CVResult) -> list[str]:
    return cv.texts


@dataclass(frozen=True)
class Scheme:
    """One evaluation scheme's scores."""

    name: str
    cv: CVResult
    interval: tuple[float, float]
    baselines: dict[str, float]
    brier: float
    reliability: list[dict]

    def summary(self) -> dict:
        """JSON-ready numbers."""
        return {"scheme": self.name, "macro_f1": self.cv.pooled_macro_f1, "interval_95": list(self.interval),
                "fold_macro_f1": self.cv.fold_macro_f1, "per_class": self.cv.per_class,
                "confusion": self.cv.confusion, "labels": self.cv.labels, "baselines": self.baselines,
                "brier": self.brier, "reliability": self.reliability, "n_scored": self.cv.n_scored,
                "n_train_only": self.cv.n_train_only}


def evaluate_scheme(label_set: LabelSet, group_by: str, config: Config, n_splits: int | None = None) -> Scheme:
    """Cross-validate grouped by ``article`` or ``outlet`` (one fold per outlet) and score it."""
    cv = cross_validate(label_set, config, group_by=group_by, n_splits=n_splits)
    rng = np.random.default_rng(config.random_state)
    interval = bootstrap_macro_f1(cv.y_true, cv.y_pred, cv.groups, cv.labels, rng, config.bootstrap_samples,
                                  config.interval_level)
    name = "grouped by article" if group_by == "article" else "leave one outlet out"
    return Scheme(name, cv, interval, baselines(cv, label_set), brier_score(cv.y_true, cv.probabilities, cv.labels),
                  reliability(cv.y_true, cv.probabilities, cv.labels))


def score_held_out(label_set: LabelSet, test_set: LabelSet, config: Config) -> dict:
    """Train on every row of ``label_set`` and score ``test_set`` (no authored rows are scored)."""
    rows = unique_rows(label_set)
    pipeline = build_pipeline(config.model, config.random_state, label_set.signals)
    pipeline.fit([r.sentence for r in rows], [r.label for r in rows])
    test_rows = [r for r in test_set.rows if not r.authored] or list(test_set.rows)
    texts = [r.sentence for r in test_rows]
    y_true = [r.label for r in test_rows]
    proba = pipeline.predict_proba(texts)
    labels = [str(c) for c in pipeline.classes_]
    y_pred = [labels[i] for i in proba.argmax(axis=1)]
    groups = [r.article_id or f"{r.file}#{r.row}" for r in test_rows]
    rng = np.random.default_rng(config.random_state)
    majority = Counter(r.label for r in rows).most_common(1)[0][0]
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    return {
        "scheme": "held-out file", "n_scored": len(test_rows), "labels": labels,
        "macro_f1": macro_f1(y_true, y_pred, labels),
        "interval_95": list(bootstrap_macro_f1(y_true, y_pred, groups, labels, rng, config.bootstrap_samples)),
        "per_class": {lab: {"precision": round(float(a), 4), "recall": round(float(b), 4), "f1": round(float(c), 4),
                            "support": int(d)} for lab, a, b, c, d in zip(labels, p, r, f, s)},
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "baselines": {"majority": macro_f1(y_true, [majority] * len(y_true), labels),
                      **_lexicon_baseline(texts, y_true, labels, label_set)},
        "brier": brier_score(y_true, proba, labels),
        "reliability": reliability(y_true, proba, labels),
    }


def learning_curve(label_set: LabelSet, config: Config, fractions=(0.2, 0.4, 0.6, 0.8, 1.0),
                   repeats: int = 3) -> list[dict]:
    """Grouped-CV macro-F1 when each training fold keeps only a fraction of its rows (authored included)."""
    from sklearn.model_selection import GroupKFold

    rows = unique_rows(label_set)
    scored = [r for r in rows if not r.authored]
    authored = [r for r in rows if r.authored]
    groups = np.array([r.article_id or f"{r.file}#{r.row}" for r in scored])
    folds = min(config.cv_folds, len(set(groups)))
    rng = np.random.default_rng(config.random_state)
    curve = []
    for fraction in fractions:
        scores, sizes = [], []
        for _ in range(repeats if fraction < 1 else 1):
            y_true, y_pred = [], []
            for train_index, test_index in GroupKFold(n_splits=folds).split(scored, groups=groups):
                pool = [scored[i] for i in train_index] + authored
                keep = max(int(round(fraction * len(pool))), 2)
                chosen = [pool[i] for i in sorted(rng.choice(len(pool), keep, replace=False))]
                if len({r.label for r in chosen}) < 2:
                    continue
                pipeline = build_pipeline(config.model, config.random_state, label_set.signals)
                pipeline.fit([r.sentence for r in chosen], [r.label for r in chosen])
                y_true += [scored[i].label for i in test_index]
                y_pred += list(pipeline.predict([scored[i].sentence for i in test_index]))
                sizes.append(keep)
            scores.append(macro_f1(y_true, y_pred, list(label_set.labels)))
        curve.append({"fraction": fraction, "train_labels": int(np.mean(sizes)),
                      "macro_f1": round(float(np.mean(scores)), 4), "sd": round(float(np.std(scores)), 4)})
    return curve
