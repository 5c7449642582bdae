"""Save and load a model as one joblib artifact plus ``card.json``.

Loading a joblib file runs code, so only an artifact whose sha256 matches the
one its card recorded when framelens wrote it is ever loaded, and only with
the scikit-learn version it was written by. The hash proves framelens wrote
the file, not that the file is safe: a model directory is code, so load only
models you trust (see the README).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import joblib

from .errors import ModelError, ModelIntegrityError, ModelMissingError, ModelVersionError, OutputError
from .files import atomic_directory, atomic_write_text, atomic_writer
from .model import FramingModel, ModelCard

ARTIFACT = "framing.joblib"
CARD = "card.json"
PREVIOUS = "previous"
# The next card, written before the artifact is replaced; see save_model.
PENDING = "card.pending.json"


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: FramingModel, directory: str | Path, *, keep_previous: bool = True) -> Path:
    """Write the artifact and its card so that they switch together; the old pair moves to ``previous/``.

    The new card is written to ``card.pending.json`` before the artifact is
    replaced, and renamed to ``card.json`` after: a crash in between leaves an
    artifact that matches the pending card, which :func:`read_card` then uses
    (roll forward), so the directory is loadable whenever the process dies.
    """
    directory = Path(directory)
    artifact = directory / ARTIFACT
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"{directory}: cannot write the model ({error.strerror}); choose a writable --model directory"
        ) from None
    with atomic_writer(artifact, "wb") as writer:
        joblib.dump(model.pipeline, writer.handle, compress=3)
        writer.flush()
        model.card.artifact_sha256 = file_sha256(writer.temp_path)
        if keep_previous and _has_model(directory):
            _keep_previous(directory)
        atomic_write_text(directory / PENDING, _card_text(model.card))
    os.replace(directory / PENDING, directory / CARD)  # the commit: artifact and card now agree
    return directory


def _card_text(card: ModelCard) -> str:
    return json.dumps(card.as_dict(), indent=2, ensure_ascii=False) + "\n"


def _has_model(directory: Path) -> bool:
    try:
        read_card(directory)
    except ModelError:
        return False
    return True


def read_card(directory: str | Path) -> ModelCard:
    """The card of a saved model, without loading its artifact.

    When a save was interrupted after the artifact was replaced but before the
    card was, the pending card (whose sha256 the artifact matches) is the card.
    """
    directory = Path(directory)
    card_path = directory / CARD
    if not directory.is_dir():
        raise ModelMissingError(f"{directory}: model directory does not exist; train one with: framelens train --model {directory}")
    if not card_path.is_file() or not (directory / ARTIFACT).is_file():
        raise ModelMissingError(
            f"{directory}: no trained model here ({ARTIFACT} and {CARD}); train one with: framelens train --model {directory}"
        )
    card = _parse_card(card_path)
    pending = directory / PENDING
    if pending.is_file():
        try:
            pending_card = _parse_card(pending)
        except ModelIntegrityError:
            return card
        # Left only by an interrupted save; when the artifact matches it, it is the newer card.
        if file_sha256(directory / ARTIFACT) == pending_card.artifact_sha256:
            return pending_card
    return card


# Card fields and the JSON types they must have ("cv" may also be null).
_CARD_TYPES: dict[str, type | tuple[type, ...]] = {
    "labels": list, "label_counts": dict, "n_sentences": int, "n_articles": int, "n_authored": int,
    "settings": dict, "training_data_sha256": str, "training_files": list, "cv": (dict, type(None)),
    "library_versions": dict, "created": str, "framelens_version": str, "artifact_sha256": str, "extra": dict,
}


def _parse_card(card_path: Path) -> ModelCard:
    def refuse(what: str) -> ModelIntegrityError:
        return ModelIntegrityError(f"{card_path}: not a framelens model card ({what}); retrain with: framelens train")

    try:
        values = json.loads(card_path.read_bytes().decode("utf-8"))
    except (ValueError, OSError):
        raise refuse("not UTF-8 JSON") from None
    if not isinstance(values, dict):
        raise refuse(f"a JSON {type(values).__name__ if values is not None else 'null'}, not an object")
    for name, kind in _CARD_TYPES.items():
        if name in values and not isinstance(values[name], kind):
            raise refuse(f"'{name}' has the wrong type")
    try:
        return ModelCard.from_dict(values)
    except (ValueError, TypeError):
        raise refuse("fields missing") from None


def load_model(directory: str | Path = "model") -> FramingModel:
    """Load a model after checking its hash and scikit-learn version against its card."""
    import sklearn

    directory = Path(directory)
    card = read_card(directory)
    artifact = directory / ARTIFACT
    if file_sha256(artifact) != card.artifact_sha256:
        raise ModelIntegrityError(
            f"{artifact}: sha256 does not match {directory / CARD}; the file changed after framelens wrote it, "
            "so it is not loaded; retrain with: framelens train"
        )
    trained_with = card.library_versions.get("scikit-learn")
    if trained_with != sklearn.__version__:
        raise ModelVersionError(
            f"{directory}: trained with scikit-learn {trained_with} but {sklearn.__version__} is installed; "
            "retrain with: framelens train"
        )
    try:
        pipeline = joblib.load(artifact)
    except Exception as error:  # a hash-checked file that still fails to load is a broken install
        raise ModelError(f"{artifact}: cannot be loaded ({type(error).__name__}); retrain with: framelens train") from None
    model = FramingModel(pipeline, card)
    model.source_dir = str(directory)
    return model


def _keep_previous(directory: Path) -> None:
    """Copy the current pair into ``previous/`` (swapped in whole)."""
    card = read_card(directory)
    with atomic_directory(directory / PREVIOUS) as staging:
        shutil.copyfile(directory / ARTIFACT, staging / ARTIFACT)
        atomic_write_text(staging / CARD, _card_text(card))


def restore_previous(directory: str | Path) -> ModelCard:
    """Swap the model with the one kept in ``previous/`` (``train --rollback``).

    Journaled like :func:`save_model`: the previous card becomes the pending
    card, then the artifact is replaced, then the card: a crash leaves a
    loadable pair.
    """
    directory = Path(directory)
    previous = directory / PREVIOUS
    if not (previous / ARTIFACT).is_file() or not (previous / CARD).is_file():
        raise ModelMissingError(f"{previous}: no previous model to roll back to")
    card = read_card(previous)
    current = read_card(directory)
    with atomic_directory(previous) as staging:
        shutil.copyfile(directory / ARTIFACT, staging / ARTIFACT)
        atomic_write_text(staging / CARD, _card_text(current))
        atomic_write_text(directory / PENDING, _card_text(card))
        with atomic_writer(directory / ARTIFACT, "wb") as writer, open(previous / ARTIFACT, "rb") as source:
            shutil.copyfileobj(source, writer)
        os.replace(directory / PENDING, directory / CARD)
    return card
