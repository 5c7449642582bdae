"""Save and load a model: one artifact (``framing.joblib``, or ``framing.skops``) plus ``card.json``.

Saving is journaled (pending card, then artifact, then card), so a model directory
always loads, as the old model or the new one; the replaced pair is kept in
``previous/`` for ``train --rollback``. An artifact is loaded only when its sha256
matches the one its card recorded, and only with the scikit-learn version that
wrote it. Loading a joblib file unpickles it, which can run code: the hash proves
framelens wrote the file, not that it is safe, so a model directory is code; load
only models you trust (see the README). A skops artifact rebuilds trusted types only.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path

import joblib

from .errors import (
    MissingDependencyError,
    ModelError,
    ModelIntegrityError,
    ModelMissingError,
    ModelVersionError,
    OutputError,
)
from .files import atomic_directory, atomic_write_text, atomic_writer
from .model import FramingModel, ModelCard

ARTIFACT = "framing.joblib"
# Artifact file per format; the card records which one is in use ("artifact").
ARTIFACTS = {"joblib": ARTIFACT, "skops": "framing.skops"}
# skops rebuilds only trusted types: scikit-learn's, plus these two of framelens's pipeline.
SKOPS_TRUSTED = ["framelens.lexicon.LexiconFeatures", "framelens.model.normalise_for_features"]
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


def save_model(model: FramingModel, directory: str | Path, *, keep_previous: bool = True,
               artifact_format: str = "joblib") -> Path:
    """Write the artifact and its card so that they switch together; the old pair moves to ``previous/``.

    The new card is written to ``card.pending.json`` before the artifact is
    replaced, and renamed to ``card.json`` after: a crash in between leaves an
    artifact that matches the pending card, which :func:`read_card` then uses
    (roll forward), so the directory is loadable whenever the process dies.
    ``artifact_format`` ``skops`` writes ``framing.skops``, which loads without
    unpickling (only trusted types are rebuilt).
    """
    directory = Path(directory)
    name = ARTIFACTS[artifact_format]
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"{directory}: cannot write the model ({error.strerror}); choose a writable --model directory"
        ) from None
    with atomic_writer(directory / name, "wb") as writer:
        if artifact_format == "skops":
            import zipfile

            data = skops_io(directory / name).dumps(model.pipeline, compression=zipfile.ZIP_DEFLATED, compresslevel=6)
            writer.write(data)
        else:
            joblib.dump(model.pipeline, writer.handle, compress=3)
        writer.flush()
        model.card.artifact_sha256 = file_sha256(writer.temp_path)
        if name == ARTIFACT:
            model.card.extra.pop("artifact", None)  # the default: cards stay as they were
        else:
            model.card.extra["artifact"] = name
        if keep_previous and _has_model(directory):
            _keep_previous(directory)
        atomic_write_text(directory / PENDING, _card_text(model.card))
    os.replace(directory / PENDING, directory / CARD)  # the commit: artifact and card now agree
    for other in set(ARTIFACTS.values()) - {name}:  # an artifact of the other format is no longer used
        (directory / other).unlink(missing_ok=True)
    return directory


def artifact_name(card: ModelCard) -> str:
    """The artifact file a card belongs to (only names framelens writes are accepted)."""
    name = card.extra.get("artifact", ARTIFACT)
    return name if name in ARTIFACTS.values() else ARTIFACT


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
        raise ModelMissingError(
            f"{directory}: model directory does not exist; train one with: framelens train --model {directory}")
    missing = ModelMissingError(
        f"{directory}: no trained model here ({ARTIFACT} and {CARD}); "
        f"train one with: framelens train --model {directory}"
    )
    if not card_path.is_file():
        raise missing
    card = _parse_card(card_path)
    pending = directory / PENDING
    if pending.is_file():
        # Left only by an interrupted save; when the artifact matches it, it is the newer card.
        with contextlib.suppress(ModelIntegrityError):
            pending_card = _parse_card(pending)
            pending_artifact = directory / artifact_name(pending_card)
            if pending_artifact.is_file() and file_sha256(pending_artifact) == pending_card.artifact_sha256:
                return pending_card
    if not (directory / artifact_name(card)).is_file():
        raise missing
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


def load_model(directory: str | Path) -> FramingModel:
    """Load a model after checking its hash and scikit-learn version against its card."""
    import sklearn

    directory = Path(directory)
    card = read_card(directory)
    artifact = directory / artifact_name(card)
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
        if artifact.suffix == ".skops":
            pipeline = skops_io(artifact).load(artifact, trusted=SKOPS_TRUSTED)
        else:
            pipeline = joblib.load(artifact)
    except MissingDependencyError:
        raise
    except Exception as error:  # a hash-checked file that still fails to load is a broken install
        raise ModelError(
            f"{artifact}: cannot be loaded ({type(error).__name__}); retrain with: framelens train") from None
    model = FramingModel(pipeline, card)
    model.source_dir = str(directory)
    return model


def skops_io(path: Path):
    """``skops.io``, from the optional skops extra (``path``: the artifact that needs it, for the message)."""
    try:
        import skops.io
    except ImportError:
        raise MissingDependencyError(
            f"{path}: the skops artifact format needs the skops extra; run: pip install 'framelens[skops]'") from None
    return skops.io


def _keep_previous(directory: Path) -> None:
    """Copy the current pair into ``previous/`` (swapped in whole)."""
    card = read_card(directory)
    with atomic_directory(directory / PREVIOUS) as staging:
        shutil.copyfile(directory / artifact_name(card), staging / artifact_name(card))
        atomic_write_text(staging / CARD, _card_text(card))


def restore_previous(directory: str | Path) -> ModelCard:
    """Swap the model with the one kept in ``previous/`` (``train --rollback``).

    Journaled like :func:`save_model`: the previous card becomes the pending
    card, then the artifact is replaced, then the card: a crash leaves a
    loadable pair.
    """
    directory = Path(directory)
    previous = directory / PREVIOUS
    try:
        card = read_card(previous)
    except ModelError:
        raise ModelMissingError(f"{previous}: no previous model to roll back to") from None
    current = read_card(directory)
    name, current_name = artifact_name(card), artifact_name(current)
    with atomic_directory(previous) as staging:
        shutil.copyfile(directory / current_name, staging / current_name)
        atomic_write_text(staging / CARD, _card_text(current))
        atomic_write_text(directory / PENDING, _card_text(card))
        with atomic_writer(directory / name, "wb") as writer, open(previous / name, "rb") as source:
            shutil.copyfileobj(source, writer)
        os.replace(directory / PENDING, directory / CARD)
        if current_name != name:
            (directory / current_name).unlink(missing_ok=True)
    return card
