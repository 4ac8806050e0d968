"""Shared fixtures: where ../shared lives, and how a test that needs it behaves without it.

CI always has ../shared (and sets CI=true): there a missing folder is a failure. On a user's clone
without it, tests that need it skip with the reason stated.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("WENZHAI_SHARED", REPO_ROOT.parent / "shared"))


def require_shared(relative: str = "") -> Path:
    """Return ``../shared/<relative>``; fail under CI, skip elsewhere, when it is missing."""
    path = SHARED_DIR / relative
    if path.exists():
        return path
    reason = f"needs {path} (the shared data folder beside the project; see README 'Data')"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def seed_page(shared_dir: Path) -> str:
    return (shared_dir / "seed" / "page.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random BERT + character tokenizer as a Hugging Face folder (see tests/tiny_models.py)."""
    from tests.tiny_models import build_tiny_encoder

    return build_tiny_encoder(tmp_path_factory.mktemp("tiny-encoder"))
