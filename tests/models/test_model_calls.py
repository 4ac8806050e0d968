"""Every model call passes the installed gate in bounded pieces, and a gate that refuses stops the work."""

import contextlib

import pytest

from tests.tiny_models import ALPHABET, build_tiny_classifier
from wenzhai.models import model_calls
from wenzhai.models.classifier import ThemeClassifier
from wenzhai.models.windows import encode_windows


@pytest.fixture(scope="module")
def classifier(tmp_path_factory) -> ThemeClassifier:
    return ThemeClassifier.from_pretrained(build_tiny_classifier(tmp_path_factory.mktemp("gate"), max_length=16,
                                                                 window_stride=4), backend="torch", batch_size=4)


@pytest.fixture
def counted():
    calls = []

    @contextlib.contextmanager
    def gate():
        calls.append(1)
        yield

    model_calls.install_gate(gate)
    yield calls
    model_calls.install_gate(None)


def test_a_long_text_is_tagged_in_bounded_gated_calls(classifier, counted):
    text = ALPHABET[:240]
    windows = len(encode_windows(classifier.tokenizer, [text], 16, 4).input_ids)
    alone = classifier.predict_proba([text])
    assert len(counted) == -(-windows // classifier.windows_per_call) and len(counted) > 1
    model_calls.install_gate(None)
    assert (classifier.predict_proba([text]) == alone).all(), "gating must not change the scores"


def test_sentence_vectors_pass_the_gate_once_per_batch(classifier, counted):
    from wenzhai.models.sentence_embedder import EmbedderSettings, EncoderEmbedder

    embed = EncoderEmbedder(classifier.model.base_model, classifier.tokenizer, EmbedderSettings(layers=1, batch_size=2))
    embed(["村里修路。", "政务服务。", "企业发展。"])
    assert len(counted) == 2


def test_a_gate_that_refuses_stops_the_work(classifier):
    class Stopped(Exception):
        pass

    seen = []

    @contextlib.contextmanager
    def gate():
        if len(seen) == 2:
            raise Stopped("deadline passed")
        seen.append(1)
        yield

    model_calls.install_gate(gate)
    try:
        with pytest.raises(Stopped):
            classifier.predict_proba([ALPHABET[:240]])
    finally:
        model_calls.install_gate(None)
    assert len(seen) == 2
