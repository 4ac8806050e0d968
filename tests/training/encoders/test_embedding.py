"""mean_pool and embed_texts on the tiny random BERT."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from wenzhai.models.encoders import embed_texts, mean_pool
from wenzhai.training.encoders import load_encoder


def test_mean_pool_ignores_padding():
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [1e6, 1e6]], [[5.0, 5.0], [-1e6, 7.0], [1e6, 0.0]]])
    mask = torch.tensor([[1, 1, 0], [1, 0, 0]])
    torch.testing.assert_close(mean_pool(hidden, mask), torch.tensor([[2.0, 3.0], [5.0, 5.0]]))


def test_mean_pool_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="disagree"):
        mean_pool(torch.zeros(2, 3, 4), torch.ones(2, 4))


@pytest.fixture(scope="module")
def tiny(tiny_bert_dir):
    return load_encoder(str(tiny_bert_dir))


TEXTS = ["人民日报", "新华社电 中国网友 abc", "中", "人民日报新华社 中国 人民 the GDP 2012 ab", "国"]


def test_rows_are_unit_length_and_in_input_order(tiny):
    model, tokenizer = tiny
    batched = embed_texts(model, tokenizer, TEXTS, batch_size=2)
    assert batched.shape == (len(TEXTS), 32) and batched.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    one_by_one = np.stack([embed_texts(model, tokenizer, [t], batch_size=1)[0] for t in TEXTS])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)
    assert not np.allclose(batched[0], batched[1])


def test_matches_manual_mean_pooling(tiny):
    model, tokenizer = tiny
    enc = tokenizer(TEXTS[1], return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state[0]
    manual = torch.nn.functional.normalize(hidden.mean(0), dim=0).numpy()
    np.testing.assert_allclose(embed_texts(model, tokenizer, [TEXTS[1]])[0], manual, atol=1e-5)


def test_prefix_truncation_and_edge_cases(tiny):
    model, tokenizer = tiny
    np.testing.assert_allclose(
        embed_texts(model, tokenizer, ["国"], prefix="人民日报 "),
        embed_texts(model, tokenizer, ["人民日报 国"]),
        atol=1e-6,
    )
    long_text = "人民日报 " * 40
    np.testing.assert_allclose(
        embed_texts(model, tokenizer, [long_text], max_length=8),
        embed_texts(model, tokenizer, ["人民日报 " * 6], max_length=8),
        atol=1e-6,
    )
    assert embed_texts(model, tokenizer, []).shape == (0, 32)
    with pytest.raises(ValueError, match="batch_size"):
        embed_texts(model, tokenizer, TEXTS, batch_size=0)
    model.train()
    embed_texts(model, tokenizer, TEXTS[:2])
    assert model.training  # the caller's mode is restored
    model.eval()
