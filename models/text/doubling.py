"""Collapse OCR-doubled bold lines (``““千万工程千万工程””…``) without touching real repetition.

Bold headline type is often scanned twice with a small shift, and the OCR engine then emits pieces
of the line twice. The pieces differ from page to page: every run of punctuation and of letters
(``““千万工程千万工程””``), the whole line (``标题标题``, ``【专栏】标题【专栏】标题``), or a mix
(``【【一线调研一线调研】】小农机上山岗小农机上山岗``, ``上海：上海：““一网统管一网统管””…``). The rule
is therefore about whole lines:

    a line is doubled when it can be cut, left to right, into consecutive chunks that are each some
    ``X + X``, and keeping the first copy of every chunk leaves at least ``min_chars``
    non-punctuation characters. Of the possible cuts the one with the fewest chunks is used.

Legitimate repetition never satisfies this: ``千村示范、万村整治`` and ``亲自谋划、亲自部署`` are not
``X + X``; ``一抓到底`` sits inside a line with other text that is not doubled; a whole line reading
``谢谢谢谢`` collapses only to two characters, below ``min_chars`` (default 4), so it stays too.
Lines longer than ``MAX_DOUBLED_CHARS`` are never doubled headlines (and are not searched).
"""

from __future__ import annotations

from wenzhai.models.text.chars import is_punct
from wenzhai.models.text.mapped import MappedText

DEFAULT_MIN_CHARS = 4
MAX_DOUBLED_CHARS = 400


def _doubled_halves(text: str, min_chars: int) -> list[tuple[int, int]] | None:
    """The first copies ``[start, end)`` of the fewest ``X + X`` chunks covering the line, else None."""
    n = len(text)
    if not text or n % 2 or n > MAX_DOUBLED_CHARS:  # every chunk has even length, so the line has too
        return None
    # best[i]: (chunks, half length of the last chunk) of the fewest-chunk cut of text[:i]
    best: list[tuple[int, int] | None] = [None] * (n + 1)
    best[0] = (0, 0)
    for i in range(n):
        if best[i] is None:
            continue
        count = best[i][0] + 1
        for half in range(1, (n - i) // 2 + 1):
            j = i + 2 * half
            if text[i:i + half] == text[i + half:j] and (best[j] is None or best[j][0] > count):
                best[j] = (count, half)
    if best[n] is None:
        return None
    halves: list[tuple[int, int]] = []
    end = n
    while end:
        half = best[end][1]
        halves.append((end - 2 * half, end - half))
        end -= 2 * half
    halves.reverse()
    kept_letters = sum(1 for start, stop in halves for ch in text[start:stop] if not is_punct(ch) and not ch.isspace())
    return halves if kept_letters >= min_chars else None


def is_doubled(text: str, min_chars: int = DEFAULT_MIN_CHARS) -> bool:
    """True when the whole line is an OCR doubling (see module docstring)."""
    return _doubled_halves(text, min_chars) is not None


def collapse_doubling(line: MappedText, min_chars: int = DEFAULT_MIN_CHARS) -> MappedText:
    """Keep the first copy of every chunk of a doubled line; any other line is returned unchanged."""
    return split_doubling(line, min_chars)[0]


def split_doubling(line: MappedText, min_chars: int = DEFAULT_MIN_CHARS) -> tuple[MappedText, tuple[int, ...]]:
    """``(collapsed line, input offsets of the dropped second copies)``; nothing dropped when not doubled.

    The dropped offsets let the page reader account for every visible input character.
    """
    halves = _doubled_halves(line.text, min_chars)
    if halves is None:
        return line, ()
    kept = MappedText.concat(line.slice(start, end) for start, end in halves)
    dropped = tuple(i for start, end in halves for i in line.offsets[end:end + (end - start)])
    return kept, dropped
