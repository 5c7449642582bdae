"""Peak RSS of each process of one ``framelens predict`` run, and of their sum.

    python benchmarks/memory_by_process.py (CORPUS | --sentences N) [--jobs 2] [--model DIR]

Samples /proc every 0.2 s (as bench_predict.py does) and prints each process's
peak with its command line, then the peak of the sum over all of them.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_predict import REPO, make_corpus, tree_rss_by_process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="a JSONL corpus (default: generate one with --sentences)")
    parser.add_argument("--sentences", type=int, default=1_000_000,
                        help="size of the generated corpus (bench_predict.py's generator)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", default=str(REPO / "model"))
    args = parser.parse_args(argv)
    if args.corpus is None:
        with tempfile.TemporaryDirectory(prefix="framelens-memory-") as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            make_corpus(corpus, args.sentences)
            return measure_processes(str(corpus), args.jobs, args.model)
    return measure_processes(args.corpus, args.jobs, args.model)


def measure_processes(corpus: str, jobs: int, model: str) -> int:
    """Run predict on ``corpus`` and print per-process and summed peak RSS."""
    out = Path(corpus).with_suffix(".predictions.jsonl")
    command = [sys.executable, str(REPO / "predict.py"), corpus, "--model", model, "--quiet",
               "--jobs", str(jobs), "--out", str(out)]
    process = subprocess.Popen(command, cwd=REPO)
    peaks: dict[int, int] = {}
    names: dict[int, str] = {}
    peak_sum = 0
    while process.poll() is None:
        tree = tree_rss_by_process(process.pid)
        peak_sum = max(peak_sum, sum(tree.values()))
        for pid, rss in tree.items():
            peaks[pid] = max(peaks.get(pid, 0), rss)
            if pid not in names:
                try:
                    names[pid] = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:100]
                except OSError:
                    names[pid] = "?"
        time.sleep(0.2)
    out.unlink(missing_ok=True)
    for pid, rss in peaks.items():
        print(f"{rss / 2**20:>7.0f} MB  {names.get(pid, '?')}")
    print(f"{peak_sum / 2**20:>7.0f} MB  peak of the sum (exit status {process.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
