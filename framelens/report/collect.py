"""What the report keeps while predictions stream past: small, mergeable, bounded.

A :class:`ReportCollector` holds one :class:`~framelens.schema.ArticleSummary` per article
(by column, :mod:`~framelens.report.summaries`) and bounded structures for the rest:
per-outlet term counts pruned to a fixed size (for keyness), the most confident sentences
per outlet × frame (exemplars), and samples of sentences, articles and phrase contexts.
Samples keep the items with the smallest hash of their identity, so they do not depend on
how the corpus was cut into chunks, and pruning happens at chunk boundaries that every
engine shares: the local engine, worker processes and Dask give the same collector.

:func:`summarise_chunk` runs where a chunk was predicted; the caller merges the
chunk collectors in input order.
"""
from __future__ import annotations

import hashlib
import heapq
import itertools
import operator
import struct
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce

from ..config import DEFAULT_CONFIG, Config
from ..schema import ArticleSummary, Prediction
from ..stats import word_count
from .summaries import ArticleSummaries
from .terms import PHRASE_JOINER, count_terms, phrase_matches_by_sentence, stop_words

_KWIC_CONTEXT = 60
# Sample items are tuples (cheap to build, pickle and merge); these name their fields.
BROWSER_FIELDS = ("article_id", "outlet", "sentence_index", "text", "label", "confidence", "date")
STRIP_FIELDS = ("article_id", "outlet", "frames")
KWIC_FIELDS = ("outlet", "article_id", "sentence_index", "label", "left", "match", "right")


def sample_key(*parts: object) -> int:
    """A stable pseudo-random rank of an item (the same on every machine and engine)."""
    return int.from_bytes(_key_hasher("\x00".join(str(p) for p in parts)).digest(), "big")


def _key_hasher(text: str):
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8)


def record_digest(predictions: Sequence[Prediction]) -> str:
    """sha256 of an article's prediction records in one unambiguous encoding.

    Per record: article_id, outlet, sentence_index, text, label, date and the frames of its
    probabilities, sorted, as one Python literal written by ``ascii()`` (it reads back as the
    same values and escapes every non-ASCII character, so no Unicode table of the Python
    version enters it; the frame lists appear once each, and a number per record says which);
    then confidences and probabilities (in those frame orders) as IEEE 754 doubles.
    """
    probabilities = [p.probabilities for p in predictions]
    orders = [tuple(record) for record in probabilities]
    frames_of = {order: tuple(sorted(order)) for order in set(orders)}
    frame_lists = [frames_of[order] for order in orders]
    distinct = list(dict.fromkeys(frame_lists))
    number = {frames: index for index, frames in enumerate(distinct)}
    rows = [(p.article_id, p.outlet, p.sentence_index, p.text, p.label, p.date) for p in predictions]
    digest = hashlib.sha256(ascii((distinct, [number[frames] for frames in frame_lists], rows)).encode("ascii"))
    values = [p.confidence for p in predictions]
    values += [record[frame] for record, frames in zip(probabilities, frame_lists, strict=True) for frame in frames]
    digest.update(struct.pack(f"<{len(values)}d", *values))
    return digest.hexdigest()


class _Held:
    """A sampled item; never decides heap order (equal ranks compare equal, not by content)."""

    __slots__ = ("item",)

    def __init__(self, item: tuple):
        self.item = item

    def __lt__(self, other: _Held) -> bool:
        return False


@dataclass
class BrowserCandidates:
    """Sentences gathered for the browser's sample over a chunk: flat lists, no object per sentence."""

    negated_keys: list[int] = field(default_factory=list)
    predictions: list[Prediction] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.negated_keys.clear()
        self.predictions.clear()
        self.outlets.clear()


