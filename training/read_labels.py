"""Read labels: real corpus text labelled one unit at a time by several readers, merged by majority.

Weak rules (``training/weak_labels.py``) only reach text a lexicon is sure about, while the hard
cases sit at the theme boundaries: an ordinary 1998 report that mentions farmers, a company item
framed by policy, a reform article that is governance or just politics. So a second kind of real
labelled text is drawn for reading, in *rounds* (``configs/read_labels.yaml``), each with its own
groups, readers and reader folder:

1. ``draw_candidates`` picks reading units by loose term groups and at random, deterministically
   (hash order, as the weak rules do), never inside a dev-leakage range, never a weak-labelled line
   or within ``near_weak_lines`` of one, never two units of one line. A unit is a corpus line, or in a
   corpus of whole articles (``CorpusSpec.has_paragraphs``: the TV-news items) a paragraph or a short
   run of consecutive paragraphs of one item (``RunSettings``).
2. ``assign_readers`` splits them into reading lists; ``overlap`` units go to every reader so their
   agreement can be measured. ``write_brief`` writes the readers' instructions beside the lists.
3. Every reader writes ``<round folder>/<reader>.jsonl``: one reference per unit read —
   ``{"corpus", "line", "label", "secondary"}`` (plus ``"paras": [first, last]`` for a run of an
   item), or the same reference with ``"skip": true`` for a unit that is not a usable segment (a
   list, a byline, cut off). No text is committed.
4. ``merge_reads`` keeps the label that more readers gave than any other (ties and units most
   readers skipped are dropped); a secondary theme is kept when at least half the readers of the unit
   named it.

The merged units become ``WeakRef``s (rule ``read``) and enter the data set through the same loader
as the weak labels, with their texts read back from the corpora at build time (``corpus_text``).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from string import Template
from typing import Any

from wenzhai.models.config_files import read_yaml_mapping
from wenzhai.models.text import clean_text
from wenzhai.models.text.chars import ends_sentence
from wenzhai.models.themes import LABELS
from wenzhai.training.corpora import (
    PARAGRAPH_JOIN,
    CorpusSpec,
    check_paras,
    corpus_text,
    read_corpus,
    read_paragraphs,
)
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
RefKey = tuple[str, int, tuple[int, ...]]
"""``(corpus, line, paras)``: what a read names; ``paras`` is ``()`` for a whole line, else (first, last)."""


def describe_key(key: RefKey) -> str:
    """``corpus line N`` or ``corpus line N paragraphs a-b``, for messages."""
    corpus, line, paras = key
    return f"{corpus} line {line}" + (f" paragraphs {paras[0]}-{paras[1]}" if paras else "")


@dataclass(frozen=True)
class CandidateGroup(TermSelector):
    """Up to ``count`` units of ``corpus`` whose cleaned text matches ``include`` (all units when empty)."""

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
class RunSettings:
    """How an item of paragraphs is cut into reading units (corpora of whole articles only)."""

    min_chars: int = field(
        default=80,
        metadata={"help": "A run grows by the next paragraph while it is shorter than this (characters)."},
    )
    max_paras: int = field(default=3, metadata={"help": "The most paragraphs one run may join."})

    def __post_init__(self) -> None:
        if self.min_chars < 1 or self.max_paras < 1:
            raise ValueError(f"runs: min_chars and max_paras must be ≥ 1, got {self.min_chars}, {self.max_paras}")


@dataclass(frozen=True)
class ReadRound:
    """One drawing: its groups, how many readers share it, and the folder their files go to."""

    name: str = field(metadata={"help": "Name of the round (`wenzhai data candidates --round NAME`)."})
    groups: tuple[CandidateGroup, ...] = field(metadata={"help": "Term groups and random samples, in order."})
    folder: str = field(
        default="data/themes/read",
        metadata={"help": "Where this round's readers write their files (relative to the project root)."},
    )
    readers: int = field(default=6, metadata={"help": "Number of reading lists."})
    overlap: int = field(default=36, metadata={"help": "Units every reader reads, for the agreement figures."})
    runs: RunSettings = field(default_factory=RunSettings, metadata={"help": "How items are cut into runs."})

    def __post_init__(self) -> None:
        names = [g.name for g in self.groups]
        repeated = sorted(n for n, c in Counter(names).items() if c > 1)
        if repeated:
            raise ValueError(f"round {self.name!r}: group names must be unique; repeated: {repeated}")
        if not self.groups:
            raise ValueError(f"round {self.name!r}: needs at least one group")
        if self.readers < 1 or self.overlap < 0:
            raise ValueError(f"round {self.name!r}: readers must be ≥ 1 and overlap ≥ 0")


@dataclass(frozen=True)
class ReadConfig:
    """What to draw for reading and how to share it out (``configs/read_labels.yaml``)."""

    rounds: tuple[ReadRound, ...]
    near_weak_lines: int = 8

    def __post_init__(self) -> None:
        if not self.rounds:
            raise ValueError("read config: needs at least one round")
        for what, names in (
            ("round", [r.name for r in self.rounds]),
            ("group", [g.name for r in self.rounds for g in r.groups]),
        ):
            repeated = sorted(n for n, c in Counter(names).items() if c > 1)
            if repeated:
                raise ValueError(f"read config: {what} names must be unique; repeated: {repeated}")
        if self.near_weak_lines < 0:
            raise ValueError("read config: near_weak_lines must be ≥ 0")

    def round(self, name: str | None = None) -> ReadRound:
        """The round called ``name`` (the first round when None)."""
        if name is None:
            return self.rounds[0]
        for r in self.rounds:
            if r.name == name:
                return r
        raise ValueError(f"read config: no round {name!r}; rounds: {[r.name for r in self.rounds]}")


GROUP_FIELDS = {"name", "corpus", "count", "include", "exclude", "length"}
ROUND_FIELDS = {"name", "groups", "folder", "readers", "overlap", "runs"}


def _parse_group(item: Any, where: str, weak: WeakLabelConfig) -> CandidateGroup:
    if not isinstance(item, dict) or "name" not in item:
        raise ValueError(f"{where}: every group is a mapping with a 'name'")
    where = f"{where}: group {item['name']!r}"
    unknown = sorted(set(item) - GROUP_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {unknown}")
    corpus = item.get("corpus")
    if corpus not in weak.corpora:
        raise ValueError(f"{where}: field 'corpus' must be one of {sorted(weak.corpora)}, got {corpus!r}")
    length = item.get("length", [60, 600])
    if not (isinstance(length, list) and len(length) == 2):
        raise ValueError(f"{where}: field 'length' must be [min, max]")
    return CandidateGroup(
        name=str(item["name"]),
        corpus=corpus,
        count=int(item.get("count", 0)),
        include=parse_term_groups(item.get("include") or [], where),
        exclude=tuple(item.get("exclude") or ()),
        length=(int(length[0]), int(length[1])),
    )


def _parse_round(item: Any, where: str, weak: WeakLabelConfig) -> ReadRound:
    if not isinstance(item, dict) or "name" not in item or not isinstance(item.get("groups"), list):
        raise ValueError(f"{where}: every round is a mapping with a 'name' and a list under 'groups'")
    where = f"{where}: round {item['name']!r}"
    unknown = sorted(set(item) - ROUND_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {unknown}")
    runs = item.get("runs") or {}
    if not isinstance(runs, dict) or set(runs) - {"min_chars", "max_paras"}:
        raise ValueError(f"{where}: field 'runs' must be a mapping of min_chars and max_paras")
    settings = {k: int(item[k]) for k in ("readers", "overlap") if k in item}
    return ReadRound(
        name=str(item["name"]),
        groups=tuple(_parse_group(g, where, weak) for g in item["groups"]),
        folder=str(item.get("folder", "data/themes/read")),
        runs=RunSettings(**{k: int(v) for k, v in runs.items()}),
        **settings,
    )


def load_read_config(path: str | Path, weak: WeakLabelConfig) -> ReadConfig:
    """Read and validate the rounds and their groups; every error names the file, round, group and field."""
    path = Path(path)
    raw = read_yaml_mapping(path, "read config")
    if not isinstance(raw.get("rounds"), list):
        raise ValueError(f"{path}: expected a mapping with a list under 'rounds'")
    unknown = sorted(set(raw) - {"rounds", "near_weak_lines"})
    if unknown:
        raise ValueError(f"{path}: unknown field(s) {unknown}")
    try:
        rounds = tuple(_parse_round(item, str(path), weak) for item in raw["rounds"])
        return ReadConfig(rounds=rounds, near_weak_lines=int(raw.get("near_weak_lines", 8)))
    except ValueError as exc:
        message = str(exc)
        raise ValueError(message if message.startswith(str(path)) else f"{path}: {message}") from exc


# ------------------------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class Unit:
    """A readable piece of a corpus: a whole line (``paras`` empty) or a run of an item's paragraphs."""

    line: int
    paras: tuple[int, ...]
    text: str  # cleaned, as the data build will clean it


