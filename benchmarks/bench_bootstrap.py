"""Time the article-bootstrap interval of macro-F1: the per-resample f1_score loop vs the vectorised counts.

Cross-validates the labels grouped by article (as ``framelens evaluate``), then
computes the interval both ways with the same seed and checks they agree.

    PYTHONPATH=. python benchmarks/bench_bootstrap.py labels/
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the reference loop lives in tests/

from framelens.config import DEFAULT_CONFIG
from framelens.evaluation import bootstrap_macro_f1
from framelens.labels import read_labels
from framelens.training import cross_validate
from tests.test_cv import reference_bootstrap


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="+", help="label CSV files or directories")
    parser.add_argument("--repeats", type=int, default=5, help="timings of the vectorised version (best is shown)")
    args = parser.parse_args(argv)
    config = DEFAULT_CONFIG
    cv = cross_validate(read_labels(args.labels), config)
    inputs = (cv.y_true, cv.y_pred, cv.groups, cv.labels)
    samples = config.bootstrap_samples

    started = time.perf_counter()
    slow = reference_bootstrap(*inputs, np.random.default_rng(config.random_state), samples, config.interval_level)
    loop_seconds = time.perf_counter() - started
    timings = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        fast = bootstrap_macro_f1(*inputs, np.random.default_rng(config.random_state), samples,
                                  config.interval_level)
        timings.append(time.perf_counter() - started)
    print(f"{cv.n_scored} scored sentences in {len(set(cv.groups))} articles, {samples} resamples")
    print(f"f1_score loop: {loop_seconds:.3f} s, interval {list(slow)}")
    print(f"vectorised:    {min(timings):.4f} s (best of {args.repeats}), interval {list(fast)}")
    print("identical" if fast == slow else "DIFFERENT")
    return 0 if fast == slow else 1


if __name__ == "__main__":
    sys.exit(main())
