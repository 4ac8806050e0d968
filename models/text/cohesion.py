"""Lexical cohesion statistics over character n-grams: TextTiling and headline fit.

Chinese has no spaces, and word segmentation of OCR'd text is unreliable, so vocabulary is compared
through character unigrams and bigrams: two stretches about the same thing share bigrams such as
``乡村`` ``建设`` ``治理`` ``证照``; unrelated stretches share little beyond function characters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from operator import add

from wenzhai.models.text.chars import is_punct


class _Breaks(dict):
    """``str.translate`` table: punctuation, symbols and spaces → a space, every other character → itself.

    Filled on first sight of each character, so a page's text is not classified character by
    character again for every line and sentence read.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = value = " " if ch.isspace() or is_punct(ch) else ch
        return value


_BREAKS = _Breaks()


def _runs(text: str) -> list[str]:
    """The stretches of ``text`` between punctuation, symbols and spaces (where bigrams stop)."""
    return text.translate(_BREAKS).split()


def char_grams(text: str) -> Counter[str]:
    """Character unigrams and bigrams of ``text``; punctuation and spaces break bigrams."""
    grams: Counter[str] = Counter()
    for run in _runs(text):
        grams.update(run)
        grams.update(map(add, run, run[1:]))
    return grams


def bigrams(text: str) -> Counter[str]:
    """Only the bigrams of `char_grams` (the unit TextTiling compares)."""
    grams: Counter[str] = Counter()
    for run in _runs(text):
        grams.update(map(add, run, run[1:]))
    return grams


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two count vectors (0 when either is empty)."""
    if len(a) > len(b):
        a, b = b, a
    dot = sum(n * b[g] for g, n in a.items() if g in b)
    norm = math.sqrt(sum(n * n for n in a.values()) * sum(n * n for n in b.values()))
    return dot / norm if norm else 0.0


def cohesion_scores(profiles: Sequence[Counter[str]], window: int) -> list[float]:
    """Cosine across each of the ``len(profiles) - 1`` gaps between sums of ``window`` profiles a side."""
    scores = []
    for gap in range(1, len(profiles)):
        left: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for p in profiles[max(0, gap - window):gap]:
            left.update(p)
        for p in profiles[gap:gap + window]:
            right.update(p)
        scores.append(cosine(left, right))
    return scores


def depth_scores(scores: Sequence[float]) -> list[float]:
    """TextTiling depth: how far each score lies below the peaks reached climbing left and right."""
    depths = []
    for i, s in enumerate(scores):
        left = s
        for j in range(i - 1, -1, -1):
            if scores[j] < left:
                break
            left = scores[j]
        right = s
        for j in range(i + 1, len(scores)):
            if scores[j] < right:
                break
            right = scores[j]
        depths.append((left - s) + (right - s))
    return depths


def topic_cuts(
    texts: Sequence[str], window: int, min_depth: float, max_similarity: float, min_chars: int
) -> dict[int, float]:
    """Topic boundaries of a run of paragraphs: ``{index of the paragraph after the gap: strength}``.

    Divisive TextTiling. A gap qualifies when its cohesion dips deep enough (depth >= ``min_depth``:
    a relative drop, what separates the parts of one essay) or when the windows on its two sides
    share almost nothing (cosine <= ``max_similarity``: what separates unrelated short items, where
    there are too few gaps for a dip to show). Its strength is how many times over the more
    convincing of the two thresholds it is (>= 1 qualifies). The strongest qualifying gap whose cut
    leaves at least ``min_chars`` characters on both sides is cut; then each side is searched again
    with windows that stay on that side. So a strong boundary cannot cast "shadow" dips beside
    itself (windows straddling it), which makes one-pass TextTiling over-split next to a real
    article boundary.
    """
    profiles = [bigrams(t) for t in texts]
    before = [0]  # before[k]: characters in texts[:k]
    for t in texts:
        before.append(before[-1] + len(t))
    cuts: dict[int, float] = {}
    stack = [(0, len(texts))]
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2:
            continue
        scores = cohesion_scores(profiles[lo:hi], window)
        best, gap = 0.0, 0
        for k, (score, depth) in enumerate(zip(scores, depth_scores(scores), strict=True), start=1):
            if before[lo + k] - before[lo] < min_chars or before[hi] - before[lo + k] < min_chars:
                continue
            strength = max(
                depth / min_depth if min_depth > 0 else math.inf,
                max_similarity / score if score > 0 else math.inf,
            )
            if strength > best:
                best, gap = strength, lo + k
        if best >= 1.0:
            cuts[gap] = best
            stack += [(lo, gap), (gap, hi)]
    return cuts


class HeadingFit:
    """How well a headline fits a text: the IDF-weighted share of its unigrams and bigrams found there.

    IDF is taken over the page's own paragraphs, so characters found everywhere on the page (``的``,
    ``是``, or ``千万工程`` on a page full of it) weigh little, and what distinguishes one article
    from the others weighs most.
    """

    def __init__(self, texts: Sequence[str], grams: Sequence[Counter[str]] | None = None) -> None:
        """``grams``: the `char_grams` of ``texts`` when the caller has them already."""
        df: Counter[str] = Counter()
        for counts in grams if grams is not None else (char_grams(t) for t in texts):
            df.update(counts.keys())
        n = len(texts)
        self.idf = {g: math.log((n + 1) / (d + 1)) for g, d in df.items()}
        self.unseen = math.log(n + 1)
        # the same stretches are compared with every headline, and each headline with many stretches
        self._grams: dict[str, frozenset[str]] = {}
        self._weights: dict[str, dict[str, float]] = {}

    def _present(self, text: str) -> frozenset[str]:
        if text not in self._grams:
            self._grams[text] = frozenset(char_grams(text))
        return self._grams[text]

    def __call__(self, heading: str, text: str) -> float:
        return self.against(heading, self._present(text))

    def against(self, heading: str, present: set[str] | frozenset[str]) -> float:
        """The fit of ``heading`` to a text given as the set of its unigrams and bigrams."""
        if heading not in self._weights:
            self._weights[heading] = {g: self.idf.get(g, self.unseen) for g in char_grams(heading)}
        weights = self._weights[heading]
        total = sum(weights.values())
        return sum(w for g, w in weights.items() if g in present) / total if total else 0.0
