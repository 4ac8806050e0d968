"""Does a paragraph continue the text above it, or open another article?

On OCR'd pages an article may run on with no headline at all; the only clue is that the text after a
gap no longer continues the text before it. Layout and word overlap miss many such turns (two news
items on related subjects share words; a new item opens like any paragraph). A small learned model
reads the end of the text before a gap and the start of the text after it, as sentence vectors from
the theme model's own lowest encoder layer (the vectors the summariser already uses, so no second
model), and gives the probability that the text after the gap opens a new article.

The model is logistic regression over ``[u*v, |u-v|, u, v, cos(u, v)]`` (``u``: the tail before the
gap, ``v``: the head after it): ``v`` alone says "this reads like the opening of a news item", ``u``
alone "this reads like a closing", the products whether the two belong together. It is trained on
pairs of real paragraphs (`wenzhai train-continuity`, `training/continuity_training.py`) and stored
in the theme model's folder as ``continuity.json``, because its weights only fit that encoder. A
model folder without the file simply has no continuity feature: the page reader's roles decide.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import numpy as np

from wenzhai.models.sentence_embedder import DEFAULT_LAYERS
from wenzhai.models.text.types import Paragraph

CONTINUITY_FILE = "continuity.json"

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class ContinuitySettings:
    """What the continuity model reads at a gap; stored with its weights so training and use agree."""

    tail_chars: int = field(default=80, metadata={"help": "Characters before the gap read (the end of the text above)."})
    head_chars: int = field(default=80, metadata={"help": "Characters after the gap read (the start of the text below)."})
    layers: int = field(default=DEFAULT_LAYERS, metadata={"help": "Encoder layers behind the sentence vectors (the summariser's)."})

    def __post_init__(self) -> None:
        for name in ("tail_chars", "head_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 8:
                raise ValueError(f"ContinuitySettings.{name}: must be an integer >= 8, got {value!r}")
        if not isinstance(self.layers, int) or isinstance(self.layers, bool) or self.layers < 0:
            raise ValueError(f"ContinuitySettings.layers: must be an integer >= 0, got {self.layers!r}")

    def texts(self, before: str, after: str) -> tuple[str, str]:
        """What is read at a gap between ``before`` and ``after``."""
        return before[-self.tail_chars:], after[:self.head_chars]

    def features(self, embed: Embed, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """`pair_features` of ``(text before, text after)`` pairs, with one call to ``embed`` for all of
        them: what the model scores, and what its training fits."""
        cut = [self.texts(before, after) for before, after in pairs]
        vectors = np.asarray(embed([t for t, _ in cut] + [h for _, h in cut]), dtype=np.float64)
        return pair_features(vectors[:len(cut)], vectors[len(cut):])


def pair_features(tails: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """``[u*v, |u-v|, u, v, cos]`` per row of L2-normalised tail vectors ``u`` and head vectors ``v``."""
    if tails.shape != heads.shape or tails.ndim != 2:
        raise ValueError(f"tails and heads must be matrices of one shape, got {tails.shape} and {heads.shape}")
    product = tails * heads
    return np.hstack([product, np.abs(tails - heads), tails, heads, product.sum(axis=1, keepdims=True)])


@dataclass(frozen=True)
class ContinuityModel:
    """P(the text after a gap opens a new article) from the gap's tail and head vectors."""

    settings: ContinuitySettings
    coef: np.ndarray
    intercept: float

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> ContinuityModel:
        settings = ContinuitySettings(**spec.get("settings", {}))
        coef = np.asarray(spec["coef"], dtype=np.float64)
        if coef.ndim != 1 or coef.size % 4 != 1:
            raise ValueError(f"continuity model: coef must be 4*dim+1 numbers, got shape {coef.shape}")
        return cls(settings, coef, float(spec["intercept"]))

    def to_spec(self, **extra: Any) -> dict[str, Any]:
        return {"settings": asdict(self.settings), "coef": [round(float(c), 6) for c in self.coef],
                "intercept": round(self.intercept, 6), **extra}

    @property
    def dim(self) -> int:
        return (self.coef.size - 1) // 4

    def texts(self, before: str, after: str) -> tuple[str, str]:
        """What the model reads at a gap between ``before`` and ``after``."""
        return self.settings.texts(before, after)

    def probabilities(self, embed: Embed, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(new article) per ``(text before, text after)`` pair; one call to ``embed`` for all of them."""
        if not pairs:
            return np.zeros(0)
        x = self.settings.features(embed, pairs)
        if x.shape[1] != self.coef.size:
            raise ValueError(f"continuity model: expects {self.dim}-dimensional vectors, the encoder gives "
                             f"{(x.shape[1] - 1) // 4}; rebuild it with `wenzhai train-continuity` for this model")
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def opening_probs(self, embed: Embed, paragraphs: Sequence[Paragraph], runs: Sequence[Sequence[int]]) -> dict[int, float]:
        """``{paragraph index: P(new article)}`` for every paragraph inside ``runs`` but the first of each."""
        gaps = [(run[pos - 1], run[pos]) for run in runs for pos in range(1, len(run))]
        probs = self.probabilities(embed, [(paragraphs[a].text, paragraphs[b].text) for a, b in gaps])
        return {b: float(p) for (_, b), p in zip(gaps, probs, strict=True)}


    def reader(self, embed: Embed) -> Callable[[Sequence[Paragraph], Sequence[Sequence[int]]], dict[int, float]]:
        """`opening_probs` with its encoder bound: what `models.segmentation.segment_page` calls."""
        return partial(self.opening_probs, embed)


def gap_reader(classifier: Any) -> Callable[[Sequence[Paragraph], Sequence[Sequence[int]]], dict[int, float]] | None:
    """A theme classifier's continuity model bound to its own sentence encoder, or None when the
    classifier has no continuity model (or no sentence encoder): what the pipeline and the reader's
    training pass to `models.segmentation.segment_page`."""
    continuity = getattr(classifier, "continuity", None)
    embedder = getattr(classifier, "sentence_embedder", None)
    if continuity is None or not callable(embedder):
        return None
    return continuity.reader(embedder(continuity.settings.layers))


def load_continuity(model_dir: str | Path | None) -> ContinuityModel | None:
    """The continuity model of a theme-model folder, or None when it has none (read once per file version)."""
    if model_dir is None:
        return None
    file = Path(model_dir) / CONTINUITY_FILE
    return _load_cached(str(file), file.stat().st_mtime_ns if file.is_file() else None)


@lru_cache(maxsize=4)
def _load_cached(path: str, version: int | None) -> ContinuityModel | None:
    if version is None:
        return None
    file = Path(path)
    try:
        return ContinuityModel.from_spec(json.loads(file.read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"{file}: not a continuity model ({err}); rebuild it with `wenzhai train-continuity`") from err
