"""The input side of batch scoring: find JSONL/Parquet files, check them, read them as numbered rows.

Rows are read as raw JSON text plus their position (``file:row``) and parsed later, inside the
per-batch function, so a bad row is reported with its position by whichever engine runs it. The
readers take an open binary file, so the in-process engine and the Ray datasource (which opens files
through pyarrow) read with the very same code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from wenzhai.models.inputs import InputError

SUFFIX_KINDS: dict[str, str] = {".jsonl": "jsonl", ".parquet": "parquet"}
READ_BLOCK_BYTES = 1 << 20


class RawRow(NamedTuple):
    """One input row before validation: its JSON text, or the reason it could not be read."""

    source: str  # "relative/file.jsonl:12" — where the row came from, for error rows and resuming
    row_no: int  # 1-based line (JSONL) or row (Parquet) number inside its file
    line: str | None  # the row as the text of a JSON object
    problem: str | None = None  # set (and ``line`` None) when the row could not even be decoded


@dataclass(frozen=True)
class InputFile:
    path: Path  # absolute
    name: str  # relative to the INPUT folder (the file name for a single file)
    kind: str  # "jsonl" or "parquet"

    def rows_estimate(self) -> int:
        """Row count for the progress bar: exact for Parquet, the number of lines for JSONL."""
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            return pq.ParquetFile(self.path).metadata.num_rows
        lines = 0
        last = b"\n"
        with self.path.open("rb") as f:
            while block := f.read(READ_BLOCK_BYTES):
                lines += block.count(b"\n")
                last = block[-1:]
        return lines + (last != b"\n")


def kind_of(path: Path) -> str | None:
    return SUFFIX_KINDS.get(path.suffix.lower())


def find_inputs(input_path: str | os.PathLike[str], exclude: Path | None = None) -> list[InputFile]:
    """The input files under ``input_path`` (a file, or a folder searched recursively), checked.

    Hidden files and folders are ignored, and so is ``exclude`` (the OUTPUT file, which may live
    inside the input folder). Parquet schemas are checked here, before any engine starts.
    """
    root = Path(input_path)
    if not root.exists():
        raise InputError(f"INPUT: {root} does not exist")
    excluded = exclude.resolve() if exclude is not None else None
    if root.is_file():
        if kind_of(root) is None:
            raise InputError(f"INPUT: {root} is not a .jsonl or .parquet file")
        if root.resolve() == excluded:
            raise InputError("INPUT and OUTPUT are the same file; write the results somewhere else")
        candidates = [(root, root.name)]
    else:
        candidates = [
            (path, path.relative_to(root).as_posix())
            for path in sorted(root.rglob("*"))
            if path.is_file()
            and kind_of(path) is not None
            and not any(part.startswith(".") for part in path.relative_to(root).parts)
            and path.resolve() != excluded
        ]
        if not candidates:
            raise InputError(f"INPUT: no .jsonl or .parquet files under {root}")
    files = [InputFile(path.resolve(), name, kind_of(path) or "") for path, name in candidates]
    for file in files:
        if file.kind == "parquet":
            parquet_columns(file.path, file.name)
    return files


def parquet_columns(path: Path | str, name: str, schema=None) -> list[str]:
    """The columns to read from a Parquet file; a InputError naming the file if they are unusable."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if schema is None:
        try:
            schema = pq.read_schema(path)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"INPUT {name}: not a readable Parquet file ({exc})") from None
    if "text" not in schema.names:
        raise InputError(f"INPUT {name}: no 'text' column (columns: {', '.join(schema.names)})")
    text_type = schema.field("text").type
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
        raise InputError(f"INPUT {name}: column 'text' is {text_type}; expected string")
    if "id" not in schema.names:
        return ["text"]
    id_type = schema.field("id").type
    if not (pa.types.is_integer(id_type) or pa.types.is_string(id_type) or pa.types.is_large_string(id_type)):
        raise InputError(f"INPUT {name}: column 'id' is {id_type}; expected string or integer")
    return ["id", "text"]


def read_rows(f: BinaryIO, kind: str, name: str, chunk_rows: int) -> Iterator[list[RawRow]]:
    """Read an open binary file as chunks of at most ``chunk_rows`` raw rows."""
    rows = _jsonl_rows(f, name) if kind == "jsonl" else _parquet_rows(f, name, chunk_rows)
    chunk: list[RawRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_rows:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _lines(f: BinaryIO) -> Iterator[bytes]:
    """Lines of a binary stream without their ``\\n``; works on any object with ``read(n)``."""
    rest = b""
    while block := f.read(READ_BLOCK_BYTES):
        parts = (rest + block).split(b"\n")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _jsonl_rows(f: BinaryIO, name: str) -> Iterator[RawRow]:
    for line_no, data in enumerate(_lines(f), 1):
        if not data.strip():
            continue
        try:
            text = data.decode("utf-8-sig" if line_no == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            problem = f"line {line_no}: not valid UTF-8 (byte {exc.start} of the line); convert the file to UTF-8"
            yield RawRow(f"{name}:{line_no}", line_no, None, problem)
            continue
        yield RawRow(f"{name}:{line_no}", line_no, text)


def _parquet_rows(f: BinaryIO, name: str, chunk_rows: int) -> Iterator[RawRow]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(f)
    columns = parquet_columns(name, name, parquet.schema_arrow)
    row_no = 0
    for batch in parquet.iter_batches(batch_size=chunk_rows, columns=columns):
        for obj in batch.to_pylist():
            row_no += 1
            yield RawRow(f"{name}:{row_no}", row_no, json.dumps(obj, ensure_ascii=False))
