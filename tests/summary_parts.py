"""What a summary item's ``parts`` promise: its kept text is the input at those spans (line breaks of
wrapped OCR lines aside), closed like a sentence, all inside the whole sentence's ``span``."""

from __future__ import annotations

from typing import Any


def _field(item: Any, name: str) -> Any:
    return item[name] if isinstance(item, dict) else getattr(item, name)


def assert_parts_match(source: str, item: Any) -> None:
    """``item`` (a `SummarySentence` or its JSON) reads ``source`` at its parts, inside its span."""
    text, span, parts = _field(item, "text"), _field(item, "span"), _field(item, "parts")
    assert parts, "every summary item names the parts it keeps"
    assert all(span[0] <= a < b <= span[1] for a, b in parts), (span, parts)
    kept = "".join(source[a:b] for a, b in parts).replace("\n", "")
    assert kept == text or (kept[:-1] == text[:-1] and text[-1] in "。！？!?…"), (kept, text)
