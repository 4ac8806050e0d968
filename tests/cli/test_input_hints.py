"""The CLI says what is wrong and what to do instead: plain text given to `wenzhai tag`, a JSON row
without a text, and a command left waiting for a terminal nobody is typing into."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wenzhai.cli.main import main
from wenzhai.models.inputs import MAX_TEXT_CHARS


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.tiny_models import build_tiny_classifier

    return build_tiny_classifier(tmp_path_factory.mktemp("tiny-tag"), max_length=32, window_stride=8)


def test_tag_on_plain_text_is_one_error_with_a_hint(tmp_path: Path, capsys) -> None:
    page = tmp_path / "page.txt"
    page.write_text("乡村振兴\n\n村里修好了水泥路，村民发展特色种植。\n政务服务中心推行一网通办。\n", encoding="utf-8")
    assert main(["tag", str(page), "--model", "none"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err  # one line, not one error per line of the page
    assert err.startswith(f"wenzhai tag: error: {page}: no line is a JSON object")
    assert "wenzhai analyze FILE" in err and '{"id": "a", "text": ' in err


def test_tag_rows_name_the_field_and_what_is_allowed(tmp_path: Path, tiny_model: Path, capsys) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        '{"id": "ok", "text": "村里修好了水泥路"}\n'
        '{"id": "missing"}\n'
        '{"id": "null", "text": null}\n'
        '{"id": "number", "text": 5}\n'
        "乡村振兴 (a plain line among JSON lines)\n",
        encoding="utf-8",
    )
    assert main(["tag", str(rows), "--model", str(tiny_model)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["id"] for row in out] == ["ok", "missing", "null", "number", None]
    assert "theme" in out[0]
    assert out[1]["error"] == f"line 2: text: is required; give a string of 1 to {MAX_TEXT_CHARS:,} characters"
    assert out[2]["error"] == "line 3: text: expected a string, got null"
    assert out[3]["error"] == "line 4: text: expected a string, got an integer"
    assert out[4]["error"].startswith("line 5: not valid JSON")
    assert not any("NoneType" in row.get("error", "") for row in out)


def test_empty_input_to_tag_is_nothing_to_do(tmp_path: Path, tiny_model: Path, capsys) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert main(["tag", str(empty), "--model", str(tiny_model)]) == 0
    assert capsys.readouterr().out == ""


def test_a_command_waiting_on_a_terminal_says_so(tiny_model: Path) -> None:
    """`wenzhai tag` with no file at a terminal prints a hint on stderr, then reads what is typed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "wenzhai.cli.main", "tag", "--model", str(tiny_model)],
        stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    os.close(follower)
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, "no hint on stderr within 60 s"
        hint = proc.stderr.readline().decode()
        assert hint.startswith("wenzhai tag: reading stdin from the terminal")
        assert "Ctrl-D" in hint and "wenzhai tag FILE" in hint
        time.sleep(0.2)
        os.write(leader, '{"id": 7, "text": "村里修好了水泥路，村民发展特色种植。"}\n'.encode())
        os.write(leader, b"\x04")  # end of input, as the user's Ctrl-D
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    row = json.loads(out)
    assert row["id"] == 7 and "theme" in row


def test_no_hint_when_stdin_is_a_pipe(tiny_model: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wenzhai.cli.main", "tag", "--model", str(tiny_model)],
        input='{"id": 1, "text": "村里修好了水泥路。"}'.encode(), capture_output=True, timeout=120,
    )
    assert proc.returncode == 0 and b"terminal" not in proc.stderr
