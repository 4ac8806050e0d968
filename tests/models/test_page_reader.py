"""The page reader: numpy evaluation of exported models, the shipped reader, and reading real pages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from wenzhai.models.page_reader import (
    DEFAULT_READER,
    FEATURE_NAMES,
    LINE_ROLES,
    LinearModel,
    PageReader,
    TreeEnsemble,
    load_reader,
)
from wenzhai.models.segmentation import segment_page
from wenzhai.models.text import clean_page


def test_tree_ensemble_walks_each_tree():
    # one stump per class: feature 0 <= 0.5 goes left
    stump = {"left": [1, -1, -1], "right": [2, -1, -1], "feature": [0, -2, -2], "threshold": [0.5, 0, 0]}
    spec = {"learning_rate": 1.0, "prior": [0.0, 0.0],
            "trees": [[{**stump, "value": [0, 2.0, -2.0]}], [{**stump, "value": [0, -2.0, 2.0]}]]}
    probs = TreeEnsemble(spec).predict_proba(np.array([[0.0], [1.0]]))
    assert probs.argmax(axis=1).tolist() == [0, 1]
    assert probs[0, 0] == pytest.approx(1 / (1 + np.exp(-4.0)))


def test_exported_models_match_scikit_learn():
    pytest.importorskip("sklearn", reason="scikit-learn is in the train extra")
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    from wenzhai.training.reader_training import ReaderTrainingConfig, fit_linear, fit_trees

    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, len(FEATURE_NAMES)))
    y = (np.abs(x[:, :3]).argmax(axis=1) + 3 * (x[:, 3] > 0)).astype(int) % len(LINE_ROLES)
    config = ReaderTrainingConfig(trees=10)
    trees = TreeEnsemble(fit_trees(x, y, config)).predict_proba(x)
    reference = GradientBoostingClassifier(n_estimators=10, max_depth=3, learning_rate=0.1, init="zero",
                                           random_state=config.seed, subsample=0.8).fit(x, y)
    assert np.allclose(trees, reference.predict_proba(x), atol=1e-4)
    linear = LinearModel(fit_linear(x, y, config)).predict_proba(x)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    ref = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    assert np.allclose(linear, ref.predict_proba((x - mean) / scale), atol=1e-6)


def test_a_reader_for_other_features_is_refused(tmp_path):
    spec = json.loads(DEFAULT_READER.read_text(encoding="utf-8"))
    spec["features"] = spec["features"][:-1]
    with pytest.raises(ValueError, match="rebuild it"):
        PageReader.from_spec(spec)
    with pytest.raises(OSError, match="train-reader"):
        load_reader(tmp_path / "missing.json")


def test_shipped_reader_is_small_json():
    assert DEFAULT_READER.stat().st_size < 2_000_000
    assert load_reader().roles == LINE_ROLES


PAGE = """两会前瞻稳就业促发展两会前瞻稳就业促发展

记者今天从人力资源社会保障部获悉，今年一季度全国城镇新增就业
三百零三万人，同比增加十二万人，就业形势总体稳定。

各地持续开展招聘活动，线上线下发布岗位信息，帮助高校毕业生
和农民工找到合适的工作。

（记者 王芳）

乡村道路修到家门口

村里修好了水泥路，农民种植的蔬菜可以直接运到城里销售，村民
收入逐年增加，乡村面貌焕然一新。
"""


def test_reader_finds_headlines_bylines_and_articles():
    paragraphs = clean_page(PAGE)
    kinds = [(p.kind, p.text[:6]) for p in paragraphs]
    assert ("heading", "两会前瞻稳就") in kinds and ("byline", "（记者王芳）") in kinds
    segments = segment_page(paragraphs)
    assert [s.title for s in segments] == ["两会前瞻稳就业促发展", "乡村道路修到家门口"]
    assert segments[0].text.startswith("记者今天从人力资源社会保障部获悉")
    assert [d.reason for d in segments[0].dropped] == ["doubled print", "byline"]



def test_role_sequence_never_continues_a_headline():
    # the line model alone: headline, then "cont" (0.6) for the line below; heading -> cont is not allowed
    from wenzhai.models.page_reader import LINE_ROLES, RoleSequence

    allowed = [[1] * 6 for _ in LINE_ROLES]
    allowed[LINE_ROLES.index("heading")] = [0, 0, 1, 0, 0, 1]
    probs = np.array([[0.0, 0.05, 0.05, 0.9, 0.0, 0.0], [0.6, 0.05, 0.3, 0.05, 0.0, 0.0]])
    roles = [LINE_ROLES[i] for i in RoleSequence({"allowed": allowed}).decode(probs)]
    assert roles == ["heading", "start"]
    free = RoleSequence({"allowed": [[1] * 6 for _ in LINE_ROLES]}).decode(probs)
    assert [LINE_ROLES[i] for i in free] == ["heading", "cont"]


def test_shipped_reader_decodes_roles_as_a_sequence():
    assert load_reader().sequence is not None

def test_a_line_that_leaves_a_title_mark_open_is_no_headline():
    page = (
        "营商环境持续优化\n\n"
        "国务院日前印发《关于深化\n\n"
        "审批制度改革的意见》，部署\n"
        "在全国范围内推行一系列便\n"
        "利企业的改革措施。\n"
    )
    segments = segment_page(clean_page(page))
    assert [s.title for s in segments] == ["营商环境持续优化"]
    assert segments[0].text.startswith("国务院日前印发《关于深化审批制度改革的意见》，部署")


def test_trees_walked_in_chunks_give_the_same_probabilities(monkeypatch):
    """Long pages are scored a chunk of lines at a time (flat memory), with identical results."""
    model = load_reader().model
    assert isinstance(model, TreeEnsemble)
    x = np.random.default_rng(1).normal(size=(1300, len(FEATURE_NAMES)))
    whole = model._predict_chunk(x)
    monkeypatch.setattr(TreeEnsemble, "CHUNK_ROWS", 100)
    assert np.array_equal(model.predict_proba(x), whole)
