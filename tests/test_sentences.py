"""Sentence splitting: nltk Punkt with the shipped parameters, no download."""
import pytest

from framelens import split_sentences
from framelens.sentences import (
    SentenceSplitter,
    learn_parameters,
    load_parameters,
    parameters_from_dict,
    parameters_to_dict,
    shipped_abbreviations,
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


def test_shipped_parameters_are_used_without_nltk_data(monkeypatch):
    monkeypatch.setattr("framelens.sentences.installed_punkt_tab", lambda language="english": None)
    params, origin = load_parameters()
    assert origin == "shipped"
    assert {"u.s", "u.k", "jan", "mr", "gen", "no"} <= params.abbrev_types


def test_installed_punkt_tab_is_preferred_and_gets_the_abbreviations(monkeypatch):
    from nltk.tokenize.punkt import PunktParameters

    installed = PunktParameters()
    installed.abbrev_types = {"xyz"}
    monkeypatch.setattr("framelens.sentences.installed_punkt_tab", lambda language="english": installed)
    params, origin = load_parameters()
    assert origin == "punkt_tab"
    assert "xyz" in params.abbrev_types and "u.s" in params.abbrev_types


def test_trainer_parameters_round_trip_through_json():
    params = learn_parameters(["Dr. Smith arrived. He spoke. Dr. Jones left. He stayed."], {"gen"})
    again = parameters_from_dict(parameters_to_dict(params))
    assert again.abbrev_types == params.abbrev_types
    assert again.sent_starters == params.sent_starters
    assert dict(again.ortho_context) == dict(params.ortho_context)
    assert SentenceSplitter(again).split("Gen. Smith arrived. He spoke.") == ["Gen. Smith arrived.", "He spoke."]


def test_abbreviation_list_has_no_final_periods():
    assert all(not abbreviation.endswith(".") for abbreviation in shipped_abbreviations())
