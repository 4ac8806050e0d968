"""`wenzhai train-reader`: a deterministic rebuild, both model kinds compared, a loadable reader."""

from __future__ import annotations

import numpy as np
import pytest

from tests.models.topics import DIGITAL, RURAL
from wenzhai.models.page_reader import load_reader
from wenzhai.training.page_simulator import Article
from wenzhai.training.reader_training import ReaderTrainingConfig, load_config, train_reader

pytest.importorskip("sklearn", reason="training the page reader needs scikit-learn (train extra)")

ARTICLES = [
    Article(f"政务服务新变化第{k}期", tuple(DIGITAL[k % 3:] + DIGITAL[:k % 3]), f"d{k}") for k in range(12)
] + [Article(f"乡村振兴新气象第{k}期", tuple(RURAL[k % 3:] + RURAL[:k % 3]), f"r{k}") for k in range(12)]


def _config(tmp_path, name: str) -> ReaderTrainingConfig:
    return ReaderTrainingConfig(train_pages=40, val_pages=8, trees=5, theme_model="none", val_share=0.3,
                                output=str(tmp_path / f"{name}.json"), report=str(tmp_path / f"{name}-report.json"))


def test_rebuild_is_deterministic_and_compares_both_kinds(tmp_path):
    first = train_reader(_config(tmp_path, "a"), ARTICLES)
    second = train_reader(_config(tmp_path, "b"), ARTICLES)
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert set(first["kinds"]) == {"linear", "trees"} and first["chosen"] in first["kinds"]
    assert first["kinds"] == second["kinds"]
    assert load_reader(tmp_path / "a.json").kind == first["chosen"]


def test_shipped_config_loads_and_bad_values_are_named(tmp_path):
    config = load_config("configs/page_reader.yaml")
    assert config.kinds == ("linear", "trees") and config.output == "models/page_reader/reader.json"
    bad = tmp_path / "bad.yaml"
    bad.write_text("val_share: 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="val_share"):
        load_config(bad)
    bad.write_text("no_such_field: 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no_such_field"):
        load_config(bad)
    for value in ("2", "-1", "'64'"):
        bad.write_text(f"paragraph_tokens: {value}\n", encoding="utf-8")
        with pytest.raises(ValueError, match="paragraph_tokens: must be 0"):
            load_config(bad)


def test_stage_only_keeps_the_line_model_and_role_sequence(tmp_path):
    train_reader(_config(tmp_path, "full"), ARTICLES)
    config = ReaderTrainingConfig(**{**_config(tmp_path, "kept").__dict__, "stage_only": str(tmp_path / "full.json")})
    results = train_reader(config, ARTICLES)
    assert "kept from" in results["chosen"] and not results["kinds"]
    assert (tmp_path / "kept.json").read_bytes() == (tmp_path / "full.json").read_bytes()


def test_the_boundary_stage_records_how_much_of_each_paragraph_its_probabilities_read():
    from wenzhai.models.page_reader import BOUNDARY_FEATURES
    from wenzhai.training.reader_training import fit_boundary

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, len(BOUNDARY_FEATURES))), np.arange(40) % 2
    assert "paragraph_tokens" not in fit_boundary(x, y, ReaderTrainingConfig(), "decide")
    stage = fit_boundary(x, y, ReaderTrainingConfig(paragraph_tokens=64), "decide")
    assert stage["paragraph_tokens"] == 64 and stage["mode"] == "decide"
