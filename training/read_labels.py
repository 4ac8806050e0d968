"""Read labels: real corpus lines labelled one by one by several readers, merged by majority.

Weak rules (``training/weak_labels.py``) only reach text a lexicon is sure about, while the hard
cases sit at the theme boundaries: an ordinary 1998 report that mentions farmers, a company item
framed by policy, a reform article that is governance or just politics. So a second kind of real
labelled text is drawn for reading:

1. ``draw_candidates`` picks lines by loose term groups and at random (``configs/read_labels.yaml``),
   deterministically (hash order, as the weak rules do), never inside a dev-leakage range, never a
   weak-labelled line or within ``near_weak_lines`` of one, never twice.
2. ``assign_readers`` splits them into reading lists; ``overlap`` lines go to every reader so their
   agreement can be measured.
3. Every reader writes ``data/themes/read/<reader>.jsonl``: one reference per line read —
   ``{"corpus", "line", "label", "secondary"}``, or ``{"corpus", "line", "skip": true}`` for a line
   that is not a usable segment (a list, a byline, cut off). No text is committed.
4. ``merge_reads`` keeps the label that more readers gave than any other (ties and lines most
   readers skipped are dropped); a secondary theme is kept when at least half the readers of the line
   named it.

The merged lines become ``WeakRef``s (rule ``read``) and enter the data set through the same loader
as the weak labels, with their texts read back from the corpora at build time.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from wenzhai.models.text import clean_text
from wenzhai.models.themes import LABELS
from wenzhai.training.corpora import read_corpus
from wenzhai.training.jsonl import iter_jsonl, write_jsonl
from wenzhai.training.leakage import in_ranges
from wenzhai.training.weak_labels import (
    TermGroup,
    TermSelector,
    WeakLabelConfig,
    WeakRef,
    check_ref_row,
    parse_term_groups,
    pseudo_articles,
)

READ_RULE = "read"


@dataclass(frozen=True)
class CandidateGroup(TermSelector):
    """Up to ``count`` lines of ``corpus`` whose cleaned text matches ``include`` (all lines when empty)."""

    name: str
    corpus: str
    count: int
    include: tuple[TermGroup, ...] = ()
    exclude: tuple[str, ...] = ()
    length: tuple[int, int] = (60, 600)

    def __post_init__(self) -> None:
        where = f"group {self.name!r}"
        if self.count < 1:
            raise ValueError(f"{where}: count must be ≥ 1, got {self.count}")
        self.check_length(where)


@dataclass(frozen=True)
class ReadConfig:
    """What to draw for reading and how to share it out (``configs/read_labels.yaml``)."""

    groups: tuple[CandidateGroup, ...]
    near_weak_lines: int = 8
    readers: int = 6
    overlap: int = 36

    def __post_init__(self) -> None:
        names = [g.name for g in self.groups]
        repeated = sorted(n for n, c in Counter(names).items() if c > 1)
        if repeated:
            raise ValueError(f"read config: group names must be unique; repeated: {repeated}")
        if self.near_weak_lines < 0 or self.readers < 1 or self.overlap < 0:
            raise ValueError("read config: near_weak_lines and overlap must be ≥ 0, readers ≥ 1")


def load_read_config(path: str | Path, weak: WeakLabelConfig) -> ReadConfig:
    """Read and validate the candidate groups; every error names the file, group and field."""
    path = Path(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("groups"), list):
        raise ValueError(f"{path}: expected a mapping with a list under 'groups'")
    groups = []
    for item in raw["groups"]:
        if not isinstance(item, dict) or "name" not in item:
            raise ValueError(f"{path}: every group is a mapping with a 'name'")
        where = f"{path}: group {item['name']!r}"
        unknown = sorted(set(item) - {"name", "corpus", "count", "include", "exclude", "length"})
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {unknown}")
        corpus = item.get("corpus")
        if corpus not in weak.corpora:
            raise ValueError(f"{where}: field 'corpus' must be one of {sorted(weak.corpora)}, got {corpus!r}")
        length = item.get("length", [60, 600])
        if not (isinstance(length, list) and len(length) == 2):
            raise ValueError(f"{where}: field 'length' must be [min, max]")
        try:
            groups.append(
                CandidateGroup(
                    name=str(item["name"]),
                    corpus=corpus,
                    count=int(item.get("count", 0)),
                    include=parse_term_groups(item.get("include") or [], where),
                    exclude=tuple(item.get("exclude") or ()),
                    length=(int(length[0]), int(length[1])),
                )
            )
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc
    settings = {k: int(raw[k]) for k in ("near_weak_lines", "readers", "overlap") if k in raw}
    return ReadConfig(groups=tuple(groups), **settings)


@dataclass(frozen=True)
class Candidate:
    """A line drawn for reading, with the group that drew it and its cleaned text."""

    corpus: str
    line: int
    group: str
    text: str

    def to_json(self, with_group: bool = True) -> dict[str, Any]:
        """The JSONL row; reading lists leave ``group`` out so no reader sees which terms drew a line."""
        row = {"corpus": self.corpus, "line": self.line, "group": self.group, "text": self.text}
        if not with_group:
            del row["group"]
        return row


def blocked_lines(
    weak: WeakLabelConfig, weak_refs: Iterable[WeakRef], near: int
) -> dict[str, list[tuple[int, int]]]:
    """Per corpus, the line ranges never drawn: dev-leakage ranges and ``near`` lines around weak lines."""
    blocked: dict[str, list[tuple[int, int]]] = {c: list(r) for c, r in weak.excluded_lines.items()}
    for ref in weak_refs:
        blocked.setdefault(ref.corpus, []).append((ref.line - near, ref.line + near))
    return blocked


def draw_candidates(
    config: ReadConfig, weak: WeakLabelConfig, weak_refs: Sequence[WeakRef], shared_dir: Path | None
) -> list[Candidate]:
    """Every group's lines in group order; a line goes to the first group that draws it."""
    blocked = blocked_lines(weak, weak_refs, config.near_weak_lines)
    cleaned: dict[str, list[str]] = {}  # each corpus read and cleaned once, whatever the number of groups
    taken: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for group in config.groups:
        if group.corpus not in cleaned:
            lines = read_corpus(weak.corpora[group.corpus], shared_dir)
            cleaned[group.corpus] = [clean_text(t) if t else "" for t in lines]
        texts = cleaned[group.corpus]
        ranges = blocked.get(group.corpus, ())
        hits = [
            n
            for n, text in enumerate(texts, start=1)
            if (group.corpus, n) not in taken and not in_ranges(n, ranges) and group.matches(text)
        ]
        for n in sorted(hits, key=group.order_key)[: group.count]:
            taken.add((group.corpus, n))
            out.append(Candidate(group.corpus, n, group.name, texts[n - 1]))
    return out


