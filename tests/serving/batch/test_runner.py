"""`wenzhai batch` with the in-process engine on a tiny model: outputs, errors, resuming, the CLI."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.serving.batch.conftest import (
    BAD_JSONL_LINES,
    assert_same_results,
    read_output,
    real_rows,
    result_key,
)
from wenzhai.cli.main import main
from wenzhai.models.results import to_json
from wenzhai.serving.batch.runner import BatchJob, run_batch

N_ROWS = 130 + len(BAD_JSONL_LINES) + 100  # write_archive's defaults; the blank line gives no row
N_ERRORS = len(BAD_JSONL_LINES) + 1  # + the Parquet row with a null text


def test_analyze_writes_one_analyze_json_per_row_and_error_rows_for_bad_ones(local_analyze_rows, archive, tiny_classifier_dir):
    from wenzhai.models.loading import load_pipeline

    rows = local_analyze_rows
    assert len(rows) == N_ROWS and len({result_key(r) for r in rows}) == N_ROWS
    errors = [r for r in rows if "error" in r]
    assert len(errors) == N_ERRORS
    for bad_line, expected in BAD_JSONL_LINES:
        assert any(expected in r["error"] and r["source"].startswith("part-a.jsonl:") for r in errors), bad_line
    assert any(r["source"] == "nested/part-b.parquet:6" and "expected a string" in r["error"] for r in errors)
    assert "hidden" not in {r["id"] for r in rows}
    # an ok row is exactly the analyze JSON of that text, with its id in front
    first = real_rows(1)[0]
    row = next(r for r in rows if r["id"] == first["id"])
    assert list(row)[0] == "id"
    expected = {"id": first["id"], **to_json(load_pipeline(str(tiny_classifier_dir), threads=1).analyze(first["text"]))}
    assert row == json.loads(json.dumps(expected, ensure_ascii=False))
    assert row["model"] == {"name": "tiny-random", "version": "test"} and row["segments"][0]["theme"]


def test_tag_mode_writes_the_classifier_prediction(archive, tiny_classifier_dir, tmp_path):
    from wenzhai.models.loading import load_classifier

    out = tmp_path / "tags.jsonl"
    counts = run_batch(BatchJob(str(archive), str(out), mode="tag", model=str(tiny_classifier_dir), threads=1, progress=False))
    assert (counts.ok, counts.error, counts.skipped) == (N_ROWS - N_ERRORS, N_ERRORS, 0)
    rows = {r["id"]: r for r in read_output(out) if "error" not in r}
    sample = real_rows(3)
    predictions = load_classifier(str(tiny_classifier_dir), threads=1).predict([r["text"] for r in sample])
    for source, prediction in zip(sample, predictions, strict=True):
        assert rows[source["id"]] == {"id": source["id"], **to_json(prediction)}


def test_summarize_mode_writes_summary_and_keywords(tiny_classifier_dir, tmp_path):
    rows = real_rows(4)
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "sum.jsonl"
    job = BatchJob(str(tmp_path / "in.jsonl"), str(out), mode="summarize", model=str(tiny_classifier_dir),
                   threads=1, summary_sentences=2, progress=False)
    assert run_batch(job).ok == 4
    for row, source in zip(read_output(out), rows, strict=True):
        assert set(row) == {"id", "summary", "keywords"} and row["id"] == source["id"]
        assert 1 <= len(row["summary"]) <= 2
        assert all(0 <= s["span"][0] < s["span"][1] <= len(source["text"]) for s in row["summary"])


def test_a_crashed_run_resumes_without_losing_or_repeating_rows(local_analyze_rows, archive, tiny_classifier_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    finished = [json.dumps(r, ensure_ascii=False) + "\n" for r in local_analyze_rows[:100]]
    half_written = json.dumps(local_analyze_rows[100], ensure_ascii=False)[:40]  # died mid-line
    out.write_text("".join(finished) + half_written, encoding="utf-8")
    counts = run_batch(BatchJob(str(archive), str(out), model=str(tiny_classifier_dir), threads=1, progress=False))
    assert counts.skipped == 100 and counts.ok + counts.error == N_ROWS - 100
    assert counts.truncated_bytes == len(half_written.encode())
    assert_same_results(local_analyze_rows, read_output(out))
    again = run_batch(BatchJob(str(archive), str(out), model=str(tiny_classifier_dir), threads=1, progress=False))
    assert (again.ok, again.error, again.skipped) == (0, 0, N_ROWS)


def test_cli_runs_with_a_progress_bar_and_prints_the_counts(archive, tiny_classifier_dir, tmp_path, capsys):
    out = tmp_path / "tags.jsonl"
    code = main(["batch", str(archive), str(out), "--mode", "tag", "--model", str(tiny_classifier_dir), "--threads", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert f"{N_ROWS}/" in err and "row" in err  # the tqdm bar
    assert f"wenzhai batch: {N_ROWS - N_ERRORS:,} ok and {N_ERRORS} error rows written to {out} in " in err
    assert len(read_output(out)) == N_ROWS


def test_output_inside_the_input_folder_is_not_read_as_input(archive, tiny_classifier_dir, tmp_path):
    folder = shutil.copytree(archive, tmp_path / "in")
    out = folder / "results.jsonl"
    for _ in range(2):
        run_batch(BatchJob(str(folder), str(out), mode="tag", model=str(tiny_classifier_dir), threads=1, progress=False))
    assert len(read_output(out)) == N_ROWS


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--address", "auto"], "need --engine ray"),
        (["--actors", "2"], "need --engine ray"),
        (["--engine", "ray", "--actors", "0"], "--actors must be >= 1"),
        (["--batch-size", "0"], "--batch-size must be between 1 and 10000"),
        (["--mode", "tag", "--model", "none"], "--mode tag needs a theme model"),
        (["--model", "/nonexistent/model"], "is not a model folder"),
    ],
)
def test_bad_options_are_one_line_errors(archive, tmp_path, capsys, extra, message):
    code = main(["batch", str(archive), str(tmp_path / "o.jsonl"), "--no-progress", *extra])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o.jsonl").exists()


def test_missing_input_is_a_one_line_error(tmp_path, capsys):
    code = main(["batch", str(tmp_path / "nope"), str(tmp_path / "o.jsonl"), "--model", "none"])
    assert code == 2 and "INPUT: " in capsys.readouterr().err


def test_progress_shows_model_calls_inside_a_batch_of_long_documents(tiny_classifier_dir, tmp_path, monkeypatch):
    import wenzhai.serving.batch.runner as runner

    ticks: dict[str, int] = {}

    class Recorder(runner.tqdm):
        def update(self, n=1):
            ticks[self.desc] = ticks.get(self.desc, 0) + n
            return super().update(n)

    monkeypatch.setattr(runner, "tqdm", Recorder)
    text = "".join(r["text"] for r in real_rows(40))  # one long document: many token windows
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "long", "text": text}, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    run_batch(BatchJob(str(tmp_path / "in.jsonl"), str(tmp_path / "out.jsonl"), mode="tag",
                       model=str(tiny_classifier_dir), threads=1, progress=True))
    calls = ticks.get("  model calls in this batch", 0)
    assert calls > 1, f"the model-call line never moved ({ticks})"
