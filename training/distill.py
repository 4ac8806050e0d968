"""Knowledge distillation: a smaller student learns a fine-tuned teacher's soft targets.

Why: the encoder's layers are the whole cost of tagging on a CPU. A student built from some of the
teacher's layers (``student_layers``), trained on the teacher's temperature-softened probabilities
as well as the gold labels, keeps most of the teacher's accuracy at a fraction of its cost. The
teacher's targets also reach text nobody labelled: unlabelled real newspaper paragraphs
(``unlabelled_rows``) teach the student how the teacher reads real news, not only our training set.

Used by :func:`training.train.train` when ``ThemeModelArguments.teacher`` is set (the student is
the teacher cut to ``student_layers`` by :func:`training.layers.keep_layers`); the loss is
``alpha · T² · KL(teacher_T ‖ student_T) + (1 − alpha) · CE(gold)`` (CE only on labelled windows),
optionally with class-balanced window weights (``distill_class_balance``) and a hidden-state term
(``distill_hidden_weight``): the student's layer outputs learn the teacher's at matching depths, which
teaches the few layers how the teacher reads, not only what it concludes.
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


def ensemble_logits(
    teacher_dirs: Sequence[str], threads: int, *windows: Sequence[Sequence[int]]
) -> list[np.ndarray]:
    """The mean of the teachers' window logits, for each list of windows (token ids) in ``windows``.

    Why: teachers trained alike but from different seeds err on different windows; their mean is a
    steadier target than either (ensemble distillation). They must share one tokenizer, since the
    windows were cut by it: a teacher with another vocabulary is an error, not a silent mismatch.
    """
    from tokenizers import Tokenizer

    if not teacher_dirs:
        raise ValueError("ensemble_logits needs at least one teacher")
    sums: list[np.ndarray] = []
    vocabularies = [Tokenizer.from_file(str(Path(d) / "tokenizer.json")).get_vocab() for d in teacher_dirs]
    for teacher_dir, vocabulary in zip(teacher_dirs, vocabularies, strict=True):
        if vocabulary != vocabularies[0]:
            raise ValueError(f"teacher {teacher_dir} has another vocabulary than {teacher_dirs[0]}; "
                             "ensemble teachers must share one tokenizer")
    for teacher_dir in teacher_dirs:
        teacher = load_teacher(teacher_dir, threads)
        logits = [teacher.window_logits(list(w)) for w in windows]
        sums = [a + b for a, b in zip(sums, logits, strict=True)] if sums else logits
        del teacher  # one teacher in memory at a time
    return [s / len(teacher_dirs) for s in sums]


def matched_depths(student_layers: int, teacher_layers: int) -> list[int]:
    """For each of the student's hidden states (embeddings first), the teacher's hidden state it learns.

    Uniform by depth: after ``k`` of ``S`` layers the student should hold what the teacher holds after
    ``round(k · T / S)`` of its ``T``, so the last layers meet (the classifier reads them) and the
    embeddings meet.
    """
    if not 1 <= student_layers <= teacher_layers:
        raise ValueError(f"a student needs 1..{teacher_layers} layers, got {student_layers}")
    return [round(k * teacher_layers / student_layers) for k in range(student_layers + 1)]


def hidden_state_loss(
    student: Sequence[torch.Tensor],
    teacher: Sequence[torch.Tensor],
    mask: torch.Tensor,
    weights: torch.Tensor | None = None,
) -> torch.Tensor:
    """Mean squared error between matched hidden states (lists of ``(rows, tokens, hidden)``), over real
    tokens only (``mask``), averaged over the pairs; each row weighted by ``weights`` (weighted mean)."""
    if len(student) != len(teacher) or not student:
        raise ValueError("hidden_state_loss needs the same, non-zero number of student and teacher states")
    m = mask.to(student[0]).unsqueeze(-1)
    tokens = m.sum(dim=(1, 2)).clamp(min=1) * student[0].shape[-1]
    per_row = sum(((s - t) ** 2 * m).sum(dim=(1, 2)) / tokens for s, t in zip(student, teacher, strict=True))
    per_row = per_row / len(student)
    w = torch.ones_like(per_row) if weights is None else weights.to(per_row)
    return (w * per_row).sum() / w.sum()


class DistillationTrainer(Trainer):
    """A ``Trainer`` whose loss mixes the teacher's soft targets (``teacher_logits``) with gold labels,
    each window weighted by its ``window_weight`` column when the data has one; with a ``teacher_model``
    and ``hidden_weight`` > 0 it adds :func:`hidden_state_loss` at :func:`matched_depths`."""

    def __init__(
        self,
        *args: Any,
        alpha: float,
        temperature: float,
        hidden_weight: float = 0.0,
        teacher_model: torch.nn.Module | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.alpha, self.temperature, self.hidden_weight = alpha, temperature, hidden_weight
        if hidden_weight > 0 and teacher_model is None:
            raise ValueError("a hidden-state loss (hidden_weight > 0) needs the teacher model")
        self.teacher_model = teacher_model.eval().requires_grad_(False) if teacher_model is not None else None

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        teacher = inputs.pop("teacher_logits")
        labels = inputs.pop("labels")
        weights = inputs.pop("window_weight", None)
        hidden = self.hidden_weight > 0 and model.training
        outputs = model(**inputs, output_hidden_states=hidden)
        loss = distillation_loss(outputs.logits, teacher, labels, self.alpha, self.temperature, weights)
        if hidden:
            assert self.teacher_model is not None
            self.teacher_model.to(outputs.logits.device)
            with torch.no_grad():
                states = self.teacher_model(**inputs, output_hidden_states=True).hidden_states
            depths = matched_depths(len(outputs.hidden_states) - 1, len(states) - 1)
            loss = loss + self.hidden_weight * hidden_state_loss(
                outputs.hidden_states, [states[d] for d in depths], inputs["attention_mask"], weights
            )
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
