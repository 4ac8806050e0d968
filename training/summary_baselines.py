"""Baselines the summariser is compared with: Lead-k, TextRank and random sentences.

Each baseline takes the candidate sentences of a document (in document order) and a number of
sentences ``k`` and returns the chosen indices in document order, so every system is scored on
exactly the same sentence units.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np

from wenzhai.models.lexical_similarity import char_bigrams

__all__ = ["bigram_similarity", "char_bigrams", "lead", "random_pick", "textrank", "textrank_scores"]


def lead(sentences: Sequence[str], k: int) -> list[int]:
    """The first ``k`` sentences (the classic news baseline: editors put the key facts first)."""
    return list(range(min(k, len(sentences))))


def random_pick(sentences: Sequence[str], k: int, seed: int) -> list[int]:
    """``k`` sentences drawn uniformly without replacement (seeded, reproducible)."""
    rng = random.Random(seed)
    return sorted(rng.sample(range(len(sentences)), min(k, len(sentences))))


def bigram_similarity(a: set[str], b: set[str]) -> float:
    """TextRank's overlap similarity (Mihalcea & Tarau 2004) over character bigrams.

    ``|A ∩ B| / (log(|A| + 1) + log(|B| + 1))``: shared units, normalised by log length so long
    sentences are not favoured merely for being long.
    """
    shared = len(a & b)
    if shared == 0:
        return 0.0
    return shared / (math.log(len(a) + 1) + math.log(len(b) + 1))


def textrank_scores(sentences: Sequence[str], damping: float = 0.85) -> np.ndarray:
    """PageRank (networkx) over the weighted bigram-similarity graph of the sentences."""
    import networkx as nx

    n = len(sentences)
    grams = [char_bigrams(s) for s in sentences]
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i in range(n):
        for j in range(i + 1, n):
            weight = bigram_similarity(grams[i], grams[j])
            if weight > 0:
                graph.add_edge(i, j, weight=weight)
    if graph.number_of_edges() == 0:
        return np.full(n, 1.0 / max(n, 1))
    ranks = nx.pagerank(graph, alpha=damping, weight="weight")
    return np.array([ranks[i] for i in range(n)])


def textrank(sentences: Sequence[str], k: int) -> list[int]:
    """The ``k`` sentences with the highest TextRank (ties to the earlier sentence), in order."""
    scores = textrank_scores(sentences)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    return sorted(order[:k])
