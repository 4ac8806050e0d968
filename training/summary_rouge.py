"""Character-level ROUGE for Chinese summaries (rouge-score with our tokenizer) and its statistics.

Character ROUGE is the standard for Chinese summarisation (LCSTS reports it) and needs no word
segmenter. The scoring itself is the maintained ``rouge-score`` package; we only supply the tokenizer.
"""

from __future__ import annotations

import random
import statistics
import unicodedata
from collections.abc import Sequence

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


class CharTokenizer:
    """rouge-score tokenizer: one token per letter/digit character after NFKC, Latin lower-cased.

    NFKC folds full-width digits and letters (``１９９８`` → ``1998``) onto their half-width forms;
    punctuation and spaces are dropped (matching them would reward sentence shape, not content).
    """

    def tokenize(self, text: str) -> list[str]:
        return [ch.lower() for ch in unicodedata.normalize("NFKC", text) if ch.isalnum()]


def make_scorer():
    """A ``rouge_score.rouge_scorer.RougeScorer`` for ROUGE-1/2/L over :class:`CharTokenizer` tokens."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=CharTokenizer())


def rouge_f1(scorer, prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 (0–1) of ``prediction`` against ``reference``."""
    scores = scorer.score(reference, prediction)
    return {name: float(scores[name].fmeasure) for name in ROUGE_TYPES}


def mean_scores(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Per-type mean of per-document F1 rows, × 100."""
    return {name: 100 * statistics.fmean(r[name] for r in rows) for name in ROUGE_TYPES}


class SentenceRouge:
    """ROUGE of every single sentence against its document's reference, computed once.

    With a one-sentence budget a system's score is a table look-up, which makes a hyper-parameter
    grid over hundreds of configurations cheap.
    """

    def __init__(self, sentences: Sequence[Sequence[str]], references: Sequence[str]) -> None:
        scorer = make_scorer()
        self.table = [[rouge_f1(scorer, s, ref) for s in doc] for doc, ref in zip(sentences, references, strict=True)]

    def rows(self, picks: Sequence[Sequence[int]]) -> list[dict[str, float]]:
        """Per-document F1 of one-sentence picks (an empty pick scores 0)."""
        zero = dict.fromkeys(ROUGE_TYPES, 0.0)
        return [self.table[d][p[0]] if p else zero for d, p in enumerate(picks)]

    def mean(self, picks: Sequence[Sequence[int]]) -> dict[str, float]:
        return mean_scores(self.rows(picks))

    def oracle_picks(self) -> list[list[int]]:
        """The best single sentence per document by ROUGE-L (an upper bound for one-sentence picks)."""
        return [[max(range(len(row)), key=lambda i, row=row: row[i]["rougeL"])] for row in self.table]


def bootstrap_interval(values: Sequence[float], samples: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of ``values`` (one per document) and its 95 % percentile bootstrap interval.

    Documents are resampled with replacement; the interval is the 2.5th and 97.5th percentile of
    the resampled means.
    """
    if not values:
        raise ValueError("need a non-empty list of scores")
    rng = random.Random(seed)
    n = len(values)
    means = sorted(statistics.fmean(values[rng.randrange(n)] for _ in range(n)) for _ in range(samples))
    return statistics.fmean(values), means[int(0.025 * samples)], means[int(0.975 * samples) - 1]


def paired_bootstrap(
    a: Sequence[float], b: Sequence[float], samples: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """Mean of ``a - b`` (per-document scores of two systems) and its 95 % bootstrap interval.

    The documents are resampled as pairs; an interval that contains 0 means "no demonstrated
    difference".
    """
    if len(a) != len(b) or not a:
        raise ValueError("need two equally long, non-empty score lists")
    return bootstrap_interval([x - y for x, y in zip(a, b, strict=True)], samples, seed)
