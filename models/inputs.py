"""Validation of user-supplied text, shared by the CLI, the batch runner and the service.

One place decides what text we accept, so every surface gives the same clear message.
"""

from __future__ import annotations

import unicodedata

MAX_TEXT_CHARS = 200_000
#: The longest headline a caller may pass beside a text (`title`): a few lines of heading, never an article.
MAX_TITLE_CHARS = 500


class InputError(ValueError):
    """Text we cannot analyse; the message names the field and what is allowed."""


_JSON_TYPE_NAMES = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true/false",
                    "list": "an array", "dict": "an object", "NoneType": "null"}


def json_type_name(value: object) -> str:
    """``value``'s type as a JSON user names it (``null``, ``an array``), never Python's ``NoneType``."""
    name = type(value).__name__
    return _JSON_TYPE_NAMES.get(name, name)


def check_text(text: object, field: str = "text", max_chars: int = MAX_TEXT_CHARS) -> str:
    """Return ``text`` if it is analysable, else raise :class:`InputError` naming ``field``.

    Control characters other than line breaks and tabs are replaced by spaces rather than rejected:
    OCR output carries stray ones, and dropping them would shift every span.
    """
    if not isinstance(text, str):
        raise InputError(f"{field}: expected a string, got {json_type_name(text)}")
    if len(text) > max_chars:
        raise InputError(f"{field}: {len(text):,} characters is over the limit of {max_chars:,}")
    if not text.strip():
        raise InputError(f"{field}: is empty or whitespace only; give at least one visible character")
    return "".join(
        " " if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" else ch for ch in text
    )


def decode_bytes(data: bytes, source: str) -> str:
    """Decode UTF-8 input (a BOM is allowed); undecodable bytes are an InputError naming the offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r}); "
            "convert the file to UTF-8"
        ) from None
