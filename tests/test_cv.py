"""The grouped-CV core, the vectorised bootstrap and the temperature fit."""
from collections import Counter

import numpy as np
import pytest
from sklearn.metrics import f1_score

from framelens import evaluation
from framelens.calibration import calibrate, decision_columns, fit_temperature, softmax
from framelens.cv import (
    confusion_counts,
    fit_and_score,
    group_key,
    grouped_folds,
    macro_f1,
    majority_label,
    per_class_table,
)
from framelens.errors import LabelError
from framelens.evaluation import bootstrap_macro_f1
from framelens.labels import read_labels, unique_rows

from .conftest import TINY_ROWS, write_labels

LABELS = ["counter-hegemony", "neutral-report", "western-concern"]
AUTHORED = [
    ("a1", "", "The team wrote this sentence about the signing ceremony.", "neutral-report", "authored"),
    ("", "", "The team wrote this one about Western hegemony.", "counter-hegemony", "authored"),
]
NO_ARTICLE = ("", "Wire", "A sentence whose article nobody recorded warned of drones.", "western-concern")


def reference_bootstrap(y_true, y_pred, groups, labels, rng, samples, levels):
    """The straightforward loop (the implementation before vectorising): one f1_score call per resample.

    One interval per level, all from the same resamples (as from a fresh ``rng`` each time).
    """
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    distinct = np.unique(groups)
    members = [np.flatnonzero(groups == g) for g in distinct]
    scores = []
    for _ in range(samples):
        picked = np.concatenate([members[i] for i in rng.integers(0, len(distinct), len(distinct))])
        present = [label for label in labels if label in set(y_true[picked])]
        scores.append(f1_score(y_true[picked], y_pred[picked], labels=present, average="macro", zero_division=0))
    tails = [(1 - level) / 2 * 100 for level in levels]
    return [(round(float(np.percentile(scores, tail)), 4), round(float(np.percentile(scores, 100 - tail)), 4))
            for tail in tails]


class FrequencyModel:
    """A stand-in pipeline: every sentence gets its training fold's label frequencies (logits: their log)."""

    def __init__(self, rows):
        counts = Counter(row.label for row in rows)
        self.classes_ = np.array(sorted(counts), dtype=object)
        self.share = np.array([counts[c] for c in self.classes_]) / len(rows)

    def predict_proba(self, texts):
        return np.tile(self.share, (len(texts), 1))

    def decision_function(self, texts):
        return np.log(self.predict_proba(texts))


@pytest.fixture
def label_set(tmp_path):
    return read_labels([write_labels(tmp_path / "labels" / "mixed.csv", TINY_ROWS + AUTHORED + [NO_ARTICLE])])


def test_group_keys(label_set):
    rows = unique_rows(label_set)
    lost = next(row for row in rows if row.sentence == NO_ARTICLE[2])
    assert [group_key(rows[0]), group_key(rows[0], "outlet")] == ["a1", "Wire"]
    assert group_key(lost) == f"{lost.file}#{lost.row}" == f"{label_set.files[0]}#16"
    assert group_key(lost, "outlet") == "Wire"
    authored_without_outlet = next(row for row in rows if row.sentence == AUTHORED[1][2])
    assert group_key(authored_without_outlet, "outlet") == f"{label_set.files[0]}#15"


