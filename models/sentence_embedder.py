"""Sentence vectors for the summariser, optionally from only the lowest layers of an encoder.

Why lower layers: a 20,000-character essay is ~600 sentences and ~15,000 tokens; a full 12-layer
pass over that takes tens of seconds on two CPU cores, while the summariser only needs "which
sentences talk about the same things", which lower layers (closer to the words) already capture.
`training/summarization_eval.py` measures the ROUGE cost of each depth on LCSTS, which is what the
default depth rests on.

The truncated view shares the encoder's weights (no copy): the summariser built from a loaded
classifier keeps a single model in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from transformers.modeling_outputs import BaseModelOutput

from wenzhai.models.encoders import embed_texts


def transformer_layers(encoder: torch.nn.Module) -> torch.nn.ModuleList | None:
    """The list of transformer blocks of a BERT-family encoder (``encoder.encoder.layer``), or None."""
    stack = getattr(getattr(encoder, "encoder", None), "layer", None)
    has_embeddings = callable(getattr(encoder, "embeddings", None))
    return stack if isinstance(stack, torch.nn.ModuleList) and has_embeddings else None


class LowerLayers(torch.nn.Module):
    """The embeddings and the first ``layers`` blocks of a BERT-family encoder, sharing its weights.

    ``forward(input_ids, attention_mask)`` returns ``last_hidden_state`` like the full model, so
    :func:`models.encoders.embed_texts` pools it unchanged. ``layers=0`` gives contextless token
    embeddings (position and type embeddings included, as the model adds them).
    """

    def __init__(self, encoder: torch.nn.Module, layers: int) -> None:
        super().__init__()
        stack = transformer_layers(encoder)
        if stack is None:
            raise ValueError(
                f"{type(encoder).__name__} has no BERT-style embeddings + encoder.layer stack; "
                "use all layers (layers=None) with this encoder"
            )
        if not 0 <= layers <= len(stack):
            raise ValueError(f"layers must be between 0 and {len(stack)}, got {layers}")
        self.encoder = encoder
        self.config = encoder.config
        self.layers = layers
        self.mirror_mode()

    def mirror_mode(self) -> None:
        """Report the shared encoder's train/eval mode as ours (without touching the encoder).

        embed_texts switches to eval and then restores the mode it found on *this* module, which
        propagates to the encoder: mirroring first means a shared classifier is left as it was.
        """
        self.training = self.encoder.training

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> BaseModelOutput:
        hidden = self.encoder.embeddings(input_ids=input_ids)
        additive_mask = self.encoder.get_extended_attention_mask(attention_mask, input_ids.shape)
        for block in self.encoder.encoder.layer[: self.layers]:
            out = block(hidden, attention_mask=additive_mask)
            hidden = out[0] if isinstance(out, tuple) else out
        return BaseModelOutput(last_hidden_state=hidden)


@dataclass
class EmbedderSettings:
    """How sentences are encoded."""

    layers: int | None = field(
        default=None, metadata={"help": "Transformer layers to run (None = all, 0 = token embeddings only)."}
    )
    prefix: str = field(default="", metadata={"help": "Text prepended to every sentence (e5: 'query: ')."})
    batch_size: int = field(default=64, metadata={"help": "Sentences per forward pass (length-sorted)."})
    max_length: int = field(default=128, metadata={"help": "Tokens kept per sentence (longer ones are cut)."})

    def __post_init__(self) -> None:
        if self.layers is not None and self.layers < 0:
            raise ValueError(f"layers must be None or >= 0, got {self.layers}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")
        if self.max_length < 3:
            raise ValueError(f"max_length must be >= 3, got {self.max_length}")


class EncoderEmbedder:
    """Callable ``texts -> L2-normalised float32 matrix`` over an encoder (full or lower layers)."""

    def __init__(self, encoder: torch.nn.Module, tokenizer, settings: EmbedderSettings | None = None) -> None:
        self.settings = settings or EmbedderSettings()
        layers = self.settings.layers
        stack = transformer_layers(encoder)
        if layers is not None and stack is not None and layers >= len(stack):
            layers = None  # asking for every layer is the full model: use its own forward
        self.model = encoder if layers is None else LowerLayers(encoder, layers)
        self.tokenizer = tokenizer

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(self.model, LowerLayers):
            self.model.mirror_mode()
        return embed_texts(
            self.model,
            self.tokenizer,
            list(texts),
            batch_size=self.settings.batch_size,
            max_length=self.settings.max_length,
            prefix=self.settings.prefix,
        )
