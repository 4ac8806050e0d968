"""Render real titled articles into OCR'd newspaper pages with gold roles and boundaries.

The page reader (`wenzhai.models.page_reader`) learns from these pages, never from the dev pages.
Every artefact the seed page and the issue show is drawn at random, with a seeded generator, so the
same config always gives the same pages:

* columns of several widths on one page, wrapped mid-word (and wide "one paragraph per line" pages);
* blank lines between paragraphs (or none), and blank lines *inside* paragraphs (column breaks);
  a blank line between articles, two before 30 % of them (a column break between two paragraphs
  can leave two inside an article as well);
* indented paragraph starts on some pages;
* letter-spaced lines (``给 人 们 办 事``) and spaced numbers (``2018 年 9 月``);
* headlines doubled by runs (``““千万工程千万工程””``), as a whole line (``标题标题``), or mixed,
  with ``【…】`` kicker / series tags;
* headlines displaced below their body; articles with no headline (a page may open mid-article);
* bylines under the headline (``本报记者 张三``) and after the body (``（记者 张三）``, ``——编者``,
  ``张三 摄``), photo items (caption text between a headline and a credit).

Gold for each page: the pages_dev fields (``segments`` with clean ``text``, ``title``,
``start_marker``, ``start_offset``) plus ``lines``: ``[start, end, role]`` for every non-blank line,
role one of `wenzhai.models.page_reader.LINE_ROLES`, and ``owner``: for each heading line, the index
of the segment it titles.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from wenzhai.models.text.chars import display_width, ends_sentence, is_punct

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红云峰海波鹏宇浩然晓东"
_KICKERS = ("新时代新征程新伟业", "新春走基层", "一线调研", "走基层", "奋进新征程", "高质量发展调研行", "权威发布",
            "在习近平新时代中国特色社会主义思想指引下", "聚焦两会", "基层治理新实践", "数字中国", "乡村振兴在行动")
_PLACES = ("北京", "上海", "浙江", "江苏", "四川", "湖南", "广东", "山东", "河南", "陕西")
_WIDTHS = (8, 10, 11, 12, 13, 14, 16, 18, 20, 22, 26, 30)
_BANNER_WIDTHS = (36, 48, 60, 75)  # an article set across the columns (the seed page's first)
_DATELINE = re.compile(r"^[^，。：]{0,16}消息[（(][^）)]{0,12}[）)][:：]")


@dataclass(frozen=True)
class Article:
    """A real article: headline (may be empty for a source without one) and body paragraphs."""

    title: str
    paragraphs: tuple[str, ...]
    source: str  # corpus and id, for tracing


@dataclass(frozen=True)
class SimulatorConfig:
    """How pages are drawn."""

    seed: int = field(default=0, metadata={"help": "Seed of the page generator."})
    min_articles: int = field(default=3, metadata={"help": "Fewest articles per page."})
    max_articles: int = field(default=6, metadata={"help": "Most articles per page."})
    headless: float = field(default=0.15, metadata={"help": "Chance that an article after the first has no headline."})
    opens_mid_article: float = field(default=0.15, metadata={"help": "Chance the first article has no headline."})
    displaced: float = field(default=0.1, metadata={"help": "Chance a headline is printed below its body."})
    doubled: float = field(default=0.5, metadata={"help": "Chance a headline is printed doubled."})
    byline_after: float = field(default=0.2, metadata={"help": "Chance of a byline or credit after the body."})
    byline_under: float = field(default=0.2, metadata={"help": "Chance of an author line under the headline."})
    photo_item: float = field(default=0.08, metadata={"help": "Chance an article is a photo caption with a credit."})
    letter_spaced: float = field(default=0.03, metadata={"help": "Chance a wrapped line is letter-spaced."})
    spaced_numbers: float = field(default=0.3, metadata={"help": "Chance a page spaces its numbers (2018 年)."})
    column_break: float = field(
        default=0.03,
        metadata={"help": "Chance of a blank line inside a paragraph per line, and of one more between two paragraphs."},
    )
    width_jitter: float = field(default=1.5, metadata={"help": "Cells by which a column line's width may vary."})
    column_switch: float = field(
        default=0.1, metadata={"help": "Chance a paragraph moves on into a column of another width."}
    )
    banner_article: float = field(
        default=0.08, metadata={"help": "Chance an article on a column page is set across the columns (wide lines)."}
    )
    wide_page: float = field(default=0.25, metadata={"help": "Chance a page prints one paragraph per line."})
    max_article_chars: int = field(default=1600, metadata={"help": "Longest article body drawn."})
    min_article_chars: int = field(default=60, metadata={"help": "Shortest article body drawn."})

    def __post_init__(self) -> None:
        if not 1 <= self.min_articles <= self.max_articles:
            raise ValueError("SimulatorConfig.min_articles/max_articles: need 1 <= min_articles <= max_articles")
        for name in ("headless", "opens_mid_article", "displaced", "doubled", "byline_after", "byline_under",
                     "photo_item", "letter_spaced", "spaced_numbers", "column_break", "wide_page", "column_switch", "banner_article"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"SimulatorConfig.{name}: must be a probability in [0, 1], got {value!r}")
        if not 0 <= self.width_jitter <= 4:
            raise ValueError(f"SimulatorConfig.width_jitter: must be in [0, 4] cells, got {self.width_jitter!r}")
        if not 0 < self.min_article_chars < self.max_article_chars:
            raise ValueError("SimulatorConfig.min_article_chars: must be > 0 and below max_article_chars")


def strip_dateline(paragraph: str) -> str:
    """``央视网消息（新闻联播）：…`` → ``…``: broadcast datelines are not printed on a page."""
    return _DATELINE.sub("", paragraph, count=1).strip()


def is_subhead(paragraph: str) -> bool:
    """A short unpunctuated paragraph inside a source item: a sub-headline."""
    return len(paragraph) <= 40 and not ends_sentence(paragraph) and "，" not in paragraph


def articles_from_item(title: str, paragraphs: list[str], source: str) -> list[Article]:
    """One news item as articles: a roundup (``国内联播快讯``: sub-headline, text, …) gives one per part."""
    paras = [strip_dateline(p) for p in paragraphs if p and p.strip()]
    paras = [p for p in paras if p]
    if not paras:
        return []
    if "快讯" in title and is_subhead(paras[0]):
        out, head, body = [], None, []
        for p in [*paras, ""]:
            if not p or is_subhead(p):
                if head and body:
                    out.append(Article(head, tuple(body), f"{source}/{len(out)}"))
                head, body = p, []
            else:
                body.append(p)
        return out
    if any(is_subhead(p) for p in paras):
        return []  # items with sub-headlines would need their structure as gold: left out
    return [Article(title.strip(), tuple(paras), source)]


# ----------------------------------------------------------------------------------------------
# Drawing the artefacts


def double_runs(text: str) -> str:
    """Every maximal run of punctuation / other characters printed twice."""
    out, start = [], 0
    for i in range(1, len(text) + 1):
        if i == len(text) or is_punct(text[i]) != is_punct(text[start]):
            out.append(text[start:i] * 2)
            start = i
    return "".join(out)


def print_doubled(title: str, rng: random.Random) -> str:
    """A bold headline as OCR reads it: doubled by runs, as a whole, or kicker and rest apart."""
    form = rng.random()
    if form < 0.4:
        return double_runs(title)
    if form < 0.75:
        return title * 2
    cut = title.find("】") + 1 if title.startswith("【") else rng.randrange(1, max(2, len(title)))
    return double_runs(title[:cut]) + title[cut:] * 2 if rng.random() < 0.5 else title[:cut] * 2 + double_runs(title[cut:])


def space_letters(line: str) -> str:
    """``给人们办事`` → ``给 人 们 办 事`` (justified type)."""
    return " ".join(line)


def space_numbers(text: str) -> str:
    """``2018年9月`` → ``2018 年 9 月``."""
    return re.sub(r"(\d+(?:\.\d+)?)", r" \1 ", text).replace("  ", " ")


def wrap(text: str, width: float, rng: random.Random | None = None, jitter: float = 0.0) -> list[str]:
    """Cut ``text`` into lines of about ``width`` full-width cells, mid-word, as narrow columns do.

    With ``jitter`` each line's width varies by up to that many cells (justification, punctuation
    hanging into the margin), as on the seed page (9-11 characters in one column).
    """
    def limit() -> float:
        return width + (rng.uniform(-jitter, jitter) if rng is not None and jitter else 0.0)

    lines, cur, used, room = [], [], 0.0, limit()
    for ch in text:
        w = display_width(ch)
        if cur and used + w > room:
            lines.append("".join(cur))
            cur, used, room = [], 0.0, limit()
        cur.append(ch)
        used += w
    if cur:
        lines.append("".join(cur))
    return lines


def person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def byline_after(rng: random.Random) -> str:
    kind = rng.randrange(7)
    if kind == 6:
        return (f"【{rng.choice(('执笔人', '作者'))}：{person(rng)}，{rng.choice(_PLACES)}"
                f"{rng.choice(('大学', '社会科学院', '省委党校'))}{rng.choice(('教授', '研究员', '首席专家'))}】")
    if kind == 0:
        return f"（记者 {person(rng)} {person(rng)}）" if rng.random() < 0.5 else f"（{person(rng)}）"
    if kind == 1:
        return f"{person(rng)} 摄"
    if kind == 2:
        return "——编者"
    if kind == 3:
        return rng.choice(("（女工委）", "（工会）", "（综合办）", "（宣传部）", "（党群工作部）"))
    if kind == 4:
        return f"（本报记者{person(rng)}摄）"
    return person(rng)


def byline_under(rng: random.Random) -> str:
    kind = rng.randrange(5)
    if kind == 3:
        return person(rng)  # a bare author name (People's Daily style)
    if kind == 4:
        return person(rng) + person(rng)
    if kind == 0:
        return f"本报记者 {person(rng)}"
    if kind == 1:
        return f"新华社{rng.choice(_PLACES)}电 记者{person(rng)}"
    return f"{rng.choice(_PLACES)}{rng.choice(('省委党校', '社会科学院', '大学'))}课题组"


@dataclass
class _PageWriter:
    """Appends lines with their roles, keeping offsets."""

    rng: random.Random
    config: SimulatorConfig
    blank_between: bool
    indent: str
    spaced_numbers: bool
    text: list[str] = field(default_factory=list)
    pos: int = 0
    lines: list[list] = field(default_factory=list)

    def line(self, text: str, role: str) -> int:
        start = self.pos
        self.text.append(text + "\n")
        self.pos += len(text) + 1
        self.lines.append([start, start + len(text), role])
        return start

    def blank(self) -> None:
        self.text.append("\n")
        self.pos += 1

    def paragraph(self, text: str, first_role: str, width: float | None) -> tuple[int, float | None]:
        """Write one paragraph; returns the offset where its text starts and the column width at its end.

        Now and then the text moves on into a column of another width mid-paragraph (as the seed
        page's e-ID commentary does).
        """
        rng, config = self.rng, self.config
        printed = space_numbers(text) if self.spaced_numbers else text
        if width is None:
            pieces = [printed]
        else:
            pieces = wrap(printed, width, rng, config.width_jitter)
            if len(pieces) > 2 and rng.random() < config.column_switch:
                cut = rng.randrange(1, len(pieces) - 1)
                width = rng.choice(_WIDTHS)
                pieces = pieces[:cut] + wrap("".join(pieces[cut:]), width, rng, config.width_jitter)
        start = None
        for k, piece in enumerate(pieces):
            if k and rng.random() < config.column_break:
                self.blank()
            if rng.random() < config.letter_spaced and width is not None:
                piece = space_letters(piece)
            lead = self.indent if k == 0 else ""
            offset = self.line(lead + piece, first_role if k == 0 else "cont") + len(lead)
            start = offset if start is None else start
        return start, width


def _headline(writer: _PageWriter, title: str, owner: dict[int, int], segment: int, role: str = "heading") -> None:
    """Print a headline (maybe doubled, maybe with an author line) that titles ``segment``."""
    rng, config = writer.rng, writer.config
    doubled = rng.random() < config.doubled
    owner[writer.line(print_doubled(title, rng) if doubled else title, role)] = segment
    if rng.random() < config.byline_under:
        author = byline_under(rng)
        writer.line(author * 2 if doubled and rng.random() < 0.5 else author, "byline")
    if rng.random() < 0.7:
        writer.blank()


def render_page(articles: list[Article], rng: random.Random, config: SimulatorConfig) -> dict:
    """One simulated page of ``articles`` with gold segments, line roles and headline owners."""
    wide = rng.random() < config.wide_page
    writer = _PageWriter(
        rng, config,
        blank_between=rng.random() < (0.5 if wide else 0.7),
        indent=rng.choice(("", "", "　　", "  ")),
        spaced_numbers=rng.random() < config.spaced_numbers,
    )
    segments, owner = [], {}
    for k, article in enumerate(articles):
        headless = rng.random() < (config.opens_mid_article if k == 0 else config.headless)
        photo = not headless and rng.random() < config.photo_item
        paras = article.paragraphs[:1] if photo else article.paragraphs
        displaced = not headless and rng.random() < config.displaced
        banner = not wide and rng.random() < config.banner_article
        width = None if wide else rng.choice(_BANNER_WIDTHS if banner else _WIDTHS)
        if writer.lines:
            writer.blank()
        if rng.random() < 0.3:
            writer.blank()

        if not headless and not displaced:
            _headline(writer, article.title, owner, len(segments))
        body_start = None
        for j, para in enumerate(paras):
            if j and writer.blank_between:
                writer.blank()
            if j and rng.random() < config.column_break:
                writer.blank()  # a column break falls between two paragraphs: a gap as wide as between articles
            role = "start" if j == 0 else "para"
            offset, width = writer.paragraph(para, role, width)
            body_start = offset if body_start is None else body_start
        if photo:
            writer.line(f"（{rng.choice(('本报记者', '记者', '通讯员'))}{person(rng)}摄）", "byline")
        elif rng.random() < config.byline_after:
            if writer.blank_between:
                writer.blank()
            byline = byline_after(rng)
            for k, piece in enumerate(wrap(byline, width or 1e9)):
                writer.line(piece, "cont" if k else "byline")
        if displaced:
            writer.blank()
            _headline(writer, article.title, owner, len(segments), "heading_above")
        text = "\n".join(paras)
        segments.append({
            "text": text, "title": None if headless else article.title, "start_marker": text[:12],
            "start_offset": body_start, "article": article.source,
        })
    page_text = "".join(writer.text)
    return {
        "page_text": page_text,
        "segments": segments,
        "lines": writer.lines,
        "owner": [[start, seg] for start, seg in sorted(owner.items())],
    }


def simulate_pages(articles: list[Article], n_pages: int, config: SimulatorConfig, prefix: str) -> list[dict]:
    """``n_pages`` pages drawing articles without replacement (cycling when they run out)."""
    rng = random.Random(config.seed)
    usable = [a for a in articles
              if config.min_article_chars <= sum(map(len, a.paragraphs)) <= config.max_article_chars]
    if len(usable) < config.max_articles:
        raise ValueError(f"simulate_pages: need at least {config.max_articles} usable articles, got {len(usable)}")
    order = usable[:]
    rng.shuffle(order)
    pages, cursor = [], 0
    for n in range(n_pages):
        count = rng.randint(config.min_articles, config.max_articles)
        if cursor + count > len(order):
            rng.shuffle(order)
            cursor = 0
        page = render_page(order[cursor:cursor + count], rng, config)
        cursor += count
        page["id"] = f"{prefix}-{n:05d}"
        pages.append(page)
    return pages