def test_folds_keep_articles_apart_and_authored_rows_train_only(label_set):
    folds = grouped_folds(unique_rows(label_set), "article", 3)
    lost = f"{label_set.files[0]}#16"
    # GroupKFold: the three four-sentence articles get a fold each, the one-sentence group joins the first
    assert [sorted(set(folds.groups[test])) for _, test in folds.splits] == [[lost, "a3"], ["a2"], ["a1"]]
    assert [list(test) for _, test in folds.splits] == [[8, 9, 10, 11, 12], [4, 5, 6, 7], [0, 1, 2, 3]]
    assert not any(row.authored for row in folds.scored) and len(folds.scored) == 13
    seen = []

    def train(rows, fold):
        seen.append((fold, rows))
        return FrequencyModel(rows)

    oof = fit_and_score(folds, LABELS, train)
    for fold, rows in seen:
        held_out = {group_key(folds.scored[i]) for i in folds.splits[fold][1]}
        trained = {group_key(row) for row in rows if not row.authored}
        assert held_out.isdisjoint(trained) and len(held_out | trained) == 4
        assert [row.sentence for row in rows if row.authored] == [AUTHORED[0][2], AUTHORED[1][2]]
    assert list(oof.y_true) == [row[3] for row in TINY_ROWS] + [NO_ARTICLE[3]]
    assert oof.done.all() and list(oof.fold) == [2] * 4 + [1] * 4 + [0] * 5
    # Held out a1: training is a2, a3, the lost row and both authored rows: counter-hegemony 4,
    # neutral-report 3, western-concern 4 of 11. The majority ties between counter-hegemony and
    # western-concern and goes to the first label.
    assert oof.probabilities[0].tolist() == pytest.approx([4 / 11, 3 / 11, 4 / 11])
    assert oof.logits[0].tolist() == pytest.approx(np.log([4 / 11, 3 / 11, 4 / 11]).tolist())
    assert oof.majority[0] == "counter-hegemony"
    # Held out a3 and the lost row: a1, a2, authored: counter-hegemony 3, neutral-report 4, western-concern 3.
    assert oof.majority[8] == "neutral-report" and oof.y_pred[8] == "neutral-report"


def test_a_label_missing_from_a_training_fold_gets_no_probability(tmp_path):
    rows = unique_rows(read_labels([write_labels(tmp_path / "l.csv", [
        ("a", "", "One.", "pro"), ("a", "", "Two.", "con"), ("b", "", "Three.", "pro"), ("b", "", "Four.", "con"),
        ("c", "", "Five.", "pro"), ("c", "", "Six.", "odd"),
    ])]))
    folds = grouped_folds(rows, "article", 3)
    oof = fit_and_score(folds, ["con", "odd", "pro"], lambda training, fold: FrequencyModel(training))
    odd = list(oof.y_true).index("odd")
    assert oof.probabilities[odd, 1] == 0 and oof.logits[odd, 1] == -np.inf
    assert softmax(oof.logits)[odd].tolist() == pytest.approx(oof.probabilities[odd].tolist())


def test_too_few_groups_or_labels(tmp_path):
    one = unique_rows(read_labels([write_labels(tmp_path / "one.csv", [("a", "", "One.", "pro"),
                                                                        ("a", "", "Two.", "con")])]))
    with pytest.raises(LabelError, match=r"^cross-validation needs sentences from at least two articles that are "
                                         r"not authored; found 1$"):
        grouped_folds(one, "article", 5)


def test_macro_f1_counts_and_per_class_table_match_sklearn():
    rng = np.random.default_rng(7)
    labels = ["a", "b", "c", "d"]
    for _ in range(20):
        truth = rng.choice(["a", "b", "c"], 30)
        guess = rng.choice([*labels, "x"], 30)  # "x" is a label outside the set
        present = [label for label in labels if label in set(truth)]
        assert macro_f1(truth, guess, labels) == pytest.approx(
            f1_score(truth, guess, labels=present, average="macro", zero_division=0), abs=1e-12)
    assert confusion_counts(["a", "a", "b"], ["a", "b", "x"], ["a", "b"]).tolist() == [[1, 0, 1], [0, 1, 1]]
    assert per_class_table(["a", "a", "b"], ["a", "b", "b"], ["a", "b"]) == {
        "a": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2},
        "b": {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1},
    }
    assert majority_label(["b", "a", "b", "a"], ["a", "b"]) == "a" and majority_label(["b"], ["a", "b"]) == "b"


