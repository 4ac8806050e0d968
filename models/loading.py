"""Find and load the models behind the pipeline, so every surface loads them the same way."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from wenzhai.models.pipeline import Pipeline

if TYPE_CHECKING:
    from wenzhai.models.summarizer import SummarizerConfig

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "default"


def default_model_dir() -> Path | None:
    """The model folder to use when none is given: $WENZHAI_MODEL, else the shipped default.

    ``WENZHAI_MODEL=default`` names the shipped default too (the service's configuration uses it).
    """
    env = os.environ.get("WENZHAI_MODEL")
    if env and env != "default":
        return Path(env)
    return DEFAULT_MODEL_DIR if (DEFAULT_MODEL_DIR / "config.json").exists() else None


def model_path(model: str | os.PathLike[str] | None) -> Path | None:
    """The model folder for ``model`` (None = the default), checked to be a model folder."""
    path = Path(model) if model else default_model_dir()
    if path is not None and not (path / "config.json").exists():
        raise ValueError(f"--model: {path} is not a model folder (no config.json)")
    return path


def load_classifier(
    model: str | os.PathLike[str] | None = None, threads: int | None = None, backend: str | None = None
):
    """The theme classifier from ``model`` (or the default); an error if there is none.

    ``backend`` (None = ``$WENZHAI_BACKEND``, else the model folder's own) picks how the encoder runs;
    see ``models.classifier.InferenceSettings.backend``.
    """
    from wenzhai.models.classifier import ThemeClassifier

    path = model_path(model)
    if path is None:
        raise ValueError("--model: no default model is installed; give --model DIR (see `make model`)")
    return ThemeClassifier.from_pretrained(path, threads=threads, backend=backend)


def load_summarizer(
    model: str | os.PathLike[str] | None = None, threads: int | None = None, layers: int | None = None,
    config: SummarizerConfig | None = None,
):
    """The summariser that reads sentences with the theme model's own encoder (one model in memory)."""
    from wenzhai.models.summarizer import DEFAULT_LAYERS, Summarizer

    return Summarizer.from_classifier(
        load_classifier(model, threads=threads), layers=DEFAULT_LAYERS if layers is None else layers, config=config
    )


def load_pipeline(
    model: str | os.PathLike[str] | None = None, threads: int | None = None, backend: str | None = None
) -> Pipeline:
    """Build a pipeline from a model folder (``"none"`` = text statistics only)."""
    if model == "none" or model_path(model) is None:
        return Pipeline()
    from wenzhai.models.summarizer import Summarizer

    classifier = load_classifier(model, threads=threads, backend=backend)
    # The summariser reads sentences with the classifier's own encoder: one model in memory.
    return Pipeline(classifier=classifier, summarizer=Summarizer.from_classifier(classifier))
