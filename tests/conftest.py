"""Every test runs in its own temporary directory, so none touches the repository's files."""
from __future__ import annotations

import base64
import contextlib
import csv
import io
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
LABELS = REPO / "labels"

# One BLAS/OpenMP thread per test process (set before numpy is first imported, and inherited by the
# processes tests start): pytest-xdist already runs a test process per core, and on the tests'
# small matrices extra BLAS threads only spin, costing about half as much CPU again in training.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    """Run each test inside a fresh temporary directory."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def seeds_dir(tmp_path) -> Path:
    """A copy of the five seed articles and their outlets.csv."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def write_labels(path: Path, rows: list[tuple], header=("article_id", "outlet", "sentence", "label", "source", "note")) -> Path:
    """Write a labels CSV (rows shorter than the header are padded)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(list(row) + [""] * (len(header) - len(row)))
    return path


TINY_FRAMES = ("counter-hegemony", "neutral-report", "western-concern")
TINY_ROWS = [
    # (article_id, outlet, sentence, label)
    ("a1", "Wire", "The treaty was signed in Moscow on Friday.", "neutral-report"),
    ("a1", "Wire", "The agreement has 47 articles and runs for 20 years.", "neutral-report"),
    ("a1", "Wire", "Western governments warned the pact could destabilise the region.", "western-concern"),
    ("a1", "Wire", "Putin hailed the deal as a blow to Western hegemony.", "counter-hegemony"),
    ("a2", "Post", "Officials said the document covers trade and energy.", "neutral-report"),
    ("a2", "Post", "Washington accused Tehran of supplying drones to Moscow.", "western-concern"),
    ("a2", "Post", "Critics fear the alliance will fuel escalation in Ukraine.", "western-concern"),
    ("a2", "Post", "Moscow says the multipolar world no longer needs Washington.", "counter-hegemony"),
    ("a3", "Times", "The presidents met at the Kremlin for three hours.", "neutral-report"),
    ("a3", "Times", "Analysts warned of a dangerous military axis.", "western-concern"),
    ("a3", "Times", "Tehran called the pact a new chapter free of US pressure.", "counter-hegemony"),
    ("a3", "Times", "Sanctions have failed to isolate the two nations.", "counter-hegemony"),
]


def write_shipped_codebook(directory: Path, order: tuple[str, ...] | None = None) -> Path:
    """The shipped codebook (definitions, signals, colours) in ``directory``, frames in ``order`` if given."""
    from framelens.codebook import Codebook, read_codebook
    from framelens.project import codebook_toml

    shipped = read_codebook(LABELS / "codebook.toml")
    frames = tuple(shipped.frame(name) for name in order) if order else shipped.frames
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "codebook.toml"
    path.write_text(codebook_toml(Codebook(frames, shipped.no_frame, shipped.story)), "utf-8")
    return path


@pytest.fixture
def tiny_labels(tmp_path) -> Path:
    """A small three-article labels file (12 sentences, 3 labels) beside the shipped codebook (labels sorted)."""
    write_shipped_codebook(tmp_path / "labels", TINY_FRAMES)
    return write_labels(tmp_path / "labels" / "tiny.csv", TINY_ROWS)


# -- shared, expensive things: made once per session, copied into each test that changes them ----------


@pytest.fixture(autouse=True)
def one_job_by_default(monkeypatch):
    """Commands without --jobs run in this process, not in a pool of every core.

    Starting a worker process costs seconds (it imports scikit-learn and loads the model);
    the tests of the engines ask for --jobs / jobs= themselves.
    """
    monkeypatch.setattr("framelens.engine.default_jobs", lambda: 1)


def _train_quietly(labels: Path, model_dir: Path) -> Path:
    from framelens.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        status = main(["train", str(labels), "--model", str(model_dir)])
    assert status == 0, err.getvalue()
    return model_dir


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """The tiny model, trained once per session (``labels/tiny.csv`` as in :func:`tiny_labels`, ``m/`` beside it).

    Read-only: a test that changes the model uses :func:`tiny_model`, its own copy.
    """
    base = tmp_path_factory.mktemp("tiny-model")
    write_shipped_codebook(base / "labels", TINY_FRAMES)
    return _train_quietly(write_labels(base / "labels" / "tiny.csv", TINY_ROWS), base / "m")


