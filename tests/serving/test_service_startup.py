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


def isolated_python(root: Path, wheel: Path) -> Path:
    """A Python that sees this venv's libraries but not the checkout: a fresh venv whose .pth adds our
    site-packages (their .pth files, the editable wenzhai among them, are not run), plus ``wheel`` unpacked."""
    import site
    import zipfile

    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    target = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    ours = next(p for p in site.getsitepackages() if p.endswith("site-packages"))
    (target / "venv-libraries.pth").write_text(ours + "\n", encoding="utf-8")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return python


def test_built_bento_serves_offline_from_its_own_wheel(tmp_path: Path) -> None:
    """`make wheel` + `bentoml build` pack the project as a wheel; a Python that cannot see the checkout
    serves the Bento from that wheel, with the shipped model it carries (ONNX files, built by `make setup`)."""
    made = subprocess.run(["make", "-s", "-o", "setup", "wheel"], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=600)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    bentoml = str(Path(sys.executable).with_name("bentoml"))
    env = {**os.environ, "BENTOML_HOME": str(tmp_path / "home"), "BENTOML_DO_NOT_TRACK": "True"}
    built = subprocess.run([bentoml, "build", "--output", "tag"], cwd=REPO_ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    tag = built.stdout.strip().splitlines()[-1].removeprefix("__tag__:")
    bento = tmp_path / "home" / "bentos" / tag.replace(":", "/")
    assert not (bento / "src" / "serving").exists() and not (bento / "src" / "models").exists()
    wheels = list(bento.glob("env/python/wheels/wenzhai-*.whl"))
    assert len(wheels) == 1, "the Bento does not carry the project wheel"

    python = isolated_python(tmp_path / "isolated", wheels[0])
    probe = subprocess.run([str(python), "-c", "import wenzhai.serving.service as s; print(s.__file__)"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": "", "WENZHAI_MODEL": "none"})
    assert probe.returncode == 0, probe.stderr[-3000:]
    assert str(REPO_ROOT) not in probe.stdout and str(tmp_path / "isolated") in probe.stdout

    empty = tmp_path / "elsewhere"
    empty.mkdir()
    server = BentoServer(
        env={"BENTOML_HOME": env["BENTOML_HOME"], "WENZHAI_MODEL": "default", "HF_HUB_OFFLINE": "1",
             "BENTOML_DO_NOT_TRACK": "True", "PYTHONPATH": ""},
        target=tag, cwd=empty, log_path=tmp_path / "bento.log", port=free_port(), python=python,
    ).start()
    try:
        server.wait_ready()
        with httpx.Client(base_url=server.url, timeout=60) as http:
            r = http.post("/tag", json={"texts": ["村里修好了路。"]})
            assert r.status_code == 200, r.text
            assert http.get("/ui/").status_code == 200
    finally:
        server.stop()
