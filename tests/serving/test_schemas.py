"""Request validation messages: the field's path, what is wrong and what is allowed."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from wenzhai.models.summary_budget import Budget
from wenzhai.serving.schemas import (
    AnalyzeRequest,
    BatchDocument,
    BatchRequest,
    RejectedDocument,
    SummarizeRequest,
    describe_errors,
    field_path,
)


def errors_of(model, body: object) -> dict:
    with pytest.raises(ValidationError) as info:
        model.model_validate_json(json.dumps(body))
    return describe_errors(info.value)


def test_field_path() -> None:
    assert field_path(("documents", 2, "text")) == "documents[2].text"
    assert field_path(("texts", 0)) == "texts[0]"
    assert field_path(()) == "request body"
    assert field_path((), root="document") == "document"


def test_own_check_messages_are_not_prefixed_twice() -> None:
    described = errors_of(AnalyzeRequest, {"text": "   "})
    assert described["error"] == "text: is empty or whitespace only; give at least one visible character"
    assert described["errors"][0]["field"] == "text"


def test_many_errors_are_summarised() -> None:
    described = errors_of(AnalyzeRequest, {"text": 1, "summary_sentences": "x", "a": 1, "b": 2})
    assert described["error"].endswith("(and 1 more)")
    assert len(described["errors"]) == 4


def test_control_characters_become_spaces_keeping_offsets() -> None:
    request = AnalyzeRequest.model_validate_json(json.dumps({"text": "村\x00里\x07"}))
    assert request.text == "村 里 "


def test_summarize_takes_one_limit() -> None:
    assert SummarizeRequest(text="好").budget() == Budget()
    assert SummarizeRequest(text="好", ratio=0.5).budget() == Budget(ratio=0.5)
    described = errors_of(SummarizeRequest, {"text": "好", "max_chars": 10, "ratio": 0.5})
    assert described["error"] == ("request body: give at most one of max_sentences, max_chars, ratio "
                                  "(got max_chars and ratio)")


def test_a_bad_document_is_kept_as_a_rejection() -> None:
    request = BatchRequest.model_validate_json(json.dumps({"documents": [
        {"id": "ok", "text": "好"}, {"id": "empty", "text": ""}, {"id": False, "text": "好"}, 3,
    ]}))
    ok, empty, bad_id, not_object = request.documents
    assert isinstance(ok, BatchDocument)
    assert empty == RejectedDocument(id="empty", error="text: is empty; give at least 1 character(s)")
    assert bad_id == RejectedDocument(id=None, error="id: expected a string of 1 to 200 characters or an integer")
    assert not_object == RejectedDocument(id=None, error="document: expected a JSON object, got an integer")


def test_openapi_schema_is_version_3_0_compatible() -> None:
    ratio = SummarizeRequest.model_json_schema()["properties"]["ratio"]["anyOf"][0]
    assert ratio["exclusiveMinimum"] is True and ratio["minimum"] == 0
