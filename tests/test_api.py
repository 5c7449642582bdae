"""The Python API: FramingClassifier as a scikit-learn estimator, predict_articles, to_dataframe, the README example."""
import json
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

import framelens
from framelens.config import DEFAULT_CONFIG, ModelSettings
from framelens.training import build_pipeline

from .conftest import REPO, TINY_ROWS

TEXTS = [row[2] for row in TINY_ROWS]
LABELS = [row[3] for row in TINY_ROWS]
GROUPS = [row[0] for row in TINY_ROWS]


def test_parameters_are_the_model_settings():
    classifier = framelens.FramingClassifier()
    params = classifier.get_params()
    assert sorted(params) == sorted([*ModelSettings.__dataclass_fields__, "random_state", "signals"])
    assert classifier.settings == DEFAULT_CONFIG.model
    assert clone(classifier.set_params(C=10.0)).get_params()["C"] == 10.0


def test_fit_matches_the_pipeline_framelens_train_builds():
    signals = {"western-concern": ["threat", "escalation"]}
    classifier = framelens.FramingClassifier(signals=signals).fit(TEXTS, LABELS)
    reference = build_pipeline(DEFAULT_CONFIG.model, 0, signals).fit(TEXTS, LABELS)
    assert list(classifier.classes_) == ["counter-hegemony", "neutral-report", "western-concern"]
    np.testing.assert_array_equal(classifier.predict_proba(TEXTS), reference.predict_proba(TEXTS))
    assert list(classifier.predict(["Putin hailed a blow to Western hegemony."])) == ["counter-hegemony"]


def test_cross_val_score_grid_search_and_pipeline():
    classifier = framelens.FramingClassifier(char_ngram_range=None)
    scores = cross_val_score(classifier, TEXTS, LABELS, groups=GROUPS, cv=GroupKFold(3), scoring="f1_macro")
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))
    search = GridSearchCV(classifier, {"C": [0.1, 10.0]}, cv=GroupKFold(3), scoring="f1_macro")
    search.fit(TEXTS, LABELS, groups=GROUPS)
    assert search.best_params_["C"] in (0.1, 10.0)
    pipeline = Pipeline([("lower", FunctionTransformer(lambda texts: [t.lower() for t in texts])),
                         ("frames", framelens.FramingClassifier())]).fit(TEXTS, LABELS)
    assert list(pipeline.classes_) == ["counter-hegemony", "neutral-report", "western-concern"]


def test_split_sentences_drops_boilerplate_as_the_cli_does():
    from framelens.schema import Article
    from framelens.sentences import article_sentences, split_sentences

    text = "The treaty was signed on Friday. It runs for 20 years.\nAdvertisement\nShare this article\nBy John Smith\n"
    assert framelens.split_sentences(text) == ["The treaty was signed on Friday.", "It runs for 20 years."]
    assert [s.text for s in article_sentences(Article("a", "o", text))] == framelens.split_sentences(text)
    assert len(split_sentences(text)) == 5  # Punkt alone keeps the three boilerplate lines


def test_predict_articles_yields_dicts_and_to_dataframe(capsys):
    Path("articles").mkdir()
    Path("articles/a.txt").write_text("The treaty was signed on Friday. Critics see a threat.\n", "utf-8")
    records = list(framelens.predict_articles("articles/"))
    assert [r["sentence_index"] for r in records] == [0, 1]
    assert sorted(records[0]) == ["article_id", "confidence", "date", "label", "model", "outlet", "probabilities",
                                  "sentence_index", "text"]
    shipped = json.loads((REPO / "model" / "card.json").read_text("utf-8"))["artifact_sha256"]
    assert records[0]["model"] == records[1]["model"] == shipped[:16]
    frame = framelens.to_dataframe(records)
    assert list(frame.columns) == ["article_id", "outlet", "sentence_index", "text", "label", "confidence", "date",
                                   "model", "p_counter-hegemony", "p_neutral-report", "p_western-concern"]
    assert frame["text"].tolist() == ["The treaty was signed on Friday.", "Critics see a threat."]


def test_to_dataframe_without_pandas_names_the_extra(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ModuleNotFoundError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(framelens.errors.MissingDependencyError) as error:
        framelens.to_dataframe([])
    assert str(error.value) == "pandas is not installed; install it with: pip install 'framelens[pandas]'"


def test_the_readme_python_section_runs(capsys):
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("### Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    Path("articles").mkdir()
    Path("articles/a.txt").write_text("Sanctions have failed to isolate Moscow. The treaty runs for 20 years.\n",
                                      "utf-8")
    exec(compile(code, "README.md", "exec"), {})  # the README's own example, run as written
    assert capsys.readouterr().out.splitlines() == [
        "['counter-hegemony', 'neutral-report', 'western-concern']",
        "2 sentences; first: counter-hegemony",
        "['pro-tariff']",
    ]
