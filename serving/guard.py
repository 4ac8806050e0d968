"""ASGI middleware that answers bad API requests before BentoML sees them.

BentoML's own answer to a body that fails validation is ``"1 validation error for Input"`` plus
pydantic's raw error list, and it reads bodies of any size into memory. In front of every API route
this guard:

* refuses bodies over the configured size (413) without keeping them in memory,
* refuses content types other than JSON (415), and bytes that are not UTF-8 (400),
* validates the body against the route's request model and answers 400 with one line per problem
  naming the field and the limit (see :func:`serving.schemas.describe_errors`),
* refuses requests whose texts hold more characters in all than ``max_request_chars`` (413): the
  limit that keeps every accepted request inside the server's timeout (docs/performance.md),
* reads the optional ``X-Deadline-Ms`` header (400 when it is not a whole number of milliseconds
  from 1 to the server's timeout),
* lets a request that reaches a worker still loading its model wait for it (up to ``load_wait_s``;
  with several workers another may already be ready and /readyz already 200), then answers 503
  if the model is still not there, or when the route's part of the model is missing,

then hands the already-read body on unchanged, with the request's
:class:`serving.request_budget.RequestBudget` in ``scope["wenzhai.budget"]``: its deadline (the
header's, else the server timeout less a margin) and a flag set as soon as the client disconnects,
which the model calls check (:mod:`serving.request_budget`). Valid requests are therefore parsed twice (here and
by BentoML), which costs microseconds next to the model.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ValidationError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wenzhai.serving.request_budget import DEADLINE_HEADER, RequestBudget
from wenzhai.serving.schemas import describe_errors

JSON_TYPES = ("application/json", "")
BUDGET_KEY = "wenzhai.budget"
TIMEOUT_MARGIN_S = 5.0  # the request's own deadline comes this much before BentoML's 504


def request_chars(request: BaseModel) -> int:
    """Characters of text a validated request asks us to read (texts, documents or text)."""
    if isinstance(texts := getattr(request, "texts", None), list):
        return sum(len(t) for t in texts)
    if isinstance(documents := getattr(request, "documents", None), list):
        return sum(len(getattr(d, "text", None) or "") for d in documents)
    text = getattr(request, "text", None)
    return len(text) if isinstance(text, str) else 0


class BodyTooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


class RequestGuard:
    """Guard the POST routes in ``routes`` (path → request model); pass everything else through."""

    def __init__(
        self,
        app: ASGIApp,
        routes: Mapping[str, type[BaseModel]],
        max_body_bytes: int,
        unavailable: Callable[[str], str | None] = lambda path: None,
        on_error: Callable[[str], None] = lambda kind: None,
        loading: Callable[[], bool] = lambda: False,
        load_wait_s: float = 0.0,
        timeout_s: float = 120.0,
        max_request_chars: int | None = None,
    ) -> None:
        self.app = app
        self.routes = dict(routes)
        self.max_body_bytes = max_body_bytes
        self.unavailable = unavailable
        self.on_error = on_error
        self.loading = loading
        self.load_wait_s = load_wait_s
        self.timeout_s = timeout_s
        self.max_request_chars = max_request_chars

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.routes:
            await self.app(scope, receive, send)
            return
        problem = self._check_headers(scope)
        body = b""
        if problem is None:
            try:
                body = await self._read_body(receive)
            except BodyTooLarge as exc:
                problem = (413, "body_too_large",
                           f"request body: {exc.size:,} bytes is over the limit of "
                           f"{self.max_body_bytes:,} bytes; send fewer or shorter texts per request")
        seconds = self.timeout_s - TIMEOUT_MARGIN_S
        if problem is None:
            seconds, problem = self._deadline(scope)
        if problem is None:
            problem = self._check_body(scope["path"], body)
        if problem is None:
            await self._wait_for_model()
        if problem is None and (reason := self.unavailable(scope["path"])):
            problem = (503, "unavailable", reason)
        if problem is not None:
            status, kind, payload = problem
            self.on_error(kind)
            content = payload if isinstance(payload, dict) else {"error": payload}
            await JSONResponse(content, status_code=status)(scope, receive, send)
            return
        budget = RequestBudget(seconds=seconds)
        scope[BUDGET_KEY] = budget
        watcher = asyncio.ensure_future(_watch_disconnect(receive, budget))
        try:
            await self.app(scope, _replay(body, watcher), send)
        finally:
            watcher.cancel()

    def _deadline(self, scope: Scope) -> tuple[float, tuple[int, str, str] | None]:
        """Seconds the request may run: the ``X-Deadline-Ms`` header's, else the timeout less a margin."""
        default = max(self.timeout_s - TIMEOUT_MARGIN_S, 1.0)
        raw = next((v.decode("latin-1") for k, v in scope["headers"] if k.decode("latin-1").lower() == DEADLINE_HEADER),
                   None)
        if raw is None:
            return default, None
        limit_ms = int(default * 1000)
        if not raw.strip().isdigit() or not 1 <= int(raw) <= limit_ms:
            return default, (400, "validation",
                             f"{DEADLINE_HEADER}: {raw[:20]!r} is not allowed; give whole milliseconds from 1 to {limit_ms}")
        return int(raw) / 1000, None

    async def _wait_for_model(self) -> None:
        deadline = time.monotonic() + self.load_wait_s
        while self.loading() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    def _check_headers(self, scope: Scope) -> tuple[int, str, str] | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in JSON_TYPES:
            return (415, "unsupported_media_type",
                    f"Content-Type: {media_type!r} is not accepted; send application/json")
        return None

    async def _read_body(self, receive: Receive) -> bytes:
        """The whole body, or BodyTooLarge after draining it (never holding more than the limit).

        Draining rather than answering at once lets the client finish sending and read the 413,
        instead of seeing its connection reset mid-upload.
        """
        chunks: list[bytes] = []
        size = 0
        too_large = False
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                too_large = True
                chunks.clear()
            elif not too_large:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        if too_large:
            raise BodyTooLarge(size)
        return b"".join(chunks)

    def _check_body(self, path: str, body: bytes) -> tuple[int, str, str | dict] | None:
        if not body.strip():
            return (400, "validation", "request body: is empty; send a JSON object (schema at /docs.json)")
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return (400, "invalid_utf8",
                    f"request body: not valid UTF-8 (byte {exc.start}); send JSON encoded as UTF-8")
        try:
            request = self.routes[path].model_validate_json(body)
        except ValidationError as exc:
            return (400, "validation", describe_errors(exc))
        chars = request_chars(request)
        if self.max_request_chars is not None and chars > self.max_request_chars:
            return (413, "too_much_text",
                    f"request: {chars:,} characters of text in all is over the limit of {self.max_request_chars:,} "
                    "per request; split it into several requests")
        return None


async def _watch_disconnect(receive: Receive, budget: RequestBudget) -> Message:
    """Wait for the next message after the body: ``http.disconnect`` means the client has gone.

    The only reader of ``receive`` once the body is read (the app gets its messages through
    :func:`_replay`), so nothing else can swallow the disconnect.
    """
    message = await receive()
    if message["type"] == "http.disconnect":
        budget.cancelled.set()
    return message


def _replay(body: bytes, watcher: asyncio.Future[Message]) -> Receive:
    """A ``receive`` that yields the body already read, then what the disconnect watcher saw."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await asyncio.shield(watcher)

    return replay
