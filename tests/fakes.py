"""Stand-ins for a trained model where a test checks plumbing (engines, chunks, pickling), not classification.

Worker processes unpickle these by reference, so this module imports nothing heavy: a
worker that needs no scikit-learn starts in a fraction of the time.
"""
from __future__ import annotations

import numpy as np

FRAMES = ["counter-hegemony", "neutral-report", "western-concern"]
KEYWORDS = {"counter-hegemony": ("hegemony", "multipolar", "sanction"),
            "neutral-report": ("signed", "said", "agreement"),
            "western-concern": ("warn", "threat", "concern", "fear")}


class KeywordModel:
    """A model with the tiny model's frames whose probabilities count keywords: deterministic and picklable."""

    classes = FRAMES

    def predict_proba(self, texts) -> np.ndarray:
        scores = np.array([[1.0 + sum(word in text.lower() for word in KEYWORDS[frame]) for frame in FRAMES]
                           for text in texts]).reshape(len(texts), len(FRAMES))
        return scores / scores.sum(axis=1, keepdims=True)
