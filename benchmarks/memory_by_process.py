"""Peak RSS and CPU time of each process of one ``framelens predict`` run, and the peak of the summed RSS.

    python benchmarks/memory_by_process.py (CORPUS | --sentences N | --articles N) [--jobs 2] [--model DIR] [--report]

Samples /proc every 0.2 s (as bench_predict.py does) and prints each process's
peak RSS, CPU seconds (user + system, as last sampled) and command line, then
the peak of the sum over all of them. ``--report`` runs ``predict --report DIR``
instead of ``predict --out FILE``; ``--articles N`` generates bench_report.py's corpus
(40 outlets, 12 months) instead of bench_predict.py's.
"""
from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--articles", type=int, help="generate bench_report.py's corpus of this many articles")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", default=str(REPO / "model"))
    parser.add_argument("--report", action="store_true", help="run predict --report DIR instead of --out FILE")
    args = parser.parse_args(argv)
    if args.corpus is None:
        with tempfile.TemporaryDirectory(prefix="framelens-memory-") as tmp:
            corpus = Path(tmp) / "corpus.jsonl"
            if args.articles:
                from bench_report import make_report_corpus

                make_report_corpus(corpus, args.articles)
            else:
                make_corpus(corpus, args.sentences)
            return measure_processes(str(corpus), args.jobs, args.model, args.report)
    return measure_processes(args.corpus, args.jobs, args.model, args.report)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far, from /proc (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def measure_processes(corpus: str, jobs: int, model: str, report: bool = False) -> int:
    """Run predict on ``corpus`` and print per-process peak RSS and CPU seconds, and the summed peak RSS."""
    with tempfile.TemporaryDirectory(prefix="framelens-processes-") as tmp:
        output = ["--report", str(Path(tmp) / "report")] if report else ["--out", str(Path(tmp) / "p.jsonl")]
        command = [sys.executable, str(REPO / "predict.py"), corpus, "--model", model, "--quiet",
                   "--jobs", str(jobs), *output]
        return _sample(subprocess.Popen(command, cwd=REPO))


def _sample(process: subprocess.Popen) -> int:
    peaks: dict[int, int] = {}
    cpu: dict[int, float] = {}
    names: dict[int, str] = {}
    peak_sum = 0
    while process.poll() is None:
        tree = tree_rss_by_process(process.pid)
        peak_sum = max(peak_sum, sum(tree.values()))
        for pid, rss in tree.items():
            peaks[pid] = max(peaks.get(pid, 0), rss)
            seconds = cpu_seconds(pid)
            if seconds is not None:
                cpu[pid] = seconds
            if pid not in names:
                try:
                    names[pid] = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")[:100]
                except OSError:
                    names[pid] = "?"
        time.sleep(0.2)
    for pid, rss in peaks.items():
        print(f"{rss / 2**20:>7.0f} MB  {cpu.get(pid, 0.0):>6.1f} CPU-s  {names.get(pid, '?')}")
    print(f"{peak_sum / 2**20:>7.0f} MB  peak of the sum (exit status {process.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
