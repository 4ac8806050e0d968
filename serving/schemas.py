"""Request and response models of the HTTP API, and how a rejected request is explained.

Every input field carries its limits (which end up in the OpenAPI document at /docs.json, with an
example), and :func:`describe_errors` turns a pydantic error into the one-line messages clients see:
the field's path, what was wrong and what is allowed, never the offending input or a traceback.
The limits come from configs/service.yaml (see :mod:`serving.runtime`), read once at import.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from _bentoml_sdk.io_models import IORootModel  # BentoML's list answers; subclassed below for UTF-8
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    create_model,
    model_validator,
)

from wenzhai.models import results
from wenzhai.models.inputs import MAX_TEXT_CHARS, MAX_TITLE_CHARS, InputError, check_text, json_type_name
from wenzhai.models.keywords import DEFAULT_TOP_K, MAX_TOP_K
from wenzhai.models.results import ThemePrediction
from wenzhai.models.summary_budget import DEFAULT_SUMMARY_SENTENCES, Budget
from wenzhai.serving.runtime import load_config

LIMITS = load_config()
MAX_ID_CHARS = 200
MAX_KEYWORDS = MAX_TOP_K
EXAMPLE_TEXT = (
    "本报讯 近日，某县推进乡村振兴，完善村庄基础设施，发展特色产业，带动村民增收。\n"
    "与此同时，该县政务服务中心上线“一网通办”平台，群众办事可在手机上完成。"
)


def _analysable(value: str, info: ValidationInfo) -> str:
    """The shared text check (models.inputs), plus: control characters alone are not text."""
    name = info.field_name or "text"
    text = check_text(value, field=name)
    if not text.strip():
        raise InputError(f"{name}: has only control characters; give at least one visible character")
    return text


Text = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description=f"UTF-8 text, 1 to {MAX_TEXT_CHARS:,} characters, with at least one visible "
        "character. Control characters other than line breaks and tabs are read as spaces (spans "
        "still count them).",
        json_schema_extra={"example": EXAMPLE_TEXT},
    ),
    AfterValidator(_analysable),
]

Title = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_TITLE_CHARS,
        description=f"The article's headline when it comes apart from `text`, 1 to {MAX_TITLE_CHARS} characters: "
        "the scorer reads it (instead of the headings above the first body paragraph) and its words count "
        "for the keywords; it is never a summary sentence. Leave it out when there is none.",
        json_schema_extra={"example": "乡村建设的新路子"},
    ),
    AfterValidator(_analysable),
]

SummarySentences = Annotated[
    int,
    Field(
        ge=0,
        le=LIMITS.max_summary_sentences,
        description=f"Sentences in the page summary, 0 to {LIMITS.max_summary_sentences} (0 = none).",
        json_schema_extra={"example": DEFAULT_SUMMARY_SENTENCES},
    ),
]


def _openapi30_exclusive_minimum(schema: dict[str, Any], example: Any) -> None:
    """Write ``gt`` the OpenAPI 3.0 way (``minimum`` + boolean ``exclusiveMinimum``), as /docs.json is 3.0."""
    for part in [schema, *schema.get("anyOf", [])]:
        if isinstance(part.get("exclusiveMinimum"), int | float) and not isinstance(part["exclusiveMinimum"], bool):
            part["minimum"] = part.pop("exclusiveMinimum")
            part["exclusiveMinimum"] = True
    schema["example"] = example


class _Request(BaseModel):
    # strict: "3" is not an integer and 5 is not a string; unknown fields are typos, not ignored.
    model_config = ConfigDict(strict=True, extra="forbid")


class AnalyzeRequest(_Request):
    """One document to clean, segment, tag and summarise."""

    model_config = ConfigDict(json_schema_extra={"example": {"text": EXAMPLE_TEXT, "summary_sentences": 3}})

    text: Text
    summary_sentences: SummarySentences = DEFAULT_SUMMARY_SENTENCES


class TagRequest(_Request):
    """Texts to theme-tag, each as one segment (no cleaning or splitting)."""

    model_config = ConfigDict(
        json_schema_extra={"example": {"texts": ["村里修好了水泥路，村民发展特色种植。", "市政务服务中心推行“一网通办”。"]}}
    )

    texts: list[Text] = Field(
        min_length=1,
        max_length=LIMITS.max_texts,
        description=f"1 to {LIMITS.max_texts} texts; results come back in the same order.",
    )


class SummarizeRequest(_Request):
    """A text to summarise, with at most one length limit (default: ``Budget()``, 3 sentences)."""

    model_config = ConfigDict(json_schema_extra={"example": {"text": EXAMPLE_TEXT, "max_sentences": 2}})

    text: Text
    title: Title | None = None
    max_sentences: int | None = Field(
        None, ge=1, le=LIMITS.max_summary_sentences,
        description=f"Most sentences in the summary, 1 to {LIMITS.max_summary_sentences}.",
        json_schema_extra={"example": 2},
    )
    max_chars: int | None = Field(
        None, ge=1, le=MAX_TEXT_CHARS,
        description=f"Most characters in the summary, 1 to {MAX_TEXT_CHARS:,}.",
        json_schema_extra={"example": 120},
    )
    ratio: float | None = Field(
        None, gt=0, le=1,
        description="Share of the text's sentences to keep, above 0 and at most 1.",
        json_schema_extra=lambda schema: _openapi30_exclusive_minimum(schema, example=0.2),
    )
    keywords: int = Field(
        DEFAULT_TOP_K, ge=1, le=MAX_KEYWORDS,
        description=f"How many keywords to return, 1 to {MAX_KEYWORDS} (when the summariser gives keywords).",
        json_schema_extra={"example": 8},
    )

    @model_validator(mode="after")
    def _one_limit(self) -> SummarizeRequest:
        given = [name for name in ("max_sentences", "max_chars", "ratio") if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one of max_sentences, max_chars, ratio (got {' and '.join(given)})")
        return self

    def budget(self) -> Budget:
        """The one length limit (``Budget()``'s default when none was given)."""
        return Budget(max_sentences=self.max_sentences, max_chars=self.max_chars, ratio=self.ratio)



def _one_id_error(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """One message for a bad id, instead of one per member of the union."""
    try:
        return handler(value)
    except ValidationError:
        raise ValueError(f"expected a string of 1 to {MAX_ID_CHARS} characters or an integer") from None


DocumentId = Annotated[
    Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)] | int | None, WrapValidator(_one_id_error)
]


