"""The transformers-free tokenizer gives exactly the windows and truncations a transformers fast tokenizer does."""

import random

import pytest

from tests.tiny_models import ALPHABET
from wenzhai.models.loading import DEFAULT_MODEL_DIR
from wenzhai.models.tokenization import TextTokenizer


def _texts(seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    pool = ALPHABET + "，。、0123456789 abcXYZ\n"
    texts = ["", " ", "花", "Hello 2024", "乡村振兴" * 120]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randrange(1, 700))) for _ in range(40)]
    return texts


def _folders(tiny_encoder_dir):
    folders = [tiny_encoder_dir]
    if (DEFAULT_MODEL_DIR / "tokenizer.json").exists():  # committed with the repository
        folders.append(DEFAULT_MODEL_DIR)
    return folders


@pytest.mark.parametrize(("max_length", "stride"), [(16, 4), (128, 0), (256, 64)])
def test_windows_and_truncation_equal_transformers(tiny_encoder_dir, max_length, stride):
    from transformers import AutoTokenizer

    texts = _texts()
    for folder in _folders(tiny_encoder_dir):
        hf = AutoTokenizer.from_pretrained(folder)
        lean = TextTokenizer.from_dir(folder)
        enc = hf(texts, truncation=True, max_length=max_length, stride=stride,
                 return_overflowing_tokens=True, return_attention_mask=False)
        ids, owner = lean.windows(texts, max_length, stride)
        assert ids == [list(x) for x in enc["input_ids"]]
        assert owner == list(enc["overflow_to_sample_mapping"])
        assert lean.truncated(texts, max_length) == hf(texts, truncation=True, max_length=max_length)["input_ids"]
        assert lean.pad_id == hf.pad_token_id


def test_wrapping_a_transformers_tokenizer_leaves_its_state_alone(tiny_encoder_dir):
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(tiny_encoder_dir)
    before = hf.backend_tokenizer.truncation
    wrapped = TextTokenizer.of(hf)
    assert TextTokenizer.of(hf) is wrapped and TextTokenizer.of(wrapped) is wrapped
    wrapped.windows(["乡村振兴" * 50], 16, 4)
    assert hf.backend_tokenizer.truncation == before


def test_bad_window_settings_are_refused(tiny_encoder_dir):
    lean = TextTokenizer.from_dir(tiny_encoder_dir)
    with pytest.raises(ValueError, match="stride"):
        lean.windows(["村"], 16, 14)
    with pytest.raises(ValueError, match="no room"):
        lean.truncated(["村"], 2)


def test_a_folder_without_tokenizer_json_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no tokenizer.json"):
        TextTokenizer.from_dir(tmp_path)
