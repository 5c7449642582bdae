"""The report's rendering side: sections, escaping, CSP, figures, tidy tables and the sentence browser in a real browser."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest

from framelens import plots
from framelens.errors import ReportError
from framelens.files import slug
from framelens.report import render
from framelens.report.figures import figure_plan, make_figures
from framelens.report.render import (
    SECTIONS,
    json_for_script,
    md_escape,
    render_html,
    render_markdown,
)
from framelens.report.write import write_report_directory

from .browser import fragment_views
from .conftest import PLACEHOLDER_PNG, PLACEHOLDER_SVG
from .report_sample import FORMULA, MATH, SCRIPT, sample_report

FIGURE_STEMS = ["shares", "keyness-foo-daily-1", "keyness-script-alert-1-script-3", "time", "strips"]


# Stand-in figure files for the rendering tests, which are about the page, not its drawings (drawing
# the sample's figures takes seconds; test_the_sample_figures_are_png_and_svg_pairs_with_slug_names
# draws them for real): a placeholder PNG padded to this size, so page-size limits bite.
STAND_IN_PNG_BYTES = 60_000


@pytest.fixture(scope="module")
def figures() -> dict[str, bytes]:
    """A PNG and an SVG stand-in for each figure of the sample report's plan, under the plan's names."""
    png = PLACEHOLDER_PNG + bytes(STAND_IN_PNG_BYTES - len(PLACEHOLDER_PNG))
    return {f"{stem}.{fmt}": data for stem in FIGURE_STEMS for fmt, data in (("png", png), ("svg", PLACEHOLDER_SVG))}


@pytest.fixture(scope="module")
def html(figures) -> str:
    return render_html(sample_report(), figures)


@pytest.fixture(scope="module")
def markdown(figures) -> str:
    return render_markdown(sample_report(), figures)


def _browser_script(page: str) -> str:
    return re.search(r"<script>(.*?)</script>\n", page, re.DOTALL).group(1)


def _without_own_scripts(page: str) -> str:
    """The page minus the browser script and its JSON data block, i.e. everything rendered from templates."""
    page = page.replace(f"<script>{_browser_script(page)}</script>", "")
    return re.sub(r'<script type="application/json" id="sentences-data">.*?</script>', "", page, flags=re.DOTALL)


# -- sections -------------------------------------------------------------------------------


def test_html_and_markdown_have_the_same_sections_in_order(html, markdown):
    ids = [section_id for section_id, _ in SECTIONS]
    assert re.findall(r'<section id="([a-z]+)">', html) == ids
    assert re.findall(r"^## (.+)$", markdown, re.MULTILINE) == [title for _, title in SECTIONS]
    assert "The sentence browser (filter 40 sentences by outlet and frame, search the text) is in report.html" \
        in markdown


def test_phrases_section_only_when_there_are_phrases(figures):
    report = sample_report()
    report["phrases"] = []
    page = render_html(report, figures)
    text = render_markdown(report, figures)
    assert 'id="phrases"' not in page
    assert "## Phrases" not in text
    assert re.findall(r'<section id="([a-z]+)">', page) == [i for i, _ in SECTIONS if i != "phrases"]


def test_contents_links_to_every_later_section(html, markdown):
    later = [(i, t) for i, t in SECTIONS if i not in ("findings", "contents")]
    assert re.findall(r'<li><a href="#([a-z]+)">', html) == [i for i, _ in later]
    assert "3. [Do the outlets differ?](#do-the-outlets-differ)" in markdown
    assert "7. [Over time](#over-time)" in markdown


def test_definitions_say_so_when_the_codebook_is_empty(figures):
    report = sample_report()
    report["codebook"] = {}
    assert ("No definitions are known for these frames (the model has no codebook): counter-hegemony, "
            "neutral-report, western-concern.") in render_html(report, figures)
    assert "No definitions are known" in render_markdown(report, figures)


def test_samples_and_pairwise_are_stated(html, markdown):
    for page in (html, markdown):
        assert "6 of 15 articles, a random sample." in page
        assert "All 7 comparisons are in pairwise.csv." in page
    assert "40 of 115 sentences, a random sample; all sentences are in sentences.csv." in html
    assert html.count("calibrated probability</b>:") == 1


def test_the_pairwise_comparisons_are_shown_as_the_report_orders_them(figures):
    # The report lists the strongest pairs in pairwise.csv's order; here equal adjusted p and
    # own p falling down the list, which a re-sort by p would turn round.
    report = sample_report()
    report["difference"]["pairwise"] = [
        {"outlets": [f"A{i}", f"B{i}"], "statistic": 1.0 - 0.01 * i, "p_value": 0.001 * (10 - i), "p_adjusted": 0.05,
         "articles": [3, 4]} for i in range(10)]
    report["difference"]["pairwise_total"] = 15
    page = render_html(report, figures)
    shown = re.findall(r"<tr><td>A(\d+)</td><td>B\d+</td>", page)
    assert shown == [str(i) for i in range(10)]
    assert "<h3>Pairwise comparisons: the 10 strongest</h3>" in page
    assert "All 15 comparisons are in pairwise.csv." in page
    markdown = render_markdown(report, figures)
    assert markdown.index("| A0 | B0 |") < markdown.index("| A9 | B9 |")


# -- escaping and CSP -----------------------------------------------------------------------


def test_no_markup_from_data_reaches_the_html(html):
    own = _without_own_scripts(html)
    assert own.count("<script") == 0
    assert html.count("<script") == 2
    for hostile in ("<script>alert", "<img src=x", "<b>unipolar", "<u>multipolar", "<i>multipolar", "seeds <b>"):
        assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in own
    assert "&lt;img src=x onerror=alert(1)&gt;" in own
    assert 'href="javascript' not in html
    data = re.search(r'id="sentences-data">(.*?)</script>', html, re.DOTALL).group(1)
    assert "<" not in data and ">" not in data and "&" not in data
    assert json.loads(data) == sample_report()["browser"]["sentences"]


def test_markdown_passes_no_html_and_escapes_table_cells(markdown):
    assert "<" not in markdown
    assert "[click](javascript" not in markdown
    assert ", see \\[click\\](javascript:alert(1))." in markdown
    assert "| =cmd\\|' /C calc'!A0 | 2 | 18 |" in markdown
    assert "| Wire \\| Agency | 5 | 28 |" in markdown
    assert "- \\$\\\\foo\\$ Daily uses the counter-hegemony frame most" in markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markdown
    for line in markdown.splitlines():
        if line.startswith("|"):
            assert line.endswith("|"), line


def test_md_escape_exact():
    assert md_escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert md_escape("x | y") == "x \\| y"
    assert md_escape("$\\foo$") == "\\$\\\\foo\\$"
    assert md_escape("*bold* _it_ `code` [l](u) ~s~") == "\\*bold\\* \\_it\\_ \\`code\\` \\[l\\](u) \\~s\\~"
    assert md_escape("line\nbreak\u2028here") == "line break here"
    assert md_escape("# heading") == "\\# heading"
    assert md_escape("- item") == "\\- item"
    assert md_escape("---") == "\\---"
    assert md_escape("1. first") == "1\\. first"
    assert md_escape("0.1.0") == "0.1.0"
    assert md_escape(None) == "–"


def test_csp_allows_exactly_the_inline_script(html):
    script = _browser_script(html)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
    assert csp == (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
                   "base-uri 'none'; form-action 'none'")
    assert script == render.browser_script()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script


def test_json_for_script_escapes_everything_that_could_end_the_block():
    assert json_for_script(["</script>&\u2028\u2029"]) == '["\\u003c/script\\u003e\\u0026\\u2028\\u2029"]'


# -- figures --------------------------------------------------------------------------------


def test_the_sample_figures_are_png_and_svg_pairs_with_slug_names():
    figures = make_figures(sample_report())
    assert sorted(figures) == sorted(f"{stem}.{fmt}" for stem in FIGURE_STEMS for fmt in ("png", "svg"))
    for name, data in figures.items():
        assert re.fullmatch(r"[a-z0-9-]{1,50}\.(png|svg)", name)
        assert len(data) <= plots.FIGURE_MAX_BYTES
        assert data.startswith(b"\x89PNG") if name.endswith(".png") else b"<svg" in data[:2000]
    assert b"<script" not in figures["shares.svg"]
    assert b">&lt;script&gt;alert(1)&lt;/script&gt;</text>" in figures["shares.svg"]
    assert b">$\\foo$ Daily</text>" in figures["shares.svg"]  # literal dollars: no mathtext
    assert [spec.name for spec in figure_plan(sample_report())] == FIGURE_STEMS


def test_markdown_has_every_figure_the_html_has(html, markdown):
    in_html = re.findall(r'<figure id="figure-([a-z0-9-]+)">', html)
    assert in_html == FIGURE_STEMS
    assert html.count("src=\"data:image/png;base64,") == len(FIGURE_STEMS)
    assert re.findall(r"\]\(figures/([a-z0-9-]+)\.png\)", markdown) == FIGURE_STEMS
    assert re.findall(r"\[SVG\]\(figures/([a-z0-9-]+)\.svg\)", markdown) == FIGURE_STEMS


def test_slug_is_ascii_bounded_and_indexed():
    assert slug(MATH, 1) == "foo-daily-1"
    assert slug(SCRIPT, 2) == "script-alert-1-script-2"
    assert slug("Ñandú Noticias", 3) == "nandu-noticias-3"
    assert slug("../../etc", 4) == "etc-4"
    assert slug("!!!", 5) == "x-5"
    assert slug("a" * 100, 6) == "a" * 40 + "-6"


def test_figures_without_time_or_keyness(figures):
    report = sample_report()
    report["time"] = {"granularity": None, "message": "no article has a date", "undated_articles": 15,
                      "periods": [], "series": {}}
    report["keyness"] = {"Sky News": [{"term": "treaty", "z": 1.0, "count": 2, "count_rest": 3}]}
    names = [spec.name for spec in figure_plan(report)]
    assert names == ["shares", "strips"]
    assert '<p class="note">no article has a date</p>' in render_html(report, figures)


def test_rendered_figures_are_byte_for_byte_reproducible():
    rows = [{"outlet": MATH, "articles": 3, "sentences": 25, "few_articles": False,
             "shares": {"a": {"share": 0.5, "low": 0.3, "high": 0.7}, "b": {"share": 0.5, "low": 0.3, "high": 0.7}}}]
    colours = {"a": "#0072B2", "b": "#E69F00"}
    first = plots.render_figure(plots.share_panels, rows, ["a", "b"], colours, "seeds", size=(6, 2), panels=(1, 2))
    second = plots.render_figure(plots.share_panels, rows, ["a", "b"], colours, "seeds", size=(6, 2), panels=(1, 2))
    assert first == second
    assert sorted(first) == ["png", "svg"]
    assert b"Date" not in first["svg"] and b"Matplotlib v" not in first["svg"]


def test_margins_are_those_tight_layout_gives():
    # plots.tighten measures the axes once; Figure.tight_layout measures them twice, to the same margins.
    rows = [{"outlet": f"Outlet {i} with a long name", "articles": 3, "sentences": 25, "few_articles": False,
             "shares": {"a": {"share": 0.5, "low": 0.3, "high": 0.7}, "b": {"share": 0.2, "low": 0.1, "high": 0.4}}}
            for i in range(5)]
    colours = {"a": "#0072B2", "b": "#E69F00"}
    margins = []
    for fit in (plots.tighten, lambda figure: figure.tight_layout()):
        figure = plots.new_figure((7, 3))
        plots.share_panels(list(figure.subplots(1, 2, sharey=True).flat), rows, ["a", "b"], colours, "seeds")
        fit(figure)
        params = figure.subplotpars
        margins.append([params.left, params.right, params.bottom, params.top, params.wspace])
    assert margins[0] == pytest.approx(margins[1], abs=1e-12)
    assert margins[0][0] > 0.2  # room made for the outlet names


def test_mpl_safe_and_time_gaps():
    from datetime import date

    assert plots.mpl_safe("$\\foo$ Daily") == "\\$\\foo\\$ Daily"
    starts = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 4, 1)]
    xs, ys = plots._with_gaps(starts, [0.1, 0.2, 0.4], 31.0)
    assert xs[:2] == starts[:2] and xs[3] == date(2025, 4, 1)
    assert ys[:2] == [0.1, 0.2] and ys[3] == 0.4 and ys[2] != ys[2]  # NaN between February and April


def test_evaluation_figures_are_reproducible_pngs():
    data = plots.confusion_png([[3, 1], [0, 4]], ["a", "b"], "Confusion")
    assert data.startswith(b"\x89PNG")
    assert data == plots.confusion_png([[3, 1], [0, 4]], ["a", "b"], "Confusion")


def test_html_stays_under_its_limit_by_linking_figures(monkeypatch, figures):
    monkeypatch.setattr(render, "HTML_MAX_BYTES", 300_000)
    page = render_html(sample_report(), figures)
    inlined = page.count('src="data:image/png;base64,')
    assert len(page.encode("utf-8")) <= 300_000
    # Each stand-in PNG is 80,000 characters inlined: three fit in page order, the last two are linked.
    assert inlined == 3
    assert re.findall(r'<figure id="figure-([a-z0-9-]+)">\s*<img alt="[^"]*" src="data:', page) == FIGURE_STEMS[:3]
    assert ("Only in figures/ (not inlined, to keep this page under 0 MB): figures/time.png, "
            "figures/strips.png.</p>") in page


def test_browser_sample_is_cut_to_keep_the_page_under_its_limit(monkeypatch, figures):
    report = sample_report()
    report["browser"]["sentences"] = report["browser"]["sentences"] * 25  # 1000 sentences
    report["browser"]["shown"] = 1000
    report["browser"]["total"] = 5000
    monkeypatch.setattr(render, "HTML_MAX_BYTES", 150_000)
    page = render_html(report, figures)
    data = json.loads(re.search(r'id="sentences-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert 0 < len(data) < 1000
    assert data == report["browser"]["sentences"][:len(data)]
    assert f"{len(data)} of 5000 sentences, a random sample; all sentences are in sentences.csv." in page
    assert len(page.encode("utf-8")) <= 150_000


# -- files ----------------------------------------------------------------------------------


def _article_rows():
    return [{"article_id": "sky-1", "outlet": "Sky News", "date": "2025-01-15", "sentences": 4,
             "counts": {"counter-hegemony": 1, "neutral-report": 3}},
            {"article_id": "f-1", "outlet": FORMULA, "date": None, "sentences": 0, "counts": {}}]


def _pairwise_rows():
    return [{"outlet_a": "-minus", "outlet_b": "@at", "statistic": -1.5, "p_value": 0.01, "p_adjusted": 0.03,
             "articles_a": 3, "articles_b": 4}]


def test_write_report_directory(tmp_path, figures, monkeypatch):
    from framelens.report import write

    monkeypatch.setattr("framelens.report.figures.make_figures", lambda report, jobs=1: figures)
    target = tmp_path / "staging"
    target.mkdir()
    report = sample_report()
    write.write_report_directory(report, target, article_rows=_article_rows(), pairwise_rows=_pairwise_rows())
    assert sorted(p.name for p in target.iterdir()) == ["articles.csv", "figures", "outlets.csv", "pairwise.csv",
                                                        "report.html", "report.json", "report.md"]
    assert sorted(p.name for p in (target / "figures").iterdir()) == sorted(figures)
    assert json.loads((target / "report.json").read_text(encoding="utf-8")) == report

    articles = pd.read_csv(target / "articles.csv")
    assert list(articles.columns) == ["article_id", "outlet", "date", "sentences", "n_counter-hegemony",
                                      "n_neutral-report", "n_western-concern", "share_counter-hegemony",
                                      "share_neutral-report", "share_western-concern"]
    assert articles.iloc[0].tolist()[:8] == ["sky-1", "Sky News", "2025-01-15", 4, 1, 3, 0, 0.25]
    assert articles.loc[1, "outlet"] == "'" + FORMULA
    assert articles["share_neutral-report"].isna().tolist() == [False, True]

    outlets = pd.read_csv(target / "outlets.csv")
    assert list(outlets.columns) == ["outlet", "frame", "share", "low", "high", "articles", "sentences"]
    assert len(outlets) == 15
    script_row = outlets[(outlets.outlet == SCRIPT) & (outlets.frame == "counter-hegemony")].iloc[0]
    assert script_row.tolist() == [SCRIPT, "counter-hegemony", 0.0, 0.0, 0.12, 4, 21]
    assert set(outlets.outlet) == {"Sky News", SCRIPT, MATH, "'" + FORMULA, "Wire | Agency"}

    pairwise = pd.read_csv(target / "pairwise.csv")
    assert pairwise.iloc[0].tolist() == ["'-minus", "'@at", -1.5, 0.01, 0.03, 3, 4]


def test_write_report_directory_needs_an_existing_directory(tmp_path):
    with pytest.raises(ReportError) as error:
        write_report_directory(sample_report(), tmp_path / "missing", article_rows=[], pairwise_rows=[])
    assert str(error.value) == (f"{tmp_path / 'missing'}: the report directory does not exist; "
                                "create it before writing the report")


# -- the sentence browser in a real browser -------------------------------------------------


@pytest.fixture(scope="module")
def page_file(tmp_path_factory, html) -> Path:
    path = tmp_path_factory.mktemp("page") / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def _rows(dom: str) -> list[list[str]]:
    body = re.search(r'<tbody id="browser-rows">(.*?)</tbody>', dom, re.DOTALL).group(1)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)]


FILTERS = [
    ("", 40),
    ("#outlet=Sky%20News", 8),
    ("#outlet=Sky%20News&frame=western-concern", 3),
    ("#outlet=Sky%20News&frame=western-concern&q=TREATY", 1),
    (f"#outlet={quote(SCRIPT)}&frame=counter-hegemony", 3),
    ("#q=no%20such%20words", 0),
]


@pytest.fixture(scope="module")
def page_in_browser(page_file, tmp_path_factory) -> tuple[str, dict[str, str]]:
    """The page's DOM and the sentence browser at each fragment of FILTERS, from one page load."""
    return fragment_views(page_file, [fragment for fragment, _ in FILTERS], tmp_path_factory.mktemp("views"))


@pytest.mark.parametrize("fragment, expected", FILTERS)
def test_browser_filters_from_the_fragment(page_in_browser, fragment, expected):
    dom = page_in_browser[1][fragment]
    rows = _rows(dom)
    assert len(rows) == expected
    assert f'id="browser-count" class="muted">{expected} of 40 sentences match</span>' in dom
    if fragment.startswith("#outlet=Sky"):
        assert {row[0] for row in rows} == {"Sky News"}


def test_hostile_text_runs_nothing_in_the_browser(page_in_browser):
    dom, views = page_in_browser
    assert "<title>Framing report</title>" in dom
    assert "pwned" not in dom.split("</title>")[0]
    assert '<img src="x"' not in dom and "<img src=x" not in dom
    # Hostile text shows as text: escaped in the rows the script built.
    assert any("&lt;/script&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt;" in row[3]
               for row in _rows(views[""]))
    assert ">&lt;script&gt;alert(1)&lt;/script&gt;</option>" in dom
    # The JSON data block, the report's own script and the visiting script the test added, nothing more.
    assert dom.count("<script") == 3


def test_markdown_and_html_name_the_same_figures_after_writing(tmp_path, figures, monkeypatch):
    monkeypatch.setattr("framelens.report.figures.make_figures", lambda report, jobs=1: figures)
    target = tmp_path / "out"
    target.mkdir()
    write_report_directory(sample_report(), target, article_rows=[], pairwise_rows=[])
    markdown = (target / "report.md").read_text(encoding="utf-8")
    for stem in re.findall(r"\]\(figures/([a-z0-9-]+\.(?:png|svg))\)", markdown):
        assert (target / "figures" / stem).is_file()
