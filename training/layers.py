"""Cutting an encoder down to some of its layers: a smaller, faster model that keeps what they learned."""

from __future__ import annotations

from collections.abc import Iterable

import torch


def keep_layers(model: torch.nn.Module, layers: Iterable[int]) -> None:
    """Keep only ``layers`` (0-based, in the order given) of ``model``'s encoder, in place.

    ``range(n)`` keeps the bottom ``n`` layers (a fine-tuning start or the MLM encoder); a spread such
    as ``0 2 4 6 8 11`` initialises a distilled student from its teacher.
    """
    layers = list(layers)
    stack = model.base_model.encoder.layer
    if not layers or any(not 0 <= i < len(stack) for i in layers):
        raise ValueError(f"layers must name layers of the encoder (0..{len(stack) - 1}), got {layers}")
    model.base_model.encoder.layer = torch.nn.ModuleList([stack[i] for i in layers])
    model.config.num_hidden_layers = len(layers)
