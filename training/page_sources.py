"""Real titled articles for the page simulator, with everything the dev files hold left out.

Sources, read where they live (never copied into the project):

* ``../shared/corpora/tv-news-transcripts/tv_news_articles.jsonl.gz``: titled modern news items
  (roundups split into their titled parts, broadcast datelines removed);
* ``../shared/corpora/pd199801/pd199801_plain.txt``: People's Daily 1998, one paragraph per line,
  with no article markup: an article is a headline line (short, unpunctuated) followed by body lines,
  and lines ``held_out_lines`` (the 1998 test page, lines 1000-1200, with a margin) are never drawn.

Leakage: an article that shares any ``window``-character stretch (whitespace removed) with a text of
the dev files (pages_dev segments and titles, themes_dev, summaries_dev) is dropped
(`DevOverlap`). The pages_dev articles are real TV-news and company-news items, so this is what
keeps a dev page's article out of the training pages.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Sequence
from pathlib import Path

from wenzhai.models.text.chars import CLAUSE_PUNCT, ends_sentence
from wenzhai.training.corpora import PD1998_FILE, TV_NEWS_FILE
from wenzhai.training.dev_overlap import DevOverlap
from wenzhai.training.page_simulator import Article, articles_from_item

DEV_FILES = ("dev/pages_dev.jsonl", "dev/themes_dev.jsonl", "dev/summaries_dev.jsonl")
_AUTHOR = re.compile(r"^(本报记者|本报通讯员|新华社|记者|通讯员|本报评论员)")


def dev_texts(shared: Path) -> list[str]:
    """Every text of the dev files: page segment texts and titles, theme rows, summary articles."""
    texts: list[str] = []
    for relative in DEV_FILES:
        path = shared / relative
        if not path.is_file():
            raise OSError(f"{path} not found: the leakage check needs every dev file")
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            row = json.loads(raw)
            for seg in row.get("segments", []):
                texts += [seg.get("text") or "", seg.get("title") or ""]
            texts += [str(row.get(k) or "") for k in ("text", "article", "page_text", "title")]
    return [t for t in texts if t]


def tv_news_articles(shared: Path) -> list[Article]:
    path = shared / TV_NEWS_FILE
    if not path.is_file():
        raise OSError(f"{path} not found (see ../shared/corpora/tv-news-transcripts/README.md)")
    out: list[Article] = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for raw in handle:
            row = json.loads(raw)
            out += articles_from_item(row.get("title") or "", list(row.get("paras") or []), f"tv:{row.get('id')}")
    return [a for a in out if a.title]


def _is_headline(line: str) -> bool:
    return 2 <= len(line) <= 30 and not ends_sentence(line) and not any(ch in CLAUSE_PUNCT for ch in line)


def peoples_daily_articles(lines: Sequence[str], held_out: tuple[int, int]) -> list[Article]:
    """Articles of People's Daily 1998 lines (1-based numbering; ``held_out`` inclusive is skipped)."""
    out: list[Article] = []
    k = 0
    while k < len(lines):
        number = k + 1
        line = lines[k].strip()
        if held_out[0] <= number <= held_out[1] or not _is_headline(line) or _AUTHOR.match(line):
            k += 1
            continue
        j = k + 1
        while j < len(lines) and _AUTHOR.match(lines[j].strip()) and len(lines[j].strip()) <= 20:
            j += 1  # author lines under the headline are not body
        body = []
        while j < len(lines) and ends_sentence(lines[j].strip()) and len(lines[j].strip()) > 30:
            if held_out[0] <= j + 1 <= held_out[1]:
                break
            body.append(lines[j].strip())
            j += 1
        if len(body) >= 2:
            out.append(Article(line, tuple(body), f"pd199801:{number}"))
        k = max(j, k + 1)
    return out


def load_sources(shared: Path, held_out: tuple[int, int], window: int = 20) -> tuple[list[Article], int]:
    """All usable articles with the dev overlap removed, and how many were removed."""
    pd_path = shared / PD1998_FILE
    if not pd_path.is_file():
        raise OSError(f"{pd_path} not found")
    articles = tv_news_articles(shared) + peoples_daily_articles(
        pd_path.read_text(encoding="utf-8").split("\n"), held_out
    )
    overlap = DevOverlap(dev_texts(shared), window)
    kept = [a for a in articles if not overlap.article(a)]
    return kept, len(articles) - len(kept)
