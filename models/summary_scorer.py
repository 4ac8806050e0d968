"""A learned sentence scorer: how summary-worthy each body sentence is, from cheap features.

Why learned: a hand-set lead prior plus centrality picked the first sentence and then closing
boilerplate on real articles (issue #17). The weights here were fitted by distant supervision
(`training.summary_scorer_train`): titled TV-news items, People's Daily 1998 articles under their
headlines and LCSTS texts with their human summaries, each sentence labelled by its ROUGE against
the title or summary. Position is learned (one weight per position bucket), not set by hand.

Features are scale-free within a document (positions, lengths, and similarities rescaled to the
document's own range), so the weights do not depend on which encoder produced the sentence vectors.
Inference is numpy only: standardise, one hidden ReLU layer (or none: a linear model), one output.
Weights live in a small JSON file (`summary_scorer.json`, beside this module), never a pickle.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wenzhai.models.centrality import directed_centrality, rescale
from wenzhai.models.lexical_similarity import char_bigrams

DEFAULT_SCORER_PATH = Path(__file__).with_name("summary_scorer.json")

#: Bucket edges (lower bounds) of the learned position and length weights.
INDEX_BUCKETS = (0, 1, 2, 3, 4, 5, 10)
RELATIVE_BUCKETS = (0.0, 0.1, 0.3, 0.6, 0.9)
PARAGRAPH_BUCKETS = (0, 1, 2)
LENGTH_BUCKETS = (0, 15, 30, 60, 100)
FIGURE_CHARS = frozenset("0123456789０１２３４５６７８９％%")


def _bucket_names(name: str, edges: Sequence[float]) -> list[str]:
    return [f"{name}>={edge:g}" for edge in edges]


FEATURE_NAMES: tuple[str, ...] = (
    *_bucket_names("index", INDEX_BUCKETS),
    *_bucket_names("relative_position", RELATIVE_BUCKETS),
    *_bucket_names("paragraph", PARAGRAPH_BUCKETS),
    "opens_paragraph",
    "closes_paragraph",
    *_bucket_names("chars", LENGTH_BUCKETS),
    "log_chars",
    "centrality_directed",
    "centrality_degree",
    "cosine_to_document",
    "lexical_to_document",
    "has_figures",
    "figure_share",
    "quotes",
    "colon_in_opening",
    "ends_question_or_exclamation",
    "log_document_sentences",
    "bigram_density",
    "has_title",
    "title_cosine",
    "title_overlap",
)


def _one_hot(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    """``[n, len(edges)]``: 1 in the column of the last edge each value reaches."""
    column = np.searchsorted(np.asarray(edges, dtype=np.float64), values, side="right") - 1
    out = np.zeros((len(values), len(edges)))
    out[np.arange(len(values)), np.clip(column, 0, len(edges) - 1)] = 1.0
    return out


def bigram_density(texts: Sequence[str]) -> np.ndarray:
    """Per sentence: the mean over its distinct character bigrams of log(1 + the number of *other*
    sentences that share it): how much of what it says the rest of the text repeats (names, terms)."""
    grams = [char_bigrams(t) for t in texts]
    frequency: Counter[str] = Counter(g for sentence in grams for g in sentence)
    shared = {g: math.log1p(n - 1) for g, n in frequency.items()}
    return np.array([sum(shared[g] for g in sentence) / len(sentence) if sentence else 0.0 for sentence in grams])


def title_overlap(texts: Sequence[str], title: str) -> np.ndarray:
    """Share of the title's character bigrams that each sentence contains (0 without a title)."""
    wanted = char_bigrams(title)
    if not wanted:
        return np.zeros(len(texts))
    return np.array([len(wanted & char_bigrams(t)) / len(wanted) for t in texts])


