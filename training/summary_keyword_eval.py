"""Compare keyword extractors on articles with reference summaries.

A good keyword names what the article is about, so a careful reader's summary tends to use it:
*hits@k* is the share of the top-k keywords that occur in the reference summary (mean over rows,
95 % bootstrap interval). *Dictionary words* is the share of keywords that are words of jieba's
dictionary (or of the added lexicon): fragments glued by jieba's HMM (``足用``, ``因水``) are not.

Extractors: ours (`models.keywords`: dictionary cut without HMM, POS-filtered TF-IDF), the same
without our added domain terms, with a mined lexicon (`training.summary_lexicon`) when given, and
jieba's own ``jieba.analyse`` TF-IDF and TextRank (global tokenizer, HMM on, the same POS filter).
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Sequence

from wenzhai.models.keywords import CONTENT_POS, DOMAIN_TERMS, extract_keywords
from wenzhai.training.summary_evaluation import ReferenceRow
from wenzhai.training.summary_rouge import bootstrap_interval

Extractor = Callable[[str, int], list[str]]


def extractors(lexicon: Sequence[str] = ()) -> dict[str, Extractor]:
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    out: dict[str, Extractor] = {
        "ours (dictionary words, TF-IDF)": lambda text, k: extract_keywords(text, k),
        "jieba.analyse TF-IDF (HMM on)": lambda text, k: list(jieba.analyse.extract_tags(text, k, allowPOS=CONTENT_POS)),
        "jieba.analyse TextRank (HMM on)": lambda text, k: list(jieba.analyse.textrank(text, k, allowPOS=CONTENT_POS)),
    }
    if lexicon:
        out[f"ours + mined lexicon ({len(lexicon):,} words)"] = lambda text, k: extract_keywords(text, k, lexicon=lexicon)
    return out


def dictionary_words(lexicon: Sequence[str] = ()) -> set[str]:
    """Words jieba's bundled dictionary knows, with our domain terms and ``lexicon``."""
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return {w for w, n in tokenizer.FREQ.items() if n > 0} | set(DOMAIN_TERMS) | set(lexicon)


def keyword_table(
    rows: Sequence[ReferenceRow], k: int = 8, lexicon: Sequence[str] = (), samples: int = 2000
) -> list[str]:
    """Markdown rows: hits@k [95 %] and dictionary-word share per extractor."""
    known = dictionary_words(lexicon)
    lines = [f"| extractor | hits@{k} % [95 %] | dictionary words % |", "|---|---|---|"]
    for name, extract in extractors(lexicon).items():
        hits, words = [], []
        for row in rows:
            keywords = extract(row.article, k)
            hits.append(100 * sum(w in row.summary for w in keywords) / k)
            words += [w in known for w in keywords]
        mean, low, high = bootstrap_interval(hits, samples)
        lines.append(f"| {name} | {mean:.1f} [{low:.1f}, {high:.1f}] | {100 * statistics.fmean(words):.1f} |")
    return lines
