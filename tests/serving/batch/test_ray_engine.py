"""The Ray engine for real: a private local Ray, actors loading the tiny model, compared with in-process.

Each run starts and stops its own local Ray (about 10-20 s on two cores), so this file holds two runs.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.serving.batch.conftest import assert_same_results, read_output, result_key
from wenzhai.serving.batch.runner import BatchJob, run_batch

if os.environ.get("CI", "").lower() == "true":
    import ray  # noqa: F401  (CI must run the engine: a missing Ray is a failure, not a skip)
else:
    pytest.importorskip("ray", reason="needs Ray Data: pip install 'ray[data]' (installed by `make setup`)")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(300),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context"),  # raised inside Ray itself
]


def ray_job(archive, out, model, **kwargs) -> BatchJob:
    return BatchJob(str(archive), str(out), engine="ray", actors=2, model=str(model), progress=False, **kwargs)


def test_ray_actors_give_the_same_results_as_the_in_process_engine(local_analyze_rows, archive, tiny_classifier_dir, tmp_path):
    assert len(local_analyze_rows) >= 200
    out = tmp_path / "ray.jsonl"
    counts = run_batch(ray_job(archive, out, tiny_classifier_dir, batch_size=16))
    n_errors = sum("error" in row for row in local_analyze_rows)
    assert (counts.ok, counts.error, counts.skipped) == (len(local_analyze_rows) - n_errors, n_errors, 0)
    assert_same_results(local_analyze_rows, read_output(out))


def test_ray_run_resumes_from_a_partial_output(local_analyze_rows, archive, tiny_classifier_dir, tmp_path):
    out = tmp_path / "ray.jsonl"
    kept = local_analyze_rows[::2]  # a crash can leave any subset: Ray writes in completion order
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept) + '{"id": "tru', encoding="utf-8")
    counts = run_batch(ray_job(archive, out, tiny_classifier_dir, batch_size=32))
    assert counts.skipped == len(kept) and counts.ok + counts.error == len(local_analyze_rows) - len(kept)
    rows = read_output(out)
    assert len(rows) == len({result_key(r) for r in rows}) == len(local_analyze_rows)
    assert_same_results(local_analyze_rows, rows)


def test_an_address_where_no_cluster_answers_is_a_one_line_error(archive, tmp_path, capsys):
    from wenzhai.cli.main import main

    code = main(["batch", str(archive), str(tmp_path / "o.jsonl"), "--engine", "ray", "--address", "127.0.0.1:1",
                 "--model", "none", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "--address: no Ray cluster answers at 127.0.0.1:1" in err and err.count("\n") == 1
