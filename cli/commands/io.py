"""Reading the CLI's text input: a file path or ``-`` for stdin, as UTF-8, with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

from wenzhai.cli.commands import UsageError
from wenzhai.models.inputs import decode_bytes


def read_input(path: str) -> str:
    """Read ``path`` (or stdin for ``-``) as UTF-8 text; missing files and bad bytes are UsageErrors."""
    if path == "-":
        return decode_bytes(sys.stdin.buffer.read(), "stdin")
    file = Path(path)
    if not file.exists():
        raise UsageError(f"FILE: {path} does not exist")
    if file.is_dir():
        raise UsageError(f"FILE: {path} is a directory; give a text file or - for stdin")
    return decode_bytes(file.read_bytes(), path)
