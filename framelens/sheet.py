"""The spreadsheet round trip: write sentences to label as a CSV sheet, import the filled sheet.

A sheet has the columns ``article_id, outlet, before, sentence, after, label,
note``; ``label`` starts empty. Importing appends the filled rows to a labels
file and reports, per row, those it leaves out: empty label, unknown label,
a sentence already labelled (in the target, in the other label files given,
or earlier in the sheet).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .active import Candidate
from .errors import OutputError
from .files import atomic_write_text, csv_safe_row
from .labels import (
    BOILERPLATE,
    LabelProblem,
    append_label_rows,
    empty_field_problems,
    label_problems,
    labelled_rows,
    labels_lock,
    read_label_rows,
    repeat_problems,
    rows_without,
)

SHEET_COLUMNS = ("article_id", "outlet", "before", "sentence", "after", "label", "note")


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows appended and the rows left out, with why."""

    imported: int
    problems: tuple[LabelProblem, ...]

    @property
    def rejected(self) -> tuple[LabelProblem, ...]:
        """Problems that need fixing (not same-label repeats of rows already there)."""
        return tuple(p for p in self.problems if p.kind != "duplicate")


def write_sheet(path: str | Path, candidates: Sequence[Candidate]) -> None:
    """Write ``candidates`` as a sheet (atomically), refusing to overwrite a sheet with labels filled in."""
    path = Path(path)
    if path.is_file():
        filled = sum(1 for row in read_label_rows(path, keep_empty=True) if row.label)
        if filled:
            raise OutputError(
                f"{path}: already has {filled} filled label{'s' if filled != 1 else ''}; import it first "
                f"(framelens import-labels {path} --into FILE) or choose another --out"
            )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    for candidate in candidates:
        sentence = candidate.sentence
        writer.writerow(csv_safe_row([sentence.article_id, sentence.outlet, candidate.before, sentence.text,
                                      candidate.after, "", ""]))
    atomic_write_text(path, buffer.getvalue())


def import_sheet(
    sheet: str | Path,
    into: str | Path,
    label_names: Sequence[str],
    *,
    other_label_files: Iterable[str | Path] = (),
    source: str = "import",
) -> ImportResult:
    """Append the valid filled rows of ``sheet`` to ``into``; return what was imported and what was not."""
    sheet, into = Path(sheet), Path(into)
    rows = read_label_rows(sheet, keep_empty=True)
    problems = empty_field_problems(rows)
    problems += label_problems(rows_without(rows, problems), (*label_names, BOILERPLATE))
    # The sheet may sit in a directory of label files: its own rows are not "already labelled".
    known = [row for row in labelled_rows([*other_label_files, into]) if Path(row.file).resolve() != sheet.resolve()]
    repeats = repeat_problems(known + rows_without(rows, problems))
    problems += [p for p in repeats if p.file == str(sheet)]
    problems.sort(key=lambda p: p.row)
    good = rows_without(rows, problems)
    with labels_lock(into):
        append_label_rows(into, [
            {"article_id": row.article_id, "outlet": row.outlet, "sentence": row.sentence, "label": row.label,
             "source": source, "note": row.note}
            for row in good
        ])
    return ImportResult(imported=len(good), problems=tuple(problems))
