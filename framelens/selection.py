"""Model selection kept honest by nested grouped cross-validation.

The inner loop (grouped by article, on the outer training articles only) picks
settings from a small grid; the outer loop scores that choice on articles the
choice never saw. The nested score is what to expect from the selection procedure.
"""
from __future__ import annotations

from dataclasses import replace

from .config import DEFAULT_CONFIG, Config, ModelSettings
from .cv import fit_and_score, group_key, grouped_folds, macro_f1
from .labels import LabelRow, LabelSet, unique_rows
from .training import build_pipeline, cross_validate


def settings_grid(base: ModelSettings) -> list[ModelSettings]:
    """Word vs word+char n-grams, with or without the codebook-lexicon features, two strengths of regularisation."""
    grid = []
    for char in (None, (2, 5)):
        for lexicon in (False, True):
            for C in (1.0, 10.0):
                grid.append(replace(base, char_ngram_range=char, lexicon_features=lexicon, C=C))
    return grid


def select_settings(label_set: LabelSet, config: Config = DEFAULT_CONFIG, grid: list[ModelSettings] | None = None,
                    inner_folds: int = 4) -> tuple[ModelSettings, float]:
    """The grid point with the best grouped-CV pooled macro-F1 on ``label_set`` (and that score)."""
    grid = grid or settings_grid(config.model)
    scored = []
    for settings in grid:
        cv = cross_validate(label_set, config, settings=settings, n_splits=inner_folds)
        scored.append((cv.pooled_macro_f1, -grid.index(settings), settings))
    best = max(scored, key=lambda item: (item[0], item[1]))
    return best[2], best[0]


def nested_score(label_set: LabelSet, config: Config = DEFAULT_CONFIG, grid: list[ModelSettings] | None = None) -> dict:
    """Outer grouped CV around :func:`select_settings`; returns the nested macro-F1 and the choices made."""
    folds = grouped_folds(unique_rows(label_set), "article", config.cv_folds)
    choices = []

    def select_and_fit(rows: list[LabelRow], fold: int):
        inner = LabelSet(rows=tuple(rows), labels=label_set.labels, files=label_set.files,
                         codebook=label_set.codebook)
        inner_groups = {group_key(row, "article") for row in rows if not row.authored}
        settings, _ = select_settings(inner, config, grid, inner_folds=min(4, len(inner_groups)))
        choices.append(settings.as_dict())
        pipeline = build_pipeline(settings, config.random_state, label_set.signals)
        return pipeline.fit([row.sentence for row in rows], [row.label for row in rows])

    oof = fit_and_score(folds, label_set.labels, select_and_fit)
    return {"nested_macro_f1": round(macro_f1(oof.y_true, oof.y_pred, label_set.labels), 4),
            "fold_macro_f1": [round(score, 4) for score in oof.fold_macro_f1], "outer_folds": folds.n_splits,
            "choices": choices}
