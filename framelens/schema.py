"""Small frozen records passed between modules.

Records written to disk take their fields from these dataclasses
(:mod:`framelens.output` derives JSONL keys and CSV columns from
:class:`Prediction`), so the schema lives here and nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One article: its text and what is known about where it came from."""

    article_id: str
    outlet: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source_path: str | None = None


@dataclass(frozen=True)
class Sentence:
    """One content sentence of an article, in reading order."""

    article_id: str
    outlet: str
    sentence_index: int
    text: str
    date: str | None = None


@dataclass(frozen=True)
class Prediction:
    """One output record: a sentence and the frame the model gives it."""

    article_id: str
    outlet: str
    sentence_index: int
    text: str
    label: str
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)
    date: str | None = None

