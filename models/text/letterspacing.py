"""Remove OCR letter-spacing (``给 人 们 办 事`` → ``给人们办事``) within one line.

Chinese is written without spaces, so a space that touches a full-width character is typesetting
(justified columns, spaced-out headlines, ``2018 年 9 月``), never a word separator. Spaces between two
narrow characters (``New York``, ``3 000``) are real and are kept, collapsed to a single space.
"""

from __future__ import annotations

import re

from wenzhai.models.text.chars import is_wide
from wenzhai.models.text.mapped import MappedText

_SPACE_RUN = re.compile(r"\s+")


def remove_letter_spacing(line: MappedText) -> MappedText:
    """Drop whitespace runs next to a wide character or at either end; others become one ``' '``.

    The kept space maps to the first whitespace character of its run, so offsets stay exact.
    """
    text = line.text
    pairs: list[tuple[str, int]] = []
    pos = 0
    for run in _SPACE_RUN.finditer(text):
        start, end = run.span()
        pairs.extend(zip(text[pos:start], line.offsets[pos:start], strict=True))
        pos = end
        if start == 0 or end == len(text):
            continue
        if is_wide(text[start - 1]) or is_wide(text[end]):
            continue
        pairs.append((" ", line.offsets[start]))
    pairs.extend(zip(text[pos:], line.offsets[pos:], strict=True))
    return MappedText.from_pairs(pairs)
