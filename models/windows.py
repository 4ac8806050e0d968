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
    lengths = np.array([len(ids) for ids in windows.input_ids], dtype=np.float64)
    return pool_logits(window_logits, lengths, windows.owner, n_texts)[0]


def pool_logits(
    logits: np.ndarray, weights: np.ndarray, owner: list[int] | np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of the ``logits`` rows of each group (``owner[i]`` = row i's group), and each
    group's total weight.

    One mechanism for windows pooled into their text and for texts pooled into a larger one (a
    segment from its paragraphs' logits): the totals of one pooling are the weights of the next, so
    pooling paragraphs gives what pooling all their windows at once would.
    """
    out = np.zeros((n_groups, logits.shape[1]), dtype=np.float64)
    total = np.zeros(n_groups, dtype=np.float64)
    np.add.at(out, owner, weights[:, None] * logits)
    np.add.at(total, owner, weights)
    if np.any(total == 0):
        raise ValueError("every text needs at least one window")
    return (out / total[:, None]).astype(np.float32), total


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