@dataclass(frozen=True)
class Candidate:
    """A unit drawn for reading, with the group that drew it and its cleaned text."""

    corpus: str
    line: int
    group: str
    text: str
    paras: tuple[int, ...] = ()

    @property
    def key(self) -> RefKey:
        return (self.corpus, self.line, self.paras)

    def to_json(self, with_group: bool = True) -> dict[str, Any]:
        """The JSONL row; reading lists leave ``group`` out so no reader sees which terms drew a unit."""
        row: dict[str, Any] = {"corpus": self.corpus, "line": self.line}
        if self.paras:
            row["paras"] = list(self.paras)
        if with_group:
            row["group"] = self.group
        row["text"] = self.text
        return row


def paragraph_runs(paragraphs: Sequence[str], runs: RunSettings) -> list[tuple[int, int]]:
    """Cut an item's paragraphs into consecutive runs, 1-based ``(first, last)``, covering them all.

    A run starts as one paragraph and takes the next while it is shorter than ``runs.min_chars`` and
    holds fewer than ``runs.max_paras``: a long paragraph stands alone, short ones (a one-line lead,
    a sub-headline) join the paragraphs after them into a segment a reader can judge. A paragraph that
    ends no sentence is the headline of what follows it (a news round-up's next story), so it always
    opens a run and never closes one.
    """
    out: list[tuple[int, int]] = []
    first = 0
    while first < len(paragraphs):
        last, length = first, len(paragraphs[first])
        while (
            length < runs.min_chars
            and last + 1 < len(paragraphs)
            and last + 1 - first < runs.max_paras
            and ends_sentence(paragraphs[last + 1])
        ):
            last += 1
            length += len(PARAGRAPH_JOIN) + len(paragraphs[last])
        out.append((first + 1, last + 1))
        first = last + 1
    return out


