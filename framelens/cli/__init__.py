"""The ``framelens`` command line: parse options, call the library, report errors in one line.

Each command lives in a small module of this package with two functions,
``register(subparsers)`` and ``run(args) -> int``; modules import the library
inside ``run`` so that ``framelens --help`` answers at once. Only this package prints,
prompts or exits. Library errors (:class:`~framelens.errors.FramelensError`)
become ``framelens: error: <message>`` on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import shlex
import signal
import sys

from .. import __version__
from ..errors import FramelensError

# Modules that define commands, in the order `framelens --help` lists them.
COMMAND_MODULES = ("init", "train", "predict", "report", "evaluate", "explain", "label", "suggest", "audit")

EPILOG = """options mean the same in every command: LABELS (positional) are label files or directories to
read; --into FILE is a labels file answers are appended to; --out is a FILE for commands that write
one file (predict, suggest) and a DIR for those that write several (report, evaluate); --model DIR is
the model (default: $FRAMELENS_MODEL, else model/ here, else the model shipped with framelens)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="framelens", description="Measure how news outlets frame a story, sentence by sentence.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"framelens {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name.replace('-', '_')}").register(subparsers)
    return parser


def _terminate(signum, frame):  # SIGTERM behaves like Ctrl-C: finish whole articles, keep them
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``framelens`` command; returns the exit status."""
    previous = None
    try:  # Ctrl-C during start-up (imports, parsing) is an interruption too, not a traceback
        parser = build_parser()
        args = parser.parse_args(argv)
        # The command as typed, for the report's provenance.
        args.command_line = shlex.join(["framelens", *(sys.argv[1:] if argv is None else argv)])
        previous = signal.signal(signal.SIGTERM, _terminate)
        return args.run(args)
    except FramelensError as error:
        print(f"framelens: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("framelens: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0  # `framelens predict | head` is fine
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def entry() -> None:
    """Console-script wrapper that exits with :func:`main`'s status."""
    sys.exit(main())
