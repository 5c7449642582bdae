"""Temperature scaling of the logistic regression, and how good probabilities and shares are.

One temperature T divides the decision function before the softmax; T < 1
sharpens under-confident probabilities, T > 1 softens over-confident ones. It
is fitted on the grouped-CV out-of-fold logits of the real (not authored)
sentences, by minimising their log-loss, and stored in the model card.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# Search range of T; far outside it the fit is telling us something is broken, not calibrated.
TEMPERATURE_BOUNDS = (0.01, 100.0)


def decision_columns(decision) -> np.ndarray:
    """One logit column per class: a binary model's single score d becomes (0, d), so softmax = sigmoid."""
    decision = np.asarray(decision, dtype=float)
    if decision.ndim == 1:
        return np.column_stack([np.zeros_like(decision), decision])
    return decision


def softmax(logits, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature`` (a -inf logit gets probability 0)."""
    scaled = np.asarray(logits, dtype=float) / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(logits, y_index: Sequence[int]) -> float:
    """The T minimising the mean log-loss of softmax(logits / T) for true classes ``y_index``.

    Rows whose true class has a -inf logit (a fold that never saw that class) are left
    out: their probability is 0 whatever T is. Returns T rounded to 4 decimals.
    """
    from scipy.optimize import minimize_scalar

    logits = np.asarray(logits, dtype=float)
    own = logits[np.arange(len(y_index)), np.asarray(y_index, dtype=int)]
    logits, own = logits[np.isfinite(own)], own[np.isfinite(own)]
    if len(own) == 0:
        return 1.0

    def mean_log_loss(log_t: float) -> float:
        scaled = logits / math.exp(log_t)
        top = scaled.max(axis=1)
        log_norm = top + np.log(np.exp(scaled - top[:, None]).sum(axis=1))
        return float(np.mean(log_norm - own / math.exp(log_t)))

    low, high = (math.log(bound) for bound in TEMPERATURE_BOUNDS)
    best = minimize_scalar(mean_log_loss, bounds=(low, high), method="bounded", options={"xatol": 1e-6})
    return round(math.exp(best.x), 4)


def brier(y_true, probabilities, labels: Sequence[str]) -> float:
    """Multi-class Brier score, mean over sentences of Σ (p − 1[true])², rounded to 4 decimals."""
    from sklearn.metrics import brier_score_loss

    sorted_labels, columns = _sorted_columns(probabilities, labels)
    return round(float(brier_score_loss(list(y_true), columns, labels=sorted_labels, scale_by_half=False)), 4)


def log_loss(y_true, probabilities, labels: Sequence[str]) -> float:
    """Mean negative log-likelihood of the true labels, rounded to 4 decimals."""
    from sklearn.metrics import log_loss as sklearn_log_loss

    sorted_labels, columns = _sorted_columns(probabilities, labels)
    return round(float(sklearn_log_loss(list(y_true), columns, labels=sorted_labels)), 4)


def _sorted_columns(probabilities, labels: Sequence[str]) -> tuple[list[str], np.ndarray]:
    # sklearn's probabilistic scores take the columns to be in sorted label order, whatever ``labels`` says.
    order = sorted(range(len(labels)), key=lambda i: labels[i])
    return [labels[i] for i in order], np.asarray(probabilities, dtype=float)[:, order]


def share_error(y_true, probabilities, articles, labels: Sequence[str]) -> dict[str, dict]:
    """Per frame, over articles: e = mean probability of the frame − share of sentences labelled with it.

    Returns the number of articles, the mean of e and its root mean square (unweighted
    over articles), and ``systematic_sd``: the part of the root mean square that
    independent sentence-by-sentence draws from the probabilities do not explain
    (√max(0, mean e² − mean Σp(1−p)/n²)). Errors of that kind run through a whole
    article or outlet; the report adds them to its intervals. Rounded to 4 decimals.
    """
    y_true, articles = np.asarray(y_true, dtype=object), np.asarray(articles, dtype=object)
    probabilities = np.asarray(probabilities, dtype=float)
    distinct = sorted(set(articles))
    result = {}
    for column, label in enumerate(labels):
        errors = np.array([probabilities[articles == a, column].mean() - np.mean(y_true[articles == a] == label)
                           for a in distinct])
        draw_variance = np.array([np.sum(p * (1 - p)) / len(p) ** 2
                                  for p in (probabilities[articles == a, column] for a in distinct)])
        systematic = math.sqrt(max(0.0, float(np.mean(errors ** 2) - np.mean(draw_variance))))
        result[label] = {"articles": len(distinct), "mean": round(float(errors.mean()), 4),
                         "rmse": round(float(np.sqrt(np.mean(errors ** 2))), 4),
                         "systematic_sd": round(systematic, 4)}
    return result


def calibrate(y_true, logits, articles, labels: Sequence[str]) -> dict:
    """Fit T on out-of-fold logits and describe the fit (the model card's ``calibration``).

    ``articles`` is the article of each sentence (for the share errors).
    """
    labels = list(labels)
    y_index = [labels.index(label) for label in y_true]
    temperature = fit_temperature(logits, y_index)
    before, after = softmax(logits), softmax(logits, temperature)
    return {
        "method": "temperature",
        "temperature": temperature,
        "fitted_on": f"{len(y_index)} out-of-fold sentences from {len(set(articles))} held-out articles",
        "brier": {"before": brier(y_true, before, labels), "after": brier(y_true, after, labels)},
        "log_loss": {"before": log_loss(y_true, before, labels), "after": log_loss(y_true, after, labels)},
        "share_error": share_error(y_true, after, articles, labels),
    }
