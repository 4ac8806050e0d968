"""The service's own Prometheus counters, served at /metrics next to BentoML's.

Created lazily, inside the worker: BentoML sets ``PROMETHEUS_MULTIPROC_DIR`` only after importing the
service module, and a ``prometheus_client`` imported earlier would count in a private registry that
/metrics never reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wenzhai.models.themes import LABELS

ERROR_KINDS = (
    "validation",  # 400: a field outside its limits, wrong JSON types, bad JSON
    "invalid_utf8",  # 400: body bytes that are not UTF-8
    "body_too_large",  # 413
    "unsupported_media_type",  # 415
    "unavailable",  # 503: model loading, or the route's model part missing
    "document",  # a /batch document answered with {"id", "error"}
    "too_much_text",  # 413: more characters in one request than max_request_chars
    "deadline",  # 504: the request's deadline passed; its model work stopped
    "client_gone",  # the client disconnected; its model work stopped
    "internal",  # 500: a bug; the server log has the traceback
)
ENDPOINTS = ("analyze", "tag", "batch")


class ServiceMetrics:
    """``wenzhai_theme_predictions_total{endpoint,theme}`` and ``wenzhai_errors_total{kind}``."""

    def __init__(self) -> None:
        import prometheus_client

        self.themes = prometheus_client.Counter(
            "wenzhai_theme_predictions", "Texts or segments tagged, by primary theme.", ["endpoint", "theme"]
        )
        self.errors = prometheus_client.Counter(
            "wenzhai_errors", "Requests or documents refused or failed, by kind.", ["kind"]
        )
        for endpoint in ENDPOINTS:  # show every series from the start, at 0
            for theme in LABELS:
                self.themes.labels(endpoint=endpoint, theme=theme)
        for kind in ERROR_KINDS:
            self.errors.labels(kind=kind)

    def count_themes(self, endpoint: str, themes: Iterable[Any]) -> None:
        for theme in themes:
            if theme is not None:
                self.themes.labels(endpoint=endpoint, theme=str(theme)).inc()

    def count_error(self, kind: str) -> None:
        self.errors.labels(kind=kind).inc()
