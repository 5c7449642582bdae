"""Statistics for the report: shares with bootstrap intervals, corrected shares,
chi-square tests, weighted log-odds of wording, phrase rates. No drawing, no I/O.

Every random draw comes from a ``numpy.random.Generator`` seeded by the caller, so
the same input and seed give the same numbers.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.stats import chi2_contingency


@dataclass(frozen=True)
class ShareInterval:
    """A share with its bootstrap interval and what was resampled."""

    share: float
    low: float
    high: float
    resampled: str  # "articles" or "sentences"


def shares(counts: Sequence[float]) -> list[float]:
    """Counts → proportions (all zero when there is nothing)."""
    total = float(sum(counts))
    return [c / total if total else 0.0 for c in counts]


def bootstrap_shares(
    article_counts: np.ndarray, rng: np.random.Generator, samples: int, level: float = 0.95
) -> list[ShareInterval]:
    """Frame shares of one outlet with percentile intervals.

    ``article_counts`` is articles × frames (sentence counts). Articles are
    resampled, since sentences of one article are not independent; an outlet
    with a single article can only be resampled by sentence, and says so.
    """
    article_counts = np.asarray(article_counts, dtype=float)
    point = shares(article_counts.sum(axis=0))
    if article_counts.shape[0] >= 2:
        picks = rng.integers(0, article_counts.shape[0], size=(samples, article_counts.shape[0]))
        totals = article_counts[picks].sum(axis=1)
        resampled = "articles"
    else:
        counts = article_counts[0].astype(int)
        n = int(counts.sum())
        if n == 0:
            return [ShareInterval(0.0, 0.0, 0.0, "sentences") for _ in point]
        totals = rng.multinomial(n, np.array(point), size=samples).astype(float)
        resampled = "sentences"
    sums = totals.sum(axis=1, keepdims=True)
    boot = np.divide(totals, sums, out=np.zeros_like(totals), where=sums > 0)
    tail = (1 - level) / 2 * 100
    low = np.percentile(boot, tail, axis=0)
    high = np.percentile(boot, 100 - tail, axis=0)
    return [ShareInterval(round(float(p), 4), round(float(lo), 4), round(float(hi), 4), resampled)
            for p, lo, hi in zip(point, low, high)]


def adjusted_shares(observed: Sequence[float], confusion: Sequence[Sequence[float]]) -> list[float]:
    """Adjusted classify-and-count: undo the classifier's known confusion.

    With M[i][j] = P(predicted j | true i) from the cross-validated confusion
    matrix, observed predicted shares q satisfy q = Mᵀ p; p is solved by least
    squares, clipped to [0, 1] and renormalised to sum to 1.
    """
    matrix = np.asarray(confusion, dtype=float)
    rows = matrix.sum(axis=1, keepdims=True)
    rates = np.divide(matrix, rows, out=np.eye(len(matrix)), where=rows > 0)
    solution, *_ = np.linalg.lstsq(rates.T, np.asarray(observed, dtype=float), rcond=None)
    solution = np.clip(solution, 0, 1)
    total = solution.sum()
    return [round(float(v), 4) for v in (solution / total if total else solution)]


@dataclass(frozen=True)
class ChiSquare:
    """Test of independence between outlet and frame."""

    chi2: float
    dof: int
    p_value: float
    cramers_v: float
    n: int


def chi_square(table: np.ndarray) -> ChiSquare | None:
    """Chi-square of an outlet × frame count table (empty rows/columns dropped); None if untestable."""
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return None
    chi2, p_value, dof, _ = chi2_contingency(table, correction=False)
    n = int(table.sum())
    v = math.sqrt(chi2 / (n * (min(table.shape) - 1)))
    return ChiSquare(round(float(chi2), 4), int(dof), float(f"{p_value:.6g}"), round(v, 4), n)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values (same order as given)."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [0.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def pairwise_contrasts(table: np.ndarray, outlets: Sequence[str]) -> list[dict]:
    """Chi-square for every pair of outlets, Holm-corrected across pairs."""
    pairs = []
    for i in range(len(outlets)):
        for j in range(i + 1, len(outlets)):
            result = chi_square(np.asarray(table)[[i, j]])
            if result is not None:
                pairs.append({"outlets": [outlets[i], outlets[j]], "chi2": result.chi2, "dof": result.dof,
                              "p_value": result.p_value, "cramers_v": result.cramers_v})
    for pair, adjusted in zip(pairs, holm([p["p_value"] for p in pairs])):
        pair["p_holm"] = float(f"{adjusted:.6g}")
    return pairs


def log_odds_dirichlet(
    counts: dict[str, Counter], prior_size: float = 500.0, top: int = 15
) -> dict[str, list[dict]]:
    """Weighted log-odds ratios with an informative Dirichlet prior (Monroe et al. 2008).

    For each group (outlet) against all others: δ = log((yᵢ+αw)/(nᵢ+α₀−yᵢ−αw)) −
    log((yⱼ+αw)/(nⱼ+α₀−yⱼ−αw)), var ≈ 1/(yᵢ+αw) + 1/(yⱼ+αw), z = δ/√var, where the
    prior αw is ``prior_size`` spread by each term's share of the whole corpus.
    Returns, per group, the ``top`` terms with the largest positive z.
    """
    total = Counter()
    for group_counts in counts.values():
        total.update(group_counts)
    corpus_size = sum(total.values())
    result: dict[str, list[dict]] = {}
    for group, group_counts in counts.items():
        n_group = sum(group_counts.values())
        n_rest = corpus_size - n_group
        scored = []
        for term, count_all in total.items():
            alpha = prior_size * count_all / corpus_size
            y_group = group_counts.get(term, 0)
            y_rest = count_all - y_group
            delta = math.log((y_group + alpha) / (n_group + prior_size - y_group - alpha)) - math.log(
                (y_rest + alpha) / (n_rest + prior_size - y_rest - alpha)
            )
            z = delta / math.sqrt(1 / (y_group + alpha) + 1 / (y_rest + alpha))
            scored.append((z, term, y_group))
        scored.sort(key=lambda item: (-item[0], item[1]))
        result[group] = [{"term": term, "z": round(z, 3), "count": count}
                         for z, term, count in scored[:top] if z > 0 and count > 0]
    return result


_WORD = re.compile(r"\w+(?:[-']\w+)*")


def word_count(text: str) -> int:
    """Words in a text (letters/digits, hyphenated and apostrophe forms count once)."""
    return len(_WORD.findall(text))


def phrase_occurrences(text: str, phrase: str) -> int:
    """Case-insensitive whole-word occurrences of ``phrase`` in ``text``."""
    words = r"\W+".join(re.escape(part) for part in phrase.split())
    return len(re.findall(rf"(?<!\w){words}(?!\w)", text, flags=re.IGNORECASE))


def per_thousand(count: int, words: int) -> float:
    """Rate per 1,000 words."""
    return round(1000 * count / words, 3) if words else 0.0
