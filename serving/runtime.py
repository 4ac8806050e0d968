"""Serving settings and process set-up: the YAML config, CPU threads per worker, the model location.

BentoML starts one process per worker and never limits the math libraries' thread pools, so on a
2-core machine two workers with default PyTorch settings would each start two compute threads (plus
tokenizer threads) and fight over the cores. :func:`configure_process` runs in every worker before
PyTorch is imported and pins each worker to its share.
"""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from wenzhai.models.config_files import check_fields, read_yaml_mapping
from wenzhai.models.summary_budget import MAX_SUMMARY_SENTENCES

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = REPO_ROOT / "configs" / "service.yaml"
STORE_PREFIX = "bentoml:"

# Environment variables that override the YAML (handy for `make serve WORKERS=2` and for tests).
ENV_OVERRIDES: dict[str, str] = {
    "WENZHAI_MODEL": "model",
    "WENZHAI_WORKERS": "workers",
    "WENZHAI_TORCH_THREADS": "torch_threads",
    "WENZHAI_MAX_DOCUMENTS": "max_documents",
}


@dataclass
class ServiceConfig:
    """Everything about serving that is not model weights; read from configs/service.yaml."""

    model: str = field(
        default="default",
        metadata={"help": "Model location: 'default' (models/default, or $WENZHAI_MODEL), a model "
                  "folder, 'bentoml:NAME[:VERSION]' for a model in the BentoML model store, or "
                  "'none' (text statistics only: no themes, no summaries)."},
    )
    workers: int = field(default=1, metadata={"help": "BentoML worker processes."})
    torch_threads: int = field(
        default=0, metadata={"help": "Compute threads per worker (ONNX Runtime, or PyTorch on a torch backend); "
                             "0 = CPU cores divided by workers."}
    )
    api_threads: int = field(
        default=4,
        metadata={"help": "Requests a worker holds at once (BentoML `threads`); their model calls still "
                  "run one bounded call at a time, so a /tag runs between two calls of a long document."},
    )
    max_texts: int = field(default=256, metadata={"help": "Most texts in one /tag request."})
    max_documents: int = field(default=64, metadata={"help": "Most documents in one /batch request."})
    max_summary_sentences: int = field(
        default=MAX_SUMMARY_SENTENCES,
        metadata={"help": "Largest summary_sentences allowed (the CLI's limit is models.summary_budget's)."},
    )
    max_request_chars: int = field(
        default=200_000,
        metadata={"help": "Most characters of text in one request (all /tag texts, all /batch documents): sized "
                  "so the largest request finishes within timeout_s on two cores (docs/performance.md)."},
    )
    max_body_bytes: int = field(default=16 * 1024 * 1024, metadata={"help": "Largest request body."})
    timeout_s: int = field(
        default=300,
        metadata={"help": "Longest a request may run before a 504; its model work stops 5 s before (or at the "
                  "client's X-Deadline-Ms), and as soon as its client disconnects."},
    )
    load_wait_s: int = field(
        default=60,
        metadata={"help": "How long a request reaching a worker that is still loading waits before a 503 "
                  "(with several workers, one may be ready while another still loads)."},
    )
    max_concurrency: int = field(
        default=64, metadata={"help": "Requests in flight per service before new ones get 503."}
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.type in ("int", int) and not isinstance(getattr(self, f.name), int):
                raise ValueError(f"{f.name}: expected an integer, got {getattr(self, f.name)!r}")
        if not self.model:
            raise ValueError("model: must not be empty")
        if self.workers < 1:
            raise ValueError("workers: must be >= 1")
        if self.torch_threads < 0:
            raise ValueError("torch_threads: must be >= 0 (0 = cores / workers)")
        if self.api_threads < 1:
            raise ValueError("api_threads: must be >= 1")
        for name in ("max_texts", "max_documents", "max_summary_sentences", "max_body_bytes",
                     "max_request_chars", "timeout_s", "max_concurrency"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1")
        if self.load_wait_s < 0:
            raise ValueError("load_wait_s: must be >= 0")
        if self.timeout_s < 10:
            raise ValueError("timeout_s: must be >= 10 (a request's model work stops 5 s before it)")

    def threads_per_worker(self) -> int:
        if self.torch_threads:
            return self.torch_threads
        return max(1, (os.cpu_count() or 1) // self.workers)


def load_config(path: str | os.PathLike[str] | None = None) -> ServiceConfig:
    """Read the YAML (``$WENZHAI_SERVICE_CONFIG`` or configs/service.yaml), then the env overrides.

    A missing default file (an installed wheel has no configs/) means the built-in defaults.
    """
    chosen = path or os.environ.get("WENZHAI_SERVICE_CONFIG")
    file = Path(chosen) if chosen else DEFAULT_CONFIG
    values: dict[str, Any] = {}
    if file.exists():
        values.update(read_yaml_mapping(file, "service config"))
    elif chosen:
        raise ValueError(f"WENZHAI_SERVICE_CONFIG: {file} does not exist")
    check_fields(ServiceConfig, values, f"service config {file}")
    known = {f.name: f for f in fields(ServiceConfig)}
    for env, name in ENV_OVERRIDES.items():
        raw = os.environ.get(env)
        if raw:
            values[name] = raw if known[name].type in ("str", str) else _as_int(env, raw)
    return ServiceConfig(**values)


def _as_int(env: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{env}: expected an integer, got {raw!r}") from None


def configure_process(threads: int) -> None:
    """Limit this process's compute threads and keep it offline; call before any model code runs.

    The environment variables cover libraries that read them at load time (OpenMP, MKL, OpenBLAS);
    ONNX Runtime sessions get ``threads`` when the model loads (``load_pipeline(threads=...)``), and a
    PyTorch backend sets its own from the same number. PyTorch is not imported here: the ONNX path
    never needs it. Tokenizer parallelism is switched off: requests are already parallel across
    workers, and its own pool would oversubscribe. A server never downloads: models come from
    folders, so the hub is switched off unless the environment explicitly says otherwise.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["TOKENIZERS_PARALLELISM"] = "false"


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_memory() -> None:
    """Give freed heap memory back to the operating system (glibc only; elsewhere a no-op).

    Why: a long document's activations take a few hundred MB for a moment; glibc keeps freed blocks
    in its arenas, so without this a worker's RSS ratchets up to its largest request and stays there.
    Called after document-sized requests (it takes about a millisecond).
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def resolve_model(location: str) -> Path | None:
    """The model folder for a configured location; None for 'none', or 'default' with none installed.

    Raises ValueError with the setting's name when the location cannot be a model.
    """
    from wenzhai.models.loading import default_model_dir

    if location == "none":
        return None
    if location == "default":
        path = default_model_dir()
    elif location.startswith(STORE_PREFIX):
        path = _store_path(location[len(STORE_PREFIX):])
    else:
        path = Path(location)
    if path is not None and not (path / "config.json").exists():
        raise ValueError(f"model: {path} is not a model folder (no config.json)")
    return path


def _store_path(tag: str) -> Path:
    import bentoml
    from bentoml.exceptions import NotFound

    try:
        return Path(bentoml.models.get(tag).path)
    except NotFound:
        raise ValueError(
            f"model: {tag!r} is not in the BentoML model store; save it with "
            "`python -m serving.store MODEL_DIR` or use a folder path"
        ) from None
