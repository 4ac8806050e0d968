import numpy as np
import pytest

from wenzhai.models.classifier import (
    NON_CHINESE_OTHER_PROB,
    InferenceSettings,
    ThemeClassifier,
    has_chinese,
    softmax,
)
from wenzhai.models.themes import ID2LABEL, LABEL2ID, LABELS


@pytest.fixture(scope="module")
def classifier(tiny_encoder_dir):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(
        tiny_encoder_dir, num_labels=len(LABELS), id2label=ID2LABEL, label2id=LABEL2ID
    )
    settings = InferenceSettings(max_length=16, window_stride=4, temperature=2.0)
    return ThemeClassifier(model, AutoTokenizer.from_pretrained(tiny_encoder_dir), settings, batch_size=3)


def test_batched_predictions_equal_one_at_a_time(classifier):
    texts = ["乡村振兴建设", "企业职工技能比武" * 6, "政务服务一网通办", "花"]
    together = classifier.predict_proba(texts)
    alone = np.vstack([classifier.predict_proba([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, atol=1e-5)


def test_temperature_softens_probabilities():
    logits = np.array([[2.0, 0.0, -1.0]])
    assert softmax(logits, 2.0).max() < softmax(logits, 1.0).max()


def test_text_without_chinese_is_other_with_low_confidence(classifier):
    assert not has_chinese("Hello world 2024!") and has_chinese("APP迅速")
    pred = classifier.predict(["Hello world 2024!", "乡村"])[0]
    assert pred.theme == "other"
    assert pred.scores["other"] == pytest.approx(NON_CHINESE_OTHER_PROB, abs=1e-4)
    assert pred.secondary == []


def test_a_flat_answer_names_no_secondary_theme_even_at_a_low_threshold(classifier):
    import dataclasses

    original = classifier.settings
    low = dataclasses.replace(original, secondary_threshold=0.15)
    rest = (1 - NON_CHINESE_OTHER_PROB) / 4  # 0.15: at the threshold
    flat = np.array([rest, rest, rest, rest, NON_CHINESE_OTHER_PROB])
    try:
        classifier.settings = low
        assert classifier.secondary_labels(flat) == []
        assert classifier.secondary_labels(np.array([0.2, 0.1, 0.1, 0.1, 0.5])) == ["rural_construction"]
        assert classifier.predict(["Hello world 2024!"])[0].secondary == []
    finally:
        classifier.settings = original


def test_settings_are_validated():
    with pytest.raises(ValueError, match="temperature"):
        InferenceSettings(temperature=0)
    with pytest.raises(ValueError, match="window_stride"):
        InferenceSettings(max_length=16, window_stride=14)
    with pytest.raises(ValueError, match="backend must be one of torch, onnx-int8, torch-int8"):
        InferenceSettings(backend="int4")


def _linear_kinds(model) -> set[str]:
    """``"fp32"`` and/or ``"int8"``: which kinds of Linear layer ``model`` holds."""
    import torch
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantizedLinear

    kinds = {"fp32" if type(m) is torch.nn.Linear else "int8" for m in model.modules()
             if isinstance(m, torch.nn.Linear | DynamicQuantizedLinear)}
    return kinds


def test_torch_int8_backend_tags_with_int8_layers_and_keeps_predictions_close(tiny_encoder_dir, classifier):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(
        tiny_encoder_dir, num_labels=len(LABELS), id2label=ID2LABEL, label2id=LABEL2ID
    )
    settings = InferenceSettings(max_length=16, window_stride=4, temperature=2.0, backend="torch-int8")
    quantized = ThemeClassifier(model, AutoTokenizer.from_pretrained(tiny_encoder_dir), settings, batch_size=3)
    assert _linear_kinds(quantized.window_runner.model) == {"int8"}
    assert _linear_kinds(quantized.model) == {"fp32"}, "the summariser's fp32 encoder must stay as it was"
    texts = ["乡村振兴建设", "企业职工技能比武" * 6, "政务服务一网通办"]
    fp32, int8 = classifier.predict_proba(texts), quantized.predict_proba(texts)
    np.testing.assert_allclose(int8.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(int8, fp32, atol=0.05)


def test_from_pretrained_quantizes_only_when_asked(tmp_path, monkeypatch):
    from tests.tiny_models import build_tiny_classifier

    folder = build_tiny_classifier(tmp_path / "tiny")
    monkeypatch.delenv("WENZHAI_BACKEND", raising=False)
    assert _linear_kinds(ThemeClassifier.from_pretrained(folder).window_runner.model) == {"fp32"}
    quantized = ThemeClassifier.from_pretrained(folder, backend="torch-int8")
    assert quantized.settings.backend == "torch-int8"
    assert _linear_kinds(quantized.window_runner.model) == {"int8"}
    monkeypatch.setenv("WENZHAI_BACKEND", "torch-int8")
    assert ThemeClassifier.from_pretrained(folder).settings.backend == "torch-int8"


def test_onnx_backend_without_an_onnx_model_is_refused(tiny_encoder_dir):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(tiny_encoder_dir, num_labels=len(LABELS))
    with pytest.raises(ValueError, match="needs the ONNX model"):
        ThemeClassifier(model, AutoTokenizer.from_pretrained(tiny_encoder_dir), InferenceSettings(backend="onnx-int8"))


def test_opening_logits_read_only_each_texts_first_window(classifier):
    """A short text's opening is the whole text; a long one's is its first max_length tokens (the model's
    window, or fewer when asked), whatever follows; the weights are the tokens read."""
    from wenzhai.models.windows import encode_windows

    short, long = "乡村振兴建设", "企业职工技能比武" * 6
    lead, weights = classifier.opening_logits([short, long, ""])
    assert lead.shape == (3, len(LABELS))
    full, full_weights = classifier.weighted_logits([short])
    np.testing.assert_allclose(lead[0], full[0], atol=1e-5)
    assert weights[0] == full_weights[0]
    windows = encode_windows(classifier.tokenizer, [long], 16, 4)
    assert len(windows.input_ids) > 1
    np.testing.assert_allclose(lead[1], classifier.window_logits(windows.input_ids[:1])[0], atol=1e-5)
    assert weights[1] == len(windows.input_ids[0]) == 16
    np.testing.assert_allclose(classifier.opening_logits([long + "政务服务一网通办" * 9])[0][0], lead[1], atol=1e-5)
    shorter = encode_windows(classifier.tokenizer, [long], 8, 2).input_ids[0]
    head, head_weights = classifier.opening_logits([long], max_length=8)
    np.testing.assert_allclose(head[0], classifier.window_logits([shorter])[0], atol=1e-5)
    assert list(head_weights) == [8]
    assert classifier.opening_logits([long], max_length=999)[1][0] == 16  # never past the model's window
    assert classifier.opening_logits([])[0].shape == (0, len(LABELS))
