"""`models.continuity`: the gap-reading model's arithmetic, its file, and the boundary stage that uses it."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from tests.models.topics import DIGITAL, RURAL
from wenzhai.models.continuity import (
    CONTINUITY_FILE,
    ContinuityModel,
    ContinuitySettings,
    gap_reader,
    load_continuity,
    pair_features,
)
from wenzhai.models.page_reader import BOUNDARY_FEATURES, DEFAULT_READER
from wenzhai.models.segmentation import SegmentationConfig, content_runs, segment_page
from wenzhai.models.text.types import Paragraph

DIM = 4


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _embed(texts):
    """A fake encoder: texts about villages point one way, the rest another."""
    return _unit(np.array([[1.0, 0.1, 0.0, 0.0] if "村" in t else [0.0, 0.1, 1.0, 0.0] for t in texts]))


def _model(weight_on_cos: float = -8.0, intercept: float = 4.0) -> ContinuityModel:
    coef = np.zeros(4 * DIM + 1)
    coef[-1] = weight_on_cos  # dissimilar tail and head -> a new article
    return ContinuityModel(ContinuitySettings(tail_chars=10, head_chars=12), coef, intercept)


def test_pair_features_layout_and_shape_check():
    u, v = _unit(np.array([[1.0, 0, 0, 0], [1.0, 1.0, 0, 0]])), _unit(np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]]))
    x = pair_features(u, v)
    assert x.shape == (2, 4 * DIM + 1)
    np.testing.assert_allclose(x[:, -1], (u * v).sum(axis=1))
    np.testing.assert_allclose(x[:, DIM:2 * DIM], np.abs(u - v))
    with pytest.raises(ValueError, match="one shape"):
        pair_features(u, v[:1])


def test_probabilities_follow_the_weights_and_read_only_tail_and_head():
    seen = []
    model = _model()

    def embed(texts):
        seen.extend(texts)
        return _embed(texts)

    probs = model.probabilities(embed, [(RURAL[0], RURAL[1]), (RURAL[0], DIGITAL[0])])
    assert probs[0] < 0.05 < 0.95 < probs[1]
    assert seen[:2] == [RURAL[0][-10:], RURAL[0][-10:]] and seen[2:] == [RURAL[1][:12], DIGITAL[0][:12]]
    assert model.probabilities(embed, []).shape == (0,)


def test_wrong_vector_size_names_the_fix():
    with pytest.raises(ValueError, match="train-continuity"):
        _model().probabilities(lambda texts: np.ones((len(texts), DIM + 1)), [("甲", "乙")])


def test_spec_round_trip_and_bad_specs(tmp_path):
    model = _model()
    again = ContinuityModel.from_spec(json.loads(json.dumps(model.to_spec(training={"val_auc": 0.9}))))
    assert again.settings == model.settings and again.dim == DIM
    np.testing.assert_allclose(again.coef, model.coef)
    with pytest.raises(ValueError, match="4\\*dim\\+1"):
        ContinuityModel.from_spec({"coef": [0.0, 1.0], "intercept": 0})
    with pytest.raises(ValueError, match="tail_chars"):
        ContinuitySettings(tail_chars=0)
    folder = tmp_path / "model"
    folder.mkdir()
    assert load_continuity(folder) is None and load_continuity(None) is None
    (folder / CONTINUITY_FILE).write_text('{"intercept": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a continuity model"):
        load_continuity(folder)


def test_opening_probs_cover_every_gap_inside_runs_but_no_run_start():
    paragraphs = [Paragraph(t, (0, len(t)), "body", list(range(len(t)))) for t in [RURAL[0], RURAL[1], DIGITAL[0], DIGITAL[1]]]
    read = _model().reader(_embed)
    got = read(paragraphs, [[0, 1, 2, 3]])
    assert set(got) == {1, 2, 3}
    assert got[2] > 0.95 and got[1] < 0.05 and got[3] < 0.05


def test_gap_reader_needs_a_continuity_model_and_an_encoder():
    assert gap_reader(None) is None
    assert gap_reader(SimpleNamespace(continuity=None, sentence_embedder=lambda layers: _embed)) is None
    assert gap_reader(SimpleNamespace(continuity=_model())) is None
    assert gap_reader(SimpleNamespace(continuity=_model(), sentence_embedder=lambda layers: _embed)) is not None


def _reader_with_stage(tmp_path, mode: str) -> str:
    """The shipped line reader with a boundary stage that follows the continuity reading alone."""
    spec = json.loads(DEFAULT_READER.read_text(encoding="utf-8"))
    k = len(BOUNDARY_FEATURES)
    coef = np.zeros((2, k))
    coef[1, BOUNDARY_FEATURES.index("new_article")] = 10.0
    spec["boundary"] = {"features": list(BOUNDARY_FEATURES), "mode": mode, "model": {
        "mean": [0.5] * k, "scale": [1.0] * k, "coef": coef.tolist(), "intercept": [0.0, 0.0]}}
    path = tmp_path / f"reader-{mode}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("mode", ["decide", "add"])
def test_boundary_stage_opens_a_headless_article_where_the_text_stops_continuing(tmp_path, mode):
    from wenzhai.models.text import clean_page

    page = "\n".join(RURAL + DIGITAL)  # two headless articles, one paragraph per line
    paragraphs = clean_page(page)
    runs = [r for r in content_runs(paragraphs) if len(r) >= 2]
    assert runs and all(p.role in ("start", "para") for p in paragraphs)
    config = SegmentationConfig(reader=_reader_with_stage(tmp_path, mode), essay_chars=100_000)
    probs = np.full((len(paragraphs), 5), 0.2)
    turn = next(i for i, p in enumerate(paragraphs) if p.text.startswith(DIGITAL[0][:8]))

    def openings(paras, gap_runs):
        return {i: (0.99 if i == turn else 0.01) for run in gap_runs for i in run[1:]}

    segments = segment_page(paragraphs, paragraph_probs=probs, config=config, openings=openings)
    assert [s.text[:8] for s in segments] == [RURAL[0][:8], DIGITAL[0][:8]]
    # without continuity readings the stage is not used: the reader's roles alone decide
    alone = segment_page(paragraphs, paragraph_probs=probs, config=config)
    assert alone == segment_page(paragraphs, paragraph_probs=probs, config=SegmentationConfig(essay_chars=100_000))


def test_the_model_reads_only_the_end_before_and_the_start_after_a_gap():
    model = ContinuityModel(ContinuitySettings(tail_chars=8, head_chars=9), np.zeros(4 * DIM + 1), 0.0)
    before, after = RURAL[0] + RURAL[1], DIGITAL[0] + DIGITAL[1]
    assert model.texts(before, after) == (before[-8:], after[:9])
    assert model.texts("短", "句") == ("短", "句")
