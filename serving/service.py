"""The BentoML service: ``bentoml serve wenzhai.serving.service:Wenzhai`` (what `make serve` runs).

Only loads and serves: the model is prepared elsewhere (training/export, or `python -m
serving.store` for the BentoML model store) and found through configs/service.yaml or
``$WENZHAI_MODEL``. Loading runs in a background thread, so /livez answers at once and /readyz
turns 200 only when the model is loaded and warmed up; until then the API answers 503.

Routes: POST /analyze, /tag, /summarize, /batch;
GET /ui (the web page), /livez, /readyz, /metrics, /docs.json. Bad requests are answered by
:class:`serving.guard.RequestGuard` before they reach these methods.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import bentoml
from starlette.responses import JSONResponse

from wenzhai.models.inputs import InputError
from wenzhai.models.model_calls import install_gate
from wenzhai.models.results import to_json
from wenzhai.models.summary_budget import DEFAULT_SUMMARY_SENTENCES, Budget
from wenzhai.serving import runtime
from wenzhai.serving.guard import BUDGET_KEY, RequestGuard
from wenzhai.serving.model_lock import ModelLock
from wenzhai.serving.request_budget import CLIENT_GONE, RequestBudget, RequestStopped, running
from wenzhai.serving.schemas import (
    LIMITS,
    AnalyzeRequest,
    AnalyzeResponse,
    BatchError,
    BatchRequest,
    BatchResponse,
    BatchResult,
    RejectedDocument,
    SummarizeRequest,
    SummarizeResponse,
    TagRequest,
    TagResponse,
    TagResult,
)
from wenzhai.serving.ui import EditorHome, ui_app

logger = logging.getLogger("wenzhai.service")
THREADS = LIMITS.threads_per_worker()
runtime.configure_process(THREADS)  # before any model code runs in this worker
# Resolved at import, so a wrong location stops `bentoml serve` at once with its reason.
MODEL_DIR = runtime.resolve_model(LIMITS.model)

T = TypeVar("T")
INTERNAL_ERROR = "internal error while analysing; the server log has the details"
URGENT_TAG_CHARS = 2_000  # a /tag request this short goes ahead of long documents' model calls


def request_budget(ctx: bentoml.Context) -> RequestBudget | None:
    """The budget the guard made for this request (deadline, disconnect flag); None outside a request."""
    request = getattr(ctx, "request", None)
    return request.scope.get(BUDGET_KEY) if request is not None else None


class ModelState:
    """The loaded pipeline (or why there is none), shared by the API methods and the guard.

    ``compute`` serialises model work inside a worker: every bounded model call (8 token windows, or
    one batch of sentences: :mod:`models.model_calls`) takes it, so one call at a time uses the
    worker's compute threads, while BentoML's ``api_threads`` let a short /tag run between two calls
    of a long document instead of after all of it; short /tag calls go ahead of waiting bulk work, and
    each call first checks its request's deadline and connection (:class:`serving.model_lock.ModelLock`,
    :mod:`serving.request_budget`).
    """

    def __init__(self) -> None:
        self.compute = ModelLock()
        self.pipeline: Any = None
        self.error: str | None = None
        self.loaded = threading.Event()
        self.metrics: Any = None  # serving.metrics.ServiceMetrics, made inside the worker

    def start(self, model_dir: Path | None) -> None:
        from wenzhai.serving.metrics import ServiceMetrics

        self.metrics = ServiceMetrics()
        install_gate(self.compute.gate)
        threading.Thread(target=self._load, args=(model_dir,), name="wenzhai-load", daemon=True).start()

    def _load(self, model_dir: Path | None) -> None:
        from wenzhai.models.loading import load_pipeline

        try:
            pipeline = load_pipeline(model_dir if model_dir else "none", threads=THREADS)
            pipeline.analyze("模型预热。乡村振兴，政务服务。", summary_sentences=1)  # first call is slow
        except Exception as exc:  # reported by /readyz (503) and every API answer
            logger.exception("loading the model from %s failed", model_dir)
            self.error = f"model: loading {model_dir} failed ({type(exc).__name__}: {exc})"
        else:
            self.pipeline = pipeline
            logger.info("model ready: %s (%d torch threads)", pipeline.model_info(), THREADS)
        finally:
            self.loaded.set()

    @property
    def ready(self) -> bool:
        return self.loaded.is_set() and self.pipeline is not None

    def unavailable(self, path: str) -> str | None:
        """Why ``path`` cannot be answered now (None when it can)."""
        if not self.loaded.is_set():
            return "model: still loading; retry when GET /readyz answers 200"
        if self.pipeline is None:
            return self.error or "model: not loaded"
        if path == "/tag" and self.pipeline.classifier is None:
            return ("model: no theme model is loaded; set WENZHAI_MODEL to a model folder or "
                    "'bentoml:TAG', or install models/default")
        if path == "/summarize" and getattr(self.pipeline, "summarizer", None) is None:
            return "summarizer: not available in this service (no summariser is installed with the model)"
        return None

    def count_error(self, kind: str) -> None:
        if self.metrics is not None:
            self.metrics.count_error(kind)


STATE = ModelState()


class Failed(NamedTuple):
    """A request (or one /batch document) that could not be answered: HTTP status and message."""

    status: int
    message: str

    def response(self, ctx: bentoml.Context) -> JSONResponse:
        """The JSON answer; its status is set on ``ctx`` too, since BentoML gives a method that takes
        ``ctx`` the status of ``ctx.response``."""
        ctx.response.status_code = self.status
        return JSONResponse({"error": self.message}, status_code=self.status)


def guarded(what: str, input_error_kind: str, compute: Callable[[], T], document_sized: bool = True) -> T | Failed:
    """Run ``compute`` (its model calls take the lock one at a time); bad input → 400, a passed deadline
    → 504, a client gone → stopped (499, never read), anything else → logged 500, never a traceback.

    After ``document_sized`` work the freed heap goes back to the system (``runtime.release_memory``).
    """
    try:
        try:
            return compute()
        finally:
            if document_sized:
                runtime.release_memory()
    except InputError as exc:
        STATE.count_error(input_error_kind)
        return Failed(400, str(exc))
    except RequestStopped as exc:
        STATE.count_error("deadline" if exc.status == 504 else "client_gone")
        logger.info("%s stopped: %s", what, exc)
        return Failed(exc.status, str(exc))
    except Exception:
        logger.exception("%s failed", what)
        STATE.count_error("internal")
        return Failed(500, INTERNAL_ERROR)


@bentoml.service(
    name="wenzhai",
    workers=LIMITS.workers,
    threads=LIMITS.api_threads,
    traffic={"timeout": LIMITS.timeout_s, "max_concurrency": LIMITS.max_concurrency},
    endpoints={"livez": "/livez", "readyz": "/readyz"},
)
class Wenzhai:
    """wenzhai: clean, segment, theme-tag and summarise Chinese articles."""

    def __init__(self) -> None:
        if MODEL_DIR is None:
            logger.warning("no model configured or installed: serving text statistics only (/tag is 503)")
        STATE.start(MODEL_DIR)

    def __is_ready__(self) -> bool:
        return STATE.ready

    @bentoml.api(input_spec=AnalyzeRequest, output_spec=AnalyzeResponse)
    def analyze(
        self, ctx: bentoml.Context, text: str, summary_sentences: int = DEFAULT_SUMMARY_SENTENCES
    ) -> AnalyzeResponse | JSONResponse:
        """Clean, segment, tag and summarise one document: the JSON of `wenzhai analyze`."""
        with running(request_budget(ctx)):
            result = guarded("/analyze", "validation",
                             lambda: STATE.pipeline.analyze(text, summary_sentences=summary_sentences))
        if isinstance(result, Failed):
            return result.response(ctx)
        STATE.metrics.count_themes("analyze", (seg.theme for seg in result.segments))
        return AnalyzeResponse.model_validate(to_json(result))

    @bentoml.api(input_spec=TagRequest, output_spec=TagResponse)
    def tag(self, ctx: bentoml.Context, texts: list[str]) -> list[TagResult]:
        """Theme-tag each text as one segment: ``[{"theme", "scores", "secondary"}]`` in input order.

        A request of at most :data:`URGENT_TAG_CHARS` characters goes ahead of waiting bulk work.
        No adaptive batching: ONNX Runtime runs one token window per call anyway (a text's scores must
        not depend on its batch), so merging requests saves nothing and only adds waiting.
        """
        budget = request_budget(ctx)
        if budget is not None:
            budget.urgent = sum(len(t) for t in texts) <= URGENT_TAG_CHARS
        with running(budget):
            results = guarded("/tag", "validation", lambda: STATE.pipeline.classifier.predict(texts),
                              document_sized=not budget or not budget.urgent)
        if isinstance(results, Failed):  # a Response passes through BentoML unchanged
            return results.response(ctx)  # type: ignore[return-value]  (the annotation is the OpenAPI schema)
        STATE.metrics.count_themes("tag", (r.theme for r in results))
        return [to_json(r) for r in results]

    @bentoml.api(input_spec=SummarizeRequest, output_spec=SummarizeResponse)
    def summarize(
        self,
        ctx: bentoml.Context,
        text: str,
        title: str | None = None,
        max_sentences: int | None = None,
        max_chars: int | None = None,
        ratio: float | None = None,
        keywords: int = 8,
    ) -> SummarizeResponse | JSONResponse:
        """Extractive summary (and keywords) of one text, optionally under its headline (`title`), limited
        by sentences, characters or a ratio (default 3 sentences): the JSON of `wenzhai summarize`."""
        budget = Budget(max_sentences=max_sentences, max_chars=max_chars, ratio=ratio)  # checked by the schema
        summarizer = STATE.pipeline.summarizer
        with running(request_budget(ctx)):
            result = guarded(
                "/summarize", "validation", lambda: summarizer.document_summary(text, budget, top_keywords=keywords, title=title)
            )
        if isinstance(result, Failed):
            return result.response(ctx)
        return SummarizeResponse.model_validate(to_json(result))

    @bentoml.api(input_spec=BatchRequest, output_spec=BatchResponse)
    def batch(
        self, ctx: bentoml.Context, documents: list[Any], summary_sentences: int = DEFAULT_SUMMARY_SENTENCES
    ) -> list[BatchResult | BatchError]:
        """Analyse each document; a bad one gets ``{"id", "error"}`` and the others go on.

        Once the request's deadline has passed, each document not yet analysed gets the deadline's
        error (the finished ones keep their results); once its client has gone, the work stops.
        """
        out: list[BatchResult | BatchError] = []
        stopped: Failed | None = None
        for position, doc in enumerate(documents):
            doc_id = position if doc.id is None else doc.id
            if isinstance(doc, RejectedDocument):
                STATE.count_error("document")
                out.append(BatchError(id=doc_id, error=doc.error))
                continue
            if stopped is None:
                with running(request_budget(ctx)):
                    result = guarded(
                        f"/batch document {doc_id!r}",
                        "document",
                        lambda text=doc.text: STATE.pipeline.analyze(text, summary_sentences=summary_sentences),
                    )
                if isinstance(result, Failed) and result.status in (504, CLIENT_GONE):
                    stopped = result
            else:
                result = stopped
            if isinstance(result, Failed):
                out.append(BatchError(id=doc_id, error=result.message))
                continue
            STATE.metrics.count_themes("batch", (seg.theme for seg in result.segments))
            out.append(BatchResult.model_validate({"id": doc_id, **to_json(result)}))
        return out


Wenzhai.add_asgi_middleware(
    RequestGuard,
    routes={"/analyze": AnalyzeRequest, "/tag": TagRequest, "/summarize": SummarizeRequest, "/batch": BatchRequest},
    max_body_bytes=LIMITS.max_body_bytes,
    unavailable=STATE.unavailable,
    on_error=STATE.count_error,
    loading=lambda: not STATE.loaded.is_set(),
    load_wait_s=LIMITS.load_wait_s,
    timeout_s=LIMITS.timeout_s,
    max_request_chars=LIMITS.max_request_chars,
)
Wenzhai.mount_asgi_app(ui_app(), path="/ui", name="ui")
Wenzhai.add_asgi_middleware(EditorHome)  # / → /ui/, Swagger at /docs
