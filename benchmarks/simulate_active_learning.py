"""Did active learning need fewer labels? Simulate it on a labels file.

For each grouped-CV fold (the same GroupKFold split by article as
``framelens train``), the sentences of the training articles form the pool.
A random seed set of ``--seed-size`` sentences (at least two labels) starts
each run; then ``--step`` sentences at a time are added either in
active-learning order (the ranking ``framelens label`` uses: least certain
first with the diversity penalty, after retraining on what is labelled) or in
random order. After each step a model trained on the labelled part of the pool
predicts the held-out article(s); the macro-F1 averaged over folds is the
grouped-CV macro-F1 at that budget, the same statistic ``framelens train``
prints. With the whole pool labelled it equals the full-data grouped-CV
macro-F1 (checked). Budgets count labelled sentences per training fold; a
fold whose pool is smaller than the budget uses its whole pool.

Each run uses the same seed set for both orders (paired); several runs give
mean and spread.

    python benchmarks/simulate_active_learning.py labels/seeds.csv --runs 10 --out sim.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace

import numpy as np
from joblib import Parallel, delayed

from framelens.active import Candidate, rank_candidates
from framelens.config import DEFAULT_CONFIG, Config
from framelens.cv import grouped_folds, macro_f1
from framelens.labels import read_labels, unique_rows
from framelens.schema import Sentence
from framelens.training import build_pipeline, cross_validate


def seed_set(rng: np.random.Generator, pool: np.ndarray, y: np.ndarray, size: int) -> list[int]:
    """``size`` random pool indices covering at least two labels."""
    while True:
        chosen = list(rng.choice(pool, size=min(size, len(pool)), replace=False))
        if len(set(y[chosen])) >= 2:
            return chosen


def simulate(label_set, config: Config, *, seed_size: int, step: int, runs: int, jobs: int = 1) -> dict:
    """Learning curves (grouped-CV macro-F1 per budget) for active and random order."""
    reference = cross_validate(label_set, config)
    grouped = grouped_folds(unique_rows(label_set), "article", config.cv_folds)
    scored, train_only, folds = grouped.scored, grouped.train_only, grouped.splits
    texts = np.array([row.sentence for row in scored], dtype=object)
    y = np.array([row.label for row in scored], dtype=object)
    extra_texts = [row.sentence for row in train_only]
    extra_y = [row.label for row in train_only]
    candidates = [Candidate(Sentence(row.article_id, row.outlet, i, row.sentence), "", "", 0)
                  for i, row in enumerate(scored)]
    largest_pool = max(len(train) for train, _ in folds)
    budgets = [*list(range(seed_size, largest_pool, step)), largest_pool]

    def fit(indices):
        pipeline = build_pipeline(config.model, config.random_state, label_set.signals)
        pipeline.fit(list(texts[indices]) + extra_texts, list(y[indices]) + extra_y)
        return pipeline

    def curve(predictions: np.ndarray) -> list[float]:
        scores = []
        for b in range(len(budgets)):
            per_fold = []
            for _, test in folds:
                per_fold.append(macro_f1(y[test], predictions[b, test], reference.labels))
            scores.append(round(float(np.mean(per_fold)), 4))  # as cross_validate rounds it
        return scores

    def one_run(run: int) -> dict[str, list[float]]:
        predictions = {name: np.empty((len(budgets), len(scored)), dtype=object) for name in ("active", "random")}
        for fold, (pool, test) in enumerate(folds):
            rng = np.random.default_rng([run, fold])
            start = seed_set(rng, pool, y, seed_size)
            rest = [i for i in pool if i not in set(start)]
            random_order = start + list(rng.permutation(rest))
            labelled = list(start)
            for b, budget in enumerate(budgets):
                model = fit(random_order[: min(budget, len(pool))])
                predictions["random"][b, test] = model.predict(list(texts[test]))
                model = fit(labelled)
                predictions["active"][b, test] = model.predict(list(texts[test]))
                wanted = min(budgets[b + 1], len(pool)) - len(labelled) if b + 1 < len(budgets) else 0
                if wanted > 0:
                    unlabelled = [candidates[i] for i in pool if i not in set(labelled)]
                    ranked = rank_candidates(unlabelled, model, labelled_texts=list(texts[labelled]), limit=wanted,
                                             diversity_weight=config.diversity_weight)
                    labelled += [candidate.sentence.sentence_index for candidate in ranked]
        return {name: curve(values) for name, values in predictions.items()}

    results = Parallel(n_jobs=jobs)(delayed(one_run)(run) for run in range(runs))
    curves = {name: [result[name] for result in results] for name in ("active", "random")}
    return {
        "reference_macro_f1": reference.macro_f1_mean,
        "n_sentences": len(scored),
        "n_folds": reference.n_splits,
        "pool_sizes": [len(train) for train, _ in folds],
        "seed_size": seed_size,
        "step": step,
        "runs": runs,
        "budgets": budgets,
        "curves": curves,
    }


def labels_needed(result: dict, fraction: float, *, for_good: bool) -> dict[str, list[int | None]]:
    """Per run, the first budget whose macro-F1 reaches ``fraction`` of the full-data macro-F1.

    With ``for_good`` the curve must also stay there at every larger budget.
    """
    target = fraction * result["reference_macro_f1"] - 1e-9
    needed = {}
    for name, runs in result["curves"].items():
        needed[name] = []
        for scores in runs:
            above = [f >= target for f in scores]
            if for_good:
                first = next((b for b in range(len(above)) if all(above[b:])), None)
            else:
                first = next((b for b in range(len(above)) if above[b]), None)
            needed[name].append(result["budgets"][first] if first is not None else None)
    return needed


def report(result: dict, fractions=(1.0, 0.95, 0.9)) -> list[str]:
    """Human-readable summary."""
    lines = [
        (f"{result['n_sentences']} sentences, {result['n_folds']} folds grouped by article "
        f"(training pools {', '.join(map(str, result['pool_sizes']))}); seed set {result['seed_size']}, "
        f"step {result['step']}, {result['runs']} runs"),
        f"full-data grouped-CV macro-F1: {result['reference_macro_f1']:.3f}",
        "",
        "labels  active mean ± sd   random mean ± sd",
    ]
    for b, budget in enumerate(result["budgets"]):
        cells = []
        for name in ("active", "random"):
            scores = np.array([run[b] for run in result["curves"][name]])
            cells.append(f"{scores.mean():.3f} ± {scores.std(ddof=1) if len(scores) > 1 else 0:.3f}")
        lines.append(f"{budget:>6}  {cells[0]:<17}  {cells[1]}")
    lines.append("")
    for fraction in fractions:
        target = fraction * result["reference_macro_f1"]
        for for_good, how in ((True, "reach and keep"), (False, "first touch")):
            needed = labels_needed(result, fraction, for_good=for_good)
            lines.append(f"labels to {how} {fraction:.0%} of the full-data macro-F1 ({target:.3f}):")
            for name in ("active", "random"):
                values = needed[name]
                spread = f" ± {np.std(values, ddof=1):.1f}" if len(values) > 1 else ""
                lines.append(f"  {name:<6} mean {np.mean(values):.1f}{spread} (min {min(values)}, max {max(values)}); "
                             f"per run {values}")
    mean_curves = {name: np.mean(runs, axis=0) for name, runs in result["curves"].items()}
    for fraction in fractions:
        target = fraction * result["reference_macro_f1"] - 1e-9
        cells = []
        for name in ("active", "random"):
            above = mean_curves[name] >= target
            first = next(b for b in range(len(above)) if above[b:].all())
            cells.append(f"{name} {result['budgets'][first]}")
        lines.append(f"mean curve reaches and keeps {fraction:.0%}: {', '.join(cells)}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="+", help="label CSV files or directories")
    parser.add_argument("--seed-size", type=int, default=10)
    parser.add_argument("--step", type=int, default=5)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--diversity-weight", type=float, default=DEFAULT_CONFIG.diversity_weight,
                        help="weight of the similarity penalty in the active order (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (joblib)")
    parser.add_argument("--out", help="also write the curves as JSON here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    config = replace(DEFAULT_CONFIG, diversity_weight=args.diversity_weight)
    result = simulate(read_labels(args.labels), config, seed_size=args.seed_size, step=args.step,
                      runs=args.runs, jobs=args.jobs)
    full = [run[-1] for curves in result["curves"].values() for run in curves]
    assert np.allclose(full, result["reference_macro_f1"], atol=1e-4), "full budget must equal the full-data CV"
    for line in report(result):
        print(line)
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
