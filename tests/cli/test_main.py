"""The `wenzhai` entry point: bad input is one line on stderr with exit code 2, never a traceback."""

import json
import subprocess
import sys

import pytest

from wenzhai.cli.main import main


def run_cli(args, stdin=b""):
    return subprocess.run([sys.executable, "-m", "wenzhai.cli.main", *args], input=stdin, capture_output=True, timeout=120)


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
    shell = f"{sys.executable} -m wenzhai.cli.main analyze --model none - | head -c 10"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", shell], input=seed_page.encode(), capture_output=True, timeout=120)
    assert proc.stdout.startswith(b'{"segments')
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr and b"error" not in proc.stderr


def test_analyze_without_model_prints_the_fixed_shape(capsys, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("乡村振兴\n\n村里修好了水泥路，村民发展特色种植，收入逐年增加。", encoding="utf-8")
    assert main(["analyze", str(page), "--model", "none"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"segments", "themes", "summary", "keywords", "model", "language"}


def test_unknown_backend_is_refused_with_the_choices():
    proc = run_cli(["tag", "-", "--backend", "int4"], '{"id": 1, "text": "乡村"}\n'.encode())
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "--backend" in err and "onnx-int8" in err and "Traceback" not in err


def test_model_optimize_builds_the_onnx_files_once_and_tag_uses_them(capsys, tmp_path):
    from tests.tiny_models import build_tiny_classifier

    model = build_tiny_classifier(tmp_path / "tiny", max_length=32, window_stride=8)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"id": "a", "text": "村里修好了路"}\n{"id": "b"}\n', encoding="utf-8")
    assert main(["tag", str(rows), "--model", str(model), "--backend", "onnx-int8"]) == 2
    assert "wenzhai model optimize --model" in capsys.readouterr().err  # not built yet: says how

    assert main(["model", "optimize", "--model", str(model)]) == 0
    built = json.loads(capsys.readouterr().out)
    assert built["built"] is True and set(built["bytes"]) == {"classifier-int8.onnx", "sentence-l0.onnx"}
    stamp = (model / "onnx" / "classifier-int8.onnx").stat().st_mtime_ns
    assert main(["model", "optimize", "--model", str(model)]) == 0
    assert json.loads(capsys.readouterr().out)["built"] is False
    assert (model / "onnx" / "classifier-int8.onnx").stat().st_mtime_ns == stamp

    for backend in ("onnx-int8", "torch"):
        assert main(["tag", str(rows), "--model", str(model), "--backend", backend]) == 0
        out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [row["id"] for row in out] == ["a", "b"] and "theme" in out[0] and "error" in out[1]
