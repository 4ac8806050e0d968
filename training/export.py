"""Ship a trained model: fp16 safetensors plus tokenizer, card and reports, and its ONNX files.

fp16 halves the size on disk (the default must stay under 60 MB); the PyTorch backends cast back to
fp32 on load, because fp16 matmuls are slow on CPUs.

The ONNX files that inference runs on (:mod:`wenzhai.models.onnx_runtime`) are built here, from the
folder's own fp16 weights read back as fp32, so ``wenzhai export`` and ``wenzhai model optimize``
(which rebuilds them for a folder that has none, such as a fresh clone's models/default) write the
same files: the int8 classifier and the fp32 sentence encoder, plus a manifest naming the weights
they came from. Loading never builds them.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import torch

from wenzhai.models.onnx_runtime import (
    CLASSIFIER_FILE,
    MANIFEST_FILE,
    ONNX_DIR,
    RECIPE,
    QuantRecipe,
    model_fingerprint,
    sentence_file,
)
from wenzhai.models.summarizer import DEFAULT_LAYERS
from wenzhai.models.torch_backend import encoder_view, load_classifier_model

SIZE_LIMIT_MB = 60.0
CARRIED_FILES = ("README.md", "training_report.json")


def export_fp16(model_dir: Path, out_dir: Path, size_limit_mb: float = SIZE_LIMIT_MB) -> float:
    """Write ``model_dir`` as an fp16 model folder to ``out_dir``; returns the weights' size in MB.

    Weights over ``size_limit_mb`` are refused before anything is written (``out_dir`` is left as it was).
    """
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(model_dir, use_safetensors=True)
    size_mb = sum(p.numel() for p in model.state_dict().values()) * 2 / 2**20
    if size_mb > size_limit_mb:
        raise ValueError(
            f"--model: {model_dir} has {size_mb:.1f} MB of fp16 weights, over the {size_limit_mb:.0f} MB limit "
            "(--max-mb 0 exports it anyway)"
        )
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    model.to(torch.float16).save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    for name in CARRIED_FILES:
        if (model_dir / name).exists():
            shutil.copy2(model_dir / name, out_dir / name)
    eval_dir = model_dir / "eval"
    if eval_dir.exists():
        shutil.copytree(eval_dir, out_dir / "eval")
    write_onnx(out_dir)
    return (out_dir / "model.safetensors").stat().st_size / 2**20


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


def write_onnx(
    model_dir: Path, sentence_layers: Sequence[int | None] = (DEFAULT_LAYERS,), recipe: QuantRecipe = RECIPE
) -> Path:
    """Write ``model_dir/onnx/``: the int8 classifier, one fp32 sentence encoder per depth, the manifest.

    Built in a staging folder and renamed into place, so an interrupted build never leaves a folder
    that looks finished. Deterministic for given weights, torch and onnxruntime versions.
    """
    model_dir = Path(model_dir)
    model = load_classifier_model(model_dir)
    target = model_dir / ONNX_DIR
    staging = model_dir / f".{ONNX_DIR}.building"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        fp32 = staging / "fp32.onnx"
        export_fp32(model, fp32, recipe.opset)
        quantize_int8(fp32, staging / CLASSIFIER_FILE, recipe)
        fp32.unlink()
        files = {CLASSIFIER_FILE: {"kind": "classifier-int8", "recipe": asdict(recipe)}}
        for layers in dict.fromkeys(sentence_layers):
            name = sentence_file(layers)
            export_fp32(encoder_view(model.base_model, layers), staging / name, recipe.opset, output="hidden")
            files[name] = {"kind": "encoder-fp32", "layers": layers}
        manifest = {"model_sha256": model_fingerprint(model_dir), "torch": torch.__version__, "files": files}
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
