"""The report's per-article summaries stored by column: the same records back, in a fraction of the memory."""
from __future__ import annotations

import hashlib
import pickle
import tracemalloc

import pytest

from framelens.report.summaries import ArticleSummaries
from framelens.schema import ArticleSummary


def _summary(i: int, *, date: str | None = "2025-01-16", source: str | None = "corpus.jsonl") -> ArticleSummary:
    # Strings built anew for every article, as a JSON parser gives them.
    return ArticleSummary(article_id=f"article-{i:05d}", outlet="".join(["Outlet ", str(i % 4)]),
                          date=None if date is None else "".join(date), source=None if source is None else "".join(source),
                          sentences=17, counts=(i % 5, 10, 7 - i % 5), probability_sums=(1.5 + i / 1e5, 9.25, 6.125),
                          probability_variances=(0.5, 0.9, 0.8 + i / 1e6),
                          digest=hashlib.sha256(str(i).encode()).hexdigest())


def test_the_records_come_back_as_they_went_in_by_index_and_in_order():
    records = [_summary(0), _summary(1, date=None, source=None), _summary(2)]
    summaries = ArticleSummaries(3, records)
    assert len(summaries) == 3
    assert list(summaries) == records
    assert summaries[1] == records[1] and summaries[-1] == records[2]
    with pytest.raises(IndexError):
        summaries[3]
    assert repr(summaries) == "ArticleSummaries(3 articles, 3 frames)"


def test_extend_and_pickle_keep_the_records_and_store_each_outlet_once():
    first, second = ArticleSummaries(3, map(_summary, range(5))), ArticleSummaries(3, map(_summary, range(5, 9)))
    travelled = pickle.loads(pickle.dumps(second))
    assert travelled == second and list(travelled) == [_summary(i) for i in range(5, 9)]
    first.extend(travelled)
    assert list(first) == [_summary(i) for i in range(9)]
    assert first[0].outlet is first[4].outlet is first[8].outlet  # "Outlet 0": one string, not three
    assert first[1].date is first[7].date


def test_an_article_takes_less_than_a_third_of_the_memory_of_its_record():
    count = 2000
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        records = [_summary(i) for i in range(count)]
        as_records = (tracemalloc.get_traced_memory()[0] - start) / count
        del records
        start = tracemalloc.get_traced_memory()[0]
        summaries = ArticleSummaries(3, (_summary(i) for i in range(count)))
        by_column = (tracemalloc.get_traced_memory()[0] - start) / count
    finally:
        tracemalloc.stop()
    assert len(summaries) == count
    assert by_column < 250 and 3 * by_column < as_records, (as_records, by_column)


def test_summaries_of_another_width_or_digest_are_refused_with_the_reason():
    summaries = ArticleSummaries(2)
    with pytest.raises(ValueError) as error:
        summaries.append(_summary(0))
    assert str(error.value) == "an article summary needs 2 values per frame column, got 3/3/3"
    bad_digest = ArticleSummary("a", "Outlet", None, None, 1, (1,), (1.0,), (0.0,), "ab" * 8)
    with pytest.raises(ValueError) as error:
        ArticleSummaries(1).append(bad_digest)
    assert str(error.value) == f"an article summary's digest is a sha256 (64 hex digits), got {'ab' * 8!r}"
    with pytest.raises(ValueError) as error:
        ArticleSummaries(3).extend(summaries)
    assert str(error.value) == "summaries of 2 frames cannot follow summaries of 3"