@pytest.fixture
def tiny_model(tiny_model_dir, tiny_labels, tmp_path) -> Path:
    """``m/``: a copy of the tiny model in the test's directory, beside the ``labels/tiny.csv`` it was trained on.

    The same files ``framelens train labels/tiny.csv --model m`` writes there (its card names its labels
    relative to the model directory).
    """
    shutil.copytree(tiny_model_dir, tmp_path / "m")
    return Path("m")


PLACEHOLDER_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
PLACEHOLDER_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@pytest.fixture
def placeholder_figures(monkeypatch):
    """Reports get a 1-pixel placeholder for each figure of the real figure plan (same names), and so do evaluations.

    For tests of a report's or an evaluation's files, numbers and wiring, not of its drawings:
    drawing takes seconds per report. test_report_render.py draws every kind of report figure
    for real, the report of hostile names in test_hostile.py draws them from the command line,
    and test_evaluate_command_on_the_fixture draws the evaluation figures.
    """
    from framelens import plots
    from framelens.report import figures

    def placeholders(report: dict, names: list[str]) -> dict[str, bytes]:
        return {f"{name}.{ext}": data for name in names
                for ext, data in (("png", PLACEHOLDER_PNG), ("svg", PLACEHOLDER_SVG))}

    monkeypatch.setattr(figures, "draw_figures", placeholders)
    # No drawing, so no helper processes to start for it (they would draw for real).
    monkeypatch.setattr(figures, "FigureHelpers", lambda processes: None)
    for name in ("confusion_png", "reliability_png", "learning_curve_png"):
        monkeypatch.setattr(plots, name, lambda *args, **kwargs: PLACEHOLDER_PNG)


@pytest.fixture
def forked_workers(monkeypatch):
    """Worker processes of ``jobs=N`` are forked from the test process instead of spawned.

    A forked worker starts with everything imported; a spawned one imports scikit-learn and
    nltk again, which takes seconds. For tests of how models, chunks, summaries and results
    travel between processes: test_two_processes_give_identical_output and
    test_workers_do_not_outlive_a_killed_parent keep the spawned workers framelens starts.
    """
    import multiprocessing

    get_context = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context",
                        lambda method=None: get_context("fork" if method == "spawn" else method))


def _run_command(argv: list[str], stdin_fd: int, stdout: str, stderr: str) -> None:
    import sys

    from framelens.cli import main

    with open(stdin_fd, encoding="utf-8") as sys.stdin, open(stdout, "w", encoding="utf-8") as sys.stdout, \
            open(stderr, "w", encoding="utf-8") as sys.stderr:
        status = main(argv)
    sys.exit(status)


class ForkedCommand:
    """``framelens ARGV`` in a child process forked from the test, reading its stdin from :meth:`send`.

    A forked child starts with scikit-learn and nltk already imported, where a new interpreter
    spends seconds importing them: for tests of what happens between processes (a lock held
    by another session, kill -9). Its stdout and stderr go to ``NAME.out`` and ``NAME.err``.
    A command that starts worker processes of its own (``--jobs``) needs ``daemon=False``
    (multiprocessing lets no daemon have children); then the test must kill or finish it.
    """

    def __init__(self, argv: list[str], name: str = "command", daemon: bool = True):
        import multiprocessing

        self.stdout, self.stderr = Path(f"{name}.out"), Path(f"{name}.err")
        read, write = os.pipe()
        self.process = multiprocessing.get_context("fork").Process(
            target=_run_command, args=(argv, read, str(self.stdout), str(self.stderr)), daemon=daemon)
        self._write: int | None = write
        self.process.start()
        os.close(read)
        self.pid = self.process.pid

    def send(self, text: str) -> None:
        assert self._write is not None, "its stdin is closed"
        os.write(self._write, text.encode("utf-8"))

    def _close_stdin(self) -> None:
        if self._write is not None:
            os.close(self._write)
            self._write = None

    def finish(self, timeout: float = 120) -> int | None:
        """Close its stdin and wait for it; its exit status (negative: killed by that signal)."""
        self._close_stdin()
        self.process.join(timeout)
        return self.process.exitcode

    def kill(self) -> int | None:
        """kill -9 (if it still runs); its exit status."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._close_stdin()
        return self.process.exitcode
