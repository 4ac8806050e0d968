"""Keep the dev set out of the training data.

The dev set (``../shared/dev/themes_dev.jsonl``) contains paragraphs of People's Daily January 1998,
the same corpus the weak labels read. Training on a dev paragraph, or on its neighbours in the same
article, would inflate every dev score. People's Daily has no article boundaries in the corpus, so
each matched line is excluded together with ``margin`` lines either side.

The ranges are computed once with the dev set at hand (``wenzhai data leakage``) and stored in
``configs/weak_labels.yaml`` as numbers only, so a user without the dev set rebuilds exactly the same
data; a test re-checks the built rows against the dev set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wenzhai.training.dedup import ShingleIndex

DEFAULT_MIN_CONTAINMENT = 0.5
DEFAULT_MIN_CHARS = 20  # shorter lines (bylines, datelines) share stock phrases with everything


@dataclass(frozen=True)
class DevMatch:
    """Corpus ``line`` (1-based) overlaps dev row ``dev_index`` with the given containment."""

    line: int
    dev_index: int
    containment: float


def find_dev_matches(
    lines: Sequence[str],
    dev_texts: Sequence[str],
    *,
    min_containment: float = DEFAULT_MIN_CONTAINMENT,
    min_chars: int = DEFAULT_MIN_CHARS,
) -> list[DevMatch]:
    """Corpus lines whose 5-grams largely sit inside (or contain) a dev text."""
    index = ShingleIndex(dev_texts)
    matches = []
    for number, text in enumerate(lines, start=1):
        if len(text) < min_chars:
            continue
        for dev_index, _jac, cont in index.overlaps(text):
            if cont >= min_containment:
                matches.append(DevMatch(number, dev_index, round(cont, 3)))
    return matches


def exclusion_ranges(matches: Sequence[DevMatch], *, margin: int, last_line: int) -> list[tuple[int, int]]:
    """Inclusive line ranges to exclude: every matched line widened by ``margin`` either side.

    Overlapping or touching ranges are merged (so the lines of one dev article, a few apart, become
    one range), and the result is sorted and disjoint.
    """
    raw = sorted({(max(1, m.line - margin), min(last_line, m.line + margin)) for m in matches})
    merged: list[tuple[int, int]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def in_ranges(line: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(start <= line <= end for start, end in ranges)
