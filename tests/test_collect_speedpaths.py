"""The report collector's per-article fast paths give what the plain per-sentence definitions give."""
from __future__ import annotations

import pickle
import re
import unicodedata
from collections import Counter

import pytest

from framelens.config import Config
from framelens.labels import sentence_key, sentence_keys
from framelens.prediction import ArticlePredictions
from framelens.report import collect, terms
from framelens.report.collect import ReportCollector, record_digest, summarise_chunk
from framelens.report.terms import count_terms, stop_words, terms_of
from framelens.schema import Article, Prediction

FRAMES = ("counter-hegemony", "neutral-report", "western-concern")
EVERY_CHARACTER = "".join(map(chr, range(0x110000)))


def _reference_key(text: str) -> str:
    """sentence_key as it was defined before its fast paths."""
    quotes = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).translate(quotes).casefold()).strip()


def test_split_and_join_collapse_exactly_the_whitespace_the_regex_does():
    for text in (EVERY_CHARACTER, "x".join(EVERY_CHARACTER)):
        assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()


def test_ascii_text_is_left_alone_by_nfkc_and_casefolds_to_lower():
    ascii_text = EVERY_CHARACTER[:128]
    assert unicodedata.normalize("NFKC", ascii_text) == ascii_text
    assert ascii_text.casefold() == ascii_text.lower()


@pytest.mark.parametrize(("text", "key"), [
    ("  “Hello”   World’s\u00a0end ", "\"hello\" world's end"),
    ("Line\u2028break\u2029here", "line break here"),
    ("„Quoted‚ and ‘single’”", "\"quoted' and 'single'\""),
    ("The \ufb01nal \ufb02ow", "the final flow"),
    ("Große STRASSE", "grosse strasse"),
    ("\x1cTabs\tand\x1f\x0bunits\r\n", "tabs and units"),
    ("ASCII  only", "ascii only"),
    ("", ""),
])
def test_sentence_key_of_tricky_texts(text, key):
    assert sentence_key(text) == key == _reference_key(text)


def test_sentence_keys_of_an_article_are_each_sentence_key():
    texts = ["A\u0301 first", "\u0301 starts with a combining accent", "\u1100", "\u1161 jamo halves",
             "Has a NUL \x00 inside", "Große “Welt”", "plain", ""]
    assert sentence_keys(texts) == [_reference_key(text) for text in texts]
    assert sentence_keys(texts[:4]) == ["\u00e1 first", "\u0301 starts with a combining accent", "\u1100",
                                        "\u1161 jamo halves"]
    assert sentence_keys([]) == []


def _terms(texts):
    counts = Counter()
    count_terms(counts, texts, stop_words())
    return counts


def _reference_terms(texts):
    return Counter(term for text in texts for term in terms_of(text, stop_words()))


@pytest.mark.parametrize("texts", [
    ["Moscow and Beijing signed.", "Beijing welcomed Moscow's move."],
    ["Russia’s “strategic” partnership—with Iran…", "covid19 and 2024 and snake_case words"],
    ["A café in Zürich", "cafe\u0301 with a combining accent", "é alone and x½y and ²"],
    ["ΟΔΟΣ", "ΣΟΦΙΑ ends ΟΔΟΣ", "Kelvin \u212a and long \u017f"],
    ["ends with Moscow", "Beijing starts", "", "I a x", "NBSP\u00a0joins\u2028lines"],
    ["mentions zqxsentencebreakxqz itself", "next sentence here"],
    ["lone surrogate \ud800 here", "fine"],
    [],
])
def test_count_terms_gives_the_terms_of_every_sentence(texts):
    assert _terms(texts) == _reference_terms(texts)


def test_count_terms_keeps_bigrams_inside_sentences():
    counts = _terms(["Moscow and Beijing signed deals.", "Deals matter."])
    assert counts == Counter({"moscow": 1, "beijing": 1, "signed": 1, "deals": 2, "matter": 1, "moscow beijing": 1,
                              "beijing signed": 1, "signed deals": 1, "deals matter": 1})


def test_the_shortcuts_rest_on_characters_that_are_not_word_characters():
    assert not any(re.match(r"\w", mark) for mark in terms._NOT_WORD_MARKS)
    assert terms._TOKEN.fullmatch(terms._SENTENCE_BREAK) and terms._SENTENCE_BREAK not in stop_words()
    kept = {chr(byte) for byte in range(128) if terms._NOT_WORD_BYTES[byte] != ord(" ")}
    assert kept == {chr(c) for c in range(128) if re.match(r"\w", chr(c))}
    assert terms._NOT_WORD_BYTES[128:] == bytes(range(128, 256))


