"""Is a text Chinese? The models are trained on Chinese news only: on English or other text they still
answer (a theme, a one-sentence "summary"), and those answers mean little. Every analysis carries a
:class:`LanguageCheck`, with a notice when the text is not Chinese, so readers of the JSON and the
page are told instead of trusting the numbers.

The measure is the share of the text's word units that are Han characters: each Han character is one
unit, each run of other letters (an English or pinyin word, a kana or Hangul run) is one unit.
Digits, punctuation and spaces do not count. So a Chinese article that names "APP" or "5G" stays near
1.0, English prose is 0.0, and a text is called Chinese from :data:`MIN_CJK_SHARE` up.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

#: Below this share of Han characters among word units a text is "not Chinese" and gets a notice.
MIN_CJK_SHARE = 0.5


def _is_han(ch: str) -> bool:
    """CJK unified ideographs (with extension A and the compatibility block)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x2FA1F


@dataclass(frozen=True)
class LanguageCheck:
    """Whether the text is Chinese, measured, with a notice for the reader when it is not."""

    cjk_share: float = field(metadata={"help": "Share of the text's word units that are Han characters "
                                               "(each Han character and each run of other letters is one unit), 0 to 1."})
    chinese: bool = field(metadata={"help": f"True when cjk_share is at least {MIN_CJK_SHARE}: the text the models were trained for."})
    notice: str | None = field(metadata={"help": "Why the themes and summaries may mean little (null for Chinese text)."})


def check_language(text: str) -> LanguageCheck:
    """Measure ``text``'s share of Han characters and say so when it is not Chinese."""
    han = other_runs = 0
    in_run = False
    for ch in text:
        if _is_han(ch):
            han += 1
            in_run = False
        elif unicodedata.category(ch).startswith("L"):
            if not in_run:
                other_runs += 1
            in_run = True
        else:
            in_run = False
    units = han + other_runs
    share = round(han / units, 4) if units else 0.0
    if units == 0:
        notice = "no letters or Chinese characters in the text: its themes and summary mean nothing"
    elif share < MIN_CJK_SHARE:
        notice = (f"the text does not look like Chinese ({share:.0%} of its words are Chinese characters, "
                  f"under {MIN_CJK_SHARE:.0%}); the models read Chinese news only, so its themes and "
                  "summary mean little")
    else:
        notice = None
    return LanguageCheck(cjk_share=share, chinese=notice is None, notice=notice)
