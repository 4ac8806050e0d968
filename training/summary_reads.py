"""Draw articles for our readers to summarise, and check the summaries they wrote (`data/summaries/read.jsonl`).

    python -m wenzhai.training.summary_reads draw --shared ../shared --out DIR   # the reading batches
    python -m wenzhai.training.summary_reads check --shared ../shared            # the data card's figures
    python -m wenzhai.training.summary_reads export --shared ../shared --out FILE  # held-out third, to evaluate

``draw`` writes ``batch_<k>.jsonl`` files of ``{"id", "title", "article"}`` (seeded: the same batches
every time), long TV-news items and People's Daily articles, never from the dev set's days, lines
or text.

``check`` prints, per source and overall, how many summaries there are, their length (characters),
the longest stretch each copies verbatim from its article (the brief asks for the reader's own
wording), and every figure of a summary that its article lacks (the brief asks for nothing but the
article's facts). It exits 1 when a summary breaks the brief's hard limits (`problems`), so the data
card's figures come from a command.

``export`` writes the held-out third (the scorer's validation) as rows that
`wenzhai evaluate-summaries --data FILE` reads: a second yardstick beside the dev set.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

from wenzhai.training.corpora import PD1998_FILE, TV_NEWS_FILE
from wenzhai.training.jsonl import write_jsonl
from wenzhai.training.summary_sources import (
    BRIEFS_TITLE,
    READ_SUMMARIES,
    SUMMARIES_DEV_FILE,
    TitledText,
    dev_windows,
    pd1998_articles,
    read_summaries,
    tv_news,
)

#: Length limits (characters) of a read summary: the brief asks for 100–150; a little slack either side.
SUMMARY_CHARS = (90, 170)
#: The longest verbatim stretch a summary may copy (the brief: under about 20, lists of figures a bit longer).
MAX_COPIED = 30


def longest_copied(summary: str, article: str) -> int:
    """Length of the longest stretch of ``summary`` that appears verbatim in ``article``."""
    match = SequenceMatcher(None, summary, article, autojunk=False).find_longest_match(0, len(summary), 0, len(article))
    return match.size


CHINESE_DIGITS = "〇一二三四五六七八九"


def spelled_number(value: int) -> str:
    """``value`` (0–9999) in positional Chinese numerals: 一百八十九, 一百零五, 二十四, 十七."""
    if value < 10:
        return CHINESE_DIGITS[value]
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit:
            out += ("零" if zero and out else "") + CHINESE_DIGITS[digit] + name
            zero = False
        else:
            zero = True
    return out[1:] if out.startswith("一十") else out


def chinese_forms(figure: str) -> set[str]:
    """How an article may spell ``figure`` in Chinese numerals: digit by digit (一九九五, with 〇 or
    零) and, below 10,000, positionally (一百八十九, 二十, 十七)."""
    forms = set()
    if figure.isdigit():
        spelled = "".join(CHINESE_DIGITS[int(d)] for d in figure)
        forms |= {spelled, spelled.replace("〇", "零")}
        if int(figure) < 10_000:
            forms.add(spelled_number(int(figure)))
    return forms


def missing_figures(summary: str, article: str) -> list[str]:
    """Runs of digits in ``summary`` that ``article`` has neither in digits (after NFKC, so full-width
    digits count) nor spelled in Chinese numerals (`chinese_forms`)."""
    text = re.sub(r"(?<=\d)·(?=\d)", ".", unicodedata.normalize("NFKC", article))  # ６·９０: a decimal point
    figures = re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", summary))
    return [f for f in figures if f not in text and not any(form in text for form in chinese_forms(f))]


def problems(doc: TitledText) -> list[str]:
    """What breaks the brief's hard limits in one read summary (empty when nothing does)."""
    found = []
    low, high = SUMMARY_CHARS
    if not low <= len(doc.reference) <= high:
        found.append(f"{len(doc.reference)} characters, outside {low}–{high}")
    if (copied := longest_copied(doc.reference, doc.text)) > MAX_COPIED:
        found.append(f"copies {copied} characters verbatim (limit {MAX_COPIED})")
    if missing := missing_figures(doc.reference, doc.text):
        found.append(f"figures not in the article: {', '.join(missing)}")
    return found


#: Article lengths (characters) drawn for reading: long enough to need a summary, short enough to read.
TV_CHARS = (800, 3000)
PD1998_CHARS = (800, 4000)


#: The reading rounds: (seed, TV-news items, People's Daily articles) of each `draw --round`.
ROUNDS = {1: (20261207, 216, 54), 2: (20261208, 192, 48)}


def reading_pool(shared: Path) -> tuple[list[TitledText], list[TitledText]]:
    """``(TV-news items, People's Daily articles)`` that may be drawn for reading: within the lengths
    above, briefs compilations left out, none from the dev set."""
    dev = dev_windows(shared / SUMMARIES_DEV_FILE)
    tv = [d for d in tv_news(shared / TV_NEWS_FILE, TV_CHARS[0])
          if len(d.text) <= TV_CHARS[1] and BRIEFS_TITLE not in d.reference and not dev(d.text)]
    pd = [d for d in pd1998_articles(shared / PD1998_FILE, PD1998_CHARS[0])
          if len(d.text) <= PD1998_CHARS[1] and not dev(d.text)]
    return tv, pd


