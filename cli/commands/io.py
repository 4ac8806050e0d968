"""Reading the CLI's text input: a file path or ``-`` for stdin, as UTF-8, with clear errors.

When the input is ``-`` and stdin is an interactive terminal, the command would otherwise wait in
silence for text nobody is typing, so a one-line hint on stderr says what it is waiting for.
"""

from __future__ import annotations

import sys
from pathlib import Path

from wenzhai.cli.commands import UsageError
from wenzhai.models.inputs import decode_bytes


def terminal_hint(command: str) -> str:
    """What ``wenzhai <command>`` says on stderr before it waits for text typed at a terminal."""
    end = "Ctrl-Z and Enter" if sys.platform == "win32" else "Ctrl-D"
    name = f"wenzhai {command}".strip()
    return f"{name}: reading stdin from the terminal; paste the text and press {end}, or give a file: {name} FILE"


def read_input(path: str, command: str = "") -> str:
    """Read ``path`` (or stdin for ``-``) as UTF-8 text; missing files and bad bytes are UsageErrors.

    ``command`` names the sub-command in the hint printed when stdin is an interactive terminal.
    """
    if path == "-":
        if sys.stdin.isatty():
            print(terminal_hint(command), file=sys.stderr, flush=True)
        return decode_bytes(sys.stdin.buffer.read(), "stdin")
    file = Path(path)
    if not file.exists():
        raise UsageError(f"FILE: {path} does not exist")
    if file.is_dir():
        raise UsageError(f"FILE: {path} is a directory; give a text file or - for stdin")
    return decode_bytes(file.read_bytes(), path)
