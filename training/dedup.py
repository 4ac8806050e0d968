"""Near-duplicate detection by character 5-gram Jaccard similarity.

Chinese has no spaces, so character n-grams ("shingles") are the natural unit: two segments that
share most of their 5-grams are the same text with small edits (a reworded sentence, OCR noise,
different digits). Comparing every pair is quadratic, so candidates come from MinHash
locality-sensitive hashing and every candidate is then verified with the exact Jaccard, so the
result never depends on hash luck for pairs it reports (only, very rarely, for pairs it misses at
similarities near the threshold).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

SHINGLE_SIZE = 5
_PRIME = 4_294_967_311  # smallest prime above 2**32: the universal-hash modulus
_MAX_HASH = np.uint64(_PRIME)


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    """Character ``size``-grams of ``text`` with all whitespace removed.

    A text shorter than ``size`` is its own single shingle, so short strings still compare equal
    to themselves and to nothing else.
    """
    compact = "".join(text.split())
    if len(compact) <= size:
        return frozenset([compact]) if compact else frozenset()
    return frozenset(compact[i : i + size] for i in range(len(compact) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 when both are empty."""
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / min(|a|, |b|): near 1.0 when the shorter text sits inside the longer one."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass(frozen=True)
class DuplicatePair:
    """``later`` (an index into the input) nearly duplicates the earlier ``kept`` one."""

    kept: int
    later: int
    similarity: float


class MinHasher:
    """MinHash signatures with ``num_perm`` universal hash functions, fixed by ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1998) -> None:
        rng = np.random.default_rng(seed)
        # a < 2**31 and x < 2**32 keep a*x + b below 2**64: no overflow in uint64 arithmetic.
        self.a = rng.integers(1, 2**31, size=num_perm, dtype=np.uint64)
        self.b = rng.integers(0, 2**31, size=num_perm, dtype=np.uint64)
        self.num_perm = num_perm

    def signature(self, grams: Iterable[str]) -> np.ndarray:
        values = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64)
        if values.size == 0:
            return np.full(self.num_perm, _MAX_HASH, dtype=np.uint64)
        hashed = (values[:, None] * self.a[None, :] + self.b[None, :]) % _MAX_HASH
        return hashed.min(axis=0)


def find_near_duplicates(
    texts: Sequence[str],
    threshold: float,
    *,
    bands: int = 32,
    seed: int = 1998,
) -> list[DuplicatePair]:
    """Pairs whose 5-gram Jaccard is ≥ ``threshold``; each later text is reported once.

    The first occurrence is kept; each later text is paired with the earliest kept text it
    duplicates (texts already found to be duplicates are not used as anchors, so a chain
    A≈B≈C with A≉C keeps A and C only when C is not itself close to A — the usual "drop later
    duplicates" rule). ``bands`` × rows-per-band = 128 permutations; 32 bands of 4 rows catch
    pairs above roughly 0.45 similarity with high probability, which suits thresholds ≥ 0.5.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    hasher = MinHasher(num_perm=128, seed=seed)
    rows_per_band = hasher.num_perm // bands
    grams = [shingles(t) for t in texts]
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    dropped: set[int] = set()
    pairs: list[DuplicatePair] = []
    for idx, g in enumerate(grams):
        sig = hasher.signature(g)
        keys = [
            (band, sig[band * rows_per_band : (band + 1) * rows_per_band].tobytes()) for band in range(bands)
        ]
        candidates = sorted({other for key in keys for other in buckets.get(key, ())})
        best: DuplicatePair | None = None
        for other in candidates:
            sim = jaccard(g, grams[other])
            if sim >= threshold:
                best = DuplicatePair(kept=other, later=idx, similarity=sim)
                break
        if best is not None:
            pairs.append(best)
            dropped.add(idx)
            continue
        for key in keys:
            buckets[key].append(idx)
    return pairs


class ShingleIndex:
    """Inverted index from 5-gram to texts, for exact overlap queries against a small fixed set.

    Used to compare many texts against a few (the dev set, a validation split) without MinHash:
    every text sharing at least one shingle is scored exactly.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.grams = [shingles(t) for t in texts]
        self._postings: dict[str, list[int]] = defaultdict(list)
        for idx, g in enumerate(self.grams):
            for gram in g:
                self._postings[gram].append(idx)

    def overlaps(self, text: str) -> list[tuple[int, float, float]]:
        """``(index, jaccard, containment)`` for every indexed text sharing a shingle with ``text``."""
        g = shingles(text)
        shared: dict[int, int] = defaultdict(int)
        for gram in g:
            for idx in self._postings.get(gram, ()):
                shared[idx] += 1
        out = []
        for idx, inter in sorted(shared.items()):
            other = self.grams[idx]
            union = len(g) + len(other) - inter
            out.append((idx, inter / union, inter / min(len(g), len(other))))
        return out
