"""The `wenzhai` entry point: bad input is one line on stderr with exit code 2, never a traceback."""

import json
import subprocess
import sys

import pytest

from serving.cli import main


def run_cli(args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "serving.cli", *args], input=stdin, capture_output=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["analyze", "-", "--model", "none"], b"   \n\t", "empty or whitespace"),
        (["analyze", "-", "--model", "none"], b"\xff\xfe\x00", "not valid UTF-8"),
        (["analyze", "/no/such/file.txt", "--model", "none"], b"", "does not exist"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, stdin, message):
    proc = run_cli(args, stdin)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert message in err and "Traceback" not in err and err.count("\n") == 1


def test_closed_pipe_is_not_an_error(seed_page):
    shell = f"{sys.executable} -m serving.cli analyze --model none - | head -c 10"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", shell], input=seed_page.encode(), capture_output=True, timeout=120)
    assert proc.stdout.startswith(b'{"segments')
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr and b"error" not in proc.stderr


def test_analyze_without_model_prints_the_fixed_shape(capsys, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("乡村振兴\n\n村里修好了水泥路，村民发展特色种植，收入逐年增加。", encoding="utf-8")
    assert main(["analyze", str(page), "--model", "none"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"segments", "themes", "summary", "keywords", "model"}
