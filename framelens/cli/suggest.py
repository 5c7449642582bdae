"""``framelens suggest`` and ``framelens import-labels``: label in a spreadsheet instead of the terminal."""
from __future__ import annotations

import argparse

from ..active import candidates_from_articles, rank_candidates
from ..config import Config
from ..errors import LabelError
from ..files import check_not_input
from ..labels import labelled_rows, read_declared_labels
from ..sheet import import_sheet, write_sheet
from .common import (
    add_input_options,
    add_model_option,
    input_config,
    known_label_files,
    optional_model,
    read_inputs,
    say,
)
from .label import positive_int


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "suggest", help="write the most informative unlabelled sentences to a CSV sheet",
        description="Rank unlabelled sentences (the model's least certain first, near-identical ones apart) and "
                    "write them with their neighbours and an empty label column.",
    )
    add_input_options(parser)
    parser.add_argument("-n", type=positive_int, default=Config().suggest_count, metavar="N",
                        help="how many sentences (default: %(default)s)")
    parser.add_argument("--out", required=True, metavar="FILE", help="the sheet to write (CSV)")
    parser.add_argument("--labels", nargs="+", default=[], metavar="PATH",
                        help="more label files whose sentences count as labelled (besides labels/ and the model's)")
    add_model_option(parser)
    parser.set_defaults(run=run_suggest)

    parser = subparsers.add_parser(
        "import-labels", help="append the filled rows of a sheet to a labels file",
        description="Validate a filled sheet and append its good rows; rows with an empty or unknown label, or "
                    "a sentence already labelled, are reported by row number and left out.",
    )
    parser.add_argument("sheet", metavar="SHEET", help="the filled sheet (from framelens suggest)")
    parser.add_argument("--into", required=True, metavar="FILE", help="labels CSV to append to (created if missing)")
    parser.add_argument("--label-set", metavar="A,B,C",
                        help="allowed labels (default: label_set.txt beside --into, else the model's labels)")
    add_model_option(parser)
    parser.set_defaults(run=run_import)


def run_suggest(args: argparse.Namespace) -> int:
    config = input_config(args)
    check_not_input(args.out, args.inputs)
    model = optional_model(args.model, config)
    known = labelled_rows([*known_label_files(args.model), *args.labels])
    articles = read_inputs(args, config)
    candidates = candidates_from_articles(articles, {row.key for row in known})
    ranked = rank_candidates(candidates, model, labelled_texts=[row.sentence for row in known], limit=args.n,
                             diversity_weight=config.diversity_weight)
    write_sheet(args.out, ranked)
    basis = "least certain for the model first" if model is not None else "no model: by diversity only"
    say(f"wrote {len(ranked)} of {len(candidates)} unlabelled sentences to {args.out} ({basis}); "
        f"fill the label column, then: framelens import-labels {args.out} --into FILE")
    return 0


def run_import(args: argparse.Namespace) -> int:
    config = Config()
    names = args.label_set.split(",") if args.label_set else read_declared_labels([args.into])
    if not names:
        model = optional_model(args.model, config)
        if model is None:
            raise LabelError(f"no allowed labels known for {args.into}; pass --label-set a,b,c "
                             "or put a label_set.txt beside it")
        names = model.classes
    other = known_label_files(args.model)
    result = import_sheet(args.sheet, args.into, names, other_label_files=other, source=config.import_source)
    for problem in result.problems:
        print(f"{problem} (not imported)")
    print(f"imported {result.imported} row{'s' if result.imported != 1 else ''} into {args.into}; "
          f"{len(result.problems)} not imported")
    return 1 if result.rejected else 0
