"""Fixtures for batch scoring: a tiny random classifier and a small archive of real texts with bad rows.

The texts are the project's own handwritten theme examples (data/themes/handwritten), so these tests
need nothing from ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.tiny_models import build_tiny_classifier

HANDWRITTEN = REPO_ROOT / "data" / "themes" / "handwritten"

# Bad rows in the JSONL part, each with what its error must mention.
BAD_JSONL_LINES: list[tuple[bytes, str]] = [
    (b'{"id": "bad-json", "text": ', "not valid JSON"),
    (b'{"id": "no-text"}', "text"),
    (b'{"id": "empty", "text": "   "}', "empty"),
    (b'{"id": true, "text": "\xe4\xb9\xa1\xe6\x9d\x91"}', "id must be"),
    (b'{"id": "bad-utf8", "text": "\xff\xfe"}', "UTF-8"),
    (b"[1, 2]", "expected an object"),
]


def real_rows(n: int) -> list[dict[str, str]]:
    """``n`` real rows, taken round-robin from the handwritten theme files (fixed order)."""
    files = sorted(HANDWRITTEN.glob("*.jsonl"))
    per_file = [[json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()] for f in files]
    rows: list[dict[str, str]] = []
    i = 0
    while len(rows) < n:
        for file_rows in per_file:
            if i < len(file_rows) and len(rows) < n:
                rows.append({"id": file_rows[i]["id"], "text": file_rows[i]["text"]})
        i += 1
    return rows


def write_archive(root: Path, n_jsonl: int = 130, n_parquet: int = 100) -> Path:
    """A folder with a JSONL part (with bad rows and a blank line), a nested Parquet part and a
    hidden file that must be ignored; returns the folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = real_rows(n_jsonl + n_parquet)
    root.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(row, ensure_ascii=False).encode() for row in rows[:n_jsonl]]
    for k, (bad, _) in enumerate(BAD_JSONL_LINES):
        lines.insert(7 + 13 * k, bad)
    lines.insert(3, b"")
    (root / "part-a.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (root / "nested").mkdir(exist_ok=True)
    parquet_rows = rows[n_jsonl:]
    ids = [row["id"] for row in parquet_rows]
    texts: list[str | None] = [row["text"] for row in parquet_rows]
    texts[5] = None  # a null text is a bad row, not a crash
    pq.write_table(pa.table({"id": ids, "text": texts}), root / "nested" / "part-b.parquet")
    (root / ".hidden.jsonl").write_text('{"id": "hidden", "text": "不应读取"}\n', encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def tiny_classifier_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_classifier(tmp_path_factory.mktemp("tiny-classifier"))


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_archive(tmp_path_factory.mktemp("archive") / "in")


def read_output(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def result_key(row: dict) -> tuple:
    return ("id", row["id"]) if row["id"] is not None else ("at", row["source"])


def assert_close(a, b, where: str = "row", tol: float = 1e-4) -> None:
    """Equal JSON values, except that numbers may differ by ``tol`` (scores are rounded to 4 places)."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), f"{where}: {a!r} != {b!r}"
        assert abs(a - b) <= tol + 1e-9, f"{where}: {a} and {b} differ by more than {tol}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{where}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            assert_close(a[k], b[k], f"{where}.{k}", tol)
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{where}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_close(x, y, f"{where}[{i}]", tol)
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def assert_same_results(expected: list[dict], actual: list[dict]) -> None:
    """Same rows (one per key, order free), each equal up to score rounding."""
    by_key = {result_key(row): row for row in expected}
    assert len(by_key) == len(expected), "expected rows must have unique keys"
    got = {result_key(row): row for row in actual}
    assert len(got) == len(actual), "a row was written twice"
    assert got.keys() == by_key.keys()
    for key, row in by_key.items():
        assert_close(row, got[key], where=str(key))


@pytest.fixture(scope="session")
def local_analyze_rows(archive: Path, tiny_classifier_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The in-process engine's analyze output on the archive: the reference for the other engines."""
    from wenzhai.serving.batch.runner import BatchJob, run_batch

    out = tmp_path_factory.mktemp("local") / "out.jsonl"
    run_batch(BatchJob(str(archive), str(out), model=str(tiny_classifier_dir), threads=1, progress=False))
    return read_output(out)
