"""The report's figures: which ones there are (:func:`figure_plan`) and their PNG + SVG bytes (:func:`make_figures`).

The plan needs no matplotlib, so the renderers know each figure's section and caption
without drawing; drawing happens in :mod:`framelens.plots`. Figure names are slugs
built here, never raw outlet or frame names.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..files import slug

if TYPE_CHECKING:
    from concurrent.futures import Future

# Bounds that keep every figure readable and under the size limit whatever the corpus.
MAX_OUTLETS = 40
MAX_STRIP_ROWS = 60
MAX_KEYNESS_TERMS = 20


@dataclass(frozen=True)
class FigureSpec:
    """One figure: its file stem, the report section it belongs to, and its caption."""

    name: str
    section: str
    caption: str


def figure_plan(report: dict) -> list[FigureSpec]:
    """Every figure the report has, in page order."""
    plan = []
    corpus = report["corpus"]["name"]
    if report["outlets"]:
        plan.append(FigureSpec("shares", "shares",
                               f"{corpus}: share of each frame per outlet, with its interval and n"))
    drawn = set(keyness_figure_outlets(report))
    for i, outlet in enumerate(report["keyness"], 1):
        if outlet in drawn:
            plan.append(FigureSpec(f"keyness-{slug(outlet, i)}", "wording",
                                   f"{corpus}: distinctive wording of {outlet} against the other outlets"))
    time = report["time"]
    if len(time["periods"]) >= 2:
        plan.append(FigureSpec("time", "time", f"{corpus}: share of each frame per outlet and {time['granularity']}"))
    strips = report["strips"]
    if strips["articles"]:
        shown = min(len(strips["articles"]), MAX_STRIP_ROWS)
        sample = f"a random sample of {shown} of {strips['total']} articles" if shown < strips["total"] \
            else f"all {strips['total']} articles"
        plan.append(FigureSpec("strips", "articles", f"{corpus}: the frame of every sentence, {sample}"))
    return plan


def keyness_outlets(report: dict) -> list[str]:
    """The outlets with at least one term past the keyness threshold, in the report's order."""
    threshold = report["keyness_threshold"]
    return [outlet for outlet, terms in report["keyness"].items() if any(abs(t["z"]) >= threshold for t in terms)]


def keyness_figure_outlets(report: dict) -> list[str]:
    """The outlets that get a keyness figure: the ``keyness_figures`` with the most sentences (all when unset).

    A figure per outlet would cost a second of drawing each for 40 outlets; the table lists every outlet.
    """
    candidates = keyness_outlets(report)
    cap = report.get("keyness_figures")
    if cap is None or len(candidates) <= cap:
        return candidates
    sentences = {row["outlet"]: row["sentences"] for row in report["outlets"]}
    largest = sorted(candidates, key=lambda o: (-sentences.get(o, 0), candidates.index(o)))[:cap]
    return [outlet for outlet in candidates if outlet in largest]


def report_colours(report: dict) -> dict[str, str]:
    """The codebook's colour per frame, the default palette where the codebook has none."""
    from ..plots import frame_colours as default_colours

    defaults = default_colours(report["frames"])
    codebook = report.get("codebook") or {}
    return {f: (codebook.get(f) or {}).get("color") or defaults[f] for f in report["frames"]}


# Drawing time of each kind of figure (CPU seconds on a 40-outlet report), only to hand the
# helper processes the long ones first: this process takes the short ones from the end.
_COST = {"shares": 1.2, "keyness": 0.4, "time": 1.2, "strips": 1.0}


