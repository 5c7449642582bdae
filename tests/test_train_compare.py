"""framelens train says what changed since the previous model, keeps it in previous/, and --rollback restores it."""
import json
from pathlib import Path

import pytest

from framelens.calibration import softmax
from framelens.cli import main
from framelens.model import ModelCard
from framelens.persistence import load_model

from .conftest import write_labels

MORE = [
    ("a4", "Daily", "Western officials warned the pact threatens Europe.", "western-concern"),
    ("a4", "Daily", "Tehran said the treaty ends the era of US dominance.", "counter-hegemony"),
    ("a4", "Daily", "The document was published on Saturday.", "neutral-report"),
    ("a4", "Daily", "Analysts fear drones will flow to the front.", "western-concern"),
]


def card(path):
    return json.loads(Path(path).read_text("utf-8"))


def test_second_training_compares_with_the_first_and_rollback_restores_it(tiny_labels, capsys):
    assert main(["train", str(tiny_labels), "--model", "m"]) == 0
    assert "compared with" not in capsys.readouterr().out
    more = write_labels(Path("labels/more.csv"), MORE)
    assert main(["train", str(tiny_labels), str(more), "--model", "m"]) == 0
    out, err = capsys.readouterr()
    old, new = card("m/previous/card.json"), card("m/card.json")
    assert (old["n_sentences"], new["n_sentences"]) == (12, 16)
    f1 = {label: (old["cv"]["per_class"][label]["f1"], new["cv"]["per_class"][label]["f1"]) for label in new["labels"]}

    def change(before, after):
        delta = f"{after - before:+.3f}".replace("-", "−")
        return f"{before:.3f} → {after:.3f} ({delta})"

    assert out.splitlines()[-6:] == [
        f"compared with the previous model (trained {old['created']}):",
        "  sentences 12 → 16 (counter-hegemony +1, neutral-report +1, western-concern +2)",
        f"  macro-F1 {change(old['cv']['macro_f1_mean'], new['cv']['macro_f1_mean'])}",
        f"  counter-hegemony  F1 {change(*f1['counter-hegemony'])}",
        f"  neutral-report    F1 {change(*f1['neutral-report'])}",
        f"  western-concern   F1 {change(*f1['western-concern'])}",
    ]
    assert err.splitlines()[-1] == (
        "framelens: the previous model is in m/previous/; put it back with: framelens train --rollback --model m"
    )

    assert main(["train", "--rollback", "--model", "m"]) == 0
    assert capsys.readouterr().err == (
        f"framelens: rolled back m/ to the model trained {old['created']} on 12 sentences "
        f"(macro-F1 {old['cv']['macro_f1_mean']:.3f}); the replaced one is in m/previous/ "
        "(--rollback again swaps them back)\n"
    )
    assert card("m/card.json") == old and card("m/previous/card.json") == new
    assert load_model("m").card.n_sentences == 12  # the restored pair passes the integrity check
    assert main(["train", "--rollback", "--model", "m"]) == 0
    assert card("m/card.json") == new


def test_comparison_without_cross_validation(tmp_path, capsys):
    one_article = write_labels(tmp_path / "one.csv", [("a", "", "One.", "pro"), ("a", "", "Two.", "con")])
    assert main(["train", str(one_article), "--model", "m"]) == 0
    two = write_labels(tmp_path / "two.csv", [("b", "", "Three.", "pro"), ("b", "", "Four.", "con")])
    assert main(["train", str(one_article), str(two), "--model", "m"]) == 0
    assert card("m/previous/card.json")["calibration"] is None  # one article: no CV, no temperature
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "cross-validation: skipped (labels need at least two articles that are not authored)",
        "calibration: none (it needs cross-validation); probabilities are the logistic regression's own",
    ]
    assert out[-3:] == [
        f"compared with the previous model (trained {card('m/previous/card.json')['created']}):",
        "  sentences 2 → 4 (con +1, pro +1)",
        "  macro-F1: no cross-validation for the previous model, nothing to compare",
    ]


def test_rollback_without_a_previous_model(tiny_model, capsys):
    assert main(["train", "--rollback", "--model", "m"]) == 2
    assert capsys.readouterr().err == "framelens: error: m/previous: no previous model to roll back to\n"
    assert card("m/card.json")["n_sentences"] == 12


def test_the_card_keeps_the_calibration_and_predict_proba_uses_it(tiny_labels, capsys):
    assert main(["train", str(tiny_labels), "--model", "m"]) == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "calibration: temperature 0.428, fitted on 12 out-of-fold sentences from 3 held-out articles:",
        "  Brier 0.625 → 0.597, log-loss 1.042 → 1.015",
        ("  share error per article (mean, rmse): counter-hegemony -0.013, 0.191; neutral-report +0.043, 0.175; "
        "western-concern -0.029, 0.205"),
    ]
    saved = card("m/card.json")["calibration"]
    assert saved == {
        "method": "temperature", "temperature": 0.4281,
        "fitted_on": "12 out-of-fold sentences from 3 held-out articles",
        "brier": {"before": 0.6249, "after": 0.5971}, "log_loss": {"before": 1.0419, "after": 1.0151},
        "share_error": {"counter-hegemony": {"articles": 3, "mean": -0.0131, "rmse": 0.1908, "systematic_sd": 0.0},
                        "neutral-report": {"articles": 3, "mean": 0.0426, "rmse": 0.1751, "systematic_sd": 0.0},
                        "western-concern": {"articles": 3, "mean": -0.0295, "rmse": 0.2052, "systematic_sd": 0.0}},
    }
    model = load_model("m")
    assert (model.card.calibration, model.temperature) == (saved, 0.4281)
    assert sorted(model.card.extra) == ["codebook", "splitter"]
    assert model.card.extra["splitter"]["parameters"] == "shipped"
    sentences = ["Putin hailed the pact as a blow to Western hegemony.", "The treaty has 47 articles."]
    raw, calibrated = model.raw_predict_proba(sentences), model.predict_proba(sentences)
    logits = model.pipeline.decision_function(sentences)
    assert raw == pytest.approx(softmax(logits))
    assert calibrated == pytest.approx(softmax(logits / 0.4281))
    assert (calibrated.argmax(axis=1) == raw.argmax(axis=1)).all() and (calibrated.max(axis=1) > raw.max(axis=1)).all()
    assert model.predict_proba([]).shape == (0, 3)
    old = {k: v for k, v in card("m/card.json").items() if k not in ("calibration", "extra")}
    without = ModelCard.from_dict(old)
    assert (without.calibration, without.extra) == (None, {})  # a card written before calibration existed
