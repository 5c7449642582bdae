"""framelens label: a piped session (undo, skip, boilerplate, retraining), resuming, and a session killed mid-way."""
import io
import json
import signal
import sys
import time
from pathlib import Path

import pytest

from framelens.cli import main
from framelens.codebook import read_codebook
from framelens.labels import read_label_rows, read_labels

from .conftest import REPO, ForkedCommand

WIRE = ("The treaty was signed in Moscow on Friday. Western capitals warned the pact could destabilise the region. "
        "Putin hailed the deal as a blow to Western hegemony.\n")
POST = ("Officials in Kyiv accused Tehran of arming Russia. The document runs for twenty years and covers energy. "
        "Tehran called it a new chapter free of pressure.\n")
ACCUSED = "Officials in Kyiv accused Tehran of arming Russia."
DOCUMENT = "The document runs for twenty years and covers energy."
CHAPTER = "Tehran called it a new chapter free of pressure."
CAPITALS = "Western capitals warned the pact could destabilise the region."
KEYS = "[1-3 s b u ? q]> "
# What `?` shows after the keys: the codebook beside labels/mine.csv (the shipped one, frames sorted).
_SHIPPED = read_codebook(REPO / "labels" / "codebook.toml")
SHIPPED_DEFINITIONS = [
    "The Russia–Iran comprehensive strategic partnership treaty (January 2025)",
    f"  1 counter-hegemony: {_SHIPPED.frame('counter-hegemony').definition}",
    "      e.g. \"Moscow and Tehran say the pact is another step toward a world no longer run from Washington.\"",
    f"  2 neutral-report: {_SHIPPED.frame('neutral-report').definition}",
    "      e.g. \"The treaty runs for 20 years and covers trade, energy and transport.\"",
    f"  3 western-concern: {_SHIPPED.frame('western-concern').definition}",
    "      e.g. \"The deal will deepen a military alignment that Western capitals see as a direct threat.\"",
]


@pytest.fixture
def corpus(tiny_model):
    """Two articles; two of their six sentences are already in labels/tiny.csv, which trained model m/."""
    Path("corpus").mkdir()
    Path("corpus/outlets.csv").write_text("file,outlet\nwire.txt,Wire Daily\npost.txt,Evening Post\n", "utf-8")
    Path("corpus/wire.txt").write_text(WIRE, "utf-8")
    Path("corpus/post.txt").write_text(POST, "utf-8")
    return Path("corpus")


def label(monkeypatch, answers, *options):
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{answer}\n" for answer in answers)))
    return main(["label", "corpus", "--into", "labels/mine.csv", "--model", "m", *options])


def screen(number, outlet, article, index, left, before, sentence, after):
    return ["", f"#{number}  {outlet}  ({article}, sentence {index} of 3; {left} left)",
            f"     {before}", f">>>  {sentence}", f"     {after}"]


def test_piped_session_transcript_and_file(corpus, monkeypatch, capsys):
    answers = ["u", "3", "x", "?", "1", "u", "2", "s", "b"]
    assert label(monkeypatch, answers, "--every", "2") == 0
    out = capsys.readouterr().out
    assert json.loads(Path("m/card.json").read_text("utf-8"))["cv"]["macro_f1_mean"] == 0.3704
    # Grouped CV over tiny.csv (3 articles) plus the session's answers so far (article post: 4 folds).
    # First retraining: ACCUSED western-concern, DOCUMENT counter-hegemony. Second: the undo withdrew
    # counter-hegemony, so DOCUMENT is neutral-report; the boilerplate answer is not trained on.
    first = "retrained on 14 sentences: grouped-CV macro-F1 0.417 ± 0.281 over 4 folds (was 0.370)"
    second = "retrained on 14 sentences: grouped-CV macro-F1 0.583 ± 0.281 over 4 folds (was 0.417)"
    document = screen(2, "Evening Post", "post", 2, 3, ACCUSED, DOCUMENT, CHAPTER)
    capitals = screen(3, "Wire Daily", "wire", 2, 2, "The treaty was signed in Moscow on Friday.", CAPITALS,
                      "Putin hailed the deal as a blow to Western hegemony.")
    assert out.splitlines() == [
        "4 unlabelled sentences; 12 already labelled (never shown again). Answers go to labels/mine.csv.",
        "1 counter-hegemony  2 neutral-report  3 western-concern  s skip  b boilerplate  u undo  ? help  q quit",
        *screen(1, "Evening Post", "post", 1, 4, "(start of article)", ACCUSED, DOCUMENT),
        KEYS + "u", "nothing to undo",
        KEYS + "3", "saved: western-concern (row 2)",
        *document,
        KEYS + "x", "unknown key 'x'; type ? for help",
        KEYS + "?",
        "keys:",
        "  1-3  the label with that number",
        "  s    skip: leave it unlabelled for now (a later session may show it again)",
        "  b    boilerplate: not content (navigation, byline, topic-only heading); never shown again",
        "  u    undo the last answer: an 'undo' row is appended and the sentence is shown again",
        "  ?    this help",
        "  q    quit (end of input too); every answer is already saved",
        *SHIPPED_DEFINITIONS,
        *document,
        KEYS + "1", "saved: counter-hegemony (row 3)",
        "retraining after 2 answers ...", first,
        *capitals,
        KEYS + "u", "undone: counter-hegemony (row 3 withdrawn by row 4)",
        *document,
        KEYS + "2", "saved: neutral-report (row 5)",
        *capitals,
        KEYS + "s", "skipped",
        *screen(4, "Evening Post", "post", 3, 1, DOCUMENT, CHAPTER, "(end of article)"),
        KEYS + "b", "saved: boilerplate (row 6)",
        "retraining after 2 answers ...", second,
        "no unlabelled sentences left in the input.",
        ("stopped: 3 answers this session (neutral-report 1, western-concern 1, boilerplate 1) are in "
        "labels/mine.csv; 1 skipped. Run the same command to go on."),
    ]
    assert Path("labels/mine.csv").read_text("utf-8").splitlines() == [
        "article_id,outlet,sentence,label,source,note",
        f"post,Evening Post,{ACCUSED},western-concern,label-session,",
        f"post,Evening Post,{DOCUMENT},counter-hegemony,label-session,",
        f"post,Evening Post,{DOCUMENT},undo,label-session,withdraws row 3",
        f"post,Evening Post,{DOCUMENT},neutral-report,label-session,",
        f"post,Evening Post,{CHAPTER},boilerplate,label-session,",
    ]
    # The undone answer no longer counts; boilerplate is left out of training.
    rows = read_labels(["labels/mine.csv"]).rows
    assert [(row.sentence, row.label) for row in rows] == [(ACCUSED, "western-concern"), (DOCUMENT, "neutral-report")]


