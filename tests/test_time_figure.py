"""The time figure writes each point's number of articles only while there are few points."""
from __future__ import annotations

import re
from datetime import date

from framelens import plots

STARTS = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
SERIES = {
    "Sky News": [{"share": 0.2, "low": 0.1, "high": 0.3, "articles": 11}, None,
                 {"share": 0.4, "low": 0.3, "high": 0.5, "articles": 13}],
    "EU Global": [{"share": 0.5, "low": None, "high": None, "articles": 1},
                  {"share": 0.6, "low": 0.5, "high": 0.7, "articles": 17},
                  {"share": 0.3, "low": 0.2, "high": 0.4, "articles": 19}],
}


def _svg_texts(monkeypatch, limit: int) -> list[str]:
    monkeypatch.setattr(plots, "MAX_NUMBERED_POINTS", limit)
    svg = plots.render_figure(plots.shares_over_time, STARTS, {"western-concern": SERIES}, ["western-concern"],
                              "month", "seeds", size=(8, 4), formats=("svg",), panels=(1, 1))["svg"].decode("utf-8")
    # svg.fonttype "none": every text is a <text> element.
    return [re.sub(r"<[^>]+>", "", match) for match in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]


def test_numbers_beside_points_up_to_the_limit(monkeypatch):
    texts = _svg_texts(monkeypatch, 5)  # the figure has 5 points
    assert [t for t in texts if t in {"11", "13", "1", "17", "19"}] == ["11", "13", "1", "17", "19"]
    assert any("(marker size and number: articles in the period;" in t for t in texts)


def test_no_numbers_past_the_limit(monkeypatch):
    texts = _svg_texts(monkeypatch, 4)
    assert [t for t in texts if t in {"11", "13", "1", "17", "19"}] == []
    assert any("(marker size: articles in the period;" in t for t in texts)
