"""Statistics for the report: frame shares with intervals that include the classifier's own errors,
article-level permutation tests, weighted log-odds of wording, phrase rates. No drawing, no I/O.

The unit of inference is the article: sentences of one article are not independent, so
intervals resample articles and tests permute outlet labels across articles. Every random
draw comes from a ``numpy.random.Generator`` seeded by the caller, so the same input and
seed give the same numbers.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import DEFAULT_CONFIG

# Resampling B × articles at once would hold B·k·frames floats; blocks of this many
# replicates keep memory flat for outlets with thousands of articles.
_REPLICATE_BLOCK = 250
# Permutation tests draw blocks of permutations holding about this many numbers at once.
_BLOCK_VALUES = 2_000_000
# A permuted statistic this close (relative) to the observed one counts as a tie: the same
# split summed in another order can differ in the last bits.
_TIE = 1e-9


@dataclass(frozen=True)
class ShareInterval:
    """One outlet's share of one frame: the estimate and its interval."""

    share: float
    low: float
    high: float


def share_intervals(
    sentences: np.ndarray,
    probability_sums: np.ndarray,
    probability_variances: np.ndarray,
    error_sd: Sequence[float],
    rng: np.random.Generator,
    *,
    samples: int,
    level: float = DEFAULT_CONFIG.interval_level,
    resample_articles: bool = True,
    error_articles: int | None = None,
) -> list[ShareInterval]:
    """Calibrated frame shares of one outlet with intervals for sampling and classification error.

    ``sentences`` holds each article's sentence count, ``probability_sums`` (articles ×
    frames) the sums of its sentences' calibrated probabilities p and
    ``probability_variances`` the sums of p(1 − p). The estimate is the outlet's mean
    calibrated probability per frame. Each bootstrap replicate

    1. resamples the outlet's articles with replacement (when ``resample_articles``; an
       outlet with too few articles keeps its own, and the interval then speaks only
       for those articles);
    2. adds what drawing every sentence's frame from its calibrated probabilities would
       add: a normal deviate with the variance of that sum of independent draws,
       Σ p(1 − p), over the replicate's sentences;
    3. adds a shared error per frame with scale ``error_sd[frame]``: the part of the
       classifier's share error on held-out articles that independent sentence draws do
       not explain (errors that run through a whole outlet, such as an unfamiliar style).
       That scale was estimated from ``error_articles`` held-out articles, so the error is
       drawn from Student's t with that many degrees of freedom (normal when unknown):
       a scale measured on five articles is itself uncertain, and the interval says so.

    Percentile intervals, clipped to [0, 1]. A frame no sentence was given still has a
    positive upper bound, since calibrated probabilities are never exactly zero.
    """
    sentences = np.asarray(sentences, dtype=np.int64)
    sums = np.asarray(probability_sums, dtype=float)
    variances = np.asarray(probability_variances, dtype=float)
    total = int(sentences.sum())
    frames = sums.shape[1]
    if total == 0:
        return [ShareInterval(0.0, 0.0, 1.0) for _ in range(frames)]
    point = sums.sum(axis=0) / total
    error = np.asarray(error_sd, dtype=float)
    replicates = np.empty((samples, frames))
    done = 0
    while done < samples:
        block = min(_REPLICATE_BLOCK, samples - done)
        if resample_articles and len(sentences) > 1:
            picks = rng.integers(0, len(sentences), size=(block, len(sentences)))
            # How often each replicate drew each article; sums over the draws are then one matrix product.
            drawn = np.bincount((picks + len(sentences) * np.arange(block)[:, None]).ravel(),
                                minlength=block * len(sentences)).reshape(block, len(sentences)).astype(float)
            n = np.maximum(drawn @ sentences, 1)[:, None]
            share = drawn @ sums / n
            spread_of_draws = np.sqrt(drawn @ variances) / n
        else:
            share = np.tile(point, (block, 1))
            spread_of_draws = np.tile(np.sqrt(variances.sum(axis=0)) / total, (block, 1))
        share = share + rng.normal(0.0, 1.0, size=share.shape) * spread_of_draws
        spread = (rng.standard_t(error_articles, size=share.shape) if error_articles
                  else rng.normal(0.0, 1.0, size=share.shape))
        share += spread * error
        replicates[done : done + block] = share
        done += block
    replicates = np.clip(replicates, 0.0, 1.0)
    tail = (1 - level) / 2 * 100
    low = np.percentile(replicates, tail, axis=0)
    high = np.percentile(replicates, 100 - tail, axis=0)
    return [
        ShareInterval(round(float(p), 4), round(float(min(lo, p)), 4), round(float(max(hi, p)), 4))
        for p, lo, hi in zip(point, low, high, strict=True)
    ]


