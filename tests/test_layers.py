"""The layers stay apart: the command line on top, serving and the batch engine on models only.

Each check runs in a fresh interpreter, so modules that other tests imported cannot hide an import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

LOADED = (
    "import json, sys\n"
    "import {modules}\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.startswith(('wenzhai.training', 'wenzhai.cli')))))"
)


@pytest.mark.parametrize(
    "modules",
    [
        "wenzhai.serving.service",
        "wenzhai.serving.batch.runner, wenzhai.serving.batch.scoring, wenzhai.serving.batch.local_engine",
        "wenzhai.models.pipeline, wenzhai.models.loading, wenzhai.models.summarizer, wenzhai.models.classifier",
    ],
)
def test_serving_and_models_load_no_training_or_cli_module(modules: str, tmp_path) -> None:
    # BENTOML_HOME in tmp: importing the service must not touch the user's BentoML store.
    env = {"BENTOML_HOME": str(tmp_path / "bentoml"), "WENZHAI_MODEL": "none", "BENTOML_DO_NOT_TRACK": "True"}
    result = subprocess.run(
        [sys.executable, "-c", LOADED.format(modules=modules)],
        capture_output=True, text=True, timeout=300, env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_layer_check_sees_a_training_import() -> None:
    """The check itself can fail: a module that imports training shows up."""
    result = subprocess.run(
        [sys.executable, "-c", LOADED.format(modules="wenzhai.training.jsonl")],
        capture_output=True, text=True, timeout=120,
    )
    assert "wenzhai.training.jsonl" in json.loads(result.stdout.strip().splitlines()[-1])
