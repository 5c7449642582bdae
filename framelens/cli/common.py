"""Helpers shared by the command modules: messages, the options every command spells the same way.

Option rules (one meaning per option across commands):

- labels to read are positional ``LABELS`` (files or directories); a labels file
  that answers are appended to is ``--into FILE``;
- ``--out`` is a FILE when the command writes one file (predict, suggest) and a
  DIR when it writes several (report, evaluate, init takes its DIR positionally);
- ``--model DIR`` is the model to use or to train into.

Only light modules are imported here: ``framelens --help`` must not pay for
scikit-learn. Command modules import the library inside ``run``.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from ..config import DEFAULT_CONFIG, Config
from ..model_store import DEFAULT_LABELS, DEFAULT_MODEL_DIR, MODEL_ENV

__all__ = [
    "DEFAULT_LABELS",
    "DEFAULT_MODEL_DIR",
    "add_input_options",
    "add_jobs_option",
    "add_labels_argument",
    "add_model_option",
    "field_map",
    "say",
]


def say(message: str) -> None:
    """A progress or status line on stderr (stdout carries data)."""
    print(f"framelens: {message}", file=sys.stderr, flush=True)


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """INPUT paths (at least one) plus encoding and column-mapping options."""
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="files or directories of .txt/.jsonl/.csv articles, or - for stdin",
    )
    parser.add_argument("--encoding", default=DEFAULT_CONFIG.encoding,
                        help="text encoding of inputs (default: utf-8; e.g. cp1252)")
    for field in ("text", "id", "outlet", "title", "url", "date"):
        parser.add_argument(f"--{field}-column", metavar="NAME",
                            help=f"name of the {field} column/field in .csv/.jsonl inputs")
    parser.add_argument("--max-input-bytes", type=int, default=DEFAULT_CONFIG.max_input_bytes, metavar="N",
                        help="refuse an input file larger than N bytes after decompression (default: %(default)s)")
    parser.add_argument("--max-article-chars", type=int, default=DEFAULT_CONFIG.max_article_chars, metavar="N",
                        help="skip (with a warning) articles longer than N characters (default: %(default)s)")
    parser.add_argument("--max-paragraph-chars", type=int, default=DEFAULT_CONFIG.max_paragraph_chars, metavar="N",
                        help="skip (with a warning) articles with a paragraph over N characters (default: %(default)s)")


def input_config(args: argparse.Namespace, **changes) -> Config:
    """The config of a command that reads a corpus: encoding and input limits from the options."""
    return replace(DEFAULT_CONFIG, encoding=args.encoding, max_input_bytes=args.max_input_bytes,
                   max_article_chars=args.max_article_chars, max_paragraph_chars=args.max_paragraph_chars, **changes)


def read_inputs(args: argparse.Namespace, config: Config):
    """The articles of the INPUT paths; skipped over-long articles are reported on stderr."""
    from ..corpus import read_corpus

    return read_corpus(args.inputs, fields=field_map(args), config=config, on_warning=say)


def field_map(args: argparse.Namespace):
    """The column mapping given on the command line (a :class:`~framelens.corpus.FieldMap`)."""
    from ..corpus import FieldMap

    return FieldMap(
        text=args.text_column, id=args.id_column, outlet=args.outlet_column,
        title=args.title_column, url=args.url_column, date=args.date_column,
    )


def add_model_option(parser: argparse.ArgumentParser, *, retrain: bool = False) -> None:
    """``--model DIR`` (and, for commands that load a model, ``--retrain``)."""
    parser.add_argument("--model", metavar="DIR",
                        help=f"model directory (default: ${MODEL_ENV}, else {DEFAULT_MODEL_DIR}/ here, "
                             "else the model shipped with framelens)")
    if retrain:
        parser.add_argument("--retrain", action="store_true",
                            help="if the model was written by another scikit-learn or changed, retrain it from its "
                                 "labels into a new directory (the old one is kept)")


def add_labels_argument(parser: argparse.ArgumentParser, *, what: str = "label CSV files or directories") -> None:
    """Positional ``LABELS`` (default ``labels/``)."""
    parser.add_argument("labels", nargs="*", metavar="LABELS", default=[DEFAULT_LABELS],
                        help=f"{what} (default: {DEFAULT_LABELS}/)")


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """``--engine`` and ``--scheduler``."""
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local processes, or a Dask cluster (needs the dask extra)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address (default: a LocalCluster with --jobs workers)")


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    """``--jobs N`` (default: every core, decided when the command runs)."""
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="worker processes for splitting and classifying (default: all cores)")


def jobs(args: argparse.Namespace) -> int:
    """``--jobs`` or the engine's default."""
    from ..engine import default_jobs

    return args.jobs if args.jobs is not None else default_jobs()
