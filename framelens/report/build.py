"""Feed the report while predictions stream, then write it: the one path every report takes.

``framelens predict --report`` and ``framelens report`` (from a corpus or a predictions
file) all hand chunks of predictions to a :class:`ReportBuilder`. Each chunk brings its
:class:`~framelens.report.collect.ReportCollector` (computed where the chunk ran); the
builder merges them, streams ``sentences.csv`` into a staging directory beside the
target, and at the end writes the rest there and swaps it in whole.
"""
from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

from ..config import DEFAULT_CONFIG, Config
from ..engine import ChunkResult
from ..errors import ReportError
from ..prediction import ArticlePredictions
from ..schema import Article, Prediction
from .collect import ReportCollector, summarise_chunk
from .data import ReportContext, ReportTables, build_report


def summariser(frames: Sequence[str], phrases: Sequence[str], config: Config = DEFAULT_CONFIG,
               training_keys: frozenset[str] = frozenset()):
    """The picklable per-chunk summary function the engines run where each chunk is predicted.

    It is called as ``summarise(results)`` or, with :meth:`ReportBuilder.browser_floor` as the
    engine's ``summary_context``, as ``summarise(results, browser_floor)``.
    """
    return partial(_summarise, frames=tuple(frames), phrases=tuple(phrases), config=config,
                   training_keys=training_keys)


def _summarise(results, browser_floor: int | None = None, *, frames, phrases, config, training_keys):
    return summarise_chunk(results, frames, phrases, config, training_keys, browser_floor=browser_floor)


def training_keys(model) -> frozenset[str]:
    """The model's training sentences (as :func:`~framelens.labels.sentence_key`), from the files its card names."""
    from ..labels import labelled_rows, sentence_key
    from ..model_store import recorded_training_files

    if model is None or not getattr(model, "source_dir", None):
        return frozenset()
    files = recorded_training_files(Path(model.source_dir))
    return frozenset(sentence_key(row.sentence) for row in labelled_rows(files))


class ReportBuilder:
    """Collects chunks and writes the report directory; nothing replaces ``out_dir`` until :meth:`finish`."""

    def __init__(self, out_dir: str | Path, frames: Sequence[str], phrases: Sequence[str] = (),
                 config: Config = DEFAULT_CONFIG, known: frozenset[str] = frozenset(), *, sentences: bool = True,
                 jobs: int = 1):
        """``jobs`` processes draw the figures at the end; the ``jobs - 1`` helpers start now."""
        from ..files import atomic_directory
        from ..output import PredictionWriter
        from .figures import FigureHelpers

        self.frames = list(frames)
        self.config = config
        self.collector = ReportCollector(tuple(frames), tuple(phrases), config, training_keys=known)
        self._stack = contextlib.ExitStack()
        self.staging = self._stack.enter_context(atomic_directory(out_dir, marker="report.json"))
        # sentences.csv needs every record back from the workers; without it only summaries travel.
        self._sentences = PredictionWriter(self.staging / "sentences.csv", "csv", self.frames) if sentences else None
        self._helpers = FigureHelpers(jobs - 1) if jobs > 1 else None
        if self._helpers is not None:
            self._stack.callback(self._helpers.close)

    def browser_floor(self) -> int | None:
        """What a chunk sent now needs to know to leave out the browser candidates this report would turn away.

        Pass it to the engine as ``summary_context``: without it every chunk sends back its
        own full sample of ``browser_sentences`` sentences; with it, after the first chunks,
        only the few that can still enter the merged sample. The report is the same.
        """
        return self.collector.current_browser_floor()

    def add(self, results: Sequence[ArticlePredictions], summary: object | None) -> None:
        """One chunk: its predictions (for sentences.csv) and its collector (computed here when missing)."""
        if self._sentences is not None:
            for item in results:
                self._sentences.write_article(item.predictions)
        if not isinstance(summary, ReportCollector):  # a predictions file: summarised here, told the floor too
            summary = summarise_chunk(results, self.frames, self.collector.phrases, self.config,
                                      self.collector.training_keys, browser_floor=self.browser_floor())
        self.collector.merge(summary)

    def finish(self, model=None, context: ReportContext | None = None) -> ReportTables:
        """Build the statistics, write every file into the staging directory and swap it in."""
        from .figures import start_figures
        from .write import write_report_directory

        drawing = []

        def start_drawing(figure_data: dict) -> None:
            # The helpers start on the figure queue while this process computes the rest of the report.
            drawing.append(start_figures(figure_data, helpers=self._helpers))

        try:
            if self._sentences is not None:
                self._sentences.finish()
            tables = build_report(self.collector, model, self.config, context, on_figure_data=start_drawing,
                                  run_elsewhere=self._helpers.run if self._helpers is not None else None)
            write_report_directory(tables.report, self.staging, article_rows=tables.article_rows,
                                   pairwise_rows=tables.pairwise_rows, figures=drawing[0]())
        except BaseException as error:
            self._stack.__exit__(type(error), error, error.__traceback__)
            raise
        self._stack.close()
        return tables

    def abort(self) -> None:
        """Leave the previous report (if any) as it was."""
        if self._sentences is not None:
            self._sentences.abort()
        error = ReportError("report aborted")
        self._stack.__exit__(ReportError, error, None)


def prediction_frames(predictions: Iterator[Prediction]) -> tuple[list[str], Iterator[Prediction]]:
    """The frames of a predictions stream (from its first record) and the stream, unconsumed."""
    first = next(predictions, None)
    if first is None:
        raise ReportError("the predictions file has no records; nothing to report")
    frames = sorted(set(first.probabilities) | {first.label})
    return frames, itertools.chain([first], predictions)


def noting_models(predictions: Iterable[Prediction], seen: set[str | None]) -> Iterator[Prediction]:
    """The stream unchanged, adding the ``model`` each record names to ``seen`` as it passes."""
    for prediction in predictions:
        seen.add(prediction.model)
        yield prediction


def articles_of(predictions: Iterable[Prediction]) -> Iterator[ArticlePredictions]:
    """Group a predictions stream into articles (consecutive records of one article_id)."""
    for article_id, group in itertools.groupby(predictions, key=lambda p: p.article_id):
        records = list(group)
        yield ArticlePredictions(Article(article_id, records[0].outlet, "", date=records[0].date), records)


def chunks_of(items: Iterable[ArticlePredictions], size: int) -> Iterator[ChunkResult]:
    """Chunks of ``size`` articles, as the engines deliver them (summarised by the builder, in this process)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield ChunkResult(batch, None, len(batch), sum(len(item.predictions) for item in batch))
