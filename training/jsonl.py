"""Reading and writing JSONL data files; read errors name the file and line (one reader for every file kind)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def iter_jsonl(path: str | Path) -> Iterator[tuple[str, Any]]:
    """``(where, parsed)`` for every non-blank line, ``where`` being ``path:line`` for error messages."""
    path = Path(path)
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            yield where, json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write ``rows`` as UTF-8 JSONL (characters unescaped); returns how many."""
    lines = [json.dumps(row, ensure_ascii=False) + "\n" for row in rows]
    Path(path).write_text("".join(lines), encoding="utf-8")
    return len(lines)