class FigureHelpers:
    """Processes that draw figures from the report's queue (and run its tests), started early so they are ready.

    Spawning a process and importing matplotlib in it takes a second or two; started when
    a report begins (while predictions are still being made), that wait is gone from the
    end of the run. :meth:`close` stops them.
    """

    def __init__(self, processes: int):
        import multiprocessing
        import os
        from concurrent.futures import ProcessPoolExecutor

        from ..engine import die_with_parent

        self.processes = processes
        self._pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=die_with_parent, initargs=(os.getpid(),))
        # The pool starts its processes on demand: one warm-up task each starts them now.
        self._warming = [self._pool.submit(warm_up) for _ in range(processes)]

    def submit(self, report: dict, names: list[str]):
        """A future of :func:`draw_figures` of ``names``, run in a helper process."""
        return self.run(draw_figures, report, names)

    def run(self, function: Callable, *args):
        """A future of ``function(*args)`` run in a helper process (the report's permutation tests)."""
        return self._pool.submit(function, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def warm_up() -> None:
    """Import matplotlib and load the fonts by drawing a tiny figure (what every first figure pays)."""
    from .. import plots

    plots.render_figure(lambda ax: ax.set_title("warm up"), size=(3, 2))


def start_figures(report: dict, jobs: int = 1, helpers: FigureHelpers | None = None) -> Callable[[], dict[str, bytes]]:
    """Start the helper processes on the figures now; the function returned draws the rest here.

    The figures wait in one queue, longest to draw first. Each helper process is handed
    one figure at a time from its front, the next when it is done with one; when this
    process is ready (the function is called) it takes figures from the back. Handed out
    one at a time, none waits in a helper's queue while this process is idle, so both
    finish within about one figure of each other however long this process was busy.
    The function returns ``<name>.png`` and ``<name>.svg`` bytes for every figure of
    :func:`figure_plan`, in plan order. Helpers are started now when ``jobs`` > 1 and
    none are given.
    """
    import threading
    from collections import deque
    from concurrent.futures.process import BrokenProcessPool

    from .data import FIGURE_DATA_KEYS

    report = {key: report[key] for key in FIGURE_DATA_KEYS if key in report}  # what the helpers need
    names = [spec.name for spec in figure_plan(report)]
    own = None
    if helpers is None and jobs > 1 and len(names) > 1:
        helpers = own = FigureHelpers(min(jobs, len(names)) - 1)
    queue = deque(sorted(names, key=lambda name: -_COST.get(name.split("-")[0], 1.0)))
    handed: list[tuple[str, Future]] = []  # (name, future) of every figure a helper was given
    lock = threading.Lock()  # the queue is taken from by this process and by the helpers' callbacks

    def hand_next(done: Future | None = None) -> None:
        # Runs here, and in the pool's thread as a helper finishes a figure.
        if helpers is None or (done is not None and (done.cancelled() or done.exception() is not None)):
            return  # a helper that failed gets no more: what is left is drawn here
        with lock:  # taken and handed under the lock, so once the queue is empty nothing more is handed
            if not queue:
                return
            name = queue.popleft()
            try:
                future = helpers.submit(report, [name])
            except (BrokenProcessPool, OSError, RuntimeError):  # died or shut down already
                queue.appendleft(name)
                return
            handed.append((name, future))
        future.add_done_callback(hand_next)

    for _ in range(helpers.processes if helpers is not None else 0):
        hand_next()

    def finish() -> dict[str, bytes]:
        try:
            if not handed:  # no helper took any (so none ever will): one call draws them all
                drawn = draw_figures(report, names)
            else:
                drawn = {}
                while True:
                    with lock:
                        if not queue:
                            break
                        name = queue.pop()
                    drawn.update(draw_figures(report, [name]))
                for name, future in handed:  # complete now: nothing is handed once the queue is empty
                    try:
                        drawn.update(future.result())
                    except (BrokenProcessPool, OSError):  # the helper died on it: drawn here
                        drawn.update(draw_figures(report, [name]))
        finally:
            if own is not None:
                own.close()
        return {f"{name}.{fmt}": drawn[f"{name}.{fmt}"] for name in names for fmt in ("png", "svg")
                if f"{name}.{fmt}" in drawn}

    return finish


def make_figures(report: dict, jobs: int = 1) -> dict[str, bytes]:
    """``<name>.png`` and ``<name>.svg`` bytes for every figure of :func:`figure_plan`, in plan order.

    Drawn by this process and, when ``jobs`` > 1, by ``jobs - 1`` helper processes started for it.
    """
    return start_figures(report, jobs)()


def draw_figures(report: dict, names: list[str]) -> dict[str, bytes]:
    """``<name>.png`` and ``<name>.svg`` bytes of the named figures of :func:`figure_plan`."""
    from .. import plots

    corpus = report["corpus"]["name"]
    frames = report["frames"]
    colours = report_colours(report)
    # Biggest outlets first when there are more than a figure can show.
    outlets = sorted(report["outlets"], key=lambda r: -r["sentences"])
    shown, omitted = outlets[:MAX_OUTLETS], max(0, len(outlets) - MAX_OUTLETS)
    height = 1.4 + 0.32 * len(shown)
    figures: dict[str, bytes] = {}
    wanted = set(names)
    for spec in figure_plan(report):
        if spec.name not in wanted:
            continue
        kind = spec.name.split("-")[0]
        if kind == "shares":
            # One order in every panel: by the share of the first frame, largest first.
            rows = sorted(shown, key=lambda r: (-r["shares"][frames[0]]["share"], r["outlet"]))
            images = plots.render_figure(plots.share_panels, rows, frames, colours, corpus, omitted,
                                         size=(4.5 + 2.5 * len(frames), height + 1.0), panels=(1, len(frames)))
        elif kind == "keyness":
            outlet = list(report["keyness"])[int(spec.name.rsplit("-", 1)[1]) - 1]
            past = [t for t in report["keyness"][outlet] if abs(t["z"]) >= report["keyness_threshold"]]
            terms = sorted((t for t in past if t["z"] > 0), key=lambda t: -t["z"])[:MAX_KEYNESS_TERMS] + \
                sorted((t for t in past if t["z"] < 0), key=lambda t: t["z"])[:MAX_KEYNESS_TERMS]
            images = plots.render_figure(plots.keyness_bars, terms, outlet, report["keyness_threshold"], corpus,
                                         size=(9, 2.6 + 0.28 * len(terms)))
        elif kind == "time":
            time = report["time"]
            starts = [date.fromisoformat(p["start"]) for p in time["periods"]]
            # The data already chose which outlets get a time series (those with the most dated articles).
            series = {frame: dict(time["series"][frame]) for frame in frames}
            shown_series = len(set().union(*series.values()))
            images = plots.render_figure(plots.shares_over_time, starts, series, frames, time["granularity"], corpus,
                                         max(0, len(outlets) - shown_series), size=(10, 1.2 + 2.6 * len(frames)),
                                         panels=(len(frames), 1))
        else:
            articles = [(f"{a['outlet'][:24]} · {a['article_id'][:12]}", a["frames"])
                        for a in report["strips"]["articles"][:MAX_STRIP_ROWS]]
            images = plots.render_figure(plots.article_strips, articles, frames, colours, corpus,
                                         report["strips"]["total"], size=(10, 1.6 + 0.16 * len(articles)))
        for fmt, data in images.items():
            figures[f"{spec.name}.{fmt}"] = data
    return figures
