"""Split cleaned text into sentences that keep their spans in the original input.

Rules (Chinese punctuation conventions):

* A sentence ends after a run of ``。！？!?…`` (so ``……`` and ``！？`` end it once), together with any
  closing quotes or brackets that follow (``。”`` stays with its sentence).
* A mark inside a matched pair of quotes/brackets does not end the sentence when the pair goes on
  after it (``他说：“今天很好。明天更好。”`` is one sentence); it does when the pair closes right after
  it. Only *matched* pairs count, so one stray OCR quote cannot swallow a whole paragraph, and a pair
  longer than ``max_quote_chars`` is treated as running text whose sentences stand on their own.
* ``；`` is a soft boundary: used only with ``soft=True``, and the pieces it ends are marked ``soft``.
* Commas never split; a line break always does (sentences never span paragraphs).
"""

from __future__ import annotations

from wenzhai.models.text.chars import CLOSER_OF, CLOSING, SENTENCE_END, SOFT_END
from wenzhai.models.text.types import Paragraph, Sentence, span_of

DEFAULT_MAX_QUOTE_CHARS = 120
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _pairs(text: str) -> list[tuple[int, int]]:
    """``(open, close)`` indices of matched quote/bracket pairs; strays and mis-nestings are dropped."""
    stack: list[tuple[int, str]] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in CLOSER_OF:
            stack.append((i, CLOSER_OF[ch]))
        elif ch in CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][1] == ch:
                    pairs.append((stack[depth][0], i))
                    del stack[depth:]
                    break
        elif ch in _LINE_BREAKS:
            stack.clear()
    return pairs


def _gap_depths(text: str, max_quote_chars: int) -> list[int]:
    """``depths[g]``: how many (short enough) pairs enclose the gap before ``text[g]``."""
    diff = [0] * (len(text) + 2)
    for start, end in _pairs(text):
        if end - start - 1 <= max_quote_chars:
            diff[start + 1] += 1
            diff[end + 1] -= 1
    depths, running = [], 0
    for g in range(len(text) + 1):
        running += diff[g]
        depths.append(running)
    return depths


def sentence_bounds(text: str, soft: bool = False, max_quote_chars: int = DEFAULT_MAX_QUOTE_CHARS
                    ) -> list[tuple[int, int, bool]]:
    """``(start, end, soft)`` of every sentence of ``text``, surrounding whitespace excluded."""
    depths = _gap_depths(text, max_quote_chars)
    ends = SENTENCE_END | SOFT_END if soft else SENTENCE_END
    bounds: list[tuple[int, int, bool]] = []
    start, i, n = 0, 0, len(text)

    def emit(end: int, is_soft: bool) -> None:
        a, b = start, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            bounds.append((a, b, is_soft))

    while i < n:
        ch = text[i]
        if ch in _LINE_BREAKS:
            emit(i, False)
            start = i = i + 1
            continue
        if ch not in ends:
            i += 1
            continue
        j = i + 1
        if ch in SENTENCE_END:
            while j < n and text[j] in SENTENCE_END:
                j += 1
        while j < n and text[j] in CLOSING:
            j += 1
        if depths[j] == 0:
            emit(j, ch in SOFT_END)
            start = j
        i = j
    emit(n, False)
    return bounds


def split_sentences(
    text_or_paragraph: str | Paragraph,
    soft: bool = False,
    max_quote_chars: int = DEFAULT_MAX_QUOTE_CHARS,
) -> list[Sentence]:
    """Sentences of a paragraph (spans into the original input) or of a string (spans into it)."""
    if isinstance(text_or_paragraph, Paragraph):
        text: str = text_or_paragraph.text
        offsets: list[int] = text_or_paragraph.offsets
    elif isinstance(text_or_paragraph, str):
        text = text_or_paragraph
        offsets = list(range(len(text)))
    else:
        raise TypeError(
            f"split_sentences: expected str or Paragraph, got {type(text_or_paragraph).__name__}"
        )
    if not isinstance(max_quote_chars, int) or max_quote_chars < 0:
        raise ValueError(f"split_sentences: max_quote_chars must be a non-negative int, got {max_quote_chars!r}")
    return [
        Sentence(text[a:b], span_of(offsets, a, b), is_soft)
        for a, b, is_soft in sentence_bounds(text, soft, max_quote_chars)
    ]
