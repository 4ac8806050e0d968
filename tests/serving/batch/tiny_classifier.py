"""A tiny random theme classifier folder (our five labels, the tiny character tokenizer).

Used by the batch tests and by bench/batch_bench.py, so both run in seconds without a trained model.
"""

from __future__ import annotations

from pathlib import Path


def build_tiny_classifier(path: Path, seed: int = 0) -> Path:
    """Save a 2-layer BERT (hidden 32) sequence classifier over LABELS in ``path``; return ``path``.

    The classification head is drawn wider than BERT's default init so themes differ from text to
    text (with the default, every text scores ~0.2 on every theme and argmax is a coin toss).
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from models.classifier import InferenceSettings, store_settings
    from models.themes import ID2LABEL, LABEL2ID
    from tests.tiny_models import build_tiny_tokenizer

    path.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tiny_tokenizer(path)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(ID2LABEL),
        id2label=dict(ID2LABEL),
        label2id=dict(LABEL2ID),
    )
    store_settings(config, InferenceSettings(max_length=128, window_stride=32, name="tiny-random", version="test"))
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.normal_(0.0, 0.5)
    model.save_pretrained(path, safe_serialization=True)
    return path
