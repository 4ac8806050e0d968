"""Keywords that explain a summary: jieba TF-IDF over content words (nouns, names, verbs).

TF-IDF with jieba's bundled IDF table needs no corpus of ours and works on a single segment as
well as on a whole document. Part-of-speech filtering keeps nouns, names and verbs, so numbers,
dates, pronouns and function words never show up. A private jieba tokenizer (not jieba's global
one) carries a few multi-character terms of our domain (``千万工程``, ``电子证照`` …) that jieba
would otherwise cut in two; other users of jieba in the same process are unaffected.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

#: jieba POS tags kept: common/person/place/organisation/other proper nouns, verbal nouns, verbs.
CONTENT_POS: tuple[str, ...] = ("n", "nr", "ns", "nt", "nz", "vn", "v")
#: Terms of our themes that jieba's dictionary splits; added as proper nouns (``nz``).
DOMAIN_TERMS: tuple[str, ...] = (
    "千万工程",
    "浦江经验",
    "枫桥经验",
    "乡村振兴",
    "美丽乡村",
    "未来乡村",
    "共同富裕",
    "电子证照",
    "电子身份证",
    "一网通办",
    "数字政府",
    "政务服务",
    "基层治理",
)
DEFAULT_TOP_K = 8

_lock = threading.Lock()
_extractor = None


def _get_extractor():
    """A jieba TF-IDF extractor with its own tokenizer (built once, ~1 s for the dictionary)."""
    global _extractor
    with _lock:
        if _extractor is None:
            import jieba
            import jieba.analyse
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            for term in DOMAIN_TERMS:
                tokenizer.add_word(term, tag="nz")
            extractor = jieba.analyse.TFIDF()
            extractor.tokenizer = tokenizer
            extractor.postokenizer = jieba.posseg.POSTokenizer(tokenizer)
            _extractor = extractor
        return _extractor


def extract_keywords(text: str, top_k: int = DEFAULT_TOP_K, allow_pos: Sequence[str] = CONTENT_POS) -> list[str]:
    """The ``top_k`` content words of ``text`` by TF-IDF, best first (fewer for short text)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    if not text.strip():
        return []
    return list(_get_extractor().extract_tags(text, topK=top_k, allowPOS=tuple(allow_pos)))


def keywords_by_segment(texts: Sequence[str], top_k: int = DEFAULT_TOP_K) -> list[list[str]]:
    """Keywords of each segment text, in order (each segment scored on its own)."""
    return [extract_keywords(text, top_k) for text in texts]
