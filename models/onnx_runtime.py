"""Int8 ONNX Runtime execution of a theme classifier: the fast path for tagging on a CPU.

Why: on two CPU cores the encoder is the whole cost of tagging. Exported to ONNX and run by ONNX
Runtime with int8 weights, the same checkpoint tags several times faster than PyTorch fp32
(``bench/speed.py`` prints the figures side by side, accuracy included).

How the int8 model is made (:data:`RECIPE`): the fp32 model is exported with ``torch.onnx``, then
ONNX Runtime's dynamic quantisation turns the weight matrices into int8 with one scale per output
channel; activations are quantised at run time. The lowest transformer layer stays fp32: measured
on the dev texts, that cut the mean logit error against fp32 by 40 % (0.025 → 0.015) and removed the
one dev-set flip that int8 everywhere caused, for about 15 % of the speed (README "Performance").

Why one window per run: dynamic quantisation picks one activation scale per tensor, so in a padded
batch a text's scores would depend on the texts it happens to share the batch with. Running every
window alone keeps a text's scores a function of the text only; ONNX Runtime's per-call overhead is
small enough that batching buys little here.

The ONNX file is derived data, built once per model and kept in the checksummed cache
(``<cache>/onnx``, see :mod:`models.encoders.cache`); ``wenzhai model optimize`` builds it ahead of
time so a server's first start does not pay for it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from wenzhai.models.encoders.cache import cached_build, default_cache_root

ONNX_FILE = "model.onnx"
FINGERPRINTED = ("config.json", "model.safetensors")  # what an ONNX file is derived from


@dataclass(frozen=True)
class QuantRecipe:
    """How the int8 ONNX model is derived from the fp32 checkpoint (part of the cache key)."""

    opset: int = field(default=17, metadata={"help": "ONNX opset of the export."})
    per_channel: bool = field(default=True, metadata={"help": "One weight scale per output channel."})
    fp32_layers: tuple[int, ...] = field(
        default=(0,), metadata={"help": "Transformer layers left in fp32 (0 = the lowest)."}
    )
    version: int = field(default=1, metadata={"help": "Bumped whenever export or quantisation code changes."})


RECIPE = QuantRecipe()


def onnxruntime_available() -> bool:
    """True when ``onnxruntime`` (and ``onnx``, needed to quantise) can be imported."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def model_fingerprint(model_dir: Path) -> str:
    """SHA-256 over the files the ONNX model is derived from (weights and config).

    Computed once per state of those files in a process: the classifier and the summariser's encoder
    both key their ONNX files on it at load.
    """
    stats = {name: (model_dir / name).stat() for name in FINGERPRINTED}
    state = tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats.items())
    return _fingerprint(model_dir.resolve(), state)


