"""Domain-adaptive MLM: a tiny encoder adapted on real unlabelled text becomes a loadable encoder folder."""

import json

import pytest
import torch

from wenzhai.training.arguments import ADAPT_TRAINING_DEFAULTS, AdaptArguments


def test_arguments_are_validated():
    with pytest.raises(ValueError, match="mlm_probability"):
        AdaptArguments(mlm_probability=0)
    with pytest.raises(ValueError, match="max_length"):
        AdaptArguments(max_length=8)


def test_adapting_a_tiny_encoder_writes_a_changed_encoder_folder(shared_dir, tiny_encoder_dir, tmp_path, monkeypatch):
    from transformers import AutoModel, TrainingArguments

    from wenzhai.training.domain_mlm import adapt

    monkeypatch.setenv("WENZHAI_SHARED", str(shared_dir))
    out = tmp_path / "adapted"
    hf = TrainingArguments(**{**ADAPT_TRAINING_DEFAULTS, "num_train_epochs": 2, "per_device_train_batch_size": 8,
                              "learning_rate": 1e-3, "output_dir": str(out)})
    report = adapt(AdaptArguments(encoder=str(tiny_encoder_dir), trim_vocab=False, num_layers=1, texts=64,
                                  max_length=32), hf)
    assert report["texts"] == 64 and report["steps"] == 16
    adapted, original = AutoModel.from_pretrained(out), AutoModel.from_pretrained(tiny_encoder_dir)
    assert adapted.config.num_hidden_layers == 1 and (out / "model.safetensors").exists()
    assert not list(out.glob("*.bin")) and (out / "tokenizer.json").exists()
    assert not torch.equal(adapted.encoder.layer[0].output.dense.weight, original.encoder.layer[0].output.dense.weight)
    assert json.loads((out / "adapt_report.json").read_text())["steps"] == 16
