"""Run prediction over chunks of articles: in this process, on local worker processes, or on Dask.

Every engine yields :class:`~framelens.prediction.ArticlePredictions` in input
order, so the output of ``jobs=N`` and of Dask is identical to ``jobs=1``.
Articles are read lazily and at most ``workers × tasks_in_flight_per_worker``
chunks are in flight, so memory stays bounded whatever the corpus size.

A model loaded from disk travels to workers as its directory and sha256: each
worker loads the verified artifact once and keeps it. An in-memory model is
pickled with each task instead.
"""
from __future__ import annotations

import itertools
import os
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .config import Config
from .errors import EngineError
from .prediction import ArticlePredictions, predict_articles
from .schema import Article

_WORKER_MODELS: dict[str, object] = {}  # per worker process: artifact sha256 → model


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


def _model_reference(model):
    if getattr(model, "source_dir", None) and model.card.artifact_sha256:
        return ("dir", model.source_dir, model.card.artifact_sha256)
    return ("object", model)


def _resolve(reference):
    if reference[0] == "object":
        return reference[1]
    _, directory, sha = reference
    if sha not in _WORKER_MODELS:
        from .persistence import load_model

        _WORKER_MODELS[sha] = load_model(directory)
    return _WORKER_MODELS[sha]


def predict_chunk(reference, articles: list[Article], split: bool, chunk_sentences: int) -> list[ArticlePredictions]:
    """Worker task: predictions for one chunk of articles."""
    model = _resolve(reference)
    return list(predict_articles(model, articles, split=split, chunk_sentences=chunk_sentences))


def predict_chunk_with_aggregates(reference, articles, split, chunk_sentences):
    """Dask task: a chunk's predictions and its per-outlet aggregates."""
    results = predict_chunk(reference, articles, split, chunk_sentences)
    return results, aggregate(results)


def _run_processes(model, articles, split, jobs, config) -> Iterator[ArticlePredictions]:
    from joblib import Parallel, delayed

    reference = _model_reference(model)
    tasks = (
        delayed(predict_chunk)(reference, chunk, split, config.chunk_sentences)
        for chunk in chunked(articles, config.chunk_articles)
    )
    # return_as="generator" keeps input order and dispatches lazily (pre_dispatch bounds memory).
    parallel = Parallel(
        n_jobs=jobs, backend="loky", return_as="generator",
        pre_dispatch=f"{config.tasks_in_flight_per_worker}*n_jobs",
        inner_max_num_threads=1,
    )
    for chunk_results in parallel(tasks):
        yield from chunk_results


def _run_dask(model, articles, split, scheduler, jobs, config, aggregates) -> Iterator[ArticlePredictions]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("the dask engine needs the dask extra; run: pip install 'framelens[dask]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        # The model goes to every worker once; tasks refer to the scattered copy.
        reference = client.scatter(("object", model), broadcast=True)
        workers = max(len(client.scheduler_info().get("workers", {})), 1)
        limit = workers * config.tasks_in_flight_per_worker
        pending: deque = deque()
        for chunk in chunked(articles, config.chunk_articles):
            pending.append(client.submit(predict_chunk_with_aggregates, reference, chunk, split,
                                         config.chunk_sentences, pure=False))
            if len(pending) >= limit:
                yield from _collect(pending.popleft(), aggregates)
        while pending:
            yield from _collect(pending.popleft(), aggregates)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _collect(future, aggregates):
    results, chunk_totals = future.result()
    if aggregates is not None:
        aggregates.add(chunk_totals)
    return results
