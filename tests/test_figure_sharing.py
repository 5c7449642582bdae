"""How the report's figures are shared between this process and its helper processes (wiring, with fakes)."""
from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from framelens.report import figures
from framelens.report.data import FIGURE_DATA_KEYS
from framelens.report.figures import figure_plan, start_figures

from .report_sample import sample_report

# The sample report's figures, longest to draw first (shares, time, strips, keyness).
QUEUE = ["shares", "time", "strips", "keyness-foo-daily-1", "keyness-script-alert-1-script-3"]


class HelperFuture(Future):
    """A helper's figure: waiting for its result finishes it, as the helper would."""

    def __init__(self, helpers: FakeHelpers):
        super().__init__()
        self.helpers = helpers

    def result(self, timeout=None):
        if not self.done():
            self.helpers.finish(self)
        return super().result(timeout)


class FakeHelpers:
    """Stands in for FigureHelpers: records what it is handed; ``work(n)`` has the helper draw the next n."""

    processes = 1

    def __init__(self, broken: bool = False):
        self.queue: list[tuple[list[str], Future]] = []
        self.reports: list[dict] = []
        self.broken = broken

    def submit(self, report, names):
        self.reports.append(report)
        future = HelperFuture(self)
        self.queue.append((list(names), future))
        return future

    def finish(self, future: Future) -> None:
        names = next(names for names, handed in self.queue if handed is future)
        assert future.set_running_or_notify_cancel()
        if self.broken:
            future.set_exception(BrokenProcessPool("helper died"))
        else:
            future.set_result({f"{name}.{fmt}": b"helper" for name in names for fmt in ("png", "svg")})

    def work(self, count: int) -> None:
        # One figure at a time: finishing one is what hands the helper the next.
        for _ in range(count):
            waiting = [future for _, future in self.queue if not future.done()]
            if waiting:
                self.finish(waiting[0])


def _drawn_here(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def draw(report, names):
        calls.append(list(names))
        return {f"{name}.{fmt}": b"here" for name in names for fmt in ("png", "svg")}

    monkeypatch.setattr(figures, "draw_figures", draw)
    return calls


def test_helpers_take_the_longest_first_and_this_process_the_rest_from_the_back(monkeypatch):
    report = sample_report()
    plan = [spec.name for spec in figure_plan(report)]
    drawn_here = _drawn_here(monkeypatch)
    helpers = FakeHelpers()

    finish = start_figures(report, helpers=helpers)  # type: ignore[arg-type]
    assert [names for names, _ in helpers.queue] == [[QUEUE[0]]]  # one figure at a time, the longest first
    assert drawn_here == []  # nothing drawn here until this process is ready
    helpers.work(1)
    assert [names for names, _ in helpers.queue] == [[QUEUE[0]], [QUEUE[1]]]  # done with one: the next
    # Only what the figures are drawn from travels to the helpers.
    assert all(list(sent) == [key for key in FIGURE_DATA_KEYS if key in report] for sent in helpers.reports)
    assert "browser" in report and "exemplars" in report

    helpers.work(2)  # the helper has drawn the three longest and holds the fourth when this process is ready
    result = finish()  # draws what is left, then waits for the helper's fourth
    assert [names for names, _ in helpers.queue] == [[name] for name in QUEUE[:4]]
    assert drawn_here == [[name] for name in reversed(QUEUE[4:])]
    assert list(result) == [f"{name}.{fmt}" for name in plan for fmt in ("png", "svg")]  # plan order
    assert {name: result[f"{name}.png"] for name in plan} == {
        **{name: b"helper" for name in QUEUE[:4]}, **{name: b"here" for name in QUEUE[4:]}}


def test_a_dead_helper_figures_are_drawn_here(monkeypatch):
    drawn_here = _drawn_here(monkeypatch)
    helpers = FakeHelpers(broken=True)
    finish = start_figures(sample_report(), helpers=helpers)  # type: ignore[arg-type]
    helpers.work(2)  # the first figure fails: the helper is handed no more
    result = finish()
    assert [names for names, _ in helpers.queue] == [[QUEUE[0]]]
    assert drawn_here == [[name] for name in reversed(QUEUE[1:])] + [[QUEUE[0]]]
    assert set(result.values()) == {b"here"} and len(result) == 2 * len(QUEUE)


def test_helpers_that_died_before_the_queue_leave_every_figure_here(monkeypatch):
    class DeadHelpers(FakeHelpers):
        def submit(self, report, names):
            raise BrokenProcessPool("A child process terminated abruptly")

    report = sample_report()
    drawn_here = _drawn_here(monkeypatch)
    result = start_figures(report, helpers=DeadHelpers())()  # type: ignore[arg-type]
    assert drawn_here == [[spec.name for spec in figure_plan(report)]]
    assert len(result) == 2 * len(QUEUE)


def test_without_helpers_every_figure_is_drawn_here(monkeypatch):
    report = sample_report()
    drawn_here = _drawn_here(monkeypatch)
    result = start_figures(report, jobs=1)()
    assert drawn_here == [[spec.name for spec in figure_plan(report)]]
    assert len(result) == 2 * len(drawn_here[0])


def test_a_helper_process_draws_the_same_files_as_this_process():
    """The real pool: a spawned helper, handed figures one at a time (from the pool's thread, as each returns)."""
    from framelens.report.figures import FigureHelpers

    class RecordingHelpers(FigureHelpers):
        def __init__(self, processes: int):
            super().__init__(processes)
            self.handed: list[list[str]] = []

        def submit(self, report, names):
            self.handed.append(list(names))
            return super().submit(report, names)

    report = sample_report()
    alone = start_figures(report, jobs=1)()
    helpers = RecordingHelpers(1)
    try:
        shared = start_figures(report, helpers=helpers)()
    finally:
        helpers.close()
    assert helpers.handed[0] == [QUEUE[0]]  # the longest first; it stays the helper's whatever happens next
    assert list(shared) == list(alone) == [f"{name}.{fmt}" for name in
                                           [spec.name for spec in figure_plan(report)] for fmt in ("png", "svg")]
    assert shared == alone