def test_new_session_resumes_with_only_unlabelled_sentences(corpus, monkeypatch, capsys):
    assert label(monkeypatch, ["3", "2", "q"]) == 0
    capsys.readouterr()
    assert label(monkeypatch, ["1", "1", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2 unlabelled sentences; 14 already labelled (never shown again). Answers go to labels/mine.csv."
    assert [line[5:] for line in out if line.startswith(">>>  ")] == [CAPITALS, CHAPTER]
    assert out[-2:] == ["no unlabelled sentences left in the input.",
                        ("stopped: 2 answers this session (counter-hegemony 2) are in labels/mine.csv. "
                        "Run the same command to go on.")]
    assert [row.sentence for row in read_label_rows(Path("labels/mine.csv"))] == [ACCUSED, DOCUMENT, CAPITALS, CHAPTER]


def _data_rows(path: Path) -> int:
    return path.read_bytes().count(b"\n") - 1 if path.exists() else 0


def test_killed_session_leaves_a_valid_file_and_resumes(corpus, monkeypatch, capsys):
    labels_file = Path("labels/mine.csv")
    session = ForkedCommand(["label", "corpus", "--into", str(labels_file), "--model", "m"])
    try:
        for answered, key in enumerate(["3", "b"], start=1):
            session.send(f"{key}\n")
            deadline = time.monotonic() + 120  # a guard against hanging, not a timing check
            while _data_rows(labels_file) < answered:
                assert session.process.is_alive(), "the session ended before answering"
                assert time.monotonic() < deadline, "the answer was never written"
                time.sleep(0.02)
    finally:
        status = session.kill()  # the third sentence is on screen, unanswered
    assert status == -signal.SIGKILL
    assert labels_file.read_bytes().endswith(b"\n")
    killed = [(row.sentence, row.label) for row in read_label_rows(labels_file)]
    assert killed == [(ACCUSED, "western-concern"), (DOCUMENT, "boilerplate")]

    assert label(monkeypatch, ["2", "2", "2"]) == 0
    shown = [line[5:] for line in capsys.readouterr().out.splitlines() if line.startswith(">>>  ")]
    assert shown == [CAPITALS, CHAPTER]
    assert [row.sentence for row in read_label_rows(labels_file)] == [ACCUSED, DOCUMENT, CAPITALS, CHAPTER]


def test_cold_start_with_a_label_set_and_no_model(monkeypatch, capsys):
    Path("one.txt").write_text(POST, "utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\n2\n"))
    assert main(["label", "one.txt", "--into", "mine.csv", "--label-set", "pro,con", "--every", "2"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "1 pro  2 con  s skip  b boilerplate  u undo  ? help  q quit"
    # No model: diversity alone, so reading order first.
    assert [line[5:] for line in out if line.startswith(">>>  ")][:2] == [ACCUSED, DOCUMENT]
    assert "retrained on 2 sentences; grouped CV impossible with 1 article(s): it needs at least two" in out


@pytest.mark.parametrize(
    "options, message",
    [
        ([], ("mine.csv: no codebook.toml beside it and no model to take the label names from; start one with: "
             "framelens init DIR, or pass --label-set a,b,c")),
        (["--label-set", "pro,boilerplate"], ("--label-set: 'boilerplate' is reserved (the b key records boilerplate, "
                                             "undo withdraws rows); choose another label name")),
        (["--label-set", "pro"], "--label-set: only 1 label(s) (pro); a label set needs at least two"),
    ],
    ids=["no-label-names", "reserved", "one-label"],
)
def test_label_names_errors(monkeypatch, capsys, options, message):
    Path("one.txt").write_text(POST, "utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["label", "one.txt", "--into", "mine.csv", *options]) == 2
    assert capsys.readouterr().err == f"framelens: error: {message}\n"
    assert not Path("mine.csv").exists()
