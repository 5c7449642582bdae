"""``framelens predict`` (and ``predict.py``): one record per sentence, JSONL or CSV."""
from __future__ import annotations

import argparse

from ..config import Config
from ..output import FORMATS
from .common import add_input_options, add_model_option, field_map, obtain_model, say
from .report import add_report_options


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
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="processes for splitting and classifying (default: all cores)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local processes, or a Dask cluster (needs the dask extra)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address (default: a LocalCluster with --jobs workers)")
    add_report_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..corpus import read_corpus
    from ..engine import default_jobs, run_chunks
    from ..output import PredictionWriter, format_for
    from ..report import ArticleRecord
    from .progress import Progress
    from .report import write_articles_report

    config = Config(encoding=args.encoding)
    model = obtain_model(args.model, config)
    progress = Progress(args.inputs, enabled=not args.quiet, manifest_name=config.manifest_name)
    articles = progress.track(read_corpus(args.inputs, fields=field_map(args), encoding=config.encoding,
                                          manifest_name=config.manifest_name))
    # With --report and no --out, the per-sentence records are not also dumped on stdout.
    writer = None
    if args.out or not args.report:
        writer = PredictionWriter(args.out, format_for(args.out, args.format), model.classes)
    collected: list[ArticleRecord] = []
    try:
        chunks = run_chunks(model, articles, split=not args.no_split, jobs=args.jobs or default_jobs(),
                            engine=args.engine, scheduler=args.scheduler, config=config)
        for chunk in chunks:
            for item in chunk.results:
                if writer is not None:
                    writer.write_article(item.predictions)
                if args.report:
                    collected.append(ArticleRecord(item.article.article_id, item.article.outlet, item.article.date,
                                                   item.predictions))
            progress.classified(chunk.sentences)
    except KeyboardInterrupt:
        progress.close()
        if writer is None:
            raise
        writer.finish(partial=True)
        if args.out:
            say(f"interrupted: kept {writer.articles} whole articles ({writer.records} sentences) in {args.out}")
        raise
    except BaseException:
        progress.close()
        if writer is not None:
            writer.abort()
        raise
    progress.close()
    if writer is not None:
        writer.finish()
        if args.out and not args.quiet:
            say(f"wrote {writer.records} sentences from {writer.articles} articles to {args.out}")
    if args.report:
        write_articles_report(collected, args.report, model, config, args.phrase)
    return 0
