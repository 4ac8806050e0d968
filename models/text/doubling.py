"""Collapse OCR-doubled bold lines (``““千万工程千万工程””…``) without touching real repetition.

Bold headline type is often scanned twice with a small shift, and the OCR engine then emits every
*run* of the line twice: each run of punctuation (``““``) and each run of other characters
(``千万工程千万工程``). The rule is therefore about whole lines:

    a line is doubled when, split into maximal runs of punctuation / non-punctuation, EVERY run is
    some ``X + X``, and the collapsed line keeps at least ``min_chars`` non-punctuation characters.

Legitimate repetition never satisfies this: ``千村示范、万村整治`` and ``亲自谋划、亲自部署`` are not
``X + X``; ``一抓到底`` sits inside a line with other runs that are not doubled; a whole line reading
``谢谢谢谢`` collapses only to two characters, below ``min_chars`` (default 4), so it stays too.
"""

from __future__ import annotations

from wenzhai.models.text.chars import is_punct
from wenzhai.models.text.mapped import MappedText

DEFAULT_MIN_CHARS = 4


def _runs(text: str) -> list[tuple[int, int]]:
    """Maximal ``[start, end)`` runs of punctuation vs. non-punctuation characters."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or is_punct(text[i]) != is_punct(text[start]):
            runs.append((start, i))
            start = i
    return runs


def _doubled_halves(text: str, min_chars: int) -> list[tuple[int, int]] | None:
    """The first halves of every run if the whole line is doubled, else None."""
    if not text or len(text) % 2:  # every run has even length, so the line has too
        return None
    halves: list[tuple[int, int]] = []
    kept_letters = 0
    for start, end in _runs(text):
        length = end - start
        half = length // 2
        if length % 2 or text[start:start + half] != text[start + half:end]:
            return None
        halves.append((start, start + half))
        if not is_punct(text[start]):
            kept_letters += half
    return halves if kept_letters >= min_chars else None


def is_doubled(text: str, min_chars: int = DEFAULT_MIN_CHARS) -> bool:
    """True when the whole line is an OCR doubling (see module docstring)."""
    return _doubled_halves(text, min_chars) is not None


def collapse_doubling(line: MappedText, min_chars: int = DEFAULT_MIN_CHARS) -> MappedText:
    """Keep the first copy of every run of a doubled line; any other line is returned unchanged."""
    halves = _doubled_halves(line.text, min_chars)
    if halves is None:
        return line
    return MappedText.concat(line.slice(start, end) for start, end in halves)
