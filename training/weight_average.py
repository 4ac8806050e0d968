"""Tail averaging: the mean of a model's weights over the last part of a training run.

Why: late in a run, with the learning rate decaying, successive weights wander around one basin of
the loss; their mean tends to sit nearer its centre and to generalise better than any single
checkpoint (Polyak averaging, stochastic weight averaging). It costs one copy of the weights and an
addition per step. The average is only a candidate: ``training.train`` keeps it when validation
macro-F1 says it is better than the best checkpoint, and records both figures.
"""

from __future__ import annotations

import math

import torch
from transformers import TrainerCallback


class TailAverage(TrainerCallback):
    """Running mean of every trainable weight after each optimiser step from ``start_fraction`` of the run on."""

    def __init__(self, start_fraction: float) -> None:
        if not 0 <= start_fraction < 1:
            raise ValueError(f"start_fraction must be in [0, 1), got {start_fraction}")
        self.start_fraction = start_fraction
        self.start_step = 1
        self.steps = 0
        self.mean: dict[str, torch.Tensor] = {}

    def on_train_begin(self, args, state, control, **kwargs):
        self.start_step = max(1, math.ceil(self.start_fraction * state.max_steps))
        self.steps, self.mean = 0, {}

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if model is None or state.global_step < self.start_step:
            return
        self.steps += 1
        with torch.no_grad():
            for name, weight in model.named_parameters():
                if name not in self.mean:
                    self.mean[name] = weight.detach().float().clone()
                else:
                    self.mean[name] += (weight.detach().float() - self.mean[name]) / self.steps

    def apply_to(self, model: torch.nn.Module) -> None:
        """Write the averaged weights into ``model`` (same architecture); an error before any step was averaged."""
        if not self.mean:
            raise RuntimeError("no weights were averaged (training ended before the averaging started)")
        copy_parameters(model, self.mean)


def copy_parameters(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Overwrite every trainable weight of ``model`` in place with ``state``'s tensor of the same name."""
    with torch.no_grad():
        for name, weight in model.named_parameters():
            weight.copy_(state[name].to(weight.dtype))
