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

from ..codebook import BOILERPLATE
from ..config import DEFAULT_CONFIG
from .common import add_input_options, add_model_option, input_config, read_inputs, say

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
                    "appended to --into at once. Already labelled sentences never come back.",
    )
    add_input_options(parser)
    parser.add_argument("--into", required=True, metavar="FILE", help="labels CSV the answers are appended to")
    parser.add_argument("--label-set", metavar="A,B,C",
                        help="label names, in key order (default: the codebook beside --into, else the model's)")
    add_model_option(parser)
    parser.add_argument("--every", type=positive_int, default=DEFAULT_CONFIG.retrain_every, metavar="N",
                        help="retrain and show the grouped-CV macro-F1 every N answers (default: %(default)s)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..files import check_not_input
    from ..labels import labels_lock
    from ..model_store import known_label_files, optional_model, uses_shipped_model
    from ..session import LabellingSession

    config = input_config(args, retrain_every=args.every)
    check_not_input(args.into, args.inputs)
    # Writable and not in use by another session, before anything is asked.
    with labels_lock(args.into):
        model = optional_model(args.model, config, on_step=say)
        # The shipped model may rank sentences of its own story, but never decides a new project's labels.
        codebook = session_codebook(args.into, args.label_set, None if uses_shipped_model(args.model) else model)
        if model is not None and set(model.classes) != set(codebook.names):
            model = None  # a model of another label set cannot rank this one's sentences
        articles = read_inputs(args, config)
        session = LabellingSession(articles, args.into, codebook.names, model=model, config=config,
                                   training_files=known_label_files(args.model, with_model=model is not None))
        _converse(session, args.into, codebook)
    return 0


def session_codebook(into: str, label_set: str | None, model):
    """The labels of a session: ``--label-set``, else the codebook beside ``into``, else the model's."""
    from ..codebook import Codebook, find_codebook
    from ..errors import LabelError

    if label_set:
        return Codebook.from_names(label_set.split(","), "--label-set")
    beside = find_codebook([into])
    if beside is not None:
        return beside
    if model is not None:
        stored = model.card.extra.get("codebook")
        return Codebook.from_dict(stored) if stored else Codebook.from_names(model.classes)
    raise LabelError(f"{into}: no codebook.toml beside it and no model to take the label names from; "
                     "start one with: framelens init DIR, or pass --label-set a,b,c")


def definitions(codebook) -> list[str]:
    """The codebook's definitions (and first example) for the help screen."""
    lines = [f"{codebook.story}" if codebook.story else ""]
    for number, frame in enumerate(codebook.frames, start=1):
        lines.append(f"  {number} {frame.name}: {frame.definition or '(no definition in the codebook)'}")
        for example in frame.examples[:1]:
            lines.append(f"      e.g. \"{example}\"")
    return [line for line in lines if line]


def _converse(session, labels_file: str, codebook) -> None:
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
            for line in definitions(codebook):
                _out(line)
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


def _retrain(session) -> None:
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


def _summary(session, labels_file: str) -> None:
    counts = session.counts()
    total = sum(counts.values())
    detail = ", ".join(f"{label} {n}" for label, n in counts.items() if n)
    skipped = sum(1 for answer in session.history if answer.label is None)
    _out(f"stopped: {total} answers this session{f' ({detail})' if detail else ''} are in {labels_file}"
         f"{f'; {skipped} skipped' if skipped else ''}. Run the same command to go on.")


def _out(line: str) -> None:
    print(line, flush=True)
