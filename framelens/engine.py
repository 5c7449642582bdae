"""Run prediction over chunks of articles: in this process, on local worker processes, or on Dask.

:func:`run_chunks` is the one engine loop. It cuts the articles into chunks of
``config.chunk_articles`` consecutive articles, classifies each chunk where it
runs (this process, a worker process or a Dask worker), optionally calls a
``summarise`` function on the chunk's predictions there, and yields a
:class:`ChunkResult` per chunk in input order, whatever the engine. So the
output of ``jobs=N`` and of Dask is identical to ``jobs=1``.

Articles are read lazily and the chunks in flight are bounded
(``tasks_in_flight_per_worker`` per worker), so memory stays bounded whatever the
corpus size. Locally, ``jobs=N`` means N processes in all: N - 1 spawned workers,
plus this process, which classifies a chunk itself whenever the workers are full;
workers exit when this process dies, even by ``kill -9``. Tasks carry articles one
way and predictions (or only a summary) back: never the article texts again, never
the model. The model reaches each local worker once, as the directory of a saved
model (the worker loads the hash-checked artifact) or pickled with the worker's
start-up; Dask workers get it scattered once.
"""
from __future__ import annotations

import gc
import itertools
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from .config import DEFAULT_CONFIG, Config
from .errors import EngineError
from .prediction import ArticlePredictions

if TYPE_CHECKING:
    from .model import FramingModel
    from .schema import Article, Prediction

# A loaded model, or the directory of a saved one (loaded, hash-checked, where the chunks run).
ModelSource = Union["FramingModel", str, os.PathLike]
Summarise = Callable[..., object]  # (list of ArticlePredictions[, context]) -> the chunk's summary

_WORKER_MODEL = None  # in a worker process: the model, loaded once when the worker starts
_PARENT_POLL_SECONDS = 1.0


@dataclass
class ChunkResult:
    """One chunk of consecutive articles, classified.

    ``results`` is empty when the chunk ran with ``keep_predictions=False``;
    ``summary`` is what ``summarise`` returned for the chunk (``None`` without one).
    """

    results: list[ArticlePredictions]
    summary: object | None
    articles: int
    sentences: int


def default_jobs() -> int:
    """All cores this process may use."""
    from joblib import cpu_count

    return max(cpu_count(), 1)


