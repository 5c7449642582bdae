"""``framelens suggest`` and ``framelens import-labels``: label in a spreadsheet instead of the terminal."""
from __future__ import annotations

import argparse

from ..config import DEFAULT_CONFIG
from .common import DEFAULT_LABELS, add_input_options, add_model_option, input_config, read_inputs, say
from .label import positive_int


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "suggest", help="write the most informative unlabelled sentences to a CSV sheet",
        description="Rank unlabelled sentences (the model's least certain first, near-identical ones apart) and "
                    "write them with their neighbours and an empty label column.",
    )
    add_input_options(parser)
    parser.add_argument("-n", type=positive_int, default=DEFAULT_CONFIG.suggest_count, metavar="N",
                        help="how many sentences (default: %(default)s)")
    parser.add_argument("--out", required=True, metavar="FILE", help="the sheet to write (CSV)")
    parser.add_argument("--labelled", nargs="+", default=[], metavar="LABELS",
                        help="more label files or directories whose sentences count as labelled "
                             "(besides labels/ and the model's training files)")
    add_model_option(parser)
    parser.set_defaults(run=run_suggest)

    parser = subparsers.add_parser(
        "import-labels", help="append the filled rows of a sheet (or corrected predictions CSV) to a labels file",
        description="Validate a filled sheet, or a predictions CSV whose label column was corrected, and append "
                    "its good rows; rows with an empty or unknown label, or a sentence already labelled, are "
                    "reported by row number and left out.",
    )
    parser.add_argument("sheet", metavar="SHEET", help="the filled sheet (from framelens suggest or predict)")
    parser.add_argument("--into", required=True, metavar="FILE", help="labels CSV to append to (created if missing)")
    parser.add_argument("--label-set", metavar="A,B,C",
                        help="allowed labels (default: the codebook beside --into, else the model's labels)")
    add_model_option(parser)
    parser.set_defaults(run=run_import)


def run_suggest(args: argparse.Namespace) -> int:
    from ..active import candidates_from_articles, rank_candidates
    from ..codebook import find_codebook
    from ..files import check_not_input
    from ..labels import labelled_rows
    from ..model_store import known_label_files, optional_model
    from ..sheet import write_sheet

    config = input_config(args)
    check_not_input(args.out, args.inputs)
    model = optional_model(args.model, config, on_step=say)
    codebook = find_codebook([args.out, *args.labelled, DEFAULT_LABELS])
    if model is not None and codebook is not None and set(model.classes) != set(codebook.names):
        model = None  # a model of another label set cannot say which of these sentences it is unsure of
    known = labelled_rows([*known_label_files(args.model, with_model=model is not None), *args.labelled])
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
    from ..errors import LabelError
    from ..labels import read_declared_labels
    from ..model_store import known_label_files, optional_model, uses_shipped_model
    from ..sheet import import_sheet

    names = args.label_set.split(",") if args.label_set else read_declared_labels([args.into])
    if not names:
        # The shipped model never decides a new project's labels.
        model = None if uses_shipped_model(args.model) else optional_model(args.model, DEFAULT_CONFIG, on_step=say)
        if model is None:
            raise LabelError(f"no allowed labels known for {args.into}; pass --label-set a,b,c "
                             "or put a codebook.toml beside it")
        names = model.classes
    other = known_label_files(args.model)
    result = import_sheet(args.sheet, args.into, names, other_label_files=other, source=DEFAULT_CONFIG.import_source)
    for problem in result.problems:
        print(f"{problem} (not imported)")
    print(f"imported {result.imported} row{'s' if result.imported != 1 else ''} into {args.into}; "
          f"{len(result.problems)} not imported")
    return 1 if result.rejected else 0
