"""What the report counts in sentences: keyness terms and phrase matches.

:func:`terms_of` is the definition of a term (a word of two or more letters, not a stop
word, and the bigrams of consecutive kept words); :func:`count_terms` gives the same
counts for a whole article in one pass. :func:`phrase_matches_by_sentence` finds a
``--phrase`` in an article's sentences with one search over the article. Both run for
every sentence of a report, in the workers, so each has a fast path that its tests pin
to the plain definition (tests/test_collect_speedpaths.py).
"""
from __future__ import annotations

import bisect
import itertools
import operator
import re
import string
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import lru_cache

from ..stats import phrase_pattern

_TOKEN = re.compile(r"(?u)\b[^\W\d_]{2,}\b")
# Joins an article's sentences for one pass over them: a _TOKEN of its own (letters, not a
# stop word) between spaces, so no word or bigram spans two sentences.
_SENTENCE_BREAK = "zqxsentencebreakxqz"
# Every ASCII character that is not \w becomes a space (in UTF-8, bytes >= 0x80 are never
# ASCII); so do the commonest non-ASCII punctuation marks, none of them \w either.
_NOT_WORD_BYTES = bytes(
    c if c >= 0x80 or chr(c) in string.ascii_letters + string.digits + "_" else 0x20 for c in range(256))
_NOT_WORD_MARKS = "\u2019\u2018\u201c\u201d\u2014\u2013\u2026"
# Joins an article's sentences for one search per phrase (see phrase_matches_by_sentence).
PHRASE_JOINER = "\n_\n"


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words: never keyness terms, nor the only words of a bigram."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=64)
def _compiled(phrase: str) -> re.Pattern:
    return phrase_pattern(phrase)


def terms_of(text: str, skip: frozenset[str]) -> list[str]:
    """Words (none in ``skip``, no digits) and the bigrams of consecutive kept words, lower case."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in skip]
    return words + [a + " " + b for a, b in itertools.pairwise(words)]


def count_terms(counts: Counter, texts: Sequence[str], skip: frozenset[str]) -> None:
    """Add the terms (:func:`terms_of`) of every text to ``counts``, in one pass over the texts joined."""
    lowered = f" {_SENTENCE_BREAK} ".join(texts).lower()
    if lowered.count(_SENTENCE_BREAK) != len(texts) - 1:  # a text holds the separator itself
        for text in texts:
            counts.update(terms_of(text, skip))
        return
    # Runs of \w between spaces. A run that is all letters is one _TOKEN (given two or more);
    # an ASCII run that is not holds a digit or "_" and gives none; a non-ASCII run of one
    # letter or with a non-letter (rare) sends the article through _TOKEN, which stays the rule.
    spaced = lowered.encode("utf-8", "surrogatepass").translate(_NOT_WORD_BYTES).decode("utf-8", "surrogatepass")
    for mark in _NOT_WORD_MARKS:
        spaced = spaced.replace(mark, " ")
    runs = spaced.split()
    non_ascii = itertools.compress(runs, map(operator.not_, map(str.isascii, runs)))
    if [run for run in non_ascii if len(run) < 2 or not run.isalpha()]:
        words = [w for w in _TOKEN.findall(lowered) if w not in skip]
    else:
        words = list(itertools.filterfalse(_with_ascii_letters(skip).__contains__,
                                           itertools.compress(runs, map(str.isalpha, runs))))
    sentences = []
    start = 0
    for _ in range(len(texts) - 1):
        end = words.index(_SENTENCE_BREAK, start)
        sentences.append(words[start:end])
        start = end + 1
    sentences.append(words[start:])
    counts.update(itertools.chain.from_iterable(sentences))
    counts.update(map(" ".join, itertools.chain.from_iterable(map(itertools.pairwise, sentences))))


@lru_cache(maxsize=4)
def _with_ascii_letters(skip: frozenset[str]) -> frozenset[str]:
    # Single letters are never terms: skipping them as words spares a length test per word.
    return skip | frozenset(string.ascii_lowercase)


@lru_cache(maxsize=64)
def _without_lookbehind(phrase: str) -> re.Pattern:
    # Matches wherever the phrase's pattern does (and more): the regex engine skips ahead
    # to a first letter of the phrase when the pattern starts with it, not with (?<!\w).
    pattern = _compiled(phrase)
    return re.compile(pattern.pattern.removeprefix(r"(?<!\w)"), pattern.flags)


def _finditer(phrase: str, string: str) -> Iterator[re.Match]:
    """``_compiled(phrase).finditer(string)``, trying the full pattern only where the quick one matches."""
    pattern, quick = _compiled(phrase), _without_lookbehind(phrase)
    position = 0
    # The leftmost match is where the quick pattern's leftmost match is, or further on;
    # pattern.match at a position still looks behind it.
    while (candidate := quick.search(string, position)) is not None:
        match = pattern.match(string, candidate.start())
        if match is None:
            position = candidate.start() + 1
        else:
            yield match
            position = match.end() if match.end() > match.start() else match.end() + 1


def phrase_matches_by_sentence(phrase: str, texts: Sequence[str], joined: str) -> list[tuple[int, int, list[re.Match]]]:
    """Per text with a match of the phrase: its index, where it starts in the string searched, the matches.

    ``joined`` is ``PHRASE_JOINER.join(texts)``.
    """
    if "_" in phrase or not phrase.strip():
        return [(sentence, 0, matches) for sentence, text in enumerate(texts)
                if (matches := list(_compiled(phrase).finditer(text)))]
    # One search over the article. Between the phrase's words the pattern takes non-word
    # characters only, and "_" is a word character, so no match spans the joiner's "_";
    # its newlines look to the pattern's (?<!\w) and (?!\w) as a text's ends do.
    starts: list[int] = []
    found: list[tuple[int, int, list[re.Match]]] = []
    for match in _finditer(phrase, joined):
        if not starts:
            starts = list(itertools.accumulate((len(text) + len(PHRASE_JOINER) for text in texts[:-1]), initial=0))
        sentence = bisect.bisect_right(starts, match.start()) - 1
        if found and found[-1][0] == sentence:
            found[-1][2].append(match)
        else:
            found.append((sentence, starts[sentence], [match]))
    return found