def reading_units(spec: CorpusSpec, shared_dir: Path | None, runs: RunSettings) -> list[Unit]:
    """Every unit of a corpus, in corpus order, with the cleaned text the data build will see."""
    if not spec.has_paragraphs:
        return [Unit(n, (), clean_text(t) if t else "") for n, t in enumerate(read_corpus(spec, shared_dir), 1)]
    units = []
    for n, paragraphs in enumerate(read_paragraphs(spec, shared_dir), 1):
        for paras in paragraph_runs(paragraphs, runs):
            units.append(Unit(n, paras, clean_text(corpus_text(spec, shared_dir, n, paras))))
    return units


def unit_order(group: CandidateGroup, unit: Unit) -> str:
    """Hash order of (group, unit): a whole line keeps the weak rules' order key (same draws as before)."""
    if not unit.paras:
        return group.order_key(unit.line)
    return hashlib.sha1(f"{group.name}:{unit.line}:{unit.paras[0]}-{unit.paras[1]}".encode()).hexdigest()


def blocked_lines(
    weak: WeakLabelConfig, weak_refs: Iterable[WeakRef], near: int
) -> dict[str, list[tuple[int, int]]]:
    """Per corpus, the line ranges never drawn: dev-leakage ranges and ``near`` lines around weak lines."""
    blocked: dict[str, list[tuple[int, int]]] = {c: list(r) for c, r in weak.excluded_lines.items()}
    for ref in weak_refs:
        blocked.setdefault(ref.corpus, []).append((ref.line - near, ref.line + near))
    return blocked


