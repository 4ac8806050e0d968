"""Character normalisation: full-width digits and Latin letters to ASCII, invisible characters out.

OCR and Chinese input methods emit ``２０２３`` and ``ＡＰＰ`` next to ``2023`` and ``APP``; the models
and the letter-spacing rule should see one form. Chinese punctuation (``，。“”``) is deliberately kept
full-width: it carries sentence structure and is what the sentence splitter looks for.
"""

from __future__ import annotations

import unicodedata

from wenzhai.models.text.mapped import MappedText

_FULLWIDTH_OFFSET = 0xFF10 - ord("0")


def to_half_width(ch: str) -> str:
    """``０-９ Ａ-Ｚ ａ-ｚ`` to ASCII; every other character unchanged."""
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - _FULLWIDTH_OFFSET)
    return ch


def is_invisible(ch: str) -> bool:
    """Zero-width and control characters that carry no text (whitespace is kept for later rules)."""
    return not ch.isspace() and unicodedata.category(ch) in ("Cc", "Cf")


def normalize(text: MappedText) -> MappedText:
    """Half-width digits and letters; invisible characters dropped (offsets follow)."""
    return MappedText.from_pairs(
        (to_half_width(ch), i) for ch, i in zip(text.text, text.offsets, strict=True) if not is_invisible(ch)
    )
