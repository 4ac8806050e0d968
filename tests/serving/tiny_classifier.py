"""A tiny random theme classifier folder (our LABELS, the tiny character tokenizer), for serving tests.

Random weights: every answer is valid in shape and range but means nothing, so tests check the
service's behaviour, never the themes it picks. Also used by `bench/load_test.py --model tiny`.
"""

from __future__ import annotations

from pathlib import Path


def build_tiny_classifier(path: Path, seed: int = 0) -> Path:
    """Save a 2-layer BERT (hidden 32) for sequence classification with the tiny tokenizer."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

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
        id2label=ID2LABEL,
        label2id=LABEL2ID,
    )
    config.wenzhai = {"max_length": 64, "window_stride": 16, "name": "tiny-random", "version": "test"}
    BertForSequenceClassification(config).save_pretrained(path, safe_serialization=True)
    return path
