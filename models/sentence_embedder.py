"""Sentence vectors for the summariser, optionally from only the lowest layers of an encoder.

Why lower layers: a 20,000-character essay is ~600 sentences and ~15,000 tokens; a full 12-layer
pass over that takes tens of seconds on two CPU cores, while the summariser only needs "which
sentences talk about the same things", which lower layers (closer to the words) already capture.
`training/summarization_eval.py` measures the ROUGE cost of each depth on LCSTS, which is what the
default depth rests on.

One function, :func:`embed_sentences`, does the batching and pooling for every runtime: it only
needs "token ids and mask in, hidden states out". :class:`OnnxSentenceEmbedder` feeds it the
model folder's exported fp32 encoder (numpy and ONNX Runtime only: what serving uses);
:class:`EncoderEmbedder` feeds it a PyTorch encoder (its weights shared, no copy), imported only
when one is used.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wenzhai.models.model_calls import model_call
from wenzhai.models.onnx_runtime import OnnxHiddenStates, onnx_path, sentence_file
from wenzhai.models.tokenization import TextTokenizer

HiddenStates = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: Encoder layers behind the sentence vectors of the summariser and the continuity model: 0, the token
#: embeddings alone. reports/summarization.md measured every depth on LCSTS (ROUGE-L 23.00 at depth 0,
#: 22.82 at 1, a spread of 0.46 over 0-12); depth 1 cost a third of `analyze` on the seed page
#: (docs/performance.md), depth 0 a lookup and a layer norm.
DEFAULT_LAYERS = 0


@dataclass
class EmbedderSettings:
    """How sentences are encoded."""

    layers: int | None = field(
        default=None, metadata={"help": "Transformer layers to run (None = all, 0 = token embeddings only)."}
    )
    prefix: str = field(default="", metadata={"help": "Text prepended to every sentence (e5: 'query: ')."})
    batch_size: int = field(default=64, metadata={"help": "Sentences per forward pass (length-sorted)."})
    max_length: int = field(default=128, metadata={"help": "Tokens kept per sentence (longer ones are cut)."})

    def __post_init__(self) -> None:
        if self.layers is not None and self.layers < 0:
            raise ValueError(f"layers must be None or >= 0, got {self.layers}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.max_length < 3:
            raise ValueError(f"max_length must be >= 3, got {self.max_length}")


def embed_sentences(
    hidden_states: HiddenStates, tokenizer: TextTokenizer, texts: Sequence[str], settings: EmbedderSettings
) -> np.ndarray:
    """L2-normalised mean-pooled vectors, one float32 row per text, in input order.

    Texts are cut to ``settings.max_length`` tokens and run in batches of similar length (fewest
    padding tokens); padding is masked out of the mean, so a text's vector does not depend on its batch.
    """
    ids = tokenizer.truncated([settings.prefix + text for text in texts], settings.max_length)
    out: np.ndarray | None = None
    order = np.argsort([len(row) for row in ids], kind="stable")
    for start in range(0, len(order), settings.batch_size):
        index = order[start : start + settings.batch_size]
        width = max(len(ids[i]) for i in index)
        batch = np.full((len(index), width), tokenizer.pad_id, dtype=np.int64)
        mask = np.zeros((len(index), width), dtype=np.int64)
        for row, i in enumerate(index):
            batch[row, : len(ids[i])] = ids[i]
            mask[row, : len(ids[i])] = 1
        with model_call():  # one bounded call per batch: see models.model_calls
            hidden = hidden_states(batch, mask).astype(np.float32)
        pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        if out is None:
            out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
        out[index] = pooled
    return out if out is not None else np.zeros((0, 0), dtype=np.float32)


class SentenceEmbedder:
    """Callable ``texts -> L2-normalised float32 matrix`` over a hidden-states function.

    Remembers the vectors of the last ``cache_size`` distinct sentences: `analyze` summarises the page
    and then each long segment, which reads most sentences a second time; a remembered sentence costs
    no model call. A sentence's vector does not depend on its batch (padding is masked), so a
    remembered one equals a recomputed one up to float rounding.
    """

    def __init__(
        self,
        hidden_states: HiddenStates,
        tokenizer: Any,
        settings: EmbedderSettings | None = None,
        cache_size: int = 4096,
    ) -> None:
        if cache_size < 0:
            raise ValueError(f"cache_size must be >= 0, got {cache_size}")
        self.hidden_states = hidden_states
        self.tokenizer = TextTokenizer.of(tokenizer)
        self.settings = settings or EmbedderSettings()
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Empty the memory of recent vectors (benchmarks: a new document's sentences are new)."""
        with self._lock:
            self._cache.clear()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        with self._lock:
            known = {t: self._cache[t] for t in dict.fromkeys(texts) if t in self._cache}
            for text in known:
                self._cache.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = embed_sentences(self.hidden_states, self.tokenizer, missing, self.settings)
            known.update(zip(missing, fresh, strict=True))
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._cache[text] = vector
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)


class OnnxSentenceEmbedder(SentenceEmbedder):
    """Sentence vectors from a model folder's exported fp32 encoder (``onnx/sentence-l<layers>.onnx``).

    The lowest layer stays fp32: it is where int8 hurts most; ONNX Runtime ran it 2.5x faster than
    PyTorch with the same vectors (cosine >= 0.99999 on a 20,000-character essay).
    """

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        tokenizer: TextTokenizer,
        settings: EmbedderSettings | None = None,
        threads: int | None = None,
    ) -> None:
        settings = settings or EmbedderSettings()
        path = onnx_path(model_dir, sentence_file(settings.layers), sentence_layers=settings.layers)
        super().__init__(OnnxHiddenStates(path, threads), tokenizer, settings)


class EncoderEmbedder(SentenceEmbedder):
    """Sentence vectors from a PyTorch encoder (its lowest ``settings.layers``), sharing its weights.

    The encoder runs in eval mode and is left in the mode it was found in.
    """

    def __init__(self, encoder: Any, tokenizer: Any, settings: EmbedderSettings | None = None) -> None:
        from wenzhai.models.torch_backend import torch_hidden_states

        settings = settings or EmbedderSettings()
        # no memory of past vectors: a PyTorch encoder's weights may change (training, distillation)
        super().__init__(torch_hidden_states(encoder, settings.layers), tokenizer, settings, cache_size=0)


def __getattr__(name: str) -> Any:
    """``LowerLayers`` and ``transformer_layers`` live in :mod:`models.torch_backend` (PyTorch), imported on use."""
    if name in ("LowerLayers", "transformer_layers"):
        from wenzhai.models import torch_backend

        return getattr(torch_backend, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
