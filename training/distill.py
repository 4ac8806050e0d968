"""Knowledge distillation: a smaller student learns a fine-tuned teacher's soft targets.

Why: the encoder's layers are the whole cost of tagging on a CPU. A student built from some of the
teacher's layers (``student_layers``), trained on the teacher's temperature-softened probabilities
as well as the gold labels, keeps most of the teacher's accuracy at a fraction of its cost. The
teacher's targets also reach text nobody labelled: unlabelled real newspaper paragraphs
(``unlabelled_rows``) teach the student how the teacher reads real news, not only our training set.

Used by :func:`training.train.train` when ``ThemeModelArguments.teacher`` is set (the student is
the teacher cut to ``student_layers`` by :func:`training.layers.keep_layers`); the loss is
``alpha · T² · KL(teacher_T ‖ student_T) + (1 − alpha) · CE(gold)`` (CE only on labelled windows),
optionally with class-balanced window weights (``distill_class_balance``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import Trainer

from wenzhai.models.classifier import ThemeClassifier

IGNORE_LABEL = -100  # windows without a gold label (unlabelled text): soft targets only


def load_teacher(teacher_dir: str | Path, threads: int) -> ThemeClassifier:
    """The teacher on PyTorch fp32: its window logits are the targets the student learns."""
    return ThemeClassifier.from_pretrained(teacher_dir, threads=threads, backend="torch")


class DistillationTrainer(Trainer):
    """A ``Trainer`` whose loss mixes the teacher's soft targets (``teacher_logits``) with gold labels,
    each window weighted by its ``window_weight`` column when the data has one."""

    def __init__(self, *args: Any, alpha: float, temperature: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.alpha, self.temperature = alpha, temperature

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        teacher = inputs.pop("teacher_logits")
        labels = inputs.pop("labels")
        weights = inputs.pop("window_weight", None)
        outputs = model(**inputs)
        loss = distillation_loss(outputs.logits, teacher, labels, self.alpha, self.temperature, weights)
        return (loss, outputs) if return_outputs else loss


def class_balanced_weights(labels: Sequence[int], teacher_logits: np.ndarray, classes: int) -> np.ndarray:
    """One weight per window so that every class carries the same total weight (mean weight 1).

    A window's class is its gold label, or the teacher's top class for an unlabelled window. Why: when
    most windows are ``other`` (57 % of the v4 rows, and most unlabelled news), a student spends its
    few layers on the majority's soft targets and loses the boundaries between the themes.
    """
    labels = np.asarray(labels)
    owner = np.where(labels == IGNORE_LABEL, np.asarray(teacher_logits).argmax(axis=1), labels)
    counts = np.bincount(owner, minlength=classes).astype(np.float64)
    present = counts > 0
    per_class = np.zeros(classes)
    per_class[present] = len(owner) / (present.sum() * counts[present])
    return per_class[owner]


def distillation_loss(
    student: torch.Tensor,
    teacher: torch.Tensor,
    labels: torch.Tensor,
    alpha: float,
    temperature: float,
    weights: torch.Tensor | None = None,
) -> torch.Tensor:
    """``alpha · T² · KL(teacher_T ‖ student_T) + (1 − alpha) · CE`` (CE over labelled rows only),
    each row's terms weighted by ``weights`` (weighted means; all ones without them)."""
    t = temperature
    w = torch.ones_like(student[:, 0]) if weights is None else weights.to(student)
    per_row = torch.nn.functional.kl_div(
        torch.log_softmax(student / t, dim=-1), torch.log_softmax(teacher / t, dim=-1), log_target=True,
        reduction="none",
    ).sum(dim=-1)
    soft = (w * per_row).sum() / w.sum() * (t * t)
    labelled = labels != IGNORE_LABEL
    if not bool(labelled.any()) or alpha == 1:
        return alpha * soft
    ce = torch.nn.functional.cross_entropy(student[labelled], labels[labelled], reduction="none")
    hard = (w[labelled] * ce).sum() / w[labelled].sum()
    return alpha * soft + (1 - alpha) * hard
