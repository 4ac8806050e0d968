"""Reading a YAML configuration file: the one loader every config in the project goes through.

A missing file, bad YAML or a top level that is not a mapping is a ``ValueError`` naming the file
and the option it came from, so every command reports a bad config the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def read_yaml_mapping(path: str | Path, what: str = "config") -> dict[str, Any]:
    """The mapping in YAML file ``path`` (an empty file is an empty mapping)."""
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"{what}: {file} does not exist or is not a file")
    try:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{what}: {file} is not valid YAML ({exc})") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ValueError(f"{what}: {file} must hold a mapping of field: value, got {type(loaded).__name__}")
    return loaded


def check_fields(kind: type, values: dict[str, Any], what: str) -> None:
    """Raise ``ValueError`` naming ``what`` when ``values`` has keys that are not fields of dataclass ``kind``."""
    from dataclasses import fields

    known = {f.name for f in fields(kind)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"{what}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
