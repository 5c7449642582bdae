"""Build the TF-IDF + logistic-regression pipeline, cross-validate it grouped by article, fit it.

Cross-validation never puts sentences of one article on both sides of a split,
and sentences the team authored only ever sit on the training side: they are
never scored.
"""
from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from . import __version__
from .calibration import calibrate
from .config import DEFAULT_CONFIG, Config, ModelSettings
from .cv import (
    OutOfFold,
    Trainer,
    fit_and_score,
    group_key,
    grouped_folds,
    macro_f1,
    per_class_table,
)
from .errors import LabelError
from .labels import LabelRow, LabelSet, unique_rows
from .model import FramingModel, ModelCard, normalise_for_features
from .sentences import splitter_origin


def build_pipeline(settings: ModelSettings, random_state: int = DEFAULT_CONFIG.random_state,
                   signals: dict | None = None) -> Pipeline:
    """An unfitted TF-IDF (word, optionally char) + logistic-regression pipeline.

    ``signals`` (frame → phrases, from the codebook) become keyword-count features
    when ``settings.lexicon_features`` is on; without signals there are none.
    """
    preprocessor = normalise_for_features if settings.normalise_numbers else None
    features = [
        (
            "word",
            TfidfVectorizer(
                ngram_range=tuple(settings.word_ngram_range),
                sublinear_tf=settings.sublinear_tf,
                min_df=settings.min_df,
                preprocessor=preprocessor,
            ),
        )
    ]
    if settings.char_ngram_range:
        features.append(
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=tuple(settings.char_ngram_range),
                    sublinear_tf=settings.sublinear_tf,
                    min_df=settings.min_df,
                    preprocessor=preprocessor,
                ),
            )
        )
    if settings.lexicon_features and signals:
        from .lexicon import LexiconFeatures

        features.append(("lexicon", LexiconFeatures(dict(signals))))
    classifier = LogisticRegression(
        C=settings.C,
        class_weight=settings.class_weight,
        max_iter=settings.max_iter,
        random_state=random_state,
    )
    return Pipeline([("features", FeatureUnion(features)), ("classifier", classifier)])


@dataclass(frozen=True)
class CVResult:
    """Grouped cross-validation scores; only non-authored sentences are scored.

    ``majority`` is the majority-class baseline's prediction per sentence (the most
    frequent label of the training fold that scored it); ``logits`` the decision function.
    """

    group_by: str
    n_splits: int
    labels: list[str]
    fold_macro_f1: list[float]
    macro_f1_mean: float
    macro_f1_sd: float
    pooled_macro_f1: float
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    n_scored: int
    n_train_only: int
    y_true: list[str]
    y_pred: list[str]
    probabilities: list[list[float]]
    groups: list[str]
    texts: list[str] = field(default_factory=list)
    logits: list[list[float]] = field(default_factory=list)
    majority: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        """The scores without the per-sentence arrays (what the model card keeps)."""
        values = asdict(self)
        for key in ("y_true", "y_pred", "probabilities", "groups", "texts", "logits", "majority", "articles"):
            values.pop(key)
        return values


def cross_validate(
    label_set: LabelSet,
    config: Config = DEFAULT_CONFIG,
    *,
    group_by: str = "article",
    settings: ModelSettings | None = None,
    n_splits: int | None = None,
    score_authored: bool = False,
) -> CVResult:
    """Grouped K-fold CV (``group_by`` is ``article`` or ``outlet``).

    Authored rows are added to every training fold and never scored, unless
    ``score_authored`` (the label audit wants an out-of-fold view of every
    row). Raises :class:`LabelError` when there are fewer than two groups to split.
    """
    folds = grouped_folds(unique_rows(label_set), group_by, n_splits or config.cv_folds,
                          score_authored=score_authored)
    trainer = pipeline_trainer(settings or config.model, config.random_state, label_set.signals)
    return cv_result(fit_and_score(folds, label_set.labels, trainer))


def pipeline_trainer(settings: ModelSettings, random_state: int, signals: dict | None = None) -> Trainer:
    """A :func:`~framelens.cv.fit_and_score` trainer fitting the standard pipeline on the training rows."""

    def train(rows: list[LabelRow], fold: int) -> Pipeline:
        pipeline = build_pipeline(settings, random_state, signals)
        return pipeline.fit([row.sentence for row in rows], [row.label for row in rows])

    return train


