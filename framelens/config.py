"""Every default framelens uses, in one place.

Modules take a :class:`Config` (or the single values they need) as arguments;
nothing reads a global. Paths are not part of the config: they are arguments.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class ModelSettings:
    """Settings of the TF-IDF + logistic-regression pipeline."""

    # Word n-grams carry the framing phrases ("western hegemony", "raises concerns").
    word_ngram_range: tuple[int, int] = (1, 2)
    # Character n-grams within word boundaries help on unseen inflections and names.
    char_ngram_range: tuple[int, int] | None = (2, 5)
    sublinear_tf: bool = True
    min_df: int = 1
    # Digits are folded to 0 so "47 articles" and "55 billion" share features.
    normalise_numbers: bool = True
    # Counts of the codebook's signal phrases as extra features (lexicon.py), when it has any.
    lexicon_features: bool = True
    C: float = 1.0
    class_weight: str | None = "balanced"
    max_iter: int = 5000

    def as_dict(self) -> dict:
        """JSON-ready form (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, values: dict) -> ModelSettings:
        """Inverse of :meth:`as_dict`; unknown keys are ignored."""
        known = {f for f in cls.__dataclass_fields__}
        clean: dict[str, Any] = {}
        for key, value in values.items():
            if key in known:
                clean[key] = tuple(value) if isinstance(value, list) else value
        return cls(**clean)


@dataclass(frozen=True)
class Config:
    """Defaults for every step; override with :func:`dataclasses.replace`."""

    model: ModelSettings = field(default_factory=ModelSettings)
    # Cross-validation
    cv_folds: int = 5
    random_state: int = 0
    # Text input
    encoding: str = "utf-8"
    manifest_name: str = "outlets.csv"
    # Input limits, so a gzip bomb or a runaway record cannot take all memory
    # (--max-input-bytes, --max-article-chars, --max-paragraph-chars raise them).
    # Bytes read from one input file after decompression:
    max_input_bytes: int = 4 << 30
    # An article longer than this is skipped with a warning (about 300 pages):
    max_article_chars: int = 1_000_000
    # The sentence splitter never sees a paragraph longer than this; its article is skipped:
    max_paragraph_chars: int = 100_000
    # Prediction: sentences classified per predict_proba call. 1000 keeps each
    # process's transient feature matrices ~17 MB smaller than 2000, at no measurable cost.
    chunk_sentences: int = 1000
    # Punkt parameters: "shipped" (framelens/data, same split everywhere) or
    # "installed" (nltk's punkt_tab, only when asked for).
    splitter: str = "shipped"
    # Articles per task sent to a worker process or Dask worker; tasks in flight
    # per worker are bounded so memory does not grow with the corpus.
    chunk_articles: int = 200
    tasks_in_flight_per_worker: int = 2
    # Seconds to wait for a remote Dask scheduler (--scheduler) before giving up.
    dask_connect_timeout: float = 10.0
    # Report
    bootstrap_samples: int = 2000
    interval_level: float = 0.95
    # Fewer articles than this: the outlet's articles are not resampled and no test uses it.
    min_articles_to_resample: int = 3
    permutations: int = 1999
    # Size of the classifier's share error (sd) when the model card has no held-out measure of it.
    default_share_error_sd: float = 0.10
    # Bounded samples and sketches, so the report's memory does not grow with the corpus.
    browser_sentences: int = 2000
    strip_articles: int = 60
    kwic_lines: int = 200
    keyness_terms_per_outlet: int = 4000
    keyness_threshold: float = 1.96
    # Keyness figures for this many outlets (those with the most sentences); the table lists all.
    keyness_figures: int = 8
    findings_max: int = 5
    pairwise_in_page: int = 10
    time_outlets: int = 8
    time_bootstrap_samples: int = 500
    warn_macro_f1_below: float = 0.6
    warn_class_count_below: int = 20
    exemplars_per_cell: int = 3
    distinctive_terms: int = 15
    # Weighted log-odds (Monroe, Colaresi & Quinn 2008): total pseudo-count of the
    # informative Dirichlet prior, spread over terms by their corpus frequency.
    log_odds_prior_size: float = 500.0
    top_model_terms: int = 12
    # framelens explain: terms shown per frame.
    explain_terms: int = 8
    # Labelling loop
    retrain_every: int = 10
    # Active learning: pick = (1 - margin) - weight * max cosine similarity to what is
    # already labelled or picked, so near-identical sentences do not come in a row.
    diversity_weight: float = 0.5
    suggest_count: int = 50
    session_source: str = "label-session"
    import_source: str = "import"
    # Audit: TF-IDF cosine similarity at or above this is a near duplicate.
    near_duplicate_similarity: float = 0.9

    def with_model(self, **changes) -> Config:
        """A copy with some model settings changed."""
        return replace(self, model=replace(self.model, **changes))


DEFAULT_CONFIG = Config()
