"""Your own story: a codebook drives everything, a tariff project end to end, the round trip, consistent CLI."""
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from framelens.cli import main
from framelens.codebook import Codebook, read_codebook, shipped_codebook
from framelens.errors import CodebookError, LabelError
from framelens.labels import read_labels
from framelens.project import EXAMPLE

from .conftest import REPO, write_labels

# The small label set the README's walkthrough uses (framelens init's example codebook).
TARIFF_ROWS = [
    ("t1", "Ledger", "The tariffs will protect American steelworkers from unfair competition.", "pro-tariff"),
    ("t1", "Ledger", "Supporters say the duties revive mills and save jobs.", "pro-tariff"),
    ("t1", "Ledger", "The 25 percent tariff takes effect on March 12.", "neutral"),
    ("t1", "Ledger", "Economists warn consumers will face higher prices.", "anti-tariff"),
    ("t2", "Courier", "Canada announced retaliation against American farm goods.", "anti-tariff"),
    ("t2", "Courier", "Exporters fear a trade war will hurt their sales.", "anti-tariff"),
    ("t2", "Courier", "The order covers steel and aluminium imports.", "neutral"),
    ("t2", "Courier", "The White House said the duties defend national security.", "pro-tariff"),
    ("t3", "Gazette", "The commerce department published the list on Monday.", "neutral"),
    ("t3", "Gazette", "Carmakers say the costs will be passed on to buyers.", "anti-tariff"),
    ("t3", "Gazette", "Union leaders praised a level playing field for workers.", "pro-tariff"),
    ("t3", "Gazette", "Officials said the rate applies to all countries.", "neutral"),
]
TARIFF_ARTICLE = ("Steel duties begin\n\nThe tariff on imported steel begins on Monday. Union leaders say it will "
                  "protect jobs in the mills. Importers warn of higher prices and retaliation from trading partners.\n"
                  "Share this article\n")
SHIPPED_NAMES = ("western-concern", "counter-hegemony", "neutral-report")


@pytest.fixture
def project(capsys, monkeypatch):
    """framelens init tariffs, with the walkthrough's labels and two articles; cwd is the project."""
    assert main(["init", "tariffs"]) == 0
    capsys.readouterr()
    monkeypatch.chdir("tariffs")
    write_labels(Path("labels/labels.csv"), TARIFF_ROWS, header=("article_id", "outlet", "text", "label"))
    Path("articles").mkdir()
    Path("articles/ledger.txt").write_text(TARIFF_ARTICLE, "utf-8")
    Path("articles/courier.txt").write_text("Canada promised retaliation. The duty is 25 percent.\n", "utf-8")
    return Path(".")


# 1. The codebook ---------------------------------------------------------------------------------------


def test_shipped_codebook_is_written_from_the_guide():
    codebook = shipped_codebook()
    assert codebook.names == SHIPPED_NAMES and codebook.no_frame == "neutral-report"
    assert codebook.colours == {"western-concern": "#D55E00", "counter-hegemony": "#0072B2",
                                "neutral-report": "#999999"}
    assert "western hegemony" in codebook.signals["counter-hegemony"]
    assert "neutral-report" not in codebook.signals
    assert codebook.frame("neutral-report").examples == (
        "The treaty runs for 20 years and covers trade, energy and transport.",)


def test_colours_default_to_okabe_ito_in_order_and_round_trip_through_as_dict():
    codebook = Codebook.from_names(["a", "b", "c"])
    assert codebook.colours == {"a": "#0072B2", "b": "#D55E00", "c": "#009E73"}
    again = Codebook.from_dict(EXAMPLE.as_dict())
    assert again.names == ("pro-tariff", "anti-tariff", "neutral") and again.signals == EXAMPLE.signals


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[frames]]\nname = "a"\n', "{f}: only 1 label(s) (a); a label set needs at least two"),
        ('[[frames]]\nname = "a"\n[[frames]]\nname = "a"\n', "{f}: frame 'a' is defined twice; keep one"),
        ('no_frame = "z"\n[[frames]]\nname = "a"\n[[frames]]\nname = "b"\n',
         "{f}: no_frame = 'z' is not one of the frames (a, b); fix the name"),
        ('[[frames]]\nname = "a b"\n[[frames]]\nname = "c"\n',
         "{f}: frame name 'a b' has a space or comma; use e.g. 'a-b'"),
        ('[[frames]]\nname = "a"\ncolour = "red"\n[[frames]]\nname = "b"\n',
         "{f}: frame 'a': colour 'red' is not #RRGGBB"),
        ('[[frames]]\nname = "a"\nsignal = ["x"]\n[[frames]]\nname = "b"\n',
         "{f}: frame 1 has an unknown key 'signal'; the keys are name, definition, signals, examples, colour"),
        ('[[frames]]\nname = "a"\nsignals = "x"\n[[frames]]\nname = "b"\n',
         "{f}: frame 'a': signals must be a list of strings, e.g. signals = [\"...\"]"),
        ('[[frames]\nname = "a"\n', ("{f}: not valid TOML (Expected ']]' at the end of an array declaration "
                                     "(at line 1, column 9)); fix that line")),
    ],
    ids=["one-frame", "twice", "no-frame", "space", "colour", "unknown-key", "signals-type", "toml"],
)
def test_codebook_errors_name_the_file_and_the_fix(text, message):
    Path("codebook.toml").write_text(text, "utf-8")
    with pytest.raises(CodebookError) as error:
        read_codebook("codebook.toml")
    assert str(error.value) == message.format(f="codebook.toml")


