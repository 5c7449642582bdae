"""Evaluation, baselines, explanation and model selection on a small deterministic fixture."""
import json
from pathlib import Path

import numpy as np
import pytest

from framelens.calibration import brier
from framelens.cli import main
from framelens.codebook import read_codebook
from framelens.config import DEFAULT_CONFIG
from framelens.cv import grouped_folds, macro_f1
from framelens.evaluation import bootstrap_macro_f1, reliability
from framelens.labels import LabelSet, read_labels, unique_rows
from framelens.lexicon import lexicon_predict
from framelens.selection import nested_score, select_settings
from framelens.training import cross_validate

from .conftest import REPO, TINY_ROWS, write_labels

LABELS = ["counter-hegemony", "neutral-report", "western-concern"]


def test_lexicon_baseline_on_the_fixture():
    shipped = read_codebook(REPO / "labels" / "codebook.toml")
    truth = [row[3] for row in TINY_ROWS]
    predicted = lexicon_predict([row[2] for row in TINY_ROWS], LABELS, shipped.signals, shipped.no_frame)
    # western-concern F1 2/3, counter-hegemony 6/7, neutral-report 8/11
    assert macro_f1(truth, predicted, LABELS) == pytest.approx((2 / 3 + 6 / 7 + 8 / 11) / 3)
    assert lexicon_predict(["Nothing to see."], ["pro", "con"], {"pro": ["yes"]}) == ["pro"]
    assert lexicon_predict(["Nothing to see.", "Oh yes."], ["pro", "con"], {"pro": ["yes"]}, "con") == ["con", "pro"]


def test_majority_brier_reliability_and_bootstrap():
    truth = [row[3] for row in TINY_ROWS]
    # neutral-report: 4 right, 8 wrong → F1 8/16; the other two classes 0
    assert macro_f1(truth, ["neutral-report"] * 12, LABELS) == pytest.approx(0.5 / 3)
    assert brier(["a", "b"], [[1.0, 0.0], [0.5, 0.5]], ["a", "b"]) == 0.25
    # columns follow the labels given, not sorted order: (0.1² + 0.1²) + (0.2² + 0.2²) over 2
    assert brier(["b", "a"], [[0.9, 0.1], [0.2, 0.8]], ["b", "a"]) == 0.05
    assert reliability(["a", "b", "a"], [[0.9, 0.1], [0.8, 0.2], [0.6, 0.4]], ["a", "b"], bins=2) == [
        {"bin": [0.5, 0.75], "n": 1, "confidence": 0.6, "accuracy": 1.0},
        {"bin": [0.75, 1.0], "n": 2, "confidence": 0.85, "accuracy": 0.5},
    ]
    rng = np.random.default_rng(0)
    assert bootstrap_macro_f1(truth, truth, [r[0] for r in TINY_ROWS], LABELS, rng, 50) == (1.0, 1.0)


def test_evaluate_command_on_the_fixture(tiny_labels, capsys):
    assert main(["evaluate", str(tiny_labels), "--out", "ev", "--no-curve"]) == 0
    out = capsys.readouterr().out.splitlines()
    results = json.loads(Path("ev/evaluation.json").read_text("utf-8"))
    article, outlet = results["schemes"]
    assert out[:4] == [
        "scheme                 macro-F1 [95% CI]      majority  lexicon   Brier T=1 → T  log-loss T=1 → T",
        "grouped by article     0.401 [0.167, 0.514]      0.194    0.750   0.625 → 0.597     1.042 → 1.015",
        "leave one outlet out   0.401 [0.167, 0.514]      0.194    0.750   0.625 → 0.597     1.042 → 1.015",
        "calibration: T = 0.428 fitted on the out-of-fold logits it is scored on (grouped by article)",
    ]
    assert out[4] == ("share error per article, calibrated (mean, rmse): counter-hegemony -0.013, 0.191; "
                      "neutral-report +0.043, 0.175; western-concern -0.029, 0.205")
    # Majority class of each training fold (ties to the first label): without a1 counter-hegemony (3 vs 3
    # western-concern), without a2 counter-hegemony (3 vs 3 neutral), without a3 neutral-report (3 vs 3
    # western-concern). F1: counter-hegemony 4/12, neutral-report 2/8, western-concern 0.
    assert article["baselines"] == {"majority": round((1 / 3 + 1 / 4) / 3, 4), "lexicon": 0.7504}
    assert (article["temperature"], article["brier"], article["log_loss"]) == (
        0.4281, {"before": 0.6249, "after": 0.5971}, {"before": 1.0419, "after": 1.0151})
    assert (article["n_scored"], outlet["fold_macro_f1"].__len__()) == (12, 3)
    assert sum(map(sum, article["confusion"])) == 12
    assert [len(article["reliability"][when]) for when in ("before", "after")] == [2, 3]
    assert sorted(p.name for p in Path("ev").iterdir()) == ["confusion.png", "evaluation.json", "reliability.png"]


