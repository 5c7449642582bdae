"""Engines: local processes and Dask give the same output as one process; interruption keeps whole articles."""
import io
import json
import sys
from collections import Counter
from functools import partial
from pathlib import Path

import pytest
from tqdm import tqdm

from framelens import read_corpus
from framelens.cli import main
from framelens.cli.progress import Progress
from framelens.config import Config
from framelens.engine import ChunkResult, run_chunks, run_predictions
from framelens.errors import EngineError
from framelens.persistence import load_model
from framelens.prediction import predict_articles

from .fakes import KeywordModel


def write_corpus(seeds_dir: Path, articles: int) -> Path:
    """``corpus.jsonl``: ``articles`` articles, the five seed articles over and over (27 sentences per article)."""
    seeds = list(read_corpus(seeds_dir))
    with open("corpus.jsonl", "w", encoding="utf-8") as handle:
        for i in range(articles):
            article = seeds[i % 5]
            handle.write(json.dumps({"id": f"n{i}", "outlet": article.outlet, "text": article.text}) + "\n")
    return Path("corpus.jsonl")


@pytest.fixture
def corpus(seeds_dir, tiny_model):
    """40 articles in one JSONL file and a model trained on the tiny labels (m/)."""
    return write_corpus(seeds_dir, 40)


@pytest.fixture
def short_corpus(seeds_dir, tiny_model):
    """10 articles in one JSONL file and the tiny model (m/): for the command's plumbing, where the size is not
    the point and every sentence is classified by the real model."""
    return write_corpus(seeds_dir, 10)


@pytest.fixture(scope="module")
def dask_clusters():
    """Local Dask clusters by their options, each started once for the module.

    Their worker processes are forked from this one (Dask's multiprocessing-method), so they
    start with everything imported instead of importing it again: seconds per worker.
    """
    pytest.importorskip("distributed")  # it adds its defaults to dask's config
    import dask

    clusters: dict = {}
    with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
        yield clusters
        for cluster in clusters.values():
            cluster.close()


@pytest.fixture
def local_dask(dask_clusters, monkeypatch) -> list[dict]:
    """engine="dask" without a scheduler: the LocalCluster it asks for is real but started once per module.

    Returns the options of every LocalCluster the engine asked for.
    """
    distributed = pytest.importorskip("distributed")
    real_local_cluster = distributed.LocalCluster
    asked = []

    def local_cluster(**options):
        asked.append(options)
        key = tuple(sorted(options.items()))
        if key not in dask_clusters:
            dask_clusters[key] = real_local_cluster(**options)
        cluster = dask_clusters[key]
        monkeypatch.setattr(cluster, "close", lambda: None)  # dask_clusters closes it after the module
        return cluster

    monkeypatch.setattr(distributed, "LocalCluster", local_cluster)
    return asked


def test_two_processes_give_identical_output(short_corpus):
    assert main(["predict", str(short_corpus), "--model", "m", "--jobs", "1", "--out", "one.jsonl", "--quiet"]) == 0
    assert main(["predict", str(short_corpus), "--model", "m", "--jobs", "2", "--out", "two.jsonl", "--quiet"]) == 0
    one = Path("one.jsonl").read_bytes()
    assert one == Path("two.jsonl").read_bytes()
    assert len(one.splitlines()) == 10 * 27


def test_small_chunks_across_processes_keep_input_order(corpus, forked_workers):
    model = KeywordModel()
    config = Config(chunk_articles=3, chunk_sentences=7)
    articles = list(read_corpus(corpus))
    expected = [p for item in predict_articles(model, articles) for p in item.predictions]
    got = [p for item in run_predictions(model, articles, jobs=2, config=config) for p in item.predictions]
    assert got == expected


