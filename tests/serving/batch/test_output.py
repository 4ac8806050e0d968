"""Reading back a partial OUTPUT: keys of finished rows, truncated tails cut off."""

from __future__ import annotations

import pytest

from wenzhai.cli.commands import UsageError
from wenzhai.serving.batch.output import open_output, read_done
from wenzhai.serving.batch.scoring import row_key


def test_missing_output_means_nothing_done(tmp_path):
    resumed = read_done(tmp_path / "none.jsonl")
    assert resumed.done == set() and resumed.rows == 0


def test_keys_come_from_ids_or_positions_and_a_truncated_last_line_is_cut_off(tmp_path):
    path = tmp_path / "out.jsonl"
    good = '{"id": "a", "theme": "other"}\n{"id": 2, "x": 1}\n{"id": null, "source": "f.jsonl:9", "error": "e"}\n'
    path.write_text(good + '{"id": "c", "the', encoding="utf-8")
    resumed = read_done(path)
    assert resumed.done == {row_key("a", ""), row_key(2, ""), row_key(None, "f.jsonl:9")}
    assert resumed.rows == 3 and resumed.truncated_bytes == len('{"id": "c", "the')
    assert path.read_text(encoding="utf-8") == good


def test_garbled_complete_lines_are_counted_not_trusted(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a"}\nnot json\n{"no_id": 1}\n\n', encoding="utf-8")
    resumed = read_done(path)
    assert resumed.done == {row_key("a", "")} and resumed.unreadable == 2 and resumed.truncated_bytes == 0


def test_open_output_appends_and_creates_folders(tmp_path):
    path = tmp_path / "deep" / "er" / "out.jsonl"
    handle, resumed = open_output(path)
    with handle:
        handle.write('{"id": 1}\n')
    handle, resumed = open_output(path)
    with handle:
        handle.write('{"id": 2}\n')
    assert resumed.rows == 1 and path.read_text() == '{"id": 1}\n{"id": 2}\n'


def test_output_that_is_a_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="is a directory"):
        open_output(tmp_path)