PHRASE_TEXTS = ["Western hegemony, western  hegemony and WESTERN-hegemony.", "It ends with western",
                "hegemony starts this one; xwestern hegemony is no match", "", "western hegemony"]


@pytest.mark.parametrize("phrase", ["western hegemony", "hegemony", "snake_case word", "ends"])
def test_phrase_matches_of_the_joined_article_are_those_of_each_sentence(phrase):
    texts = [*PHRASE_TEXTS, "a snake_case  word here"]
    found = terms.phrase_matches_by_sentence(phrase, texts, terms.PHRASE_JOINER.join(texts))
    per_sentence = [(index, [m.span() for m in terms._compiled(phrase).finditer(text)])
                    for index, text in enumerate(texts)]
    assert [(index, [(m.start() - offset, m.end() - offset) for m in matches]) for index, offset, matches in found] \
        == [(index, spans) for index, spans in per_sentence if spans]


def test_phrase_matches_are_counted_per_sentence():
    collector = ReportCollector(FRAMES, ("western hegemony",))
    item = _item("a1", "Alpha", PHRASE_TEXTS)
    collector.add(item.article, item.predictions)
    assert collector.phrase_counts == {"western hegemony": {"Alpha": Counter({"count": 4, "neutral-report": 2})}}
    lines = [(0, 0, "Western hegemony"), (0, 1, "western  hegemony"), (0, 2, "WESTERN-hegemony"),
             (4, 0, "western hegemony")]
    lines.sort(key=lambda line: collect.sample_key("western hegemony", "a1", line[0], line[1]))
    assert [(line["sentence_index"], line["match"]) for line in collector.kwic_items("western hegemony")] \
        == [(index, match) for index, _, match in lines]
    assert collector.kwic_total == Counter({"western hegemony": 4})


def _item(article_id, outlet, texts, probabilities=(0.2, 0.7, 0.1)):
    article = Article(article_id, outlet, " ".join(texts), date="2025-01-02")
    predictions = [Prediction(article_id, outlet, index, text, FRAMES[1], 0.7,
                              dict(zip(FRAMES, probabilities, strict=True)), "2025-01-02")
                   for index, text in enumerate(texts)]
    return ArticlePredictions(article, predictions)


def _corpus(articles=30):
    return [_item(f"a{i}", f"Outlet {i % 4}", [f"Sentence {j} of article {i} about Western hegemony." for j in range(7)],
                  (0.1 * (i % 5), 0.5, 0.5 - 0.1 * (i % 5)))
            for i in range(articles)]


def test_browser_sample_is_the_same_whether_gathered_per_chunk_or_per_article():
    config = Config(browser_sentences=25)
    items = _corpus()
    one_by_one = ReportCollector(FRAMES, (), config)
    for item in items:
        one_by_one.add(item.article, item.predictions)
    chunked = ReportCollector(FRAMES, (), config)
    for start in (0, 7, 19):
        piece = summarise_chunk(items[start:{0: 7, 7: 19, 19: 30}[start]], FRAMES, (), config)
        chunked.merge(pickle.loads(pickle.dumps(piece)))
    every = sorted((collect.sample_key(p.article_id, p.sentence_index), p.article_id, p.sentence_index)
                   for item in items for p in item.predictions)[:25]
    expected = [(article_id, index) for _, article_id, index in every]
    assert [(s["article_id"], s["sentence_index"]) for s in one_by_one.browser_items()] == expected
    assert chunked.browser_items() == one_by_one.browser_items()
    assert len(chunked.browser) == 25


def test_chunks_told_the_merged_floor_send_fewer_candidates_and_the_sample_is_the_same():
    config = Config(browser_sentences=25)
    items = _corpus()  # 30 articles of 7 sentences
    reference, floored = ReportCollector(FRAMES, (), config), ReportCollector(FRAMES, (), config)
    floors, sent = [], []
    for start in range(0, 30, 5):
        chunk = items[start:start + 5]
        reference.merge(pickle.loads(pickle.dumps(summarise_chunk(chunk, FRAMES, (), config))))
        floors.append(floored.current_browser_floor())
        piece = summarise_chunk(chunk, FRAMES, (), config, browser_floor=floors[-1])
        sent.append(len(piece.browser))
        floored.merge(pickle.loads(pickle.dumps(piece)))
    assert floored.browser_items() == reference.browser_items()
    assert floors[0] is None and floors[1:] == sorted(floors[1:])  # the floor only rises
    assert sent == [25, 21, 5, 5, 5, 4]  # without the floor every chunk sends its own 25