class WaitingModel(KeywordModel):
    """In the test process, each batch waits until the worker's latest chunk is done, and notes how many were sent."""

    def __init__(self, parent: int, sent: list):
        self.parent, self.sent, self.seen = parent, sent, []

    def __getstate__(self):  # a worker gets the keyword model alone
        return {}

    def predict_proba(self, texts):
        import os

        if getattr(self, "parent", None) == os.getpid():
            self.sent[-1].result(timeout=60)
            self.seen.append(len(self.sent))
        return super().predict_proba(texts)


@pytest.fixture
def sent(monkeypatch) -> list:
    """The futures of every chunk sent to a worker process, in the order sent."""
    from concurrent.futures import ProcessPoolExecutor

    futures: list = []
    submit = ProcessPoolExecutor.submit

    def noting_submit(self, *args, **kwargs):
        futures.append(future := submit(self, *args, **kwargs))
        return future

    monkeypatch.setattr(ProcessPoolExecutor, "submit", noting_submit)
    return futures


def test_the_worker_gets_its_next_chunk_while_this_process_classifies_one(corpus, forked_workers, sent):
    import os

    model = WaitingModel(os.getpid(), sent)
    articles = list(read_corpus(corpus))
    # The worker has chunks 1 and 2 when this process takes chunk 3, in batches of about two articles.
    config = Config(chunk_articles=5, chunk_sentences=30)
    got = [item.predictions for item in run_predictions(model, articles, jobs=2, config=config)]
    assert got == [item.predictions for item in predict_articles(KeywordModel(), articles)]
    # The first batch here waited until the worker was done with both; before the second batch the
    # worker was sent two more (up to the bound on chunks held), not only after this chunk.
    assert model.seen[:3] == [2, 4, 4]


def test_the_last_chunk_is_classified_here_rather_than_queued_behind_a_busy_worker(corpus, forked_workers):
    import os

    # Two chunks: the first goes to the worker; the second, the last, would wait behind it there.
    articles = list(read_corpus(corpus))[:10]
    chunks = list(run_chunks(KeywordModel(), articles, jobs=2, config=Config(chunk_articles=5),
                             summarise=labels_per_outlet))
    assert [pid == os.getpid() for pid, _ in (chunk.summary for chunk in chunks)] == [False, True]
    assert [item.article for chunk in chunks for item in chunk.results] == articles


def labels_per_outlet(results, *, prefix=""):
    """A trivial chunk summary: (outlet, frame) -> sentences, tagged with the pid that computed it."""
    import os

    counts = Counter((f"{prefix}{item.article.outlet}", p.label) for item in results for p in item.predictions)
    return os.getpid(), counts


OUTLET_ARTICLES = {"Sky News": 8, "Observer Diplomat": 8, "Unattributed (002)": 8, "Unattributed (003)": 8,
                   "EU Global": 8}


def _summaries(model, articles, **options):
    chunks = list(run_chunks(model, articles, config=Config(chunk_articles=7), summarise=labels_per_outlet,
                             **options))
    return chunks, [summary for _, summary in (chunk.summary for chunk in chunks)]


