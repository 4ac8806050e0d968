"""ONNX Runtime execution of a model folder's exported files: the lean path for tagging and sentence vectors.

Why: on two CPU cores the encoder is the whole cost of tagging. Exported to ONNX and run by ONNX
Runtime with int8 weights, the same checkpoint tags several times faster than PyTorch fp32
(``bench/speed.py`` prints the figures side by side, accuracy included), and serving needs neither
PyTorch nor ``transformers`` in memory: this module imports only numpy and onnxruntime.

What a model folder holds (written by ``wenzhai export`` and ``wenzhai model optimize``, see
:mod:`wenzhai.training.export`, which owns the PyTorch-side export and quantisation)::

    onnx/classifier-int8.onnx   window logits; int8 weights, the lowest layer fp32 (:class:`QuantRecipe`)
    onnx/sentence-l0.onnx       fp32 token embeddings (depth 0; ``sentence-lK`` holds K layers), for the
                                summariser and the continuity model
    onnx/manifest.json          the SHA-256 of the weights and config the files were built from

A file that is missing, or was built from other weights, is an error that names the command that
builds it: loading never exports or quantises, and never falls back to PyTorch by itself.

Why one window per run: dynamic quantisation picks one activation scale per tensor, so in a padded
batch a text's scores would depend on the texts it happens to share the batch with. Running every
window alone keeps a text's scores a function of the text only; ONNX Runtime's per-call overhead is
small enough that batching buys little here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ONNX_DIR = "onnx"
MANIFEST_FILE = "manifest.json"
CLASSIFIER_FILE = "classifier-int8.onnx"
FINGERPRINTED = ("config.json", "model.safetensors")  # what the ONNX files are derived from


@dataclass(frozen=True)
class QuantRecipe:
    """How the int8 classifier is derived from the fp32 checkpoint (recorded in the manifest).

    Dynamic quantisation: weight matrices int8 with one scale per output channel, activations
    quantised at run time. The lowest transformer layer stays fp32: measured on the dev texts, that
    cut the mean logit error against fp32 by 40 % (0.025 → 0.015) and removed the one dev-set flip
    that int8 everywhere caused, for about 15 % of the speed.
    """

    opset: int = field(default=17, metadata={"help": "ONNX opset of the export."})
    per_channel: bool = field(default=True, metadata={"help": "One weight scale per output channel."})
    fp32_layers: tuple[int, ...] = field(
        default=(0,), metadata={"help": "Transformer layers left in fp32 (0 = the lowest)."}
    )
    version: int = field(default=2, metadata={"help": "Bumped whenever export or quantisation code changes."})

    def __post_init__(self) -> None:
        if self.opset < 13:
            raise ValueError(f"opset: must be >= 13, got {self.opset}")
        if any(layer < 0 for layer in self.fp32_layers):
            raise ValueError(f"fp32_layers: layer numbers must be >= 0, got {self.fp32_layers}")


RECIPE = QuantRecipe()


class OnnxModelMissing(ValueError):
    """A model folder lacks an ONNX file it needs (or has a stale one); the message names the fix."""


def sentence_file(layers: int | None) -> str:
    """File name of the fp32 sentence encoder with the lowest ``layers`` (None = every layer)."""
    return f"sentence-{'all' if layers is None else f'l{layers}'}.onnx"


def build_command(model_dir: Path, sentence_layers: int | None = None) -> str:
    extra = f" --sentence-layers {sentence_layers}" if sentence_layers is not None else ""
    return f"wenzhai model optimize --model {model_dir}{extra}"


def model_fingerprint(model_dir: Path) -> str:
    """SHA-256 over the files the ONNX files are derived from (config and weights).

    Computed once per state of those files in a process (the classifier and the sentence encoder
    both check it at load).
    """
    present = [name for name in FINGERPRINTED if (model_dir / name).exists()]
    state = tuple((name, (model_dir / name).stat().st_mtime_ns, (model_dir / name).stat().st_size) for name in present)
    return _fingerprint(model_dir.resolve(), state)


@functools.lru_cache(maxsize=16)
def _fingerprint(model_dir: Path, state: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in state:
        digest.update(name.encode())
        with (model_dir / name).open("rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


def read_manifest(model_dir: Path) -> dict[str, Any] | None:
    path = model_dir / ONNX_DIR / MANIFEST_FILE
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def onnx_path(model_dir: str | os.PathLike[str], name: str, sentence_layers: int | None = None) -> Path:
    """``model_dir/onnx/name``, checked to exist and to come from the folder's current weights.

    Without the weights (a serving-only copy of the folder) the manifest is trusted as it is.
    """
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    path = model_dir / ONNX_DIR / name
    fix = f"build it with `{build_command(model_dir, sentence_layers)}` (or `wenzhai export`; `make setup` " \
          "builds it for the shipped model), or run on PyTorch with --backend torch"
    if manifest is None or name not in manifest.get("files", {}) or not path.exists():
        raise OnnxModelMissing(f"model: {model_dir} has no ONNX file {ONNX_DIR}/{name}; {fix}")
    if (model_dir / "model.safetensors").exists() and manifest.get("model_sha256") != model_fingerprint(model_dir):
        raise OnnxModelMissing(
            f"model: {model_dir}/{ONNX_DIR}/{name} was built from other weights than the folder holds; {fix}"
        )
    return path


def session(path: str | os.PathLike[str], threads: int | None = None) -> Any:
    """An ONNX Runtime CPU session using ``threads`` compute threads (None = every core).

    Without ONNX Runtime's CPU memory arena: the arena keeps the largest activations it has served
    (every window shape a long document brought) for the life of the process, so a service's memory
    ratcheted up after each long request. Freed tensors go back to the heap instead, which the service
    returns to the system (`serving.runtime.release_memory`); tagging the dev set was not slower.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxLogits:
    """Runs an exported classifier with ONNX Runtime, one token window per call."""

    def __init__(self, onnx_path: str | os.PathLike[str], threads: int | None = None) -> None:
        self.session = session(onnx_path, threads)
        self.path = Path(onnx_path)
        self.num_labels = int(self.session.get_outputs()[0].shape[-1])

    def __call__(self, windows: Sequence[Sequence[int]]) -> np.ndarray:
        """Logits for each window (list of token ids), in order."""
        rows: list[np.ndarray] = []
        for ids in windows:
            input_ids = np.asarray([ids], dtype=np.int64)
            feed: dict[str, Any] = {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)}
            rows.append(self.session.run(None, feed)[0][0])
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), self.num_labels)


class OnnxHiddenStates:
    """Runs an exported encoder: ``(input_ids, attention_mask)`` → ``[batch, tokens, dim]`` hidden states."""

    def __init__(self, onnx_path: str | os.PathLike[str], threads: int | None = None) -> None:
        self.session = session(onnx_path, threads)
        self.path = Path(onnx_path)
        # an encoder of depth 0 (token embeddings only) never reads the mask, and its export has no such input
        self.inputs = {i.name for i in self.session.get_inputs()}

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": input_ids.astype(np.int64), "attention_mask": attention_mask.astype(np.int64)}
        return self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
