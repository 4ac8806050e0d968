"""The ONNX Runtime path: files written by export, read at load, never built or swapped for PyTorch there."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.tiny_models import build_tiny_classifier
from wenzhai.models.classifier import ThemeClassifier
from wenzhai.models.onnx_runtime import CLASSIFIER_FILE, ONNX_DIR, OnnxModelMissing, sentence_file

TEXTS = ["乡村振兴建设，村里修好了路。", "企业职工技能比武" * 12, "政务服务一网通办", "花", "Hello 2024"]
SENTENCES = ["村里修好了水泥路。", "政务服务一网通办，群众少跑腿。", "企业职工技能比武" * 5, "花"]
FORBIDDEN = ("torch", "transformers", "sklearn")


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory) -> Path:
    from wenzhai.training.export import write_onnx

    path = build_tiny_classifier(tmp_path_factory.mktemp("tiny-onnx"), max_length=16, window_stride=4)
    write_onnx(path, sentence_layers=(0, 1, None))
    return path


@pytest.fixture(scope="module")
def onnx_classifier(tiny_dir) -> ThemeClassifier:
    return ThemeClassifier.from_pretrained(tiny_dir, backend="onnx-int8")


@pytest.fixture(scope="module")
def torch_classifier(tiny_dir) -> ThemeClassifier:
    return ThemeClassifier.from_pretrained(tiny_dir, backend="torch")


def test_onnx_int8_scores_stay_close_to_torch_fp32(onnx_classifier, torch_classifier):
    fp32 = torch_classifier.predict_proba(TEXTS)
    int8 = onnx_classifier.predict_proba(TEXTS)
    assert onnx_classifier.settings.backend == "onnx-int8" and onnx_classifier.model is None
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
    assert len(onnx_classifier.tokenizer.content_ids([long_text])[0]) > onnx_classifier.settings.max_length
    head_only = onnx_classifier.predict_proba(["企业职工技能比武"])
    assert not np.allclose(onnx_classifier.predict_proba([long_text]), head_only)


def test_lowest_layer_stays_fp32_and_the_rest_is_int8(tiny_dir):
    import onnx

    graph = onnx.load(str(tiny_dir / ONNX_DIR / CLASSIFIER_FILE)).graph
    ops_by_layer: dict[str, set[str]] = {}
    for node in graph.node:
        for layer in ("layer.0/", "layer.1/"):
            if layer in node.name and "MatMul" in node.op_type:
                ops_by_layer.setdefault(layer, set()).add(node.op_type)
    assert ops_by_layer["layer.0/"] == {"MatMul"}
    assert "MatMulInteger" in ops_by_layer["layer.1/"]


def test_sessions_keep_no_memory_arena_so_long_documents_do_not_ratchet_memory(tiny_dir):
    from wenzhai.models.onnx_runtime import session

    options = session(tiny_dir / ONNX_DIR / CLASSIFIER_FILE, threads=1).get_session_options()
    assert options.enable_cpu_mem_arena is False
    assert options.intra_op_num_threads == 1


def test_a_missing_onnx_file_is_an_error_naming_the_command(tmp_path):
    bare = build_tiny_classifier(tmp_path / "bare", max_length=16, window_stride=4)
    with pytest.raises(OnnxModelMissing, match=f"no ONNX file onnx/{CLASSIFIER_FILE}.*wenzhai model optimize --model"):
        ThemeClassifier.from_pretrained(bare, backend="onnx-int8")


def test_onnx_files_from_other_weights_are_refused(tiny_dir, tmp_path):
    import shutil

    other = build_tiny_classifier(tmp_path / "other", seed=1, max_length=16, window_stride=4)
    shutil.copytree(tiny_dir / ONNX_DIR, other / ONNX_DIR)
    with pytest.raises(OnnxModelMissing, match="built from other weights"):
        ThemeClassifier.from_pretrained(other, backend="onnx-int8")


def test_empty_input_gives_an_empty_matrix(onnx_classifier):
    assert onnx_classifier.predict_proba([]).shape == (0, 5)
    assert onnx_classifier.window_logits([]).shape == (0, 5)


@pytest.mark.parametrize("layers", [0, 1, None])  # 0: token embeddings only, an export without a mask input
def test_summariser_sentence_vectors_on_onnx_equal_torchs(onnx_classifier, torch_classifier, layers):
    from wenzhai.models.sentence_embedder import EncoderEmbedder, OnnxSentenceEmbedder

    on_onnx, on_torch = onnx_classifier.sentence_embedder(layers), torch_classifier.sentence_embedder(layers)
    assert isinstance(on_onnx, OnnxSentenceEmbedder) and isinstance(on_torch, EncoderEmbedder)
    a, b = on_onnx(SENTENCES), on_torch(SENTENCES)
    assert a.shape == b.shape == (len(SENTENCES), 32)
    assert float((a * b).sum(axis=1).min()) > 0.9999


def test_a_sentence_depth_that_was_not_exported_names_the_command(onnx_classifier, tiny_dir):
    assert not (tiny_dir / ONNX_DIR / sentence_file(2)).exists()
    with pytest.raises(OnnxModelMissing, match="--sentence-layers 2"):
        onnx_classifier.sentence_embedder(2)


LEAN_SCRIPT = """
import json, sys
from wenzhai.cli.main import main
model, tag_file, page_file = sys.argv[1:4]
assert main(["tag", tag_file, "--model", model, "--backend", "onnx-int8"]) == 0
assert main(["analyze", page_file, "--model", model, "--backend", "onnx-int8", "--summary-sentences", "2"]) == 0
print(json.dumps(sorted(m for m in ("torch", "transformers", "sklearn") if m in sys.modules)))
"""


@pytest.mark.slow
def test_tag_and_analyze_import_neither_torch_transformers_nor_sklearn(tiny_dir, tmp_path):
    tag_file = tmp_path / "rows.jsonl"
    tag_file.write_text(json.dumps({"id": 1, "text": "乡村振兴建设，村里修好了路。"}, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("乡村振兴\n\n村里修好了水泥路。村民出行方便了。\n\n政务服务一网通办。群众少跑腿，企业办事快。", encoding="utf-8")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("WENZHAI_BACKEND", None)
    run = subprocess.run([sys.executable, "-c", LEAN_SCRIPT, str(tiny_dir), str(tag_file), str(page)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    assert json.loads(lines[0])["theme"] and json.loads(lines[1])["segments"]
    assert json.loads(lines[-1]) == [], f"imported on the lean path: {lines[-1]}"


def test_one_sentence_embedder_per_depth_is_shared(onnx_classifier):
    assert onnx_classifier.sentence_embedder(1) is onnx_classifier.sentence_embedder(1)
    assert onnx_classifier.sentence_embedder(1) is not onnx_classifier.sentence_embedder(None)


def test_remembered_sentence_vectors_equal_fresh_ones_and_cost_no_model_call(onnx_classifier):
    embed = onnx_classifier._new_embedder(1)  # an empty memory (the shared one may know these sentences)
    calls = []
    run = embed.hidden_states
    embed.hidden_states = lambda ids, mask: calls.append(len(ids)) or run(ids, mask)
    first = embed(SENTENCES)
    again = embed(list(reversed(SENTENCES)) + ["新的一句：村民增收。"])
    assert calls == [len(SENTENCES), 1], "only the new sentence should reach the model"
    np.testing.assert_allclose(again[: len(SENTENCES)], first[::-1], atol=1e-6)
    fresh = onnx_classifier._new_embedder(1)(SENTENCES)
    np.testing.assert_allclose(first, fresh, atol=1e-5)


def test_forgotten_vectors_are_computed_again(onnx_classifier):
    embed = onnx_classifier.sentence_embedder(1)
    embed(SENTENCES)
    calls = []
    run = embed.hidden_states
    embed.hidden_states = lambda ids, mask: calls.append(len(ids)) or run(ids, mask)
    try:
        embed(SENTENCES)
        onnx_classifier.forget_vectors()
        embed(SENTENCES)
    finally:
        embed.hidden_states = run
    assert calls == [len(SENTENCES)]
