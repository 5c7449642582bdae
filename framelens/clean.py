"""Drop boilerplate lines before classification (rule 4 of the labelling guide).

Navigation, ads, bylines, author bios, comment widgets, share buttons,
"Read also"/"Related" lists, datelines and topic-only headings are not framed
content. The rules work on lines, because that is how pages lay them out, and
each removed line is reported with the rule that removed it so a user can see
(and a test can check) exactly what went.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TERMINAL = tuple(".!?…\"”’')»:;")

# A line that is a marker of a list or widget: it and the short lines that follow go.
_LIST_MARKERS = re.compile(
    r"^(related( stories| articles| posts| news| content)?|read (also|more|next)|see also|"
    r"more (like this|on this|from [\w ]+)|you (may|might) also like|recommended( for you)?|"
    r"popular( now| posts)?|most (read|popular)|trending( now)?|further reading|latest news)\s*:?$",
    re.IGNORECASE,
)

_SINGLE_LINE_RULES: list[tuple[str, re.Pattern]] = [
    ("source line", re.compile(r"^original source\s*:.*$", re.IGNORECASE)),
    ("share buttons", re.compile(
        r"^(share( (this|post|article|on \w+))?|tweet|email|print|copy link|"
        r"facebook|twitter|x|whatsapp|telegram|linkedin|reddit)\s*:?$", re.IGNORECASE)),
    ("comment widget", re.compile(
        r"^(write a comment.*|post( a)? comment|leave a (comment|reply).*|add a comment.*|"
        r"\d+ comments?|comments?( \(\d+\))?|reply|cancel( reply)?|log ?in to comment.*|"
        r"join the (discussion|conversation))\s*:?$", re.IGNORECASE)),
    ("navigation", re.compile(
        r"^(home|menu|search|subscribe( now)?|sign (in|up)|log ?in|newsletter|skip to( main)? content|"
        r"back to top|next article|previous article|advertisement|sponsored( content)?|"
        r"cookie(s| settings)|accept( all)?( cookies)?|top stories|breaking news)\s*:?$", re.IGNORECASE)),
    ("byline", re.compile(
        r"^(by|written by|reporting by|edited by)\s+[\w .,'’&-]{2,80}$", re.IGNORECASE)),
    ("byline", re.compile(
        r"^[\w .'’&-]{0,60}\b(editorial (staff|team|board)|staff (writer|reporter)|"
        r"news desk|correspondent|contributor)$", re.IGNORECASE)),
    ("dateline", re.compile(r"^(date|published|updated|posted)\s*:?\s*[\w ,.:/-]{0,40}$", re.IGNORECASE)),
    ("template residue", re.compile(r"^[a-z]+(_[a-z]+)+$")),
]

_DATE_WORDS = (
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    r"july|august|september|october|november|december|am|pm|gmt|utc|cet|msk|irst|et|bst"
)
_DATE_ONLY = re.compile(
    rf"^((\d{{1,4}}(st|nd|rd|th)?|{_DATE_WORDS})[\s,./:-]*)+$", re.IGNORECASE
)

# Headings that only name a topic ("Implications for Global Politics").
_TOPIC_HEADING = re.compile(
    r"^(implications?|comparisons?|background|context|overview|analysis|conclusions?|outlook|"
    r"reactions?|timeline|key (points|takeaways|facts)|what (we know|next|it means)|what's next|"
    r"the bottom line|bottom line|summary|introduction|history|details|explainer|q ?& ?a|faq|"
    r"updates?|latest|more details|in brief|at a glance)\b[\w ,'’&-]*$",
    re.IGNORECASE,
)

_BIO_SIGNALS = re.compile(
    r"\b(editorial (team|staff)|our team|is an? (journalist|reporter|writer|editor|correspondent|"
    r"analyst|contributor)|writes (about|on|for)|has covered|about the author)\b",
    re.IGNORECASE,
)

MAX_HEADING_WORDS = 15


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped as boilerplate, with the rule that dropped it (1-based line number)."""

    line_number: int
    text: str
    rule: str


def is_sentence_like(line: str) -> bool:
    """True for a line that ends like prose rather than a heading, list item or widget."""
    stripped = line.strip()
    return bool(stripped) and (stripped.endswith(_TERMINAL) or len(stripped.split()) > MAX_HEADING_WORDS)


def boilerplate_lines(text: str) -> list[RemovedLine]:
    """Every boilerplate line of ``text`` with the rule that matches it."""
    lines = text.split("\n")
    rules: dict[int, str] = {}
    in_list = False
    last_byline = -10
    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        rule = _line_rule(line)
        if rule is None and _LIST_MARKERS.match(line):
            rule, in_list = "related list", True
        elif rule is None and in_list and not is_sentence_like(line):
            rule = "related list"
        elif rule is None and index - last_byline <= 2 and _BIO_SIGNALS.search(line):
            rule = "author bio"
        elif rule is None and not is_sentence_like(line) and _TOPIC_HEADING.match(line):
            rule = "topic-only heading"
        elif rule is None:
            in_list = False  # prose resumes: a mid-article "Read also" list has ended
        if rule == "byline":
            last_byline = index
        if rule:
            rules[index] = rule
    _drop_trailing_widgets(lines, rules)
    return [RemovedLine(i + 1, lines[i].strip(), rules[i]) for i in sorted(rules)]


def strip_boilerplate(text: str) -> str:
    """``text`` without its boilerplate lines (blank lines are kept as paragraph breaks)."""
    removed = {line.line_number - 1 for line in boilerplate_lines(text)}
    lines = text.split("\n")
    return "\n".join("" if i in removed else line for i, line in enumerate(lines))


def _line_rule(line: str) -> str | None:
    for name, pattern in _SINGLE_LINE_RULES:
        if pattern.match(line):
            return name
    if not is_sentence_like(line) and _DATE_ONLY.match(line):
        return "dateline"
    return None


def _drop_trailing_widgets(lines: list[str], rules: dict[int, str]) -> None:
    """After the last prose line, short lines next to widgets are widgets too (ads, link lists)."""
    tail: list[int] = []
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line:
            continue
        if index in rules or not is_sentence_like(line):
            tail.append(index)
            continue
        break
    if any(i in rules for i in tail):
        for index in tail:
            rules.setdefault(index, "page furniture")
