"""The service on the shipped default model (models/default): slow, skipped until it is installed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_process import BentoServer
from tests.serving.conftest import start_server
from wenzhai.models.loading import DEFAULT_MODEL_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    if not (DEFAULT_MODEL_DIR / "config.json").exists():
        pytest.skip(f"no default model at {DEFAULT_MODEL_DIR} (built by `make model`)")
    server: BentoServer = start_server(tmp_path_factory.mktemp("real"), "real", {"WENZHAI_MODEL": "default"})
    try:
        with httpx.Client(base_url=server.url, timeout=300) as http:
            yield http
    finally:
        server.stop()


def test_seed_page_is_tagged_and_summarised(real_client: httpx.Client, shared_dir: Path) -> None:
    page = (shared_dir / "seed" / "page.txt").read_text(encoding="utf-8")
    r = real_client.post("/analyze", json={"text": page, "summary_sentences": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["segments"]) >= 3
    assert body["themes"] and len(body["summary"]) == 3
    themes = {seg["theme"] for seg in body["segments"]}
    assert len(themes) >= 2, f"a multi-topic page got one theme: {themes}"


def test_text_without_chinese_gets_other(real_client: httpx.Client) -> None:
    text = "Quarterly figures were published on Monday; the weather stayed mild across the region."
    r = real_client.post("/tag", json={"texts": [text]})
    assert r.status_code == 200, r.text
    assert r.json()[0]["theme"] == "other"


def test_summarize_and_batch(real_client: httpx.Client, shared_dir: Path) -> None:
    page = (shared_dir / "seed" / "page.txt").read_text(encoding="utf-8")
    r = real_client.post("/summarize", json={"text": page, "max_chars": 150})
    assert r.status_code == 200 and sum(len(s["text"]) for s in r.json()["summary"]) <= 150
    r = real_client.post("/batch", json={"documents": [{"id": "p", "text": page}, {"id": "e", "text": " "}]})
    assert r.status_code == 200
    assert [("segments" in row, "error" in row) for row in r.json()] == [(True, False), (False, True)]
