"""Render the report dict as one self-contained HTML page and as GitHub-readable Markdown.

Both come from the same ordered :data:`SECTIONS` and the same prepared context, through
jinja2 templates in ``templates/``. In HTML every value is autoescaped; article text for the
sentence browser travels as JSON data and is written by the page's own script with
``textContent`` only, under a CSP that allows that one script by its hash. In Markdown every
value is escaped by the environment's ``finalize`` (no HTML passes through).
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable
from functools import cache

from markupsafe import Markup

from .figures import figure_plan, keyness_figure_outlets, report_colours

# (id, title) of every section, in page order, shared by the HTML and Markdown templates.
SECTIONS: list[tuple[str, str]] = [
    ("findings", "Findings"),
    ("contents", "Contents"),
    ("definitions", "Frame definitions"),
    ("shares", "Frame shares per outlet"),
    ("difference", "Do the outlets differ?"),
    ("wording", "Distinctive wording"),
    ("exemplars", "Exemplars"),
    ("phrases", "Phrases"),
    ("time", "Over time"),
    ("articles", "Articles, sentence by sentence"),
    ("browser", "Sentence browser"),
    ("model", "Model quality"),
    ("provenance", "Provenance"),
    ("notes", "Notes"),
]
HTML_MAX_BYTES = 5_000_000
_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")


def sections(report: dict) -> list[tuple[str, str]]:
    """The sections this report has: "phrases" only when phrases were asked for."""
    return [(id_, title) for id_, title in SECTIONS if id_ != "phrases" or report.get("phrases")]


def github_anchor(title: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


# -- formatting shared by both templates -------------------------------------------------


def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def _pvalue(value) -> str:
    if value is None:
        return "–"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _frame_counts(frames: dict) -> str:
    used = [f"{frame} {count}" for frame, count in frames.items() if count]
    return ", ".join(used) if used else "–"


def _context(report: dict) -> dict:
    """Everything the templates need beyond the report itself, computed once for both formats."""
    threshold = report["keyness_threshold"]
    keyness = []
    for outlet, terms in report["keyness"].items():
        more = sorted((t for t in terms if t["z"] >= threshold), key=lambda t: -t["z"])
        less = sorted((t for t in terms if t["z"] <= -threshold), key=lambda t: t["z"])
        if more or less:
            keyness.append((outlet, more, less))
    with_figure = keyness_figure_outlets(report)
    keyness_figures_note = (
        f"Figures show the {len(with_figure)} outlets with the most sentences; the table lists all {len(keyness)}."
        if len(with_figure) < len(keyness) else "")
    exemplar_rows = [{"outlet": outlet, "frame": frame, **item}
                     for outlet, cells in report["exemplars"].items()
                     for frame in report["frames"] for item in cells.get(frame, [])]
    colours = {frame: colour if _COLOUR.fullmatch(colour) else "#999999"
               for frame, colour in report_colours(report).items()}
    return {
        "report": report,
        "sections": sections(report),
        "anchors": {id_: github_anchor(title) for id_, title in SECTIONS},
        "codebook": report.get("codebook") or {},
        "colours": colours,
        "level": f"{round(100 * report['interval_level'])}%",
        "keyness": keyness,
        "keyness_figures_note": keyness_figures_note,
        "exemplar_rows": exemplar_rows,
        # Already the strongest, in pairwise.csv's order (report.data chooses and orders them).
        "pairwise": report["difference"]["pairwise"],
        "provenance": report["provenance"],
    }


# -- HTML ---------------------------------------------------------------------------------


@cache
def _environment(markdown: bool):
    import jinja2

    if markdown:
        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("framelens.report", "templates"), autoescape=False,
            finalize=lambda value: value if isinstance(value, Markup) else md_escape(value),
            keep_trailing_newline=True)
        environment.filters["raw"] = Markup
    else:
        environment = jinja2.Environment(loader=jinja2.PackageLoader("framelens.report", "templates"),
                                         autoescape=True)
    environment.filters.update(pct=_pct, num=_num, pvalue=_pvalue, frame_counts=_frame_counts)
    return environment


def browser_script() -> str:
    """The page's one inline script, exactly as it is put between the script tags."""
    environment = _environment(False)
    source, _, _ = environment.loader.get_source(environment, "browser.js")
    return source


