"""A progress line on stderr for long runs: only when stderr is a terminal."""
from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator


def progress(results: Iterable, *, enabled: bool = True, stream=None, every: float = 0.5) -> Iterator:
    """Pass ``ArticlePredictions`` through, showing articles/s and sentences/s as they go."""
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield from results
        return
    start = last = time.monotonic()
    articles = sentences = 0
    for item in results:
        articles += 1
        sentences += len(item.predictions)
        now = time.monotonic()
        if now - last >= every:
            elapsed = now - start
            stream.write(f"\r  {articles:,} articles, {sentences:,} sentences · "
                         f"{articles / elapsed:,.0f} articles/s, {sentences / elapsed:,.0f} sentences/s ")
            stream.flush()
            last = now
        yield item
    if articles:
        elapsed = max(time.monotonic() - start, 1e-9)
        stream.write(f"\r  {articles:,} articles, {sentences:,} sentences in {elapsed:.1f}s "
                     f"({sentences / elapsed:,.0f} sentences/s)\n")
        stream.flush()
