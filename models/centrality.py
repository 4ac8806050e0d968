"""Sentence centrality over a similarity matrix: undirected degree and PacSum's directed variant.

A central sentence is one that many other sentences resemble. Zheng & Lapata (2019, "Sentence
Centrality Revisited for Unsupervised Summarization") observed that in written prose what a
sentence *announces* (similarity to the sentences after it) matters more than what it *repeats*
(similarity to the sentences before it), and made the graph directed: edges to later sentences add
to a sentence's centrality, edges to earlier ones are weighted separately (usually subtracted).
Both variants keep only edges above a per-document threshold, so that the many weak similarities
of a long document do not drown the few strong ones.

PacSum *sums* the edges on each side. In a long essay that sum is dominated by how many sentences
lie on each side, not by how similar they are: the first sentences always "announce" the most, and
a 600-sentence text is summarised from its opening alone. ``aggregate="mean"`` averages each side
instead, so a sentence ranks high when it resembles what follows it more than what precedes it —
the opening of a topic wherever it occurs (measured in reports/summarization.md).
"""

from __future__ import annotations

import numpy as np


def edge_weights(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """Edges of the sentence graph: ``max(0, sim - t)`` with ``t = min + threshold * (max - min)``.

    ``min``/``max`` are over the off-diagonal similarities of this document, so ``threshold`` is a
    relative cut (0 keeps every edge, 1 keeps none) that means the same in short and long texts.
    The diagonal (a sentence's similarity to itself) is always 0.
    """
    sim = np.asarray(similarity, dtype=np.float64)
    if sim.ndim != 2 or sim.shape[0] != sim.shape[1]:
        raise ValueError(f"similarity must be a square matrix, got shape {sim.shape}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    n = sim.shape[0]
    if n < 2:
        return np.zeros_like(sim)
    off_diagonal = sim[~np.eye(n, dtype=bool)]
    low, high = float(off_diagonal.min()), float(off_diagonal.max())
    cut = low + threshold * (high - low)
    edges = np.clip(sim - cut, 0.0, None)
    np.fill_diagonal(edges, 0.0)
    return edges


def directed_centrality(
    similarity: np.ndarray, threshold: float, earlier_weight: float, aggregate: str = "sum"
) -> np.ndarray:
    """``later(i) - earlier_weight * earlier(i)`` over the thresholded edges of sentence ``i``.

    ``later``/``earlier`` are the sum (PacSum) or the mean (``aggregate="mean"``) of the edges to the
    sentences after/before ``i``; a side with no sentences counts 0. ``earlier_weight = -1`` with
    sums is plain degree centrality (every edge counts the same); positive values penalise
    sentences that mostly echo what came before.
    """
    if aggregate not in ("sum", "mean"):
        raise ValueError(f"aggregate must be 'sum' or 'mean', got {aggregate!r}")
    edges = edge_weights(similarity, threshold)
    later = np.triu(edges, k=1).sum(axis=1)
    earlier = np.tril(edges, k=-1).sum(axis=1)
    if aggregate == "mean":
        n = edges.shape[0]
        position = np.arange(n)
        later = later / np.maximum(n - 1 - position, 1)
        earlier = earlier / np.maximum(position, 1)
    return later - earlier_weight * earlier


def position_prior(n: int, shape: str = "hyperbolic") -> np.ndarray:
    """A lead bias in (0, 1] for sentence ``i`` of ``n``.

    ``hyperbolic``: ``1 / (1 + i)`` — a bonus for the opening sentences that does not depend on the
    document's length, so sentence 300 of a long essay is not ranked down for being late.
    ``linear``: ``1 - i / n`` — relative position, which pushes the whole second half of any text down.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    index = np.arange(n, dtype=np.float64)
    if shape == "hyperbolic":
        return 1.0 / (1.0 + index)
    if shape == "linear":
        return 1.0 - index / max(n, 1)
    raise ValueError(f"shape must be 'hyperbolic' or 'linear', got {shape!r}")


def rescale(values: np.ndarray) -> np.ndarray:
    """Min-max rescale to [0, 1] (all zeros when every value is the same)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return values
    low, span = float(values.min()), float(np.ptp(values))
    return np.zeros_like(values) if span <= 1e-12 else (values - low) / span