def assign_readers(candidates: Sequence[Candidate], readers: int, overlap: int) -> list[list[Candidate]]:
    """One reading list per reader: the first ``overlap`` lines of a fixed shuffle go to everyone,
    the rest round-robin; each list is in that shuffled order so no reader sees a group in a block."""
    order = sorted(candidates, key=lambda c: hashlib.sha1(f"{c.corpus}:{c.line}".encode()).hexdigest())
    shared, rest = order[:overlap], order[overlap:]
    lists = [list(shared) for _ in range(readers)]
    for i, candidate in enumerate(rest):
        lists[i % readers].append(candidate)
    return lists


# ------------------------------------------------------------------------------------ reader files


@dataclass(frozen=True)
class Read:
    """One reader's verdict on one line: a label (with secondaries) or a skip."""

    reader: str
    corpus: str
    line: int
    label: str | None
    secondary: tuple[str, ...] = ()

    @property
    def skipped(self) -> bool:
        return self.label is None


def read_reader_file(path: Path) -> list[Read]:
    """A reader's JSONL file; errors name the file, line and field."""
    reads: list[Read] = []
    seen: set[tuple[str, int]] = set()
    for where, row in iter_jsonl(path):
        skip = isinstance(row, dict) and row.get("skip") is True
        if isinstance(row, dict) and not skip and "label" not in row:
            raise ValueError(f"{where}: missing field 'label' (or \"skip\": true)")
        key = check_ref_row(row, where, ())
        if key in seen:
            raise ValueError(f"{where}: {key[0]} line {key[1]} is read twice in this file")
        seen.add(key)
        if skip:
            reads.append(Read(path.stem, key[0], key[1], None))
            continue
        secondary = tuple(s for s in row.get("secondary") or () if s != row["label"])
        reads.append(Read(path.stem, key[0], key[1], row["label"], secondary))
    return reads


