"""Where the time of the report goes once predictions exist, by stage (cProfile).

    python benchmarks/profile_report.py [--articles 6000] [--predictions FILE]

Generates bench_report.py's corpus (17 sentences per article, 40 outlets, 12 months),
predicts it once with ``framelens predict --jobs 2`` (or reads ``--predictions``), then
in this process: summarises it chunk by chunk as the workers would (ReportCollector.add; each
chunk told the browser floor of the chunks before it, as with --jobs 1), merges the summaries,
builds the statistics and writes the report directory, under cProfile. Prints wall
seconds per stage (the last in its parts: statistics, figures, which include this process
starting matplotlib, by kind (the first figure drawn, the shares, includes that start), and
files), what a new process pays to start matplotlib, then the
cumulative time of the named suspects. cProfile slows Python-level code more than C code,
so Python-heavy stages look somewhat larger; ``--plain`` runs without it.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_predict import REPO, load_average
from bench_report import make_report_corpus

# (suspect, file suffix, function name): cumulative time of that function.
SUSPECTS = [
    ("term counting etc. in ReportCollector.add", "framelens/report/collect.py", "add"),
    ("  terms_of", "framelens/report/collect.py", "terms_of"),
    ("  record_digest", "framelens/report/collect.py", "record_digest"),
    ("merging and pruning collectors", "framelens/report/collect.py", "merge"),
    ("build_report (all statistics)", "framelens/report/data.py", "build_report"),
    ("  share intervals per outlet", "framelens/report/data.py", "outlet_row"),
    ("  permutation tests (overall and pairwise)", "framelens/stats.py", "permutation_tests"),
    ("  keyness (log-odds)", "framelens/stats.py", "log_odds_dirichlet"),
    ("  exemplars (explaining_words)", "framelens/report/data.py", "_exemplars"),
    ("  time series intervals", "framelens/report/data.py", "_time"),
    ("write_report_directory", "framelens/report/write.py", "write_report_directory"),
    ("  figures (matplotlib)", "framelens/report/figures.py", "make_figures"),
    ("    draw + tight_layout", "framelens/plots.py", "render_figure"),
    ("    savefig (PNG + SVG)", "framelens/plots.py", "figure_bytes"),
    ("  HTML", "framelens/report/render.py", "render_html"),
    ("  Markdown", "framelens/report/render.py", "render_markdown"),
]


class _NoProfiler:
    def enable(self) -> None:
        pass

    def disable(self) -> None:
        pass


def profile(predictions: Path, model_dir: Path, out_dir: Path, plain: bool = False) -> None:
    from framelens.config import DEFAULT_CONFIG
    from framelens.output import read_predictions
    from framelens.persistence import load_model
    from framelens.report.build import (
        ReportBuilder,
        articles_of,
        chunks_of,
        prediction_frames,
        summarise_chunk,
    )
    from framelens.report.data import ReportContext

    model = load_model(model_dir)
    frames, stream = prediction_frames(read_predictions(predictions))
    chunks = list(chunks_of(articles_of(stream), DEFAULT_CONFIG.chunk_articles))
    builder = ReportBuilder(out_dir, frames, (), DEFAULT_CONFIG)
    profiler = cProfile.Profile() if not plain else _NoProfiler()
    stages = {}
    summarising = merging = 0.0
    sent = 0
    profiler.enable()
    for chunk in chunks:
        # As --jobs 1 runs them: each chunk is summarised with the browser floor of the chunks before it.
        start = time.perf_counter()
        summary = summarise_chunk(chunk.results, frames, (), DEFAULT_CONFIG, browser_floor=builder.browser_floor())
        summarising += time.perf_counter() - start
        sent += len(summary.browser)
        start = time.perf_counter()
        builder.add(chunk.results, summary)
        merging += time.perf_counter() - start
    stages["summarise chunks (in workers when predicting)"] = summarising
    stages["merge + sentences.csv"] = merging
    parts, kinds = _timing_finish_parts()
    start = time.perf_counter()
    builder.finish(model, ReportContext(inputs=[str(predictions)], corpus_name="bench"))
    stages["finish: statistics, figures, pages"] = time.perf_counter() - start
    profiler.disable()
    for name, seconds in stages.items():
        print(f"{name:<50} {seconds:>7.1f} s")
    for name, seconds in parts.items():
        print(f"  {name:<48} {seconds:>7.1f} s")
        if name.startswith("figures"):
            for kind, (count, kind_seconds) in kinds.items():
                print(f"    {f'{kind} ({count})':<46} {kind_seconds:>7.2f} s")
    print(f"{'a new process: import matplotlib, first figure':<50} {_matplotlib_start():>7.1f} s"
          "  (the figure helper and the main process each pay it)")
    unbounded = sum(min(DEFAULT_CONFIG.browser_sentences, chunk.sentences) for chunk in chunks)
    print(f"browser candidates sent back with the chunks' summaries: {sent:,} ({unbounded:,} without the floor)")
    if plain:
        return
    by_function = {(path, name): row for (path, _, name), row in pstats.Stats(profiler).stats.items()}
    print(f"\n{'suspect (cumulative, under cProfile)':<50} {'s':>7}")
    for label, suffix, function in SUSPECTS:
        seconds = sum(row[3] for (path, name), row in by_function.items()
                      if name == function and path.endswith(suffix))
        print(f"{label:<50} {seconds:>7.1f}")
    figures = sorted((out_dir / "figures").iterdir())
    print(f"\nfigures: {len(figures)} files, largest {max(f.stat().st_size for f in figures) / 1e6:.2f} MB; "
          f"report.html {(out_dir / 'report.html').stat().st_size / 1e6:.2f} MB, "
          f"report.json {(out_dir / 'report.json').stat().st_size / 1e6:.2f} MB")
    if os.environ.get("PROFILE_TOP"):
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(int(os.environ["PROFILE_TOP"]))


def _timing_finish_parts() -> tuple[dict[str, float], dict[str, list]]:
    """Time the parts of ReportBuilder.finish and each kind of figure as they run (the dicts fill in)."""
    from framelens.report import build, figures, write

    parts = {"statistics (build_report)": 0.0, "figures, PNG + SVG (draw_figures)": 0.0,
             "files and pages (write_report_directory)": 0.0}

    def timed(module, function: str, part: str) -> None:
        original = getattr(module, function)

        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                parts[part] += time.perf_counter() - start

        setattr(module, function, wrapper)

    kinds: dict[str, list] = {}
    timed(build, "build_report", "statistics (build_report)")
    _one_figure_at_a_time(figures, kinds)
    timed(figures, "draw_figures", "figures, PNG + SVG (draw_figures)")
    timed(write, "write_report_directory", "files and pages (write_report_directory)")
    return parts, kinds


def _one_figure_at_a_time(figures, kinds: dict[str, list]) -> None:
    """draw_figures draws its figures one call each: per kind, ``kinds`` gets [figures, seconds]."""
    original = figures.draw_figures

    def by_figure(report: dict, names: list[str]) -> dict[str, bytes]:
        drawn = {}
        for name in names:
            start = time.perf_counter()
            drawn.update(original(report, [name]))
            tally = kinds.setdefault(name.split("-")[0], [0, 0.0])
            tally[0] += 1
            tally[1] += time.perf_counter() - start
        return drawn

    figures.draw_figures = by_figure


def _matplotlib_start() -> float:
    """Seconds a fresh process takes to import matplotlib and draw its first (tiny) figure."""
    code = ("import time; start = time.perf_counter(); from framelens.report.figures import warm_up; warm_up(); "
            "print(time.perf_counter() - start)")
    return float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                cwd=REPO).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--predictions", help="a predictions JSONL of framelens predict (skips predicting)")
    parser.add_argument("--model", default=str(REPO / "model"))
    parser.add_argument("--plain", action="store_true", help="wall time per stage only, without cProfile")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="framelens-profile-report-") as tmp:
        predictions = Path(args.predictions) if args.predictions else Path(tmp) / "predictions.jsonl"
        if not args.predictions:
            corpus = Path(tmp) / "corpus.jsonl"
            make_report_corpus(corpus, args.articles)
            subprocess.run([sys.executable, str(REPO / "predict.py"), str(corpus), "--model", args.model, "--quiet",
                            "--jobs", "2", "--out", str(predictions)], check=True, cwd=REPO)
        print(f"load average before: {load_average()}")
        profile(predictions, Path(args.model), Path(tmp) / "report", args.plain)
        print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
