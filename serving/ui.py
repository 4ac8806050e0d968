"""The /ui page: static files (HTML, JS, CSS; no CDN), mounted into the BentoML service.

Theme names are served from :data:`models.themes.THEMES` at ``/ui/themes.json`` so the page never
keeps its own copy of them.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from wenzhai.models.themes import THEMES

STATIC_DIR = Path(__file__).resolve().parent / "static"


async def _themes(_request: Request) -> JSONResponse:
    return JSONResponse(THEMES)


def ui_app() -> Starlette:
    """``/ui/`` is the page (``/ui`` redirects there), ``/ui/themes.json`` the theme names."""
    return Starlette(
        routes=[
            Route("/themes.json", _themes),
            Mount("/", app=StaticFiles(directory=STATIC_DIR, html=True), name="ui-static"),
        ]
    )
