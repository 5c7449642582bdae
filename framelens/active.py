"""Rank unlabelled sentences for labelling: most informative first, near-identical ones apart.

Informative means the current model is unsure: a small margin between its two
most probable labels. Greedy selection then subtracts ``diversity_weight``
times the highest TF-IDF cosine similarity to anything already labelled or
already picked, so a near-copy of a sentence just picked drops down the list.
Without a model every sentence is equally uncertain and the order is by
diversity alone (reading order breaks ties).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .config import DEFAULT_CONFIG
from .labels import sentence_key
from .schema import Article, Sentence
from .sentences import article_sentences
from .similarity import max_similarity, sentence_vectors


@dataclass(frozen=True)
class Candidate:
    """An unlabelled sentence with the sentences around it."""

    sentence: Sentence
    before: str
    after: str
    article_length: int

    @property
    def key(self) -> str:
        """Normalised text, as :func:`labels.sentence_key`."""
        return sentence_key(self.sentence.text)


def candidates_from_articles(
    articles: Iterable[Article], labelled_keys: set[str], *, split: bool = True
) -> list[Candidate]:
    """Content sentences not yet labelled, in reading order; a sentence repeated across articles comes once."""
    seen = set(labelled_keys)
    candidates = []
    for article in articles:
        sentences = article_sentences(article, split=split)
        for index, sentence in enumerate(sentences):
            key = sentence_key(sentence.text)
            if key in seen:
                continue
            seen.add(key)
            candidates.append(
                Candidate(
                    sentence=sentence,
                    before=sentences[index - 1].text if index > 0 else "",
                    after=sentences[index + 1].text if index + 1 < len(sentences) else "",
                    article_length=len(sentences),
                )
            )
    return candidates


def uncertainty(model, texts: Sequence[str]) -> np.ndarray:
    """1 − (top probability − second probability) per text; all 1.0 without a model."""
    if model is None or len(texts) == 0:
        return np.ones(len(texts))
    proba = np.sort(model.predict_proba(list(texts)), axis=1)
    if proba.shape[1] < 2:
        return np.zeros(len(texts))
    return 1.0 - (proba[:, -1] - proba[:, -2])


def rank_candidates(
    candidates: Sequence[Candidate],
    model=None,
    *,
    labelled_texts: Sequence[str] = (),
    limit: int | None = None,
    diversity_weight: float = DEFAULT_CONFIG.diversity_weight,
) -> list[Candidate]:
    """The ``limit`` (default all) most informative candidates, in the order to label them."""
    if not candidates:
        return []
    texts = [candidate.sentence.text for candidate in candidates]
    scores = uncertainty(model, texts)
    vectors = sentence_vectors(texts + list(labelled_texts))
    pool, known = vectors[: len(texts)], vectors[len(texts):]
    closest = max_similarity(pool, known)
    available = np.ones(len(texts), dtype=bool)
    order = []
    for _ in range(min(limit if limit is not None else len(texts), len(texts))):
        value = np.where(available, scores - diversity_weight * closest, -np.inf)
        pick = int(np.argmax(value))  # first maximum: reading order breaks ties
        order.append(pick)
        available[pick] = False
        closest = np.maximum(closest, max_similarity(pool, pool[pick]))
    return [candidates[i] for i in order]
