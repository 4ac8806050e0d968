"""Vocabulary trimming on the tiny model: same tokens and hidden states on the corpus, no new unknowns."""

from __future__ import annotations

import json

import pytest
import torch

from wenzhai.models.encoders.errors import EncoderFormatError
from wenzhai.training.encoders import load_encoder, trim_encoder
from wenzhai.training.encoders.trim import select_pieces, strip_pos_tags

from .conftest import TINY_PIECES

CORPUS = ["人民日报 新华社电", "中国网友说：2012年", "ab"]
HELD_OUT = ["the 中国人民 abc", "网友", "GDP"]


@pytest.fixture(scope="module")
def trimmed(tiny_bert_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny-trim")
    report = trim_encoder(tiny_bert_dir, out, CORPUS)
    return out, report


def _pieces(tokenizer, text: str) -> list[str]:
    return tokenizer.convert_ids_to_tokens(tokenizer(text)["input_ids"])


def test_keeps_what_the_rules_say(trimmed, tiny_bert_dir):
    out, report = trimmed
    _, tokenizer = load_encoder(str(out))
    kept = set(tokenizer.get_vocab())
    assert {"<s>", "<pad>", "</s>", "<unk>", "<mask>"} <= kept
    assert {p for p, _ in TINY_PIECES if len(p.lstrip("▁")) <= 1} <= kept  # every single-character piece
    assert {"中国", "人民日报", "日报", "▁中国", "网友"} <= kept  # Chinese pieces, seen or not
    assert {"2012", "GDP", "▁ab", "ab", "12"} <= kept  # seen, digits, acronyms, short Latin
    assert not {"abc", "the", "▁the"} & kept  # unseen longer lowercase Latin goes
    assert report.vocab_before == len(TINY_PIECES) and report.vocab_after == len(kept)
    assert sum(report.kept_by_rule.values()) == report.vocab_after
    assert report.kept_by_rule["special"] == 5 and report.corpus_texts == len(CORPUS)


def test_same_tokens_and_hidden_states_on_the_corpus(trimmed, tiny_bert_dir):
    out, _ = trimmed
    full_model, full_tok = load_encoder(str(tiny_bert_dir))
    trim_model, trim_tok = load_encoder(str(out))
    for text in CORPUS:
        assert _pieces(trim_tok, text) == _pieces(full_tok, text)
        with torch.no_grad():
            a = full_model(**full_tok(text, return_tensors="pt")).last_hidden_state
            b = trim_model(**trim_tok(text, return_tensors="pt")).last_hidden_state
        assert (a - b).abs().max().item() < 1e-6


def test_held_out_text_never_gains_unknowns(trimmed, tiny_bert_dir):
    out, _ = trimmed
    _, full_tok = load_encoder(str(tiny_bert_dir))
    _, trim_tok = load_encoder(str(out))
    for text in HELD_OUT:
        assert _pieces(trim_tok, text).count("<unk>") == _pieces(full_tok, text).count("<unk>")
    assert _pieces(trim_tok, "the") == ["<s>", "▁", "t", "h", "e", "</s>"]  # split, not unknown


def test_ids_config_and_parameter_counts(trimmed, tiny_bert_dir):
    out, report = trimmed
    model, tokenizer = load_encoder(str(out))
    config = json.loads((out / "config.json").read_text())
    assert config["vocab_size"] == report.vocab_after == model.embeddings.word_embeddings.num_embeddings
    assert tokenizer.mask_token_id == report.vocab_after - 1 and tokenizer.unk_token_id == 3
    assert tokenizer("中国")["input_ids"][0] == 0 and tokenizer("中国")["input_ids"][-1] == 2
    full_model, _ = load_encoder(str(tiny_bert_dir))
    assert report.params_before == sum(p.numel() for p in full_model.parameters())
    assert report.params_after == sum(p.numel() for p in model.parameters())
    assert report.params_after < report.params_before
    assert "parameters" in report.summary()


def test_select_pieces_rule_order():
    keep, counts = select_pieces(
        ["<unk>", "▁x", "xyz", "１２３", "——", "中国人", "Abc", "ABC", "seen"], {8}, {0}
    )
    assert keep == [0, 1, 3, 4, 5, 7, 8]
    assert counts == {
        "special": 1,
        "seen": 1,
        "single_char": 1,
        "chinese": 1,
        "symbolic": 2,
        "short_latin": 1,
    }


def test_refuses_non_unigram_tokenizers(tmp_path, tiny_bert_dir):
    from tokenizers import Tokenizer, models

    src = tmp_path / "wordpiece"
    src.mkdir()
    for name in ("config.json", "model.safetensors"):
        (src / name).write_bytes((tiny_bert_dir / name).read_bytes())
    Tokenizer(models.WordPiece({"[UNK]": 0, "中": 1}, unk_token="[UNK]")).save(str(src / "tokenizer.json"))
    with pytest.raises(EncoderFormatError, match="Unigram"):
        trim_encoder(src, tmp_path / "out", ["中"])
    with pytest.raises(EncoderFormatError, match="missing"):
        trim_encoder(tmp_path / "nothing", tmp_path / "out", ["中"])


def test_strip_pos_tags():
    assert strip_pos_tags("迈向/v  充满/v  希望/n  的/u  新/a  世纪/n  ——/w") == "迈向充满希望的新世纪——"
    assert strip_pos_tags("[中国/ns  政府/n]nt  １２月/t") == "中国政府１２月"
    assert strip_pos_tags("   ") == ""


def test_people_daily_corpus(pd_texts):
    assert len(pd_texts) > 19000
    assert pd_texts[0] == "迈向充满希望的新世纪——一九九八年新年讲话（附图片１张）"
    assert not any("/n " in text or text.endswith("/w") for text in pd_texts[:2000])
