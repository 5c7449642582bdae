"""Boilerplate goes, content stays: checked line by line on all five seeds."""
import csv

import pytest

from framelens.clean import boilerplate_lines, strip_boilerplate
from framelens.corpus import read_corpus
from framelens.sentences import article_sentences

from .conftest import LABELS, SEEDS

EXPECTED_REMOVED = {
    "000_108a7d3402463aed": [(9, "source line", "Original Source: news.sky.com")],
    "001_96134ee0910ccc69": [
        (17, "topic-only heading", "Implications for Global Politics"),
        (21, "related list", "Related Stories:"),
        (22, "related list", "Turkiye, Russia, Iran meet in Doha to seek solution to renewed Syria crisis"),
        (23, "related list", "Setback in Russia-Iran Cooperation Pact"),
        (24, "related list", "BRICS: Russia and Iran terminate SWIFT and Initiates Transfer in Local Currency"),
    ],
    "002_f02d9b5768855bec": [
        (3, "dateline", "Fri 17th Jan, 2025"),
        (18, "page furniture", "German Engineering Jobs"),
        (19, "comment widget", "Write a comment ..."),
        (20, "comment widget", "Post comment"),
        (21, "comment widget", "Cancel"),
    ],
    "003_5ec0ec647b62a493": [],
    "004_1ee7815bde6dcd5e": [
        (3, "dateline", "Date:"),
        (9, "topic-only heading", "Comparisons with the North Korea Treaty"),
        (39, "related list", "Read also:"),
        (41, "related list", "Iran-Russia Comprehensive Partnership Agreement: Geopolitical Implications"),
        (43, "byline", "EU Global Editorial Staff"),
        (44, "byline", "EU Global Editorial Staff"),
        (46, "author bio", ("The editorial team at EU Global works collaboratively to deliver accurate and "
             "insightful coverage across a broad spectrum of topics, reflecting diverse perspectives on European "
             "and global affairs. Drawing on expertise from various contributors, the team ensures a balanced "
             "approach to reporting, fostering an open platform for informed dialogue.While the content published "
             "may express a wide range of viewpoints from outside sources, the editorial staff is committed to "
             "maintaining high standards of objectivity and journalistic integrity.")),
        (48, "share buttons", "Share post:"),
        (50, "template residue", "spot_imgspot_img"),
        (52, "related list", "Popular"),
        (54, "related list", "More like this"),
        (55, "related list", "Related"),
    ],
}


def _labelled_sentences() -> dict[str, list[str]]:
    by_article: dict[str, list[str]] = {}
    with open(LABELS / "seeds.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_article.setdefault(row["article_id"], []).append(row["sentence"])
    return by_article


@pytest.mark.parametrize("article_id", sorted(EXPECTED_REMOVED))
def test_boilerplate_lines_of_each_seed(article_id):
    text = (SEEDS / f"{article_id}.txt").read_text("utf-8")
    removed = [(line.line_number, line.rule, line.text) for line in boilerplate_lines(text)]
    assert removed == EXPECTED_REMOVED[article_id]


def test_seed_boilerplate_total():
    """Every seed file is covered above, and cleaning all of them removes 23 lines in all."""
    seeds = sorted(SEEDS.glob("*.txt"))
    assert [path.stem for path in seeds] == sorted(EXPECTED_REMOVED)
    assert sum(len(boilerplate_lines(path.read_text("utf-8"))) for path in seeds) == 23


@pytest.mark.parametrize("article_id", sorted(EXPECTED_REMOVED))
def test_no_content_sentence_is_lost(article_id):
    """After cleaning, each seed's sentences are exactly its labelled content sentences, in order."""
    article = next(a for a in read_corpus([SEEDS]) if a.article_id == article_id)
    sentences = [s.text for s in article_sentences(article)]
    assert sentences == _labelled_sentences()[article_id]


def test_mid_article_read_also_list_ends_when_prose_resumes():
    text = (
        "Russia and Iran signed the treaty on Friday in Moscow.\n"
        "Read also:\n"
        "Putin visits Tehran\n"
        "The agreement covers trade, energy and transport for twenty years.\n"
    )
    assert [line.text for line in boilerplate_lines(text)] == ["Read also:", "Putin visits Tehran"]
    assert strip_boilerplate(text).split("\n") == [
        "Russia and Iran signed the treaty on Friday in Moscow.",
        "",
        "",
        "The agreement covers trade, energy and transport for twenty years.",
        "",
    ]


def test_claim_headings_stay_and_topic_headings_go():
    text = "Energy and Trade Boost\nThe pipeline is planned.\nBackground\nThe 2001 treaty was renewed.\n"
    assert [(line.text, line.rule) for line in boilerplate_lines(text)] == [("Background", "topic-only heading")]


def test_bylines_share_widgets_and_navigation():
    text = "By Jane Doe\nHome\nThe treaty was signed.\nShare on Facebook\n3 Comments\n"
    assert [(line.text, line.rule) for line in boilerplate_lines(text)] == [
        ("By Jane Doe", "byline"),
        ("Home", "navigation"),
        ("Share on Facebook", "share buttons"),
        ("3 Comments", "comment widget"),
    ]
