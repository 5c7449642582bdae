"""Sentence splitting: nltk Punkt with the shipped parameters, no download."""
import hashlib
import importlib.metadata
from pathlib import Path

import pytest

import framelens
from framelens import split_sentences
from framelens.errors import SplitterError
from framelens.sentences import (
    SentenceSplitter,
    learn_parameters,
    load_parameters,
    parameters_from_dict,
    parameters_to_dict,
    shipped_abbreviations,
    splitter_origin,
    text_blocks,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. and the U.K. condemned the deal. Iran rejected the criticism.",
         ["The U.S. and the U.K. condemned the deal.", "Iran rejected the criticism."]),
        ("The treaty was signed on Jan. 17 in Moscow. It runs for 20 years.",
         ["The treaty was signed on Jan. 17 in Moscow.", "It runs for 20 years."]),
        ("Mr. Putin met Gen. Bagheri on Friday. They discussed drones.",
         ["Mr. Putin met Gen. Bagheri on Friday.", "They discussed drones."]),
        ("Sanctions were imposed by the U.S. Treasury. The E.U. followed.",
         ["Sanctions were imposed by the U.S. Treasury.", "The E.U. followed."]),
        ("He arrived at 5 p.m. on Monday. The talks began.",
         ["He arrived at 5 p.m. on Monday.", "The talks began."]),
    ],
    ids=["countries", "month", "titles", "org-before-name", "time"],
)
def test_abbreviations_do_not_end_sentences(text, expected):
    assert split_sentences(text) == expected


def test_initials_stay_with_the_name():
    text = "The deal was welcomed by J. R. Smith of the institute. He called it historic."
    assert split_sentences(text) == [
        "The deal was welcomed by J. R. Smith of the institute.",
        "He called it historic.",
    ]


def test_quotations_end_after_the_closing_quote():
    text = '"This is a new chapter," Pezeshkian said. "We will not be isolated." Lavrov agreed.'
    assert split_sentences(text) == [
        '"This is a new chapter," Pezeshkian said.',
        '"We will not be isolated."',
        "Lavrov agreed.",
    ]
    curly = "He said: “The pact is not directed against anyone.” Western officials disagreed."
    assert split_sentences(curly) == [
        "He said: “The pact is not directed against anyone.”",
        "Western officials disagreed.",
    ]


def test_numbers_do_not_end_sentences():
    text = "Trade reached $1.5 billion last year. Iran ranks No. 2 among buyers. The figure rose 4.2 percent."
    assert split_sentences(text) == [
        "Trade reached $1.5 billion last year.",
        "Iran ranks No. 2 among buyers.",
        "The figure rose 4.2 percent.",
    ]


def test_headings_without_final_punctuation_are_sentences():
    text = "Energy and Trade Boost\nThe agreement covers gas. It also covers oil.\n\nWestern Concerns Over Destabilization\nCritics object."
    assert split_sentences(text) == [
        "Energy and Trade Boost",
        "The agreement covers gas.",
        "It also covers oil.",
        "Western Concerns Over Destabilization",
        "Critics object.",
    ]


def test_hard_wrapped_lines_are_joined():
    text = "Russia and Iran signed a treaty that\nruns for twenty years. It has 47\narticles."
    assert text_blocks(text) == ["Russia and Iran signed a treaty that runs for twenty years. It has 47 articles."]
    assert split_sentences(text) == ["Russia and Iran signed a treaty that runs for twenty years.", "It has 47 articles."]


def _fake_punkt_tab(monkeypatch, abbreviations=("xyz",)):
    from nltk.tokenize.punkt import PunktParameters

    installed = PunktParameters()
    installed.abbrev_types = set(abbreviations)
    monkeypatch.setattr("framelens.sentences.installed_punkt_tab", lambda language="english": installed)


def test_shipped_parameters_are_the_default_even_when_punkt_tab_is_installed(monkeypatch):
    _fake_punkt_tab(monkeypatch)
    params = load_parameters()
    assert {"u.s", "u.k", "jan", "mr", "gen", "no"} <= params.abbrev_types
    assert "xyz" not in params.abbrev_types
    assert SentenceSplitter().origin == "shipped"


def test_installed_punkt_tab_only_on_request_and_gets_the_abbreviations(monkeypatch):
    _fake_punkt_tab(monkeypatch)
    params = load_parameters("installed")
    assert "xyz" in params.abbrev_types and "u.s" in params.abbrev_types
    assert SentenceSplitter(source="installed").origin == "installed"


def test_requesting_a_missing_punkt_tab_is_a_named_error(monkeypatch):
    monkeypatch.setattr("framelens.sentences.installed_punkt_tab", lambda language="english": None)
    monkeypatch.setattr("framelens.sentences.installed_punkt_tab_dir", lambda language="english": None)
    message = ("nltk punkt_tab (english) is not installed; run: python -m nltk.downloader punkt_tab, "
               "or use the shipped splitter parameters (splitter='shipped')")
    with pytest.raises(SplitterError) as error:
        load_parameters("installed")
    assert str(error.value) == message
    with pytest.raises(SplitterError) as error:
        splitter_origin("installed")
    assert str(error.value) == message


def test_unknown_parameter_source_is_a_named_error():
    with pytest.raises(SplitterError) as error:
        load_parameters("downloaded")
    assert str(error.value) == "unknown splitter parameters 'downloaded'; use one of: shipped, installed"


def _digest(*contents: bytes) -> str:
    digest = hashlib.sha256()
    for content in contents:
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def test_splitter_origin_names_the_shipped_files_by_hash():
    data = Path(framelens.__file__).parent / "data"
    origin = splitter_origin()
    assert origin == {
        "splitter": "punkt",
        "parameters": "shipped",
        "sha256": _digest((data / "punkt_params.json").read_bytes(), (data / "abbreviations.txt").read_bytes()),
        "nltk": importlib.metadata.version("nltk"),
    }


def test_splitter_origin_of_an_installed_punkt_tab_hashes_its_files(monkeypatch, tmp_path):
    tab = tmp_path / "punkt_tab" / "english"
    tab.mkdir(parents=True)
    (tab / "abbrev_types.txt").write_text("xyz\n", "utf-8")
    (tab / "sent_starters.txt").write_text("however\n", "utf-8")
    monkeypatch.setattr("framelens.sentences.installed_punkt_tab_dir", lambda language="english": tab)
    data = Path(framelens.__file__).parent / "data"
    origin = splitter_origin("installed")
    assert origin["parameters"] == "installed"
    assert origin["sha256"] == _digest(b"xyz\n", b"however\n", (data / "abbreviations.txt").read_bytes())
    assert origin["sha256"] != splitter_origin()["sha256"]


def test_trainer_parameters_round_trip_through_json():
    params = learn_parameters(["Dr. Smith arrived. He spoke. Dr. Jones left. He stayed."], {"gen"})
    again = parameters_from_dict(parameters_to_dict(params))
    assert again.abbrev_types == params.abbrev_types
    assert again.sent_starters == params.sent_starters
    assert dict(again.ortho_context) == dict(params.ortho_context)
    assert SentenceSplitter(again).split("Gen. Smith arrived. He spoke.") == ["Gen. Smith arrived.", "He spoke."]


def test_abbreviation_list_has_no_final_periods():
    assert all(not abbreviation.endswith(".") for abbreviation in shipped_abbreviations())