def test_evaluate_with_a_held_out_file(tiny_labels, tmp_path, capsys, placeholder_figures):
    test_file = write_labels(tmp_path / "held.csv", [
        ("h1", "X", "Officials said the treaty was signed on Friday.", "neutral-report"),
        ("h1", "X", "Critics warned of a dangerous escalation.", "western-concern"),
        ("h2", "Y", "Tehran hailed a blow to Western hegemony.", "counter-hegemony"),
    ])
    assert main(["evaluate", str(tiny_labels), "--test", str(test_file), "--out", "ev"]) == 0
    held = json.loads(Path("ev/evaluation.json").read_text("utf-8"))["held_out"]
    # the training labels tie 4/4/4: the majority baseline says counter-hegemony, F1 2/4 on 1 of 3 classes
    assert held["n_scored"] == 3 and held["baselines"]["majority"] == 0.1667
    # T comes from the training labels' cross-validation (the card of `framelens train` on them)
    assert held["temperature"] == 0.4281
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("held-out file ")
    assert lines[2] == "calibration: T = 0.428 from the training labels' grouped CV, scored on the held-out file"


def test_held_out_file_without_a_label_column(tiny_labels, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence\nOne.\n", "utf-8")
    assert main(["evaluate", str(tiny_labels), "--test", str(bad)]) == 2
    assert capsys.readouterr().err == (f"framelens: error: {bad}: missing column(s) 'label'; a labels file needs "
                                       "the columns sentence (or text) and label\n")


def test_explain_top_and_sentence(tiny_model, capsys):
    assert main(["explain", "--top", "-n", "2", "--model", "m"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "counter-hegemony: failed (+0.11), failed to (+0.11)",
        "neutral-report: and (+0.16), for (+0.15)",
        "western-concern: warned (+0.19), of (+0.13)",
    ]
    assert main(["explain", "Putin hailed the multipolar pact as a blow to Western hegemony.", "-n", "2",
                 "--model", "m"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "counter-hegemony  (counter-hegemony 0.74, neutral-report 0.12, western-concern 0.13)"
    assert lines[1] == "  towards counter-hegemony: [guide signals: counter-hegemony] (+0.578), multipolar (+0.025)"


def test_explain_needs_a_sentence(tiny_model, capsys):
    assert main(["explain", "--model", "m"]) == 2
    assert capsys.readouterr().err == "framelens: error: give a sentence in quotes, or --top for the whole model\n"


def test_selection_and_nested_score(tiny_labels):
    label_set = read_labels([tiny_labels])
    config = DEFAULT_CONFIG
    grid = [config.model, config.with_model(char_ngram_range=None, lexicon_features=False).model]
    chosen, score = select_settings(label_set, config, grid, inner_folds=3)
    scores = [cross_validate(label_set, config, settings=s, n_splits=3).pooled_macro_f1 for s in grid]
    assert score == max(scores) and chosen == grid[scores.index(max(scores))]
    nested = nested_score(label_set, config, grid)
    assert nested["outer_folds"] == 3 and len(nested["choices"]) == 3
    # Each outer fold chooses on its own training articles only (two articles: 2 inner folds).
    folds = grouped_folds(unique_rows(label_set), "article", 3)
    inside = [select_settings(LabelSet(rows=tuple(folds.training_rows(fold)), labels=label_set.labels), config,
                              grid, inner_folds=2)[0].as_dict() for fold in range(3)]
    assert nested["choices"] == inside
    assert [choice == grid[0].as_dict() for choice in nested["choices"]] == [True, False, True]
    assert (nested["nested_macro_f1"], nested["fold_macro_f1"]) == (0.4008, [0.5, 0.1667, 0.4444])