def test_chunk_summaries_are_identical_for_one_process_two_processes_and_dask(corpus, local_dask, forked_workers):
    import os

    model = KeywordModel()
    articles = list(read_corpus(corpus))
    one, one_summaries = _summaries(model, articles)
    two, two_summaries = _summaries(model, articles, jobs=2)
    dask, dask_summaries = _summaries(model, articles, engine="dask", jobs=2)
    assert local_dask == [{"n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}]
    assert [(c.articles, c.sentences) for c in one] == [(7, 204), (7, 168), (7, 191), (7, 193), (7, 189), (5, 135)]
    assert one_summaries == two_summaries == dask_summaries
    total = sum(one_summaries, Counter())
    assert sum(total.values()) == 40 * 27
    assert {outlet for outlet, _ in total} == set(OUTLET_ARTICLES)
    # Each summary was computed where its chunk ran: some in a worker process, all of Dask's elsewhere.
    assert {pid for pid, _ in (c.summary for c in one)} == {os.getpid()}
    assert {pid for pid, _ in (c.summary for c in two)} - {os.getpid()}
    assert os.getpid() not in {pid for pid, _ in (c.summary for c in dask)}
    # And the results themselves are the same, article by article, in input order.
    assert [i.predictions for c in two for i in c.results] == [i.predictions for c in one for i in c.results]
    assert [i.article for c in dask for i in c.results] == articles


def test_summarise_may_be_a_partial_and_sees_whole_articles(corpus, forked_workers):
    model = KeywordModel()
    articles = list(read_corpus(corpus))[:9]
    chunks = list(run_chunks(model, articles, jobs=2, config=Config(chunk_articles=4),
                             summarise=partial(labels_per_outlet, prefix="outlet:")))
    assert [c.articles for c in chunks] == [4, 4, 1]
    assert all(outlet.startswith("outlet:") for c in chunks for outlet, _ in c.summary[1])
    assert [sum(c.summary[1].values()) for c in chunks] == [c.sentences for c in chunks] == [
        sum(len(i.predictions) for i in c.results) for c in chunks]


def context_and_articles(results, context):
    """A chunk summary: the context the chunk was sent with, and its article count."""
    return context, len(results)


@pytest.mark.parametrize("options", [{}, {"jobs": 2}, {"engine": "dask", "jobs": 2}], ids=["jobs1", "jobs2", "dask"])
def test_the_summary_context_is_taken_as_each_chunk_is_sent_and_travels_with_it(corpus, options, request,
                                                                                forked_workers):
    if options.get("engine") == "dask":
        request.getfixturevalue("local_dask")
    sent = iter(range(100))
    chunks = list(run_chunks(KeywordModel(), list(read_corpus(corpus)), config=Config(chunk_articles=16),
                             summarise=context_and_articles, summary_context=lambda: next(sent), **options))
    assert [c.summary for c in chunks] == [(0, 16), (1, 16), (2, 8)]


def test_a_report_that_tells_each_chunk_its_browser_floor_keeps_the_same_sample(corpus, forked_workers):
    from framelens.report.build import ReportBuilder, summariser

    config = Config(chunk_articles=4, browser_sentences=30)
    frames = ["counter-hegemony", "neutral-report", "western-concern"]
    samples, candidates_sent = [], []
    for floored in (False, True):
        builder = ReportBuilder(f"report-{floored}", frames, (), config, sentences=False)
        sent = 0
        for chunk in run_chunks(KeywordModel(), list(read_corpus(corpus)), jobs=2, config=config,
                                summarise=summariser(frames, (), config), keep_predictions=False,
                                summary_context=builder.browser_floor if floored else None):
            sent += len(chunk.summary.browser)
            builder.add(chunk.results, chunk.summary)
        samples.append(builder.collector.browser_items())
        candidates_sent.append(sent)
        builder.abort()
    assert samples[0] == samples[1] and len(samples[0]) == 30
    # Ten chunks of 4 articles (108 sentences): without the floor each sends its own 30.
    assert candidates_sent[0] == 300 and candidates_sent[1] < 300


@pytest.mark.parametrize("options", [{}, {"jobs": 2}, {"engine": "dask", "jobs": 2}], ids=["jobs1", "jobs2", "dask"])
def test_without_keep_predictions_only_summaries_and_counts_come_back(corpus, options, request, forked_workers):
    if options.get("engine") == "dask":
        request.getfixturevalue("local_dask")
    chunks = list(run_chunks(KeywordModel(), list(read_corpus(corpus)), config=Config(chunk_articles=16),
                             summarise=labels_per_outlet, keep_predictions=False, **options))
    assert all(isinstance(c, ChunkResult) and c.results == [] for c in chunks)
    assert [(c.articles, c.sentences) for c in chunks] == [(16, 428), (16, 451), (8, 201)]
    assert sum(sum(c.summary[1].values()) for c in chunks) == 40 * 27


def test_a_model_directory_is_loaded_where_the_chunks_run(corpus, forked_workers):
    # Three chunks of 5: with jobs=2 the first two go to the worker, the third is classified here.
    articles = list(read_corpus(corpus))[:15]
    expected = [i.predictions for i in run_predictions(load_model("m"), articles)]
    for jobs in (1, 2):
        got = [i.predictions for i in run_predictions("m", articles, jobs=jobs, config=Config(chunk_articles=5))]
        assert got == expected


def test_workers_do_not_outlive_a_killed_parent(corpus, tmp_path):
    """kill -9 of a parent that runs --jobs 3: its worker processes exit too (within seconds).

    Keyword model, no sentence splitting: the workers need neither scikit-learn nor nltk, so they start fast.
    """
    import os
    import signal
    import subprocess
    import time

    psutil = pytest.importorskip("psutil")
    script = tmp_path / "parent.py"
    script.write_text(
        "import sys\n"
        "from framelens.config import Config\n"
        "from framelens.engine import run_chunks\n"
        "from framelens import read_corpus\n"
        "from tests.fakes import KeywordModel\n"
        "if __name__ == '__main__':\n"
        "    articles = list(read_corpus(['corpus.jsonl'])) * 1000\n"
        "    for chunk in run_chunks(KeywordModel(), articles, split=False, jobs=3, config=Config(chunk_articles=2)):\n"
        "        print('chunk', flush=True)\n",
        "utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert parent.stdout.readline() == "chunk\n"
        workers = [c for c in psutil.Process(parent.pid).children(recursive=True)
                   if "resource_tracker" not in " ".join(c.cmdline())]
        assert len(workers) == 2
        parent.send_signal(signal.SIGKILL)
        parent.wait()

        def exited(worker) -> bool:  # a killed orphan is a zombie until init reaps it (a second or more later)
            try:
                return worker.status() == psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                return True

        deadline = time.monotonic() + 60  # a guard against hanging, not a timing check
        while not all(exited(worker) for worker in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [worker for worker in workers if not exited(worker)] == []
    finally:
        if parent.poll() is None:
            parent.kill()


def test_missing_dask_gives_the_install_command(corpus, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["predict", str(corpus), "--model", "m", "--engine", "dask", "--out", "d.jsonl"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: the dask engine needs the dask extra; run: pip install 'framelens[dask]'\n"
    )
    assert not Path("d.jsonl").exists()


def test_unknown_engine_is_a_named_error(corpus):
    with pytest.raises(EngineError, match=r"^unknown engine 'spark'; use local or dask$"):
        list(run_predictions(load_model("m"), [], engine="spark"))


def test_interrupted_run_keeps_whole_articles(short_corpus, monkeypatch, capsys):
    from framelens.output import PredictionWriter

    real = PredictionWriter.write_article
    calls = []

    def interrupted(self, predictions):
        calls.append(1)
        if len(calls) == 4:  # Ctrl-C while the fourth article's records are on their way
            raise KeyboardInterrupt
        real(self, predictions)

    monkeypatch.setattr(PredictionWriter, "write_article", interrupted)
    assert main(["predict", str(short_corpus), "--model", "m", "--jobs", "1", "--out", "part.jsonl"]) == 130
    assert capsys.readouterr().err.splitlines() == [
        "framelens: interrupted: kept 3 whole articles (81 sentences) in part.jsonl",
        "framelens: interrupted",
    ]
    records = [json.loads(line) for line in Path("part.jsonl").read_text("utf-8").splitlines()]
    assert list(dict.fromkeys(r["article_id"] for r in records)) == ["n0", "n1", "n2"]
    assert len(records) == 23 + 46 + 12  # the whole of each of the first three articles


class FakeTerminal(io.StringIO):
    """stderr that says it is a terminal."""

    def isatty(self):
        return True


def test_progress_bar_counts_bytes_of_the_input_files_on_a_terminal(short_corpus, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["predict", str(short_corpus), "--model", "m", "--jobs", "1", "--out", "p.jsonl"]) == 0
    shown = terminal.getvalue()
    size = tqdm.format_sizeof(short_corpus.stat().st_size, divisor=1024)
    assert f"{size}/{size}" in shown and "100%" in shown
    assert "270 sentences classified" in shown
    assert shown.endswith("framelens: wrote 270 sentences from 10 articles to p.jsonl\n")


def test_progress_follows_the_read_position_in_a_file(corpus):
    terminal = FakeTerminal()
    progress = Progress([str(corpus)], stream=terminal)
    seen = [progress._bar.n for _ in progress.track(read_corpus(corpus))]
    assert progress.position.total == corpus.stat().st_size
    assert seen == sorted(seen) and seen[0] > 0 and seen[-1] <= corpus.stat().st_size
    assert progress._bar.n == corpus.stat().st_size
    progress.close()


def test_no_bar_when_quiet_or_not_a_terminal(short_corpus, monkeypatch, capsys):
    assert main(["predict", str(short_corpus), "--model", "m", "--jobs", "1", "--out", "p.jsonl"]) == 0
    assert capsys.readouterr().err == "framelens: wrote 270 sentences from 10 articles to p.jsonl\n"
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["predict", str(short_corpus), "--model", "m", "--jobs", "1", "--out", "p.jsonl", "--quiet"]) == 0
    assert terminal.getvalue() == ""


def test_stdin_gets_an_article_counter_without_a_total(corpus):
    terminal = FakeTerminal()
    progress = Progress(["-"], stream=terminal)
    assert progress.position is None
    assert len(list(progress.track(read_corpus(corpus)))) == 40
    progress.close()
    assert "40 articles" in terminal.getvalue() and "%" not in terminal.getvalue()


def test_a_dask_report_from_summaries_alone_equals_the_local_report(corpus, local_dask, placeholder_figures):
    """report --engine dask --no-sentences: workers send summaries, never sentences; the report is the same."""
    from framelens.report.build import ReportBuilder, summariser

    model = KeywordModel()
    articles = list(read_corpus(corpus))
    reports = {}
    for engine in ("local", "dask"):
        chunks = list(run_chunks(model, articles, engine=engine, jobs=2 if engine == "dask" else 1,
                                 keep_predictions=False, summarise=summariser(model.classes, ["treaty"])))
        assert all(chunk.results == [] for chunk in chunks)  # no sentence came back
        builder = ReportBuilder(f"rep-{engine}", model.classes, ["treaty"], sentences=False)
        for chunk in chunks:
            builder.add(chunk.results, chunk.summary)
        reports[engine] = builder.finish().report
        assert not Path(f"rep-{engine}/sentences.csv").exists()
    assert json.dumps(reports["local"], sort_keys=True) == json.dumps(reports["dask"], sort_keys=True)
    assert reports["dask"]["corpus"]["sentences"] == 40 * 27


def test_the_worker_gets_its_next_chunk_while_the_caller_handles_a_result(corpus, forked_workers, sent):
    import time

    articles = list(read_corpus(corpus))
    sent_when_handed: list[int] = []
    handed = []
    for chunk in run_chunks(KeywordModel(), articles, jobs=2, config=Config(chunk_articles=5)):
        sent_when_handed.append(len(sent))
        handed.extend(item.article for item in chunk.results)
        # The caller takes its time with each result (a report merges and writes), long enough
        # for the worker to finish everything it was sent.
        deadline = time.monotonic() + 60
        while not all(future.done() for future in sent) and time.monotonic() < deadline:
            time.sleep(0.01)
    assert handed == articles
    # The first two chunks went to the worker. While the caller handled the first, the worker
    # finished the second; it was sent another before the second was handed on, not after.
    assert sent_when_handed[1] > sent_when_handed[0] >= 2
