"""``framelens report``: the per-outlet framing report from a corpus or a predictions file."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..config import Config
from ..engine import default_jobs, run_predictions
from ..errors import ModelError
from ..files import check_not_input
from ..output import read_predictions
from ..report import ArticleRecord, group_predictions, write_report
from .common import add_input_options, add_model_option, obtain_model, say, input_config, read_inputs


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="per-outlet framing report (HTML, Markdown, JSON, charts)",
        description="Write DIR/report.html, report.md, report.json, sentences.csv and figures/ for a corpus, "
                    "or for a predictions file written by framelens predict.",
    )
    add_input_options(parser)
    add_model_option(parser)
    parser.add_argument("--out", metavar="DIR", default="report", help="report directory (default: report/)")
    add_report_options(parser, with_dir=False)
    parser.add_argument("--jobs", type=int, default=default_jobs(), metavar="N", help="worker processes")
    parser.add_argument("--quiet", action="store_true", help="no status lines on stderr")
    parser.set_defaults(run=run)


def add_report_options(parser: argparse.ArgumentParser, *, with_dir: bool = True) -> None:
    """``--phrase`` (and ``--report DIR`` for predict)."""
    if with_dir:
        parser.add_argument("--report", metavar="DIR", help="also write the per-outlet report into DIR")
    parser.add_argument("--phrase", action="append", default=[], metavar="PHRASE",
                        help="show which outlets use PHRASE, how often and in which frames (repeatable)")


def is_predictions_file(path: str) -> bool:
    """A .jsonl/.csv whose first record looks like framelens predict output."""
    candidate = Path(path)
    if not candidate.is_file() or candidate.suffix.lower() not in (".jsonl", ".csv"):
        return False
    with open(candidate, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
    return ('"probabilities"' in first and '"sentence_index"' in first) or (
        first.startswith("article_id,outlet,sentence_index,text,label,confidence"))


def write_articles_report(articles: list[ArticleRecord], out_dir: str, model, config: Config, phrases) -> None:
    """Write the report and say where it went."""
    report = write_report(articles, out_dir, model, config, phrases)
    say(f"wrote the report for {report['corpus']['sentences']} sentences from {report['corpus']['articles']} "
        f"articles and {report['corpus']['outlets']} outlets to {Path(out_dir) / 'report.html'} "
        "(also report.md, report.json, sentences.csv, figures/)")


def run(args: argparse.Namespace) -> int:
    config = input_config(args)
    check_not_input(args.out, args.inputs)
    if len(args.inputs) == 1 and is_predictions_file(args.inputs[0]):
        articles = group_predictions(read_predictions(args.inputs[0]))
        try:
            model = obtain_model(args.model, config)
        except ModelError as error:
            say(f"{error}; the report leaves out model quality and corrections")
            model = None
    else:
        model = obtain_model(args.model, config)
        corpus = read_inputs(args, config)
        articles = [ArticleRecord(i.article.article_id, i.article.outlet, i.article.date, i.predictions)
                    for i in run_predictions(model, corpus, jobs=args.jobs, config=config)]
    write_articles_report(articles, args.out, model, config, args.phrase)
    return 0
