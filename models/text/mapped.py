"""Text that remembers where every character came from.

Each clean-up step (normalisation, letter-spacing, doubling, line joining) takes a `MappedText` and
returns a new one, so the per-character map into the original input survives every step by
construction instead of being reconstructed afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MappedText:
    """``text[i]`` was produced from ``source[offsets[i]]`` of the original input."""

    text: str
    offsets: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.text) != len(self.offsets):
            raise ValueError("offsets must have one entry per character of text")

    @classmethod
    def from_source(cls, source: str, start: int = 0, end: int | None = None) -> MappedText:
        """The slice ``source[start:end]`` mapped onto itself."""
        end = len(source) if end is None else end
        return cls(source[start:end], tuple(range(start, end)))

    @classmethod
    def concat(cls, parts: Iterable[MappedText]) -> MappedText:
        parts = list(parts)
        return cls("".join(p.text for p in parts), tuple(i for p in parts for i in p.offsets))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, int]]) -> MappedText:
        """Build from ``(character, source index)`` pairs."""
        pairs = list(pairs)
        return cls("".join(ch for ch, _ in pairs), tuple(i for _, i in pairs))

    def __len__(self) -> int:
        return len(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)

    def slice(self, start: int, end: int) -> MappedText:
        return MappedText(self.text[start:end], self.offsets[start:end])

    def strip(self) -> MappedText:
        """Drop leading and trailing whitespace."""
        start, end = 0, len(self.text)
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return self.slice(start, end)

    def span(self) -> tuple[int, int]:
        """Half-open span of the source covered by this text (it must not be empty)."""
        if not self.offsets:
            raise ValueError("empty text has no span")
        return self.offsets[0], self.offsets[-1] + 1
