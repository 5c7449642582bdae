"""The framing model: a fitted scikit-learn pipeline plus its card."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .calibration import decision_columns, softmax

_DIGITS = re.compile(r"\d")
# Prediction records name their model by this many hex digits of its artifact sha256:
# plenty to tell a user's models apart, and a quarter of the full hash on every sentence record.
MODEL_ID_DIGITS = 16


def normalise_for_features(text: str) -> str:
    """Lower-case and fold digits to 0, so numbers share features ("47 articles" ~ "20 articles")."""
    return _DIGITS.sub("0", text.lower())


@dataclass
class ModelCard:
    """What a model is: labels, data, settings, scores, versions and hashes (saved as card.json)."""

    labels: list[str]
    label_counts: dict[str, int]
    n_sentences: int
    n_articles: int
    n_authored: int
    settings: dict
    training_data_sha256: str
    training_files: list[str]
    cv: dict | None
    library_versions: dict[str, str]
    created: str
    framelens_version: str
    artifact_sha256: str = ""
    # Temperature scaling fitted on grouped-CV out-of-fold logits (training.calibration); None: T = 1.
    calibration: dict | None = None
    extra: dict = field(default_factory=dict)

    @property
    def model_id(self) -> str | None:
        """The name prediction records give this model: the start of its artifact sha256 (None before it is saved)."""
        return self.artifact_sha256[:MODEL_ID_DIGITS] or None

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, values: dict) -> ModelCard:
        """Inverse of :meth:`as_dict`; unknown keys go to ``extra``."""
        known = set(cls.__dataclass_fields__)
        card = cls(**{k: v for k, v in values.items() if k in known})
        card.extra.update({k: v for k, v in values.items() if k not in known})
        return card


class FramingModel:
    """A fitted TF-IDF + logistic-regression pipeline with its card."""

    def __init__(self, pipeline, card: ModelCard):
        self.pipeline = pipeline
        self.card = card
        # Set by persistence.load_model: lets worker processes load the verified
        # artifact once instead of receiving the pickled pipeline with every chunk.
        self.source_dir: str | None = None

    @property
    def classes(self) -> list[str]:
        """Labels in the column order of :meth:`predict_proba`."""
        return [str(c) for c in self.pipeline.classes_]

    @property
    def temperature(self) -> float:
        """The calibration temperature recorded in the card (1 when there is none)."""
        return float(self.card.calibration["temperature"]) if self.card.calibration else 1.0

    def predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """Calibrated probability of each label (columns in :attr:`classes` order) per sentence.

        softmax(decision function / T), with T from the card's calibration.
        """
        if len(sentences) == 0 or self.temperature == 1.0:
            return self.raw_predict_proba(sentences)
        return softmax(decision_columns(self.pipeline.decision_function(list(sentences))), self.temperature)

    def raw_predict_proba(self, sentences: Sequence[str]) -> np.ndarray:
        """The logistic regression's own probabilities, before temperature scaling."""
        if len(sentences) == 0:
            return np.zeros((0, len(self.classes)))
        return self.pipeline.predict_proba(list(sentences))

    def predict(self, sentences: Sequence[str]) -> list[str]:
        """The most probable label per sentence."""
        proba = self.predict_proba(sentences)
        classes = self.classes
        return [classes[i] for i in proba.argmax(axis=1)]

    def __repr__(self) -> str:
        return f"FramingModel(labels={self.classes}, trained_on={self.card.n_sentences} sentences)"