def draw_candidates(
    round_: ReadRound,
    weak: WeakLabelConfig,
    weak_refs: Sequence[WeakRef],
    shared_dir: Path | None,
    near_weak_lines: int = 8,
    read_before: Iterable[RefKey] = (),
) -> list[Candidate]:
    """Every group's units in group order; a line (an item) gives at most one unit, to the first group
    that draws it, so the readers see as many different articles as possible. A unit that shares a
    paragraph with one read in an earlier round (``read_before``) is never drawn again."""
    blocked = blocked_lines(weak, weak_refs, near_weak_lines)
    earlier: dict[tuple[str, int], list[tuple[int, ...]]] = {}
    for corpus, line, paras in read_before:
        earlier.setdefault((corpus, line), []).append(paras)

    def read_already(corpus: str, unit: Unit) -> bool:
        return any(not paras or not unit.paras or (paras[0] <= unit.paras[1] and unit.paras[0] <= paras[1])
                   for paras in earlier.get((corpus, unit.line), ()))

    units: dict[str, list[Unit]] = {}  # each corpus read and cleaned once, whatever the number of groups
    taken: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for group in round_.groups:
        if group.corpus not in units:
            units[group.corpus] = reading_units(weak.corpora[group.corpus], shared_dir, round_.runs)
        ranges = blocked.get(group.corpus, ())
        hits = [
            u
            for u in units[group.corpus]
            if (group.corpus, u.line) not in taken and not in_ranges(u.line, ranges) and group.matches(u.text)
            and not read_already(group.corpus, u)
        ]
        drawn = 0
        for unit in sorted(hits, key=lambda u, g=group: unit_order(g, u)):
            if drawn == group.count:
                break
            if (group.corpus, unit.line) in taken:  # another unit of this item came first
                continue
            taken.add((group.corpus, unit.line))
            out.append(Candidate(group.corpus, unit.line, group.name, unit.text, unit.paras))
            drawn += 1
    return out


def assign_readers(candidates: Sequence[Candidate], readers: int, overlap: int) -> list[list[Candidate]]:
    """One reading list per reader: the first ``overlap`` units of a fixed shuffle go to everyone,
    the rest round-robin; each list is in that shuffled order so no reader sees a group in a block."""

    def shuffle_key(c: Candidate) -> str:
        name = f"{c.corpus}:{c.line}" + (f":{c.paras[0]}-{c.paras[1]}" if c.paras else "")
        return hashlib.sha1(name.encode()).hexdigest()

    order = sorted(candidates, key=shuffle_key)
    shared, rest = order[:overlap], order[overlap:]
    lists = [list(shared) for _ in range(readers)]
    for i, candidate in enumerate(rest):
        lists[i % readers].append(candidate)
    return lists


# ------------------------------------------------------------------------------------ reader files


@dataclass(frozen=True)
class Read:
    """One reader's verdict on one unit: a label (with secondaries) or a skip."""

    reader: str
    corpus: str
    line: int
    label: str | None
    secondary: tuple[str, ...] = ()
    paras: tuple[int, ...] = ()

    @property
    def skipped(self) -> bool:
        return self.label is None

    @property
    def key(self) -> RefKey:
        return (self.corpus, self.line, self.paras)


def read_reader_file(path: Path) -> list[Read]:
    """A reader's JSONL file; errors name the file, line and field."""
    reads: list[Read] = []
    seen: set[RefKey] = set()
    for where, row in iter_jsonl(path):
        skip = isinstance(row, dict) and row.get("skip") is True
        if isinstance(row, dict) and not skip and "label" not in row:
            raise ValueError(f"{where}: missing field 'label' (or \"skip\": true)")
        corpus, line = check_ref_row(row, where, ())
        key = (corpus, line, check_paras(row.get("paras"), where))
        if key in seen:
            raise ValueError(f"{where}: {describe_key(key)} is read twice in this file")
        seen.add(key)
        if skip:
            reads.append(Read(path.stem, corpus, line, None, paras=key[2]))
            continue
        secondary = tuple(s for s in row.get("secondary") or () if s != row["label"])
        reads.append(Read(path.stem, corpus, line, row["label"], secondary, key[2]))
    return reads


def read_folder(folder: Path) -> list[Read]:
    """Every reader file (``*.jsonl``) in ``folder``, sorted by name."""
    if not folder.is_dir():
        raise OSError(f"read-label folder not found: {folder}")
    return [r for path in sorted(folder.glob("*.jsonl")) for r in read_reader_file(path)]


@dataclass
class MergeReport:
    """What ``merge_reads`` kept, and the units it dropped as ties or as mostly skipped."""

    kept: list[WeakRef]  # rule ``read``; ``article`` is filled in by ``read_refs_from_folder``
    ties: list[RefKey]
    skipped: list[RefKey]