def test_codebook_validates_labels_and_sets_their_order(project):
    labels = read_labels(["labels"])
    assert labels.labels == ("pro-tariff", "anti-tariff", "neutral")
    assert labels.codebook.source == str(Path("labels/codebook.toml"))
    write_labels(Path("labels/more.csv"), [("t9", "", "Tariffs are bad.", "anti-tarif")])
    with pytest.raises(LabelError) as error:
        read_labels(["labels"])
    assert str(error.value) == (f"{Path('labels/more.csv')}, row 2: label 'anti-tarif' is not in the declared set "
                                "(anti-tariff, neutral, pro-tariff); did you mean 'anti-tariff'?")


def test_init_writes_a_starter_project_and_never_overwrites(capsys):
    assert main(["init", "p", "--frames", "hawk,dove,none", "--story", "Rates"]) == 0
    assert capsys.readouterr().err == (
        "framelens: wrote p/labels/codebook.toml, p/labels/labels.csv, p/README.md; next: edit the codebook, then "
        "cd p && framelens label ARTICLES --into labels/labels.csv\n")
    codebook = read_codebook("p/labels/codebook.toml")
    assert (codebook.names, codebook.story) == (("hawk", "dove", "none"), "Rates")
    assert Path("p/labels/labels.csv").read_text("utf-8") == "article_id,outlet,text,label,source,note\n"
    assert "framelens train labels/" in Path("p/README.md").read_text("utf-8")
    assert main(["init", "p"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: p/labels/codebook.toml: already exists; framelens init never overwrites, choose a new DIR\n")


# The walkthrough: init → label → train → evaluate → report, with no trace of the shipped frames ----------


def test_own_story_end_to_end(project, monkeypatch, capsys, placeholder_figures):
    # label: the codebook gives the keys and, on ?, the definitions
    monkeypatch.setattr(sys, "stdin", io.StringIO("?\n1\nq\n"))
    assert main(["label", "articles", "--into", "labels/labels.csv", "--every", "50"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "1 pro-tariff  2 anti-tariff  3 neutral  s skip  b boilerplate  u undo  ? help  q quit"
    assert "Tariffs on imported steel" in out
    assert f"  1 pro-tariff: {EXAMPLE.frames[0].definition}" in out
    assert out[-1].startswith("stopped: 1 answers this session (pro-tariff 1) are in labels/labels.csv")

    assert main(["train", "labels/"]) == 0
    capsys.readouterr()
    card_text = Path("model/card.json").read_text("utf-8")
    card = json.loads(card_text)
    assert card["labels"] == ["anti-tariff", "neutral", "pro-tariff"]
    assert [f["name"] for f in card["extra"]["codebook"]["frames"]] == ["pro-tariff", "anti-tariff", "neutral"]
    # no trace of the shipped frames: not in the card, not among the model's features
    for name in (*SHIPPED_NAMES, "hegemony"):
        assert name not in card_text
    from framelens.model_store import load_model

    features = list(load_model().pipeline.named_steps["features"].get_feature_names_out())
    assert [f for f in features if "signals:" in f] == [
        "lexicon__signals:pro-tariff", "lexicon__signals:anti-tariff"]

    assert main(["evaluate", "labels/", "--out", "evaluation", "--no-curve"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "scheme                 macro-F1 [95% CI]      majority  lexicon   Brier T=1 → T  log-loss T=1 → T"
    baselines = json.loads(Path("evaluation/evaluation.json").read_text("utf-8"))["schemes"][0]["baselines"]
    assert sorted(baselines) == ["lexicon", "majority"]

    assert main(["report", "articles", "--out", "report", "--jobs", "1"]) == 0
    report = json.loads(Path("report/report.json").read_text("utf-8"))
    assert report["frames"] == ["anti-tariff", "neutral", "pro-tariff"]
    assert {frame: entry["color"] for frame, entry in report["codebook"].items()} == {
        "anti-tariff": "#D55E00", "neutral": "#009E73", "pro-tariff": "#0072B2"}
    assert report["codebook"]["pro-tariff"]["definition"] != ""


def test_a_codebook_without_signals_has_no_lexicon_features_or_baseline(project, capsys, placeholder_figures):
    Path("labels/codebook.toml").write_text(
        "".join(f'[[frames]]\nname = "{name}"\n' for name in ("pro-tariff", "anti-tariff", "neutral")), "utf-8")
    assert main(["evaluate", "labels/", "--out", "ev", "--no-curve"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "scheme                 macro-F1 [95% CI]      majority   Brier T=1 → T  log-loss T=1 → T")
    assert sorted(json.loads(Path("ev/evaluation.json").read_text("utf-8"))["schemes"][0]["baselines"]) == [
        "majority"]
    assert main(["train", "labels/"]) == 0
    from framelens.model_store import load_model

    steps = dict(load_model().pipeline.named_steps["features"].transformer_list)
    assert sorted(steps) == ["char", "word"]


# 3. The round trip ---------------------------------------------------------------------------------------


def test_corrected_predictions_go_back_into_train_and_import_labels(project, capsys):
    assert main(["train", "labels/"]) == 0
    assert main(["predict", "articles", "--out", "predictions.csv", "--quiet", "--jobs", "1"]) == 0
    with open("predictions.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["label"] = "neutral"  # corrected by hand
    with open("predictions.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    capsys.readouterr()
    assert main(["import-labels", "predictions.csv", "--into", "labels/labels.csv"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"imported {len(rows)} rows into labels/labels.csv; 0 not imported")
    labelled = read_labels(["labels"])
    assert labelled.rows[-len(rows)].sentence == rows[0]["text"] and labelled.rows[-len(rows)].label == "neutral"
    # a predictions file is itself a labels file for train
    Path("corrected").mkdir()
    Path("predictions.csv").rename("corrected/predictions.csv")
    Path("labels/codebook.toml").rename("corrected/codebook.toml")
    assert main(["train", "corrected", "--model", "m2"]) == 0


def test_labels_without_article_id_warn_that_cv_cannot_be_grouped(capsys):
    write_labels(Path("flat.csv"), [(row[2], row[3]) for row in TARIFF_ROWS], header=("sentence", "label"))
    assert main(["train", "flat.csv", "--model", "m"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "framelens: warning: flat.csv: 12 of 12 rows have no article_id, so cross-validation cannot be grouped by "
        "article for them (each counts as its own article); add an article_id column naming each sentence's article")


# 2. The installed model, and 4. a consistent command line -------------------------------------------------


def test_load_model_works_from_an_empty_directory_and_says_how_to_train_one():
    import framelens
    from framelens.errors import ModelMissingError

    model = framelens.load_model()
    assert model.classes == ["counter-hegemony", "neutral-report", "western-concern"]
    assert model.card.extra["codebook"]["frames"][0]["colour"] == "#D55E00"
    with pytest.raises(ModelMissingError) as error:
        framelens.load_model("mine")
    assert str(error.value) == ("mine: no trained model here; train one with: framelens train LABELS.csv --model mine "
                                "(LABELS.csv: your labelled sentences; start a project with: framelens init DIR)")


HELP_COMMANDS = [[], ["predict"], ["train"], ["label"], ["report"], ["evaluate"], ["init"]]


@pytest.fixture(scope="module")
def heavy_after_help() -> dict[str, str]:
    """Per command: the heavy libraries imported once its --help was printed, in one fresh interpreter.

    The commands run one after another; a library imported by one command's --help stays
    imported, so it shows from that command on.
    """
    code = ("import contextlib, io, json, sys\nfrom framelens.cli import main\nheavy = {}\n"
            "for command in json.loads(sys.argv[1]):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n            main([*command, '--help'])\n"
            "        except SystemExit as e:\n            assert e.code == 0, (command, e.code)\n"
            "    heavy[' '.join(command)] = str(sorted(m for m in ('sklearn', 'numpy', 'scipy', 'matplotlib', "
            "'nltk', 'joblib') if m in sys.modules))\n"
            "print(json.dumps(heavy))")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(HELP_COMMANDS)], check=False, capture_output=True,
                          text=True, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("command", HELP_COMMANDS)
def test_help_imports_no_heavy_library(heavy_after_help, command):
    assert heavy_after_help[" ".join(command)] == "[]"


def test_python_dash_m_framelens():
    done = subprocess.run([sys.executable, "-m", "framelens", "--version"], check=False, capture_output=True,
                          text=True, env={"PYTHONPATH": str(REPO), "PATH": ""})
    assert (done.returncode, done.stdout) == (0, "framelens 0.1.0\n")


@pytest.mark.parametrize("command", [["label", "--into", "x.csv"], ["suggest", "--out", "s.csv"], ["predict"]])
def test_commands_that_read_articles_require_an_input(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(command)
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("error: the following arguments are required: INPUT")
