"""Split text into sentences with nltk's Punkt, offline and deterministically.

By default the parameters shipped in ``framelens/data`` (what ``PunktTrainer``
learned from the project's own text, see ``tools/build_punkt_params.py``) are
used, so the same text splits the same way on every machine. nltk's
downloadable ``punkt_tab`` is used only on request (``parameters="installed"``,
``Config.splitter``). Either way the shipped abbreviation list is added, and
:func:`splitter_origin` says which parameters were used (with their sha256) so
model cards and reports can record it. Nothing is ever downloaded.

Lines are split first: a heading without final punctuation is a sentence of
its own, and hard-wrapped lines (a line that does not end a sentence followed
by one starting in lower case) are joined back together.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .clean import is_sentence_like
from .errors import SplitterError

if TYPE_CHECKING:  # nltk is imported where sentences are split, not at import time
    from nltk.tokenize.punkt import PunktParameters

PARAMS_FILE = "punkt_params.json"
ABBREVIATIONS_FILE = "abbreviations.txt"
# Where Punkt's parameters come from: framelens/data (default) or nltk's installed punkt_tab.
PARAMETER_SOURCES = ("shipped", "installed")
PUNKT_TAB_LANGUAGE = "english"

_WHITESPACE = re.compile(r"[ \t\u00a0]+")


def shipped_abbreviations() -> set[str]:
    """The abbreviation list shipped with framelens (lower case, no final period)."""
    text = (resources.files("framelens") / "data" / ABBREVIATIONS_FILE).read_text("utf-8")
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


def installed_punkt_tab_dir(language: str = PUNKT_TAB_LANGUAGE) -> Path | None:
    """Directory of an installed nltk ``punkt_tab`` model, or ``None`` when absent."""
    try:
        from nltk.data import find

        return Path(str(find(f"tokenizers/punkt_tab/{language}/")))
    except (LookupError, OSError, ValueError):
        return None


def installed_punkt_tab(language: str = PUNKT_TAB_LANGUAGE) -> PunktParameters | None:
    """Parameters of an installed nltk ``punkt_tab`` model, or ``None`` when absent."""
    directory = installed_punkt_tab_dir(language)
    if directory is None:
        return None
    try:
        from nltk.tokenize.punkt import load_punkt_params

        return load_punkt_params(str(directory))
    except (LookupError, OSError, ValueError):
        return None


def shipped_parameters() -> PunktParameters:
    """The Punkt parameters shipped in ``framelens/data/punkt_params.json``."""
    raw = json.loads((resources.files("framelens") / "data" / PARAMS_FILE).read_text("utf-8"))
    return parameters_from_dict(raw)


def load_parameters(source: str = "shipped") -> PunktParameters:
    """Punkt parameters from ``source`` (``shipped`` or ``installed``), plus the shipped abbreviations."""
    _check_source(source)
    if source == "installed":
        params = installed_punkt_tab()
        if params is None:
            raise _punkt_tab_missing()
    else:
        params = shipped_parameters()
    params.abbrev_types |= shipped_abbreviations()
    return params


def splitter_origin(source: str = "shipped") -> dict:
    """What splits sentences, for model cards and reports.

    ``sha256`` covers the parameter files in order (``punkt_params.json`` or the
    installed punkt_tab files, then ``abbreviations.txt``), so two runs with the
    same value split text the same way (given the same nltk).
    """
    from importlib.metadata import version

    _check_source(source)
    data = resources.files("framelens").joinpath("data")
    if source == "installed":
        directory = installed_punkt_tab_dir()
        if directory is None:
            raise _punkt_tab_missing()
        files = [path.read_bytes() for path in sorted(directory.iterdir()) if path.is_file()]
    else:
        files = [data.joinpath(PARAMS_FILE).read_bytes()]
    digest = hashlib.sha256()
    for content in [*files, data.joinpath(ABBREVIATIONS_FILE).read_bytes()]:
        digest.update(hashlib.sha256(content).digest())
    return {"splitter": "punkt", "parameters": source, "sha256": digest.hexdigest(), "nltk": version("nltk")}


def _punkt_tab_missing() -> SplitterError:
    return SplitterError(
        f"nltk punkt_tab ({PUNKT_TAB_LANGUAGE}) is not installed; run: python -m nltk.downloader punkt_tab, "
        "or use the shipped splitter parameters (splitter='shipped')"
    )


def _check_source(source: str) -> None:
    if source not in PARAMETER_SOURCES:
        raise SplitterError(f"unknown splitter parameters '{source}'; use one of: {', '.join(PARAMETER_SOURCES)}")


class SentenceSplitter:
    """Punkt with framelens's parameters, plus line and heading handling."""

    def __init__(self, params: PunktParameters | None = None, *, source: str = "shipped"):
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        if params is None:
            params = load_parameters(source)
            self.origin = source
        else:
            self.origin = "given"
        self._punkt = PunktSentenceTokenizer(params)

    def split(self, text: str) -> list[str]:
        """The sentences of ``text`` in order, whitespace tidied, empty ones dropped."""
        sentences: list[str] = []
        for block in text_blocks(text):
            for sentence in self._punkt.tokenize(block):
                sentence = sentence.strip()
                if sentence:
                    sentences.append(sentence)
        return sentences


