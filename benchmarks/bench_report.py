"""What the report costs on top of prediction: framelens predict with and without --report.

    python benchmarks/bench_report.py [--articles 10000 100000] [--jobs 2] [--repeat 3]

For each size, generates a JSONL corpus (~17 sentences per article drawn from
the seed articles, 40 outlets, dates over 12 months; the generator of
bench_predict.py) and measures in one run:

  (p) framelens predict CORPUS --out X --jobs 2        (every prediction, as JSONL)
  (r) framelens predict CORPUS --report DIR --jobs 2   (every prediction, as the report's sentences.csv,
                                                        plus the report)

wall time, (r)/(p), and peak RSS summed over each run's process tree (read
from /proc every 0.2 s, as bench_predict.py does); also CPU seconds of each
run's process tree, the CPU time the hypervisor gave other machines during
each run ("steal": this virtual machine's speed varies with its neighbours),
the size of report.html and of the largest figure file. With --repeat N the
two commands run alternately N times and the table shows the fastest run of
each (the least disturbed; every run is printed as it ends) and the largest peak.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_predict import REPO, load_average, make_corpus, measure

SENTENCES_PER_ARTICLE = 17
OUTLETS = 40
MONTHS = 12


def make_report_corpus(path: Path, articles: int) -> int:
    """This benchmark's corpus of ``articles`` articles (17 sentences each, 40 outlets, 12 months); the count."""
    return make_corpus(path, articles * SENTENCES_PER_ARTICLE, sentences_per_article=SENTENCES_PER_ARTICLE,
                       outlets=OUTLETS, months=MONTHS)


def report_sizes(report_dir: Path) -> tuple[float, float]:
    """MB of report.html and of the largest figure file."""
    figures = list((report_dir / "figures").iterdir())
    return ((report_dir / "report.html").stat().st_size / 1e6,
            max((f.stat().st_size for f in figures), default=0) / 1e6)


def steal_seconds() -> float:
    """CPU time the hypervisor gave to other machines so far (the 'steal' column of /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as handle:
        return int(handle.readline().split()[8]) / os.sysconf("SC_CLK_TCK")


def measured(command: list[str]) -> tuple[float, int, float, float]:
    """(wall s, peak RSS bytes, CPU s of the process tree, steal s on the machine meanwhile)."""
    stolen = steal_seconds()
    wall, peak, cpu, _ = measure(command)
    return wall, peak, cpu, steal_seconds() - stolen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000], metavar="N")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run (p) and (r) alternately this many times; the table shows the fastest of each")
    parser.add_argument("--model", default=str(REPO / "model"))
    args = parser.parse_args(argv)

    model_dir = Path(args.model)
    if not (model_dir / "card.json").is_file():
        subprocess.run([sys.executable, str(REPO / "train.py"), "--model", str(model_dir)], check=True, cwd=REPO)
    rows = []
    with tempfile.TemporaryDirectory(prefix="framelens-bench-report-") as tmp:
        for articles in args.articles:
            corpus = Path(tmp) / f"corpus-{articles}.jsonl"
            made = make_report_corpus(corpus, articles)
            print(f"corpus: {made:,} articles, {articles * SENTENCES_PER_ARTICLE:,} sentences, {OUTLETS} outlets, "
                  f"{MONTHS} months ({corpus.stat().st_size / 1e6:.1f} MB); load average {load_average()}")
            predict = [sys.executable, str(REPO / "predict.py"), str(corpus), "--model", str(model_dir), "--quiet",
                       "--jobs", str(args.jobs)]
            report_dir = Path(tmp) / f"report-{articles}"
            plain_runs, report_runs = [], []
            for _ in range(args.repeat):
                plain_runs.append(measured([*predict, "--out", str(Path(tmp) / "out.jsonl")]))
                print(f"  (p) predict: {plain_runs[-1][0]:.1f}s, CPU {plain_runs[-1][2]:.0f}s, "
                      f"steal {plain_runs[-1][3]:.1f}s (load average {load_average()})", file=sys.stderr)
                report_runs.append(measured([*predict, "--report", str(report_dir)]))
                print(f"  (r) predict --report: {report_runs[-1][0]:.1f}s, CPU {report_runs[-1][2]:.0f}s, "
                      f"steal {report_runs[-1][3]:.1f}s (load average {load_average()})", file=sys.stderr)
            if not (report_dir / "report.html").is_file():
                raise SystemExit(f"no report written in {report_dir}")
            plain, report = min(plain_runs), min(report_runs)  # the least disturbed run of each
            rows.append((made, plain, report, max(r[1] for r in plain_runs), max(r[1] for r in report_runs),
                         report_sizes(report_dir), args.repeat))
    print(f"load average after: {load_average()}")
    print(f"{'articles':>9} {'predict s':>10} {'+report s':>10} {'ratio':>6} {'predict RSS':>12} {'+report RSS':>12} "
          f"{'CPU s':>13} {'CPU ratio':>9} {'steal s':>9} {'runs':>5} {'html MB':>8} {'max fig MB':>10}")
    for made, plain, report, plain_peak, report_peak, sizes, runs in rows:
        print(f"{made:>9,} {plain[0]:>10.1f} {report[0]:>10.1f} {report[0] / plain[0]:>6.2f} "
              f"{plain_peak / 2**20:>9.0f} MB {report_peak / 2**20:>9.0f} MB "
              f"{plain[2]:>6.0f}/{report[2]:<6.0f} {report[2] / plain[2]:>9.2f} {plain[3]:>4.1f}/{report[3]:<4.1f} "
              f"{runs:>5} {sizes[0]:>8.2f} {sizes[1]:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
