"""The PyTorch backends ('torch', 'torch-int8') and the PyTorch views of an encoder.

Kept apart from :mod:`models.classifier` so that tagging and serving on ONNX Runtime never import
PyTorch or ``transformers``: this module is imported only when a PyTorch backend is asked for
(``pip install 'wenzhai[train]'`` installs them), and by training and export.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from transformers.modeling_outputs import BaseModelOutput

from wenzhai.models.windows import length_sorted_batches

HiddenStates = Callable[[np.ndarray, np.ndarray], np.ndarray]


def load_classifier_model(path: str | os.PathLike[str]) -> torch.nn.Module:
    """A model folder's sequence classifier as fp32 (fp16 matmuls are slow on CPUs), in eval mode."""
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(Path(path), use_safetensors=True, dtype=torch.float32)
    return model.float().eval()


def quantize_linear(model: torch.nn.Module) -> torch.nn.Module:
    """A copy of ``model`` with every ``nn.Linear`` int8 dynamically quantised (weights int8, activations
    quantised per batch at run time).

    On a CPU the encoder's matrix products are the whole cost; int8 weights make them cheaper and the
    Linear weights four times smaller (embeddings stay fp32). bench/speed.py measures speed and dev
    macro-F1 against the fp32 model. torch marks this API as deprecated in favour of
    torchao, which is not a dependency; its warnings are silenced here, not errors.
    """
    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class TorchLogits:
    """Window logits from a PyTorch classifier, in length-sorted padded batches."""

    def __init__(
        self,
        model: torch.nn.Module,
        pad_id: int,
        int8: bool = False,
        batch_size: int = 16,
        max_batch_tokens: int = 8192,
    ) -> None:
        self.model = quantize_linear(model) if int8 else model
        self.num_labels = int(model.config.num_labels)
        self.pad_id = pad_id
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens

    @torch.inference_mode()
    def __call__(self, windows: Sequence[Sequence[int]]) -> np.ndarray:
        lengths = [len(ids) for ids in windows]
        out = np.zeros((len(lengths), self.num_labels), dtype=np.float32)
        for batch in length_sorted_batches(lengths, self.batch_size, self.max_batch_tokens):
            width = max(lengths[i] for i in batch)
            ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, i in enumerate(batch):
                ids[row, : lengths[i]] = torch.tensor(windows[i])
                mask[row, : lengths[i]] = 1
            out[batch] = self.model(input_ids=ids, attention_mask=mask).logits.float().numpy()
        return out


def transformer_layers(encoder: torch.nn.Module) -> torch.nn.ModuleList | None:
    """The list of transformer blocks of a BERT-family encoder (``encoder.encoder.layer``), or None."""
    stack = getattr(getattr(encoder, "encoder", None), "layer", None)
    has_embeddings = callable(getattr(encoder, "embeddings", None))
    return stack if isinstance(stack, torch.nn.ModuleList) and has_embeddings else None


class LowerLayers(torch.nn.Module):
    """The embeddings and the first ``layers`` blocks of a BERT-family encoder, sharing its weights.

    ``forward(input_ids, attention_mask)`` returns ``last_hidden_state`` like the full model.
    ``layers=0`` gives contextless token embeddings (position and type embeddings included, as the
    model adds them). Also what ``wenzhai export`` writes as the ONNX sentence encoder.
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
        self.training = encoder.training

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> BaseModelOutput:
        hidden = self.encoder.embeddings(input_ids=input_ids)
        additive_mask = self.encoder.get_extended_attention_mask(attention_mask, input_ids.shape)
        for block in self.encoder.encoder.layer[: self.layers]:
            out = block(hidden, attention_mask=additive_mask)
            hidden = out[0] if isinstance(out, tuple) else out
        return BaseModelOutput(last_hidden_state=hidden)


def encoder_view(encoder: torch.nn.Module, layers: int | None) -> torch.nn.Module:
    """``encoder`` itself (``layers`` None, or every layer), else its lowest ``layers``."""
    stack = transformer_layers(encoder)
    if layers is None or (stack is not None and layers >= len(stack)):
        return encoder
    return LowerLayers(encoder, layers)


def torch_hidden_states(encoder: torch.nn.Module, layers: int | None) -> HiddenStates:
    """``(input_ids, attention_mask)`` arrays → hidden states array, through ``encoder``'s lowest ``layers``.

    The encoder is run in eval mode and left in the mode it was in (a classifier being trained keeps
    training).
    """
    view = encoder_view(encoder, layers)
    device = next(iter(encoder.parameters())).device

    @torch.inference_mode()
    def run(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        was_training = encoder.training
        encoder.eval()
        try:
            out = view(input_ids=torch.from_numpy(input_ids).to(device),
                       attention_mask=torch.from_numpy(attention_mask).to(device))
            return out.last_hidden_state.float().cpu().numpy()
        finally:
            encoder.train(was_training)

    return run
