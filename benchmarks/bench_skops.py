"""Compare the shipped model's joblib artifact with a skops file (trusted-types loading): size and load time.

Run: PYTHONPATH=. python benchmarks/bench_skops.py [MODEL_DIR]   (default: model/)

skops does not unpickle: it rebuilds only types on a trusted list, so a
tampered file cannot run arbitrary code. The framelens pipeline needs two
framelens types trusted besides scikit-learn's: ``framelens.lexicon.LexiconFeatures``
and the preprocessor ``framelens.model.normalise_for_features``.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import joblib
import numpy as np

from framelens.persistence import ARTIFACT

TRUSTED = ["framelens.lexicon.LexiconFeatures", "framelens.model.normalise_for_features"]
PROBE = ["Western governments warned the pact could destabilise the region.",
         "Putin hailed the deal as a blow to Western hegemony.", "The treaty was signed on Friday."]


def timed(load, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        load()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(model_dir: str = "model") -> None:
    import skops
    import skops.io as sio

    artifact = Path(model_dir) / ARTIFACT
    pipeline = joblib.load(artifact)
    with tempfile.TemporaryDirectory() as tmp:
        skops_path = Path(tmp) / "framing.skops"
        sio.dump(pipeline, skops_path, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        untrusted = sio.get_untrusted_types(file=skops_path)
        assert sorted(untrusted) == sorted(TRUSTED), untrusted
        loaded = sio.load(skops_path, trusted=TRUSTED)
        same = np.allclose(loaded.predict_proba(PROBE), pipeline.predict_proba(PROBE))
        rows = [
            ("joblib (compress=3)", artifact.stat().st_size, timed(lambda: joblib.load(artifact))),
            ("skops (deflate 6)", skops_path.stat().st_size,
             timed(lambda: sio.load(skops_path, trusted=TRUSTED))),
        ]
    print(f"model: {artifact}; skops {skops.__version__}; same probabilities after the round trip: {same}")
    print(f"{'format':<22}{'bytes':>12}{'load s (median of 5)':>24}")
    for name, size, seconds in rows:
        print(f"{name:<22}{size:>12}{seconds:>24.3f}")


if __name__ == "__main__":
    main(*sys.argv[1:])
