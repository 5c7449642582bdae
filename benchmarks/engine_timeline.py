"""Who classified which chunk when, in one ``framelens predict --jobs 2`` run: worker idle time and the tail.

    python benchmarks/engine_timeline.py [--articles 6000] [--report] [--jobs 2]

Generates bench_report.py's corpus (or reads ``--corpus``), runs ``predict --out`` (or
``--report``) in this process, and notes the start and end of every chunk classified,
in this process and in the workers (this script is what spawned workers import first,
so the notes are taken there too). Prints: chunks classified here and by the workers,
the workers' time between chunks (idle while there was input left), when the last chunk
here and the last worker chunk ended, when predicting ended and when the run ended.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_predict import REPO

import framelens.engine as engine

_run_in_worker = engine._run_in_worker
_classify = engine._ChunkTask.__call__
def _note(where: str, start: float) -> None:
    notes = os.environ.get("FRAMELENS_TIMELINE_NOTES")  # a file every process of the run appends to
    if notes:
        with open(notes, "a", encoding="ascii") as handle:
            handle.write(f"{where} {os.getpid()} {start:.3f} {time.time():.3f}\n")


def _noting_run_in_worker(task, chunk, context):
    start = time.time()
    output = _run_in_worker(task, chunk, context)
    _note("worker", start)
    return output


def _noting_classify(self, model, chunk, context=None, *args, **kwargs):
    start = time.time()
    output = _classify(self, model, chunk, context, *args, **kwargs)
    if os.environ.get("FRAMELENS_TIMELINE_PARENT") == str(os.getpid()):
        _note("here", start)
    return output


engine._run_in_worker = _noting_run_in_worker
engine._ChunkTask.__call__ = _noting_classify  # type: ignore[method-assign]


def timeline(notes: Path, started: float, predicted: float, ended: float) -> str:
    rows = [line.split() for line in notes.read_text("ascii").splitlines()]
    here = sorted((float(a) - started, float(b) - started) for where, _, a, b in rows if where == "here")
    worker = sorted((float(a) - started, float(b) - started) for where, _, a, b in rows if where == "worker")
    gaps = sum(max(0.0, worker[i + 1][0] - worker[i][1]) for i in range(len(worker) - 1))
    return "\n".join([
        f"chunks classified here {len(here)}, by the worker(s) {len(worker)}",
        f"worker busy {sum(b - a for a, b in worker):.1f} s, idle between its chunks {gaps:.1f} s",
        f"last chunk here ended at {max((b for _, b in here), default=0):.1f} s, "
        f"last worker chunk at {max((b for _, b in worker), default=0):.1f} s",
        f"predicting ended at {predicted - started:.1f} s, the run at {ended - started:.1f} s",
    ])


def main(argv: list[str] | None = None) -> int:
    from bench_report import make_report_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=6000)
    parser.add_argument("--corpus", help="a JSONL corpus (default: generate bench_report.py's)")
    parser.add_argument("--report", action="store_true", help="predict --report DIR instead of --out FILE")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--model", default=str(REPO / "model"))
    args = parser.parse_args(argv)
    from framelens.cli import main as framelens_main
    from framelens.report import build

    with tempfile.TemporaryDirectory(prefix="framelens-timeline-") as tmp:
        corpus = Path(args.corpus) if args.corpus else Path(tmp) / "corpus.jsonl"
        if not args.corpus:
            make_report_corpus(corpus, args.articles)
        notes = Path(tmp) / "notes.txt"
        notes.touch()
        os.environ["FRAMELENS_TIMELINE_NOTES"] = str(notes)
        os.environ["FRAMELENS_TIMELINE_PARENT"] = str(os.getpid())
        predicted = []
        finish = build.ReportBuilder.finish

        def noting_finish(self, *a, **k):
            predicted.append(time.time())
            return finish(self, *a, **k)

        build.ReportBuilder.finish = noting_finish  # type: ignore[method-assign]
        output = ["--report", str(Path(tmp) / "report")] if args.report else ["--out", str(Path(tmp) / "out.jsonl")]
        started = time.time()
        status = framelens_main(["predict", str(corpus), "--model", args.model, "--jobs", str(args.jobs), "--quiet",
                                 *output])
        ended = time.time()
        print(timeline(notes, started, predicted[0] if predicted else ended, ended))
    return status


if __name__ == "__main__":
    sys.exit(main())
