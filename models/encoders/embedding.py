"""Sentence embeddings from any encoder: masked mean pooling and batched, normalised encoding.

The classifier and the summariser both need "one vector per text"; e5 was trained with mean pooling
over non-padding tokens followed by L2 normalisation, so that is what these helpers compute.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Average ``hidden`` ``[batch, tokens, dim]`` over the positions where ``attention_mask`` is 1."""
    if hidden.shape[:2] != attention_mask.shape:
        raise ValueError(
            f"hidden {tuple(hidden.shape)} and attention_mask {tuple(attention_mask.shape)} disagree"
        )
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


def embed_texts(
    model,
    tokenizer,
    texts: Sequence[str],
    batch_size: int = 32,
    max_length: int = 512,
    prefix: str = "",
) -> np.ndarray:
    """L2-normalised mean-pooled embeddings, one float32 row per text, in input order.

    Texts are batched by token length (fewest padding tokens) and truncated to ``max_length``
    tokens. ``prefix`` is prepended to every text: e5 models expect ``"query: "`` or
    ``"passage: "``; BERT-style checkpoints want ``""``.
    """
    if batch_size < 1 or max_length < 3:
        raise ValueError(f"batch_size must be >= 1 and max_length >= 3, got {batch_size} and {max_length}")
    texts = [prefix + text for text in texts]
    dim = int(model.config.hidden_size)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    if not texts:
        return out
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]]
    order = np.argsort(lengths, kind="stable")
    first = next(iter(model.parameters()), None)  # an ONNX Runtime encoder has none: it runs on the CPU
    device = first.device if first is not None else torch.device("cpu")
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                index = order[start : start + batch_size]
                batch = tokenizer(
                    [texts[i] for i in index],
                    padding=True,
                    truncation=True,
                    max_length=max_length,
                    return_tensors="pt",
                )
                batch = {
                    key: value.to(device)
                    for key, value in batch.items()
                    if key in ("input_ids", "attention_mask")
                }
                hidden = model(**batch).last_hidden_state
                pooled = torch.nn.functional.normalize(
                    mean_pool(hidden, batch["attention_mask"]).float(), dim=-1
                )
                out[index] = pooled.cpu().numpy()
    finally:
        model.train(was_training)
    return out
