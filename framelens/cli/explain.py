"""``framelens explain``: the terms that pushed a sentence (or the whole model) towards each frame."""
from __future__ import annotations

import argparse
import sys

from ..config import DEFAULT_CONFIG
from .common import add_model_option, say


def register(subparsers) -> None:
    parser = subparsers.add_parser("explain", help="why a sentence got its frame, or the model's top terms",
                                   description="Per frame, the terms with their weights (TF-IDF × coefficient).")
    parser.add_argument("sentence", nargs="?", help="the sentence to explain")
    parser.add_argument("--top", action="store_true", help="the whole model's top terms per frame")
    parser.add_argument("-n", type=int, default=DEFAULT_CONFIG.explain_terms,
                        help="terms per frame (default: %(default)s)")
    add_model_option(parser, retrain=True)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.top and not args.sentence:
        print("framelens: error: give a sentence in quotes, or --top for the whole model", file=sys.stderr)
        return 2
    from ..explain import explain_sentence, top_terms
    from ..model_store import obtain_model

    model = obtain_model(args.model, DEFAULT_CONFIG, retrain=args.retrain, on_step=say)
    if args.top:
        for frame, terms in top_terms(model, args.n).items():
            print(f"{frame}: " + ", ".join(f"{t['term']} ({t['weight']:+.2f})" for t in terms))
        return 0
    explanation = explain_sentence(model, args.sentence, args.n)
    probabilities = ", ".join(f"{f} {p:.2f}" for f, p in explanation["probabilities"].items())
    print(f"{explanation['label']}  ({probabilities})")
    for frame, terms in explanation["terms"].items():
        pushed = ", ".join(f"{t['term']} ({t['weight']:+.3f})" for t in terms) or "nothing"
        print(f"  towards {frame}: {pushed}")
    return 0
