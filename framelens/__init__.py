"""framelens: measure how news outlets frame a story.

Python API (see the README's Python section, which a test runs)::

    import framelens
    model = framelens.load_model()          # --model rules: FRAMELENS_MODEL, ./model, else the shipped model
    model.predict(["Sanctions have failed to isolate Moscow."])
    records = list(framelens.predict_articles("articles/", model=model))   # one dict per sentence
    framelens.to_dataframe(records)         # pandas, if installed (pip install 'framelens[pandas]')
    framelens.FramingClassifier().fit(sentences, labels)                    # a scikit-learn estimator

Importing framelens imports nothing heavy; each function imports what it needs.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = [
    "FramingClassifier",
    "__version__",
    "load_model",
    "predict_articles",
    "read_codebook",
    "read_corpus",
    "split_sentences",
    "to_dataframe",
]

if TYPE_CHECKING:
    from .estimator import FramingClassifier


def load_model(path=None):
    """Load a trained model: ``path``, else ``$FRAMELENS_MODEL``, else ``model/`` here, else the shipped one."""
    from .model_store import load_model as _load

    return _load(path)


def read_corpus(paths, **options):
    """Yield the :class:`~framelens.schema.Article` records of files, directories or ``-``."""
    from .corpus import read_corpus as _read

    return _read(_as_list(paths), **options)


def split_sentences(text: str) -> list[str]:
    """The content sentences of an article's text: boilerplate dropped (as the CLI does), then Punkt."""
    from .sentences import content_sentences

    return content_sentences(text)


def read_codebook(path):
    """Read a ``codebook.toml`` into a :class:`~framelens.codebook.Codebook`."""
    from .codebook import read_codebook as _read

    return _read(path)


def predict_articles(inputs, model=None, *, split: bool = True, **corpus_options) -> Iterator[dict]:
    """Yield one dict per content sentence: article_id, outlet, sentence_index, text, label, confidence,
    probabilities, date, model (the first 16 hex digits of the model artifact's sha256).

    ``inputs`` is a path, a list of paths (files, directories) or an iterable of
    :class:`~framelens.schema.Article`; ``model`` defaults to :func:`load_model`.
    ``corpus_options`` go to :func:`read_corpus` (``encoding``, ``fields``, ...).
    """
    from dataclasses import asdict

    from .prediction import predict_articles as _predict
    from .schema import Article

    model = model if model is not None else load_model()
    items = _as_list(inputs)
    given_articles = bool(items) and all(isinstance(item, Article) for item in items)
    articles = items if given_articles else read_corpus(items, **corpus_options)
    for result in _predict(model, articles, split=split):
        for prediction in result.predictions:
            yield asdict(prediction)


def to_dataframe(records: Iterable[dict]):
    """A pandas DataFrame of per-sentence records, one column per label probability (``p_<label>``)."""
    from .errors import MissingDependencyError

    try:
        import pandas
    except ModuleNotFoundError:
        raise MissingDependencyError(
            "pandas is not installed; install it with: pip install 'framelens[pandas]'") from None
    rows = []
    for record in records:
        row = {key: value for key, value in record.items() if key != "probabilities"}
        row.update({f"p_{label}": p for label, p in record.get("probabilities", {}).items()})
        rows.append(row)
    return pandas.DataFrame(rows)


def __getattr__(name: str):
    if name == "FramingClassifier":  # imports scikit-learn, so only when asked for
        from .estimator import FramingClassifier

        return FramingClassifier
    raise AttributeError(f"module 'framelens' has no attribute {name!r}")


def _as_list(paths) -> list:
    if isinstance(paths, (str, bytes, os.PathLike)):
        return [paths]
    return list(paths)
