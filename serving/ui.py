"""The /ui page: static files (HTML, JS, CSS; no CDN), mounted into the BentoML service.

Theme names are served from :data:`models.themes.THEMES` at ``/ui/themes.json`` and the request
limits the page checks before it submits at ``/ui/limits.json``, so the page never keeps its own
copy of either. :class:`EditorHome` makes our page the service's front door: ``/`` redirects to
``/ui/`` and BentoML's Swagger page moves to ``/docs`` (the OpenAPI document stays at /docs.json).
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from wenzhai.models.inputs import MAX_TEXT_CHARS
from wenzhai.models.themes import THEMES
from wenzhai.serving.schemas import LIMITS

STATIC_DIR = Path(__file__).resolve().parent / "static"
UI_PATH = "/ui/"
SWAGGER_PATH = "/docs"


async def _themes(_request: Request) -> JSONResponse:
    return JSONResponse(THEMES)


async def _limits(_request: Request) -> JSONResponse:
    return JSONResponse(
        {"max_text_chars": MAX_TEXT_CHARS, "max_summary_sentences": LIMITS.max_summary_sentences}
    )


def ui_app() -> Starlette:
    """``/ui/`` is the page (``/ui`` redirects there), ``/ui/themes.json`` and ``/ui/limits.json`` its settings."""
    return Starlette(
        routes=[
            Route("/themes.json", _themes),
            Route("/limits.json", _limits),
            Mount("/", app=StaticFiles(directory=STATIC_DIR, html=True), name="ui-static"),
        ]
    )


class EditorHome:
    """ASGI middleware: ``GET /`` → 307 to ``/ui/``; ``GET /docs`` shows BentoML's Swagger page.

    BentoML answers ``/`` with its own index (Swagger UI) and has no setting to move it, so the
    middleware redirects the root and hands ``/docs`` to BentoML as ``/``. The Swagger page loads its
    assets and /docs.json by relative paths, which resolve the same from ``/docs``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            if scope["path"] == "/":
                await RedirectResponse(UI_PATH, status_code=307)(scope, receive, send)
                return
            if scope["path"] == SWAGGER_PATH:
                scope = {**scope, "path": "/", "raw_path": b"/"}
        await self.app(scope, receive, send)