def merge_reads(reads: Iterable[Read]) -> MergeReport:
    """Majority label per unit (ties and mostly-skipped units dropped); secondaries named by ≥ half."""
    by_unit: dict[RefKey, list[Read]] = defaultdict(list)
    for r in reads:
        by_unit[r.key].append(r)
    report = MergeReport([], [], [])
    for key in sorted(by_unit):
        group = by_unit[key]
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
        report.kept.append(WeakRef(key[0], key[1], label, secondary, "", READ_RULE, key[2]))
    return report


def agreement(reads: Iterable[Read]) -> dict[str, Any]:
    """On units read by two or more readers: how many, the share of unanimous units, pairwise agreement,
    and per label the specific agreement (pairs where both readers gave the label, counted twice, over
    all pair members that gave it: 1.0 when no reader gives the label alone)."""
    by_unit: dict[RefKey, list[str]] = defaultdict(list)
    for r in reads:
        by_unit[r.key].append(r.label or "skip")
    multi = [labels for labels in by_unit.values() if len(labels) > 1]
    pairs = agree = 0
    both: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for labels in multi:
        for i in range(len(labels)):
            for j in range(i + 1, len(labels)):
                pairs += 1
                agree += labels[i] == labels[j]
                given[labels[i]] += 1
                given[labels[j]] += 1
                if labels[i] == labels[j]:
                    both[labels[i]] += 2
    unanimous = sum(1 for labels in multi if len(set(labels)) == 1)
    return {
        "lines": len(multi),
        "unanimous": unanimous,
        "unanimous_share": unanimous / len(multi) if multi else 0.0,
        "pairs": pairs,
        "pairwise_agreement": agree / pairs if pairs else 0.0,
        "per_label": {label: both[label] / given[label] for label in (*LABELS, "skip") if given[label]},
    }


def read_refs_from_folder(folder: Path, weak: WeakLabelConfig) -> list[WeakRef]:
    """The merged read labels as references (rule ``read``), with pseudo-articles like weak rows.

    The runs of one item share its line, so they share an article and never straddle a split.
    """
    merged = merge_reads(read_folder(folder)).kept
    refs = []
    for corpus in sorted({m.corpus for m in merged}):
        if corpus not in weak.corpora:
            raise ValueError(f"{folder}: unknown corpus {corpus!r}; known: {sorted(weak.corpora)}")
        spec = weak.corpora[corpus]
        lines = [m for m in merged if m.corpus == corpus]
        wrong = [m for m in lines if bool(m.paras) != spec.has_paragraphs]
        if wrong:
            need = "needs 'paras' [first, last]" if spec.has_paragraphs else "takes no 'paras'"
            raise ValueError(f"{folder}: corpus {corpus!r} {need}: {describe_key((corpus, wrong[0].line, wrong[0].paras))}")
        articles = pseudo_articles((m.line for m in lines), spec.article_gap, f"read-{corpus}")
        refs += [replace(m, article=articles[m.line]) for m in lines]
    return refs


def write_candidates(lists: Sequence[Sequence[Candidate]], out: Path) -> list[Path]:
    """``out`` with every candidate once, plus ``<out stem>.reader-K.jsonl`` reading lists beside it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    everyone: dict[RefKey, Candidate] = {}
    for reading in lists:
        everyone.update({c.key: c for c in reading})
    write_jsonl(out, (c.to_json() for c in everyone.values()))
    paths = [out]
    for k, reading in enumerate(lists, start=1):
        paths.append(out.with_name(f"{out.stem}.reader-{k}.jsonl"))
        write_jsonl(paths[-1], (c.to_json(with_group=False) for c in reading))
    return paths


def write_brief(template: Path, round_: ReadRound, lists: Sequence[Path], sizes: Sequence[int], out: Path) -> Path:
    """The readers' instructions (``template`` with ``$``-placeholders filled in) as ``out``.

    ``$round``, ``$readers``, ``$overlap``, ``$folder`` and ``$assignments`` (a Markdown table: reader,
    reading list, units, the file the reader writes) are filled in; everything else is the template's.
    """
    rows = ["| reader | reading list | units | writes |", "|---|---|---|---|"]
    for k, (path, size) in enumerate(zip(lists, sizes, strict=True), start=1):
        rows.append(f"| reader-{k} | `{path}` | {size} | `{round_.folder}/reader-{k}.jsonl` |")
    text = Template(template.read_text(encoding="utf-8")).substitute(
        round=round_.name,
        readers=round_.readers,
        overlap=round_.overlap,
        folder=round_.folder,
        assignments="\n".join(rows),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
