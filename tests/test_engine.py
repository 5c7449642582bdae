"""Engines: local processes and Dask give the same output as one process; interruption keeps whole articles."""
import json
import sys
from pathlib import Path

import pytest

from framelens.cli import main
from framelens.config import Config
from framelens.engine import OutletAggregates, aggregate, run_predictions
from framelens.errors import EngineError
from framelens.persistence import load_model
from framelens.prediction import predict_articles
from framelens import read_corpus


@pytest.fixture
def corpus(seeds_dir, tiny_labels, capsys):
    """40 articles in one JSONL file and a model trained on the tiny labels."""
    articles = list(read_corpus(seeds_dir))
    with open("corpus.jsonl", "w", encoding="utf-8") as handle:
        for i in range(40):
            article = articles[i % 5]
            handle.write(json.dumps({"id": f"n{i}", "outlet": article.outlet, "text": article.text}) + "\n")
    assert main(["train", str(tiny_labels), "--model", "m"]) == 0
    capsys.readouterr()
    return Path("corpus.jsonl")


def test_two_processes_give_identical_output(corpus):
    assert main(["predict", str(corpus), "--model", "m", "--jobs", "1", "--out", "one.jsonl", "--quiet"]) == 0
    assert main(["predict", str(corpus), "--model", "m", "--jobs", "2", "--out", "two.jsonl", "--quiet"]) == 0
    one = Path("one.jsonl").read_bytes()
    assert one == Path("two.jsonl").read_bytes()
    assert len(one.splitlines()) == 40 * 27


def test_small_chunks_across_processes_keep_input_order(corpus):
    model = load_model("m")
    config = Config(chunk_articles=3, chunk_sentences=7)
    articles = list(read_corpus(corpus))
    expected = [p for item in predict_articles(model, articles) for p in item.predictions]
    got = [p for item in run_predictions(model, articles, jobs=2, config=config) for p in item.predictions]
    assert got == expected


def test_dask_engine_matches_local_and_aggregates(corpus):
    pytest.importorskip("distributed")
    model = load_model("m")
    articles = list(read_corpus(corpus))
    config = Config(chunk_articles=7)
    local = list(run_predictions(model, articles, config=config))
    totals = OutletAggregates()
    on_dask = list(run_predictions(model, articles, engine="dask", jobs=2, config=config, aggregates=totals))
    assert [i.predictions for i in on_dask] == [i.predictions for i in local]
    expected = aggregate(local)
    assert totals.articles == expected.articles == {"Sky News": 8, "Observer Diplomat": 8, "Unattributed (002)": 8,
                                                    "Unattributed (003)": 8, "EU Global": 8}
    assert totals.frame_counts == expected.frame_counts
    assert sum(totals.sentences.values()) == 40 * 27


def test_missing_dask_gives_the_install_command(corpus, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert main(["predict", str(corpus), "--model", "m", "--engine", "dask", "--out", "d.jsonl"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: the dask engine needs the dask extra; run: pip install 'framelens[dask]'\n"
    )
    assert not Path("d.jsonl").exists()


def test_unknown_engine_is_a_named_error(corpus):
    with pytest.raises(EngineError, match="^unknown engine 'spark'; use local or dask$"):
        list(run_predictions(load_model("m"), [], engine="spark"))


def test_interrupted_run_keeps_whole_articles(corpus, monkeypatch, capsys):
    import framelens.engine as engine  # the predict command imports run_predictions from here when it runs

    real = engine.run_predictions

    def interrupted(*args, **kwargs):
        for number, item in enumerate(real(*args, **kwargs)):
            if number == 3:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(engine, "run_predictions", interrupted)
    assert main(["predict", str(corpus), "--model", "m", "--jobs", "1", "--out", "part.jsonl"]) == 130
    assert capsys.readouterr().err.splitlines() == [
        "framelens: interrupted: kept 3 whole articles (81 sentences) in part.jsonl",
        "framelens: interrupted",
    ]
    records = [json.loads(line) for line in Path("part.jsonl").read_text("utf-8").splitlines()]
    assert list(dict.fromkeys(r["article_id"] for r in records)) == ["n0", "n1", "n2"]
    assert len(records) == 23 + 46 + 12  # the whole of each of the first three articles
