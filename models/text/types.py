"""Value types shared by clean-up, sentence splitting, segmentation and summarisation.

Every piece of cleaned text carries `offsets`: for each character of the cleaned text, the index of
the character in the *original input* it came from. That single map is what lets every later stage
(sentences, segments, summary sentences) report spans into the input exactly as the user gave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

ParagraphKind = Literal["heading", "byline", "caption", "body"]
PARAGRAPH_KINDS: tuple[str, ...] = ("heading", "byline", "caption", "body")


def span_of(offsets: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Map the cleaned slice ``[start, end)`` to a half-open span ``[a, b)`` in the original input."""
    if not offsets or start >= end:
        raise ValueError("empty slice has no span")
    return offsets[start], offsets[end - 1] + 1


@dataclass(frozen=True)
class Paragraph:
    """One cleaned paragraph of the input.

    text: the cleaned text (no line breaks, no letter-spacing, doubled headlines collapsed).
    span: half-open ``[start, end)`` character offsets in the original input.
    kind: heading, byline, caption or body.
    offsets: ``offsets[i]`` is the input index of ``text[i]`` (same length as ``text``).
    role: the page reader's role (``start`` of an article, ``para``, ``heading`` titling the text
        below, ``heading_above`` titling the text above, ``byline``); None when rules alone read it.
    dropped: ``(input index, character)`` of doubled print the clean text leaves out (second copies).
    start_prob: the reader's probability that the paragraph opens an article (None without it).
    """

    text: str
    span: tuple[int, int]
    kind: ParagraphKind
    offsets: list[int] = field(repr=False, compare=False)
    role: str | None = field(default=None, compare=False)
    dropped: tuple[tuple[int, str], ...] = field(default=(), repr=False, compare=False)
    start_prob: float | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.offsets) != len(self.text):
            raise ValueError("offsets must have one entry per character of text")
        if self.kind not in PARAGRAPH_KINDS:
            raise ValueError(f"kind must be one of {PARAGRAPH_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paragraph, with its span in the original input.

    soft: True when the sentence ends at a soft boundary (``；``) rather than a full stop; the
    summariser may treat such pieces as units, everything else keeps them joined.
    """

    text: str
    span: tuple[int, int]
    soft: bool = False
