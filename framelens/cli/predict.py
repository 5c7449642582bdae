"""``framelens predict`` (and ``predict.py``): one record per sentence, JSONL or CSV, and optionally the report."""
from __future__ import annotations

import argparse

from ..output import FORMATS
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
from .report import add_report_options, report_context, say_report_written


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "predict", help="label every sentence of a corpus",
        description="Split articles into sentences, drop boilerplate and give each sentence a frame.",
    )
    add_input_options(parser)
    add_model_option(parser, retrain=True)
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from --out suffix, else jsonl)")
    parser.add_argument("--out", metavar="FILE", help="write records here (default: stdout)")
    parser.add_argument("--no-split", action="store_true",
                        help="inputs are already one sentence per line/record: no splitting, no boilerplate filter")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar or closing summary on stderr (warnings still show)")
    add_jobs_option(parser)
    add_engine_options(parser)
    add_report_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..engine import run_chunks
    from ..files import check_not_input
    from ..model_store import obtain_model
    from ..output import PredictionWriter, format_for
    from ..report.build import ReportBuilder, summariser, training_keys
    from .progress import Progress

    config = input_config(args)
    check_not_input(args.out, args.inputs)
    check_not_input(args.report, args.inputs)
    model = obtain_model(args.model, config, retrain=args.retrain, on_step=say)
    progress = Progress(args.inputs, enabled=not args.quiet, manifest_name=config.manifest_name)
    articles = progress.track(read_inputs(args, config))
    # With --report and no --out, the per-sentence records are not also dumped on stdout.
    writer = None
    if args.out or not args.report:
        writer = PredictionWriter(args.out, format_for(args.out, args.format), model.classes)
    known = training_keys(model) if args.report else frozenset()
    builder = ReportBuilder(args.report, model.classes, args.phrase, config, known,
                            jobs=jobs(args)) if args.report else None
    summarise = summariser(model.classes, args.phrase, config, known) if builder else None
    try:
        chunks = run_chunks(model, articles, split=not args.no_split, jobs=jobs(args), engine=args.engine,
                            scheduler=args.scheduler, config=config, summarise=summarise,
                            summary_context=builder.browser_floor if builder else None)
        for chunk in chunks:
            for item in chunk.results:
                if writer is not None:
                    writer.write_article(item.predictions)
            if builder is not None:
                builder.add(chunk.results, chunk.summary)
            progress.classified(chunk.sentences)
    except KeyboardInterrupt:
        progress.close()
        if builder is not None:
            builder.abort()
        if writer is None:
            raise
        writer.finish()
        if args.out:
            say(f"interrupted: kept {writer.articles} whole articles ({writer.records} sentences) in {args.out}")
        raise
    except BaseException:
        progress.close()
        if writer is not None:
            writer.abort()
        if builder is not None:
            builder.abort()
        raise
    progress.close()
    if writer is not None:
        writer.finish()
    if writer is not None and args.out and not args.quiet:
        say(f"wrote {writer.records} sentences from {writer.articles} articles to {args.out}")
    if builder is not None:
        tables = builder.finish(model, report_context(args, model))
        if not args.quiet:
            say_report_written(tables.report, args.report)
    return 0
