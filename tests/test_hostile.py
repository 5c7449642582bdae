"""Issue 13: hostile inputs and outputs end in exit 2 and one line, and never harm data outside the temp dir.

FIFOs and symlinks are made inside the temp dir; /dev is never touched. Disk
full is simulated by making fsync raise ENOSPC.
"""
from __future__ import annotations

import csv
import errno
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from framelens import files, persistence
from framelens.cli import main
from framelens.config import DEFAULT_CONFIG
from framelens.engine import run_predictions
from framelens.errors import EngineError, ModelIntegrityError
from framelens.output import read_predictions
from framelens.persistence import load_model, read_card

from .conftest import REPO, TINY_ROWS, ForkedCommand, write_labels

ENOSPC = OSError(errno.ENOSPC, "No space left on device")
ARTICLE = "Western governments warned the pact could destabilise the region. Putin hailed the deal as a blow.\n"


@pytest.fixture
def model_dir(tiny_model_dir) -> Path:
    """The session's tiny model, read-only (a test that changes a model copies it first)."""
    return tiny_model_dir


def _repository_status() -> str:
    status = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--ignored"],
                            capture_output=True, text=True, check=True).stdout
    # Python's own bytecode caches appear whenever a parallel test process first imports a
    # module; they are the interpreter's, not output of framelens.
    return "".join(line for line in status.splitlines(keepends=True) if "__pycache__" not in line)


@pytest.fixture(scope="module", autouse=True)
def repository_untouched():
    """The repository's files are as they were before this module's tests (once: git takes a while)."""
    before = _repository_status()
    yield
    assert _repository_status() == before


@pytest.fixture(autouse=True)
def siblings_untouched(tmp_path):
    """Nothing beside the test's temp dir appears or goes."""
    def siblings():
        return sorted(p.name for p in tmp_path.parent.iterdir() if p != tmp_path)

    before = siblings()
    yield
    assert siblings() == before


def refused(capsys, argv, message, code=2):
    """Run the CLI; assert the exit code and that stderr ends with exactly that one error line."""
    assert main(argv) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == f"framelens: error: {message}"
    return err


