"""Read, validate and append labelled-sentence CSV files.

A labels file needs the columns ``sentence`` (or ``text``, as in predictions
and sentences.csv, so a corrected predictions file can be fed back) and
``label``; ``article_id``,
``outlet``, ``source`` and ``note`` are optional. Rows whose ``source`` starts
with ``authored`` were written by the team to widen coverage: they may train a
model but are never used as evaluation data. The tool never rewrites or
reorders a labels file; new rows are only ever appended. To take an answer
back, a labelling session appends an ``undo`` row for the same sentence: it
withdraws the earlier rows of that sentence in the same file (see
:func:`effective_rows`).
"""
from __future__ import annotations

import contextlib
import csv
import difflib
import hashlib
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .codebook import BOILERPLATE, CODEBOOK_FILE, UNDO, Codebook, find_codebook
from .errors import LabelError
from .files import (
    atomic_write_text,
    check_regular_target,
    csv_safe,
    csv_unsafe,
    write_error,
)

COLUMNS = ("article_id", "outlet", "sentence", "label", "source", "note")
REQUIRED = ("sentence", "label")
# Predictions and sentences.csv call the sentence column "text"; either name is read.
TEXT_ALIASES = ("sentence", "text")

_QUOTES = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"}


@dataclass(frozen=True)
class LabelRow:
    """One labelled sentence and where it was read from (row 2 is the first data row)."""

    file: str
    row: int
    article_id: str
    outlet: str
    sentence: str
    label: str
    source: str = ""
    note: str = ""

    @property
    def authored(self) -> bool:
        """Written by the team, not taken from an article: never evaluation data."""
        return self.source.strip().lower().startswith("authored")

    @property
    def key(self) -> str:
        """Normalised text used to match the same sentence across files."""
        return sentence_key(self.sentence)


@dataclass(frozen=True)
class LabelSet:
    """Validated rows from one or more label files."""

    rows: tuple[LabelRow, ...]
    labels: tuple[str, ...]
    files: tuple[str, ...] = field(default_factory=tuple)
    # The codebook beside the files (or one made from the names given), if any.
    codebook: Codebook | None = None

    @property
    def signals(self) -> dict[str, tuple[str, ...]]:
        """The codebook's signal phrases per frame (empty without a codebook or signals)."""
        return self.codebook.signals if self.codebook is not None else {}

    def counts(self) -> dict[str, int]:
        """Rows per label, in label order."""
        counter = Counter(row.label for row in self.rows)
        return {label: counter.get(label, 0) for label in self.labels}

    def sha256(self) -> str:
        """Hash of the training data (sentence, label, group, source) in row order."""
        digest = hashlib.sha256()
        for row in self.rows:
            digest.update("\x1f".join((row.article_id, row.sentence, row.label, row.source)).encode("utf-8"))
            digest.update(b"\x1e")
        return digest.hexdigest()

    def groups(self) -> list[str]:
        """Grouping key per row for cross-validation: article id, or file+row when missing."""
        from .cv import group_key  # cv imports this module

        return [group_key(row, "article") for row in self.rows]


@dataclass(frozen=True)
class LabelProblem:
    """Something wrong with one row: ``empty``, ``unknown-label``, ``duplicate`` or ``conflict``."""

    kind: str
    file: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: {self.message}"


def sentence_key(text: str) -> str:
    """NFKC, case-folded, quotes unified and whitespace collapsed."""
    # str.split() and strip() use the same Unicode whitespace as the regex \s+ (tested).
    return " ".join(_normalised(text).split())


def sentence_keys(texts: Sequence[str]) -> list[str]:
    """:func:`sentence_key` of each text, the texts normalised together (for an article's sentences)."""
    # NUL is a character no normalisation step changes, joins with its neighbours or
    # produces; it splits the normalised texts apart again unless a text holds one itself.
    normalised = _normalised("\x00".join(texts))
    if not texts or normalised.count("\x00") != len(texts) - 1:
        return [sentence_key(text) for text in texts]
    return [" ".join(text.split()) for text in normalised.split("\x00")]


