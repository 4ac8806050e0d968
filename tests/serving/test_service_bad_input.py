"""Bad input: a clear 4xx naming the field and the limit, no traceback, and the server keeps serving."""

from __future__ import annotations

import json

import httpx
import pytest

from wenzhai.models.themes import LABELS
from wenzhai.serving.schemas import LIMITS

MB = 1024 * 1024
INTERNALS = ("Traceback", 'File "', "pydantic", "validation error for", "IODescriptor", "site-packages")


def post_raw(client: httpx.Client, route: str, body: bytes, content_type: str = "application/json") -> httpx.Response:
    return client.post(route, content=body, headers={"Content-Type": content_type})


def assert_clear_refusal(r: httpx.Response, status: int, *fragments: str) -> None:
    assert r.status_code == status, r.text[:500]
    body = r.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), str), body
    for fragment in fragments:
        assert fragment in body["error"], (fragment, body["error"])
    for word in INTERNALS:
        assert word not in r.text, (word, r.text[:500])
    assert len(r.content) < 10_000  # never the input echoed back


@pytest.fixture(autouse=True)
def still_serving(client: httpx.Client):
    yield
    assert client.get("/livez").status_code == 200
    r = client.post("/tag", json={"texts": ["村里修好了路。"]})
    assert r.status_code == 200 and r.json()[0]["theme"] in LABELS


@pytest.mark.parametrize(
    ("route", "body", "fragments"),
    [
        ("/analyze", {"text": ""}, ["text: is empty"]),
        ("/analyze", {"text": " \n\t　 "}, ["text: is empty or whitespace only"]),
        ("/analyze", {"text": "\x00\x07\x1b"}, ["text: has only control characters"]),
        ("/summarize", {"text": "   "}, ["text: is empty or whitespace only"]),
        ("/tag", {"texts": ["好", "  "]}, ["texts[1]: is empty or whitespace only"]),
        ("/tag", {"texts": []}, ["texts: needs at least 1 item"]),
        ("/batch", {"documents": []}, ["documents: needs at least 1 item"]),
    ],
)
def test_empty_text(client: httpx.Client, route: str, body: dict, fragments: list[str]) -> None:
    assert_clear_refusal(client.post(route, json=body), 400, *fragments)


@pytest.mark.parametrize("route", ["/analyze", "/summarize"])
def test_text_over_the_size_limit(client: httpx.Client, route: str) -> None:
    r = client.post(route, json={"text": "好" * 200_001})
    assert_clear_refusal(r, 400, "text: 200,001 characters is over the limit of 200,000")


def test_tag_text_over_the_size_limit(client: httpx.Client) -> None:
    r = client.post("/tag", json={"texts": ["好", "好" * 250_000]})
    assert_clear_refusal(r, 400, "texts[1]: 250,000 characters is over the limit of 200,000")


def test_more_documents_than_the_batch_limit(client: httpx.Client) -> None:
    documents = [{"id": i, "text": "村里修路。"} for i in range(LIMITS.max_documents + 1)]
    r = client.post("/batch", json={"documents": documents})
    assert_clear_refusal(r, 400, f"documents: {LIMITS.max_documents + 1} items is over the limit of {LIMITS.max_documents}")


def test_more_texts_than_the_tag_limit(client: httpx.Client) -> None:
    r = client.post("/tag", json={"texts": ["好"] * (LIMITS.max_texts + 1)})
    assert_clear_refusal(r, 400, f"texts: {LIMITS.max_texts + 1} items is over the limit of {LIMITS.max_texts}")


