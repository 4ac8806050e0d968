"""ASGI middleware that answers bad API requests before BentoML sees them.

BentoML's own answer to a body that fails validation is ``"1 validation error for Input"`` plus
pydantic's raw error list, and it reads bodies of any size into memory. In front of every API route
this guard:

* refuses bodies over the configured size (413) without keeping them in memory,
* refuses content types other than JSON (415), and bytes that are not UTF-8 (400),
* validates the body against the route's request model and answers 400 with one line per problem
  naming the field and the limit (see :func:`serving.schemas.describe_errors`),
* lets a request that reaches a worker still loading its model wait for it (up to ``load_wait_s``;
  with several workers another may already be ready and /readyz already 200), then answers 503
  if the model is still not there, or when the route's part of the model is missing,

then hands the already-read body on unchanged. Valid requests are therefore parsed twice (here and
by BentoML), which costs microseconds next to the model.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ValidationError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wenzhai.serving.schemas import describe_errors

JSON_TYPES = ("application/json", "")


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
    ) -> None:
        self.app = app
        self.routes = dict(routes)
        self.max_body_bytes = max_body_bytes
        self.unavailable = unavailable
        self.on_error = on_error
        self.loading = loading
        self.load_wait_s = load_wait_s

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
        await self.app(scope, _replay(body, receive), send)

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
            self.routes[path].model_validate_json(body)
        except ValidationError as exc:
            return (400, "validation", describe_errors(exc))
        return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that yields the body already read, then defers to the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
