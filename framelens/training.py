"""Build the TF-IDF + logistic-regression pipeline, cross-validate it grouped by article, fit it.

Cross-validation never puts sentences of one article on both sides of a split,
and sentences the team authored only ever sit on the training side: they are
never scored.
"""
from __future__ import annotations

import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from . import __version__
from .config import Config, ModelSettings
from .errors import LabelError
from .labels import LabelRow, LabelSet, unique_rows
from .model import FramingModel, ModelCard, normalise_for_features


def build_pipeline(settings: ModelSettings, random_state: int = 0, signals: dict | None = None) -> Pipeline:
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
    """Grouped cross-validation scores; only non-authored sentences are scored."""

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

    def summary(self) -> dict:
        """The scores without the per-sentence arrays (what the model card keeps)."""
        values = asdict(self)
        for key in ("y_true", "y_pred", "probabilities", "groups", "texts"):
            values.pop(key)
        return values


def cross_validate(
    label_set: LabelSet,
    config: Config = Config(),
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
    settings = settings or config.model
    scored, train_only = scored_rows(label_set, score_authored=score_authored)
    groups = np.array([_group(row, group_by) for row in scored])
    distinct = sorted(set(groups))
    if len(distinct) < 2:
        raise LabelError(
            f"cross-validation needs sentences from at least two {group_by}s that are not authored; "
            f"found {len(distinct)}"
        )
    folds = min(n_splits or config.cv_folds, len(distinct))
    texts = np.array([row.sentence for row in scored], dtype=object)
    y = np.array([row.label for row in scored], dtype=object)
    extra_texts = [row.sentence for row in train_only]
    extra_y = [row.label for row in train_only]
    labels = list(label_set.labels)

    y_pred = np.empty(len(scored), dtype=object)
    proba = np.zeros((len(scored), len(labels)))
    fold_scores = []
    for train_index, test_index in GroupKFold(n_splits=folds).split(texts, y, groups):
        train_texts = list(texts[train_index]) + extra_texts
        train_y = list(y[train_index]) + extra_y
        if len(set(train_y)) < 2:
            raise LabelError(
                f"cross-validation needs at least two labels in every training fold; without "
                f"{', '.join(sorted(set(groups[test_index])))} only '{train_y[0]}' is left"
            )
        pipeline = build_pipeline(settings, config.random_state, label_set.signals)
        pipeline.fit(train_texts, train_y)
        fold_proba = pipeline.predict_proba(list(texts[test_index]))
        columns = [labels.index(c) for c in pipeline.classes_]
        proba[np.ix_(test_index, columns)] = fold_proba
        y_pred[test_index] = pipeline.classes_[fold_proba.argmax(axis=1)]
        present = sorted(set(y[test_index]))
        fold_scores.append(
            float(f1_score(y[test_index], y_pred[test_index], labels=present, average="macro", zero_division=0))
        )
    return score_predictions(
        list(y), list(y_pred), proba, labels, group_by=group_by, n_splits=folds,
        fold_macro_f1=fold_scores, groups=list(groups), n_train_only=len(train_only), texts=list(texts),
    )


def scored_rows(label_set: LabelSet, *, score_authored: bool = False) -> tuple[list[LabelRow], list[LabelRow]]:
    """The rows :func:`cross_validate` scores, in the order of its arrays, and those that only train."""
    rows = unique_rows(label_set)
    if score_authored:
        return rows, []
    return [row for row in rows if not row.authored], [row for row in rows if row.authored]


def score_predictions(
    y_true: list[str],
    y_pred: list[str],
    proba: np.ndarray,
    labels: list[str],
    *,
    group_by: str,
    n_splits: int,
    fold_macro_f1: list[float],
    groups: list[str],
    n_train_only: int = 0,
    texts: list[str] | None = None,
) -> CVResult:
    """Pool out-of-fold (or held-out) predictions into a :class:`CVResult`."""
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    present = [label for label in labels if label in set(y_true)]
    scores = np.array(fold_macro_f1, dtype=float)
    return CVResult(
        group_by=group_by,
        n_splits=n_splits,
        labels=labels,
        fold_macro_f1=[round(float(s), 4) for s in scores],
        macro_f1_mean=round(float(scores.mean()), 4),
        macro_f1_sd=round(float(scores.std(ddof=1)) if len(scores) > 1 else 0.0, 4),
        pooled_macro_f1=round(float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)), 4),
        per_class=per_class,
        confusion=confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        n_scored=len(y_true),
        n_train_only=n_train_only,
        y_true=list(y_true),
        y_pred=list(y_pred),
        probabilities=np.round(proba, 6).tolist(),
        groups=list(groups),
        texts=list(texts or []),
    )


def fit(
    label_set: LabelSet,
    config: Config = Config(),
    *,
    cv: CVResult | None = None,
    settings: ModelSettings | None = None,
    training_files: list[str] | None = None,
) -> FramingModel:
    """Fit the pipeline on every row (authored included) and describe it in a card."""
    settings = settings or config.model
    rows = unique_rows(label_set)
    pipeline = build_pipeline(settings, config.random_state, label_set.signals)
    pipeline.fit([row.sentence for row in rows], [row.label for row in rows])
    counts = {label: sum(1 for row in rows if row.label == label) for label in label_set.labels}
    card = ModelCard(
        labels=[str(c) for c in pipeline.classes_],
        label_counts=counts,
        n_sentences=len(rows),
        n_articles=len({_group(row, "article") for row in rows if not row.authored}),
        n_authored=sum(1 for row in rows if row.authored),
        settings={"model": settings.as_dict(), "cv_folds": config.cv_folds, "random_state": config.random_state},
        training_data_sha256=label_set.sha256(),
        training_files=list(training_files or label_set.files),
        cv=cv.summary() if cv else None,
        library_versions=library_versions(),
        created=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        framelens_version=__version__,
    )
    if label_set.codebook is not None:  # the report and the labelling screen show its definitions
        card.extra["codebook"] = label_set.codebook.as_dict()
    return FramingModel(pipeline, card)


def train(
    label_set: LabelSet,
    config: Config = Config(),
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


def _group(row: LabelRow, group_by: str) -> str:
    if group_by == "outlet":
        return row.outlet or row.article_id or f"{row.file}#{row.row}"
    return row.article_id or f"{row.file}#{row.row}"
