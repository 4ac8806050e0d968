"""The per-batch function shared by every engine, on a stand-in model (no torch needed)."""

from __future__ import annotations

import json

import pytest

from wenzhai.models.records import Record
from wenzhai.serving.batch.scoring import ERROR, OK, SKIPPED, Scorer, ScorerSpec, process_rows, row_key
from wenzhai.serving.batch.sources import RawRow


def raw(n: int, obj) -> RawRow:
    return RawRow(f"f.jsonl:{n}", n, obj if isinstance(obj, str) else json.dumps(obj, ensure_ascii=False))


def length_scorer(fail_on: str | None = None, batch_fails: bool = False) -> Scorer:
    def one(row: Record) -> dict:
        if row.text == fail_on:
            raise RuntimeError("boom")
        return {"chars": len(row.text)}

    def many(rows: list[Record]) -> list[dict]:
        if batch_fails or fail_on in [row.text for row in rows]:
            raise RuntimeError("batch boom")
        return [{"chars": len(row.text)} for row in rows]

    return Scorer("tag", one, many=many)


def test_one_outcome_per_row_in_order_with_bad_rows_as_error_rows():
    rows = [raw(1, {"id": "a", "text": "乡村"}), raw(2, "{oops"), raw(3, {"id": "c", "text": ""}),
            RawRow("f.jsonl:4", 4, None, "line 4: not valid UTF-8"), raw(5, {"text": "治理好"})]
    outcomes = process_rows(length_scorer(), rows, done=set())
    assert [o.status for o in outcomes] == [OK, ERROR, ERROR, ERROR, OK]
    parsed = [json.loads(o.line) for o in outcomes]
    assert parsed[0] == {"id": "a", "chars": 2}
    assert parsed[1]["id"] is None and parsed[1]["source"] == "f.jsonl:2" and "not valid JSON" in parsed[1]["error"]
    assert parsed[2] == {"id": "c", "source": "f.jsonl:3", "error": parsed[2]["error"]} and "empty" in parsed[2]["error"]
    assert parsed[3] == {"id": None, "source": "f.jsonl:4", "error": "line 4: not valid UTF-8"}
    assert parsed[4] == {"id": 5, "chars": 3}  # no id: the line number, as parse_record does
    assert all(o.line.endswith("\n") and o.line.count("\n") == 1 for o in outcomes)


def test_rows_already_done_are_skipped_by_id_or_by_position_when_they_have_no_id():
    rows = [raw(1, {"id": "a", "text": "甲"}), raw(2, "{oops"), raw(3, {"id": "b", "text": "乙"})]
    done = {row_key("a", "elsewhere"), row_key(None, "f.jsonl:2")}
    outcomes = process_rows(length_scorer(), rows, done)
    assert [o.status for o in outcomes] == [SKIPPED, SKIPPED, OK]
    assert outcomes[0].line == "" and json.loads(outcomes[2].line)["id"] == "b"


def test_a_failing_row_in_a_batch_becomes_one_error_row_and_the_others_survive():
    rows = [raw(1, {"id": "a", "text": "甲"}), raw(2, {"id": "b", "text": "坏"}), raw(3, {"id": "c", "text": "丙丙"})]
    outcomes = process_rows(length_scorer(fail_on="坏"), rows, set())
    assert [o.status for o in outcomes] == [OK, ERROR, OK]
    assert json.loads(outcomes[1].line)["error"] == "tag failed: RuntimeError: boom"
    assert json.loads(outcomes[2].line) == {"id": "c", "chars": 2}


def test_batch_failure_falls_back_to_rows_one_by_one():
    outcomes = process_rows(length_scorer(batch_fails=True), [raw(1, {"id": "a", "text": "甲"})], set())
    assert [o.status for o in outcomes] == [OK]


def test_summarize_rows_carry_their_title_and_a_bad_one_is_an_error_row():
    seen: list[tuple[str, str | None]] = []

    def one(row: Record) -> dict:
        seen.append((row.text, row.title))
        return {"chars": len(row.text)}

    rows = [raw(1, {"id": "a", "text": "乡村", "title": "新路子"}), raw(2, {"id": "b", "text": "治理", "title": ""}),
            raw(3, {"id": "c", "text": "证照"})]
    outcomes = process_rows(Scorer("summarize", one), rows, set())
    assert [o.status for o in outcomes] == [OK, ERROR, OK] and seen == [("乡村", "新路子"), ("证照", None)]
    assert "title: is empty" in json.loads(outcomes[1].line)["error"]
    tagged = process_rows(length_scorer(), [raw(1, {"id": "a", "text": "乡村", "title": ""})], set())
    assert [o.status for o in tagged] == [OK]  # tag rows never read a title


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "translate"}, "not a mode"),
        ({"mode": "tag", "model": None}, "needs a theme model"),
        ({"mode": "summarize", "model": None}, "needs a theme model"),
        ({"threads": 0}, "threads"),
        ({"mode": "summarize", "model": "/m", "summary_sentences": 0}, "between 1 and 50"),
        ({"summary_sentences": 51}, "between 0 and 50"),
    ],
)
def test_scorer_spec_is_validated(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ScorerSpec(**kwargs)
