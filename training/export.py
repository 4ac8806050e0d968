"""Ship a trained model as the default: fp16 safetensors plus tokenizer, card and reports.

fp16 halves the size on disk (the default must stay under 60 MB); the classifier casts back to fp32
on load, because fp16 matmuls are slow on CPUs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import torch

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
    return (out_dir / "model.safetensors").stat().st_size / 2**20