def draw_from(
    pool: tuple[list[TitledText], list[TitledText]], tv_count: int, pd_count: int, seed: int,
    exclude: frozenset[str] = frozenset(),
) -> list[TitledText]:
    """``tv_count`` and ``pd_count`` articles of ``pool`` (`reading_pool`), shuffled, none whose id is in
    ``exclude`` (articles an earlier round had read)."""
    tv, pd = ([d for d in docs if d.id not in exclude] for docs in pool)
    rng = random.Random(seed)
    drawn = rng.sample(tv, tv_count) + rng.sample(pd, pd_count)
    rng.shuffle(drawn)
    return drawn


def round_articles(shared: Path, number: int) -> list[TitledText]:
    """The articles of reading round ``number`` (`ROUNDS`): each round is drawn from what the rounds
    before it left, so a round's draw depends on the seeds alone, never on which summaries exist yet."""
    pool, done, drawn = reading_pool(shared), frozenset(), []
    for current in sorted(r for r in ROUNDS if r <= number):
        seed, tv_count, pd_count = ROUNDS[current]
        drawn = draw_from(pool, tv_count, pd_count, seed, done)
        done |= {d.id for d in drawn}
    return drawn


def write_batches(docs: Sequence[TitledText], out: Path, batches: int) -> list[Path]:
    """``batch_<k>.jsonl`` files, one per reader, taking every ``batches``-th article."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(batches):
        path = out / f"batch_{k}.jsonl"
        write_jsonl(path, ({"id": d.id, "title": d.headline, "article": d.text} for d in docs[k::batches]))
        paths.append(path)
    return paths


def check(shared: Path, read: Path) -> int:
    """Print the read summaries' figures and every break of the brief; 1 when there is one."""
    docs = read_summaries(shared, read)
    groups = {"all": docs} | {s: [d for d in docs if d.source == s] for s in sorted({d.source for d in docs})}
    print("| documents | n | summary chars min / median / max | longest copied stretch median / max |")
    print("|---|---|---|---|")
    for name, group in groups.items():
        lengths = [len(d.reference) for d in group]
        copied = [longest_copied(d.reference, d.text) for d in group]
        print(f"| {name} | {len(group)} | {min(lengths)} / {statistics.median(lengths):g} / {max(lengths)} | "
              f"{statistics.median(copied):g} / {max(copied)} |")
    bad = [(d.id, found) for d in docs if (found := problems(d))]
    for doc_id, found in bad:
        print(f"{doc_id}: {'; '.join(found)}")
    print(f"{len(bad)} of {len(docs)} summaries break the brief's limits")
    return 1 if bad else 0


#: What `export_rows` writes: the held-out third, the rest, or every read summary.
SPLITS = ("validation", "train", "all")


def export_rows(shared: Path, read: Path, split: str = "validation") -> list[dict]:
    """Rows ``{id, title, article, summary, source_kind}`` of the read summaries in ``split``
    (``validation``: the third the scorer's training holds out; ``train``; ``all``)."""
    from wenzhai.training.summary_scorer_train import held_out

    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    docs = [d for d in read_summaries(shared, read) if split == "all" or held_out(d) == (split == "validation")]
    return [{"id": d.id, "title": d.headline, "article": d.text, "summary": d.reference, "source_kind": d.source}
            for d in docs]


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    draw = sub.add_parser("draw", help="write the reading batches")
    draw.add_argument("--out", required=True, help="folder for batch_<k>.jsonl")
    draw.add_argument("--batches", type=int, default=6, help="number of readers (default 6)")
    draw.add_argument("--round", type=int, choices=sorted(ROUNDS), default=1,
                      help="reading round (its seed and counts: training/summary_reads.ROUNDS); a later round "
                      "leaves out every article an earlier round drew")
    checking = sub.add_parser("check", help="figures of the read summaries and breaks of the brief")
    export = sub.add_parser("export", help="the read summaries as evaluate-summaries rows")
    export.add_argument("--out", required=True, help="JSONL file to write")
    export.add_argument("--split", choices=SPLITS, default="validation",
                        help="validation (default: the held-out third), train, or all")
    for command in (draw, checking, export):
        command.add_argument("--shared", default="../shared", help="the shared data folder (its corpora hold the articles)")
    for command in (checking, export):
        command.add_argument("--read", default=str(READ_SUMMARIES), help="the read summaries (JSONL: id, summary, reader)")
    args = p.parse_args(argv)
    if args.command == "draw":
        for path in write_batches(round_articles(Path(args.shared), args.round), Path(args.out), args.batches):
            print(path)
        return 0
    if args.command == "export":
        count = write_jsonl(args.out, export_rows(Path(args.shared), Path(args.read), args.split))
        print(f"wrote {count} rows to {args.out}")
        return 0
    return check(Path(args.shared), Path(args.read))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
