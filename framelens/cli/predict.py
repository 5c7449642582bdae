"""``framelens predict`` (and ``predict.py``): one record per sentence, JSONL or CSV."""
from __future__ import annotations

import argparse

from ..config import Config
from ..corpus import read_corpus
from ..output import FORMATS, PredictionWriter, format_for
from ..engine import default_jobs, run_predictions
from .progress import progress
from .common import add_input_options, add_model_option, field_map, obtain_model, say


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
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = Config(encoding=args.encoding)
    model = obtain_model(args.model, config)
    articles = read_corpus(args.inputs, fields=field_map(args), encoding=config.encoding,
                           manifest_name=config.manifest_name)
    writer = PredictionWriter(args.out, format_for(args.out, args.format), model.classes)
    try:
        results = run_predictions(model, articles, split=not args.no_split, jobs=args.jobs,
                                  engine=args.engine, scheduler=args.scheduler, config=config)
        for item in progress(results, enabled=not args.quiet):
            writer.write_article(item.predictions)
    except KeyboardInterrupt:
        writer.finish(partial=True)
        if args.out:
            say(f"interrupted: kept {writer.articles} whole articles ({writer.records} sentences) in {args.out}")
        raise
    except BaseException:
        writer.abort()
        raise
    writer.finish()
    if args.out and not args.quiet:
        say(f"wrote {writer.records} sentences from {writer.articles} articles to {args.out}")
    return 0
