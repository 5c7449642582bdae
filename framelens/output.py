"""Write prediction records as JSONL or CSV, atomically and as they come; read them back.

The record schema is the :class:`~framelens.schema.Prediction` dataclass: JSONL
keys are its fields in order; CSV columns are the same, with ``probabilities``
spread into one column per label. Records stream to stdout, or to a temp file
beside the target (:func:`framelens.files.atomic_writer`), one whole article at a time;
``finish()`` renames it into place (after Ctrl-C too: it then holds the whole
articles completed), ``abort()`` removes it. A FIFO, symlink or device given as
the output is refused, not replaced: to stream into a pipe, write to stdout.
CSV cells are formula-safe (:func:`framelens.files.csv_safe`) and read back
without the guard.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import operator
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import InputError, OutputError
from .files import AtomicWriter, atomic_writer, csv_safe, csv_unsafe
from .schema import Prediction

FORMATS = ("jsonl", "csv")
# The field spread into one CSV column per label.
SPREAD = "probabilities"
FIELDS = tuple(dataclasses.fields(Prediction))
FIELD_NAMES = tuple(f.name for f in FIELDS)
# Fields every record has; the others have defaults, so files written before they existed still load.
REQUIRED = tuple(f.name for f in FIELDS
                 if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)


def _optional_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _probabilities(value: Any) -> dict[str, float]:
    return {str(k): float(v) for k, v in value.items()}


# How to read each field back, by its annotation in schema.py.
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "str": str, "int": int, "float": float, "str | None": _optional_str, "dict[str, float]": _probabilities,
}
# json.dumps with an option builds a new encoder per call; this is the same encoder, built once.
_JSON = json.JSONEncoder(ensure_ascii=False)
_FIELD_CONVERTERS = {f.name: _CONVERTERS[str(f.type)] for f in FIELDS}


def format_for(path: str | Path | None, explicit: str | None) -> str:
    """The output format: explicit, else from the file suffix, else JSONL."""
    if explicit:
        return explicit
    if path and str(path).lower().endswith(".csv"):
        return "csv"
    return "jsonl"


def prediction_record(prediction: Prediction) -> dict:
    """The JSONL form of a prediction: its fields, in schema order."""
    return {name: getattr(prediction, name) for name in FIELD_NAMES}


def csv_header(labels: Sequence[str]) -> list[str]:
    """CSV columns: the record fields, ``probabilities`` spread into one column per label."""
    header: list[str] = []
    for name in FIELD_NAMES:
        header.extend(labels if name == SPREAD else [name])
    return header


_FIELD_VALUES = operator.attrgetter(*FIELD_NAMES)
_SPREAD_AT = FIELD_NAMES.index(SPREAD)


def csv_row(prediction: Prediction, labels: Sequence[str]) -> list[Any]:
    """One CSV row in :func:`csv_header` order (formula-safe)."""
    values = _FIELD_VALUES(prediction)
    probabilities = values[_SPREAD_AT]
    row = ["" if value is None else csv_safe(value) for value in values[:_SPREAD_AT]]
    row += [probabilities.get(label, "") for label in labels]
    row += ["" if value is None else csv_safe(value) for value in values[_SPREAD_AT + 1:]]
    return row


class PredictionWriter:
    """Streams predictions to a file (atomically) or to an open stream (stdout for ``None`` or ``-``)."""

    def __init__(self, target: str | Path | IO[str] | None, fmt: str, labels: Sequence[str]):
        if fmt not in FORMATS:
            raise OutputError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
        self.format = fmt
        self.labels = list(labels)
        self.path: Path | None = None
        self._file: AtomicWriter | None = None
        self.articles = 0
        self.records = 0
        self._stream: Any
        if target is None or (isinstance(target, (str, Path)) and str(target) == "-"):
            self._stream = sys.stdout
        elif isinstance(target, (str, Path)):
            self.path = Path(target)
            self._file = atomic_writer(self.path)
            self._stream = self._file
        else:
            self._stream = target
        if fmt == "csv":
            self._write_rows([csv_header(self.labels)])

    def _write_rows(self, rows: Iterable[list[Any]]) -> None:
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerows(rows)
        self._stream.write(buffer.getvalue())

    def write_article(self, predictions: Iterable[Prediction]) -> None:
        """Write one article's records in a single write, then flush."""
        predictions = list(predictions)
        if self.format == "csv":
            self._write_rows(csv_row(p, self.labels) for p in predictions)
        else:
            self._stream.write("".join(_JSON.encode(prediction_record(p)) + "\n" for p in predictions))
        self._stream.flush()
        self.articles += 1
        self.records += len(predictions)

    def finish(self) -> None:
        """Move what was written into place (after an interruption: the whole articles written so far)."""
        if self._file is None:
            self._stream.flush()
        else:
            self._file.commit()

    def abort(self) -> None:
        """Delete the temp file: nothing partial is left behind."""
        if self._file is not None:
            self._file.abort()


def read_predictions(path: str | Path) -> Iterator[Prediction]:
    """Read a predictions file written by framelens (JSONL or CSV)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such predictions file; write one with: framelens predict --out FILE")
    try:
        if path.suffix.lower() == ".csv":
            yield from _read_csv(path)
        else:
            yield from _read_jsonl(path)
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not valid UTF-8; give the file framelens predict wrote, or re-save it as UTF-8") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror}); check its permissions") from None


def _prediction(values: dict[str, Any]) -> Prediction:
    """A prediction from raw field values (missing fields with defaults take them)."""
    kwargs = {}
    for f in FIELDS:
        if f.name in values:
            kwargs[f.name] = _FIELD_CONVERTERS[f.name](values[f.name])
        elif f.name in REQUIRED:
            raise KeyError(f.name)
    return Prediction(**kwargs)


def _read_jsonl(path: Path) -> Iterator[Prediction]:
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise TypeError
                prediction = _prediction(record)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise InputError(
                    f"{path}, line {number}: not a framelens prediction record; write it with framelens predict"
                ) from None
            yield prediction


def _read_csv(path: Path) -> Iterator[Prediction]:
    fixed = [name for name in FIELD_NAMES if name != SPREAD]
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            columns = next(reader, [])
            missing = [c for c in REQUIRED if c != SPREAD and c not in columns]
            if missing:
                raise InputError(f"{path}: not a framelens predictions CSV (missing {', '.join(missing)})")
            labels = [c for c in columns if c not in fixed]
            for number, cells in enumerate(reader, start=2):
                row = dict(zip(columns, map(csv_unsafe, cells), strict=False))  # a short row fails below, by name
                try:
                    values: dict[str, Any] = {name: row[name] for name in fixed if name in row}
                    values[SPREAD] = {label: row[label] for label in labels}
                    prediction = _prediction(values)
                except (ValueError, TypeError, KeyError):
                    raise InputError(f"{path}, row {number}: not a framelens prediction row") from None
                yield prediction
        except csv.Error as error:
            raise InputError(f"{path}: not a readable CSV ({error}); give the file framelens predict wrote") from None
