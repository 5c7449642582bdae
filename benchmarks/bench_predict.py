"""Throughput and peak memory of framelens predict against the bare scikit-learn/nltk loop.

    python benchmarks/bench_predict.py [--sentences 200000] [--rows a,b,c,d]

Generates a corpus of N sentences from the seed articles' sentences (recombined
into 25-sentence articles, one JSONL file), then measures in one run:

  (a) the bare loop: nltk Punkt + pipeline.predict_proba over in-memory text, one process
  (b) framelens predict end to end (read, clean, split, classify, write JSONL), --jobs 1
  (c) the same with --jobs 2
  (d) the same with --engine dask on a 2-worker LocalCluster

Each row runs in its own process; peak RSS is the largest sum over the process and
its children, sampled every 50 ms. Ratios are sentences/s relative to (a).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
SENTENCES_PER_ARTICLE = 25


def make_corpus(path: Path, n_sentences: int, seed: int = 0) -> int:
    """Write seed-like articles holding n_sentences sentences in all; returns the article count."""
    sys.path.insert(0, str(REPO))
    from framelens import read_corpus
    from framelens.sentences import article_sentences

    pool = [(s.outlet, s.text) for a in read_corpus(REPO / "seeds") for s in article_sentences(a)]
    rng = random.Random(seed)
    articles = 0
    with open(path, "w", encoding="utf-8") as handle:
        remaining = n_sentences
        while remaining > 0:
            size = min(SENTENCES_PER_ARTICLE, remaining)
            picked = [rng.choice(pool) for _ in range(size)]
            text = "\n".join(" ".join(t for _, t in picked[i:i + 3]) for i in range(0, size, 3))
            handle.write(json.dumps({"id": f"b{articles}", "outlet": picked[0][0], "text": text}) + "\n")
            remaining -= size
            articles += 1
    return articles


def bare_loop(corpus: Path, model_dir: Path) -> int:
    """Row (a): Punkt + predict_proba in one process over in-memory text; returns sentences."""
    import joblib
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from framelens.sentences import load_parameters

    texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")]
    start = time.perf_counter()
    tokenizer = PunktSentenceTokenizer(load_parameters())
    pipeline = joblib.load(model_dir / "framing.joblib")
    batch, total = [], 0
    for text in texts:
        batch.extend(tokenizer.tokenize(text))
        if len(batch) >= 2000:
            pipeline.predict_proba(batch)
            total += len(batch)
            batch = []
    if batch:
        pipeline.predict_proba(batch)
        total += len(batch)
    print(json.dumps({"sentences": total, "seconds": time.perf_counter() - start}))
    return total


def measure(command: list[str]) -> tuple[float, int, str]:
    """Run a command; (wall seconds, peak RSS bytes of it and its children, stdout)."""
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process] + process.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"benchmark row failed: {' '.join(command)}\n{err}")
    return seconds, peak, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--rows", default="a,b,c,d", help="which rows to run (default: a,b,c,d)")
    parser.add_argument("--model", default=str(REPO / "model"))
    parser.add_argument("--bare", nargs=2, metavar=("CORPUS", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        bare_loop(Path(args.bare[0]), Path(args.bare[1]))
        return 0

    model_dir = Path(args.model)
    if not (model_dir / "card.json").is_file():
        subprocess.run([sys.executable, str(REPO / "train.py"), "--model", str(model_dir)], check=True, cwd=REPO)
    with tempfile.TemporaryDirectory(prefix="framelens-bench-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        articles = make_corpus(corpus, args.sentences)
        print(f"corpus: {args.sentences:,} sentences in {articles:,} articles ({corpus.stat().st_size / 1e6:.1f} MB)")
        predict = [sys.executable, str(REPO / "predict.py"), str(corpus), "--model", str(model_dir), "--quiet"]
        rows = {
            "a": ("bare loop: Punkt + predict_proba, 1 process",
                  [sys.executable, __file__, "--bare", str(corpus), str(model_dir)]),
            "b": ("framelens predict --jobs 1", predict + ["--jobs", "1", "--out", str(Path(tmp) / "b.jsonl")]),
            "c": ("framelens predict --jobs 2", predict + ["--jobs", "2", "--out", str(Path(tmp) / "c.jsonl")]),
            "d": ("framelens predict --engine dask (2 workers)",
                  predict + ["--engine", "dask", "--jobs", "2", "--out", str(Path(tmp) / "d.jsonl")]),
        }
        results = {}
        for key in args.rows.split(","):
            label, command = rows[key]
            seconds, peak, out = measure(command)
            if key == "a":
                inner = json.loads(out)
                seconds = inner["seconds"]  # the loop itself, not reading JSON or importing
            results[key] = (label, args.sentences / seconds, peak)
            print(f"  ({key}) done in {seconds:.1f}s", file=sys.stderr)
        base = results.get("a", (None, None, None))[1]
        print(f"{'row':<48} {'sentences/s':>12} {'ratio to (a)':>13} {'peak RSS':>10}")
        for key, (label, rate, peak) in results.items():
            ratio = f"{rate / base:.2f}" if base else "-"
            print(f"({key}) {label:<44} {rate:>12,.0f} {ratio:>13} {peak / 2**20:>8.0f} MB")
        if "b" in results and "c" in results:
            print(f"(c)/(b) = {results['c'][1] / results['b'][1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
