"""Active-learning order: least certain first, near-identical sentences apart, labelled sentences excluded."""
import numpy as np

from framelens.active import candidates_from_articles, rank_candidates, uncertainty
from framelens.schema import Article


class FixedModel:
    """A stand-in model whose probabilities are looked up by sentence."""

    def __init__(self, proba):
        self.proba = proba

    def predict_proba(self, texts):
        return np.array([self.proba[text] for text in texts])


ARTICLE = Article("a1", "Wire", "\n".join([
    "Sanctions have failed to isolate Moscow.",
    "The treaty has 47 articles.",
    "Drones were supplied to the front.",
    "Drones were supplied to the front line.",
    "Europe voiced alarm.",
]))


def texts(candidates):
    return [candidate.sentence.text for candidate in candidates]


def test_candidates_skip_labelled_sentences_and_keep_context():
    candidates = candidates_from_articles([ARTICLE, ARTICLE], {"the treaty has 47 articles."}, split=False)
    assert texts(candidates) == ["Sanctions have failed to isolate Moscow.", "Drones were supplied to the front.",
                                 "Drones were supplied to the front line.", "Europe voiced alarm."]
    assert (candidates[1].before, candidates[1].after, candidates[1].article_length) == (
        "The treaty has 47 articles.", "Drones were supplied to the front line.", 5)


def test_least_certain_first_and_near_identical_apart():
    candidates = candidates_from_articles([ARTICLE], set(), split=False)
    model = FixedModel({
        "Sanctions have failed to isolate Moscow.": [0.9, 0.1],
        "The treaty has 47 articles.": [0.7, 0.3],
        "Drones were supplied to the front.": [0.5, 0.5],
        "Drones were supplied to the front line.": [0.52, 0.48],
        "Europe voiced alarm.": [0.6, 0.4],
    })
    assert np.allclose(uncertainty(model, texts(candidates)), [0.2, 0.6, 1.0, 0.96, 0.8])
    assert texts(rank_candidates(candidates, model, diversity_weight=0.0)) == [
        "Drones were supplied to the front.", "Drones were supplied to the front line.", "Europe voiced alarm.",
        "The treaty has 47 articles.", "Sanctions have failed to isolate Moscow."]
    # With the diversity penalty (cosine 0.66 × 0.5) the near-copy no longer comes right after its twin.
    assert texts(rank_candidates(candidates, model, limit=3)) == [
        "Drones were supplied to the front.", "Europe voiced alarm.", "Drones were supplied to the front line."]


def test_without_a_model_similarity_to_labelled_sentences_pushes_down():
    candidates = candidates_from_articles([ARTICLE], set(), split=False)
    ranked = rank_candidates(candidates, None, labelled_texts=["Sanctions failed to isolate Moscow."])
    assert texts(ranked)[0] == "The treaty has 47 articles."
    assert texts(ranked)[-1] == "Sanctions have failed to isolate Moscow."
