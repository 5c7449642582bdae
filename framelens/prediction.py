"""Turn articles into per-sentence predictions, in input order.

Sentences of consecutive articles are classified together in batches of about
``chunk_sentences``; each article comes back with its own predictions. This is what
runs inside every engine chunk (:mod:`framelens.engine`).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import DEFAULT_CONFIG
from .schema import Article, Prediction, Sentence
from .sentences import SentenceSplitter, article_sentences

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class ArticlePredictions:
    """One article and the predictions for its sentences (empty when it has no content)."""

    article: Article
    predictions: list[Prediction]


def predictions_from_proba(
    sentences: Sequence[Sentence], proba: np.ndarray, classes: Sequence[str], model_id: str | None = None
) -> list[Prediction]:
    """Build :class:`Prediction` records from a probability matrix (``model_id``: the card's ``model_id``)."""
    records = []
    best = proba.argmax(axis=1) if len(sentences) else []
    for sentence, row, top in zip(sentences, proba, best, strict=True):
        records.append(
            Prediction(
                article_id=sentence.article_id,
                outlet=sentence.outlet,
                sentence_index=sentence.sentence_index,
                text=sentence.text,
                label=classes[top],
                confidence=round(float(row[top]), 6),
                probabilities={label: round(float(p), 6) for label, p in zip(classes, row, strict=True)},
                date=sentence.date,
                model=model_id,
            )
        )
    return records


def predict_sentences(model, sentences: Sequence[Sentence]) -> list[Prediction]:
    """Predictions for already-split sentences."""
    texts = [sentence.text for sentence in sentences]
    card = getattr(model, "card", None)  # any object with classes and predict_proba works; only a card names it
    return predictions_from_proba(sentences, model.predict_proba(texts), model.classes,
                                  card.model_id if card is not None else None)


def predict_articles(
    model,
    articles: Iterable[Article],
    *,
    split: bool = True,
    chunk_sentences: int = DEFAULT_CONFIG.chunk_sentences,
    splitter: SentenceSplitter | None = None,
) -> Iterator[ArticlePredictions]:
    """Yield each article with its sentence predictions, in input order.

    Sentences of several articles are classified together, ``chunk_sentences``
    at a time, so memory stays bounded and the vectoriser works on batches.
    """
    pending: list[tuple[Article, list[Sentence]]] = []
    size = 0
    for article in articles:
        sentences = article_sentences(article, split=split, splitter=splitter)
        pending.append((article, sentences))
        size += len(sentences)
        if size >= chunk_sentences:
            yield from _classify(model, pending)
            pending, size = [], 0
    if pending:
        yield from _classify(model, pending)


def _classify(model, pending: list[tuple[Article, list[Sentence]]]) -> Iterator[ArticlePredictions]:
    flat = [sentence for _, sentences in pending for sentence in sentences]
    records = predict_sentences(model, flat)
    start = 0
    for article, sentences in pending:
        yield ArticlePredictions(article, records[start : start + len(sentences)])
        start += len(sentences)
