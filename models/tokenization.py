"""Token ids for inference with the ``tokenizers`` library alone (no ``transformers``).

Why: importing transformers costs about a second and pulls in PyTorch-side machinery that a server
or a one-line ``wenzhai tag`` never needs. A model folder's ``tokenizer.json`` holds everything a
fast tokenizer does (normaliser, pre-tokeniser, vocabulary, the special-token template), so this
wrapper reads it directly and does the two things inference needs itself:

* cut a text into overlapping windows of at most ``max_length`` tokens (special tokens included),
  exactly as a ``transformers`` fast tokenizer does with ``return_overflowing_tokens`` and
  ``stride`` (tests/models/test_tokenization.py compares them on the same texts);
* cut a text to its first ``max_length`` tokens, for sentence vectors.

It never changes the wrapped tokenizer's truncation or padding state (a ``transformers`` tokenizer
resets that state on every call, from any thread), so one instance is safe to share across threads.
"""

from __future__ import annotations

import json
import os
import weakref
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer

TOKENIZER_FILE = "tokenizer.json"
_PROBE = "a"  # any text that yields at least one token: locates the template's special tokens
_WRAPPED: weakref.WeakKeyDictionary[Any, TextTokenizer] = weakref.WeakKeyDictionary()


class TextTokenizer:
    """A ``tokenizers.Tokenizer`` plus its special tokens: ``[prefix] content [suffix]`` per window."""

    def __init__(self, tokenizer: Tokenizer, pad_id: int = 0) -> None:
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self.backend = tokenizer
        self.pad_id = pad_id
        content = tokenizer.encode(_PROBE, add_special_tokens=False).ids
        full = tokenizer.encode(_PROBE, add_special_tokens=True).ids
        start = next((i for i in range(len(full) - len(content) + 1) if full[i : i + len(content)] == content), None)
        if not content or start is None:
            raise ValueError("tokenizer: cannot locate its special tokens around a probe text")
        self.prefix: list[int] = full[:start]
        self.suffix: list[int] = full[start + len(content) :]

    @property
    def n_special(self) -> int:
        return len(self.prefix) + len(self.suffix)

    @classmethod
    def from_dir(cls, path: str | os.PathLike[str]) -> TextTokenizer:
        """The tokenizer of a model folder (its ``tokenizer.json``; the pad token from its maps)."""
        path = Path(path)
        file = path / TOKENIZER_FILE
        if not file.exists():
            raise ValueError(f"model: {path} has no {TOKENIZER_FILE} (export the model with `wenzhai export`)")
        tokenizer = Tokenizer.from_file(str(file))
        pad = _pad_token(path)
        pad_id = tokenizer.token_to_id(pad) if pad else None
        return cls(tokenizer, pad_id if pad_id is not None else 0)

    @classmethod
    def of(cls, tokenizer: Any) -> TextTokenizer:
        """``tokenizer`` itself, or a (cached) wrapper of a ``transformers`` fast tokenizer's backend.

        The backend is copied, so the ``transformers`` tokenizer keeps its own state untouched.
        """
        if isinstance(tokenizer, TextTokenizer):
            return tokenizer
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is None:
            raise TypeError(f"need a fast tokenizer (with backend_tokenizer), got {type(tokenizer).__name__}")
        wrapped = _WRAPPED.get(tokenizer)
        if wrapped is None:
            pad_id = getattr(tokenizer, "pad_token_id", None)
            wrapped = cls(Tokenizer.from_str(backend.to_str()), pad_id if pad_id is not None else 0)
            _WRAPPED[tokenizer] = wrapped
        return wrapped

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, without special tokens."""
        return [enc.ids for enc in self.backend.encode_batch(texts, add_special_tokens=False)]

    def truncated(self, texts: list[str], max_length: int) -> list[list[int]]:
        """Each text's first ``max_length`` tokens, special tokens included."""
        room = self._room(max_length)
        return [self.prefix + ids[:room] + self.suffix for ids in self.content_ids(texts)]

    def windows(self, texts: list[str], max_length: int, stride: int) -> tuple[list[list[int]], list[int]]:
        """Overlapping windows of at most ``max_length`` tokens and, per window, the index of its text.

        Windows start every ``max_length - specials - stride`` content tokens, so neighbours share
        ``stride`` tokens; the last one ends at the text's end. An empty text gets one window of
        special tokens only.
        """
        room = self._room(max_length)
        if not 0 <= stride < room:
            raise ValueError(f"window stride must be in [0, {room}) for max_length {max_length}, got {stride}")
        step = room - stride
        input_ids: list[list[int]] = []
        owner: list[int] = []
        for index, ids in enumerate(self.content_ids(texts)):
            start = 0
            while True:
                stop = min(start + room, len(ids))
                input_ids.append(self.prefix + ids[start:stop] + self.suffix)
                owner.append(index)
                if stop >= len(ids):
                    break
                start += step
        return input_ids, owner

    def _room(self, max_length: int) -> int:
        room = max_length - self.n_special
        if room < 1:
            raise ValueError(f"max_length {max_length} leaves no room besides {self.n_special} special tokens")
        return room


def _pad_token(path: Path) -> str | None:
    """The pad token named in ``special_tokens_map.json`` or ``tokenizer_config.json``, if any."""
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        file = path / name
        if not file.exists():
            continue
        pad = json.loads(file.read_text(encoding="utf-8")).get("pad_token")
        if isinstance(pad, dict):
            pad = pad.get("content")
        if isinstance(pad, str):
            return pad
    return None
