"""Run prediction over chunks of articles: in this process, on local worker processes, or on Dask.

Every engine yields :class:`~framelens.prediction.ArticlePredictions` in input
order, so the output of ``jobs=N`` and of Dask is identical to ``jobs=1``.
Articles are read lazily and at most ``workers × tasks_in_flight_per_worker``
chunks are in flight, so memory stays bounded whatever the corpus size.

The model goes to each worker once: as an argument of the worker's start-up
(local processes) or scattered to every Dask worker; tasks carry only articles.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .config import Config
from .errors import EngineError
from .prediction import ArticlePredictions, predict_articles
from .schema import Article

_WORKER_MODEL = None  # in a worker process: the model, received once when the worker starts


@dataclass
class OutletAggregates:
    """Per-outlet counts the report needs, summed over chunks (computed where the chunk ran)."""

    articles: Counter = field(default_factory=Counter)
    sentences: Counter = field(default_factory=Counter)
    frame_counts: Counter = field(default_factory=Counter)  # (outlet, frame) → sentences
    probability_sums: Counter = field(default_factory=Counter)  # (outlet, frame) → Σ p

    def add(self, other: "OutletAggregates") -> None:
        """Merge another chunk's aggregates into these."""
        self.articles.update(other.articles)
        self.sentences.update(other.sentences)
        self.frame_counts.update(other.frame_counts)
        self.probability_sums.update(other.probability_sums)


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def chunked(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of ``size`` articles."""
    iterator = iter(articles)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def aggregate(results: Iterable[ArticlePredictions]) -> OutletAggregates:
    """Per-outlet counts and probability sums of some predictions."""
    totals = OutletAggregates()
    for item in results:
        outlet = item.article.outlet
        totals.articles[outlet] += 1
        totals.sentences[outlet] += len(item.predictions)
        for prediction in item.predictions:
            totals.frame_counts[(outlet, prediction.label)] += 1
            for frame, p in prediction.probabilities.items():
                totals.probability_sums[(outlet, frame)] += p
    return totals


def run_predictions(
    model,
    articles: Iterable[Article],
    *,
    split: bool = True,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    config: Config = Config(),
    aggregates: OutletAggregates | None = None,
) -> Iterator[ArticlePredictions]:
    """Predict every article, in input order, with the chosen engine.

    ``aggregates``, when given, is filled with per-outlet counts as results arrive
    (on Dask they are computed on the workers).
    """
    if engine == "dask":
        results = _run_dask(model, articles, split, scheduler, jobs, config, aggregates)
    elif engine != "local":
        raise EngineError(f"unknown engine '{engine}'; use local or dask")
    elif jobs <= 1:
        results = predict_articles(model, articles, split=split, chunk_sentences=config.chunk_sentences)
    else:
        results = _run_processes(model, articles, split, jobs, config)
    for item in results:
        if aggregates is not None and engine != "dask":
            aggregates.add(aggregate([item]))
        yield item


def predict_chunk_with_aggregates(model, articles: list[Article], split: bool, chunk_sentences: int):
    """Dask task: a chunk's predictions and its per-outlet aggregates."""
    results = list(predict_articles(model, articles, split=split, chunk_sentences=chunk_sentences))
    return results, aggregate(results)


def _start_worker(model) -> None:
    global _WORKER_MODEL
    # The parent decides what an interruption means (keep whole articles); workers
    # just finish their chunk. One BLAS/OpenMP thread each, so N processes use N cores.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    _WORKER_MODEL = model


def _predict_in_worker(articles: list[Article], split: bool, chunk_sentences: int) -> list[ArticlePredictions]:
    return list(predict_articles(_WORKER_MODEL, articles, split=split, chunk_sentences=chunk_sentences))


def _run_processes(model, articles, split, jobs, config) -> Iterator[ArticlePredictions]:
    """This process and ``jobs - 1`` worker processes share the chunks; results come back in order.

    This process reads, writes and classifies a chunk itself whenever every worker
    already has ``tasks_in_flight_per_worker`` chunks, so ``--jobs N`` means N
    processes in all (not N workers plus a mostly idle parent): less memory, no
    oversubscribed cores.
    """
    workers = jobs - 1
    worker_limit = workers * config.tasks_in_flight_per_worker
    # "spawn": workers start clean, whatever threads this process runs (fork is unsafe then).
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(model,))
    queue: deque = deque()  # per chunk, in input order: a Future, or the list computed here
    try:
        for chunk in chunked(articles, config.chunk_articles):
            if sum(1 for item in queue if isinstance(item, Future) and not item.done()) < worker_limit:
                queue.append(pool.submit(_predict_in_worker, chunk, split, config.chunk_sentences))
            else:
                queue.append(list(predict_articles(model, chunk, split=split, chunk_sentences=config.chunk_sentences)))
            # Hand on what is ready at the front; wait for it only when too much has piled up.
            while queue and (not isinstance(queue[0], Future) or queue[0].done()
                             or len(queue) > worker_limit + config.tasks_in_flight_per_worker):
                yield from _chunk_result(queue.popleft())
        while queue:
            yield from _chunk_result(queue.popleft())
    except BrokenProcessPool:
        raise EngineError(f"a worker process died (out of memory?); try fewer --jobs (now {jobs})") from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _chunk_result(item) -> list[ArticlePredictions]:
    return item.result() if isinstance(item, Future) else item


def _run_dask(model, articles, split, scheduler, jobs, config, aggregates) -> Iterator[ArticlePredictions]:
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
        scattered = client.scatter(model, broadcast=True, hash=False)
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        limit = workers * config.tasks_in_flight_per_worker
        pending: deque = deque()
        for chunk in chunked(articles, config.chunk_articles):
            pending.append(client.submit(predict_chunk_with_aggregates, scattered, chunk, split,
                                         config.chunk_sentences, pure=False))
            if len(pending) >= limit:
                yield from _collect(pending.popleft(), aggregates)
        while pending:
            yield from _collect(pending.popleft(), aggregates)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _collect(future, aggregates) -> list[ArticlePredictions]:
    results, chunk_totals = future.result()
    if aggregates is not None:
        aggregates.add(chunk_totals)
    return results
