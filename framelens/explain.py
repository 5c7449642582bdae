"""Which terms push the model towards each frame: for one sentence, or for the whole model.

A term's contribution to a sentence's score for a frame is its TF-IDF value in
the sentence times the logistic-regression coefficient for that frame.
"""
from __future__ import annotations

from collections.abc import Sequence
from weakref import WeakKeyDictionary

import numpy as np

from .config import DEFAULT_CONFIG

# Per fitted feature union: its feature names, and each split into (kind, term). Building them
# takes a fifth of a second for the shipped model, and a report asks several times.
_NAMES: WeakKeyDictionary = WeakKeyDictionary()


def _feature_names(features) -> tuple[Sequence[str], list[str], list[str]]:
    """The feature names, and per index its block (``word``, ``char``, ``lexicon``) and its text."""
    if features not in _NAMES:
        names = features.get_feature_names_out()
        split = [name.partition("__") for name in names]
        _NAMES[features] = (names, [kind for kind, _, _ in split], [term for _, _, term in split])
    return _NAMES[features]


def _parts(model):
    features = model.pipeline.named_steps["features"]
    classifier = model.pipeline.named_steps["classifier"]
    return features, classifier, _feature_names(features)[0]


def _readable(name: str) -> str:
    kind, _, term = name.partition("__")
    if kind == "lexicon":
        return f"[guide signals: {term.removeprefix('signals:')}]"
    return f"{term!r} (chars)" if kind == "char" else term


def _coefficients(classifier) -> np.ndarray:
    coef = classifier.coef_
    if coef.shape[0] == 1:  # binary: one row for the positive class
        coef = np.vstack([-coef[0], coef[0]])
    return coef


def top_terms(model, n: int = DEFAULT_CONFIG.top_model_terms, *, words_only: bool = True) -> dict[str, list[dict]]:
    """Per frame, the ``n`` features with the largest positive coefficients."""
    _, classifier, names = _parts(model)
    coef = _coefficients(classifier)
    result = {}
    for row, frame in zip(coef, classifier.classes_, strict=True):
        order = np.argsort(-row, kind="stable")
        picked = []
        for index in order:
            if words_only and not names[index].startswith("word__"):
                continue
            picked.append({"term": _readable(names[index]), "weight": round(float(row[index]), 4)})
            if len(picked) == n:
                break
        result[str(frame)] = picked
    return result


def explain_sentence(model, sentence: str, n: int = DEFAULT_CONFIG.explain_terms) -> dict:
    """The predicted frame, probabilities and, per frame, the terms that pushed towards it."""
    features, classifier, names = _parts(model)
    vector = features.transform([sentence]).tocsr()
    coef = _coefficients(classifier)
    proba = model.pipeline.predict_proba([sentence])[0]
    contributions = {}
    for row, frame in zip(coef, classifier.classes_, strict=True):
        values = vector.data * row[vector.indices]
        order = np.argsort(-values, kind="stable")
        contributions[str(frame)] = [
            {"term": _readable(names[vector.indices[i]]), "weight": round(float(values[i]), 4)}
            for i in order[:n] if values[i] > 0
        ]
    best = int(np.argmax(proba))
    return {
        "sentence": sentence,
        "label": str(classifier.classes_[best]),
        "probabilities": {str(f): round(float(p), 4) for f, p in zip(classifier.classes_, proba, strict=True)},
        "terms": contributions,
    }


def term_contributions(model, sentence: str, frame: str) -> list[tuple[str, str, float]]:
    """Every feature of ``sentence`` with its contribution to ``frame``'s score: (kind, term, weight).

    ``kind`` is the feature block (``word``, ``char``, ``lexicon``); ``term`` its text.
    """
    return term_contributions_many(model, [(sentence, frame)])[0]


def term_contributions_many(model, items: Sequence[tuple[str, str]], *,
                            positive_only: bool = False) -> list[list[tuple[str, str, float]]]:
    """:func:`term_contributions` of many (sentence, frame) pairs (only those above 0 with ``positive_only``).

    The feature names (hundreds of thousands of strings) are built once and the
    sentences transformed together, which is what makes this cheap per sentence.
    """
    if not items:
        return []
    features, classifier, _ = _parts(model)
    _, kinds, terms = _feature_names(features)
    vectors = features.transform([sentence for sentence, _ in items]).tocsr()
    coef = _coefficients(classifier)
    rows = {str(frame): coef[i] for i, frame in enumerate(classifier.classes_)}
    result = []
    for k, (_, frame) in enumerate(items):
        start, end = vectors.indptr[k], vectors.indptr[k + 1]
        indices = vectors.indices[start:end]
        weights = vectors.data[start:end] * rows[frame][indices]
        if positive_only:
            indices, weights = indices[weights > 0], weights[weights > 0]
        indices, weights = indices.tolist(), weights.tolist()
        result.append(list(zip(map(kinds.__getitem__, indices), map(terms.__getitem__, indices), weights, strict=True)))
    return result