def cv_result(oof: OutOfFold) -> CVResult:
    """Pool out-of-fold predictions into a :class:`CVResult`."""
    from sklearn.metrics import confusion_matrix

    done = oof.done
    y_true, y_pred = list(oof.y_true[done]), list(oof.y_pred[done])
    scored = [row for row, kept in zip(oof.folds.scored, done, strict=True) if kept]
    scores = np.array(oof.fold_macro_f1, dtype=float)
    return CVResult(
        group_by=oof.folds.group_by,
        n_splits=oof.folds.n_splits,
        labels=oof.labels,
        fold_macro_f1=[round(float(s), 4) for s in scores],
        macro_f1_mean=round(float(scores.mean()), 4),
        macro_f1_sd=round(float(scores.std(ddof=1)) if len(scores) > 1 else 0.0, 4),
        pooled_macro_f1=round(macro_f1(y_true, y_pred, oof.labels), 4),
        per_class=per_class_table(y_true, y_pred, oof.labels),
        confusion=confusion_matrix(y_true, y_pred, labels=oof.labels).tolist(),
        n_scored=len(y_true),
        n_train_only=len(oof.folds.train_only),
        y_true=y_true,
        y_pred=y_pred,
        probabilities=np.round(oof.probabilities[done], 6).tolist(),
        groups=list(oof.folds.groups[done]),
        texts=[row.sentence for row in scored],
        logits=oof.logits[done].tolist(),
        majority=list(oof.majority[done]),
        articles=[group_key(row, "article") for row in scored],
    )


def fit(
    label_set: LabelSet,
    config: Config = DEFAULT_CONFIG,
    *,
    cv: CVResult | None = None,
    settings: ModelSettings | None = None,
    training_files: list[str] | None = None,
) -> FramingModel:
    """Fit the pipeline on every row (authored included) and describe it in a card.

    With ``cv`` (grouped by article), the card keeps its scores and the temperature
    fitted on its out-of-fold logits; without, the model is uncalibrated (T = 1).
    """
    settings = settings or config.model
    rows = unique_rows(label_set)
    pipeline = build_pipeline(settings, config.random_state, label_set.signals)
    pipeline.fit([row.sentence for row in rows], [row.label for row in rows])
    counts = {label: sum(1 for row in rows if row.label == label) for label in label_set.labels}
    card = ModelCard(
        labels=[str(c) for c in pipeline.classes_],
        label_counts=counts,
        n_sentences=len(rows),
        n_articles=len({group_key(row, "article") for row in rows if not row.authored}),
        n_authored=sum(1 for row in rows if row.authored),
        settings={"model": settings.as_dict(), "cv_folds": config.cv_folds, "random_state": config.random_state},
        training_data_sha256=label_set.sha256(),
        training_files=list(training_files or label_set.files),
        cv=cv.summary() if cv else None,
        calibration=calibration(cv) if cv else None,
        library_versions=library_versions(),
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        framelens_version=__version__,
    )
    if label_set.codebook is not None:  # the report and the labelling screen show its definitions
        card.extra["codebook"] = label_set.codebook.as_dict()
    # Which sentence splitter predictions with this model use (the report repeats it).
    card.extra["splitter"] = splitter_origin(config.splitter)
    return FramingModel(pipeline, card)


def train(
    label_set: LabelSet,
    config: Config = DEFAULT_CONFIG,
    *,
    run_cv: bool = True,
    on_step: Callable[[str], None] | None = None,
) -> tuple[FramingModel, CVResult | None]:
    """Cross-validate (when possible) then fit on all rows."""
    cv = None
    if run_cv:
        if on_step:
            on_step("cross-validating (grouped by article)")
        try:
            cv = cross_validate(label_set, config)
        except LabelError:
            cv = None  # too few articles to split: the card records no CV scores
    if on_step:
        on_step("fitting on all labels")
    return fit(label_set, config, cv=cv), cv


def library_versions() -> dict[str, str]:
    """Versions that decide whether a saved model can be loaded."""
    import joblib
    import nltk
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "joblib": joblib.__version__,
        "nltk": nltk.__version__,
    }


def calibration(cv: CVResult) -> dict:
    """The model card's ``calibration``: temperature scaling fitted on the out-of-fold logits of ``cv``."""
    return calibrate(cv.y_true, cv.logits, cv.articles, cv.labels)
