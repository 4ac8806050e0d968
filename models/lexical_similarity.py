"""Character-bigram cosine similarity between sentences: the lexical signal of TextRank.

Sentence vectors from the encoder's lowest layers say that two sentences are *about* the same thing;
shared character bigrams say that they use the same *words* (names, terms, numbers), which is what
Chinese news headlines and human summaries reuse most. TextRank ranks sentences on that overlap alone.
`models.summarizer` mixes the two similarities (``SummarizerConfig.lexical_weight``).

The measure is the cosine of binary bigram vectors, ``|A ∩ B| / sqrt(|A| |B|)``: in [0, 1] and 1 on
the diagonal like the embedding cosine, so a weighted mean of the two stays on one scale.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from wenzhai.models.text.cohesion import bigrams


def char_bigrams(text: str) -> set[str]:
    """Distinct character bigrams of ``text``; punctuation and spaces break them.

    The same unit as the page segmenter's lexical cohesion (`models.text.cohesion.bigrams`), from
    the one function that reads character n-grams.
    """
    return set(bigrams(text))


def bigram_cosine(texts: Sequence[str]) -> np.ndarray:
    """``[n, n]`` cosine similarity of the texts' binary character-bigram vectors.

    A text without any bigram (one character, or punctuation only) is similar to nothing, itself
    included (its row is 0).
    """
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        for gram in char_bigrams(text):
            rows.append(row)
            cols.append(vocabulary.setdefault(gram, len(vocabulary)))
    n = len(texts)
    matrix = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, max(len(vocabulary), 1))
    )
    shared = (matrix @ matrix.T).toarray()
    sizes = np.sqrt(np.diag(shared))
    norm = np.outer(sizes, sizes)
    return np.divide(shared, norm, out=np.zeros_like(shared), where=norm > 0)
