"""The ``framelens`` command line: parse options, call the library, report errors in one line.

Each command lives in a small module of this package with two functions,
``register(subparsers)`` and ``run(args) -> int``. Only this package prints,
prompts or exits. Library errors (:class:`~framelens.errors.FramelensError`)
become ``framelens: error: <message>`` on stderr and exit status 2.
"""
from __future__ import annotations

import argparse
import signal
import sys

from .. import __version__
from ..errors import FramelensError

# Modules that define commands, in the order `framelens --help` lists them.
COMMAND_MODULES = ("train", "predict", "report", "evaluate", "explain", "label", "suggest", "audit")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command registered."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="framelens", description="Measure how news outlets frame a story, sentence by sentence."
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
