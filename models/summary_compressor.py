"""Clause compression of summary sentences: keep the clauses that carry a sentence's content.

Why: a news sentence strings clauses together with commas (``新春前夕，总台记者分赴祖国各地，深入基层一线，
…``), and a summary written by a reader keeps the facts and drops the scene-setting, the attribution and
the repetition. Whole sentences spend most of a summary's characters on clauses no reader keeps
(issue #17: in the articles our readers summarised, a clause of a chosen sentence holds on average 28 %
of its character bigrams in the reader's summary). So after the sentences are chosen, each is cut into
clauses at the commas, semicolons and colons outside quotations and brackets, and a small learned model
says which clauses to keep; a cut sentence keeps at least ``min_kept_chars`` letters, so it never
shrinks to a fragment. The choice of sentences does not change.

The model is a logistic regression over named features (``clause_features``: the clause's place in its
sentence, its length, figures, quotations, how much of it the document repeats, how much of it the
other summary sentences already say, and its opening and closing characters), fitted by
`training.summary_compressor_train` on the summaries our readers wrote, each clause's target being the
share of its character bigrams found in the reader's summary. Inference is plain Python over a small
JSON file (`summary_compressor.json`, beside this module): a dictionary of weights and the keep
threshold, never a pickle.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wenzhai.models.text.chars import SENTENCE_END
from wenzhai.models.text.cohesion import bigrams
from wenzhai.models.text.sentences import _gap_depths

DEFAULT_COMPRESSOR_PATH = Path(__file__).with_name("summary_compressor.json")
#: Per summary sentence, ``(clause bounds, clause feature rows)``: what `summary_clause_features` gives.
ClauseFeatures = list[tuple[list[tuple[int, int]], list[dict[str, float]]]]

#: Where a clause may end: after these marks, outside quotations and brackets.
CLAUSE_MARKS = frozenset("，；：,;:")
#: A kept text that ends on a clause mark is closed with its sentence's own end, or this.
DEFAULT_CLOSE = "。"
_NOT_WORD = re.compile(r"\W+")
_DIGIT = re.compile(r"\d")

#: Dense features, in the order `clause_features` computes them (lexical ones follow, by name).
DENSE_FEATURES: tuple[str, ...] = (
    "first",
    "last",
    "relative_index",
    "log_clauses",
    "log_chars",
    "short",
    "figures",
    "quotes",
    "document_repeats",
    "document_repeats_twice",
    "said_in_summary",
    "summary_rank",
)


def clause_bounds(sentence: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each clause of ``sentence``, covering it whole and in order.

    A clause ends after a mark of `CLAUSE_MARKS` that no quotation or bracket encloses, so a quoted
    remark stays in one clause. A sentence without such a mark is one clause.
    """
    depths = _gap_depths(sentence, max_quote_chars=len(sentence))
    bounds, start = [], 0
    for i, char in enumerate(sentence):
        if char in CLAUSE_MARKS and depths[i] == 0 and i + 1 < len(sentence):
            bounds.append((start, i + 1))
            start = i + 1
    bounds.append((start, len(sentence)))
    return [(a, b) for a, b in bounds if sentence[a:b].strip()]


def _core(text: str) -> str:
    """Letters and digits only, NFKC-folded, every digit as ``0`` (the unit of the lexical features)."""
    return _DIGIT.sub("0", _NOT_WORD.sub("", unicodedata.normalize("NFKC", text)))


def _share(grams: Counter[str], pool: Counter[str] | set[str], at_least: int = 1) -> float:
    """Share of ``grams``' distinct bigrams that occur at least ``at_least`` times in ``pool``."""
    if not grams:
        return 0.0
    if isinstance(pool, set):
        return sum(g in pool for g in grams) / len(grams)
    return sum(pool[g] >= at_least for g in grams) / len(grams)


def clause_features(
    sentence: str, bounds: Sequence[tuple[int, int]], summary_rank: int, others: set[str], document: Counter[str]
) -> list[dict[str, float]]:
    """Features of each clause of one summary sentence (training and inference call this alone).

    ``summary_rank``: the sentence's place among the summary's sentences (0 = first); ``others``: the
    character bigrams of the summary's other sentences; ``document``: bigram counts of the whole text.
    """
    n = len(bounds)
    rows = []
    for k, (a, b) in enumerate(bounds):
        clause = sentence[a:b]
        core = _core(clause)
        grams = bigrams(clause)
        mark = clause.rstrip()[-1:]
        row = {
            "first": float(k == 0),
            "last": float(k == n - 1),
            "relative_index": k / (n - 1) if n > 1 else 0.0,
            "log_clauses": math.log(n),
            "log_chars": math.log1p(len(core)),
            "short": float(len(core) < 6),
            "figures": float("0" in core),
            "quotes": float(any(q in clause for q in "“”「」\"")),
            # a document repeats what it is about: bigrams seen elsewhere in it (the clause itself counts once)
            "document_repeats": _share(grams, document, 2),
            "document_repeats_twice": _share(grams, document, 3),
            "said_in_summary": _share(grams, others),
            "summary_rank": float(summary_rank),
            f"open:{core[:2]}": 1.0,
            f"open1:{core[:1]}": 1.0,
            f"close:{core[-2:]}": 1.0,
            f"close1:{core[-1:]}": 1.0,
            f"mark:{mark if not mark.isalnum() else 'none'}": 1.0,
        }
        rows.append(row)
    return rows