def script_hash(script: str) -> str:
    """The CSP source expression allowing exactly ``script``."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def json_for_script(value) -> str:
    """JSON that cannot end its ``<script type="application/json">`` element or be read as markup."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    for character, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                               ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(character, escaped)
    return text


def render_html(report: dict, figures: dict[str, bytes]) -> str:
    """The report as one self-contained HTML page, PNG figures inlined as data: URIs.

    Figures are inlined in page order while the page stays under 5 MB; the rest are
    linked from figures/ and listed in the notes.
    """
    script = browser_script()
    context = _context(report)
    plan = [spec for spec in figure_plan(report) if f"{spec.name}.png" in figures]
    sentences = report["browser"]["sentences"]
    context.update(
        # Our own constant text (the hash is base64), so it is not escaped into &#39;.
        csp=Markup(f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {script_hash(script)}; "
                   "base-uri 'none'; form-action 'none'"),
        script=Markup(script),
        browser_outlets=sorted({sentence["outlet"] for sentence in sentences}),
        html_limit_mb=HTML_MAX_BYTES // 1_000_000,
    )
    template = _environment(False).get_template("report.html.j2")

    def page(inlined: set[str], shown: int) -> str:
        items = [{"name": spec.name, "section": spec.section, "caption": spec.caption,
                  "svg": f"{spec.name}.svg" in figures,
                  "src": _data_uri(figures[f"{spec.name}.png"]) if spec.name in inlined else None}
                 for spec in plan]
        not_inlined = [f"figures/{spec.name}.png" for spec in plan if spec.name not in inlined]
        return template.render(**context, figures=items, not_inlined=not_inlined, browser_shown=shown,
                               sentences_json=Markup(json_for_script(sentences[:shown])))

    # The browser's sample may use what the page without it leaves, less a fifth kept for figures;
    # past that it is cut (it is a random sample, so its head is one too) and the page says so.
    room = HTML_MAX_BYTES - len(page(set(), 0).encode("utf-8")) - HTML_MAX_BYTES // 5
    shown = len(sentences)
    data_size = len(json_for_script(sentences).encode("utf-8"))
    if data_size > room:
        shown = max(0, int(shown * room / data_size) - 1)
    # The page without images, plus room for the note naming every figure, sets the budget.
    budget = HTML_MAX_BYTES - len(page(set(), shown).encode("utf-8")) - 200 * len(plan)
    inlined = set()
    for spec in plan:
        size = 4 * ((len(figures[f"{spec.name}.png"]) + 2) // 3) + 40
        if size <= budget:
            inlined.add(spec.name)
            budget -= size
    return page(inlined, shown)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# -- Markdown -----------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]|~$])")
_MD_BLOCK_START = re.compile(r"#{1,6}(\s|$)|[-+](\s|$)|[-=\s]+$")
_MD_ORDERED = re.compile(r"(\d{1,9})([.)])(\s|$)")


def md_escape(value) -> str:
    """``value`` as literal Markdown text, safe in a paragraph, list item or table cell.

    HTML is escaped (``<`` → ``&lt;``), Markdown punctuation and table pipes get a
    backslash, ``$`` cannot start GitHub math, line breaks become spaces, and text cannot
    start a heading, list, rule or setext underline.
    """
    text = "–" if value is None else str(value)
    text = re.sub(r"[\r\n\u2028\u2029\u0085]+", " ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    if _MD_BLOCK_START.match(text):
        text = "\\" + text
    else:
        text = _MD_ORDERED.sub(r"\1\\\2\3", text, count=1) if _MD_ORDERED.match(text) else text
    return text


def render_markdown(report: dict, figure_names: Iterable[str]) -> str:
    """The report as Markdown with the same sections; figures are ``figures/<name>.png`` (and .svg).

    ``figure_names`` are the files written (``<name>.png``/``<name>.svg``) or their stems.
    """
    files = set(figure_names)
    stems = {name.rsplit(".", 1)[0] if name.endswith((".png", ".svg")) else name for name in files}
    plan = [spec for spec in figure_plan(report) if spec.name in stems]
    items = [{"name": spec.name, "section": spec.section, "caption": spec.caption,
              "svg": f"{spec.name}.svg" in files or spec.name in files} for spec in plan]
    text = _environment(True).get_template("report.md.j2").render(**_context(report), figures=items)
    # Collapse runs of blank lines the template's optional blocks leave behind.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
