"""A BentoML service that does nothing: the control for `bench/serve_memory.py`.

It answers /tag with a constant per text, so whatever memory a server of it gains under load is
BentoML's (its HTTP server, middleware and instrumentation), not ours.
"""

from __future__ import annotations

import bentoml


@bentoml.service(workers=1)
class EmptyService:
    @bentoml.api
    def tag(self, texts: list[str]) -> list[dict]:
        return [{"theme": "other", "chars": len(text)} for text in texts]
