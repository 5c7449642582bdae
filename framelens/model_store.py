"""Which model to use, and training one into a directory: the policy shared by the CLI and the Python API.

Resolution order (:func:`resolve_model_dir`): an explicit directory (``--model``
or ``load_model(path)``), then the ``FRAMELENS_MODEL`` environment variable,
then ``model/`` in the current directory (in a project directory, one with
``labels/``, that has no ``model/`` yet, that is an error saying how to train
one: a project's own story must not be predicted with someone else's model);
anywhere else the model shipped inside the package (``framelens/data/model``),
so an installed framelens predicts from any directory.

A model that fails its integrity or version check is never rewritten: with
``retrain`` it is retrained into a new directory beside it (the shipped one
into ``./model``) and the old one stays as it was.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from .config import DEFAULT_CONFIG, Config, ModelSettings
from .errors import (
    LabelError,
    ModelError,
    ModelIntegrityError,
    ModelMissingError,
    ModelVersionError,
)

MODEL_ENV = "FRAMELENS_MODEL"
DEFAULT_MODEL_DIR = "model"
DEFAULT_LABELS = "labels"

Step = Callable[[str], None]


def shipped_model_dir() -> Path:
    """The model that ships inside the package (trained on the Russia–Iran treaty seeds)."""
    from importlib import resources

    return Path(str(resources.files("framelens") / "data" / DEFAULT_MODEL_DIR))


def resolve_model_dir(path: str | os.PathLike | None = None, *, environ: Mapping[str, str] | None = None) -> Path:
    """The model directory to use, by the order in the module docstring (it may not exist yet)."""
    environ = os.environ if environ is None else environ
    if path is not None:
        return Path(path)
    if environ.get(MODEL_ENV):
        return Path(environ[MODEL_ENV])
    local = Path(DEFAULT_MODEL_DIR)
    if local.exists() or Path(DEFAULT_LABELS).is_dir():
        return local
    return shipped_model_dir()


def searched_model_dirs(path: str | os.PathLike | None = None, *,
                        environ: Mapping[str, str] | None = None) -> list[Path]:
    """Where :func:`find_model` looks: ``path`` alone if given, else ``$FRAMELENS_MODEL``, ``./model``, shipped."""
    environ = os.environ if environ is None else environ
    if path is not None:
        return [Path(path)]
    candidates = [Path(environ[MODEL_ENV])] if environ.get(MODEL_ENV) else []
    return [*candidates, Path(DEFAULT_MODEL_DIR), shipped_model_dir()]


def find_model(model_id: str, path: str | os.PathLike | None = None, *,
               environ: Mapping[str, str] | None = None) -> Path | None:
    """The model directory whose card has ``model_id`` (:attr:`ModelCard.model_id`), or None.

    Searched in :func:`searched_model_dirs` order, each directory followed by its
    ``previous/``: predictions made before the last ``framelens train`` find the model kept there.
    Only cards are read; nothing is unpickled.
    """
    from .persistence import PREVIOUS, read_card

    for directory in searched_model_dirs(path, environ=environ):
        for candidate in (directory, directory / PREVIOUS):
            try:
                if read_card(candidate).model_id == model_id:
                    return candidate
            except ModelError:
                continue
    return None


def uses_shipped_model(path: str | os.PathLike | None = None) -> bool:
    """True when :func:`resolve_model_dir` falls back to the shipped model (it never decides a project's labels)."""
    return resolve_model_dir(path).resolve() == shipped_model_dir().resolve()


def train_command(model_dir: str | os.PathLike) -> str:
    """The exact command that trains a model into ``model_dir`` from where the user stands."""
    labels = f"{DEFAULT_LABELS}/" if Path(DEFAULT_LABELS).is_dir() else "LABELS.csv"
    target = "" if Path(model_dir) == Path(DEFAULT_MODEL_DIR) else f" --model {model_dir}"
    command = f"framelens train {labels}{target}"
    if labels == "LABELS.csv":
        command += " (LABELS.csv: your labelled sentences; start a project with: framelens init DIR)"
    return command


def load_model(path: str | os.PathLike | None = None, *, environ: Mapping[str, str] | None = None):
    """Load the model :func:`resolve_model_dir` picks, checking its card and hash."""
    from .persistence import load_model as load_directory

    directory = resolve_model_dir(path, environ=environ)
    try:
        return load_directory(directory)
    except ModelMissingError:
        raise ModelMissingError(f"{directory}: no trained model here; train one with: "
                                f"{train_command(directory)}") from None


def train_and_save(label_paths, model_dir: str | os.PathLike, config: Config = DEFAULT_CONFIG, *,
                   keep_previous: bool = True, select: bool = False, on_step: Step | None = None,
                   artifact_format: str = "joblib"):
    """Read labels, (optionally choose settings by nested grouped CV,) cross-validate, fit and save."""
    from .labels import read_labels
    from .persistence import ARTIFACTS, save_model, skops_io
    from .selection import nested_score, select_settings
    from .training import train

    if artifact_format == "skops":  # a missing extra is said before training, not after
        skops_io(Path(model_dir) / ARTIFACTS["skops"])
    label_set = read_labels(label_paths)
    selection = None
    if select:
        if on_step:
            on_step("choosing settings: nested grouped cross-validation over the settings grid (a few minutes)")
        nested = nested_score(label_set, config)
        settings, inner_score = select_settings(label_set, config)
        config = replace(config, model=settings)
        selection = {"chosen": settings.as_dict(), "grouped_cv_macro_f1_of_choice": inner_score, **nested}
    model, cv = train(label_set, config, on_step=on_step)
    if selection:
        model.card.extra["selection"] = selection
    model.card.training_files = [os.path.relpath(f, model_dir) for f in label_set.files]
    save_model(model, Path(model_dir), keep_previous=keep_previous, artifact_format=artifact_format)
    return model, cv


def retrained_dir(model_dir: Path) -> Path:
    """Where a refused model is retrained: beside it (the shipped one: ``./model``), never over it."""
    import sklearn

    if model_dir.resolve() == shipped_model_dir().resolve() and not Path(DEFAULT_MODEL_DIR).exists():
        return Path(DEFAULT_MODEL_DIR)
    parent = Path(".") if model_dir.resolve() == shipped_model_dir().resolve() else model_dir.parent
    return parent / f"{model_dir.name}-sklearn-{sklearn.__version__}"


def obtain_model(path: str | os.PathLike | None = None, config: Config = DEFAULT_CONFIG, *, retrain: bool = False,
                 on_step: Step | None = None):
    """Load the model; a refused one (tampered, other scikit-learn) is retrained into a new directory if ``retrain``.

    Without ``retrain`` the refusal is raised with the command that retrains.
    """
    directory = resolve_model_dir(path)
    try:
        return load_model(directory)
    except (ModelIntegrityError, ModelVersionError) as error:
        sources = recorded_training_files(directory)
        target = retrained_dir(directory)
        if not sources:
            raise
        if not retrain:
            raise type(error)(f"{error} (the labels are {', '.join(sources)}), or add --retrain to retrain "
                              f"into {target}/ and keep {directory}/ as it is") from None
        if on_step:
            on_step(f"{error}")
            on_step(f"retraining from {', '.join(sources)} into {target}/ ({directory}/ stays as it is)")
        settings = recorded_settings(directory)  # the refused model's own settings, e.g. from --select
        if settings is not None:
            config = replace(config, model=settings)
        try:
            return train_and_save(sources, target, config, on_step=on_step)[0]
        except LabelError:
            raise error from None


def optional_model(path: str | os.PathLike | None = None, config: Config = DEFAULT_CONFIG, *,
                   on_step: Step | None = None):
    """The model :func:`obtain_model` gets, or ``None`` when none was named and there is none to get."""
    try:
        return obtain_model(path, config, on_step=on_step)
    except ModelMissingError:
        if path is not None:
            raise
        return None


def known_label_files(path: str | os.PathLike | None = None, *, with_model: bool = True) -> list[str]:
    """Label files whose sentences count as labelled: the model's training files (that exist) and ``labels/``.

    ``with_model=False`` leaves the model's files out (a model of another label set).
    """
    files = recorded_training_files(resolve_model_dir(path)) if with_model else []
    if Path(DEFAULT_LABELS).is_dir() and DEFAULT_LABELS not in files:
        files.append(DEFAULT_LABELS)
    return files


def recorded_settings(model_dir: Path) -> ModelSettings | None:
    """The model settings a model's card records, if it can be read."""
    from .persistence import read_card

    try:
        return ModelSettings.from_dict(read_card(model_dir).settings["model"])
    except (ModelError, KeyError, TypeError):
        return None


def recorded_training_files(model_dir: Path) -> list[str]:
    """The training files a model's card records (relative to the model directory) that still exist."""
    from .persistence import read_card

    try:
        card = read_card(model_dir)
    except ModelError:
        return []
    files = [os.path.normpath(model_dir / f) for f in card.training_files]
    return [f for f in files if Path(f).is_file()]
