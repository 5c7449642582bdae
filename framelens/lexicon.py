"""Keyword-lexicon features and baseline, from the signal phrases of a codebook.

The signals are data (each frame's ``signals`` in ``codebook.toml``), passed in
as a parameter: a label set whose codebook has no signals gets no lexicon
features and no lexicon baseline. As a baseline it shows how much the trained
model adds over counting the codebook's phrases.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sklearn.base import BaseEstimator, TransformerMixin


def _pattern(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)


def compile_signals(signals: Mapping[str, Sequence[str]]) -> dict[str, list[re.Pattern]]:
    """Whole-word, case-insensitive patterns per frame."""
    return {frame: [_pattern(p) for p in phrases] for frame, phrases in signals.items()}


def _any_signal(phrases: Sequence[str]) -> re.Pattern:
    # One alternation per frame: most sentences match none of a frame's phrases, and one
    # search says so where dozens would.
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)", re.IGNORECASE)


def signal_counts(sentence: str, patterns: Sequence[re.Pattern], any_signal: re.Pattern | None) -> int:
    """How many of a frame's phrases occur in ``sentence``."""
    if any_signal is not None and not any_signal.search(sentence):
        return 0
    return sum(1 for p in patterns if p.search(sentence))


def lexicon_predict(
    sentences: Sequence[str], labels: Sequence[str], signals: Mapping[str, Sequence[str]],
    no_frame: str | None = None,
) -> list[str]:
    """The frame whose signals match most often; ``no_frame`` (else the first label) when none matches.

    Frames not among ``labels`` are ignored, so the baseline only ever predicts known labels.
    """
    fallback = no_frame if no_frame is not None and no_frame in labels else labels[0]
    compiled = compile_signals({frame: phrases for frame, phrases in signals.items() if frame in labels})
    predictions = []
    for sentence in sentences:
        scores = {frame: sum(bool(p.search(sentence)) for p in patterns) for frame, patterns in compiled.items()}
        best = max(scores.items(), key=lambda item: (item[1], item[0]), default=(fallback, 0))
        predictions.append(best[0] if best[1] > 0 else fallback)
    return predictions


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Per frame, how many of its signal phrases a sentence contains (scaled by 1/3).

    Used beside TF-IDF so the codebook's vocabulary carries weight even where
    the labelled sentences are few. ``signals`` maps frame → phrases.
    """

    def __init__(self, signals: Mapping[str, Sequence[str]] | None = None):
        self.signals = signals

    def fit(self, sentences, y=None):
        """Compile the patterns (nothing is learned from the data)."""
        self.frames_ = tuple(self.signals or {})
        self.patterns_ = compile_signals(self.signals or {})
        self.any_signal_ = {frame: _any_signal(phrases) for frame, phrases in (self.signals or {}).items() if phrases}
        return self

    def transform(self, sentences):
        """A sparse matrix: sentences × frames, each cell a signal count / 3."""
        from scipy.sparse import csr_matrix

        any_signal = getattr(self, "any_signal_", {})  # absent in models saved before it existed
        rows = [[signal_counts(s, self.patterns_[f], any_signal.get(f)) / 3 for f in self.frames_]
                for s in sentences]
        return csr_matrix(rows, shape=(len(rows), len(self.frames_)))

    def get_feature_names_out(self, input_features=None):
        """One name per frame."""
        import numpy as np

        return np.array([f"signals:{f}" for f in self.frames_], dtype=object)
