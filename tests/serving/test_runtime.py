"""Serving settings, the model location, and per-worker thread limits (no server needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wenzhai.serving.runtime import DEFAULT_CONFIG, ServiceConfig, load_config, resolve_model

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_shipped_config_loads_and_fits_two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    for env in ("WENZHAI_SERVICE_CONFIG", "WENZHAI_MODEL", "WENZHAI_WORKERS", "WENZHAI_TORCH_THREADS"):
        monkeypatch.delenv(env, raising=False)
    config = load_config(DEFAULT_CONFIG)
    assert config.model == "default"
    assert config.workers * config.threads_per_worker() <= max(2, os.cpu_count() or 1)


def test_environment_overrides_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WENZHAI_WORKERS", "2")
    monkeypatch.setenv("WENZHAI_MODEL", "bentoml:wenzhai-theme:latest")
    config = load_config(DEFAULT_CONFIG)
    assert config.workers == 2 and config.model == "bentoml:wenzhai-theme:latest"


def test_threads_per_worker_shares_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert ServiceConfig(workers=1).threads_per_worker() == 2
    assert ServiceConfig(workers=2).threads_per_worker() == 1
    assert ServiceConfig(workers=4).threads_per_worker() == 1
    assert ServiceConfig(workers=2, torch_threads=3).threads_per_worker() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("workers: 0\n", "workers: must be >= 1"),
        ("worker: 2\n", "unknown field\\(s\\) worker"),
        ("max_request_chars: 0\n", "max_request_chars: must be >= 1"),
        ("timeout_s: 5\n", "timeout_s: must be >= 10"),
        ("workers: two\n", "workers: expected an integer"),
        ("- a list\n", "must hold a mapping"),
    ],
)
def test_bad_config_is_refused_with_the_setting_named(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "service.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(file)


def test_bad_environment_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WENZHAI_TORCH_THREADS", "many")
    with pytest.raises(ValueError, match="WENZHAI_TORCH_THREADS: expected an integer"):
        load_config(DEFAULT_CONFIG)


def test_missing_config_named_by_env_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WENZHAI_SERVICE_CONFIG", str(tmp_path / "nope.yaml"))
    with pytest.raises(ValueError, match="WENZHAI_SERVICE_CONFIG: .* does not exist"):
        load_config()


def test_resolve_model_locations(tiny_classifier_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_model(str(tiny_classifier_dir)) == tiny_classifier_dir
    assert resolve_model("none") is None
    monkeypatch.setenv("WENZHAI_MODEL", str(tiny_classifier_dir))
    assert resolve_model("default") == tiny_classifier_dir
    with pytest.raises(ValueError, match="model: .* is not a model folder"):
        resolve_model(str(tmp_path))


def test_model_store_tag_round_trip(tiny_classifier_dir: Path, tmp_path: Path) -> None:
    """`python -m serving.store DIR` saves a model; 'bentoml:TAG' then resolves to its folder."""
    env = {"BENTOML_HOME": str(tmp_path / "bentoml")}
    saved = subprocess.run([sys.executable, "-m", "wenzhai.serving.store", str(tiny_classifier_dir), "--name", "tiny-theme"],
                           cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert saved.returncode == 0, saved.stderr[-2000:]
    assert saved.stdout.startswith("saved tiny-theme:")
    code = ("from serving.runtime import resolve_model; import json; "
            "p = resolve_model('bentoml:tiny-theme:latest'); "
            "print(json.dumps([str(p), sorted(x.name for x in p.iterdir())]))")
    path, files = json.loads(run_python(code, env))
    assert path.startswith(env["BENTOML_HOME"]) and "config.json" in files and "model.safetensors" in files
    missing = run_python("from serving.runtime import resolve_model\ntry:\n    resolve_model('bentoml:nope:latest')\n"
                         "except ValueError as e:\n    print(e)", env)
    assert missing.startswith("model: 'nope:latest' is not in the BentoML model store")


def test_store_refuses_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "wenzhai.serving.store", str(tmp_path)], cwd=REPO_ROOT,
                            env={**os.environ, "BENTOML_HOME": str(tmp_path / "home")},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "MODEL_DIR:" in result.stderr and "Traceback" not in result.stderr


def test_service_import_pins_threads_and_loads_no_torch() -> None:
    code = (
        "import sys, os, json\n"
        "import wenzhai.serving.service\n"
        "print(json.dumps([sorted(m for m in ('torch', 'transformers', 'sklearn') if m in sys.modules),"
        " os.environ['OMP_NUM_THREADS'], os.environ['TOKENIZERS_PARALLELISM'], os.environ['HF_HUB_OFFLINE']]))"
    )
    heavy, omp, tokenizers, offline = json.loads(run_python(code, {"WENZHAI_TORCH_THREADS": "1"}))
    assert (heavy, omp, tokenizers, offline) == ([], "1", "false", "1")
