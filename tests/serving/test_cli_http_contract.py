"""One contract on both surfaces: the CLI and the HTTP API give the same JSON for the same input and
options (same fields, same nulls, same limits), and every HTTP route sends UTF-8, not ``\\uXXXX``.

The CLI runs in this process on the tiny model; the API is the session's `bentoml serve` on the same
model folder (tests/serving/conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from wenzhai.cli.main import main

PAGE = (
    "乡村振兴\n"
    "本报讯 某县完善村庄基础设施，发展特色产业，带动村民增收。村里修好了水泥路，村民发展特色种植。\n\n"
    "政务服务\n"
    "该县政务服务中心上线“一网通办”平台，群众办事可在手机上完成。电子证照让办事少跑腿。\n"
)
ENGLISH = "The village built a new road. Farmers grew special crops and earned more money this year."
TEXTS = {"page": PAGE, "english": ENGLISH}


def run_cli(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", sorted(TEXTS))
@pytest.mark.parametrize("summary_sentences", [None, 0, 2, 20])
def test_analyze_gives_the_same_json(
    name: str, summary_sentences: int | None, client: httpx.Client, tiny_classifier_dir: Path,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    text = TEXTS[name]
    args = ["analyze", write(tmp_path, "in.txt", text), "--model", str(tiny_classifier_dir)]
    body: dict[str, Any] = {"text": text}
    if summary_sentences is not None:
        args += ["--summary-sentences", str(summary_sentences)]
        body["summary_sentences"] = summary_sentences
    code, out, err = run_cli(capsys, args)
    assert code == 0, err
    answer = client.post("/analyze", json=body)
    assert answer.status_code == 200, answer.text
    cli, http = json.loads(out), answer.json()
    assert cli == http
    # same nulls: every segment carries every field, null where there is nothing
    for segment in cli["segments"]:
        assert {"summary", "keywords"} <= set(segment)
    assert cli["language"]["chinese"] is (name == "page")


def test_english_gets_a_language_notice_on_both(client: httpx.Client, tiny_classifier_dir: Path,
                                                tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, ["analyze", write(tmp_path, "en.txt", ENGLISH), "--model", str(tiny_classifier_dir)])
    http = client.post("/analyze", json={"text": ENGLISH}).json()
    assert code == 0
    notice = json.loads(out)["language"]["notice"]
    assert notice and "does not look like Chinese" in notice
    assert http["language"]["notice"] == notice


def test_tag_gives_the_same_json(client: httpx.Client, tiny_classifier_dir: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    texts = [PAGE, "村里修好了水泥路。", ENGLISH]
    rows = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    code, out, err = run_cli(capsys, ["tag", write(tmp_path, "rows.jsonl", rows), "--model", str(tiny_classifier_dir)])
    assert code == 0, err
    cli = [json.loads(line) for line in out.splitlines()]
    assert [row.pop("id") for row in cli] == [0, 1, 2]
    assert cli == client.post("/tag", json={"texts": texts}).json()


@pytest.mark.parametrize("budget", [{}, {"max_sentences": 1}, {"max_chars": 30}, {"ratio": 0.5}])
def test_summarize_gives_the_same_json(budget: dict[str, Any], client: httpx.Client, tiny_classifier_dir: Path,
                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flags = [f"--{key.replace('_', '-')}={value}" for key, value in budget.items()]
    args = ["summarize", write(tmp_path, "in.txt", PAGE), "--model", str(tiny_classifier_dir), "--keywords", "4", *flags]
    code, out, err = run_cli(capsys, args)
    assert code == 0, err
    answer = client.post("/summarize", json={"text": PAGE, "keywords": 4, **budget})
    assert answer.status_code == 200, answer.text
    assert json.loads(out) == answer.json()


@pytest.mark.parametrize("summary_sentences", [-1, 21, 99])
def test_the_same_summary_sentences_limit_and_message(
    summary_sentences: int, client: httpx.Client, tiny_classifier_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = client.post("/analyze", json={"text": PAGE, "summary_sentences": summary_sentences})
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["field"] == "summary_sentences"
    args = ["analyze", write(tmp_path, "in.txt", PAGE), "--model", str(tiny_classifier_dir),
            "--summary-sentences", str(summary_sentences)]
    code, out, err = run_cli(capsys, args)
    assert code == 2 and out == ""
    assert err.strip() == f"wenzhai analyze: error: --summary-sentences: {error['message']}"


def test_the_same_max_sentences_limit_for_summaries(client: httpx.Client, tiny_classifier_dir: Path,
                                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer = client.post("/summarize", json={"text": PAGE, "max_sentences": 21})
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    args = ["summarize", write(tmp_path, "in.txt", PAGE), "--model", str(tiny_classifier_dir), "--max-sentences", "21"]
    code, out, err = run_cli(capsys, args)
    assert code == 2 and out == ""
    assert err.strip() == f"wenzhai summarize: error: --max-sentences: {error['message']}"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/analyze", {"text": PAGE}),
        ("/tag", {"texts": [PAGE]}),
        ("/summarize", {"text": PAGE}),
        ("/batch", {"documents": [{"id": "页一", "text": PAGE}, {"id": "空", "text": "   "}]}),
    ],
)
def test_every_route_sends_utf8(path: str, body: dict[str, Any], client: httpx.Client) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    raw = answer.content
    assert b"\\u" not in raw, raw[:200]
    raw.decode("utf-8")  # valid UTF-8
    if path != "/tag":  # /tag answers labels and numbers only
        assert "村".encode() in raw


def test_summarize_under_a_title_gives_the_same_json(client: httpx.Client, tiny_classifier_dir: Path,
                                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = json.dumps({"id": "p", "text": PAGE, "title": "乡村振兴新气象"}, ensure_ascii=False)
    args = ["summarize", write(tmp_path, "rows.jsonl", row + "\n"), "--jsonl", "--model", str(tiny_classifier_dir)]
    code, out, err = run_cli(capsys, args)
    assert code == 0, err
    cli = json.loads(out)
    assert cli.pop("id") == "p"
    answer = client.post("/summarize", json={"text": PAGE, "title": "乡村振兴新气象"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == cli
    bad = client.post("/summarize", json={"text": PAGE, "title": "   "})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "title"