@pytest.mark.parametrize("seed", [0, 1])
def test_vectorised_bootstrap_gives_the_reference_interval(seed):
    rng = np.random.default_rng(100 + seed)
    groups = rng.choice([f"g{i}" for i in range(9)], 60)  # uneven groups, some resamples miss a label
    truth = rng.choice(["pro", "con", "odd"], 60, p=[0.5, 0.4, 0.1])
    guess = np.where(rng.random(60) < 0.7, truth, rng.choice(["pro", "con", "odd"], 60))
    labels = ["pro", "con", "odd"]
    levels = (0.95, 0.5)
    slow = reference_bootstrap(truth, guess, groups, labels, np.random.default_rng(seed), 100, levels)
    for level, reference in zip(levels, slow, strict=False):
        fast = bootstrap_macro_f1(truth, guess, groups, labels, np.random.default_rng(seed), 100, level)
        assert fast == reference
        assert fast[0] < fast[1]


def test_bootstrap_draws_blocks_like_one_resample_at_a_time(monkeypatch):
    monkeypatch.setattr(evaluation, "BOOTSTRAP_BLOCK_CELLS", 20)  # 6 groups: blocks of 3 resamples
    groups = [3, 3, 10, 10, 2, 2, 2, 25, 25, 7, 100]  # integers: sorted as numbers, not as text
    truth = ["pro", "con", "pro", "pro", "con", "con", "pro", "con", "pro", "pro", "con"]
    guess = ["pro", "pro", "con", "pro", "con", "pro", "pro", "con", "con", "pro", "pro"]
    levels = (0.95, 0.5, 0.2)
    slow = reference_bootstrap(truth, guess, groups, ["pro", "con"], np.random.default_rng(0), 25, levels)
    for level, reference in zip(levels, slow, strict=False):
        fast = bootstrap_macro_f1(truth, guess, groups, ["pro", "con"], np.random.default_rng(0), 25, level)
        assert fast == reference


def test_temperature_recovers_a_known_scale():
    # Labels drawn from softmax(z); the fitter sees z / 3, so softmax(logits / T) is the truth at T = 1/3.
    # Over 20 seeds (n = 20,000 each) the fitted T had an sd of 0.003 around 1/3 and 0.017 around 2;
    # the tolerances are about seven of those, so this fails only if the fit is biased.
    rng = np.random.default_rng(3)
    z = rng.normal(0, 2, (20_000, 3))
    p = softmax(z)
    y = (rng.random((len(z), 1)) > p.cumsum(axis=1)).sum(axis=1)
    assert fit_temperature(z / 3, y) == pytest.approx(1 / 3, abs=0.02)
    assert fit_temperature(z * 2, y) == pytest.approx(2, rel=0.06)  # over-confident the other way


def test_calibration_summary_and_binary_logits():
    logits = np.log([[0.8, 0.2], [0.6, 0.4], [0.3, 0.7], [0.9, 0.1]])
    summary = calibrate(["a", "a", "b", "b"], logits, ["x", "x", "y", "y"], ["a", "b"])
    assert summary["method"] == "temperature"
    assert summary["fitted_on"] == "4 out-of-fold sentences from 2 held-out articles"
    after = softmax(logits, summary["temperature"])
    # article x: mean p(a) after scaling minus 2/2 labelled a; article y: mean p(a) minus 0/2
    errors = [after[:2, 0].mean() - 1, after[2:, 0].mean() - 0]
    # independent draws would give a variance of Σp(1−p)/n² per article; the rest is systematic
    draws = [np.sum(after[:2, 0] * (1 - after[:2, 0])) / 4, np.sum(after[2:, 0] * (1 - after[2:, 0])) / 4]
    systematic = np.sqrt(max(0.0, np.mean(np.square(errors)) - np.mean(draws)))
    assert summary["share_error"]["a"] == {"articles": 2, "mean": round(float(np.mean(errors)), 4),
                                           "rmse": round(float(np.sqrt(np.mean(np.square(errors)))), 4),
                                           "systematic_sd": round(float(systematic), 4)}
    assert summary["log_loss"]["after"] <= summary["log_loss"]["before"]
    # a binary model's single decision d is the logit pair (0, d): softmax is the logistic sigmoid
    d = np.array([-1.0, 0.5])
    assert softmax(decision_columns(d), 2.0)[:, 1].tolist() == pytest.approx((1 / (1 + np.exp(-d / 2))).tolist())