@pytest.mark.parametrize(
    ("route", "body", "fragments"),
    [
        ("/analyze", {"text": 5}, ["text: expected a string, got an integer"]),
        ("/analyze", {"text": ["a"]}, ["text: expected a string, got an array"]),
        ("/analyze", {"text": "好", "summary_sentences": "3"}, ["summary_sentences: expected an integer, got a string"]),
        ("/analyze", {"text": "好", "summary_sentences": 2.5}, ["summary_sentences"]),
        ("/analyze", {"text": "好", "summary_sentences": 99}, [f"summary_sentences: must be at most {LIMITS.max_summary_sentences}"]),
        ("/analyze", {"text": "好", "summary_sentences": -1}, ["summary_sentences: must be at least 0"]),
        ("/analyze", {"text": "好", "summary_sentence": 3}, ["summary_sentence: is not a known field"]),
        ("/analyze", {}, ["text: is required"]),
        ("/analyze", [1, 2], ["request body: expected a JSON object, got an array"]),
        ("/analyze", "just a string", ["request body: expected a JSON object, got a string"]),
        ("/tag", {"texts": "村里修路。"}, ["texts: expected an array, got a string"]),
        ("/tag", {"texts": [1, None]}, ["texts[0]: expected a string", "texts[1]: expected a string"]),
        ("/batch", {"documents": {"id": 1, "text": "好"}}, ["documents: expected an array, got an object"]),
        ("/summarize", {"text": "好", "max_sentences": 2, "ratio": 0.5}, ["give at most one of max_sentences, max_chars, ratio"]),
        ("/summarize", {"text": "好", "ratio": 1.5}, ["ratio: must be at most 1"]),
        ("/summarize", {"text": "好", "max_chars": 0}, ["max_chars: must be at least 1"]),
    ],
)
def test_wrong_json_types_and_values(client: httpx.Client, route: str, body: object, fragments: list[str]) -> None:
    assert_clear_refusal(client.post(route, json=body), 400, *fragments)


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        (b'{"text": "\xe5\xa5\xbd\xff\xfe"}', ["request body: not valid UTF-8 (byte 13)"]),
        (b'{"text": "\xc3\x28"}', ["request body: not valid UTF-8"]),
        (b'{"text": "unterminated', ["request body: is not valid JSON"]),
        (b"", ["request body: is empty"]),
        (b"null", ["request body: expected a JSON object, got null"]),
    ],
)
def test_undecodable_bodies(client: httpx.Client, body: bytes, fragments: list[str]) -> None:
    assert_clear_refusal(post_raw(client, "/analyze", body), 400, *fragments)


def test_a_10_mb_body_is_refused_by_the_text_limit(client: httpx.Client) -> None:
    body = json.dumps({"text": "a" * (10 * MB)}).encode()
    r = post_raw(client, "/analyze", body)
    assert_clear_refusal(r, 400, f"text: {10 * MB:,} characters is over the limit of 200,000")


def test_a_body_over_the_byte_limit_is_413(client: httpx.Client) -> None:
    body = b'{"texts": ["' + b"a" * (LIMITS.max_body_bytes + 1) + b'"]}'
    r = post_raw(client, "/tag", body)
    assert_clear_refusal(r, 413, "request body:", f"over the limit of {LIMITS.max_body_bytes:,} bytes")


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x",
                                          "application/x-www-form-urlencoded", "application/vnd.bentoml+pickle"])
def test_other_content_types_are_415(client: httpx.Client, content_type: str) -> None:
    r = post_raw(client, "/analyze", b"text=hello", content_type)
    assert_clear_refusal(r, 415, "Content-Type:", "send application/json")


@pytest.mark.parametrize(
    "text",
    [
        "This page has no Chinese at all, only an English sentence about roads and farms.",
        "鄉村振興戰略持續推進，數位政府建設加快，企業營收增長。",  # traditional characters
        "村里修好了路🚜，村民笑开了颜😀👍🏽。政务服务一网通办📱。",  # emoji, incl. a modifier sequence
        "村里修路。\x00\x07\x1b企业发展。\x7f",  # stray control characters are read as spaces
    ],
    ids=["no-chinese", "traditional", "emoji", "control-characters"],
)
def test_unusual_but_valid_text_is_answered(client: httpx.Client, text: str) -> None:
    r = client.post("/analyze", json={"text": text})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["segments"]
    for seg in body["segments"]:
        assert seg["theme"] in LABELS
        start, end = seg["span"]
        assert 0 <= start < end <= len(text)
    tag = client.post("/tag", json={"texts": [text]})
    assert tag.status_code == 200 and tag.json()[0]["theme"] in LABELS


@pytest.mark.parametrize("text", ["乡村振兴", "Hello world", "00", "2024年5月20日"])
def test_a_one_line_page_is_answered(client: httpx.Client, one_line_page_bug: str | None, text: str) -> None:
    r = client.post("/analyze", json={"text": text})
    if one_line_page_bug:
        # Until the pipeline is fixed: a clean 500, no internals, and the server goes on.
        assert_clear_refusal(r, 500, "internal error while analysing; the server log has the details")
        pytest.xfail(one_line_page_bug)
    assert r.status_code == 200, r.text
    assert r.json()["segments"]


def test_unknown_routes_and_methods(client: httpx.Client) -> None:
    assert client.get("/analyze").status_code == 405
    assert client.post("/nope", json={}).status_code == 404
