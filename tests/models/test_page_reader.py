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


def test_the_boundary_stage_says_how_much_of_each_paragraph_it_learned_from():
    spec = json.loads(DEFAULT_READER.read_text(encoding="utf-8"))
    assert spec.get("boundary") is not None
    spec["boundary"]["paragraph_tokens"] = 64
    assert PageReader.from_spec(spec).paragraph_tokens == 64
    del spec["boundary"]["paragraph_tokens"]
    assert PageReader.from_spec(spec).paragraph_tokens is None  # whole paragraphs
    for bad in (0, 2, "64", 64.5):
        spec["boundary"]["paragraph_tokens"] = bad
        with pytest.raises(ValueError, match="paragraph_tokens must be an integer >= 3"):
            PageReader.from_spec(spec)


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


def test_a_line_of_sentences_is_never_read_as_a_headline():
    """Trees called this wide body line a displaced headline (0.49) on the page the summariser test reads;
    a line with a sentence end before more text can only be text."""
    page = (
        "乡村建设的新路子\n\n"
        "【执笔人：张三，浙江大学中国农村发展研究院】\n\n"
        "乡村建设要坚持政府主导。乡村建设也要引入市场力量。企业和村集体共同参与乡村建设。资金短缺问题要靠创新解决。\n\n"
        "文化礼堂排练忙\n\n"
        "图为村民在新建的文化礼堂里排练节目。\n\n"
        "（本报记者李四摄）\n"
    )
    assert [p.kind for p in clean_page(page)] == ["heading", "byline", "body", "heading", "caption", "byline"]
    reader = load_reader()
    probs = np.array([[0.05, 0.05, 0.2, 0.1, 0.6, 0.0], [0.0, 0.0, 0.0, 0.5, 0.5, 0.0]])
    views = [_view("工作推进。群众满意"), _view("工作推进。群众满意")]
    fixed = reader.headline_plausible(views, probs)
    heads = [LINE_ROLES.index("heading"), LINE_ROLES.index("heading_above")]
    assert np.all(fixed[:, heads] == 0) and np.allclose(fixed.sum(axis=1), 1.0)
    assert fixed[0, LINE_ROLES.index("start")] == pytest.approx(0.2 / 0.3)
    kept = reader.headline_plausible([_view("乡村道路修到家门口"), _view("工作推进。")], probs)
    assert np.array_equal(kept, probs)
    note = reader.headline_plausible([_view("（孙海涛胡跃平）")], probs[:1])  # wholly in brackets: a byline or note
    assert np.all(note[:, heads] == 0) and np.allclose(note.sum(axis=1), 1.0)


def test_two_blank_lines_are_a_wide_gap_one_is_not():
    from wenzhai.models.text.paragraphs import CleanConfig, clean_lines

    lines = clean_lines("第一行文字\n\n第二行文字\n\n\n第三行文字\n \n\u3000\n第四行文字", CleanConfig())
    assert [line.gap_lines for line in lines] == [0, 1, 2, 2]
    assert [line.blank_before for line in lines] == [False, True, True, True]
    assert FEATURE_NAMES[-1] == "wide_gap_before"


def _view(text):
    from wenzhai.models.page_reader import LineView

    return LineView(text, float(len(text)), False, True, False, "body", True)
