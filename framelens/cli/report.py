"""``framelens report``: the per-outlet framing report from a corpus or a predictions file."""
from __future__ import annotations

import argparse
from pathlib import Path

from .common import (
    add_engine_options,
    add_input_options,
    add_jobs_option,
    add_model_option,
    input_config,
    jobs,
    read_inputs,
    say,
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="per-outlet framing report (HTML, Markdown, JSON, tables, figures)",
        description="Write DIR/report.html, report.md, report.json, articles.csv, outlets.csv, pairwise.csv, "
                    "sentences.csv and figures/ for a corpus, or for a predictions file written by framelens predict.",
    )
    add_input_options(parser)
    add_model_option(parser, retrain=True)
    parser.add_argument("--out", metavar="DIR", default="report", help="report directory (default: report/)")
    add_report_options(parser, with_dir=False)
    add_jobs_option(parser)
    add_engine_options(parser)
    parser.add_argument("--no-sentences", action="store_true",
                        help="no sentences.csv: only per-chunk summaries come back from the workers (for archives "
                             "on a Dask cluster)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar or closing summary on stderr (warnings still show)")
    parser.set_defaults(run=run)


def add_report_options(parser: argparse.ArgumentParser, *, with_dir: bool = True) -> None:
    """``--phrase`` (and ``--report DIR`` for predict)."""
    if with_dir:
        parser.add_argument("--report", metavar="DIR", help="also write the per-outlet report into DIR")
    parser.add_argument("--phrase", action="append", default=[], metavar="PHRASE",
                        help="show which outlets use PHRASE, how often, in which frames and in what context "
                             "(repeatable)")


def is_predictions_file(path: str) -> bool:
    """A .jsonl/.csv whose first record looks like framelens predict output."""
    candidate = Path(path)
    if not candidate.is_file() or candidate.suffix.lower() not in (".jsonl", ".csv"):
        return False
    with open(candidate, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
    return ('"probabilities"' in first and '"sentence_index"' in first) or (
        first.startswith("article_id,outlet,sentence_index,text,label,confidence"))


def report_context(args: argparse.Namespace, model, prediction_models: set[str | None] | None = None):
    """Provenance of this run: inputs, command line, model directory, a corpus name for figure titles.

    ``prediction_models``: the model ids the prediction records name (default: the model's).
    """
    from ..report.data import ReportContext

    inputs = list(args.inputs)
    name = Path(inputs[0].rstrip("/")).stem if len(inputs) == 1 and inputs[0] != "-" else (
        "standard input" if inputs == ["-"] else f"{len(inputs)} inputs")
    if prediction_models is None:
        prediction_models = {model.card.model_id} if model is not None else set()
    return ReportContext(inputs=inputs, command=getattr(args, "command_line", ""),
                         model_directory=getattr(model, "source_dir", None) if model is not None else None,
                         corpus_name=name, prediction_models=tuple(sorted(m for m in prediction_models if m)))


WITHOUT_MODEL = "the report leaves out model quality, definitions and explanations"


def predictions_model(args: argparse.Namespace, config, recorded: set[str | None]):
    """The model that made a predictions file's records (found by the id they record), or None, said why.

    Files written before records named their model get the model ``--model`` resolves to, as before.
    """
    from ..errors import ModelError
    from ..model_store import find_model, load_model, obtain_model, searched_model_dirs

    source = args.inputs[0]
    try:
        if recorded <= {None}:
            return obtain_model(args.model, config, retrain=args.retrain, on_step=say)
        if len(recorded) > 1:
            names = ", ".join(sorted(m or "none named" for m in recorded))
            say(f"{source}: the records come from {len(recorded)} models ({names}); {WITHOUT_MODEL}")
            return None
        (model_id,) = recorded
        directory = find_model(str(model_id), args.model)
        if directory is None:
            searched = ", ".join(str(d) for d in searched_model_dirs(args.model))
            say(f"{source}: made by model {model_id}, and none of {searched} (or their previous/) is that model; "
                f"{WITHOUT_MODEL} (name it with --model DIR)")
            return None
        return load_model(directory)
    except ModelError as error:
        say(f"{error}; {WITHOUT_MODEL}")
        return None


def say_report_written(report: dict, out_dir: str) -> None:
    """Say where the report went."""
    say(f"wrote the report for {report['corpus']['sentences']} sentences from {report['corpus']['articles']} "
        f"articles and {report['corpus']['outlets']} outlets to {Path(out_dir) / 'report.html'} "
        "(also report.md, report.json, articles.csv, outlets.csv, pairwise.csv, sentences.csv, figures/)")


def run(args: argparse.Namespace) -> int:
    from ..engine import run_chunks
    from ..files import check_not_input
    from ..model_store import obtain_model
    from ..output import read_predictions
    from ..report.build import (
        ReportBuilder,
        articles_of,
        chunks_of,
        noting_models,
        prediction_frames,
        summariser,
        training_keys,
    )
    from .progress import Progress

    config = input_config(args)
    check_not_input(args.out, args.inputs)
    progress = Progress(args.inputs, enabled=not args.quiet, manifest_name=config.manifest_name)
    from_file = len(args.inputs) == 1 and is_predictions_file(args.inputs[0])
    recorded: set[str | None] = set()
    model = None
    known: frozenset[str] = frozenset()  # the model's training sentences, read once
    if from_file:
        # The model is looked up after the stream, by the ids all of its records name.
        frames, predictions = prediction_frames(read_predictions(args.inputs[0]))
        chunks = chunks_of(articles_of(noting_models(predictions, recorded)), config.chunk_articles)
    else:
        model = obtain_model(args.model, config, retrain=args.retrain, on_step=say)
        frames = model.classes
        known = training_keys(model)
    builder = ReportBuilder(args.out, frames, args.phrase, config, known, sentences=not args.no_sentences,
                            jobs=jobs(args))
    if model is not None:
        chunks = run_chunks(model, progress.track(read_inputs(args, config)), jobs=jobs(args), engine=args.engine,
                            scheduler=args.scheduler, config=config, keep_predictions=not args.no_sentences,
                            summarise=summariser(frames, args.phrase, config, known),
                            summary_context=builder.browser_floor)
    try:
        for chunk in chunks:
            builder.add(chunk.results, chunk.summary)
            progress.classified(chunk.sentences)
    except BaseException:
        progress.close()
        builder.abort()
        raise
    progress.close()
    if from_file:
        model = predictions_model(args, config, recorded)
    tables = builder.finish(model, report_context(args, model, recorded if from_file else None))
    if not args.quiet:
        say_report_written(tables.report, args.out)
    return 0
