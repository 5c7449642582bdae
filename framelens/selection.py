"""Model selection kept honest by nested grouped cross-validation.

The inner loop (grouped by article, on the outer training articles only) picks
settings from a small grid; the outer loop scores that choice on articles the
choice never saw. The nested score is what to expect from the selection procedure.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.model_selection import GroupKFold

from .config import Config, ModelSettings
from .evaluation import macro_f1
from .labels import LabelSet, unique_rows
from .training import build_pipeline, cross_validate


def settings_grid(base: ModelSettings) -> list[ModelSettings]:
    """Word vs word+char n-grams, with or without the codebook-lexicon features, two strengths of regularisation."""
    grid = []
    for char in (None, (2, 5)):
        for lexicon in (False, True):
            for C in (1.0, 10.0):
                grid.append(replace(base, char_ngram_range=char, lexicon_features=lexicon, C=C))
    return grid


def select_settings(label_set: LabelSet, config: Config, grid: list[ModelSettings] | None = None,
                    inner_folds: int = 4) -> tuple[ModelSettings, float]:
    """The grid point with the best grouped-CV pooled macro-F1 on ``label_set`` (and that score)."""
    grid = grid or settings_grid(config.model)
    scored = []
    for settings in grid:
        cv = cross_validate(label_set, config, settings=settings, n_splits=inner_folds)
        scored.append((cv.pooled_macro_f1, -grid.index(settings), settings))
    best = max(scored, key=lambda item: (item[0], item[1]))
    return best[2], best[0]


def nested_score(label_set: LabelSet, config: Config, grid: list[ModelSettings] | None = None) -> dict:
    """Outer grouped CV around :func:`select_settings`; returns the nested macro-F1 and the choices made."""
    rows = unique_rows(label_set)
    scored = [r for r in rows if not r.authored]
    authored = [r for r in rows if r.authored]
    groups = np.array([r.article_id or f"{r.file}#{r.row}" for r in scored])
    folds = min(config.cv_folds, len(set(groups)))
    y_true, y_pred, fold_scores, choices = [], [], [], []
    for train_index, test_index in GroupKFold(n_splits=folds).split(scored, groups=groups):
        inner = LabelSet(rows=tuple([scored[i] for i in train_index] + authored), labels=label_set.labels,
                         files=label_set.files, codebook=label_set.codebook)
        settings, _ = select_settings(inner, config, grid, inner_folds=min(4, len(set(groups[train_index]))))
        pipeline = build_pipeline(settings, config.random_state, label_set.signals)
        pipeline.fit([r.sentence for r in inner.rows], [r.label for r in inner.rows])
        truth = [scored[i].label for i in test_index]
        guess = list(pipeline.predict([scored[i].sentence for i in test_index]))
        y_true += truth
        y_pred += guess
        fold_scores.append(macro_f1(truth, guess, list(label_set.labels)))
        choices.append(settings.as_dict())
    return {"nested_macro_f1": macro_f1(y_true, y_pred, list(label_set.labels)),
            "fold_macro_f1": fold_scores, "outer_folds": folds, "choices": choices}
