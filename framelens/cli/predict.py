"""``framelens predict`` (and ``predict.py``): one record per sentence, JSONL or CSV."""
from __future__ import annotations

import argparse

from ..files import check_not_input
from ..output import FORMATS, PredictionWriter, format_for
from ..engine import default_jobs, run_predictions
from ..report import ArticleRecord
from .progress import progress
from .report import add_report_options, write_articles_report
from .common import add_input_options, add_model_option, obtain_model, say, input_config, read_inputs


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "predict", help="label every sentence of a corpus",
        description="Split articles into sentences, drop boilerplate and give each sentence a frame.",
    )
    add_input_options(parser)
    add_model_option(parser)
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from --out suffix, else jsonl)")
    parser.add_argument("--out", metavar="FILE", help="write records here (default: stdout)")
    parser.add_argument("--no-split", action="store_true",
                        help="inputs are already one sentence per line/record: no splitting, no boilerplate filter")
    parser.add_argument("--quiet", action="store_true", help="no status lines or progress bar on stderr")
    parser.add_argument("--jobs", type=int, default=default_jobs(), metavar="N",
                        help="worker processes for splitting and classifying (default: all cores, %(default)s)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local processes, or a Dask cluster (needs the dask extra)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address (default: a LocalCluster with --jobs workers)")
    add_report_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = input_config(args)
    check_not_input(args.out, args.inputs)
    check_not_input(args.report, args.inputs)
    model = obtain_model(args.model, config)
    articles = read_inputs(args, config)
    # With --report and no --out, the per-sentence records are not also dumped on stdout.
    writer = None
    if args.out or not args.report:
        writer = PredictionWriter(args.out, format_for(args.out, args.format), model.classes)
    collected: list[ArticleRecord] = []
    try:
        results = run_predictions(model, articles, split=not args.no_split, jobs=args.jobs,
                                  engine=args.engine, scheduler=args.scheduler, config=config)
        for item in progress(results, enabled=not args.quiet):
            if writer is not None:
                writer.write_article(item.predictions)
            if args.report:
                collected.append(ArticleRecord(item.article.article_id, item.article.outlet, item.article.date,
                                               item.predictions))
    except KeyboardInterrupt:
        if writer is None:
            raise
        writer.finish()
        if args.out:
            say(f"interrupted: kept {writer.articles} whole articles ({writer.records} sentences) in {args.out}")
        raise
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.finish()
    if args.out and not args.quiet:
        say(f"wrote {writer.records} sentences from {writer.articles} articles to {args.out}")
    if args.report:
        write_articles_report(collected, args.report, model, config, args.phrase)
    return 0
