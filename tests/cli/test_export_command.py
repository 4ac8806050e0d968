"""`wenzhai export`: an fp16 model folder, the size limit (refused before anything is written) and --max-mb."""

import argparse
import json

import pytest

from tests.tiny_models import build_tiny_classifier
from wenzhai.cli.commands import train as train_command


def parse(argv):
    parser = argparse.ArgumentParser(prog="wenzhai")
    train_command.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_export_writes_fp16_and_honours_the_size_limit(tmp_path, capsys):
    model = build_tiny_classifier(tmp_path / "model")
    out = tmp_path / "out"
    args = parse(["export", "--model", str(model), "--out", str(out), "--max-mb", "0.000001"])
    with pytest.raises(ValueError, match="over the 0 MB limit"):
        args.handler(args)
    assert not out.exists()
    for max_mb in ("0", "60"):
        args = parse(["export", "--model", str(model), "--out", str(out), "--max-mb", max_mb])
        assert args.handler(args) == 0
    config = json.loads((out / "config.json").read_text())
    assert config.get("torch_dtype", config.get("dtype")) == "float16"
    assert f"wrote {out}" in capsys.readouterr().out
    args = parse(["export", "--model", str(model), "--out", str(out), "--max-mb", "-1"])
    with pytest.raises(ValueError, match="--max-mb"):
        args.handler(args)