def sentence_features(
    texts: Sequence[str], paragraphs: Sequence[int], embeddings: np.ndarray, similarity: np.ndarray,
    lexical: np.ndarray, title: str = "", title_embedding: np.ndarray | None = None,
) -> np.ndarray:
    """``[n, len(FEATURE_NAMES)]`` features of a document's candidate sentences (document order).

    paragraphs: the paragraph number of each sentence; embeddings: L2-normalised rows;
    similarity: the sentence similarity the summariser uses (embedding cosine mixed with
    ``lexical``, the character-bigram cosine); title: the text's headline(s), "" when it has none,
    with its L2-normalised ``title_embedding``.
    """
    n = len(texts)
    if not (len(paragraphs) == n == len(embeddings) and similarity.shape == (n, n) == lexical.shape):
        raise ValueError("texts, paragraphs, embeddings and the similarity matrices must describe the same sentences")
    index = np.arange(n, dtype=np.float64)
    para = np.asarray(paragraphs)
    para_rank = np.cumsum(np.r_[True, para[1:] != para[:-1]]) - 1 if n else para
    opens = np.r_[True, para[1:] != para[:-1]] if n else np.zeros(0, bool)
    closes = np.r_[para[1:] != para[:-1], True] if n else np.zeros(0, bool)
    chars = np.array([len(t) for t in texts], dtype=np.float64)
    centroid = np.asarray(embeddings, dtype=np.float64).mean(axis=0)
    off_diagonal = max(n - 1, 1)
    figures = np.array([sum(ch in FIGURE_CHARS for ch in t) for t in texts], dtype=np.float64)
    opening = [t[:16] for t in texts]
    columns = [
        _one_hot(index, INDEX_BUCKETS),
        _one_hot(index / max(n, 1), RELATIVE_BUCKETS),
        _one_hot(para_rank.astype(np.float64), PARAGRAPH_BUCKETS),
        opens[:, None],
        closes[:, None],
        _one_hot(chars, LENGTH_BUCKETS),
        np.log1p(chars)[:, None],
        rescale(directed_centrality(similarity, 0.2, 1.0, "mean"))[:, None],
        rescale(directed_centrality(similarity, 0.2, -1.0, "sum"))[:, None],
        rescale(np.asarray(embeddings, dtype=np.float64) @ centroid)[:, None],
        rescale((lexical.sum(axis=1) - np.diag(lexical)) / off_diagonal)[:, None],
        (figures > 0)[:, None],
        (figures / np.maximum(chars, 1))[:, None],
        np.array([("“" in t) or ("”" in t) for t in texts])[:, None],
        np.array(["：" in o or ":" in o for o in opening])[:, None],
        np.array([t.rstrip("”’」』）)").endswith(("？", "！", "?", "!")) for t in texts])[:, None],
        np.full((n, 1), np.log1p(n)),
        rescale(bigram_density(texts))[:, None],
        np.full((n, 1), float(bool(title) and title_embedding is not None)),
        (rescale(np.asarray(embeddings, dtype=np.float64) @ np.asarray(title_embedding, dtype=np.float64))
         if title and title_embedding is not None else np.zeros(n))[:, None],
        title_overlap(texts, title)[:, None],
    ]
    return np.hstack([np.asarray(c, dtype=np.float64).reshape(n, -1) for c in columns])


@dataclass(frozen=True)
class SentenceScorer:
    """Standardise the features, then a small MLP (``hidden`` empty: a linear model)."""

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    hidden: tuple[tuple[np.ndarray, np.ndarray], ...]
    output: tuple[np.ndarray, float]

    def __call__(self, features: np.ndarray) -> np.ndarray:
        """One raw score per row of ``features`` (higher = more summary-worthy)."""
        x = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        for weights, bias in self.hidden:
            x = np.maximum(x @ weights + bias, 0.0)
        weights, bias = self.output
        return x @ weights + bias

    @classmethod
    def from_dict(cls, data: dict) -> SentenceScorer:
        names = tuple(data["features"])
        if names != FEATURE_NAMES:
            raise ValueError(
                "summary scorer weights were fitted on other features than this code computes; rebuild them "
                "with `python -m wenzhai.training.summary_scorer_train`"
            )
        hidden = tuple((np.asarray(layer["weights"], dtype=np.float64), np.asarray(layer["bias"], dtype=np.float64))
                       for layer in data["hidden"])
        output = (np.asarray(data["output"]["weights"], dtype=np.float64), float(data["output"]["bias"]))
        return cls(names, np.asarray(data["mean"], dtype=np.float64), np.asarray(data["scale"], dtype=np.float64),
                   hidden, output)

    @classmethod
    def load(cls, path: Path | str = DEFAULT_SCORER_PATH) -> SentenceScorer:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_dict(self) -> dict:
        def rounded(a: np.ndarray) -> list:
            return np.round(a, 6).tolist()

        return {
            "features": list(self.feature_names),
            "mean": rounded(self.mean),
            "scale": rounded(self.scale),
            "hidden": [{"weights": rounded(w), "bias": rounded(b)} for w, b in self.hidden],
            "output": {"weights": rounded(self.output[0]), "bias": round(self.output[1], 6)},
        }
