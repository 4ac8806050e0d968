"""Per-row validation for JSONL batches (`wenzhai tag`, `summarize --jsonl`, batch scoring).

A bad row becomes ``{"id", "error"}`` and never stops the rows around it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wenzhai.models.inputs import MAX_TEXT_CHARS, MAX_TITLE_CHARS, InputError, check_text


@dataclass(frozen=True)
class Record:
    """One input row: either a valid ``text`` or an ``error`` explaining why it was rejected."""

    id: Any
    text: str | None = None
    error: str | None = None
    title: str | None = None


def parse_record(line: str, line_no: int, with_title: bool = False) -> Record:
    """Parse one JSONL line holding ``{"id", "text"}``; problems become an error record.

    ``with_title``: also read an optional ``"title"`` (the text's headline, for the summariser);
    absent or null means none.
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return Record(id=None, error=f"line {line_no}: not valid JSON ({exc.msg})")
    if not isinstance(obj, dict):
        return Record(id=None, error=f"line {line_no}: expected an object with 'id' and 'text'")
    rid = obj.get("id", line_no)
    if not isinstance(rid, str | int) or isinstance(rid, bool):
        return Record(id=None, error=f"line {line_no}: id must be a string or an integer")
    if "text" not in obj:
        return Record(id=rid, error=f"line {line_no}: text: is required; give a string of 1 to {MAX_TEXT_CHARS:,} characters")
    try:
        text = check_text(obj["text"], field="text")
    except InputError as exc:
        return Record(id=rid, error=f"line {line_no}: {exc}")
    title = obj.get("title") if with_title else None
    if title is not None:
        try:
            title = check_text(title, field="title", max_chars=MAX_TITLE_CHARS)
        except InputError as exc:
            return Record(id=rid, error=f"line {line_no}: {exc} (the headline, or leave it out)")
    return Record(id=rid, text=text, title=title)
