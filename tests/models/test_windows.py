import numpy as np
import pytest

from wenzhai.models.windows import Windows, aggregate_window_logits, encode_windows, length_sorted_batches


@pytest.fixture(scope="module")
def tokenizer(tiny_encoder_dir):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_encoder_dir)


def test_long_text_is_windowed_not_truncated(tokenizer):
    text = "乡村振兴" * 50  # 200 characters → 200 tokens
    windows = encode_windows(tokenizer, [text, "企业"], max_length=32, stride=8)
    owned = [ids for ids, o in zip(windows.input_ids, windows.owner, strict=True) if o == 0]
    assert all(len(ids) <= 32 for ids in windows.input_ids)
    # every content token of the long text is covered: windows advance by 30 - 8 = 22 tokens
    covered = sum(len(ids) - 2 for ids in owned) - 8 * (len(owned) - 1)
    assert covered == 200
    assert windows.owner.count(1) == 1


def test_bad_stride_is_rejected(tokenizer):
    with pytest.raises(ValueError, match="stride"):
        encode_windows(tokenizer, ["村"], max_length=16, stride=14)


def test_aggregation_weights_windows_by_length():
    windows = Windows(input_ids=[[0] * 30, [0] * 10, [0] * 5], owner=[0, 0, 1])
    logits = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]], dtype=np.float32)
    out = aggregate_window_logits(logits, windows, 2)
    np.testing.assert_allclose(out[0], [0.75, 0.25])
    np.testing.assert_allclose(out[1], [2.0, 2.0])


def test_aggregation_needs_a_window_per_text():
    with pytest.raises(ValueError):
        aggregate_window_logits(np.zeros((1, 2)), Windows([[1]], [0]), 2)


def test_length_sorted_batches_cover_every_index_once_and_group_lengths():
    lengths = [5, 100, 7, 98, 6, 99]
    batches = length_sorted_batches(lengths, batch_size=3)
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert [sorted(lengths[i] for i in b) for b in batches] == [[98, 99, 100], [5, 6, 7]]


def test_length_sorted_batches_respect_token_cap():
    batches = length_sorted_batches([50] * 10, batch_size=8, max_tokens=120)
    assert all(len(b) * 50 <= 120 for b in batches)
