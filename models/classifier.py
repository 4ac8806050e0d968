"""Theme classifier: a fine-tuned encoder with calibrated probabilities and secondary themes.

Everything inference needs is in the model folder: ``id2label``/``label2id`` and a ``wenzhai`` block
in ``config.json`` (temperature, secondary-theme threshold, window length and stride, theme
metadata). Weights are read from safetensors only.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from wenzhai.models.backends import BACKEND_ENV, BACKENDS
from wenzhai.models.onnx_runtime import (
    OnnxEncoder,
    OnnxLogits,
    cached_encoder_onnx,
    cached_int8_onnx,
    onnxruntime_available,
)
from wenzhai.models.results import ThemePrediction
from wenzhai.models.text import clean_text
from wenzhai.models.themes import THEMES
from wenzhai.models.windows import aggregate_window_logits, encode_windows, length_sorted_batches


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
    """Batch theme prediction over arbitrary-length texts."""

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: Any,
        settings: InferenceSettings | None = None,
        batch_size: int = 16,
        max_batch_tokens: int = 8192,
        threads: int | None = None,
        onnx_model: OnnxLogits | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.settings = settings or InferenceSettings.from_config(model.config)
        if self.settings.backend == "onnx-int8" and onnx_model is None:
            raise ValueError("backend 'onnx-int8' needs the ONNX model: load with ThemeClassifier.from_pretrained")
        # The torch model stays loaded on every backend: the summariser embeds sentences with it.
        self.model = model.eval()
        self.tagger = quantize_linear(self.model) if self.settings.backend == "torch-int8" else self.model
        self.onnx_model = onnx_model if self.settings.backend == "onnx-int8" else None
        self.threads = threads
        self.source_dir: Path | None = None  # the model folder, when loaded from one
        self.cache_dir: str | os.PathLike[str] | None = None
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        id2label = model.config.id2label
        self.labels: tuple[str, ...] = tuple(id2label[i] for i in range(len(id2label)))
        if threads:
            torch.set_num_threads(threads)

    @classmethod
    def from_pretrained(
        cls,
        path: str | os.PathLike[str],
        threads: int | None = None,
        backend: str | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        **kwargs: Any,
    ) -> ThemeClassifier:
        """Load a model folder (weights as fp32).

        ``backend`` overrides the folder's ``wenzhai.backend`` (so does ``$WENZHAI_BACKEND``). The
        'onnx-int8' backend builds its ONNX file once into ``cache_dir`` (default ``<cache>/onnx``);
        where ONNX Runtime is not installed it falls back to 'torch' with a warning.
        """
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = Path(path)
        model = AutoModelForSequenceClassification.from_pretrained(
            path, use_safetensors=True, dtype=torch.float32
        ).float()
        tokenizer = AutoTokenizer.from_pretrained(path)
        settings = kwargs.pop("settings", None) or InferenceSettings.from_config(model.config)
        backend = backend or os.environ.get(BACKEND_ENV) or settings.backend
        if backend == "onnx-int8" and not onnxruntime_available():
            warnings.warn("onnxruntime is not installed: tagging with PyTorch fp32 instead of ONNX int8", stacklevel=2)
            backend = "torch"
        settings = replace(settings, backend=backend)  # validates the name
        if backend == "onnx-int8":
            try:
                kwargs["onnx_model"] = OnnxLogits(cached_int8_onnx(path, model, cache_dir), threads=threads)
            except Exception as exc:  # e.g. a read-only cache: tagging still works, only slower
                warnings.warn(
                    f"the int8 ONNX model could not be built or loaded ({type(exc).__name__}: {exc}); "
                    "tagging with PyTorch fp32 instead",
                    stacklevel=2,
                )
                settings = replace(settings, backend="torch")
        classifier = cls(model, tokenizer, settings=settings, threads=threads, **kwargs)
        classifier.source_dir, classifier.cache_dir = path, cache_dir
        return classifier

    def sentence_encoder(self, layers: int | None) -> torch.nn.Module:
        """The encoder (its lowest ``layers``, or all) for sentence vectors, shared with tagging.

        On the 'onnx-int8' backend it runs on ONNX Runtime (fp32, built once into the cache); if that
        cannot be built, or on other backends, it is the PyTorch encoder itself.
        """
        from wenzhai.models.sentence_embedder import LowerLayers

        encoder = self.model.base_model
        if self.onnx_model is not None and self.source_dir is not None:
            try:
                path = cached_encoder_onnx(self.source_dir, encoder, layers, self.cache_dir)
                return OnnxEncoder(path, encoder.config, threads=self.threads)
            except Exception as exc:
                warnings.warn(f"sentence vectors stay on PyTorch: the ONNX encoder failed ({type(exc).__name__}: {exc})",
                              stacklevel=2)
        return encoder if layers is None else LowerLayers(encoder, layers)

    def info(self) -> dict[str, str]:
        return {"name": self.settings.name, "version": self.settings.version}

    @torch.inference_mode()
    def logits(self, texts: list[str]) -> np.ndarray:
        """Uncalibrated per-text logits; long texts are windowed and aggregated, never truncated."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        windows = encode_windows(self.tokenizer, texts, self.settings.max_length, self.settings.window_stride)
        return aggregate_window_logits(self.window_logits(windows.input_ids), windows, len(texts))

    @torch.inference_mode()
    def window_logits(self, input_ids: list[list[int]]) -> np.ndarray:
        """Uncalibrated logits of each token window (ids with special tokens), in order."""
        if self.onnx_model is not None:
            return self.onnx_model(input_ids)
        lengths = [len(ids) for ids in input_ids]
        out = np.zeros((len(lengths), len(self.labels)), dtype=np.float32)
        pad = self.tokenizer.pad_token_id or 0
        for batch in length_sorted_batches(lengths, self.batch_size, self.max_batch_tokens):
            width = max(lengths[i] for i in batch)
            ids = torch.full((len(batch), width), pad, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, i in enumerate(batch):
                ids[row, : lengths[i]] = torch.tensor(input_ids[i])
                mask[row, : lengths[i]] = 1
            out[batch] = self.tagger(input_ids=ids, attention_mask=mask).logits.float().numpy()
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
        probs = softmax(self.logits(texts), self.settings.temperature)
        if "other" in self.labels:
            other = self.labels.index("other")
            rest = (1.0 - NON_CHINESE_OTHER_PROB) / (len(self.labels) - 1)
            for i, text in enumerate(texts):
                if not has_chinese(text):
                    probs[i] = rest
                    probs[i, other] = NON_CHINESE_OTHER_PROB
        return probs

    def secondary_labels(self, probs: np.ndarray) -> list[str]:
        """Non-primary themes whose calibrated probability passes the threshold, most likely first."""
        primary = int(np.argmax(probs))
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


def quantize_linear(model: torch.nn.Module) -> torch.nn.Module:
    """A copy of ``model`` with every ``nn.Linear`` int8 dynamically quantised (weights int8, activations
    quantised per batch at run time).

    On a CPU the encoder's matrix products are the whole cost; int8 weights make them cheaper and the
    Linear weights four times smaller (embeddings stay fp32). bench/speed.py measures speed and dev
    macro-F1 against the fp32 model. torch marks this API as deprecated in favour of
    torchao, which is not a dependency; its warnings are silenced here, not errors.
    """
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def store_settings(config: Any, settings: InferenceSettings) -> None:
    """Write ``settings`` into a transformers config (saved with ``save_pretrained``)."""
    config.wenzhai = asdict(settings)