def chunked(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of ``size`` articles."""
    iterator = iter(articles)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def run_chunks(
    model: ModelSource,
    articles: Iterable[Article],
    *,
    split: bool = True,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    config: Config = DEFAULT_CONFIG,
    summarise: Summarise | None = None,
    summary_context: Callable[[], object] | None = None,
    keep_predictions: bool = True,
) -> Iterator[ChunkResult]:
    """Classify ``articles`` chunk by chunk with the chosen engine; one :class:`ChunkResult` per chunk, in order.

    ``summarise`` must be picklable (a top-level function or a ``functools.partial``
    of one): it is called as ``summarise(list_of_ArticlePredictions)`` where the
    chunk ran. With ``summary_context``, that is called here as each chunk is sent
    and its (picklable) value travels with the chunk: ``summarise(results, context)``
    (the report sends the point below which its sentence sample turns sentences away).
    With ``keep_predictions=False`` only the summary and the counts come back
    (``results`` is empty), which is what keeps a report of a huge corpus small.
    """
    if engine not in ("local", "dask"):
        raise EngineError(f"unknown engine '{engine}'; use local or dask")
    task = _ChunkTask(split, config, summarise, keep_predictions, summary_context is not None)
    context = summary_context or _no_context
    # What is alive now (modules, the model) stays alive: the cyclic garbage collector need
    # not scan it again every time the chunks' short-lived records trigger a collection
    # (a fifth of this process's streaming time at 100,000 sentences).
    gc.freeze()
    try:
        if engine == "dask":
            yield from _run_dask(model, articles, task, context, scheduler, jobs, config)
        elif jobs <= 1:
            loaded = _loaded(model)
            for chunk in chunked(articles, config.chunk_articles):
                yield task.result(chunk, task(loaded, chunk, context()))
        else:
            yield from _run_processes(model, articles, task, context, jobs, config)
    finally:
        gc.unfreeze()


def run_predictions(
    model: ModelSource,
    articles: Iterable[Article],
    *,
    split: bool = True,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    config: Config = DEFAULT_CONFIG,
) -> Iterator[ArticlePredictions]:
    """Predict every article, in input order, with the chosen engine (see :func:`run_chunks`)."""
    for chunk in run_chunks(model, articles, split=split, jobs=jobs, engine=engine, scheduler=scheduler,
                            config=config):
        yield from chunk.results


# -- what runs where the chunk runs --------------------------------------------------------------

# Sent back per chunk: predictions per article (or None), the summary, articles, sentences.
_TaskOutput = tuple[list[list["Prediction"]] | None, object, int, int]


class _ChunkTask:
    """Classify one chunk and summarise it; picklable, so it runs the same in any process."""

    def __init__(self, split: bool, config: Config, summarise: Summarise | None, keep_predictions: bool,
                 with_context: bool = False):
        self.split = split
        self.chunk_sentences = config.chunk_sentences
        self.splitter = config.splitter
        self.summarise = summarise
        self.keep_predictions = keep_predictions
        self.with_context = with_context

    def __call__(self, model, chunk: list[Article], context: object = None,
                 between: Callable[[], None] | None = None) -> _TaskOutput:
        """``between`` is called after each article is classified (the parent feeds its workers then)."""
        from .prediction import predict_articles
        from .sentences import default_splitter

        splitter = default_splitter(self.splitter) if self.split else None
        results = []
        for item in predict_articles(model, chunk, split=self.split, chunk_sentences=self.chunk_sentences,
                                     splitter=splitter):
            results.append(item)
            if between is not None:
                between()
        if self.summarise is None:
            summary = None
        else:
            summary = self.summarise(results, context) if self.with_context else self.summarise(results)
        sentences = sum(len(item.predictions) for item in results)
        # The caller still has the articles: only the predictions travel back.
        predictions = [item.predictions for item in results] if self.keep_predictions else None
        return predictions, summary, len(chunk), sentences

    @staticmethod
    def result(chunk: list[Article], output: _TaskOutput) -> ChunkResult:
        """Join a task's output with the articles it was given."""
        predictions, summary, articles, sentences = output
        if predictions is None:
            return ChunkResult([], summary, articles, sentences)
        results = [ArticlePredictions(a, p) for a, p in zip(chunk, predictions, strict=True)]
        return ChunkResult(results, summary, articles, sentences)


def _loaded(model: ModelSource) -> FramingModel:
    if isinstance(model, (str, os.PathLike)):
        from .persistence import load_model

        return load_model(Path(model))
    return model


def _worker_source(model: ModelSource) -> ModelSource:
    """What a worker needs to get the model: its directory when it has one (cheaper than pickling it)."""
    if isinstance(model, (str, os.PathLike)):
        return model
    return getattr(model, "source_dir", None) or model


def _start_worker(model: ModelSource, parent: int) -> None:
    global _WORKER_MODEL
    die_with_parent(parent)
    # The parent decides what an interruption means (keep whole articles); workers
    # just finish their chunk. One BLAS/OpenMP thread each, so N processes use N cores.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    # scikit-learn imports pandas when it can (30 MB per process); a worker only
    # classifies lists of strings, so it runs without it.
    sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]
    _WORKER_MODEL = _loaded(model)
    # The model's vocabularies are hundreds of thousands of entries that live as long as the
    # worker: kept out of the garbage collector's scans, which the chunks trigger often.
    gc.freeze()


def die_with_parent(parent: int) -> None:
    """Exit when the parent process dies, even by ``kill -9`` (no orphans classifying for minutes)."""
    try:
        import ctypes

        # PR_SET_PDEATHSIG (Linux): the kernel sends SIGKILL when the parent goes.
        armed = ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL) == 0
    except (OSError, AttributeError):  # not Linux
        armed = False
    if os.getppid() != parent:  # the parent died before we got here
        os._exit(1)
    if armed:
        return

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(_PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="framelens-parent-watch", daemon=True).start()


def _run_in_worker(task: _ChunkTask, chunk: list[Article], context: object) -> _TaskOutput:
    return task(_WORKER_MODEL, chunk, context)


def _no_context() -> None:
    return None


# -- engines ------------------------------------------------------------------------------------