@dataclass(frozen=True)
class PermutationTest:
    """Do frame shares differ between outlets, with the article as the unit?"""

    statistic: float
    p_value: float
    permutations: int
    articles: int
    outlets: int


def _outlet_sums(article_shares: np.ndarray, labels: np.ndarray, outlets: int) -> np.ndarray:
    """Each outlet's sum of article shares under each labelling: (labellings, outlets, frames).

    ``labels`` is a block of labellings (labellings × articles); one bincount over
    (labelling, outlet) cells per frame gives every group sum at once.
    """
    rows = labels.shape[0]
    cells = (labels + outlets * np.arange(rows)[:, None]).ravel()
    return np.stack([np.bincount(cells, weights=np.tile(article_shares[:, k], rows), minlength=rows * outlets)
                     for k in range(article_shares.shape[1])], axis=-1).reshape(rows, outlets, -1)


def _block_rows(permutations: int, width: int) -> int:
    """How many permutations to draw at once so a block holds about _BLOCK_VALUES numbers."""
    return max(1, min(permutations, _BLOCK_VALUES // max(width, 1)))


def permutation_tests(
    article_shares: np.ndarray, outlet_index: np.ndarray, names: Sequence[str], rng: np.random.Generator,
    permutations: int,
) -> tuple[PermutationTest | None, list[dict]]:
    """The test of outlet × frame and a test of every pair of outlets, from the same permutations.

    ``article_shares`` is articles × frames (each article's calibrated frame shares),
    ``outlet_index`` the outlet number (into ``names``) of each article. A permutation
    shuffles the outlet labels across all articles, keeping each outlet's size. The overall
    statistic is the between-outlet spread of article shares (a PERMANOVA with Euclidean
    distance); that of pair (a, b) is n_a·n_b/(n_a + n_b)·‖mean_a − mean_b‖², whose null
    scale does not depend on the outlets' sizes. p = (1 + #{permuted ≥ observed}) /
    (1 + permutations). A pair's adjusted p is Westfall and Young's single-step max-T: the
    same count against the largest pairwise statistic of each permutation. It controls the
    family-wise error over all pairs, and its smallest value is 1/(1 + permutations) however
    many pairs there are (Holm's correction of 780 pairs, 40 outlets, could not go below
    780/2000 = 0.39 with 1,999 permutations). None and no pairs with fewer than two outlets.
    """
    values = np.asarray(article_shares, dtype=float)
    labels = np.asarray(outlet_index)
    outlets = len(names)
    if outlets < 2 or len(labels) == 0:
        return None, []
    sizes = np.bincount(labels, minlength=outlets)
    first, second = np.triu_indices(outlets, k=1)
    weight = sizes[first] * sizes[second] / np.maximum(sizes[first] + sizes[second], 1)
    grand = values.mean(axis=0)

    def statistics(sums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        means = sums / np.maximum(sizes, 1)[None, :, None]
        spread = np.sum(sizes[None, :, None] * (means - grand) ** 2, axis=(1, 2))
        return spread, weight * np.sum((means[:, first] - means[:, second]) ** 2, axis=-1)

    spreads, pairs = statistics(_outlet_sums(values, labels[None, :], outlets))
    observed, observed_pairs = float(spreads[0]), pairs[0]
    # A permuted statistic this close to the observed one is the same split (see _TIE).
    reach = observed - _TIE * max(observed, 1.0)
    reach_pairs = observed_pairs - _TIE * np.maximum(observed_pairs, 1.0)
    exceed, exceed_pairs, exceed_largest = 0, np.zeros(len(first), dtype=np.int64), np.zeros(len(first), dtype=np.int64)
    done = 0
    while done < permutations:
        block = min(_block_rows(permutations, max(len(labels), len(first)) * values.shape[1]), permutations - done)
        shuffled = rng.permuted(np.broadcast_to(labels, (block, len(labels))), axis=1)
        spreads, pairs = statistics(_outlet_sums(values, shuffled, outlets))
        exceed += int(np.sum(spreads >= reach))
        exceed_pairs += np.sum(pairs >= reach_pairs, axis=0)
        exceed_largest += np.sum(pairs.max(axis=1)[:, None] >= reach_pairs, axis=0)
        done += block
    test = PermutationTest(statistic=round(observed, 6), p_value=round((1 + exceed) / (1 + permutations), 6),
                           permutations=permutations, articles=len(labels), outlets=outlets)
    pair_tests: list[dict[str, Any]] = [{
        "outlets": [names[int(a)], names[int(b)]],
        "statistic": round(float(statistic), 6),
        "p_value": round((1 + int(count)) / (1 + permutations), 6),
        "p_adjusted": round((1 + int(largest)) / (1 + permutations), 6),
        "articles": [int(sizes[a]), int(sizes[b])],
    } for a, b, statistic, count, largest in zip(first, second, observed_pairs, exceed_pairs, exceed_largest,
                                                 strict=True)]
    return test, pair_tests


def log_odds_dirichlet(
    counts: Mapping[str, Mapping[str, int]],
    prior_size: float = DEFAULT_CONFIG.log_odds_prior_size,
    top: int = DEFAULT_CONFIG.distinctive_terms,
    threshold: float = DEFAULT_CONFIG.keyness_threshold,
) -> dict[str, list[dict]]:
    """Weighted log-odds ratios with an informative Dirichlet prior (Monroe et al. 2008).

    For each group (outlet) against all others: δ = log((yᵢ+αw)/(nᵢ+α₀−yᵢ−αw)) −
    log((yⱼ+αw)/(nⱼ+α₀−yⱼ−αw)), var ≈ 1/(yᵢ+αw) + 1/(yⱼ+αw), z = δ/√var, where the
    prior αw is ``prior_size`` spread by each term's share of the whole corpus.
    Returns, per group, at most ``top`` terms whose z is above ``threshold``, strongest first.
    """
    total: Counter = Counter()
    for group_counts in counts.values():
        total.update(group_counts)
    corpus_size = sum(total.values())
    terms = list(total)
    index = {term: i for i, term in enumerate(terms)}
    count_all = np.fromiter(total.values(), dtype=float, count=len(terms))
    alpha = prior_size * count_all / corpus_size
    result: dict[str, list[dict]] = {}
    # One group at a time over the whole vocabulary as arrays: the same arithmetic, in the same
    # order, as term by term (memory: a few vectors of the vocabulary's length).
    for group, group_counts in counts.items():
        n_group = sum(group_counts.values())
        n_rest = corpus_size - n_group
        y_group = np.zeros(len(terms))
        y_group[np.fromiter(map(index.__getitem__, group_counts), dtype=np.intp, count=len(group_counts))] = \
            np.fromiter(group_counts.values(), dtype=float, count=len(group_counts))
        y_rest = count_all - y_group
        other_group = n_group + prior_size - y_group - alpha
        other_rest = n_rest + prior_size - y_rest - alpha
        # A term that is the whole vocabulary on one side has no odds to compare.
        comparable = (other_group > 0) & (other_rest > 0) & (y_group > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.log((y_group + alpha) / other_group) - np.log((y_rest + alpha) / other_rest)
            z = delta / np.sqrt(1 / (y_group + alpha) + 1 / (y_rest + alpha))
        scored = [(float(z[i]), terms[i], int(y_group[i]), int(y_rest[i]))
                  for i in np.flatnonzero(comparable & (z > threshold))]
        scored.sort(key=lambda item: (-item[0], item[1]))
        result[group] = [{"term": term, "z": round(z, 3), "count": count, "count_rest": rest}
                         for z, term, count, rest in scored[:top]]
    return result


_WORD = re.compile(r"\w+(?:[-']\w+)*")


def words_of(text: str) -> list[str]:
    """The words of a text (hyphenated and apostrophe forms kept whole)."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """Words in a text (letters/digits, hyphenated and apostrophe forms count once)."""
    return len(_WORD.findall(text))


def phrase_pattern(phrase: str) -> re.Pattern:
    """Case-insensitive whole-word pattern of ``phrase`` (any run of non-word characters between its words)."""
    words = r"\W+".join(re.escape(part) for part in phrase.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", flags=re.IGNORECASE)


def per_thousand(count: int, words: int) -> float:
    """Rate per 1,000 words."""
    return round(1000 * count / words, 3) if words else 0.0
