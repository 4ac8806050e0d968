"""What a cleaned line or paragraph looks like: headline, byline, photo credit, caption.

These are tests on text alone; where a line sits (after a headline, before a blank line, next to a
wider line) is judged by `models.text.paragraphs`, which calls them.
"""

from __future__ import annotations

import re

from wenzhai.models.text.chars import CLAUSE_PUNCT, ends_sentence, is_punct

#: Words that make a bracketed line a byline (``【执笔人：…】``) or a credit (``（本报记者…摄）``).
_BYLINE_WORDS = ("执笔", "作者", "记者", "撰稿", "撰文", "编辑", "整理", "通讯员", "评论员", "来源", "摄", "供图", "图/文", "图文")
_PHOTO_WORDS = ("摄", "供图", "图/文", "图文")
#: A headline-less line right under a headline naming who wrote it: an institution or a reporter.
_AUTHOR_SUFFIX = re.compile(r"(中心|研究院|研究所|研究会|研究室|课题组|编辑部|委员会|办公室|学院|大学|评论员|通讯社|报社)$")
_AUTHOR_PREFIX = re.compile(r"^(本报记者|本报通讯员|本报评论员|特约评论员|记者|通讯员|作者)")
#: Openings of a photo caption proper (``压题照片：`` is the People's Daily's photo above a headline).
_CAPTION_START = re.compile(r"^(图为|图片为|上图|下图|左图|右图|组图|图①|图\d|(?:压题|题图)?(?:照片|图片|图)[：:]|题图[：:])")

MAX_AUTHOR_CHARS = 40


def is_heading_text(text: str, max_chars: int) -> bool:
    """Short, has letters, and no clause or sentence punctuation (headlines carry none)."""
    if not 2 <= len(text) <= max_chars or ends_sentence(text):
        return False
    if any(ch in CLAUSE_PUNCT for ch in text):
        return False
    return any(not is_punct(ch) and not ch.isspace() for ch in text)


def _bracketed(text: str, opener: str, closer: str) -> bool:
    return len(text) > 2 and text.startswith(opener) and text.endswith(closer) and closer not in text[1:-1]


def is_bracket_byline(text: str) -> bool:
    """``【执笔人：黄祖辉，…】``: a whole paragraph in 【】 naming an author."""
    return _bracketed(text, "【", "】") and any(w in text for w in _BYLINE_WORDS)


def _in_round_brackets(text: str) -> bool:
    return _bracketed(text, "（", "）") or _bracketed(text, "(", ")")


def is_bracketed_note(text: str) -> bool:
    """A whole line in round brackets (``（孙海涛胡跃平）``, ``（女工委）``): a byline, credit or note, never a
    headline. On 400 simulated pages 237 such lines were bylines and 2 headlines, both source lines that
    were credits taken for titles (``（李尚智摄）``)."""
    return _in_round_brackets(text.strip())


def is_credit(text: str) -> bool:
    """``（本报记者周振平摄）``: a whole paragraph in parentheses crediting a reporter or photographer."""
    return _in_round_brackets(text) and any(w in text for w in _BYLINE_WORDS)


def is_photo_credit(text: str) -> bool:
    """A credit for a photograph (``…摄）``, ``供图``): the text above it is a photo caption."""
    return is_credit(text) and any(w in text for w in _PHOTO_WORDS)


def is_author_line(text: str) -> bool:
    """An unpunctuated line naming an institution or reporter (only meaningful under a headline)."""
    if len(text) > MAX_AUTHOR_CHARS or any(ch in CLAUSE_PUNCT for ch in text):
        return False
    return bool(_AUTHOR_SUFFIX.search(text) or _AUTHOR_PREFIX.search(text))


def is_caption_text(text: str) -> bool:
    """A paragraph that opens the way photo captions do (``图为…``)."""
    return bool(_CAPTION_START.match(text))
