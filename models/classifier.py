"""Theme classifier: a fine-tuned encoder with calibrated probabilities and secondary themes.

Everything inference needs is in the model folder: ``id2label``/``label2id`` and a ``wenzhai`` block
in ``config.json`` (temperature, secondary-theme threshold, window length and stride, theme
metadata). Weights are read from safetensors only.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from wenzhai.models.backends import BACKEND_ENV, BACKENDS
from wenzhai.models.continuity import ContinuityModel, load_continuity
from wenzhai.models.model_calls import model_call
from wenzhai.models.onnx_runtime import CLASSIFIER_FILE, OnnxLogits, onnx_path
from wenzhai.models.results import ThemePrediction
from wenzhai.models.sentence_embedder import (
    EmbedderSettings,
    EncoderEmbedder,
    OnnxSentenceEmbedder,
    SentenceEmbedder,
)
from wenzhai.models.text import clean_text
from wenzhai.models.themes import THEMES
from wenzhai.models.tokenization import TextTokenizer
from wenzhai.models.windows import encode_windows, pool_logits


@dataclass
class InferenceSettings:
    """Settings stored in the model config under ``wenzhai``; set by training and calibration."""

    temperature: float = field(default=1.0, metadata={"help": "Softmax temperature from calibration."})
    secondary_threshold: float = field(
        default=0.3, metadata={"help": "Calibrated probability a non-primary theme needs to be secondary."}
    )
    max_length: int = field(default=256, metadata={"help": "Tokens per window, special tokens included."})
    window_stride: int = field(default=64, metadata={"help": "Tokens of overlap between windows."})
    version: str = field(default="0", metadata={"help": "Model version reported by the API."})
    name: str = field(default="wenzhai-theme", metadata={"help": "Model name reported by the API."})
    themes: dict[str, dict[str, str]] = field(default_factory=lambda: dict(THEMES))
    backend: str = field(
        default="torch",
        metadata={
            "help": "How the encoder runs: 'torch' (fp32, length-sorted batches), 'onnx-int8' (ONNX Runtime, "
            "int8 weights, one window per call; see models/onnx_runtime.py) or 'torch-int8' (PyTorch dynamic "
            "int8; its scores depend slightly on the batch). bench/speed.py measures all three."
        },
    )

    def __post_init__(self) -> None:
        if self.temperature <= 0:
            raise ValueError("temperature must be > 0")
        if not 0 < self.secondary_threshold <= 1:
            raise ValueError("secondary_threshold must be in (0, 1]")
        if self.max_length < 8:
            raise ValueError("max_length must be >= 8")
        if not 0 <= self.window_stride < self.max_length - 2:
            raise ValueError("window_stride must be in [0, max_length - 2)")
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {self.backend!r}")

    @classmethod
    def from_config(cls, config: Any) -> InferenceSettings:
        stored = getattr(config, "wenzhai", None) or {}
        known = {k: v for k, v in stored.items() if k in cls.__dataclass_fields__}
        return cls(**known)


NON_CHINESE_OTHER_PROB = 0.4
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def has_chinese(text: str) -> bool:
    """True when ``text`` holds at least one Han character."""
    return _HAN.search(text) is not None


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits.astype(np.float64) / temperature
    z -= z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


class ThemeClassifier:
    """Batch theme prediction over arbitrary-length texts.

    ``model``: a loaded ``transformers`` sequence classifier for the PyTorch backends, or None with
    ``onnx_model`` (and ``labels``) for 'onnx-int8'. :meth:`from_pretrained` builds either from a
    model folder; the 'onnx-int8' path imports neither PyTorch nor ``transformers``.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        settings: InferenceSettings | None = None,
        batch_size: int = 16,
        max_batch_tokens: int = 8192,
        threads: int | None = None,
        onnx_model: OnnxLogits | None = None,
        labels: Sequence[str] | None = None,
    ) -> None:
        self.tokenizer = TextTokenizer.of(tokenizer)
        self.settings = settings or InferenceSettings.from_config(model.config)
        self.model = model  # the PyTorch model (None on 'onnx-int8')
        self.threads = threads
        self.source_dir: Path | None = None  # the model folder, when loaded from one
        self._embedders: dict[int | None, SentenceEmbedder] = {}
        if self.settings.backend == "onnx-int8":
            if onnx_model is None:
                raise ValueError("backend 'onnx-int8' needs the ONNX model: load with ThemeClassifier.from_pretrained")
            self.window_runner: Callable[[list[list[int]]], np.ndarray] = onnx_model
        else:
            if model is None:
                raise ValueError(f"backend {self.settings.backend!r} needs the PyTorch model")
            from wenzhai.models.torch_backend import TorchLogits

            if threads:
                import torch

                torch.set_num_threads(threads)
            self.window_runner = TorchLogits(
                model.eval(), self.tokenizer.pad_id, int8=self.settings.backend == "torch-int8",
                batch_size=batch_size, max_batch_tokens=max_batch_tokens,
            )
        self.onnx_model = onnx_model if self.settings.backend == "onnx-int8" else None
        # ONNX Runtime runs one window per call anyway; PyTorch one padded batch
        self.windows_per_call = 1 if self.onnx_model is not None else batch_size
        if labels is None:
            id2label = model.config.id2label
            labels = [id2label[i] for i in range(len(id2label))]
        self.labels: tuple[str, ...] = tuple(labels)

    @classmethod
    def from_pretrained(
        cls,
        path: str | os.PathLike[str],
        threads: int | None = None,
        backend: str | None = None,
        **kwargs: Any,
    ) -> ThemeClassifier:
        """Load a model folder.

        ``backend`` overrides the folder's ``wenzhai.backend`` (so does ``$WENZHAI_BACKEND``).
        'onnx-int8' reads ``onnx/classifier-int8.onnx``, written by ``wenzhai export`` or ``wenzhai
        model optimize``; a missing or stale file is an error naming that command, never a silent
        switch to PyTorch. The PyTorch backends read the safetensors weights as fp32.
        """
        path = Path(path)
        config = read_config(path)
        settings = kwargs.pop("settings", None) or InferenceSettings.from_config(config)
        backend = backend or os.environ.get(BACKEND_ENV) or settings.backend
        settings = replace(settings, backend=backend)  # validates the name
        tokenizer = TextTokenizer.from_dir(path)
        if backend == "onnx-int8":
            onnx_file = onnx_path(path, CLASSIFIER_FILE)
            id2label = config.id2label
            classifier = cls(
                None, tokenizer, settings=settings, threads=threads, labels=[id2label[i] for i in range(len(id2label))],
                onnx_model=OnnxLogits(onnx_file, threads=threads), **kwargs,
            )
        else:
            from wenzhai.models.torch_backend import load_classifier_model

            classifier = cls(load_classifier_model(path), tokenizer, settings=settings, threads=threads, **kwargs)
        classifier.source_dir = path
        return classifier

    def sentence_embedder(self, layers: int | None) -> SentenceEmbedder:
        """Sentence vectors from this classifier's encoder (its lowest ``layers``, or all), for the summariser.

        On 'onnx-int8' they come from the folder's exported fp32 encoder (an error naming the command
        that builds it when missing); on the PyTorch backends from the loaded encoder itself.
        One embedder per depth, shared by every caller (the summariser, the continuity model): one
        ONNX session and one memory of recent vectors.
        """
        if layers not in self._embedders:
            self._embedders[layers] = self._new_embedder(layers)
        return self._embedders[layers]

    def forget_vectors(self) -> None:
        """Empty every shared sentence embedder's memory of recent vectors."""
        for embedder in self._embedders.values():
            embedder.forget()

    def _new_embedder(self, layers: int | None) -> SentenceEmbedder:
        if self.onnx_model is not None:
            # 16 sentences per gated call: a short /tag waits for at most one such call (models.model_calls)
            settings = EmbedderSettings(layers=layers, batch_size=16)
            if self.source_dir is None:
                raise ValueError("sentence vectors on 'onnx-int8' need a classifier loaded from a model folder")
            return OnnxSentenceEmbedder(self.source_dir, self.tokenizer, settings, threads=self.threads)
        return EncoderEmbedder(self.model.base_model, self.tokenizer, EmbedderSettings(layers=layers))

    @cached_property
    def continuity(self) -> ContinuityModel | None:
        """The model folder's continuity model (`models.continuity`), or None without one (read once)."""
        return load_continuity(self.source_dir)

    def info(self) -> dict[str, str]:
        return {"name": self.settings.name, "version": self.settings.version}

    def logits(self, texts: list[str]) -> np.ndarray:
        """Uncalibrated per-text logits; long texts are windowed and aggregated, never truncated."""
        return self.weighted_logits(texts)[0]

    def weighted_logits(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per-text logits and the tokens behind each (its windows' lengths summed).

        The weights let a caller combine texts without reading them again: the token-weighted mean
        of several texts' logits is exactly the pooling of all their windows (:func:`models.windows.pool_logits`)
        (``Pipeline.analyze`` tags a segment from its paragraphs' logits this way).
        """
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32), np.zeros(0, dtype=np.float64)
        windows = encode_windows(self.tokenizer, texts, self.settings.max_length, self.settings.window_stride)
        lengths = np.array([len(ids) for ids in windows.input_ids], dtype=np.float64)
        return pool_logits(self.window_logits(windows.input_ids), lengths, windows.owner, len(texts))

    def opening_logits(self, texts: list[str], max_length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Uncalibrated logits of each text's opening only (its first ``max_length`` tokens, special
        tokens included; default the model's window), and the tokens read for each (weights as in
        :meth:`weighted_logits`).

        A news article states its subject in its headline and lead; ``Pipeline.analyze`` tags a page's
        segments from their headline and opening this way (``PipelineConfig.segment_themes``), one
        window per segment whatever its length. A paragraph states its topic in its first sentences;
        the paragraph pass reads that much of each (`models.pipeline.paragraph_pass`).
        """
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32), np.zeros(0, dtype=np.float64)
        length = self.settings.max_length if max_length is None else min(max_length, self.settings.max_length)
        ids = TextTokenizer.of(self.tokenizer).truncated(texts, length)
        return self.window_logits(ids), np.array([len(x) for x in ids], dtype=np.float64)

    def window_logits(self, input_ids: list[list[int]]) -> np.ndarray:
        """Uncalibrated logits of each token window (ids with special tokens), in order.

        Run :attr:`windows_per_call` windows per gated call (:mod:`models.model_calls`), so a host can let other
        requests in between, or stop the work, after each one.
        """
        if not input_ids:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        order = sorted(range(len(input_ids)), key=lambda i: -len(input_ids[i]))  # similar lengths per call
        out = np.zeros((len(input_ids), len(self.labels)), dtype=np.float32)
        for start in range(0, len(order), self.windows_per_call):
            chunk = order[start : start + self.windows_per_call]
            with model_call():
                out[chunk] = self.window_runner([input_ids[i] for i in chunk])
        return out

    def predict_proba(self, texts: list[str], clean: bool = True) -> np.ndarray:
        """Calibrated theme probabilities, one row per text, columns in :attr:`labels` order.

        Raw texts get the clean-up the training data got (``clean_text``: full-width digits and
        letters, letter-spacing, wrapped lines); pass ``clean=False`` for text that is already clean.

        Text without a single Chinese character is outside what the model was trained to read: it
        gets :data:`NON_CHINESE_OTHER_PROB` on ``other`` and the rest spread evenly (low confidence),
        instead of whatever the encoder makes of it.
        """
        if clean:
            texts = [clean_text(t) if t.strip() else t for t in texts]
        return self.probabilities(self.logits(texts), texts)

    def probabilities(self, logits: np.ndarray, texts: list[str]) -> np.ndarray:
        """Calibrated probabilities from :meth:`logits` rows of ``texts`` (see :meth:`predict_proba`)."""
        probs = softmax(logits, self.settings.temperature)
        if "other" in self.labels:
            other = self.labels.index("other")
            rest = (1.0 - NON_CHINESE_OTHER_PROB) / (len(self.labels) - 1)
            for i, text in enumerate(texts):
                if not has_chinese(text):
                    probs[i] = rest
                    probs[i, other] = NON_CHINESE_OTHER_PROB
        return probs

    def secondary_labels(self, probs: np.ndarray) -> list[str]:
        """Non-primary themes whose calibrated probability passes the threshold, most likely first.

        None when the non-primary probabilities are all equal (the flat answer for a text without
        Chinese): no theme is then likelier than another, whatever the threshold.
        """
        primary = int(np.argmax(probs))
        if np.ptp(np.delete(probs, primary)) <= 1e-9:
            return []
        order = np.argsort(-probs)
        return [
            self.labels[i]
            for i in order
            if i != primary and self.labels[i] != "other" and probs[i] >= self.settings.secondary_threshold
        ]

    def predict(self, texts: list[str], clean: bool = True) -> list[ThemePrediction]:
        """The theme, calibrated scores and secondary themes of each text, in input order."""
        return [self.describe(p) for p in self.predict_proba(texts, clean=clean)]

    def describe(self, probs: np.ndarray) -> ThemePrediction:
        return ThemePrediction(
            theme=self.labels[int(np.argmax(probs))],
            scores={label: round(float(p), 4) for label, p in zip(self.labels, probs, strict=True)},
            secondary=self.secondary_labels(probs),
        )


def store_settings(config: Any, settings: InferenceSettings) -> None:
    """Write ``settings`` into a transformers config (saved with ``save_pretrained``)."""
    config.wenzhai = asdict(settings)


def read_config(path: Path) -> SimpleNamespace:
    """The parts of a model folder's ``config.json`` inference reads (``id2label``, ``wenzhai``), without transformers."""
    file = path / "config.json"
    if not file.exists():
        raise ValueError(f"model: {path} is not a model folder (no config.json)")
    raw = json.loads(file.read_text(encoding="utf-8"))
    id2label = {int(k): v for k, v in (raw.get("id2label") or {}).items()}
    if sorted(id2label) != list(range(len(id2label))) or not id2label:
        raise ValueError(f"model: {file} has no usable id2label (labels 0..n-1)")
    return SimpleNamespace(id2label=id2label, wenzhai=raw.get("wenzhai") or {})
