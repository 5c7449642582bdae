"""Helpers shared by the command modules: messages, input options, getting a model."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dataclasses import replace

from ..config import DEFAULT_CONFIG, Config, ModelSettings
from ..selection import nested_score, select_settings
from ..corpus import FieldMap, read_corpus
from ..errors import LabelError, ModelIntegrityError, ModelMissingError, ModelVersionError
from ..labels import read_labels
from ..persistence import load_model, read_card, save_model
from ..training import train

DEFAULT_MODEL_DIR = "model"
DEFAULT_LABELS = "labels"


def say(message: str) -> None:
    """A progress or status line on stderr (stdout carries data)."""
    print(f"framelens: {message}", file=sys.stderr, flush=True)


def add_input_options(parser: argparse.ArgumentParser, default_inputs: list[str] | None = None) -> None:
    """INPUT paths plus encoding and column-mapping options."""
    parser.add_argument(
        "inputs", nargs="*", metavar="INPUT", default=default_inputs or ["seeds"],
        help="files or directories of .txt/.jsonl/.csv articles, or - for stdin (default: %(default)s)",
    )
    parser.add_argument("--encoding", default=Config().encoding, help="text encoding of inputs (default: utf-8; e.g. cp1252)")
    for field in ("text", "id", "outlet", "title", "url", "date"):
        parser.add_argument(f"--{field}-column", metavar="NAME", help=f"name of the {field} column/field in .csv/.jsonl inputs")
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
    return read_corpus(args.inputs, fields=field_map(args), encoding=config.encoding,
                       manifest_name=config.manifest_name, config=config, on_warning=say)


def field_map(args: argparse.Namespace) -> FieldMap:
    """The column mapping given on the command line."""
    return FieldMap(
        text=args.text_column, id=args.id_column, outlet=args.outlet_column,
        title=args.title_column, url=args.url_column, date=args.date_column,
    )


def add_model_option(parser: argparse.ArgumentParser) -> None:
    """``--model DIR``."""
    parser.add_argument("--model", metavar="DIR", help=f"model directory (default: {DEFAULT_MODEL_DIR}/)")


def train_and_save(label_paths: list[str], model_dir: str | Path, config: Config, *, keep_previous: bool = True,
                   select: bool = False, artifact_format: str = "joblib"):
    """Read labels, (optionally choose settings by nested grouped CV,) cross-validate, fit and save."""
    label_set = read_labels(label_paths)
    selection = None
    if select:
        say("choosing settings: nested grouped cross-validation over the settings grid (a few minutes)")
        nested = nested_score(label_set, config)
        settings, inner_score = select_settings(label_set, config)
        config = replace(config, model=settings)
        selection = {"chosen": settings.as_dict(), "grouped_cv_macro_f1_of_choice": inner_score, **nested}
    model, cv = train(label_set, config, on_step=say)
    if selection:
        model.card.extra["selection"] = selection
    model.card.training_files = [os.path.relpath(f, model_dir) for f in label_set.files]
    save_model(model, model_dir, keep_previous=keep_previous, artifact_format=artifact_format)
    return model, cv


def obtain_model(model_option: str | None, config: Config = Config()):
    """Load the model; retrain from its labels when it is missing (default dir), tampered or outdated."""
    model_dir = Path(model_option or DEFAULT_MODEL_DIR)
    try:
        return load_model(model_dir)
    except ModelMissingError:
        if model_option is not None or not Path(DEFAULT_LABELS).is_dir():
            raise
        say(f"no trained model in {model_dir}/ yet; training one from {DEFAULT_LABELS}/ first (one time only)")
        return train_and_save([DEFAULT_LABELS], model_dir, config)[0]
    except (ModelIntegrityError, ModelVersionError) as error:
        sources = _recorded_training_files(model_dir)
        if not sources:
            raise
        say(f"{error}")
        say(f"retraining from {', '.join(sources)}")
        try:
            settings = _recorded_settings(model_dir)  # the refused model's own settings, e.g. from --select
            if settings is not None:
                config = replace(config, model=settings)
            return train_and_save(sources, model_dir, config, keep_previous=False)[0]
        except LabelError:
            raise error from None


def optional_model(model_option: str | None, config: Config = Config()):
    """The model of ``--model`` as :func:`obtain_model` gets it, or ``None`` when there is none to get."""
    try:
        return obtain_model(model_option, config)
    except ModelMissingError:
        if model_option is not None:
            raise
        return None


def known_label_files(model_option: str | None) -> list[str]:
    """Label files whose sentences count as labelled: the model's training files (that exist) and ``labels/``."""
    files = _recorded_training_files(Path(model_option or DEFAULT_MODEL_DIR))
    if Path(DEFAULT_LABELS).is_dir() and DEFAULT_LABELS not in files:
        files.append(DEFAULT_LABELS)
    return files


def _recorded_settings(model_dir: Path) -> ModelSettings | None:
    try:
        return ModelSettings.from_dict(read_card(model_dir).settings["model"])
    except Exception:
        return None


def _recorded_training_files(model_dir: Path) -> list[str]:
    try:
        card = read_card(model_dir)
    except Exception:
        card = None
    files = [str(model_dir / f) for f in (card.training_files if card else [])]
    files = [os.path.normpath(f) for f in files if Path(f).is_file()]
    if not files and any(Path(DEFAULT_LABELS).glob("*.csv")):
        files = [DEFAULT_LABELS]
    return files
