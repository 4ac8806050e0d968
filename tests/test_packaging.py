"""The project installs as one namespace, ``wenzhai.*``, over its top-level folders."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"cli": "wenzhai.cli", "models": "wenzhai.models", "serving": "wenzhai.serving", "training": "wenzhai.training"}


def _setuptools() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_folder_is_listed_under_the_wenzhai_namespace():
    on_disk = set()
    for folder, package in FOLDERS.items():
        for init in (REPO_ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(REPO_ROOT / folder).parts
            on_disk.add(".".join((package, *parts)))
    assert set(_setuptools()["packages"]) == on_disk


def test_no_generic_top_level_name_is_installed():
    setuptools = _setuptools()
    assert all(name.startswith("wenzhai.") for name in setuptools["packages"])
    assert setuptools["package-dir"] == {package: folder for folder, package in FOLDERS.items()}


def test_installed_names_resolve_to_this_checkout():
    import wenzhai.models.pipeline

    assert Path(wenzhai.models.pipeline.__file__).resolve() == REPO_ROOT / "models" / "pipeline.py"