def text_blocks(text: str) -> list[str]:
    """Paragraphs and headings: one per line, with hard-wrapped lines joined."""
    blocks: list[str] = []
    for raw in text.split("\n"):
        line = _WHITESPACE.sub(" ", raw).strip()
        if not line:
            blocks.append("")
            continue
        if blocks and blocks[-1] and not is_sentence_like(blocks[-1]) and line[0].islower():
            blocks[-1] = f"{blocks[-1]} {line}"
        else:
            blocks.append(line)
    return [block for block in blocks if block]


@lru_cache(maxsize=len(PARAMETER_SOURCES))
def default_splitter(source: str = "shipped") -> SentenceSplitter:
    """One shared splitter per parameter source, built on first use (not at import)."""
    return SentenceSplitter(source=source)


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences with the default splitter."""
    return default_splitter().split(text)


def learn_parameters(texts: Iterable[str], abbreviations: Iterable[str] = ()) -> PunktParameters:
    """Run nltk's ``PunktTrainer`` over ``texts`` and add ``abbreviations``."""
    from nltk.tokenize.punkt import PunktTrainer

    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    for text in texts:
        trainer.train("\n".join(text_blocks(text)), finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    params.abbrev_types |= set(abbreviations)
    return params


def parameters_to_dict(params: PunktParameters) -> dict:
    """JSON-ready form of Punkt parameters (sorted, so the file is stable)."""
    return {
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted([a, b] for a, b in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
    }


def parameters_from_dict(raw: dict) -> PunktParameters:
    """Inverse of :func:`parameters_to_dict`."""
    from nltk.tokenize.punkt import PunktParameters

    params = PunktParameters()
    params.abbrev_types = set(raw.get("abbrev_types", ()))
    params.collocations = {tuple(pair) for pair in raw.get("collocations", ())}
    params.sent_starters = set(raw.get("sent_starters", ()))
    for word, flags in raw.get("ortho_context", {}).items():
        params.ortho_context[word] = int(flags)
    return params


def content_sentences(text: str, splitter: SentenceSplitter | None = None) -> list[str]:
    """The content sentences of an article's text: boilerplate removed, then split with Punkt.

    The one definition used by the command line and the Python API alike.
    """
    from .clean import strip_boilerplate

    return (splitter or default_splitter()).split(strip_boilerplate(text))


def article_sentences(article, *, split: bool = True, splitter: SentenceSplitter | None = None) -> list:
    """The content sentences of an article as :class:`~framelens.schema.Sentence` records.

    With ``split`` (the default) boilerplate is removed and the text is split
    with Punkt; without it every non-empty line is taken as one sentence.
    """
    from .schema import Sentence

    if split:
        texts = content_sentences(article.text, splitter)
    else:
        texts = [line.strip() for line in article.text.split("\n") if line.strip()]
    return [
        Sentence(article.article_id, article.outlet, index, text, article.date)
        for index, text in enumerate(texts)
    ]
