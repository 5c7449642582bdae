"""The keyword-lexicon baseline, with signals taken from the labelling guide (labels/GUIDELINES.md).

A baseline only: it shows how much the trained model adds over counting the
guide's typical signal phrases. The signal lists are data, kept here in one place.
"""
from __future__ import annotations

import re
from typing import Sequence

GUIDE_SIGNALS: dict[str, tuple[str, ...]] = {
    "western-concern": (
        "raises concerns", "concern", "alarm", "destabilising", "destabilizing", "destabilization", "invasion",
        "accused of supplying", "accused", "allegations", "regime", "regimes", "malign", "poses risks",
        "threat", "escalation", "escalating", "sanctions evasion", "drones", "missiles", "aggressor",
        "isolated", "criticism", "condemnation",
    ),
    "counter-hegemony": (
        "western hegemony", "hegemony", "multipolar", "multipolarity", "us-led order", "decline",
        "imperial", "desperation", "breakthrough", "new chapter", "not directed against", "sovereignty",
        "mutual benefit", "resist", "resisting", "resistance", "dominance", "pressure",
    ),
}
DEFAULT_FRAME = "neutral-report"


def _pattern(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)


_COMPILED = {frame: [_pattern(p) for p in phrases] for frame, phrases in GUIDE_SIGNALS.items()}


def lexicon_predict(sentences: Sequence[str], labels: Sequence[str]) -> list[str]:
    """The frame whose guide signals match most often; ``neutral-report`` (or the first label) otherwise.

    Frames not among ``labels`` are ignored, so the baseline only ever predicts known labels.
    """
    fallback = DEFAULT_FRAME if DEFAULT_FRAME in labels else labels[0]
    predictions = []
    for sentence in sentences:
        scores = {frame: sum(bool(p.search(sentence)) for p in patterns)
                  for frame, patterns in _COMPILED.items() if frame in labels}
        best = max(scores.items(), key=lambda item: (item[1], item[0]), default=(fallback, 0))
        predictions.append(best[0] if best[1] > 0 else fallback)
    return predictions


class LexiconFeatures:
    """scikit-learn transformer: per frame, how many of the guide's signals a sentence contains.

    Used as extra features beside TF-IDF so the guide's vocabulary carries weight
    even where the labelled sentences are few.
    """

    def __init__(self, frames: tuple[str, ...] = tuple(GUIDE_SIGNALS)):
        self.frames = frames

    def fit(self, sentences, y=None):
        """Nothing to learn."""
        return self

    def transform(self, sentences):
        """A sparse matrix: sentences × frames, each cell a signal count (scaled by 1/3)."""
        from scipy.sparse import csr_matrix

        rows = [[sum(bool(p.search(s)) for p in _COMPILED[f]) / 3 for f in self.frames] for s in sentences]
        return csr_matrix(rows)

    def get_feature_names_out(self, input_features=None):
        """One name per frame."""
        import numpy as np

        return np.array([f"signals:{f}" for f in self.frames], dtype=object)

    def get_params(self, deep=True):
        """scikit-learn protocol."""
        return {"frames": self.frames}

    def set_params(self, **params):
        """scikit-learn protocol."""
        for key, value in params.items():
            setattr(self, key, value)
        return self
