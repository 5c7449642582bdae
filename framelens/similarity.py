"""TF-IDF cosine similarity between sentences (diversity in active learning, near duplicates in the audit).

Word unigrams and bigrams without English stop words: two sentences that say
the same thing with other punctuation or case score 1.0.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer


def sentence_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows, one per text, so a dot product is the cosine similarity."""
    if not texts:
        return sparse.csr_matrix((0, 0))
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), stop_words="english", sublinear_tf=True)
    try:
        return vectorizer.fit_transform(list(texts)).tocsr()
    except ValueError:  # only stop words or no words at all: nothing is similar
        return sparse.csr_matrix((len(texts), 1))


def similar_pairs(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j)`` with ``i < j`` whose cosine similarity is at least ``threshold``."""
    vectors = sentence_vectors(texts)
    if vectors.shape[0] < 2:
        return []
    product = sparse.triu(vectors @ vectors.T, k=1).tocoo()
    pairs = [
        (int(i), int(j), float(v))
        for i, j, v in zip(product.row, product.col, product.data, strict=True)
        if v >= threshold - 1e-9
    ]
    return sorted(pairs)


def max_similarity(vectors: sparse.csr_matrix, to: sparse.csr_matrix) -> np.ndarray:
    """For each row of ``vectors``, its highest cosine similarity to any row of ``to`` (0 when ``to`` is empty)."""
    if to.shape[0] == 0 or vectors.shape[0] == 0:
        return np.zeros(vectors.shape[0])
    return np.asarray((vectors @ to.T).max(axis=1).todense()).ravel()
