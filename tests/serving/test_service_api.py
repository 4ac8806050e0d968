"""The HTTP API of `bentoml serve serving.service:Wenzhai`, on a tiny random model."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.summary_parts import assert_parts_match
from wenzhai.models.themes import LABELS
from wenzhai.serving.schemas import LIMITS

PAGE = (
    "乡村振兴\n"
    "本报讯 近日，某县推进乡村振兴，完善村庄基础设施，发展特色产业，带动村民增收。村里修好了水泥路。\n"
    "该县还建设了文化广场，村民生活越来越好。\n\n"
    "企业新闻\n"
    "某公司发布年度报告，营业收入增长百分之十，研发投入持续加大。公司表示将继续扩大生产。"
)


def check_tag_result(row: dict) -> None:
    assert row["theme"] in LABELS
    assert set(row["scores"]) == set(LABELS)
    assert sum(row["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    assert row["theme"] == max(row["scores"], key=row["scores"].get)
    assert all(label in LABELS and label != row["theme"] for label in row["secondary"])


def test_analyze_returns_the_pipeline_json(client: httpx.Client) -> None:
    r = client.post("/analyze", json={"text": PAGE, "summary_sentences": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"segments", "themes", "summary", "model"}
    assert body["model"]["name"] == "tiny-random"
    assert body["segments"]
    for seg in body["segments"]:
        start, end = seg["span"]
        assert 0 <= start < end <= len(PAGE)
        check_tag_result(seg)
    assert sum(body["themes"].values()) == pytest.approx(1.0, abs=1e-3)
    assert 1 <= len(body["summary"]) <= 2
    for sentence in body["summary"]:
        start, end = sentence["span"]
        assert 0 <= start < end <= len(PAGE)
        assert any(seg["span"][0] <= start < end <= seg["span"][1] for seg in body["segments"])
        assert_parts_match(PAGE, sentence)


def test_analyze_summary_sentences_zero_means_no_summary(client: httpx.Client) -> None:
    r = client.post("/analyze", json={"text": PAGE, "summary_sentences": 0})
    assert r.status_code == 200 and r.json()["summary"] == []


def test_tag_answers_in_input_order(client: httpx.Client) -> None:
    texts = ["村里修好了水泥路。", "市政务服务中心推行一网通办。", "公司发布年度报告。", "天气晴。"]
    singles = [client.post("/tag", json={"texts": [t]}).json()[0] for t in texts]
    r = client.post("/tag", json={"texts": texts})
    assert r.status_code == 200, r.text
    together = r.json()
    assert len(together) == len(texts)
    for alone, batched in zip(singles, together, strict=True):
        check_tag_result(batched)
        assert batched["scores"] == pytest.approx(alone["scores"], abs=2e-4)
    # Texts differ, and so do their scores: a shuffled answer would not match the singles above.
    assert len({tuple(row["scores"].values()) for row in singles}) > 1


def test_a_large_tag_request_answers_every_text_in_order(client: httpx.Client) -> None:
    texts = [f"第{i}条：村里修路，企业发展。" for i in range(81)]
    r = client.post("/tag", json={"texts": texts})
    assert r.status_code == 200, r.text
    assert len(r.json()) == len(texts)
    assert r.json()[5]["scores"] == client.post("/tag", json={"texts": texts[5:6]}).json()[0]["scores"]


def test_summarize_with_each_kind_of_limit(client: httpx.Client) -> None:
    for limit in ({}, {"max_sentences": 1}, {"max_chars": 40}, {"ratio": 0.3}):
        r = client.post("/summarize", json={"text": PAGE, **limit})
        assert r.status_code == 200, (limit, r.text)
        summary = r.json()["summary"]
        assert summary
        for sentence in summary:
            assert_parts_match(PAGE, sentence)
        keywords = r.json().get("keywords")
        assert keywords is None or (0 < len(keywords) <= 8 and all(isinstance(k, str) for k in keywords))
        if "max_sentences" in limit:
            assert len(summary) == 1
        if "max_chars" in limit:
            assert sum(len(s["text"]) for s in summary) <= 40


def test_batch_answers_each_document_in_order_and_isolates_bad_ones(client: httpx.Client) -> None:
    documents = [
        {"id": "a", "text": PAGE},
        {"id": "b", "text": "   "},
        {"id": 7, "text": 5},
        {"text": "企业发布年度报告，营业收入增长。"},
        "not an object",
        {"id": "e", "text": "x" * 200_001},
    ]
    r = client.post("/batch", json={"documents": documents, "summary_sentences": 1})
    assert r.status_code == 200, r.text
    results = r.json()
    assert [row["id"] for row in results] == ["a", "b", 7, 3, 4, "e"]
    assert "segments" in results[0] and "error" not in results[0]
    assert "segments" in results[3]
    assert "whitespace" in results[1]["error"]
    assert results[2]["error"].startswith("text: expected a string")
    assert results[4]["error"].startswith("document: expected a JSON object")
    assert "200,001 characters is over the limit of 200,000" in results[5]["error"]


def test_probes_and_metrics(client: httpx.Client) -> None:
    assert client.get("/livez").status_code == 200
    assert client.get("/readyz").status_code == 200
    client.post("/tag", json={"texts": ["村里修路。"]})
    client.post("/analyze", json={"text": " "})
    metrics = client.get("/metrics").text
    assert "bentoml_service_request_total" in metrics  # BentoML's own
    for label in LABELS:
        assert f'wenzhai_theme_predictions_total{{endpoint="tag",theme="{label}"}}' in metrics
    tagged = sum(float(m) for m in re.findall(r'wenzhai_theme_predictions_total\{endpoint="tag",theme="\w+"\} (\S+)', metrics))
    assert tagged >= 1
    validation = re.search(r'wenzhai_errors_total\{kind="validation"\} (\S+)', metrics)
    assert validation and float(validation.group(1)) >= 1


def test_openapi_documents_limits_and_examples(client: httpx.Client) -> None:
    spec = client.get("/docs.json").json()
    for route in ("/analyze", "/tag", "/summarize", "/batch"):
        body = spec["paths"][route]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert "example" in body, route
    analyze = spec["paths"]["/analyze"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert analyze["properties"]["text"]["maxLength"] == 200_000
    assert analyze["properties"]["summary_sentences"]["maximum"] == LIMITS.max_summary_sentences
    batch = spec["paths"]["/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert batch["properties"]["documents"]["maxItems"] == LIMITS.max_documents


def test_ui_page_and_assets_are_served(client: httpx.Client) -> None:
    r = client.get("/ui", follow_redirects=True)
    assert r.status_code == 200 and "文摘" in r.text
    assert 'src="/ui/app.js"' in r.text and "http" not in r.text.split("<body>")[0]  # no CDN
    assert client.get("/ui/app.js").status_code == 200
    assert client.get("/ui/style.css").status_code == 200
    themes = client.get("/ui/themes.json").json()
    assert list(themes) == list(LABELS)


def test_startup_is_live_before_ready(server) -> None:
    """/livez answered while the model was still loading, and /readyz said 503 until it was loaded."""
    seen = [(live, ready) for _, live, ready in server.startup if live == 200]
    assert seen, "never saw /livez answer during start-up"
    assert seen[-1] == (200, 200)
    assert (200, 503) in seen, f"readyz was never 503 while live (first answers: {seen[:5]})"