def read_folder(folder: Path) -> list[Read]:
    """Every reader file (``*.jsonl``) in ``folder``, sorted by name."""
    if not folder.is_dir():
        raise OSError(f"read-label folder not found: {folder}")
    return [r for path in sorted(folder.glob("*.jsonl")) for r in read_reader_file(path)]


@dataclass
class MergeReport:
    """What ``merge_reads`` kept, and the lines it dropped as ties or as mostly skipped."""

    kept: list[WeakRef]  # rule ``read``; ``article`` is filled in by ``read_refs_from_folder``
    ties: list[tuple[str, int]]
    skipped: list[tuple[str, int]]


def merge_reads(reads: Iterable[Read]) -> MergeReport:
    """Majority label per line (ties and mostly-skipped lines dropped); secondaries named by ≥ half."""
    by_line: dict[tuple[str, int], list[Read]] = defaultdict(list)
    for r in reads:
        by_line[(r.corpus, r.line)].append(r)
    report = MergeReport([], [], [])
    for key in sorted(by_line):
        group = by_line[key]
        labelled = [r for r in group if not r.skipped]
        if len(labelled) * 2 <= len(group):  # most readers (or half) found no usable segment
            report.skipped.append(key)
            continue
        votes = Counter(r.label for r in labelled).most_common()
        if len(votes) > 1 and votes[0][1] == votes[1][1]:
            report.ties.append(key)
            continue
        label = str(votes[0][0])
        named = Counter(s for r in labelled for s in r.secondary)
        secondary = tuple(s for s in LABELS if s != label and named[s] * 2 >= len(labelled))
        report.kept.append(WeakRef(key[0], key[1], label, secondary, "", READ_RULE))
    return report


def agreement(reads: Iterable[Read]) -> dict[str, float | int]:
    """On lines read by two or more readers: how many, the share of unanimous lines, and pairwise agreement."""
    by_line: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r in reads:
        by_line[(r.corpus, r.line)].append(r.label or "skip")
    multi = [labels for labels in by_line.values() if len(labels) > 1]
    pairs = agree = 0
    for labels in multi:
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                pairs += 1
                agree += labels[i] == labels[j]
    unanimous = sum(1 for labels in multi if len(set(labels)) == 1)
    return {
        "lines": len(multi),
        "unanimous": unanimous,
        "unanimous_share": unanimous / len(multi) if multi else 0.0,
        "pairs": pairs,
        "pairwise_agreement": agree / pairs if pairs else 0.0,
    }


def read_refs_from_folder(folder: Path, weak: WeakLabelConfig) -> list[WeakRef]:
    """The merged read labels as references (rule ``read``), with pseudo-articles like weak rows."""
    merged = merge_reads(read_folder(folder)).kept
    refs = []
    for corpus in sorted({m.corpus for m in merged}):
        if corpus not in weak.corpora:
            raise ValueError(f"{folder}: unknown corpus {corpus!r}; known: {sorted(weak.corpora)}")
        lines = [m for m in merged if m.corpus == corpus]
        articles = pseudo_articles((m.line for m in lines), weak.corpora[corpus].article_gap, f"read-{corpus}")
        refs += [replace(m, article=articles[m.line]) for m in lines]
    return refs


def write_candidates(lists: Sequence[Sequence[Candidate]], out: Path) -> list[Path]:
    """``out`` with every candidate once, plus ``<out stem>.reader-K.jsonl`` reading lists beside it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    everyone: dict[tuple[str, int], Candidate] = {}
    for reading in lists:
        everyone.update({(c.corpus, c.line): c for c in reading})
    write_jsonl(out, (c.to_json() for c in everyone.values()))
    paths = [out]
    for k, reading in enumerate(lists, start=1):
        paths.append(out.with_name(f"{out.stem}.reader-{k}.jsonl"))
        write_jsonl(paths[-1], (c.to_json(with_group=False) for c in reading))
    return paths
