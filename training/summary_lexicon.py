"""New-word discovery: multi-character terms of our news that jieba's dictionary cuts apart.

    python -m wenzhai.training.summary_lexicon --out ~/.cache/wenzhai/lexicon.tsv

A string of Chinese characters is taken for a word when it is frequent, its parts stick together
far more often than chance (*cohesion*: the smallest, over its split points, of
``count(w) * N / (count(left) * count(right))``) and it is free on both sides (*freedom*: the entropy
of the characters just before it and just after it is high, so it is not a piece of a longer
string). Only strings jieba's dictionary does not know and cuts into several words are kept.

The text is the TV-news transcripts and People's Daily 1998 articles as `training.summary_sources`
reads them (the summaries dev set's days and lines left out). The lexicon is written where the
caller says (a cache, never the repository: it is derived from the shared corpora) and measured
by `wenzhai evaluate-summaries --lexicon FILE`.
"""

from __future__ import annotations

import argparse
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True)
class WordCandidate:
    word: str
    count: int
    cohesion: float
    freedom: float


def _entropy(counts: Iterable[int]) -> float:
    values = list(counts)
    total = sum(values)
    return -sum(c / total * math.log(c / total) for c in values) if total else 0.0


def discover_words(
    texts: Iterable[str], known: set[str], lengths: Sequence[int] = (3, 4), min_count: int = 30,
    min_cohesion: float = 50.0, min_freedom: float = 1.5,
) -> list[WordCandidate]:
    """Candidates passing every threshold, most frequent first."""
    longest = max(lengths)
    grams: Counter[str] = Counter()
    runs = [run for text in texts for run in _HAN_RUN.findall(text)]
    for run in runs:
        for n in range(1, longest + 2):
            grams.update(run[i : i + n] for i in range(len(run) - n + 1))
    total = sum(c for g, c in grams.items() if len(g) == 1)
    frequent = {g for g, c in grams.items() if len(g) in lengths and c >= min_count and g not in known}
    left: dict[str, Counter[str]] = defaultdict(Counter)
    right: dict[str, Counter[str]] = defaultdict(Counter)
    for gram, count in grams.items():
        if len(gram) >= 2:
            if gram[1:] in frequent:
                left[gram[1:]][gram[0]] += count
            if gram[:-1] in frequent:
                right[gram[:-1]][gram[-1]] += count
    out = []
    for word in frequent:
        count = grams[word]
        cohesion = min(count * total / (grams[word[:i]] * grams[word[i:]]) for i in range(1, len(word)))
        # a string at the edge of its runs has fewer neighbours than occurrences: those count as free
        freedom = min(_entropy([*left[word].values(), 1] if count > sum(left[word].values()) else left[word].values()),
                      _entropy([*right[word].values(), 1] if count > sum(right[word].values()) else right[word].values()))
        if cohesion >= min_cohesion and freedom >= min_freedom:
            out.append(WordCandidate(word, count, cohesion, freedom))
    return sorted(out, key=lambda c: (-c.count, c.word))


def main(argv: Sequence[str] | None = None) -> int:
    import jieba

    from wenzhai.training.corpora import PD1998_FILE, TV_NEWS_FILE
    from wenzhai.training.summary_sources import pd1998_articles, tv_news

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="TSV to write: word, count, cohesion, freedom")
    p.add_argument("--shared", default="../shared")
    p.add_argument("--min-count", type=int, default=30)
    args = p.parse_args(argv)
    shared = Path(args.shared)
    texts = [d.text for d in tv_news(shared / TV_NEWS_FILE, min_chars=0)]
    texts += [d.text for d in pd1998_articles(shared / PD1998_FILE, min_chars=0)]
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    known = {w for w, n in tokenizer.FREQ.items() if n > 0}
    found = [c for c in discover_words(texts, known, min_count=args.min_count)
             if len(tokenizer.lcut(c.word, HMM=False)) > 1]
    out = Path(args.out).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(f"{c.word}\t{c.count}\t{c.cohesion:.1f}\t{c.freedom:.2f}\n" for c in found), encoding="utf-8")
    print(f"{len(found)} words from {len(texts):,} articles -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
