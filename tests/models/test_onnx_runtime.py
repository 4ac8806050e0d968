from pathlib import Path

import numpy as np
import pytest

from tests.tiny_models import build_tiny_classifier
from wenzhai.models import onnx_runtime
from wenzhai.models.classifier import ThemeClassifier

TEXTS = ["乡村振兴建设，村里修好了路。", "企业职工技能比武" * 12, "政务服务一网通办", "花", "Hello 2024"]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory) -> Path:
    return build_tiny_classifier(tmp_path_factory.mktemp("tiny-onnx"), max_length=16, window_stride=4)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def onnx_classifier(tiny_dir, cache_dir) -> ThemeClassifier:
    return ThemeClassifier.from_pretrained(tiny_dir, backend="onnx-int8", cache_dir=cache_dir)


def test_onnx_int8_scores_stay_close_to_torch_fp32(tiny_dir, onnx_classifier):
    fp32 = ThemeClassifier.from_pretrained(tiny_dir, backend="torch").predict_proba(TEXTS)
    int8 = onnx_classifier.predict_proba(TEXTS)
    assert onnx_classifier.settings.backend == "onnx-int8"
    assert int8.shape == fp32.shape == (len(TEXTS), 5)
    np.testing.assert_allclose(int8.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(int8, fp32, atol=0.05)
    assert not np.array_equal(int8, fp32), "the int8 path should not be the fp32 model in disguise"


def test_a_texts_scores_do_not_depend_on_its_batch(onnx_classifier):
    together = onnx_classifier.predict_proba(TEXTS)
    alone = np.vstack([onnx_classifier.predict_proba([t]) for t in TEXTS])
    np.testing.assert_array_equal(together, alone)


def test_long_text_is_windowed_not_truncated(onnx_classifier):
    long_text = "企业职工技能比武" * 12
    windows = onnx_classifier.tokenizer(long_text)["input_ids"]
    assert len(windows) > onnx_classifier.settings.max_length  # several windows at max_length 16
    head_only = onnx_classifier.predict_proba(["企业职工技能比武"])
    assert not np.allclose(onnx_classifier.predict_proba([long_text]), head_only)


def test_lowest_layer_stays_fp32_and_the_rest_is_int8(onnx_classifier):
    import onnx

    graph = onnx.load(str(onnx_classifier.onnx_model.path)).graph
    ops_by_layer: dict[str, set[str]] = {}
    for node in graph.node:
        for layer in ("layer.0/", "layer.1/"):
            if layer in node.name and "MatMul" in node.op_type:
                ops_by_layer.setdefault(layer, set()).add(node.op_type)
    assert ops_by_layer["layer.0/"] == {"MatMul"}
    assert "MatMulInteger" in ops_by_layer["layer.1/"]


def test_onnx_file_is_built_once_and_keyed_by_the_weights(tiny_dir, cache_dir, onnx_classifier, monkeypatch, tmp_path):
    first = onnx_classifier.onnx_model.path
    built = first.stat().st_mtime_ns

    def refuse(*args, **kwargs):
        raise AssertionError("a cached ONNX model must be reused, not rebuilt")

    monkeypatch.setattr(onnx_runtime, "build_int8_onnx", refuse)
    again = ThemeClassifier.from_pretrained(tiny_dir, backend="onnx-int8", cache_dir=cache_dir)
    assert again.onnx_model.path == first and first.stat().st_mtime_ns == built
    monkeypatch.undo()

    other = build_tiny_classifier(tmp_path / tiny_dir.name, seed=1, max_length=16, window_stride=4)
    rebuilt = ThemeClassifier.from_pretrained(other, backend="onnx-int8", cache_dir=cache_dir)
    assert rebuilt.onnx_model.path != first


def test_without_onnxruntime_it_falls_back_to_torch_with_a_warning(tiny_dir, monkeypatch):
    import wenzhai.models.classifier as classifier_module

    monkeypatch.setattr(classifier_module, "onnxruntime_available", lambda: False)
    with pytest.warns(UserWarning, match="onnxruntime is not installed"):
        clf = ThemeClassifier.from_pretrained(tiny_dir, backend="onnx-int8")
    assert clf.settings.backend == "torch" and clf.onnx_model is None


def test_an_unusable_cache_falls_back_to_torch_with_the_reason(tiny_dir, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    with pytest.warns(UserWarning, match="could not be built or loaded"):
        clf = ThemeClassifier.from_pretrained(tiny_dir, backend="onnx-int8", cache_dir=blocked)
    assert clf.settings.backend == "torch" and clf.onnx_model is None
    assert clf.predict_proba(TEXTS).shape == (len(TEXTS), 5)


def test_empty_input_gives_an_empty_matrix(onnx_classifier):
    assert onnx_classifier.predict_proba([]).shape == (0, 5)
    assert onnx_classifier.onnx_model([]).shape == (0, 5)


@pytest.mark.parametrize("layers", [1, None])
def test_summariser_sentence_vectors_run_on_onnx_and_equal_torchs(tiny_dir, onnx_classifier, layers):
    from wenzhai.models.onnx_runtime import OnnxEncoder
    from wenzhai.models.summarizer import Summarizer

    sentences = ["村里修好了水泥路。", "政务服务一网通办，群众少跑腿。", "企业职工技能比武" * 5, "花"]
    on_onnx = Summarizer.from_classifier(onnx_classifier, layers=layers)
    on_torch = Summarizer.from_classifier(ThemeClassifier.from_pretrained(tiny_dir, backend="torch"), layers=layers)
    assert isinstance(on_onnx.embed.model, OnnxEncoder) and not isinstance(on_torch.embed.model, OnnxEncoder)
    a, b = on_onnx.embed(sentences), on_torch.embed(sentences)
    assert a.shape == b.shape == (len(sentences), onnx_classifier.model.config.hidden_size)
    assert float((a * b).sum(axis=1).min()) > 0.9999


def test_sentence_vectors_fall_back_to_torch_when_the_onnx_encoder_fails(onnx_classifier, monkeypatch):
    import wenzhai.models.classifier as classifier_module
    from wenzhai.models.sentence_embedder import LowerLayers

    def broken(*args, **kwargs):
        raise OSError("read-only cache")

    monkeypatch.setattr(classifier_module, "cached_encoder_onnx", broken)
    with pytest.warns(UserWarning, match="read-only cache"):
        encoder = onnx_classifier.sentence_encoder(1)
    assert isinstance(encoder, LowerLayers)
