"""Write prediction records as JSONL or CSV, atomically and as they come; read them back.

Records go to a temp file beside the target, one whole article at a time.
``finish()`` renames it into place; ``abort()`` removes it, so a failed run
leaves no partial file; ``finish(partial=True)`` keeps what an interrupted run
completed (whole articles only).
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from .errors import InputError, OutputError
from .schema import Prediction

FORMATS = ("jsonl", "csv")
CSV_FIXED = ("article_id", "outlet", "sentence_index", "text", "label", "confidence")


def format_for(path: str | Path | None, explicit: str | None) -> str:
    """The output format: explicit, else from the file suffix, else JSONL."""
    if explicit:
        return explicit
    if path and str(path).lower().endswith(".csv"):
        return "csv"
    return "jsonl"


def prediction_record(prediction: Prediction) -> dict:
    """The JSONL form of a prediction (field order fixed)."""
    return {
        "article_id": prediction.article_id,
        "outlet": prediction.outlet,
        "sentence_index": prediction.sentence_index,
        "text": prediction.text,
        "label": prediction.label,
        "confidence": prediction.confidence,
        "probabilities": prediction.probabilities,
        "date": prediction.date,
    }


class PredictionWriter:
    """Streams predictions to a file (atomically) or to an open stream."""

    def __init__(self, target: str | Path | IO[str] | None, fmt: str, labels: Sequence[str]):
        if fmt not in FORMATS:
            raise OutputError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
        self.format = fmt
        self.labels = list(labels)
        self.path: Path | None = None
        self._tmp: str | None = None
        self.articles = 0
        self.records = 0
        if target is None or isinstance(target, (str, Path)) and str(target) == "-":
            import sys

            self._stream = sys.stdout
        elif isinstance(target, (str, Path)):
            self.path = Path(target)
            if self.path.is_dir():
                raise OutputError(f"{self.path}: is a directory; give a file name for --out")
            try:
                fd, self._tmp = tempfile.mkstemp(
                    dir=self.path.parent if str(self.path.parent) else ".",
                    prefix=f".{self.path.name}.", suffix=".part",
                )
            except OSError as error:
                raise OutputError(
                    f"{self.path}: cannot write here ({error.strerror}); choose a writable --out path"
                ) from None
            self._stream = os.fdopen(fd, "w", encoding="utf-8", newline="")
        else:
            self._stream = target
        self._csv = None
        if fmt == "csv":
            self._csv = csv.writer(self._stream)
            self._csv.writerow([*CSV_FIXED, *self.labels, "date"])

    def write_article(self, predictions: Iterable[Prediction]) -> None:
        """Write one article's records in a single write, then flush."""
        buffer = io.StringIO(newline="")
        count = 0
        if self._csv is not None:
            writer = csv.writer(buffer)
            for p in predictions:
                writer.writerow(
                    [p.article_id, p.outlet, p.sentence_index, p.text, p.label, p.confidence,
                     *(p.probabilities.get(label, "") for label in self.labels), p.date or ""]
                )
                count += 1
        else:
            for p in predictions:
                buffer.write(json.dumps(prediction_record(p), ensure_ascii=False))
                buffer.write("\n")
                count += 1
        self._stream.write(buffer.getvalue())
        self._stream.flush()
        self.articles += 1
        self.records += count

    def finish(self, *, partial: bool = False) -> None:
        """Close and move the temp file into place (``partial``: after an interruption)."""
        if self._tmp is None:
            self._stream.flush()
            return
        self._stream.close()
        os.replace(self._tmp, self.path)
        self._tmp = None

    def abort(self) -> None:
        """Close and delete the temp file: nothing partial is left behind."""
        if self._tmp is None:
            return
        try:
            self._stream.close()
        finally:
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None


def read_predictions(path: str | Path) -> Iterator[Prediction]:
    """Read a predictions file written by framelens (JSONL or CSV)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such predictions file; write one with: framelens predict --out FILE")
    if path.suffix.lower() == ".csv":
        yield from _read_csv(path)
    else:
        yield from _read_jsonl(path)


def _read_jsonl(path: Path) -> Iterator[Prediction]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield Prediction(
                    article_id=str(record["article_id"]),
                    outlet=str(record["outlet"]),
                    sentence_index=int(record["sentence_index"]),
                    text=str(record["text"]),
                    label=str(record["label"]),
                    confidence=float(record["confidence"]),
                    probabilities={str(k): float(v) for k, v in record["probabilities"].items()},
                    date=record.get("date"),
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                raise InputError(
                    f"{path}, line {number}: not a framelens prediction record; write it with framelens predict"
                ) from None


def _read_csv(path: Path) -> Iterator[Prediction]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [c for c in CSV_FIXED if c not in columns]
        if missing:
            raise InputError(f"{path}: not a framelens predictions CSV (missing {', '.join(missing)})")
        labels = [c for c in columns if c not in CSV_FIXED and c != "date"]
        for number, row in enumerate(reader, start=2):
            try:
                yield Prediction(
                    article_id=row["article_id"],
                    outlet=row["outlet"],
                    sentence_index=int(row["sentence_index"]),
                    text=row["text"],
                    label=row["label"],
                    confidence=float(row["confidence"]),
                    probabilities={label: float(row[label]) for label in labels},
                    date=row.get("date") or None,
                )
            except (ValueError, TypeError):
                raise InputError(f"{path}, row {number}: not a framelens prediction row") from None
