"""Keywords that explain a summary: whole words of the text (nouns, names, verbs) ranked by TF-IDF.

Words come from jieba's dictionary cut *without* its HMM: the HMM guesses unknown words from
character statistics and, on OCR'd or telegraphic text, glues characters across word boundaries
into fragments that are not words (``足用``, ``因水``, ``上写``, ``已付``). Without it every token is a
dictionary word, a run of Latin letters or digits, or a single character, so a keyword is always a
word of the text. Part-of-speech filtering keeps nouns, names and verbs (numbers, dates, pronouns
and function words never show up), and words are ranked by their frequency in this text times
jieba's bundled IDF, which needs no corpus of ours and works on one segment as well as on a page.

A private jieba tokenizer (not jieba's global one) is used, so other users of jieba in the same
process are unaffected. It carries a few terms of our themes that jieba's dictionary splits
(``乡村振兴``, ``电子证照`` …): general terms of rural policy and e-government, not the seed page's own
coinages. ``lexicon`` adds more words, e.g. ones found in the corpora by new-word discovery
(`training.summary_lexicon`).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

#: jieba POS tags kept: common/person/place/organisation/other proper nouns, verbal nouns, verbs.
CONTENT_POS: tuple[str, ...] = ("n", "nr", "ns", "nt", "nz", "vn", "v")
#: Terms of our themes that jieba's dictionary splits; added as proper nouns (``nz``).
DOMAIN_TERMS: tuple[str, ...] = (
    "枫桥经验",
    "乡村振兴",
    "美丽乡村",
    "未来乡村",
    "共同富裕",
    "电子证照",
    "一网通办",
    "数字政府",
    "政务服务",
    "基层治理",
)
DEFAULT_TOP_K = 8
#: The most keywords a caller may ask for, on every surface (CLI and HTTP).
MAX_TOP_K = 50

_lock = threading.Lock()
_tokenizers: dict[tuple[str, ...], object] = {}
_idf: list[tuple[dict[str, float], float, frozenset[str]]] = []  # jieba's IDF table, median, stop words


def _posseg(extra_words: tuple[str, ...]):
    """A jieba POS tokenizer with its own dictionary plus ``extra_words`` (built once per word list)."""
    with _lock:
        if extra_words not in _tokenizers:
            import jieba
            import jieba.analyse
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            for term in extra_words:
                tokenizer.add_word(term, tag="nz")
            _tokenizers[extra_words] = _tagger(tokenizer)
            if not _idf:
                # the import already read jieba's IDF file into its default table; a new TFIDF() reads it again (0.4 s)
                table = jieba.analyse.default_tfidf
                _idf.append((table.idf_freq, table.median_idf, frozenset(table.STOP_WORDS)))
        return _tokenizers[extra_words]


def _tagger(tokenizer):
    """A POS tokenizer over ``tokenizer`` that reuses the word tags ``jieba.posseg`` read at import.

    ``POSTokenizer(tokenizer)`` would read the same dictionary file again (0.4 s at every start of the
    service and the CLI). The table is copied, so words tagged later on one tokenizer stay off the other.
    """
    import jieba.posseg as posseg

    tagger = posseg.POSTokenizer.__new__(posseg.POSTokenizer)
    tagger.tokenizer = tokenizer
    tagger.word_tag_tab = dict(posseg.dt.word_tag_tab)
    return tagger


def read_lexicon(path: Path | str) -> tuple[str, ...]:
    """Words of a lexicon file: one word per line, anything after a tab ignored."""
    words = (line.split("\t", 1)[0].strip() for line in Path(path).read_text(encoding="utf-8").splitlines())
    return tuple(w for w in words if w)


def text_words(text: str, lexicon: Sequence[str] = ()) -> list[tuple[str, str]]:
    """``(word, POS)`` of every token of ``text``: jieba's dictionary cut, no HMM guessing."""
    tokenizer = _posseg(tuple(dict.fromkeys((*DOMAIN_TERMS, *lexicon))))
    return [(pair.word, pair.flag) for pair in tokenizer.cut(text, HMM=False)]


def extract_keywords(
    text: str, top_k: int = DEFAULT_TOP_K, allow_pos: Sequence[str] = CONTENT_POS, lexicon: Sequence[str] = ()
) -> list[str]:
    """The ``top_k`` content words of ``text`` by TF-IDF, best first (fewer for short text).

    Ties go to the word that occurs first. Words of one character, stop words and words with a
    digit are never keywords.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    _check_top_k(top_k)
    if not text.strip():
        return []
    return _rank(text_words(text, lexicon), top_k, frozenset(allow_pos))


def _check_top_k(top_k: object) -> None:
    if not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")


def _rank(tokens: Sequence[tuple[str, str]], top_k: int, allowed: frozenset[str]) -> list[str]:
    """The ``top_k`` words of ``tokens`` (``(word, POS)`` in text order) by TF-IDF (see `extract_keywords`)."""
    if not tokens:
        return []
    idf, median_idf, stop_words = _idf[0]  # loaded with the tokenizer that cut them
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for position, (word, flag) in enumerate(tokens):
        if flag in allowed and len(word) >= 2 and word not in stop_words and not any(ch.isdigit() for ch in word):
            counts[word] += 1
            first.setdefault(word, position)
    ranked = sorted(counts, key=lambda w: (-counts[w] * idf.get(w, median_idf), first[w]))
    return ranked[:top_k]


def segment_and_page_keywords(texts: Sequence[str], top_k: int = DEFAULT_TOP_K) -> tuple[list[list[str]], list[str]]:
    """Keywords of each segment text, in order (each scored on its own), and of all of them together.

    Each text is cut once: the words of the whole are the segments' words in order, which is what
    cutting the texts joined by line breaks gives (jieba never joins words across a line break).
    """
    _check_top_k(top_k)
    allowed = frozenset(CONTENT_POS)
    words = [text_words(text) if text.strip() else [] for text in texts]
    return [_rank(w, top_k, allowed) for w in words], _rank([pair for w in words for pair in w], top_k, allowed)
