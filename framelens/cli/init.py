"""``framelens init DIR``: a starter project for your own story (codebook, empty labels file, workflow README)."""
from __future__ import annotations

import argparse

from .common import say


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "init", help="start a project for your own story and label set",
        description="Write DIR/labels/codebook.toml (your labels, with comments on each field), an empty "
                    "DIR/labels/labels.csv and DIR/README.md (the workflow: label, train, evaluate, report). "
                    "Existing files are never overwritten.",
    )
    parser.add_argument("directory", metavar="DIR", help="project directory (created if missing)")
    parser.add_argument("--frames", metavar="A,B,C",
                        help="your label names (default: an example set to edit: pro-tariff, anti-tariff, neutral)")
    parser.add_argument("--story", metavar="TEXT", default="", help="one line naming the story")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..project import init_project

    names = [name.strip() for name in args.frames.split(",")] if args.frames else None
    written = init_project(args.directory, names, story=args.story)
    say(f"wrote {', '.join(str(path) for path in written)}; next: edit the codebook, then "
        f"cd {args.directory} && framelens label ARTICLES --into labels/labels.csv")
    return 0
