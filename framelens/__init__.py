"""framelens: measure how news outlets frame a story.

Notebook API::

    import framelens
    model = framelens.load_model()            # model/ of the current directory
    model.predict(["Sanctions have failed to isolate Moscow."])
    articles = list(framelens.read_corpus(["seeds/"]))
    framelens.split_sentences(articles[0].text)
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["load_model", "read_corpus", "split_sentences", "__version__"]


def load_model(path=None):
    """Load a trained model (default ``model/``), checking its card and hash."""
    from .persistence import load_model as _load

    return _load(path if path is not None else "model")


def read_corpus(paths, **options):
    """Yield the :class:`~framelens.schema.Article` records of files, directories or ``-``."""
    from .corpus import read_corpus as _read

    if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__"):
        paths = [paths]
    return _read(paths, **options)


def split_sentences(text):
    """Split text into sentences with nltk Punkt and the shipped parameters."""
    from .sentences import split_sentences as _split

    return _split(text)
