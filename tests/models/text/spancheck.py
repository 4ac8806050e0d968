"""An exact check that cleaned text maps back onto the input through its offsets.

Independent of the clean-up code on purpose: it restates the rules as facts about characters.
Every cleaned character is its input character (full-width letters/digits folded, whitespace run
shown as one space), offsets increase, and every visible input character that was NOT kept (inside
the span, or on a line the paragraph draws from) belongs to a doubled line whose kept characters
are exactly half of its visible characters, each kept character appearing twice.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

LINE_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def expected_char(raw_ch: str) -> str:
    """What a kept input character looks like after clean-up."""
    if "０" <= raw_ch <= "９" or "Ａ" <= raw_ch <= "Ｚ" or "ａ" <= raw_ch <= "ｚ":
        return unicodedata.normalize("NFKC", raw_ch)
    return raw_ch


def visible(ch: str) -> bool:
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def line_of(raw: str, index: int) -> tuple[int, int]:
    """``[start, end)`` of the input line holding ``raw[index]``."""
    start = index
    while start > 0 and raw[start - 1] not in LINE_BREAKS:
        start -= 1
    end = index
    while end < len(raw) and raw[end] not in LINE_BREAKS:
        end += 1
    return start, end


def mapping_problems(raw: str, text: str, offsets: list[int], span: tuple[int, int]) -> list[str]:
    """Everything wrong with ``text``/``offsets``/``span`` as a clean-up of ``raw`` (empty if exact)."""
    problems = []
    if len(text) != len(offsets) or not text:
        return [f"text has {len(text)} chars but {len(offsets)} offsets"]
    if span != (offsets[0], offsets[-1] + 1):
        problems.append(f"span {span} is not (first offset, last offset + 1)")
    if any(b <= a for a, b in zip(offsets, offsets[1:], strict=False)):
        problems.append("offsets do not strictly increase")
    if offsets[0] < 0 or offsets[-1] >= len(raw):
        return [*problems, f"offsets out of bounds of a {len(raw)}-char input"]
    for ch, i in zip(text, offsets, strict=True):
        if not (ch == expected_char(raw[i]) or (ch == " " and raw[i].isspace())):
            problems.append(f"text char {ch!r} does not come from input {raw[i]!r} at {i}")
    kept = set(offsets)
    touched = {line_of(raw, i) for i in offsets}
    for j in range(*span):
        if j not in kept and visible(raw[j]) and line_of(raw, j) not in touched:
            problems.append(f"input char {raw[j]!r} at {j} inside the span was dropped")
    for start, end in sorted(touched):
        line = [raw[j] for j in range(start, end) if visible(raw[j])]
        mine = [raw[j] for j in range(start, end) if j in kept and visible(raw[j])]
        if len(line) != len(mine) and Counter(line) != Counter({ch: 2 * n for ch, n in Counter(mine).items()}):
            problems.append(f"line {raw[start:end]!r} lost characters that are not duplicates")
    return problems