@dataclass
class ReportCollector:
    """Per-article summaries plus bounded samples and counts; merge chunk collectors in input order."""

    frames: tuple[str, ...]
    phrases: tuple[str, ...] = ()
    config: Config = DEFAULT_CONFIG
    summaries: ArticleSummaries = field(init=False)  # one per article, stored by column
    terms: dict[str, Counter] = field(default_factory=dict)
    words: Counter = field(default_factory=Counter)
    # (outlet, frame) → [(-confidence, article_id, sentence_index, text)], best first
    exemplars: dict[tuple[str, str], list[tuple]] = field(default_factory=dict)
    # Samples: heaps of (-key, identity, item) keeping the smallest keys.
    browser: list[tuple[int, str, _Held]] = field(default_factory=list)
    strips: list[tuple[int, str, _Held]] = field(default_factory=list)
    phrase_counts: dict[str, dict[str, Counter]] = field(default_factory=dict)  # phrase → outlet → {"count", frame...}
    kwic: dict[str, list[tuple[int, str, _Held]]] = field(default_factory=dict)
    kwic_total: Counter = field(default_factory=Counter)
    sentences_seen: int = 0
    # Keys (labels.sentence_key) of the model's training sentences, and how many input
    # sentences are among them: for those the model repeats its labels, it does not predict.
    training_keys: frozenset[str] = frozenset()
    sentences_in_training: int = 0
    # A chunk's collector: no sentence with a negated key below this can still enter the merged
    # browser sample (the merging process's floor when the chunk was sent; None: no bound).
    browser_floor: int | None = None

    def __post_init__(self) -> None:
        self.summaries = ArticleSummaries(len(self.frames))

    def add(self, article, predictions: Sequence[Prediction],
            browser_candidates: BrowserCandidates | None = None) -> None:
        """Take in one article and its sentence predictions.

        ``browser_candidates`` gathers the sentences for the browser's sample: pass the same
        one to every ``add`` of a chunk and then to :meth:`prune`, which picks the sample's
        sentences from it once. Without it, the article's sentences go into the sample at
        once (the same sample either way).
        """
        # Runs for every sentence, in the workers: work per article where it can, per
        # sentence only what a sentence needs, and nothing built for a sentence no sample keeps.
        outlet = article.outlet
        frames = self.frames
        texts = [p.text for p in predictions]
        labels = [p.label for p in predictions]
        if self.training_keys:
            from ..labels import sentence_keys

            self.sentences_in_training += sum(map(self.training_keys.__contains__, sentence_keys(texts)))
        terms = self.terms.get(outlet)
        if terms is None:
            terms = self.terms[outlet] = Counter()
        count_terms(terms, texts, stop_words())
        # A frame's probabilities in sentence order, added up left to right as one running sum would.
        rows = [p.probabilities for p in predictions]
        sums, variances = [], []
        for frame in frames:
            column = [row.get(frame) for row in rows]
            if None in column:
                column = [row[frame] for row in rows if frame in row]
            sums.append(reduce(operator.add, column, 0.0))
            complements = map(operator.sub, itertools.repeat(1.0, len(column)), column)
            variances.append(reduce(operator.add, map(operator.mul, column, complements), 0.0))
        self._keep_exemplars(outlet, predictions)
        pending = BrowserCandidates() if browser_candidates is None else browser_candidates
        # The browser's sample key of (article_id, sentence_index), hashed from a copy of the
        # article's prefix: the same bytes as sample_key, hashed once.
        prefix = _key_hasher(article.article_id + "\x00")
        negated_keys = pending.negated_keys
        for p in predictions:
            hasher = prefix.copy()
            hasher.update(str(p.sentence_index).encode("utf-8"))
            negated_keys.append(-int.from_bytes(hasher.digest(), "big"))
        pending.predictions.extend(predictions)
        pending.outlets.extend(itertools.repeat(outlet, len(predictions)))
        if browser_candidates is None or len(negated_keys) >= 4 * max(self.config.browser_sentences, 1):
            self._keep_browser(pending)  # bounded whatever the chunk's size
        if self.phrases:
            joined = " ".join(texts)
            joined_for_phrases = PHRASE_JOINER.join(texts)
            for phrase in self.phrases if predictions else ():
                self._look_for_phrase(phrase, outlet, predictions, texts, joined_for_phrases)
            # Words never span the space that joins two sentences, so one count over the article is exact.
            self.words[outlet] += word_count(joined)
        self.sentences_seen += len(predictions)
        self.summaries.append(ArticleSummary(
            article_id=article.article_id, outlet=outlet, date=article.date,
            source=getattr(article, "source_path", None), sentences=len(predictions),
            counts=tuple(map(labels.count, frames)),
            probability_sums=tuple(round(s, 6) for s in sums),
            probability_variances=tuple(round(v, 6) for v in variances), digest=record_digest(predictions)))
        if predictions:
            self._keep_sample(self.strips, self.config.strip_articles, (article.article_id,),
                              lambda: (article.article_id, outlet, labels))

    def _keep_exemplars(self, outlet: str, predictions: Sequence[Prediction]) -> None:
        # Each (outlet, frame) cell keeps its ``exemplars_per_cell`` smallest items; a
        # sentence less confident than the cell's last is ruled out by one comparison.
        exemplars, kept_per_cell = self.exemplars, self.config.exemplars_per_cell
        cells: dict[str, list[tuple]] = {}
        for p in predictions:
            cell = cells.get(p.label)
            if cell is None:
                cell = cells[p.label] = exemplars.setdefault((outlet, p.label), [])
            if len(cell) < kept_per_cell or -p.confidence <= cell[-1][0]:
                item = (-p.confidence, p.article_id, p.sentence_index, p.text)
                if len(cell) < kept_per_cell or item < cell[-1]:
                    cell.append(item)
                    cell.sort()
                    del cell[kept_per_cell:]

    def _keep_browser(self, candidates: BrowserCandidates) -> None:
        """Put the candidates into the browser's sample, in order, and empty them.

        Only candidates that can be kept are pushed: none below the ``browser_sentences``-th
        largest negated key among them, so the sample is the one pushing each would give,
        and none below :attr:`browser_floor`, which the merged sample would turn away.
        """
        size = self.config.browser_sentences
        negated_keys, predictions, outlets = candidates.negated_keys, candidates.predictions, candidates.outlets
        chosen: Iterable[int] = range(len(negated_keys) if size > 0 else 0)
        floor = heapq.nlargest(size, negated_keys)[-1] if len(negated_keys) > size > 0 else None
        if self.browser_floor is not None:
            floor = self.browser_floor if floor is None else max(floor, self.browser_floor)
        if floor is not None:
            chosen = list(itertools.compress(chosen, map(floor.__le__, negated_keys)))
        entries = [(negated_keys[i], predictions[i], outlets[i]) for i in chosen]
        candidates.clear()  # holds predictions: nothing of them stays past this
        browser = self.browser
        if not browser and len(entries) <= size:
            # A chunk's own sample (the usual case): every candidate is kept, and with distinct
            # ranks one heapify gives the heap the pushes would.
            heap = [(negated_key, repr((p.article_id, p.sentence_index)), _Held(_browser_item(p, outlet)))
                    for negated_key, p, outlet in entries]
            if len({entry[:2] for entry in heap}) == len(heap):
                browser[:] = heap
                heapq.heapify(browser)
                return
        for negated_key, p, outlet in entries:
            if len(browser) < size or negated_key >= browser[0][0]:
                self._push(browser, size, (negated_key, repr((p.article_id, p.sentence_index))),
                           lambda p=p, outlet=outlet: _browser_item(p, outlet))

    @staticmethod
    def _keep_sample(sample: list, size: int, identity: tuple, make_item) -> None:
        # A max-heap on the key (stored negated) keeps the ``size`` smallest keys; the
        # identity breaks ties, and the item is only built when it is kept.
        key = sample_key(*identity)
        if len(sample) >= size and -key < sample[0][0]:
            return  # a larger key than every kept item: _push would not keep it either
        ReportCollector._push(sample, size, (-key, repr(identity)), make_item)

    @staticmethod
    def _push(sample: list, size: int, rank: tuple[int, str], make_item) -> None:
        if len(sample) < size:
            heapq.heappush(sample, (*rank, _Held(make_item())))
        elif sample[0][:2] < rank:
            heapq.heapreplace(sample, (*rank, _Held(make_item())))

    def _look_for_phrase(self, phrase: str, outlet: str, predictions: Sequence[Prediction],
                         texts: Sequence[str], joined: str) -> None:
        per_outlet = self.phrase_counts.setdefault(phrase, {}).setdefault(outlet, Counter())
        for sentence, offset, matches in phrase_matches_by_sentence(phrase, texts, joined):
            p = predictions[sentence]
            per_outlet["count"] += len(matches)
            per_outlet[p.label] += 1
            lines = self.kwic.setdefault(phrase, [])
            for number, match in enumerate(matches):
                self.kwic_total[phrase] += 1
                start, end = match.start() - offset, match.end() - offset
                self._keep_sample(lines, self.config.kwic_lines, (phrase, p.article_id, p.sentence_index, number),
                                  lambda p=p, start=start, end=end: (
                                      outlet, p.article_id, p.sentence_index, p.label,
                                      p.text[max(0, start - _KWIC_CONTEXT):start], p.text[start:end],
                                      p.text[end:end + _KWIC_CONTEXT]))

    def __getstate__(self) -> dict:
        # A chunk's collector travels from a worker to the parent: terms as one string and a
        # list of counts per outlet, sample items as tuples. Pickling thousands of small
        # dicts and Counter entries cost as much as the chunk's predictions themselves.
        state = self.__dict__.copy()
        state["terms"] = {outlet: ("\n".join(counts), list(counts.values())) for outlet, counts in self.terms.items()}
        state["browser"] = _packed(self.browser)
        state["strips"] = _packed(self.strips)
        state["kwic"] = {phrase: _packed(lines) for phrase, lines in self.kwic.items()}
        state["training_keys"] = frozenset()  # the receiving collector has its own
        return state

    def __setstate__(self, state: dict) -> None:
        state["terms"] = {outlet: _counter(zip(keys.split("\n") if keys else [], counts, strict=True))
                          for outlet, (keys, counts) in state["terms"].items()}
        state["browser"] = _unpacked(state["browser"])
        state["strips"] = _unpacked(state["strips"])
        state["kwic"] = {phrase: _unpacked(lines) for phrase, lines in state["kwic"].items()}
        self.__dict__.update(state)

    def merge(self, other: ReportCollector) -> None:
        """Fold in the collector of the chunk that follows this one in input order."""
        self.summaries.extend(other.summaries)
        for outlet, counts in other.terms.items():
            _add_counts(self.terms.setdefault(outlet, Counter()), counts)
        self.words.update(other.words)
        for cell, items in other.exemplars.items():
            merged = sorted(self.exemplars.get(cell, []) + items)
            self.exemplars[cell] = merged[: self.config.exemplars_per_cell]
        for negated_key, name, held in other.browser:
            self._push(self.browser, self.config.browser_sentences, (negated_key, name), lambda held=held: held.item)
        for negated_key, name, held in other.strips:
            self._push(self.strips, self.config.strip_articles, (negated_key, name), lambda held=held: held.item)
        for phrase, outlets in other.phrase_counts.items():
            for outlet, counts in outlets.items():
                self.phrase_counts.setdefault(phrase, {}).setdefault(outlet, Counter()).update(counts)
        for phrase, lines in other.kwic.items():
            mine = self.kwic.setdefault(phrase, [])
            for negated_key, name, held in lines:
                self._push(mine, self.config.kwic_lines, (negated_key, name), lambda held=held: held.item)
        self.kwic_total.update(other.kwic_total)
        self.sentences_seen += other.sentences_seen
        self.sentences_in_training += other.sentences_in_training
        self.prune()

    def prune(self, browser_candidates: BrowserCandidates | None = None) -> None:
        """Keep each outlet's most frequent terms only (ties: alphabetical), so memory stays bounded.

        ``browser_candidates`` (gathered by :meth:`add`) go into the browser's sample here, once.

        An outlet's terms are cut back to ``keyness_terms_per_outlet`` once they reach twice
        that many: sorting forty outlets' terms at every chunk boundary cost a minute at
        100,000 articles. Pruning still happens only at chunk boundaries, so every engine
        gives the same counts.
        """
        if browser_candidates is not None:
            self._keep_browser(browser_candidates)
        cap = self.config.keyness_terms_per_outlet
        for outlet, counts in self.terms.items():
            if len(counts) > 2 * cap:
                kept = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:cap]
                self.terms[outlet] = Counter(dict(kept))

    def current_browser_floor(self) -> int | None:
        """The negated key a new sentence needs at least to enter the browser sample (None until it is full).

        The floor only rises as sentences are merged, so a chunk's collector given it as its
        :attr:`browser_floor` leaves out only sentences the merged sample would never keep.
        """
        full = len(self.browser) >= self.config.browser_sentences > 0
        return self.browser[0][0] if full else None

    def browser_items(self) -> list[dict]:
        """The sentence browser's sample, smallest key first (the same order whatever the engine)."""
        return _ordered(self.browser, BROWSER_FIELDS)

    def strip_items(self) -> list[dict]:
        """The article strips' sample: article_id, outlet and the frame of each sentence."""
        return _ordered(self.strips, STRIP_FIELDS)

    def kwic_items(self, phrase: str) -> list[dict]:
        """The keyword-in-context sample of ``phrase``."""
        return _ordered(self.kwic.get(phrase, []), KWIC_FIELDS)