@dataclass(frozen=True)
class ClauseCompressor:
    """Keep probabilities of clauses from `clause_features`: ``sigmoid(bias + Σ weight × value)``.

    ``threshold``: a clause is kept when its probability is at least this. ``min_kept_chars``: letters
    and digits a cut sentence keeps at least (the next most likely clauses join until it does), so a
    chosen sentence never shrinks to a fragment such as ``近日``. Both are picked on held-out read
    summaries by the training. ``about``: how the weights were made (command, data, validation).
    """

    weights: dict[str, float]
    bias: float
    threshold: float
    min_kept_chars: int = 10
    about: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {self.threshold}")
        if self.min_kept_chars < 0:
            raise ValueError(f"min_kept_chars must be >= 0, got {self.min_kept_chars}")

    def probabilities(self, rows: Sequence[dict[str, float]]) -> list[float]:
        out = []
        for row in rows:
            z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in row.items())
            out.append(1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z)))))
        return out

    def keep(self, rows: Sequence[dict[str, float]], chars: Sequence[int]) -> list[bool]:
        """Which clauses to keep: those at or above the threshold, then the next most likely ones until
        the kept clauses hold ``min_kept_chars`` letters and digits (``chars``: each clause's count)."""
        if len(rows) != len(chars):
            raise ValueError("keep needs one letter count per clause")
        p = self.probabilities(rows)
        kept = [x >= self.threshold for x in p]
        for k in sorted(range(len(p)), key=lambda i: -p[i]):
            if sum(c for c, keep in zip(chars, kept, strict=True) if keep) >= self.min_kept_chars:
                break
            kept[k] = True
        return kept

    def to_dict(self) -> dict:
        return {"about": self.about, "threshold": self.threshold, "min_kept_chars": self.min_kept_chars,
                "bias": round(self.bias, 6),
                "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if round(v, 6) != 0.0}}

    @classmethod
    def from_dict(cls, data: dict) -> ClauseCompressor:
        try:
            weights = {str(k): float(v) for k, v in data["weights"].items()}
            return cls(weights, float(data["bias"]), float(data["threshold"]), int(data["min_kept_chars"]),
                       dict(data.get("about") or {}))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not clause-compressor weights (needs weights, bias, threshold, min_kept_chars): {exc}"
                             ) from None

    @classmethod
    def load(cls, path: Path | str = DEFAULT_COMPRESSOR_PATH) -> ClauseCompressor:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def save(self, path: Path | str) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


@functools.lru_cache(maxsize=4)
def load_compressor(path: str | None) -> ClauseCompressor:
    """The compressor's weights, read once per file (None: the shipped file)."""
    return ClauseCompressor.load(path or DEFAULT_COMPRESSOR_PATH)


def summary_clause_features(sentences: Sequence[str], documents: Sequence[Counter[str]]) -> ClauseFeatures:
    """``(clause bounds, clause features)`` of each sentence of a summary (in summary order).

    ``documents``: per sentence, the bigram counts of the text it comes from (one article of a page).
    """
    if len(documents) != len(sentences):
        raise ValueError("summary_clause_features needs one document per sentence")
    grams = [set(bigrams(s)) for s in sentences]
    out = []
    for rank, (sentence, document) in enumerate(zip(sentences, documents, strict=True)):
        others = set().union(*(g for j, g in enumerate(grams) if j != rank))
        bounds = clause_bounds(sentence)
        out.append((bounds, clause_features(sentence, bounds, rank, others, document)))
    return out


def kept_bounds(
    compressor: ClauseCompressor, sentences: Sequence[str], documents: Sequence[Counter[str]]
) -> list[list[tuple[int, int]]]:
    """Per summary sentence, the ``[start, end)`` runs of it that the summary keeps (adjacent kept
    clauses merged into one run; a sentence nothing is cut from is one run, the whole sentence)."""
    return kept_runs(compressor, sentences, summary_clause_features(sentences, documents))


def kept_runs(
    compressor: ClauseCompressor, sentences: Sequence[str], features: ClauseFeatures
) -> list[list[tuple[int, int]]]:
    """`kept_bounds` from features already computed (the training scores many settings on the same ones)."""
    out = []
    for sentence, (bounds, rows) in zip(sentences, features, strict=True):
        runs: list[tuple[int, int]] = []
        chars = [len(_NOT_WORD.sub("", sentence[a:b])) for a, b in bounds]
        for (a, b), keep in zip(bounds, compressor.keep(rows, chars), strict=True):
            if not keep:
                continue
            if runs and runs[-1][1] == a:
                runs[-1] = (runs[-1][0], b)
            else:
                runs.append((a, b))
        out.append(runs)
    return out


def joined_text(sentence: str, runs: Sequence[tuple[int, int]]) -> str:
    """The kept runs of ``sentence`` as one text, closed like a sentence: a kept text that ends on a
    clause mark ends with the sentence's own closing mark (``。`` when that is not ``。！？…``)."""
    text = "".join(sentence[a:b] for a, b in runs).strip()
    if text and text[-1] in CLAUSE_MARKS:
        close = sentence.rstrip()[-1:]
        text = text[:-1] + (close if close in SENTENCE_END else DEFAULT_CLOSE)
    return text