def article(path: Path, text: str = ARTICLE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


# -- writes: never over a non-file, never over an input ---------------------------------------


def test_out_symlink_is_refused_and_left_alone(model_dir, capsys):
    target = article(Path("precious.txt"), "keep me\n")
    Path("out.jsonl").symlink_to(target)
    refused(capsys, ["predict", str(article(Path("in/a.txt"))), "--model", str(model_dir), "--out", "out.jsonl"],
            "out.jsonl: is a symlink, not a regular file; framelens does not replace it; choose another path")
    assert Path("out.jsonl").is_symlink() and target.read_text("utf-8") == "keep me\n"


def test_out_fifo_is_refused_not_replaced(model_dir, capsys):
    os.mkfifo("out.jsonl")
    refused(capsys, ["predict", str(article(Path("in/a.txt"))), "--model", str(model_dir), "--out", "out.jsonl"],
            "out.jsonl: is a FIFO, not a regular file; framelens does not replace it; choose another path")
    assert Path("out.jsonl").is_fifo()


def test_out_that_is_the_input_is_refused(model_dir, capsys):
    source = article(Path("a.txt"))
    refused(capsys, ["predict", "a.txt", "--model", str(model_dir), "--out", "a.txt"],
            "a.txt: is one of the inputs; write the output elsewhere")
    assert source.read_text("utf-8") == ARTICLE


def test_out_inside_an_input_directory_is_refused(model_dir, capsys):
    article(Path("corpus/a.txt"))
    refused(capsys, ["predict", "corpus", "--model", str(model_dir), "--out", "corpus/out.csv"],
            "corpus/out.csv: is inside input directory corpus; write the output elsewhere")
    refused(capsys, ["predict", "corpus", "--model", str(model_dir), "--report", "corpus/report"],
            "corpus/report: is inside input directory corpus; write the output elsewhere")
    assert sorted(p.name for p in Path("corpus").iterdir()) == ["a.txt"]


def test_report_dir_that_is_a_symlink_or_foreign_directory_is_refused(model_dir, capsys):
    article(Path("in/a.txt"))
    Path("mine").mkdir()
    Path("mine/notes.txt").write_text("mine\n")
    Path("link").symlink_to("mine")
    refused(capsys, ["report", "in", "--model", str(model_dir), "--out", "link"],
            "link: is a symlink, not a directory; framelens does not replace it; choose another path")
    refused(capsys, ["report", "in", "--model", str(model_dir), "--out", "mine"],
            "mine: is a directory framelens did not write (no report.json); framelens replaces its output "
            "directory whole, so choose a new or empty directory")
    assert [p.name for p in Path("mine").iterdir()] == ["notes.txt"]


def test_files_respect_the_umask(model_dir, capsys, placeholder_figures):
    previous = os.umask(0o027)
    try:
        assert main(["predict", str(article(Path("in/a.txt"))), "--model", str(model_dir), "--out", "o.jsonl",
                     "--quiet", "--report", "rep"]) == 0
        assert main(["train", str(write_labels(Path("l/t.csv"), TINY_ROWS)), "--model", "m2"]) == 0
    finally:
        os.umask(previous)
    modes = {str(p): p.stat().st_mode & 0o777 for p in [Path("o.jsonl"), Path("rep/report.html"),
                                                        Path("m2/framing.joblib"), Path("m2/card.json")]}
    assert modes == {"o.jsonl": 0o640, "rep/report.html": 0o640, "m2/framing.joblib": 0o640, "m2/card.json": 0o640}
    assert Path("rep").stat().st_mode & 0o777 == 0o750


def test_replacing_a_file_keeps_its_mode():
    Path("x.txt").write_text("old")
    os.chmod("x.txt", 0o604)
    files.atomic_write_text("x.txt", "new")
    assert (Path("x.txt").read_text(), Path("x.txt").stat().st_mode & 0o777) == ("new", 0o604)


# -- names from data never become paths ------------------------------------------------------


def prediction(article_id, outlet, label, date, text="Some sentence.", labels=("a", "b")):
    probabilities = {name: (0.9 if name == label else 0.1 / (len(labels) - 1)) for name in labels}
    return {"article_id": article_id, "outlet": outlet, "sentence_index": 0, "text": text, "label": label,
            "confidence": 0.9, "probabilities": probabilities, "date": date}


def test_label_names_never_become_paths_and_outlets_never_reach_mathtext(capsys):
    evil = "../../../../x/ESCAPED"
    labels = (evil, "pro/anti")
    records = [prediction(f"a{i}", r"$\foo$" if i % 2 else "Plain", labels[i % 2], f"2024-0{1 + i % 3}-01",
                          labels=labels) for i in range(8)]
    Path("p.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    Path("deep/a/b/c").mkdir(parents=True)
    assert main(["report", "p.jsonl", "--model", "none", "--out", "deep/a/b/c/report", "--jobs", "1"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    figures = sorted(p.name for p in Path("deep/a/b/c/report/figures").iterdir())
    assert figures == ["shares.png", "shares.svg", "strips.png", "strips.svg", "time.png", "time.svg"]
    # The frames are panel titles, as plain text (svg.fonttype "none": one <text> element each).
    time_svg = Path("deep/a/b/c/report/figures/time.svg").read_text("utf-8")
    assert ">../../../../x/ESCAPED</text>" in time_svg and ">pro/anti</text>" in time_svg
    assert ">$\\foo$</text>" in time_svg  # the outlet in the legend: literal dollars, no mathtext
    assert [p for p in Path(".").rglob("ESCAPED*")] == []
    assert not any(p.is_dir() for p in Path("deep/a/b/c/report/figures").iterdir())


def test_slug():
    assert [files.slug(t, i) for i, t in enumerate(["../../x", "pro/anti", "", "é" * 50, "a" * 60])] == [
        "x-0", "pro-anti-1", "x-2", "e" * 40 + "-3", "a" * 40 + "-4"]


# -- CSV formula injection ---------------------------------------------------------------------


FORMULAS = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)", "\tx", "'=already quoted"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_csv_safe_round_trip(cell):
    assert files.csv_safe(cell).startswith("'") and files.csv_unsafe(files.csv_safe(cell)) == cell


def test_every_csv_written_is_formula_safe_and_read_back_exactly(model_dir, capsys, placeholder_figures):
    text = "=HYPERLINK(\"http://evil\",\"click\") is what the outlet wrote about the pact."
    Path("in").mkdir()
    with open("in/c.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "outlet", "text"], ["a1", "@outlet", text]])
    assert main(["predict", "in", "--model", str(model_dir), "--out", "p.csv", "--report", "rep", "--quiet"]) == 0
    for name in ("p.csv", "rep/sentences.csv"):
        with open(name, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        cells = [cell for row in rows[1:] for cell in row]
        assert "'@outlet" in cells and "'" + text in cells, name
        assert not any(cell.startswith(files.FORMULA_START) for cell in cells), name
    [back] = list(read_predictions("p.csv"))
    assert (back.outlet, back.text) == ("@outlet", text)
    assert main(["suggest", "in", "--model", str(model_dir), "--out", "sheet.csv"]) == 0
    with open("sheet.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["sentence"] == "'" + text and rows[0]["outlet"] == "'@outlet"


# -- the model: artifact and card switch together ----------------------------------------------


def copy_model(model_dir) -> Path:
    shutil.copytree(model_dir, "m")
    return Path("m")


@pytest.mark.parametrize("crash_at", ["card.pending.json", "card.json"])
def test_kill_during_save_leaves_a_loadable_model(model_dir, monkeypatch, crash_at):
    """Simulate kill -9 just before each rename of a save: the directory still loads, as old or new."""
    m = copy_model(model_dir)
    old = load_model(m)
    real_replace = os.replace

    def crash(source, target):
        if Path(target).resolve() == (m / crash_at).resolve():
            raise SystemExit("killed")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash)
    old.card.created = "new"
    with pytest.raises(SystemExit):
        persistence.save_model(old, m)
    monkeypatch.setattr(os, "replace", real_replace)
    loaded = load_model(m)
    assert loaded.card.created == ("new" if crash_at == "card.json" else read_card(model_dir).created)


@pytest.mark.parametrize("content,what", [
    ("[]", "a JSON list, not an object"),
    ("null", "a JSON null, not an object"),
    ('{"cv": "string"}', "'cv' has the wrong type"),
    ('{"library_versions": "1.0"}', "'library_versions' has the wrong type"),
    ("\xff", "not UTF-8 JSON"),
])
def test_malformed_card_is_one_line(model_dir, capsys, content, what):
    m = copy_model(model_dir)
    (m / "card.json").write_bytes(content.encode("latin-1"))
    with pytest.raises(ModelIntegrityError):
        read_card(m)
    refused(capsys, ["predict", str(article(Path("in/a.txt"))), "--model", "m"],
            f"m/card.json: not a framelens model card ({what}); retrain with: framelens train")


def test_skops_artifact_loads_with_trusted_types_and_rolls_back(model_dir, capsys):
    pytest.importorskip("skops")
    labels = str(write_labels(Path("l/t.csv"), TINY_ROWS))
    copy_model(model_dir)  # a joblib model, as `framelens train` writes it
    assert main(["train", labels, "--model", "m", "--artifact-format", "skops"]) == 0
    assert capsys.readouterr().err.splitlines()[-2] == "framelens: wrote m/framing.skops and m/card.json"
    assert sorted(os.listdir("m")) == ["card.json", "framing.skops", "previous"]
    model = load_model("m")
    assert model.predict(["Western governments warned of escalation."])[0] in model.classes
    assert main(["train", "--rollback", "--model", "m"]) == 0
    assert sorted(os.listdir("m")) == ["card.json", "framing.joblib", "previous"]
    assert sorted(os.listdir("m/previous")) == ["card.json", "framing.skops"]
    assert load_model("m").card.extra.get("artifact") is None


def test_skops_format_without_skops_says_how_to_install(monkeypatch, capsys):
    labels = str(write_labels(Path("l/t.csv"), TINY_ROWS))
    monkeypatch.setitem(sys.modules, "skops", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "skops.io", None)
    refused(capsys, ["train", labels, "--model", "m", "--artifact-format", "skops"],
            "m/framing.skops: the skops artifact format needs the skops extra; run: pip install 'framelens[skops]'")
    assert not Path("m").exists()  # refused before any work


# -- failing half-way: disk full -----------------------------------------------------------------


def disk_full(monkeypatch):
    def fsync(fd):
        raise ENOSPC
    monkeypatch.setattr(files.os, "fsync", fsync)


def test_disk_full_in_predict(model_dir, monkeypatch, capsys):
    article(Path("in/a.txt"))
    disk_full(monkeypatch)
    refused(capsys, ["predict", "in", "--model", str(model_dir), "--out", "o.jsonl", "--quiet"],
            "o.jsonl: cannot write (No space left on device); free space or choose another --out")
    assert os.listdir(".") == ["in"]


def test_disk_full_in_report_keeps_the_old_report_whole(model_dir, monkeypatch, capsys, placeholder_figures):
    article(Path("in/a.txt"))
    assert main(["report", "in", "--model", str(model_dir), "--out", "rep", "--quiet"]) == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in Path("rep").iterdir() if p.is_file()}
    disk_full(monkeypatch)
    err = refused(capsys, ["report", "in", "--model", str(model_dir), "--out", "rep", "--quiet"],
                  "rep/sentences.csv: cannot write (No space left on device); free space or choose another --out")
    assert {p.name: p.read_bytes() for p in Path("rep").iterdir() if p.is_file()} == before
    assert sorted(os.listdir(".")) == ["in", "rep"] and err.count("\n") == 1


def test_disk_full_in_train_keeps_the_old_model(model_dir, monkeypatch, capsys):
    m = copy_model(model_dir)
    disk_full(monkeypatch)
    refused(capsys, ["train", str(write_labels(Path("l/t.csv"), TINY_ROWS)), "--model", "m"],
            "m/previous/card.json: cannot write (No space left on device); free space or choose another --out")
    assert load_model(m).card.created == read_card(model_dir).created
    assert sorted(os.listdir(m)) == ["card.json", "framing.joblib"]


# -- labelling: lock, writable before the first sentence ----------------------------------------


def label_argv(model_dir):
    article(Path("in/a.txt"))
    return ["label", "in", "--into", "new.csv", "--model", str(model_dir)]


def test_second_labelling_session_is_refused(model_dir, monkeypatch, capsys):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        Path("new.csv.lock").write_text(f"{sleeper.pid}\n")
        monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
        refused(capsys, label_argv(model_dir),
                f"new.csv: another labelling session (pid {sleeper.pid}) is using it; "
                "wait for it to finish or remove new.csv.lock")
        assert not Path("new.csv").exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_two_real_sessions_on_one_labels_file(model_dir, capsys):
    """A session waiting for its first answer holds the lock; a second one is refused and writes nothing."""
    import time

    argv = label_argv(model_dir)
    first = ForkedCommand(argv, "first")
    try:
        for _ in range(600):
            if Path("new.csv.lock").exists():
                break
            time.sleep(0.1)
        refused(capsys, argv, f"new.csv: another labelling session (pid {first.pid}) is using it; "
                              "wait for it to finish or remove new.csv.lock")
        first.send("1\nq\n")
        status = first.finish()
    finally:
        first.kill()
    assert status == 0 and "saved: " in first.stdout.read_text("utf-8")
    assert len(Path("new.csv").read_text().splitlines()) == 2 and not Path("new.csv.lock").exists()


def test_stale_lock_of_a_dead_process_is_taken_over(model_dir, monkeypatch, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    Path("new.csv.lock").write_text(f"{dead.pid}\n")
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\nq\n"))
    assert main(label_argv(model_dir)) == 0
    assert "saved: " in capsys.readouterr().out
    assert not Path("new.csv.lock").exists() and len(Path("new.csv").read_text().splitlines()) == 2


def test_unwritable_labels_file_is_refused_before_the_first_sentence(model_dir, monkeypatch, capsys):
    write_labels(Path("new.csv"), [])
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    refused(capsys, label_argv(model_dir), "new.csv: not writable; make it writable or choose another --into file")
    assert capsys.readouterr().out == ""


def test_disk_full_while_appending_a_label(model_dir, monkeypatch, capsys):
    from framelens import labels

    monkeypatch.setattr(labels.os, "fsync", lambda fd: (_ for _ in ()).throw(ENOSPC))
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n"))
    refused(capsys, label_argv(model_dir),
            "new.csv: cannot write (No space left on device); free space or choose another --into")
    assert not Path("new.csv.lock").exists()


# -- unbounded memory: limits with clear messages ------------------------------------------------


def test_gzip_bomb_is_refused_at_the_byte_limit(model_dir, capsys):
    Path("in").mkdir()
    with gzip.open("in/bomb.txt.gz", "wb") as handle:
        for _ in range(20):
            handle.write(b"a" * (1 << 20))
    refused(capsys, ["predict", "in", "--model", str(model_dir), "--max-input-bytes", "1000000"],
            "in/bomb.txt.gz: more than 1000000 bytes (after decompression); "
            "raise --max-input-bytes if it is a real corpus")


def test_overlong_article_and_paragraph_are_skipped_with_a_warning(model_dir, capsys):
    article(Path("in/a.txt"))
    article(Path("in/long.txt"), "Word. " * 400)
    article(Path("in/para.txt"), "Word " * 100 + ".\n")
    # One record over the JSONL line cap (not read whole), one over the article limit (read, then skipped).
    Path("in/j.jsonl").write_text(json.dumps({"id": "huge", "text": "x " * 40000}) + "\n"
                                  + json.dumps({"id": "big", "text": "x " * 1000}) + "\n"
                                  + json.dumps({"id": "ok", "text": ARTICLE}) + "\n")
    assert main(["predict", "in", "--model", str(model_dir), "--max-article-chars", "1000",
                 "--max-paragraph-chars", "300", "--out", "o.jsonl", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "framelens: in/j.jsonl, line 1: skipped: longer than 1000 characters; raise --max-article-chars if it is a real article",
        "framelens: in/j.jsonl (article big): skipped: longer than 1000 characters; raise --max-article-chars if it is a real article",
        "framelens: in/long.txt: skipped: longer than 1000 characters; raise --max-article-chars if it is a real article",
        "framelens: in/para.txt: skipped: a paragraph longer than 300 characters; raise --max-paragraph-chars if it is real text",
    ]
    assert sorted({p.article_id for p in read_predictions("o.jsonl")}) == ["a", "ok"]


def test_csv_field_over_128_kib_is_read(model_dir, capsys):
    Path("in").mkdir()
    # 140 paragraphs of one 1,000-character sentence each: 140 kB in one field, past csv's default limit of
    # 128 KiB (131,072 characters), in few sentences (it is the field that matters, not the sentences).
    big = ("Word" + " word" * 199 + ".\n\n") * 140
    assert len(big) > 131_072
    with open("in/c.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["id", "text"], ["big", big]])
    assert main(["predict", "in", "--model", str(model_dir), "--out", "o.jsonl", "--quiet"]) == 0
    assert {p.article_id for p in read_predictions("o.jsonl")} == {"big"}


# -- tracebacks that became one line -----------------------------------------------------------------


def test_corrupt_deflate_stream(model_dir, capsys):
    data = bytearray(gzip.compress(ARTICLE.encode() * 50))
    data[20:30] = b"\xff" * 10
    Path("in").mkdir()
    Path("in/a.txt.gz").write_bytes(bytes(data))
    refused(capsys, ["predict", "in", "--model", str(model_dir)],
            "in/a.txt.gz: not a valid gzip file (corrupt or cut short); re-compress it or remove the .gz suffix")


def test_non_utf8_predictions_file_in_report(capsys):
    record = prediction("a1", "X", "a", None)
    Path("p.jsonl").write_bytes(json.dumps(record).encode() + b"\n\xff\xfe\n")
    refused(capsys, ["report", "p.jsonl", "--model", "none"],
            "p.jsonl: not valid UTF-8; give the file framelens predict wrote, or re-save it as UTF-8")


def test_json_array_line_on_stdin(model_dir, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"text": "A sentence."}\n["not", "an", "object"]\n'))
    refused(capsys, ["predict", "-", "--model", str(model_dir)],
            "<stdin>, line 2: expected a JSON object per line, not a JSON list; fix or remove the line")


def test_non_utf8_label_set(capsys):
    labels = write_labels(Path("labels/t.csv"), TINY_ROWS)
    Path("labels/label_set.txt").write_bytes(b"neutral-report\n\xe9t\xe9\n")
    refused(capsys, ["train", str(labels), "--model", "m"],
            "labels/label_set.txt: not valid UTF-8; re-save it as UTF-8")


def test_utf16_input(model_dir, capsys):
    Path("in").mkdir()
    Path("in/a.txt").write_bytes(ARTICLE.encode("utf-16"))
    refused(capsys, ["predict", "in", "--model", str(model_dir)],
            "in/a.txt: looks like UTF-16 text (byte-order mark); pass --encoding utf-16")
    assert main(["predict", "in", "--model", str(model_dir), "--encoding", "utf-16", "--out", "o.jsonl",
                 "--quiet"]) == 0
    assert next(iter(read_predictions("o.jsonl"))).text.startswith("Western governments warned")


def test_ctrl_c_during_start_up(monkeypatch, capsys):
    from framelens import cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", interrupted)
    assert main(["predict"]) == 130
    assert capsys.readouterr().err == "framelens: interrupted\n"


def test_unreachable_dask_scheduler(model_dir):
    pytest.importorskip("distributed")
    config = replace(DEFAULT_CONFIG, dask_connect_timeout=0.2)  # nothing listens there: no need to wait long
    with pytest.raises(EngineError) as caught:
        list(run_predictions(load_model(model_dir), [], engine="dask", scheduler="tcp://127.0.0.1:9", config=config))
    assert str(caught.value).startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")
    assert str(caught.value).endswith("); check --scheduler (e.g. tcp://host:8786)")


def test_kill_9_of_predict_leaves_no_workers(model_dir, forked_workers):
    """kill -9 of ``framelens predict --jobs 2`` mid-run: the worker it started does not outlive it.

    The parent runs the command in a process forked from this test, and its worker is forked from it
    (conftest.forked_workers), so neither spends seconds importing scikit-learn; the worker still
    loads the model from its directory and arms its exit with the parent as every worker does.
    test_workers_do_not_outlive_a_killed_parent kills a parent whose workers are spawned.
    """
    import signal
    import time

    def wait_for(condition, what):
        deadline = time.monotonic() + 120  # a guard against hanging, not a timing check
        while not condition():
            assert time.monotonic() < deadline, what
            time.sleep(0.05)

    def running(pids):
        """The pids still running. A killed orphan is a zombie (state Z) until init reaps it, which can
        take a second or more: it has exited all the same."""
        states = {}
        for pid in pids:
            try:
                states[pid] = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (FileNotFoundError, ProcessLookupError):  # gone, reaped
                continue
        return [pid for pid, state in states.items() if state != "Z"]

    Path("in").mkdir()
    # 200 articles per chunk: a short first chunk for the worker, then long ones. Output is first
    # written when this process has classified its own first chunk (the third), and chunks are
    # left then, so the pool is not shut down yet: its worker still runs. With only two chunks
    # the first output came at the very end, as the worker was being joined.
    for i in range(1000):
        article(Path(f"in/{i:04}.txt"), ARTICLE * (1 if i < 200 else 20))
    parent = ForkedCommand(["predict", "in", "--model", str(model_dir), "--jobs", "2", "--quiet", "--out", "o.jsonl"],
                           "predict", daemon=False)
    try:
        # Killed mid-run: once the first chunk is written, chunks remain for the worker.
        wait_for(lambda: any(p.stat().st_size for p in Path(".").glob(".o.jsonl.*.part")), "no output written")
        children = subprocess.run(["pgrep", "-P", str(parent.pid)], capture_output=True, text=True,
                                  check=False).stdout.split()
        assert children and parent.process.is_alive()
        assert parent.kill() == -signal.SIGKILL
        wait_for(lambda: not running(children), "a worker outlived the parent")
    finally:
        parent.kill()
    assert running(children) == []
