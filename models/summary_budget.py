"""How long a summary may be, and the greedy selection that never goes over it.

Exactly one budget is given: a number of sentences, a number of characters, or a ratio of the
document's body characters. Selection is maximal marginal relevance (Carbonell & Goldstein 1998):
repeatedly take the sentence with the best score minus its similarity to what is already chosen,
among those that still fit, so a long budget is not filled with paraphrases of one sentence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


#: The summary length when no budget is given, on every surface (CLI, HTTP, batch).
DEFAULT_SUMMARY_SENTENCES = 3
#: The most page summary sentences anyone may ask for, on every surface (the service's default limit).
MAX_SUMMARY_SENTENCES = 20


def check_summary_sentences(value: object, field: str = "summary_sentences") -> int:
    """``value`` if it is a whole number from 0 to :data:`MAX_SUMMARY_SENTENCES`, else an InputError
    naming ``field``, worded as the HTTP API words its limits."""
    from wenzhai.models.inputs import InputError, json_type_name

    if not _is_int(value):
        raise InputError(f"{field}: expected an integer, got {json_type_name(value)}")
    if value < 0:
        raise InputError(f"{field}: must be at least 0 (got {value!r})")
    if value > MAX_SUMMARY_SENTENCES:
        raise InputError(f"{field}: must be at most {MAX_SUMMARY_SENTENCES} (got {value!r})")
    return int(value)


@dataclass(frozen=True)
class Budget:
    """At most one of ``max_sentences`` (>= 1), ``max_chars`` (>= 1) or ``ratio`` (0 < ratio <= 1).

    ``Budget()`` is the default, :data:`DEFAULT_SUMMARY_SENTENCES` sentences: the one place it is set.

    ``ratio`` is a share of the characters of the document's body sentences (headings, bylines
    and captions are not counted): ``ratio=0.2`` allows ``floor(0.2 * body chars)`` characters.
    """

    max_sentences: int | None = None
    max_chars: int | None = None
    ratio: float | None = None

    def __post_init__(self) -> None:
        given = [name for name in ("max_sentences", "max_chars", "ratio") if getattr(self, name) is not None]
        if not given:
            object.__setattr__(self, "max_sentences", DEFAULT_SUMMARY_SENTENCES)
        elif len(given) > 1:
            raise ValueError(f"give at most one summary budget: max_sentences, max_chars or ratio (got {', '.join(given)})")
        for name in ("max_sentences", "max_chars"):
            value = getattr(self, name)
            if value is not None and (not _is_int(value) or value < 1):
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.ratio is not None:
            ok = isinstance(self.ratio, int | float) and not isinstance(self.ratio, bool)
            if not ok or not 0.0 < float(self.ratio) <= 1.0 or math.isnan(float(self.ratio)):
                raise ValueError(f"ratio must be a number in (0, 1], got {self.ratio!r}")

    def sentence_limit(self) -> int | None:
        return None if self.max_sentences is None else int(self.max_sentences)

    def char_limit(self, body_chars: int) -> int | None:
        """The character cap for a document with ``body_chars`` characters of body sentences."""
        if self.max_chars is not None:
            return int(self.max_chars)
        if self.ratio is not None:
            return math.floor(float(self.ratio) * body_chars)
        return None

    def allows(self, lengths: Sequence[int], body_chars: int) -> bool:
        """True if sentences of these lengths, all together, fit the budget."""
        sentences, chars = self.sentence_limit(), self.char_limit(body_chars)
        return (sentences is None or len(lengths) <= sentences) and (chars is None or sum(lengths) <= chars)


def select_sentences(
    scores: np.ndarray,
    similarity: np.ndarray,
    lengths: Sequence[int],
    budget: Budget,
    body_chars: int,
    can_open: Sequence[bool] | None = None,
    redundancy: float = 0.0,
    groups: Sequence[int] | None = None,
) -> list[int]:
    """Indices (in document order) chosen greedily by MMR within ``budget``.

    Each step takes the candidate maximising ``(1 - redundancy) * score - redundancy * max sim to
    chosen`` among those that (a) still fit the sentence and character caps and (b) would not make
    a sentence with ``can_open[i] == False`` the first one of the summary (a sentence that starts
    inside a quotation must not open a summary). Ties go to the earlier sentence. A sentence longer
    than what is left is skipped, not cut, so a character budget can end below its cap.

    ``groups`` (the article of each sentence, on a page): a group gets its second sentence only
    when every group with a sentence that still fits has one, and so on — coverage before depth.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n = scores.shape[0]
    lengths_arr = np.asarray(lengths, dtype=np.int64)
    if similarity.shape != (n, n) or lengths_arr.shape != (n,):
        raise ValueError("scores, similarity and lengths must describe the same sentences")
    if not 0.0 <= redundancy < 1.0:
        raise ValueError(f"redundancy must be in [0, 1), got {redundancy}")
    opens = np.ones(n, dtype=bool) if can_open is None else np.asarray(can_open, dtype=bool)
    group = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64)
    if group.shape != (n,):
        raise ValueError("groups must give one group per sentence")
    picks = np.zeros(int(group.max()) + 1 if n else 0, dtype=np.int64)  # sentences chosen per group
    max_sentences = budget.sentence_limit() or n
    max_chars = budget.char_limit(body_chars)
    chosen: list[int] = []
    taken = np.zeros(n, dtype=bool)
    closest = np.zeros(n, dtype=np.float64)  # max similarity (>= 0) to any chosen sentence
    used = 0
    index = np.arange(n)
    while len(chosen) < max_sentences:
        ok = ~taken
        if max_chars is not None:
            ok &= lengths_arr <= max_chars - used
        first = min(chosen) if chosen else n
        ok &= opens | (index > first)
        if not ok.any():
            break
        ok &= picks[group] == picks[group[ok]].min()
        gain = (1.0 - redundancy) * scores - redundancy * closest
        best = int(index[ok][np.argmax(gain[ok])])
        chosen.append(best)
        taken[best] = True
        picks[group[best]] += 1
        used += int(lengths_arr[best])
        closest = np.maximum(closest, np.clip(similarity[best], 0.0, None))
    return sorted(chosen)
