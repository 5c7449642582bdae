"""``FramingClassifier``: the framelens pipeline as a scikit-learn estimator.

Its parameters are the fields of :class:`~framelens.config.ModelSettings` plus
``random_state`` and ``signals`` (frame → phrases, e.g. ``Codebook.signals``),
so it works with ``clone``, ``cross_val_score``, ``GridSearchCV`` and inside a
``Pipeline``. ``fit`` builds :func:`framelens.training.build_pipeline`, the same
pipeline ``framelens train`` fits.
"""
from __future__ import annotations

from dataclasses import fields

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .config import DEFAULT_CONFIG, ModelSettings

_DEFAULT = DEFAULT_CONFIG.model


class FramingClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF (word and character n-grams) + optional codebook-signal counts + logistic regression.

    ``X`` is a sequence of sentences (strings), ``y`` their labels.
    """

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = _DEFAULT.word_ngram_range,
        char_ngram_range: tuple[int, int] | None = _DEFAULT.char_ngram_range,
        sublinear_tf: bool = _DEFAULT.sublinear_tf,
        min_df: int = _DEFAULT.min_df,
        normalise_numbers: bool = _DEFAULT.normalise_numbers,
        lexicon_features: bool = _DEFAULT.lexicon_features,
        C: float = _DEFAULT.C,
        class_weight: str | None = _DEFAULT.class_weight,
        max_iter: int = _DEFAULT.max_iter,
        random_state: int = DEFAULT_CONFIG.random_state,
        signals: dict | None = None,
    ):
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.normalise_numbers = normalise_numbers
        self.lexicon_features = lexicon_features
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state
        self.signals = signals

    @property
    def settings(self) -> ModelSettings:
        """The parameters as the :class:`ModelSettings` the rest of framelens uses."""
        return ModelSettings(**{f.name: getattr(self, f.name) for f in fields(ModelSettings)})

    def fit(self, X, y):
        """Fit the pipeline on sentences ``X`` and labels ``y``."""
        from .training import build_pipeline

        self.pipeline_ = build_pipeline(self.settings, self.random_state, self.signals)
        self.pipeline_.fit(list(X), list(y))
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X):
        """Probability of each class (columns in :attr:`classes_` order) per sentence."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(list(X))

    def predict(self, X):
        """The most probable label per sentence."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(list(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags
