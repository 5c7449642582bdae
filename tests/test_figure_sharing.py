"""How the report's figures are shared out between this process and its helper processes (wiring, with fakes)."""
from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from framelens.report import figures
from framelens.report.figures import figure_plan, share_out, start_figures

from .report_sample import sample_report

NAMES = ["shares-a-1", "shares-b-2", "heatmap", "keyness-x-1", "keyness-y-2", "time-a-1", "strips"]


def test_shares_have_about_equal_drawing_time_largest_first():
    # Costs (s): heatmap 1.7, shares 1.4, time and strips 1.1, keyness 0.4; each goes to the least loaded.
    assert share_out(NAMES, 2) == [["heatmap", "time-a-1", "strips"],
                                   ["shares-a-1", "shares-b-2", "keyness-x-1", "keyness-y-2"]]
    # This process has 1.5 s of other work first: it takes less.
    assert share_out(NAMES, 2, head_start=1.5) == [["shares-a-1", "time-a-1", "keyness-x-1"],
                                                   ["heatmap", "shares-b-2", "strips", "keyness-y-2"]]
    assert share_out(NAMES, 1) == [["heatmap", "shares-a-1", "shares-b-2", "time-a-1", "strips", "keyness-x-1",
                                    "keyness-y-2"]]


class FakeHelpers:
    """Stands in for FigureHelpers: records what it was sent and answers at once (or fails)."""

    processes = 1

    def __init__(self, broken: bool = False):
        self.sent: list[list[str]] = []
        self.broken = broken

    def submit(self, report, names):
        self.sent.append(list(names))
        future: Future = Future()
        if self.broken:
            future.set_exception(BrokenProcessPool("helper died"))
        else:
            future.set_result({f"{name}.{fmt}": b"helper" for name in names for fmt in ("png", "svg")})
        return future


def _drawn_here(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def draw(report, names):
        calls.append(list(names))
        return {f"{name}.{fmt}": b"here" for name in names for fmt in ("png", "svg")}

    monkeypatch.setattr(figures, "draw_figures", draw)
    return calls


def test_helpers_get_their_share_at_once_and_this_process_draws_the_rest_when_asked(monkeypatch):
    report = sample_report()
    plan = [spec.name for spec in figure_plan(report)]
    mine, theirs = share_out(plan, 2, head_start=1.5)
    drawn_here = _drawn_here(monkeypatch)
    helpers = FakeHelpers()

    finish = start_figures(report, helpers=helpers, head_start=1.5)  # type: ignore[arg-type]
    assert helpers.sent == [theirs]
    assert drawn_here == []  # nothing drawn here until the rest of the report is done

    result = finish()
    assert drawn_here == [mine]
    assert list(result) == [f"{name}.{fmt}" for name in plan for fmt in ("png", "svg")]  # plan order
    assert {name: result[f"{name}.png"] for name in plan} == {**{n: b"here" for n in mine},
                                                             **{n: b"helper" for n in theirs}}


def test_a_dead_helper_share_is_drawn_here(monkeypatch):
    report = sample_report()
    plan = [spec.name for spec in figure_plan(report)]
    mine, theirs = share_out(plan, 2)
    drawn_here = _drawn_here(monkeypatch)

    result = start_figures(report, helpers=FakeHelpers(broken=True))()  # type: ignore[arg-type]
    assert drawn_here == [mine, theirs]
    assert set(result.values()) == {b"here"} and len(result) == 2 * len(plan)


def test_without_helpers_every_figure_is_drawn_here(monkeypatch):
    report = sample_report()
    drawn_here = _drawn_here(monkeypatch)
    result = start_figures(report, jobs=1)()
    assert drawn_here == [[spec.name for spec in figure_plan(report)]]
    assert len(result) == 2 * len(drawn_here[0])
