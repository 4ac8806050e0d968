"""Token windows over long segments, shared by training and inference.

A segment longer than the model's window is never silently truncated: it is cut into overlapping
windows (``stride`` tokens of overlap) and the per-window logits are combined by
:func:`aggregate_window_logits`. Training and inference use the same windows, so the model is trained
on exactly the inputs it later sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wenzhai.models.tokenization import TextTokenizer


@dataclass(frozen=True)
class Windows:
    """Tokenised windows: ``input_ids[i]`` belongs to text ``owner[i]``."""

    input_ids: list[list[int]]
    owner: list[int]


def encode_windows(tokenizer, texts: list[str], max_length: int, stride: int) -> Windows:
    """Tokenise ``texts`` into windows of at most ``max_length`` tokens overlapping by ``stride``.

    ``tokenizer``: a :class:`models.tokenization.TextTokenizer` (inference) or a ``transformers``
    fast tokenizer (training); both give the same windows.
    """
    if not 0 <= stride < max_length - 2:
        raise ValueError(f"window stride must be in [0, max_length - 2), got {stride} for {max_length}")
    input_ids, owner = TextTokenizer.of(tokenizer).windows(texts, max_length, stride)
    return Windows(input_ids=input_ids, owner=owner)


def aggregate_window_logits(window_logits: np.ndarray, windows: Windows, n_texts: int) -> np.ndarray:
    """Combine per-window logits into per-text logits: a mean weighted by window length.

    A length-weighted mean of logits lets every part of a long segment vote in proportion to how much
    text it holds; the last, often short, window cannot outvote the rest.
    """
    out = np.zeros((n_texts, window_logits.shape[1]), dtype=np.float64)
    weight = np.zeros(n_texts, dtype=np.float64)
    for row, (owner, ids) in enumerate(zip(windows.owner, windows.input_ids, strict=True)):
        out[owner] += len(ids) * window_logits[row]
        weight[owner] += len(ids)
    if np.any(weight == 0):
        raise ValueError("every text needs at least one window")
    return (out / weight[:, None]).astype(np.float32)


def length_sorted_batches(lengths: list[int], batch_size: int, max_tokens: int | None = None) -> list[list[int]]:
    """Group indices into batches of similar length (longest first) so padding stays small.

    ``max_tokens`` additionally caps ``batch rows × longest row`` per batch.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[current[0]] if current else lengths[i]
        too_many_tokens = max_tokens is not None and (len(current) + 1) * longest > max_tokens
        if current and (len(current) >= batch_size or too_many_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
