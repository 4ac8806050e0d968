"""Finding, checking and reading batch inputs (JSONL and Parquet)."""

from __future__ import annotations

import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.serving.batch.conftest import BAD_JSONL_LINES
from wenzhai.cli.commands import UsageError
from wenzhai.serving.batch.sources import find_inputs, read_rows


def test_folder_is_searched_recursively_skipping_hidden_files_and_the_output(archive):
    files = find_inputs(archive, exclude=archive / "part-a.jsonl")
    assert [f.name for f in files] == ["nested/part-b.parquet"]
    files = find_inputs(archive)
    assert [(f.name, f.kind) for f in files] == [("nested/part-b.parquet", "parquet"), ("part-a.jsonl", "jsonl")]
    assert all(f.path.is_absolute() for f in files)


def test_row_estimates_count_lines_and_parquet_rows(archive):
    estimates = {f.name: f.rows_estimate() for f in find_inputs(archive)}
    # 130 real rows + the bad rows + one blank line (the bar's total counts lines)
    assert estimates == {"part-a.jsonl": 130 + len(BAD_JSONL_LINES) + 1, "nested/part-b.parquet": 100}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.jsonl", "does not exist"),
        (lambda d: (d / "a.csv").write_text("x") and d / "a.csv", "not a .jsonl or .parquet file"),
        (lambda d: (d / "empty").mkdir() or d / "empty", "no .jsonl or .parquet files"),
    ],
)
def test_bad_input_paths_are_usage_errors(tmp_path, make, message):
    with pytest.raises(UsageError, match=message):
        find_inputs(make(tmp_path))


def test_input_equal_to_output_is_refused(tmp_path):
    path = tmp_path / "same.jsonl"
    path.write_text('{"id": 1, "text": "乡村"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="same file"):
        find_inputs(path, exclude=path)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (pa.table({"id": [1], "body": ["乡村"]}), "no 'text' column"),
        (pa.table({"id": [1], "text": [b"\xe4"]}), "column 'text' is binary"),
        (pa.table({"id": [1.5], "text": ["乡村"]}), "column 'id' is double"),
    ],
)
def test_unusable_parquet_schemas_are_named_before_any_work(tmp_path, table, message):
    pq.write_table(table, tmp_path / "x.parquet")
    with pytest.raises(UsageError, match=message):
        find_inputs(tmp_path)


def test_not_a_parquet_file_is_a_usage_error(tmp_path):
    (tmp_path / "x.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(UsageError, match="x.parquet: not a readable Parquet file"):
        find_inputs(tmp_path)


def test_jsonl_rows_keep_their_line_numbers_and_undecodable_lines_become_problems():
    data = "\ufeff".encode() + b'{"id": 1, "text": "a"}\r\n\n  \n{"id": 2, "text": "\xff"}\n{"id": 3, "text": "c"}'
    chunks = list(read_rows(io.BytesIO(data), "jsonl", "f.jsonl", chunk_rows=2))
    rows = [row for chunk in chunks for row in chunk]
    assert [len(chunk) for chunk in chunks] == [2, 1]
    assert [(r.source, r.row_no) for r in rows] == [("f.jsonl:1", 1), ("f.jsonl:4", 4), ("f.jsonl:5", 5)]
    assert json.loads(rows[0].line) == {"id": 1, "text": "a"}  # BOM dropped, \r tolerated by JSON
    assert rows[1].line is None and "line 4: not valid UTF-8" in rows[1].problem
    assert json.loads(rows[2].line) == {"id": 3, "text": "c"}  # last line without a newline


def test_jsonl_lines_longer_than_a_read_block_are_whole():
    text = "乡" * 700_000  # > 1 MiB of UTF-8
    data = json.dumps({"id": "long", "text": text}, ensure_ascii=False).encode() + b"\n"
    (row,) = [row for chunk in read_rows(io.BytesIO(data), "jsonl", "f.jsonl", 10) for row in chunk]
    assert json.loads(row.line)["text"] == text


def test_parquet_rows_become_json_objects_with_row_numbers(tmp_path):
    pq.write_table(pa.table({"id": [7, 8, 9], "text": ["甲", None, "丙"], "extra": [1, 2, 3]}), tmp_path / "p.parquet")
    with (tmp_path / "p.parquet").open("rb") as f:
        rows = [row for chunk in read_rows(f, "parquet", "p.parquet", chunk_rows=2) for row in chunk]
    assert [r.source for r in rows] == ["p.parquet:1", "p.parquet:2", "p.parquet:3"]
    assert [json.loads(r.line) for r in rows] == [
        {"id": 7, "text": "甲"}, {"id": 8, "text": None}, {"id": 9, "text": "丙"}
    ]


def test_parquet_without_id_column_reads_text_only(tmp_path):
    pq.write_table(pa.table({"text": ["甲"]}), tmp_path / "p.parquet")
    with (tmp_path / "p.parquet").open("rb") as f:
        (row,) = [row for chunk in read_rows(f, "parquet", "p.parquet", 10) for row in chunk]
    assert json.loads(row.line) == {"text": "甲"}