def _normalised(text: str) -> str:
    # Runs for every predicted sentence when a report counts training sentences. ASCII text
    # is the common case: NFKC and the quote table leave it alone and casefold is lower.
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    for quote, plain in _QUOTES.items():  # six str.replace calls cost less than a translate table
        text = text.replace(quote, plain)
    return text.casefold()


def find_label_files(paths: Iterable[str | Path]) -> list[Path]:
    """CSV files named directly or found (sorted) under given directories."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.csv") if not p.name.startswith("."))
            if not found:
                raise LabelError(f"{path}: no .csv label files in this directory; add one with columns sentence,label")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise LabelError(f"{path}: no such labels file or directory; check the path")
    if not files:
        raise LabelError("no labels given; name CSV files or a directory such as labels/")
    return files


def read_declared_labels(paths: Iterable[str | Path]) -> tuple[str, ...] | None:
    """Labels declared by the codebook (or old ``label_set.txt``) beside the label files, if there is one."""
    codebook = find_codebook(paths)
    return codebook.names if codebook is not None else None


def read_label_rows(path: Path, *, keep_empty: bool = False) -> list[LabelRow]:
    """Rows of one labels file; raises :class:`LabelError` for missing columns or empty fields.

    With ``keep_empty`` rows with an empty sentence or label are returned too
    (for :func:`empty_field_problems` to report) instead of raising.
    """
    try:
        # Opened apart from the with below, so only an error opening it reads "cannot read".
        handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as error:
        raise LabelError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = [c.strip() for c in (reader.fieldnames or [])]
            text_column = next((c for c in TEXT_ALIASES if c in columns), "sentence")
            missing = [c for c in REQUIRED if c not in columns and not (c == "sentence" and text_column in columns)]
            if missing:
                raise LabelError(
                    f"{path}: missing column(s) {', '.join(repr(c) for c in missing)}; "
                    "a labels file needs the columns sentence (or text) and label"
                )
            reader.fieldnames = columns
            rows = []
            for number, record in enumerate(reader, start=2):
                record = {key: csv_unsafe(value) if isinstance(value, str) else value
                          for key, value in record.items()}
                sentence = (record.get(text_column) or "").strip()
                label = (record.get("label") or "").strip()
                rows.append(
                    LabelRow(
                        file=str(path),
                        row=number,
                        article_id=(record.get("article_id") or "").strip(),
                        outlet=(record.get("outlet") or "").strip(),
                        sentence=sentence,
                        label=label,
                        source=(record.get("source") or "").strip(),
                        note=(record.get("note") or "").strip(),
                    )
                )
        except UnicodeDecodeError:
            raise LabelError(f"{path}: not valid UTF-8; re-save the labels file as UTF-8") from None
        except csv.Error as error:
            raise LabelError(f"{path}: not a readable CSV ({error})") from None
    if not keep_empty:
        _raise_first(empty_field_problems(rows))
    return rows


def empty_field_problems(rows: Iterable[LabelRow]) -> list[LabelProblem]:
    """Rows with an empty sentence or an empty label."""
    problems = []
    for row in rows:
        if not row.sentence:
            problems.append(LabelProblem("empty", row.file, row.row, "empty sentence; fill it in or delete the row"))
        elif not row.label:
            problems.append(
                LabelProblem("empty", row.file, row.row, "empty label; give the sentence a label or delete the row")
            )
    return problems


def effective_rows(rows: Iterable[LabelRow]) -> list[LabelRow]:
    """Rows of one file with ``undo`` rows applied: each withdraws the earlier rows of its sentence."""
    kept: list[LabelRow] = []
    for row in rows:
        if row.label == UNDO:
            kept = [earlier for earlier in kept if earlier.key != row.key]
        else:
            kept.append(row)
    return kept


def labelled_rows(paths: Iterable[str | Path]) -> list[LabelRow]:
    """Every answered row (boilerplate included, undo applied, empty labels left out) of the files that exist.

    Missing files are skipped and nothing is validated beyond readability: this
    is for knowing which sentences are already labelled, not for training.
    """
    rows: list[LabelRow] = []
    for file in distinct_files(path for path in map(Path, paths) if path.is_dir() or path.is_file()):
        rows.extend(row for row in effective_rows(read_label_rows(file, keep_empty=True)) if row.label)
    return rows


def distinct_files(paths: Iterable[str | Path]) -> list[Path]:
    """:func:`find_label_files` of ``paths``, each file once (the same file named twice is read once)."""
    paths = list(paths)
    seen: set[Path] = set()
    files = []
    for file in find_label_files(paths) if paths else []:
        if file.resolve() not in seen:
            seen.add(file.resolve())
            files.append(file)
    return files


def read_labels(
    paths: Iterable[str | Path], *, allowed: Sequence[str] | None = None
) -> LabelSet:
    """Read and validate label files into a :class:`LabelSet`.

    Checks: required columns, empty fields, labels outside the declared set (a
    codebook beside the files, see :mod:`framelens.codebook`, or the names in ``allowed``), likely typos, one
    sentence given two labels, and at least two labels overall. Rows labelled
    ``boilerplate`` are not framed content and are left out; ``undo`` rows
    withdraw earlier rows of their sentence in their file (:func:`effective_rows`).
    """
    paths = list(paths)
    files = find_label_files(paths)
    codebook = Codebook.from_names(allowed, "--label-set") if allowed else find_codebook(paths)
    declared = codebook.names if codebook is not None else None
    rows: list[LabelRow] = []
    for path in files:
        rows.extend(row for row in effective_rows(read_label_rows(path)) if row.label != BOILERPLATE)
    if not rows:
        raise LabelError(f"{', '.join(map(str, files))}: no labelled sentences; add rows with sentence,label")
    _raise_first(label_problems(rows, declared))
    _raise_first([problem for problem in repeat_problems(rows) if problem.kind == "conflict"])
    labels = declared or tuple(sorted({row.label for row in rows}))
    present = sorted({row.label for row in rows})
    if len(present) < 2:
        raise LabelError(
            f"{', '.join(map(str, files))}: only one label ('{present[0]}'); training needs at least two labels"
        )
    return LabelSet(rows=tuple(rows), labels=tuple(labels), files=tuple(str(f) for f in files), codebook=codebook)


def rows_without(rows: Iterable[LabelRow], problems: Iterable[LabelProblem]) -> list[LabelRow]:
    """``rows`` less those a problem points at (same file and row)."""
    bad = {(problem.file, problem.row) for problem in problems}
    return [row for row in rows if (row.file, row.row) not in bad]


def _raise_first(problems: list[LabelProblem]) -> None:
    if problems:
        raise LabelError(str(problems[0]))


def label_problems(rows: list[LabelRow], declared: Sequence[str] | None) -> list[LabelProblem]:
    """Labels outside the declared set or, with no declared set, likely typos of a more common label."""
    problems = []
    if declared:
        for row in rows:
            if row.label not in declared:
                problems.append(LabelProblem(
                    "unknown-label", row.file, row.row,
                    f"label '{row.label}' is not in the declared set "
                    f"({', '.join(sorted(declared))}){_did_you_mean(row.label, declared)}",
                ))
        return problems
    # No declared set: a rare label that is one typo away from a common one is a typo.
    counts = Counter(row.label for row in rows)
    for row in rows:
        others = [label for label in counts if label != row.label and counts[label] > counts[row.label]]
        close = difflib.get_close_matches(row.label, others, n=1, cutoff=0.85)
        if close:
            problems.append(LabelProblem(
                "unknown-label", row.file, row.row,
                f"label '{row.label}' looks like a typo of '{close[0]}'; "
                f"fix it, or declare the labels in a {CODEBOOK_FILE}",
            ))
    return problems


def _did_you_mean(label: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(label, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else f"; fix the label or add it to {CODEBOOK_FILE}"


def repeat_problems(rows: list[LabelRow]) -> list[LabelProblem]:
    """Rows whose sentence an earlier row already has: ``duplicate`` (same label) or ``conflict``."""
    problems = []
    first: dict[str, LabelRow] = {}
    for row in rows:
        seen = first.setdefault(row.key, row)
        if seen is row:
            continue
        if seen.label != row.label:
            problems.append(LabelProblem(
                "conflict", row.file, row.row,
                f"the same sentence is labelled '{seen.label}' at {seen.file}, row {seen.row} "
                f"and '{row.label}' here; keep one label",
            ))
        else:
            problems.append(LabelProblem(
                "duplicate", row.file, row.row,
                f"the same sentence is already labelled '{row.label}' at {seen.file}, row {seen.row}; "
                "delete one of them",
            ))
    return problems


def unique_rows(label_set: LabelSet) -> list[LabelRow]:
    """Rows with repeated sentences (same label) kept once, first occurrence wins."""
    seen: set[str] = set()
    kept = []
    for row in label_set.rows:
        if row.key not in seen:
            seen.add(row.key)
            kept.append(row)
    return kept


def append_label_rows(path: str | Path, rows: Iterable[dict]) -> int:
    """Append rows to a labels file, creating it with a header if needed.

    Existing rows are never rewritten or reordered. Each row is flushed and
    synced at once, so an interrupted session loses nothing already answered.
    Returns the number of rows written. A write that fails (disk full,
    read-only file) raises :class:`~framelens.errors.OutputError`.
    """
    path = Path(path)
    columns = list(COLUMNS)
    try:
        if path.exists() and path.stat().st_size > 0:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), None) or []
            if not any(c in header for c in TEXT_ALIASES) or "label" not in header:
                raise LabelError(f"{path}: not a labels file (no sentence,label header); choose another file")
            columns = header
            with open(path, "rb") as handle:
                handle.seek(-1, os.SEEK_END)
                needs_newline = handle.read(1) not in (b"\n", b"\r")
        else:
            atomic_write_text(path, ",".join(columns) + "\r\n", option="--into")
            needs_newline = False
        written = 0
        with open(path, "a", encoding="utf-8", newline="") as handle:
            if needs_newline:
                handle.write("\r\n")
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            for row in rows:
                record = {**row, "text": row.get("sentence", "")} if "sentence" not in columns else row
                writer.writerow({c: csv_safe(record.get(c, "")) for c in columns})
                handle.flush()
                os.fsync(handle.fileno())
                written += 1
    except UnicodeDecodeError:
        raise LabelError(f"{path}: not valid UTF-8; re-save the labels file as UTF-8") from None
    except OSError as error:
        raise write_error(path, error, "--into") from None
    return written


def check_writable(path: str | Path) -> None:
    """Refuse a labels path that cannot be appended to, before any answer is asked for."""
    path = Path(path)
    target = path
    while not target.exists() and target != target.parent:
        target = target.parent
    if target.exists() and not os.access(target, os.W_OK):
        raise LabelError(f"{path}: not writable; make it writable or choose another --into file")
    if path.exists():
        check_regular_target(path)
        try:
            with open(path, "a", encoding="utf-8"):
                pass
        except OSError as error:
            raise LabelError(
                f"{path}: not writable ({error.strerror}); make it writable or choose another --into file") from None


@contextlib.contextmanager
def labels_lock(path: str | Path) -> Iterator[None]:
    """Hold ``<path>.lock`` (with this pid) while appending to ``path``; a second holder is refused.

    A lock left by a process that no longer runs is taken over.
    """
    path = Path(path)
    lock = Path(f"{path}.lock")
    check_writable(path)
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            holder = _lock_holder(lock)
            if holder is not None and holder != os.getpid() and _running(holder):
                raise LabelError(f"{path}: another labelling session (pid {holder}) is using it; "
                                 f"wait for it to finish or remove {lock}") from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()  # stale: its process is gone
            continue
        except OSError as error:
            raise LabelError(f"{lock}: cannot create the lock file ({error.strerror}); "
                             "make the directory writable or choose another --into file") from None
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()}\n")
        break
    else:
        raise LabelError(f"{path}: cannot take {lock}; remove it if no labelling session is running")
    try:
        yield
    finally:
        if _lock_holder(lock) == os.getpid():
            lock.unlink(missing_ok=True)


def _lock_holder(lock: Path) -> int | None:
    try:
        return int(lock.read_text("ascii").strip())
    except (OSError, ValueError):
        return None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
