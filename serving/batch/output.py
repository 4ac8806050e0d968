"""The output side of batch scoring: a JSONL file written incrementally and resumable after a crash.

Each finished chunk is appended and flushed at once, so a crash loses at most the chunk being
written — and at worst leaves a truncated last line. On the next run :func:`open_output` reads what
is there, cuts that truncated tail off, and returns the keys of the rows already written so those
rows are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from wenzhai.models.inputs import InputError
from wenzhai.serving.batch.scoring import row_key


@dataclass
class Resumed:
    """What an existing OUTPUT already holds."""

    done: set[tuple[str, Any]] = field(default_factory=set)
    rows: int = 0  # complete rows found
    truncated_bytes: int = 0  # size of the unfinished last line that was cut off
    unreadable: int = 0  # complete lines that are not our JSON rows (their input rows run again)


def read_done(path: Path) -> Resumed:
    """The keys of the rows in ``path``; truncates an unfinished last line off the file."""
    resumed = Resumed()
    if not path.exists():
        return resumed
    good_end = 0
    with path.open("rb") as f:
        for data in f:
            if not data.endswith(b"\n"):
                break  # an unfinished last line (the writer died mid-write)
            good_end += len(data)
            if not data.strip():
                continue
            try:
                row = json.loads(data)
                key = row_key(row["id"], row.get("source", ""))
                resumed.done.add(key)
            except (ValueError, TypeError, KeyError):
                resumed.unreadable += 1
                continue
            resumed.rows += 1
    size = path.stat().st_size
    if size > good_end:
        resumed.truncated_bytes = size - good_end
        with path.open("r+b") as f:
            f.truncate(good_end)
    return resumed


def open_output(output: str | Path) -> tuple[TextIO, Resumed]:
    """Open OUTPUT for appending (creating its folder) after reading what it already holds."""
    path = Path(output)
    if path.is_dir():
        raise InputError(f"OUTPUT: {path} is a directory; give a .jsonl file path")
    path.parent.mkdir(parents=True, exist_ok=True)
    resumed = read_done(path)
    return path.open("a", encoding="utf-8", newline="\n"), resumed
