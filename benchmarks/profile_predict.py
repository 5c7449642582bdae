"""Where the time of ``framelens predict --jobs 1`` goes, by stage (cProfile).

    python benchmarks/profile_predict.py [--sentences 20000]

Generates a corpus with bench_predict.py's generator, runs ``framelens predict
--jobs 1`` in this process under cProfile and prints the cumulative time of
each stage as a share of the whole run. cProfile slows Python-level code more
than C code, so the shares of Python-heavy stages are somewhat inflated.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_predict import REPO, make_corpus

# (stage, file suffix, function name): cumulative time of that function.
STAGES = [
    ("start-up: imports and argument parsing", "framelens/cli/__init__.py", "build_parser"),
    ("loading the model", "framelens/persistence.py", "load_model"),
    ("reading the corpus (JSONL)", "framelens/corpus.py", "_records_to_articles"),
    ("boilerplate filter", "framelens/clean.py", "strip_boilerplate"),
    ("Punkt sentence splitting (with line handling)", "framelens/sentences.py", "split"),
    ("features + classifier (predict_proba)", "framelens/model.py", "predict_proba"),
    ("  word + char_wb n-gram counting (vectorisers)", "sklearn/feature_extraction/text.py", "_count_vocab"),
    ("    of which char_wb n-grams", "sklearn/feature_extraction/text.py", "_char_wb_ngrams"),
    ("  guide-lexicon regex features", "framelens/lexicon.py", "transform"),
    ("building Prediction records", "framelens/prediction.py", "predictions_from_proba"),
    ("writing JSONL", "framelens/output.py", "write_article"),
]


def cold_start(model: str) -> float:
    """Seconds a fresh process needs before it can classify: imports, argument parser, model, Punkt."""
    code = ("import time; start = time.perf_counter()\n"
            "from framelens.cli import build_parser; build_parser()\n"
            f"from framelens.persistence import load_model; load_model({model!r})\n"
            "from framelens.sentences import default_splitter; default_splitter()\n"
            "print(time.perf_counter() - start)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return float(out.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--model", default=str(REPO / "model"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="framelens-profile-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        make_corpus(corpus, args.sentences)
        for name in [m for m in sys.modules if m == "framelens" or m.startswith("framelens.")]:
            del sys.modules[name]  # the generator imported some; profile a cold start
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        from framelens.cli import main as framelens_main

        status = framelens_main(["predict", str(corpus), "--model", args.model, "--jobs", "1", "--quiet",
                                 "--out", str(Path(tmp) / "out.jsonl")])
        profiler.disable()
        wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"framelens predict failed with status {status}")
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    print(f"framelens predict --jobs 1, {args.sentences:,} sentences: {wall:.1f}s under cProfile")
    print(f"  cold start-up in a fresh process (imports, parser, model, Punkt): {cold_start(args.model):.2f}s "
          "(the profiled run had most modules imported by the corpus generator already)")
    for label, suffix, function in STAGES:
        seconds = sum(entry[3] for (file, _, name), entry in stats.items()
                      if name == function and file.endswith(suffix))
        print(f"  {label:<50} {seconds:>7.2f}s {100 * seconds / wall:>5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