def test_summaries_merged_from_pickled_chunks_are_those_of_one_collector_in_input_order():
    items = _corpus()
    one_by_one = ReportCollector(FRAMES)
    for item in items:
        one_by_one.add(item.article, item.predictions)
    merged = ReportCollector(FRAMES)
    for start in (0, 7, 19):
        piece = summarise_chunk(items[start:{0: 7, 7: 19, 19: 30}[start]], FRAMES)
        merged.merge(pickle.loads(pickle.dumps(piece)))
    assert list(merged.summaries) == list(one_by_one.summaries)
    assert [s.article_id for s in merged.summaries] == [f"a{i}" for i in range(30)]
    assert merged.summaries[5].counts == (0, 7, 0) and merged.summaries[5].probability_sums == (0.0, 3.5, 3.5)
    assert merged.summaries[6].outlet is merged.summaries[26].outlet  # "Outlet 2", stored once


def test_an_article_given_twice_keeps_both_copies_in_the_browser_as_pushing_each_would():
    item = _item("same", "Alpha", ["One sentence.", "Two sentences."])
    collector = summarise_chunk([item, item], FRAMES)
    assert [(s["article_id"], s["sentence_index"]) for s in collector.browser_items()] \
        == sorted([("same", 0), ("same", 0), ("same", 1), ("same", 1)], key=lambda i: collect.sample_key(*i))


def test_sums_and_variances_are_running_sums_in_sentence_order_with_missing_frames_skipped():
    texts = ["a b", "c d", "e f"]
    item = _item("x", "Alpha", texts)
    rows = [{FRAMES[0]: 0.1, FRAMES[1]: 0.7, "unknown": 0.2}, {FRAMES[1]: 0.3, FRAMES[0]: 0.6}, {FRAMES[2]: 1}]
    item = ArticlePredictions(item.article, [Prediction("x", "Alpha", i, t, FRAMES[1], 0.7, row)
                                             for i, (t, row) in enumerate(zip(texts, rows, strict=True))])
    collector = ReportCollector(FRAMES)
    collector.add(item.article, item.predictions)
    summary = collector.summaries[0]
    assert summary.counts == (0, 3, 0)
    assert summary.probability_sums == (round(0.0 + 0.1 + 0.6, 6), round(0.0 + 0.7 + 0.3, 6), 1.0)
    assert summary.probability_variances == (round(0.1 * 0.9 + 0.6 * 0.4, 6), round(0.7 * 0.3 + 0.3 * 0.7, 6), 0.0)


def test_record_digest_is_pinned_and_tells_records_apart():
    base = Prediction("a1", "Alpha", 0, "ab", FRAMES[0], 0.5, {FRAMES[1]: 0.25, FRAMES[0]: 0.5}, None)
    same_in_other_order = Prediction("a1", "Alpha", 0, "ab", FRAMES[0], 0.5, {FRAMES[0]: 0.5, FRAMES[1]: 0.25}, None)
    assert record_digest([base]) == record_digest([same_in_other_order])
    # sha256 of ascii(([("counter-hegemony", "neutral-report")], [0], [("a1", "Alpha", 0, "ab",
    # "counter-hegemony", None)])) followed by the doubles 0.5, 0.5, 0.25 (little-endian)
    assert record_digest([base]) == "413914486c26b8ba78a5993326835b327532e7e4bf0bd7c7c0e27c2684bc10dc"
    others = [
        Prediction("a1", "Alpha", 0, "a", "b" + FRAMES[0], 0.5, base.probabilities, None),
        Prediction("a1", "Alpha", 0, "ab", FRAMES[0], 0.5, base.probabilities, ""),
        Prediction("a1", "Alpha", 0, "ab", FRAMES[0], 0.5 + 1e-16 * 2, base.probabilities, None),
        Prediction("a1", "Alpha", 1, "ab", FRAMES[0], 0.5, base.probabilities, None),
        Prediction("a1", "Alpha", 0, "ab", FRAMES[0], 0.5, {FRAMES[1]: 0.5, FRAMES[0]: 0.25}, None),
        Prediction("a1", "Alpha", 0, "ab\ud800", FRAMES[0], 0.5, base.probabilities, None),
    ]
    digests = {record_digest([base])} | {record_digest([other]) for other in others}
    assert len(digests) == 1 + len(others)
    assert record_digest([]) != record_digest([base])
