"""What the report costs on top of prediction: framelens predict with and without --report.

    python benchmarks/bench_report.py [--articles 10000 100000] [--jobs 2]

For each size, generates a JSONL corpus (~17 sentences per article drawn from
the seed articles, 40 outlets, dates over 12 months; the generator of
bench_predict.py) and measures in one run:

  (p) framelens predict CORPUS --out X --jobs 2
  (r) framelens predict CORPUS --out X --report DIR --jobs 2

wall time, (r)/(p), and peak RSS summed over each run's process tree (read
from /proc every 0.2 s, as bench_predict.py does); also CPU seconds of each
run's process tree (less inflated by other load than wall time), the
1-minute load average after each run (the machine is shared), the size of
report.html and of the largest figure file.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_predict import REPO, load_average, make_corpus, measure

SENTENCES_PER_ARTICLE = 17
OUTLETS = 40
MONTHS = 12


def report_sizes(report_dir: Path) -> tuple[float, float]:
    """MB of report.html and of the largest figure file."""
    figures = list((report_dir / "figures").iterdir())
    return ((report_dir / "report.html").stat().st_size / 1e6,
            max((f.stat().st_size for f in figures), default=0) / 1e6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000], metavar="N")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", default=str(REPO / "model"))
    args = parser.parse_args(argv)

    model_dir = Path(args.model)
    if not (model_dir / "card.json").is_file():
        subprocess.run([sys.executable, str(REPO / "train.py"), "--model", str(model_dir)], check=True, cwd=REPO)
    rows = []
    with tempfile.TemporaryDirectory(prefix="framelens-bench-report-") as tmp:
        for articles in args.articles:
            corpus = Path(tmp) / f"corpus-{articles}.jsonl"
            made = make_corpus(corpus, articles * SENTENCES_PER_ARTICLE, sentences_per_article=SENTENCES_PER_ARTICLE,
                               outlets=OUTLETS, months=MONTHS)
            print(f"corpus: {made:,} articles, {articles * SENTENCES_PER_ARTICLE:,} sentences, {OUTLETS} outlets, "
                  f"{MONTHS} months ({corpus.stat().st_size / 1e6:.1f} MB); load average {load_average()}")
            predict = [sys.executable, str(REPO / "predict.py"), str(corpus), "--model", str(model_dir), "--quiet",
                       "--jobs", str(args.jobs), "--out", str(Path(tmp) / "out.jsonl")]
            plain, plain_peak, plain_cpu, _ = measure(predict)
            plain_load = load_average()
            print(f"  (p) predict: {plain:.1f}s (load average {plain_load})", file=sys.stderr)
            report_dir = Path(tmp) / f"report-{articles}"
            with_report, report_peak, report_cpu, _ = measure([*predict, "--report", str(report_dir)])
            report_load = load_average()
            print(f"  (r) predict --report: {with_report:.1f}s (load average {report_load})", file=sys.stderr)
            if not (report_dir / "report.html").is_file():
                raise SystemExit(f"no report written in {report_dir}")
            sizes = report_sizes(report_dir)
            rows.append((made, plain, with_report, plain_peak, report_peak, plain_cpu, report_cpu,
                         f"{plain_load}/{report_load}", sizes))
    print(f"load average after: {load_average()}")
    print(f"{'articles':>9} {'predict s':>10} {'+report s':>10} {'ratio':>6} {'predict RSS':>12} {'+report RSS':>12} "
          f"{'CPU s':>13} {'CPU ratio':>9} {'load (p/r)':>10} {'html MB':>8} {'max fig MB':>10}")
    for made, plain, with_report, plain_peak, report_peak, plain_cpu, report_cpu, load, sizes in rows:
        print(f"{made:>9,} {plain:>10.1f} {with_report:>10.1f} {with_report / plain:>6.2f} "
              f"{plain_peak / 2**20:>9.0f} MB {report_peak / 2**20:>9.0f} MB "
              f"{plain_cpu:>6.0f}/{report_cpu:<6.0f} {report_cpu / plain_cpu:>9.2f} {load:>10} "
              f"{sizes[0]:>8.2f} {sizes[1]:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