@functools.lru_cache(maxsize=16)
def _fingerprint(model_dir: Path, state: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in state:
        path = model_dir / name
        digest.update(name.encode())
        with path.open("rb") as handle:
            while block := handle.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


class _LastHiddenState(torch.nn.Module):
    """Exports an encoder (or its lower layers) as ``(input_ids, attention_mask) -> last_hidden_state``."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def export_fp32(model: torch.nn.Module, path: Path, opset: int, output: str = "logits") -> None:
    """Export ``model`` (input ids + attention mask → ``output``) to ONNX.

    ``output="logits"``: a sequence-classification model; ``output="hidden"``: an encoder, exported
    as its ``last_hidden_state`` (``[batch, tokens, dim]``).
    """
    ids = torch.ones((1, 8), dtype=torch.long)
    mask = torch.ones((1, 8), dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            output: {0: "batch", 1: "tokens"} if output == "hidden" else {0: "batch"}}
    module = _LastHiddenState(model) if output == "hidden" else model
    with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and deprecation notices about the TorchScript exporter
        torch.onnx.export(
            module.eval(),
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=[output],
            dynamic_axes=axes,
            opset_version=opset,
            dynamo=False,
        )


def layer_nodes(onnx_path: Path, layers: Sequence[int]) -> list[str]:
    """Names of the graph nodes that belong to the given transformer layers (``…/layer.K/…``)."""
    import onnx

    wanted = re.compile(r"/layer\.(\d+)/")
    names = []
    for node in onnx.load(str(onnx_path), load_external_data=False).graph.node:
        match = wanted.search(node.name)
        if match and int(match.group(1)) in layers:
            names.append(node.name)
    return names


def quantize_int8(src: Path, dst: Path, recipe: QuantRecipe) -> None:
    """Dynamic int8 quantisation of ``src``'s weight matrices into ``dst`` (see :class:`QuantRecipe`)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # onnxruntime logs "consider pre-processing" advice on the root logger
    try:
        quantize_dynamic(
            str(src),
            str(dst),
            weight_type=QuantType.QInt8,
            per_channel=recipe.per_channel,
            nodes_to_exclude=layer_nodes(src, recipe.fp32_layers),
        )
    finally:
        root.setLevel(level)


def build_int8_onnx(model: torch.nn.Module, out_dir: Path, recipe: QuantRecipe = RECIPE) -> Path:
    """Export ``model`` and quantise it into ``out_dir/model.onnx``."""
    fp32 = out_dir / "fp32.onnx"
    export_fp32(model, fp32, recipe.opset)
    quantize_int8(fp32, out_dir / ONNX_FILE, recipe)
    fp32.unlink()
    return out_dir / ONNX_FILE


def cached_onnx(
    model_dir: str | os.PathLike[str],
    what: dict[str, Any],
    build: Callable[[Path], Path],
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """An ONNX file derived from the checkpoint in ``model_dir``, built once by ``build(folder)``.

    Cached under ``<cache>/onnx/<name>-<key>``; the key covers the weights and config, ``what`` is
    built (recipe, layers) and the ONNX Runtime version, so a changed model or tool chain never
    reuses a stale file.
    """
    import onnxruntime

    model_dir = Path(model_dir)
    source = {
        "model_sha256": model_fingerprint(model_dir),
        "what": json.loads(json.dumps(what)),
        "onnxruntime": onnxruntime.__version__,
    }
    key = hashlib.sha256(json.dumps(source, sort_keys=True).encode()).hexdigest()[:16]
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_root() / "onnx"
    folder = cached_build(root, f"{model_dir.name or 'model'}-{key}", source, build)
    return folder / ONNX_FILE


def cached_int8_onnx(
    model_dir: str | os.PathLike[str],
    model: torch.nn.Module,
    cache_dir: str | os.PathLike[str] | None = None,
    recipe: QuantRecipe = RECIPE,
) -> Path:
    """The int8 classifier for the checkpoint in ``model_dir`` (``model`` loaded from it)."""
    what = {"kind": "classifier-int8", "recipe": asdict(recipe)}
    return cached_onnx(model_dir, what, lambda tmp: build_int8_onnx(model, tmp, recipe), cache_dir)


def cached_encoder_onnx(
    model_dir: str | os.PathLike[str],
    encoder: torch.nn.Module,
    layers: int | None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """The fp32 ONNX encoder (its lowest ``layers``, or all) of the checkpoint in ``model_dir``.

    For the summariser's sentence vectors: fp32, since they come from the lowest layer, which int8
    hurts most; ONNX Runtime alone ran them 2.5x faster than PyTorch with the same vectors
    (cosine >= 0.99999 on a 20,000-character essay).
    """
    from wenzhai.models.sentence_embedder import LowerLayers

    module = encoder if layers is None else LowerLayers(encoder, layers)

    def build(tmp: Path) -> Path:
        export_fp32(module, tmp / ONNX_FILE, RECIPE.opset, output="hidden")
        return tmp / ONNX_FILE

    what = {"kind": "encoder-fp32", "layers": layers, "version": RECIPE.version}
    return cached_onnx(model_dir, what, build, cache_dir)


class OnnxEncoder(torch.nn.Module):
    """An ONNX Runtime encoder behind the interface :func:`models.encoders.embed_texts` uses:
    ``model(input_ids=…, attention_mask=…).last_hidden_state``, ``model.config.hidden_size``."""

    def __init__(self, onnx_path: str | os.PathLike[str], config: Any, threads: int | None = None) -> None:
        super().__init__()
        self.session = _session(onnx_path, threads)
        self.config = config
        self.path = Path(onnx_path)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Any:
        from transformers.modeling_outputs import BaseModelOutput

        feed = {"input_ids": input_ids.cpu().numpy(), "attention_mask": attention_mask.cpu().numpy()}
        return BaseModelOutput(last_hidden_state=torch.from_numpy(self.session.run(None, feed)[0]))


def _session(onnx_path: str | os.PathLike[str], threads: int | None) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])


class OnnxLogits:
    """Runs an exported classifier with ONNX Runtime, one token window per call."""

    def __init__(self, onnx_path: str | os.PathLike[str], threads: int | None = None) -> None:
        self.session = _session(onnx_path, threads)
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
