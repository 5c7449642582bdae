"""The report's per-article summaries, kept by column: about 210 bytes an article instead of 750.

A report keeps one :class:`~framelens.schema.ArticleSummary` per article until the end of
the run, so this is what grows with the corpus. As objects (a frozen dataclass holding
three tuples, a 64-character digest and its own copies of the outlet, date and source
strings) they made the 100,000-article report's peak 611 MB; by column, 527 MB
(benchmarks/RESULTS.md). Here the numbers live in arrays, an outlet, date or source is
stored once however many articles share it, and the digest as its 32 bytes. Reading gives
the same ``ArticleSummary`` records back, built one at a time. Both sizes are measured in
tests/test_report_summaries.py.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator

from ..schema import ArticleSummary


class ArticleSummaries:
    """A sequence of :class:`ArticleSummary` records of ``frames`` frames each, stored by column.

    Supports ``append``, ``extend`` (with another ``ArticleSummaries``), ``len``, indexing,
    iteration, ``==`` and pickling (arrays travel as bytes, so a chunk's summaries pickle
    faster than the records would).
    """

    def __init__(self, frames: int, summaries: Iterable[ArticleSummary] = ()):
        self.frames = frames
        self._article_ids: list[str] = []
        self._outlets: list[str] = []
        self._dates: list[str | None] = []
        self._sources: list[str | None] = []
        self._sentences = array("q")
        self._counts = array("q")
        self._sums = array("d")
        self._variances = array("d")
        self._digests = bytearray()
        self._shared: dict[str, str] = {}  # one copy of each outlet, date and source string
        for summary in summaries:
            self.append(summary)

    def _one(self, text: str) -> str:
        return self._shared.setdefault(text, text)

    def _one_or_none(self, text: str | None) -> str | None:
        return text if text is None else self._shared.setdefault(text, text)

    def append(self, summary: ArticleSummary) -> None:
        width = self.frames
        if not len(summary.counts) == len(summary.probability_sums) == len(summary.probability_variances) == width:
            raise ValueError(f"an article summary needs {width} values per frame column, got "
                             f"{len(summary.counts)}/{len(summary.probability_sums)}/{len(summary.probability_variances)}")
        digest = bytes.fromhex(summary.digest)
        if len(digest) != 32:
            raise ValueError(f"an article summary's digest is a sha256 (64 hex digits), got {summary.digest!r}")
        self._article_ids.append(summary.article_id)
        self._outlets.append(self._one(summary.outlet))
        self._dates.append(self._one_or_none(summary.date))
        self._sources.append(self._one_or_none(summary.source))
        self._sentences.append(summary.sentences)
        self._counts.extend(summary.counts)
        self._sums.extend(summary.probability_sums)
        self._variances.extend(summary.probability_variances)
        self._digests += digest

    def extend(self, other: ArticleSummaries) -> None:
        """Append every summary of ``other`` (the next chunk's, in input order)."""
        if other.frames != self.frames:
            raise ValueError(f"summaries of {other.frames} frames cannot follow summaries of {self.frames}")
        self._article_ids.extend(other._article_ids)
        self._outlets.extend(map(self._one, other._outlets))
        self._dates.extend(map(self._one_or_none, other._dates))
        self._sources.extend(map(self._one_or_none, other._sources))
        self._sentences.extend(other._sentences)
        self._counts.extend(other._counts)
        self._sums.extend(other._sums)
        self._variances.extend(other._variances)
        self._digests += other._digests

    def __len__(self) -> int:
        return len(self._article_ids)

    def __getitem__(self, index: int) -> ArticleSummary:
        position = range(len(self))[index]  # IndexError and negative indices as a list has them
        width = self.frames
        values = slice(position * width, (position + 1) * width)
        return ArticleSummary(
            article_id=self._article_ids[position], outlet=self._outlets[position], date=self._dates[position],
            source=self._sources[position], sentences=self._sentences[position],
            counts=tuple(self._counts[values]), probability_sums=tuple(self._sums[values]),
            probability_variances=tuple(self._variances[values]),
            digest=self._digests[position * 32:(position + 1) * 32].hex())

    def __iter__(self) -> Iterator[ArticleSummary]:
        return map(self.__getitem__, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArticleSummaries):
            return NotImplemented
        return self.frames == other.frames and list(self) == list(other)

    def __repr__(self) -> str:
        return f"ArticleSummaries({len(self)} articles, {self.frames} frames)"

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_shared"]  # rebuilt on arrival, from the strings as they come
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._shared = {}
        self._outlets[:] = map(self._one, self._outlets)
        self._dates[:] = map(self._one_or_none, self._dates)
        self._sources[:] = map(self._one_or_none, self._sources)