def _browser_item(p: Prediction, outlet: str) -> tuple:
    """A sentence as the browser's sample keeps it (fields: BROWSER_FIELDS)."""
    return (p.article_id, outlet, p.sentence_index, p.text, p.label, p.confidence, p.date)


def _counter(pairs: Iterable[tuple[str, int]]) -> Counter:
    # Counter(mapping) adds the counts one by one in Python; dict.update runs in C.
    counts: Counter = Counter()
    dict.update(counts, pairs)
    return counts


def _add_counts(counts: Counter, more: Counter) -> None:
    """``counts.update(more)`` (the same counts, new keys in the same order) at C speed."""
    dict.update(counts, zip(more, map(operator.add, map(counts.get, more, itertools.repeat(0)), more.values()),
                            strict=True))


def _ordered(sample: list, fields: tuple[str, ...]) -> list[dict]:
    return [dict(zip(fields, entry[2].item, strict=True))
            for entry in sorted(sample, key=lambda entry: (-entry[0], entry[1]))]


def _packed(sample: list) -> list[tuple]:
    """A sample heap with its items unwrapped (plain tuples pickle fast)."""
    return [(negated_key, name, held.item) for negated_key, name, held in sample]


def _unpacked(entries: list[tuple]) -> list:
    return [(negated_key, name, _Held(item)) for negated_key, name, item in entries]


def summarise_chunk(results: Iterable, frames: Sequence[str], phrases: Sequence[str] = (),
                    config: Config = DEFAULT_CONFIG, training_keys: frozenset[str] = frozenset(),
                    browser_floor: int | None = None) -> ReportCollector:
    """The collector of one chunk of :class:`~framelens.prediction.ArticlePredictions` (runs where the chunk ran).

    ``browser_floor``: the merged collector's :meth:`~ReportCollector.current_browser_floor` when
    the chunk was sent; the chunk then sends back only browser candidates that can still be kept.
    """
    collector = ReportCollector(tuple(frames), tuple(phrases), config, training_keys=training_keys,
                                browser_floor=browser_floor)
    browser_candidates = BrowserCandidates()
    for item in results:
        collector.add(item.article, item.predictions, browser_candidates)
    collector.prune(browser_candidates)
    return collector
