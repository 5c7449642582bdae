"""``framelens label``: label sentences in the terminal, most informative first.

Answers are read one line at a time from stdin, so the same session works in a
terminal and with piped input (end of input quits). Every answer is already
on disk when the next sentence shows.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import textwrap

from ..config import Config
from ..errors import LabelError
from ..files import check_not_input
from ..labels import BOILERPLATE, labels_lock
from ..session import LabellingSession
from .common import (
    add_input_options,
    add_model_option,
    input_config,
    known_label_files,
    optional_model,
    read_inputs,
)

HELP = """keys:
  {numbers}  the label with that number
  s    skip: leave it unlabelled for now (a later session may show it again)
  b    boilerplate: not content (navigation, byline, topic-only heading); never shown again
  u    undo the last answer: an 'undo' row is appended and the sentence is shown again
  ?    this help
  q    quit (end of input too); every answer is already saved"""


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "label", help="label sentences in the terminal, most informative first",
        description="Show one unlabelled sentence at a time with its outlet and neighbours; each answer is "
                    "appended to --labels at once. Already labelled sentences never come back.",
    )
    add_input_options(parser)
    parser.add_argument("--labels", required=True, metavar="FILE", help="labels CSV the answers are appended to")
    parser.add_argument("--label-set", metavar="A,B,C", help="label names, in key order (default: the model's labels)")
    add_model_option(parser)
    parser.add_argument("--every", type=positive_int, default=Config().retrain_every, metavar="N",
                        help="retrain and show the grouped-CV macro-F1 every N answers (default: %(default)s)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = input_config(args, retrain_every=args.every)
    check_not_input(args.labels, args.inputs)
    # Writable and not in use by another session, before anything is asked.
    with labels_lock(args.labels):
        model = optional_model(args.model, config)
        if args.label_set:
            names = args.label_set.split(",")
        elif model is not None:
            names = model.classes
        else:
            raise LabelError("no model to take the label names from; train one (framelens train) or pass --label-set a,b,c")
        articles = read_inputs(args, config)
        session = LabellingSession(articles, args.labels, names, model=model,
                                   training_files=known_label_files(args.model), config=config)
        _converse(session, args.labels)
    return 0


def _converse(session: LabellingSession, labels_file: str) -> None:
    keys = {str(number): label for number, label in enumerate(session.label_names, start=1)}
    legend = "  ".join(f"{key} {label}" for key, label in keys.items())
    prompt = f"[1-{len(keys)} s b u ? q]> "
    _out(f"{session.unlabelled_at_start} unlabelled sentences; {session.already_labelled} already labelled "
         f"(never shown again). Answers go to {labels_file}.")
    _out(f"{legend}  s skip  b boilerplate  u undo  ? help  q quit")
    show = True
    while True:
        candidate = session.current
        if candidate is None:
            _out("no unlabelled sentences left in the input.")
            break
        if show:
            _show(candidate, len(session.history) + 1, session.remaining)
        show = True
        key = _ask(prompt)
        if key is None or key == "q":
            break
        if key in keys or key == "b":
            answer = session.answer(keys.get(key, BOILERPLATE))
            _out(f"saved: {answer.label} (row {answer.row})")
        elif key == "s":
            session.skip()
            _out("skipped")
        elif key == "u":
            undone = session.undo()
            if undone is None:
                _out("nothing to undo")
                show = False
            elif undone[1] is None:
                _out("back to the skipped sentence")
            else:
                _out(f"undone: {undone[0].label} (row {undone[0].row} withdrawn by row {undone[1]})")
        elif key == "?":
            _out(HELP.format(numbers=f"1-{len(keys)}".ljust(3)))
            _out(legend)
        else:
            _out(f"unknown key '{key}'; type ? for help")
            show = False
        if session.due_for_retrain:
            _retrain(session)
    _summary(session, labels_file)


def _show(candidate, number: int, remaining: int) -> None:
    sentence = candidate.sentence
    _out("")
    _out(f"#{number}  {sentence.outlet}  ({sentence.article_id}, sentence {sentence.sentence_index + 1} "
         f"of {candidate.article_length}; {remaining} left)")
    _out(_wrapped("     ", candidate.before or "(start of article)"))
    _out(_wrapped(">>>  ", sentence.text))
    _out(_wrapped("     ", candidate.after or "(end of article)"))


def _wrapped(prefix: str, text: str) -> str:
    """``prefix + text``, wrapped to the terminal's width when there is one (piped output stays one line)."""
    if not sys.stdout.isatty():
        return prefix + text
    width = max(40, shutil.get_terminal_size().columns - 1)
    return textwrap.fill(text, width=width, initial_indent=prefix, subsequent_indent=" " * len(prefix))


def _ask(prompt: str) -> str | None:
    """One answer line, stripped and lower-cased; ``None`` at end of input."""
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:
        print()
        return None
    if not sys.stdin.isatty():
        print(line.strip())  # piped: echo so the transcript reads like a terminal
    return line.strip().lower()


def _retrain(session: LabellingSession) -> None:
    _out(f"retraining after {session.config.retrain_every} answers ...")
    result = session.retrain()
    if result.error:
        _out(f"not retrained: {result.error}")
        return
    was = f" (was {result.previous_macro_f1:.3f})" if result.previous_macro_f1 is not None else ""
    if result.cv is None:
        _out(f"retrained on {result.n_sentences} sentences; grouped CV impossible with {result.n_articles} "
             f"article(s): it needs at least two")
    else:
        _out(f"retrained on {result.n_sentences} sentences: grouped-CV macro-F1 {result.cv.macro_f1_mean:.3f} "
             f"± {result.cv.macro_f1_sd:.3f} over {result.cv.n_splits} folds{was}")


def _summary(session: LabellingSession, labels_file: str) -> None:
    counts = session.counts()
    total = sum(counts.values())
    detail = ", ".join(f"{label} {n}" for label, n in counts.items() if n)
    skipped = sum(1 for answer in session.history if answer.label is None)
    _out(f"stopped: {total} answers this session{f' ({detail})' if detail else ''} are in {labels_file}"
         f"{f'; {skipped} skipped' if skipped else ''}. Run the same command to go on.")


def _out(line: str) -> None:
    print(line, flush=True)