def _run_processes(model: ModelSource, articles: Iterable[Article], task: _ChunkTask,
                   context: Callable[[], object], jobs: int, config: Config) -> Iterator[ChunkResult]:
    """This process and ``jobs - 1`` worker processes share the chunks; results come back in order.

    This process reads, writes and classifies a chunk itself whenever every worker
    already has ``tasks_in_flight_per_worker`` chunks, so ``--jobs N`` means N
    processes in all (not N workers plus a mostly idle parent): less memory, no
    oversubscribed cores. While it classifies a chunk it keeps feeding the workers
    (after every article), so a worker never waits for this process to finish its
    own chunk, and it tops them up before handing each result on to be merged and
    written. It keeps the last chunk rather than queue it behind a busy worker, so it
    does not sit idle at the end while that worker works through two.
    """
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    workers = jobs - 1
    worker_limit = workers * config.tasks_in_flight_per_worker
    queue_limit = worker_limit + config.tasks_in_flight_per_worker
    # "spawn": workers start clean, whatever threads this process runs (fork is unsafe then).
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(_worker_source(model), os.getpid()))
    local_model = None
    reader = chunked(articles, config.chunk_articles)
    upcoming: deque[list[Article]] = deque()  # read one chunk ahead, to know which chunk is the last
    # Per chunk, in input order: [articles, Future or the output computed here]. A chunk classified
    # here is entered first (None) so the chunks sent while it runs come after it; nothing reads
    # the queue's front until that chunk is done.
    queue: deque[list] = deque()

    def in_flight() -> int:
        return sum(1 for _, item in queue if isinstance(item, Future) and not item.done())

    def ready() -> bool:
        return bool(queue) and (not isinstance(queue[0][1], Future) or queue[0][1].done())

    def pop() -> ChunkResult:
        chunk, item = queue.popleft()
        return task.result(chunk, item.result() if isinstance(item, Future) else item)

    def workers_full() -> bool:
        """Whether the next chunk is this process's: the workers have enough queued.

        The last chunk does not queue behind a worker's running one: this process would
        then sit idle at the end while that worker works through both.
        """
        while len(upcoming) < 2 and (chunk := next(reader, None)) is not None:
            upcoming.append(chunk)
        return in_flight() >= (workers if len(upcoming) == 1 else worker_limit)

    def feed_workers() -> None:
        while not workers_full() and upcoming and len(queue) <= queue_limit:
            chunk = upcoming.popleft()
            queue.append([chunk, pool.submit(_run_in_worker, task, chunk, context())])

    finished = False
    try:
        while True:
            feed_workers()
            if not upcoming:
                break
            if workers_full():  # classify the next chunk here, feeding the workers as it goes
                if local_model is None:
                    local_model = _loaded(model)
                chunk = upcoming.popleft()
                entry: list = [chunk, None]
                queue.append(entry)
                entry[1] = task(local_model, chunk, context(), between=feed_workers)
            # Hand on what is ready at the front; wait for it only when too much has piled up.
            # The caller writes and merges each result: the workers are topped up first, so
            # they do not wait for that (a report merges and writes for a second or more).
            while ready() or len(queue) > queue_limit:
                result = pop()
                feed_workers()
                yield result
        while queue:
            yield pop()
        finished = True
    except BrokenProcessPool:
        raise EngineError(f"a worker process died (out of memory?); try fewer --jobs (now {jobs})") from None
    finally:
        # Done: join the idle workers. Not waiting leaves the pool's manager thread closing its
        # wakeup pipe while Python 3.11's exit hook writes to it ("Exception ignored ... Bad file
        # descriptor" after a successful run). Interrupted or failed: do not wait for running chunks.
        pool.shutdown(wait=finished, cancel_futures=not finished)


def _run_dask(model: ModelSource, articles: Iterable[Article], task: _ChunkTask, context: Callable[[], object],
              scheduler: str | None, jobs: int, config: Config) -> Iterator[ChunkResult]:
    """Chunks go to a Dask cluster as tasks, at most ``tasks_in_flight_per_worker`` per worker.

    Articles are read here and shipped with their task, so the workers of a remote
    cluster need neither the input files nor the model directory.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("the dask engine needs the dask extra; run: pip install 'framelens[dask]'") from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=config.dask_connect_timeout)
        except (OSError, TimeoutError, ValueError) as error:
            raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({type(error).__name__}); "
                              "check --scheduler (e.g. tcp://host:8786)") from None
    else:
        cluster = LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        # The model goes to every worker once; each task names the scattered copy.
        scattered = client.scatter(_loaded(model), broadcast=True, hash=False)
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        limit = workers * config.tasks_in_flight_per_worker
        pending: deque = deque()
        for chunk in chunked(articles, config.chunk_articles):
            pending.append((chunk, client.submit(task, scattered, chunk, context(), pure=False)))
            if len(pending) >= limit:
                chunk, future = pending.popleft()
                yield task.result(chunk, future.result())
        while pending:
            chunk, future = pending.popleft()
            yield task.result(chunk, future.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
