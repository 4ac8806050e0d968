"""Starting the service: readiness, model locations that fail, no model, and a built Bento."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.server_process import BentoServer, free_port
from tests.serving.conftest import start_server

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_a_model_that_fails_to_load_keeps_readyz_false(tiny_classifier_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_classifier_dir, broken)
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    server = start_server(tmp_path, "broken", {"WENZHAI_MODEL": str(broken)}, wait="live")
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=server.url, timeout=30) as http:
            while time.monotonic() < deadline:  # until loading has finished (and failed)
                r = http.post("/tag", json={"texts": ["村里修路。"]})
                if "still loading" not in r.text:
                    break
                time.sleep(0.2)
            assert r.status_code == 503
            assert r.json()["error"].startswith(f"model: loading {broken} failed")
            assert http.get("/readyz").status_code == 503
            assert http.get("/livez").status_code == 200
            bad = http.post("/tag", json={"texts": [" "]})
            assert bad.status_code == 400  # bad input is still answered as such
    finally:
        server.stop()


def test_a_location_that_is_not_a_model_stops_the_server_with_its_reason(tmp_path: Path) -> None:
    server = BentoServer(env={"WENZHAI_MODEL": str(tmp_path / "missing")}, log_path=tmp_path / "missing.log").start()
    try:
        with pytest.raises(RuntimeError, match="exited"):
            server.wait_ready(timeout=120)
        assert f"model: {tmp_path / 'missing'} is not a model folder" in server.log_tail(20_000)
    finally:
        server.stop()


def test_no_model_serves_text_statistics_only(tmp_path: Path) -> None:
    server = start_server(tmp_path, "none", {"WENZHAI_MODEL": "none"})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            r = http.post("/analyze", json={"text": "乡村振兴\n村里修好了水泥路，村民发展特色种植。\n\n企业发布年报，营收增长。"})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["themes"] is None and body["summary"] == []
            assert all(seg["theme"] is None for seg in body["segments"])
            tag = http.post("/tag", json={"texts": ["村里修路。"]})
            assert tag.status_code == 503 and tag.json()["error"].startswith("model: no theme model is loaded")
            summary = http.post("/summarize", json={"text": "村里修路。"})
            assert summary.status_code == 503 and summary.json()["error"].startswith("summarizer: not available")
    finally:
        server.stop()


def test_built_bento_serves_offline(tiny_classifier_dir: Path, tmp_path: Path) -> None:
    """`bentoml build` packs code, config and page; the Bento then serves from outside the checkout."""
    bentoml = str(Path(sys.executable).with_name("bentoml"))
    env = {**os.environ, "BENTOML_HOME": str(tmp_path / "home"), "BENTOML_DO_NOT_TRACK": "True"}
    built = subprocess.run([bentoml, "build", "--output", "tag"], cwd=REPO_ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    tag = built.stdout.strip().splitlines()[-1].removeprefix("__tag__:")
    src = tmp_path / "home" / "bentos" / tag.replace(":", "/") / "src"
    for needed in ("serving/service.py", "serving/static/index.html", "configs/service.yaml", "models/pipeline.py"):
        assert (src / needed).is_file(), needed
    assert not (src / "tests").exists() and not (src / "training").exists()
    if (REPO_ROOT / "models" / "default" / "config.json").exists():
        assert (src / "models" / "default" / "config.json").is_file()

    empty = tmp_path / "elsewhere"
    empty.mkdir()
    server = BentoServer(
        env={"BENTOML_HOME": env["BENTOML_HOME"], "WENZHAI_MODEL": str(tiny_classifier_dir),
             "HF_HUB_OFFLINE": "1", "BENTOML_DO_NOT_TRACK": "True", "PYTHONPATH": ""},
        target=tag, cwd=empty, log_path=tmp_path / "bento.log", port=free_port(),
    ).start()
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url, timeout=30) as http:
            r = http.post("/tag", json={"texts": ["村里修好了路。"]})
            assert r.status_code == 200, r.text
            assert http.get("/ui/").status_code == 200
    finally:
        server.stop()
