"""Save and load a model as one joblib artifact plus ``card.json``.

Loading a joblib file runs code, so only an artifact whose sha256 matches the
one its card recorded when framelens wrote it is ever loaded, and only with
the scikit-learn version it was written by.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import joblib

from .errors import ModelError, ModelIntegrityError, ModelMissingError, ModelVersionError, OutputError
from .model import FramingModel, ModelCard

ARTIFACT = "framing.joblib"
CARD = "card.json"
PREVIOUS = "previous"


def file_sha256(path: str | Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same directory and a rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"{path}: cannot write ({error.strerror}); choose a writable location") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Text version of :func:`atomic_write_bytes` (UTF-8)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def save_model(model: FramingModel, directory: str | Path, *, keep_previous: bool = True) -> Path:
    """Write the artifact and its card atomically; the old pair moves to ``previous/``."""
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{ARTIFACT}.", suffix=".tmp")
        os.close(fd)
    except OSError as error:
        raise OutputError(f"{directory}: cannot write the model ({error.strerror}); choose a writable --model directory") from None
    try:
        joblib.dump(model.pipeline, tmp, compress=3)
        model.card.artifact_sha256 = file_sha256(tmp)
        if keep_previous and (directory / ARTIFACT).exists() and (directory / CARD).exists():
            _keep_previous(directory)
        os.replace(tmp, directory / ARTIFACT)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    atomic_write_text(directory / CARD, json.dumps(model.card.as_dict(), indent=2, ensure_ascii=False) + "\n")
    return directory


def read_card(directory: str | Path) -> ModelCard:
    """The card of a saved model, without loading its artifact."""
    directory = Path(directory)
    card_path = directory / CARD
    if not directory.is_dir():
        raise ModelMissingError(f"{directory}: model directory does not exist; train one with: framelens train --model {directory}")
    if not card_path.is_file() or not (directory / ARTIFACT).is_file():
        raise ModelMissingError(
            f"{directory}: no trained model here ({ARTIFACT} and {CARD}); train one with: framelens train --model {directory}"
        )
    try:
        return ModelCard.from_dict(json.loads(card_path.read_text("utf-8")))
    except (ValueError, TypeError):
        raise ModelIntegrityError(f"{card_path}: not a framelens model card; retrain with: framelens train") from None


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
    previous = directory / PREVIOUS
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=".previous."))
    shutil.copy2(directory / ARTIFACT, staging / ARTIFACT)
    shutil.copy2(directory / CARD, staging / CARD)
    if previous.exists():
        shutil.rmtree(previous)
    os.replace(staging, previous)


def restore_previous(directory: str | Path) -> ModelCard:
    """Swap the model with the one kept in ``previous/`` (``train --rollback``)."""
    directory = Path(directory)
    previous = directory / PREVIOUS
    if not (previous / ARTIFACT).is_file() or not (previous / CARD).is_file():
        raise ModelMissingError(f"{previous}: no previous model to roll back to")
    card = read_card(previous)
    staging = Path(tempfile.mkdtemp(dir=directory, prefix=".rollback."))
    shutil.copy2(directory / ARTIFACT, staging / ARTIFACT)
    shutil.copy2(directory / CARD, staging / CARD)
    os.replace(previous / ARTIFACT, directory / ARTIFACT)
    os.replace(previous / CARD, directory / CARD)
    shutil.rmtree(previous)
    os.replace(staging, previous)
    return card
