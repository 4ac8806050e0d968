"""Keep every dev text out of corpora of whole articles (the TV-news transcripts).

The dev sets in ``../shared/dev/`` hold TV-news items too: theme segments (``themes_dev``), the
articles of the test pages (``pages_dev``) and long articles with summaries (``summaries_dev``). Any
corpus item that shares text with one of them is excluded whole from drawing, reading and training:
an item is an article, so its other paragraphs are the dev text's context and would leak it.

An item overlaps when one of its paragraphs (of at least ``min_chars`` characters), or the item as a
whole, has character 5-grams at least ``min_containment`` contained in a dev text or containing one
(the measure and thresholds of ``training/leakage.py``, which guards People's Daily line by line).
Article sources for simulated pages and summary training use the stricter :class:`DevOverlap`: any
verbatim stretch of ``window`` characters shared with a dev text.

The excluded items are stored as line numbers in ``configs/weak_labels.yaml`` (``wenzhai data
leakage`` prints them), so the draw is the same without the dev sets at hand; a test recomputes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from wenzhai.training.dedup import ShingleIndex
from wenzhai.training.jsonl import iter_jsonl
from wenzhai.training.leakage import DEFAULT_MIN_CHARS, DEFAULT_MIN_CONTAINMENT

_SPACE = re.compile(r"\s+")
DEV_TEXT_FIELDS = ("text", "article")  # the verbatim text of a row; ``segments`` nest rows with ``text``


def row_texts(row: Any) -> Iterable[str]:
    """The verbatim texts of one dev row: its ``text`` or ``article``, and those of its ``segments``."""
    if not isinstance(row, dict):
        return
    for name in DEV_TEXT_FIELDS:
        if isinstance(row.get(name), str) and row[name].strip():
            yield row[name]
    for segment in row.get("segments") or ():
        yield from row_texts(segment)


def dev_texts(dev_dir: Path) -> list[str]:
    """Every verbatim text of every ``*.jsonl`` file in ``dev_dir`` (file order, then row order)."""
    files = sorted(Path(dev_dir).glob("*.jsonl"))
    if not files:
        raise OSError(f"no dev files (*.jsonl) in {dev_dir}")
    return [text for path in files for _, row in iter_jsonl(path) for text in row_texts(row)]


def overlapping_items(
    items: Sequence[Sequence[str]],
    dev: Sequence[str],
    *,
    min_containment: float = DEFAULT_MIN_CONTAINMENT,
    min_chars: int = DEFAULT_MIN_CHARS,
) -> list[int]:
    """1-based numbers of the items (each a sequence of paragraphs) that overlap a dev text."""
    index = ShingleIndex(dev)
    out = []
    for number, paragraphs in enumerate(items, start=1):
        pieces = [p for p in paragraphs if len(p) >= min_chars]
        if len(paragraphs) > 1:
            pieces.append("".join(paragraphs))
        if any(cont >= min_containment for piece in pieces for _, _, cont in index.overlaps(piece)):
            out.append(number)
    return out


class DevOverlap:
    """Does a text share a verbatim stretch of ``window`` characters with any dev text?"""

    def __init__(self, dev_texts: Iterable[str], window: int = 20) -> None:
        if window < 8:
            raise ValueError("DevOverlap.window: must be at least 8 characters (shorter stretches are stock phrases)")
        self.window = window
        self.grams: set[str] = set()
        for text in dev_texts:
            flat = _SPACE.sub("", text)
            self.grams.update(flat[i:i + window] for i in range(0, max(0, len(flat) - window + 1)))

    def __call__(self, text: str) -> bool:
        flat = _SPACE.sub("", text)
        w = self.window
        return any(flat[i:i + w] in self.grams for i in range(0, max(0, len(flat) - w + 1)))

    def article(self, article: Any) -> bool:
        """A page article (``paragraphs`` and ``title``) overlaps: its body, or a title as long as a window."""
        return self("".join(article.paragraphs)) or (len(article.title) >= self.window and self(article.title))
