"""Small frozen records passed between modules: articles, sentences, predictions, article summaries.

The prediction files framelens writes take their fields from :class:`Prediction`
(:mod:`framelens.output` derives the JSONL keys and CSV columns from it, and reads
them back by its annotations), so that schema lives here and nowhere else. The
report's tables are laid out in :mod:`framelens.report.write`.
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
    # ModelCard.model_id of the model that made it, so a report finds the card; None in files
    # written before framelens recorded it.
    model: str | None = None


@dataclass(frozen=True)
class ArticleSummary:
    """What the report keeps of one article: counts, calibrated probability sums and variances per frame.

    ``counts`` and ``probability_sums`` follow the report's frame order. ``digest`` is the
    sha256 of the article's prediction records, so the report can name the prediction set
    it was built from without keeping it.
    """

    article_id: str
    outlet: str
    date: str | None
    source: str | None
    sentences: int
    counts: tuple[int, ...]
    probability_sums: tuple[float, ...]
    # Σ p(1 − p) per frame: how much the frame count could vary if each sentence's frame
    # were drawn from its calibrated probabilities.
    probability_variances: tuple[float, ...]
    digest: str
