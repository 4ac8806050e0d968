"""Long documents do not stall other requests, and their work stops at a deadline or when the client leaves.

Behaviour only (which request finishes first, what is answered, what the server counts): the latency
figures come from bench/load_test.py (docs/performance.md).
"""

from __future__ import annotations

import re
import threading
import time

import httpx
import pytest

from wenzhai.serving.schemas import LIMITS


def long_document(chars: int) -> str:
    """Distinct paragraphs (cleaning drops repeated ones), about ``chars`` characters in all."""
    paragraphs: list[str] = []
    i = 0
    while sum(len(p) + 2 for p in paragraphs) < chars:
        paragraphs.append(f"第{i}段 本报讯 近日，某县推进乡村振兴{i}，完善村庄基础设施，发展特色产业，"
                          f"带动村民增收{i * 7}户。村里修好了水泥路{i}公里。")
        i += 1
    return "\n\n".join(paragraphs)


def error_count(client: httpx.Client, kind: str) -> float:
    match = re.search(rf'wenzhai_errors_total\{{kind="{kind}"\}} (\S+)', client.get("/metrics").text)
    return float(match.group(1)) if match else 0.0


@pytest.mark.slow
def test_a_short_tag_is_answered_while_a_long_analyze_runs(client: httpx.Client) -> None:
    done: dict[str, float] = {}

    def analyze() -> None:
        r = client.post("/analyze", json={"text": long_document(100_000), "summary_sentences": 1})
        done["analyze"] = time.monotonic()
        done["analyze_status"] = r.status_code

    worker = threading.Thread(target=analyze)
    worker.start()
    time.sleep(1.0)  # the analysis is under way
    r = client.post("/tag", json={"texts": ["村里修好了水泥路。"]})
    done["tag"] = time.monotonic()
    worker.join(timeout=240)
    assert r.status_code == 200
    assert done["analyze_status"] == 200
    assert done["tag"] < done["analyze"], "the one-line /tag waited for the whole long /analyze"


@pytest.mark.slow
def test_a_request_past_its_deadline_stops_with_a_504_that_says_why(client: httpx.Client) -> None:
    before = error_count(client, "deadline")
    started = time.monotonic()
    r = client.post("/analyze", json={"text": long_document(100_000)}, headers={"X-Deadline-Ms": "300"})
    assert r.status_code == 504, r.text
    assert r.json()["error"].startswith("deadline: the request did not finish within its 0.3 s")
    assert time.monotonic() - started < 30, "the work went on long after the deadline"
    assert error_count(client, "deadline") == before + 1


@pytest.mark.slow
def test_work_for_a_client_that_left_stops(server) -> None:
    with httpx.Client(base_url=server.url, timeout=60.0) as client:
        before = error_count(client, "client_gone")
        with httpx.Client(base_url=server.url, timeout=1.0) as impatient, pytest.raises(httpx.ReadTimeout):
            impatient.post("/analyze", json={"text": long_document(100_000)})
        for _ in range(60):  # the worker notices at its next model call
            if error_count(client, "client_gone") > before:
                break
            time.sleep(0.5)
        assert error_count(client, "client_gone") == before + 1


@pytest.mark.parametrize("value", ["0", "-5", "abc", str((LIMITS.timeout_s + 1) * 1000)])
def test_a_bad_deadline_header_is_refused_with_the_allowed_range(client: httpx.Client, value: str) -> None:
    r = client.post("/tag", json={"texts": ["村里修路。"]}, headers={"X-Deadline-Ms": value})
    assert r.status_code == 400
    assert r.json()["error"].startswith("x-deadline-ms:") and "whole milliseconds from 1 to" in r.json()["error"]


def test_more_text_than_one_request_may_hold_is_413_naming_the_limit(client: httpx.Client) -> None:
    per_text = LIMITS.max_request_chars // 4 + 1
    r = client.post("/tag", json={"texts": ["村" * per_text] * 4})
    assert r.status_code == 413
    assert f"over the limit of {LIMITS.max_request_chars:,} per request" in r.json()["error"]


@pytest.mark.slow
def test_the_largest_requests_the_limits_allow_answer_200(client: httpx.Client) -> None:
    """The limits and the timeouts agree: /tag, /analyze and /batch at their limits succeed (tiny model:
    this proves no limit, queue or timeout refuses them; the real model's times are in docs/performance.md)."""
    budget = LIMITS.max_request_chars
    per_text = budget // LIMITS.max_texts
    texts = [long_document(per_text)[:per_text] for _ in range(LIMITS.max_texts)]
    r = client.post("/tag", json={"texts": texts}, timeout=LIMITS.timeout_s)
    assert r.status_code == 200, r.text[:300]
    assert len(r.json()) == LIMITS.max_texts

    text = long_document(budget)[:budget]
    r = client.post("/analyze", json={"text": text, "summary_sentences": LIMITS.max_summary_sentences},
                    timeout=LIMITS.timeout_s)
    assert r.status_code == 200, r.text[:300]

    per_doc = budget // LIMITS.max_documents
    documents = [{"id": i, "text": long_document(per_doc)[:per_doc]} for i in range(LIMITS.max_documents)]
    r = client.post("/batch", json={"documents": documents, "summary_sentences": 3}, timeout=LIMITS.timeout_s)
    assert r.status_code == 200, r.text[:300]
    assert [row["id"] for row in r.json()] == list(range(LIMITS.max_documents))
    assert not [row for row in r.json() if "error" in row]
