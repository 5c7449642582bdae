"""Find problems in label files: collect them all, each with file and row, instead of stopping at the first.

Must fix: empty fields, labels outside the declared set, a sentence labelled
twice (exact duplicate or conflict). To check: near duplicates (TF-IDF cosine),
classes with few sentences, and labels the cross-validated model confidently
disputes. Disputes follow confident learning (Northcutt et al., 2021): with
out-of-fold probabilities grouped by article, the threshold of each class is
the mean probability the model gives that class on the rows labelled with it;
a row is disputed when the most probable class above its threshold is not its
label and is also more probable than its label. Disputes are ranked by how far
that class's probability exceeds the given label's.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .codebook import Codebook, find_codebook
from .config import DEFAULT_CONFIG, Config
from .cv import fit_and_score, grouped_folds
from .errors import LabelError
from .labels import (
    BOILERPLATE,
    LabelRow,
    LabelSet,
    effective_rows,
    empty_field_problems,
    find_label_files,
    label_problems,
    read_label_rows,
    repeat_problems,
    rows_without,
    unique_rows,
)
from .similarity import similar_pairs
from .training import pipeline_trainer

FIX = "fix"
CHECK = "check"


@dataclass(frozen=True)
class Finding:
    """One problem: ``severity`` is ``fix`` (must be fixed) or ``check`` (worth a look)."""

    kind: str
    severity: str
    file: str
    row: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: {self.message}" if self.row is not None else self.message


@dataclass(frozen=True)
class AuditReport:
    """All findings for a set of label files, plus the class counts and how the model check went."""

    files: tuple[str, ...]
    n_rows: int
    n_boilerplate: int
    counts: dict[str, int]
    findings: tuple[Finding, ...]
    model_check: str

    @property
    def must_fix(self) -> bool:
        """True when at least one finding must be fixed."""
        return any(finding.severity == FIX for finding in self.findings)


def audit_labels(
    paths: Iterable[str | Path], config: Config = DEFAULT_CONFIG, *, allowed: Sequence[str] | None = None
) -> AuditReport:
    """Audit label files (``undo`` rows applied); never raises for problems in the rows themselves."""
    paths = list(paths)
    files = find_label_files(paths)
    codebook = find_codebook(paths)
    declared = tuple(allowed) if allowed else (codebook.names if codebook is not None else None)
    rows = [row for path in files for row in effective_rows(read_label_rows(path, keep_empty=True))]
    problems = empty_field_problems(rows)
    filled = rows_without(rows, problems)
    content = [row for row in filled if row.label != BOILERPLATE]
    problems += label_problems(content, declared)
    problems += repeat_problems(rows_without(content, problems))
    findings = [Finding(p.kind, FIX, p.file, p.row, p.message) for p in problems]
    clean = rows_without(content, problems)
    labels = declared or tuple(sorted({row.label for row in clean}))
    counts = {label: sum(1 for row in clean if row.label == label) for label in labels}
    findings += near_duplicates(clean, config.near_duplicate_similarity)
    findings += balance_findings(counts, config.warn_class_count_below)
    disputes, model_check = disputed_labels(clean, labels, config, codebook)
    findings += disputes
    return AuditReport(
        files=tuple(str(f) for f in files), n_rows=len(rows),
        n_boilerplate=sum(1 for row in filled if row.label == BOILERPLATE),
        counts=counts, findings=tuple(findings), model_check=model_check,
    )


def near_duplicates(rows: list[LabelRow], threshold: float) -> list[Finding]:
    """Pairs of different sentences whose TF-IDF cosine similarity is at least ``threshold``."""
    findings = []
    for i, j, similarity in similar_pairs([row.sentence for row in rows], threshold):
        first, second = rows[i], rows[j]
        labels = (f"both labelled '{first.label}'" if first.label == second.label
                  else f"labelled '{first.label}' there and '{second.label}' here; check which is right")
        findings.append(Finding(
            "near-duplicate", CHECK, second.file, second.row,
            f"nearly the same sentence as {first.file}, row {first.row} (similarity {similarity:.2f}), {labels}",
        ))
    return sorted(findings, key=lambda f: (f.file, f.row))


def balance_findings(counts: dict[str, int], fewest: int) -> list[Finding]:
    """Classes with fewer than ``fewest`` sentences."""
    return [
        Finding("balance", CHECK, "", None,
                f"class '{label}' has {n} sentence{'s' if n != 1 else ''} (fewer than {fewest}); label more of it")
        for label, n in counts.items() if n < fewest
    ]


def disputed_labels(rows: list[LabelRow], labels: Sequence[str], config: Config,
                    codebook: Codebook | None = None) -> tuple[list[Finding], str]:
    """Rows whose label the cross-validated model confidently disputes, most confident first."""
    if len({row.label for row in rows}) < 2:
        return [], "model check skipped: it needs at least two labels"
    label_set = LabelSet(rows=tuple(rows), labels=tuple(labels), codebook=codebook)
    try:
        folds = grouped_folds(unique_rows(label_set), "article", config.cv_folds, score_authored=True)
        oof = fit_and_score(folds, labels, pipeline_trainer(config.model, config.random_state, label_set.signals))
    except LabelError as error:
        return [], f"model check skipped: {error}"
    scored = folds.scored
    proba = np.round(oof.probabilities, 6)  # the precision the disputes were always computed at
    given = np.array([labels.index(row.label) for row in scored])
    thresholds = np.full(len(labels), np.inf)  # a class nobody has is never "confidently" predicted
    for index in range(len(labels)):
        if np.any(given == index):
            thresholds[index] = proba[given == index, index].mean()
    disputes = []
    for row, p, own in zip(scored, proba, given, strict=True):
        above = np.flatnonzero(p >= thresholds)
        if len(above) == 0:
            continue
        suggested = int(above[np.argmax(p[above])])
        if suggested != own and p[suggested] > p[own]:
            disputes.append((float(p[suggested] - p[own]), row, labels[suggested], p[suggested], p[own]))
    disputes.sort(key=lambda item: (-item[0], item[1].file, item[1].row))
    findings = [
        Finding("disputed", CHECK, row.file, row.row,
                f"labelled '{row.label}' but the cross-validated model says '{suggested}' "
                f"({p_suggested:.2f} vs {p_own:.2f}): {_clip(row.sentence)}")
        for _, row, suggested, p_suggested, p_own in disputes
    ]
    check = f"model check: {folds.n_splits}-fold cross-validation grouped by article over {len(scored)} sentences"
    return findings, check


def _clip(text: str, width: int = 90) -> str:
    return f'"{text}"' if len(text) <= width else f'"{text[: width - 1].rstrip()}…"'

