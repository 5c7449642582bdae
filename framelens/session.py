"""State of a terminal labelling session: what to show next, answers written at once, undo, retraining.

Every answer is appended to the labels file and synced before the next
sentence is shown, so killing the process loses at most the sentence on
screen. Undo never rewrites the file: it appends an ``undo`` row for the same
sentence, which withdraws the earlier answer (:func:`labels.effective_rows`),
and shows the sentence again. Skips are not written: a skipped sentence does
not come back in this session but may in a later one.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .active import Candidate, candidates_from_articles, rank_candidates
from .config import DEFAULT_CONFIG, Config
from .errors import LabelError
from .labels import (
    BOILERPLATE,
    UNDO,
    append_label_rows,
    distinct_files,
    labelled_rows,
    read_label_rows,
    read_labels,
)
from .schema import Article
from .training import CVResult, train

RESERVED = (BOILERPLATE, UNDO)


@dataclass(frozen=True)
class Answer:
    """One answer of this session: a label (``boilerplate`` included) written at ``row``, or a skip."""

    candidate: Candidate
    label: str | None
    row: int | None


@dataclass(frozen=True)
class Retrained:
    """Outcome of retraining in memory: the new CV (``None`` when impossible) or why it could not train."""

    n_sentences: int
    n_articles: int
    cv: CVResult | None
    previous_macro_f1: float | None
    error: str | None = None


def check_label_names(names: Sequence[str]) -> tuple[str, ...]:
    """Label names for a session: at least two, distinct, none of the reserved ones."""
    names = tuple(name.strip() for name in names if name.strip())
    reserved = [name for name in names if name in RESERVED]
    if reserved:
        raise LabelError(f"'{reserved[0]}' is reserved (the b key records boilerplate); choose other label names")
    if len(set(names)) != len(names) or len(names) < 2:
        raise LabelError(f"label set '{','.join(names)}' needs at least two distinct labels, e.g. --label-set a,b,c")
    return names


class LabellingSession:
    """Serves candidates most informative first and records answers in ``labels_file``."""

    def __init__(
        self,
        articles: Iterable[Article],
        labels_file: str | Path,
        label_names: Sequence[str],
        *,
        model=None,
        training_files: Sequence[str | Path] = (),
        config: Config = DEFAULT_CONFIG,
        split: bool = True,
    ):
        self.labels_file = Path(labels_file)
        self.label_names = check_label_names(label_names)
        self.model = model
        self.config = config
        self.training_files = [
            file for file in distinct_files(training_files) if file.resolve() != self.labels_file.resolve()
        ]
        known = labelled_rows([*self.training_files, self.labels_file])
        self.labelled_texts = [row.sentence for row in known]
        self.already_labelled = len({row.key for row in known})
        self._pool = {c.key: c for c in candidates_from_articles(articles, {row.key for row in known}, split=split)}
        self.unlabelled_at_start = len(self._pool)
        self._next_row = _next_row(self.labels_file)
        self._queue: list[Candidate] = []
        self._current: Candidate | None = None
        self.history: list[Answer] = []
        self.answers_since_retrain = 0
        self.macro_f1 = model.card.cv["macro_f1_mean"] if model is not None and model.card.cv else None

    @property
    def current(self) -> Candidate | None:
        """The sentence to label now; ``None`` when no unlabelled sentence is left."""
        if self._current is None:
            if not self._queue:
                self._queue = rank_candidates(
                    list(self._pool.values()), self.model, labelled_texts=self.labelled_texts,
                    limit=self.config.retrain_every, diversity_weight=self.config.diversity_weight,
                )
            if self._queue:
                self._current = self._queue.pop(0)
        return self._current

    @property
    def remaining(self) -> int:
        """Unlabelled sentences not yet answered or skipped in this session (the one on screen included)."""
        return len(self._pool)

    def answer(self, label: str) -> Answer:
        """Record ``label`` (one of the label names or ``boilerplate``) for the current sentence."""
        if label not in self.label_names and label != BOILERPLATE:
            raise LabelError(f"'{label}' is not one of {', '.join(self.label_names)}")
        candidate = self._take()
        row = self._append(candidate, label, note="")
        self.labelled_texts.append(candidate.sentence.text)
        self.answers_since_retrain += 1
        return self._record(Answer(candidate, label, row))

    def skip(self) -> Answer:
        """Pass over the current sentence for this session (nothing is written)."""
        return self._record(Answer(self._take(), None, None))

    def undo(self) -> tuple[Answer, int | None] | None:
        """Take back the last answer and show its sentence again.

        Returns the answer and the row of the ``undo`` line appended (``None``
        for a skip), or ``None`` when there is nothing to undo.
        """
        if not self.history:
            return None
        last = self.history.pop()
        undo_row = None
        if last.row is not None:
            undo_row = self._append(last.candidate, UNDO, note=f"withdraws row {last.row}")
            self.labelled_texts.remove(last.candidate.sentence.text)
            self.answers_since_retrain = max(0, self.answers_since_retrain - 1)
        if self._current is not None:
            self._queue.insert(0, self._current)
        self._current = last.candidate
        self._pool = {last.candidate.key: last.candidate, **self._pool}
        return last, undo_row

    @property
    def due_for_retrain(self) -> bool:
        """True after ``retrain_every`` answers since the last retraining."""
        return self.answers_since_retrain >= self.config.retrain_every

    def retrain(self) -> Retrained:
        """Retrain in memory on the training files plus the labels file; re-rank what is left."""
        self.answers_since_retrain = 0
        previous = self.macro_f1
        try:
            label_set = read_labels([*self.training_files, self.labels_file])
        except LabelError as error:
            return Retrained(0, 0, None, previous, error=str(error))
        self.model, cv = train(label_set, self.config)
        if cv is not None:
            self.macro_f1 = cv.macro_f1_mean
        self._queue = []  # what is left is ranked again by the new model
        return Retrained(self.model.card.n_sentences, self.model.card.n_articles, cv, previous)

    def counts(self) -> dict[str, int]:
        """Answers of this session still standing, per label (boilerplate last)."""
        counts = {label: 0 for label in (*self.label_names, BOILERPLATE)}
        for answer in self.history:
            if answer.label is not None:
                counts[answer.label] += 1
        return counts

    def _take(self) -> Candidate:
        candidate = self.current
        if candidate is None:
            raise LabelError("no sentence left to label")
        self._current = None
        self._pool.pop(candidate.key, None)
        return candidate

    def _record(self, answer: Answer) -> Answer:
        self.history.append(answer)
        return answer

    def _append(self, candidate: Candidate, label: str, note: str) -> int:
        sentence = candidate.sentence
        append_label_rows(self.labels_file, [{
            "article_id": sentence.article_id, "outlet": sentence.outlet, "sentence": sentence.text,
            "label": label, "source": self.config.session_source, "note": note,
        }])
        row, self._next_row = self._next_row, self._next_row + 1
        return row


def _next_row(path: Path) -> int:
    """Row number the next appended row will have (row 2 is the first data row)."""
    if not path.is_file() or path.stat().st_size == 0:
        return 2
    return len(read_label_rows(path, keep_empty=True)) + 2