class BatchDocument(_Request):
    """One document of a /batch request."""

    id: DocumentId = Field(
        None,
        description=f"Your id for the document (a string of 1 to {MAX_ID_CHARS} characters or an "
        "integer), echoed in its result; default: the document's position, from 0.",
        json_schema_extra={"example": "page-1"},
    )
    text: Text


@dataclass(frozen=True)
class RejectedDocument:
    """A /batch document that failed validation: reported in its own result, never failing others."""

    id: Any
    error: str


def _document_or_rejection(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError as exc:
        raw_id = value.get("id") if isinstance(value, dict) else None
        valid_id = isinstance(raw_id, str | int) and not isinstance(raw_id, bool)
        return RejectedDocument(id=raw_id if valid_id else None, error=describe_errors(exc, root="document")["error"])


class BatchRequest(_Request):
    """Documents to analyse one by one; a bad document gets an error result, the rest go on."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "documents": [{"id": "a", "text": EXAMPLE_TEXT}, {"id": "b", "text": "企业发布年度报告。"}],
                "summary_sentences": 2,
            }
        }
    )

    documents: list[Annotated[BatchDocument, WrapValidator(_document_or_rejection)]] = Field(
        min_length=1,
        max_length=LIMITS.max_documents,
        description=f"1 to {LIMITS.max_documents} documents, answered in the same order.",
    )
    summary_sentences: SummarySentences = DEFAULT_SUMMARY_SENTENCES


# ---- responses -------------------------------------------------------------------------------
# Derived from the result dataclasses of wenzhai.models.results: a field and its help text are
# declared once, there; these models only carry them into the OpenAPI document.


def _pydantic_type(hint: Any) -> Any:
    """``hint`` with every result dataclass in it replaced by its response model."""
    if dataclasses.is_dataclass(hint):
        return response_model(hint)
    args = get_args(hint)
    if not args:
        return hint
    converted = tuple(_pydantic_type(arg) for arg in args)
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        return Union[converted]  # noqa: UP007 (built from a tuple of types)
    return origin[converted if len(converted) > 1 else converted[0]]


@functools.cache
def response_model(result: type) -> type[BaseModel]:
    """The pydantic model of a result dataclass: same fields, types and help text (as descriptions)."""
    hints = get_type_hints(result)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        help_text = f.metadata.get("help")
        if f.default_factory is not dataclasses.MISSING:
            spec = Field(default_factory=f.default_factory, description=help_text)
        else:
            spec = Field(f.default if f.default is not dataclasses.MISSING else ..., description=help_text)
        fields[f.name] = (_pydantic_type(hints[f.name]), spec)
    return create_model(result.__name__, __doc__=result.__doc__, **fields)


TagResult = response_model(ThemePrediction)
SummarySentence = response_model(results.SummarySentence)
Segment = response_model(results.SegmentResult)
AnalyzeResponse = response_model(results.AnalysisResult)
SummarizeResponse = response_model(results.DocumentSummary)


class BatchResult(AnalyzeResponse):
    id: str | int = Field(description="The document's id, as given (default: its position, from 0).")


class BatchError(BaseModel):
    id: str | int | None = Field(description="The document's id, when it had a valid one.")
    error: str = Field(description="Why this document was not analysed: the field and what is allowed.")


class _Utf8List(IORootModel):
    """A list answer written as UTF-8 JSON, like every other route (BentoML's list answers escape
    non-ASCII as ``\\uXXXX``: its root models serialise with ``json.dumps`` defaults)."""

    def model_dump_json(self, **kwargs: Any) -> str:
        return json.dumps(self.model_dump(mode="json", **kwargs), ensure_ascii=False)


class TagResponse(_Utf8List, IORootModel[list[TagResult]]):
    """The answer of /tag: one result per text, in order."""


class BatchResponse(_Utf8List, IORootModel[list[BatchResult | BatchError]]):
    """The answer of /batch: one result or error per document, in order."""


# ---- error messages --------------------------------------------------------------------------

def field_path(loc: tuple[int | str, ...], root: str = "request body") -> str:
    """``("documents", 2, "text")`` → ``documents[2].text``; an empty path is ``root``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or root


def _message(error: dict[str, Any]) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    got = json_type_name(value)
    if kind == "string_too_long":
        return f"{len(value):,} characters is over the limit of {ctx['max_length']:,}"
    if kind == "string_too_short":
        return f"is empty; give at least {ctx['min_length']} character(s)"
    if kind == "too_long":
        return f"{ctx.get('actual_length', len(value))} items is over the limit of {ctx['max_length']}"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} item(s)"
    bound = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"),
             "greater_than": ("gt", "above"), "less_than": ("lt", "below")}.get(kind)
    if bound:
        return f"must be {bound[1]} {ctx[bound[0]]} (got {value!r})"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (the schema is at /docs.json)"
    if kind == "json_invalid":
        return f"is not valid JSON ({ctx.get('error', 'parse error')})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a JSON object, got {got}"
    expected = {"string_type": "a string", "int_type": "an integer", "float_type": "a number",
                "list_type": "an array", "bool_type": "true/false"}.get(kind)
    if expected:
        return f"expected {expected}, got {got}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def describe_errors(exc: ValidationError, limit: int = 3, root: str = "request body") -> dict[str, Any]:
    """``{"error": "<field>: <problem>; …", "errors": [{"field", "message", "type"}]}`` for ``exc``.

    ``root`` names what an error about the whole value is about (the body, or one document).
    """
    errors = []
    for error in exc.errors(include_url=False):
        path = field_path(tuple(error["loc"]), root)
        message = _message(error)
        # Our own checks name their field already ("texts: is empty"); keep one, the full path.
        names = [part for part in error["loc"] if isinstance(part, str)]
        if names and message.startswith(f"{names[-1]}: "):
            message = message[len(names[-1]) + 2:]
        elif message.startswith(f"{path}: "):
            message = message[len(path) + 2:]
        errors.append({"field": path, "message": message, "type": error["type"]})
    text = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:limit])
    if len(errors) > limit:
        text += f" (and {len(errors) - limit} more)"
    return {"error": text, "errors": errors}
