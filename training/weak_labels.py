"""Weak labels: theme labels for real corpus lines, chosen by lexicon rules in ``configs/weak_labels.yaml``.

No public corpus carries our themes, but People's Daily 1998 and the shared news summaries contain
plenty of real paragraphs that are clearly about one of them. A rule names a corpus, groups of
include terms with minimum counts, exclude terms, a length range and the label it assigns. Every
rule's precision was checked by reading a sample (``data/themes/weak_checks.jsonl``); rules below
the floor were tightened or dropped.

Only references ``(corpus, line, label, secondary, article, rule)`` are committed, in
``data/themes/weak_labels.jsonl``; the text is read back from the corpus at build time.

Selection is deterministic and needs no random state: a rule's matches are ordered by a hash of
``rule name + line`` (which spreads the picks across the month instead of taking the first days)
and the first ``max_rows`` are kept. A line matched by rules of two different labels is contested
and dropped from all of them; a line already taken by an earlier rule of the same label is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenzhai.models.config_files import read_yaml_mapping
from wenzhai.models.themes import check_label
from wenzhai.training.corpora import CorpusSpec, check_paras, read_corpus
from wenzhai.training.jsonl import iter_jsonl, write_jsonl
from wenzhai.training.leakage import in_ranges


@dataclass(frozen=True)
class TermGroup:
    """Satisfied when the occurrences of ``terms`` in a text add up to at least ``min``."""

    terms: tuple[str, ...]
    min: int = 1

    def __post_init__(self) -> None:
        if not self.terms or any(not isinstance(t, str) or not t for t in self.terms):
            raise ValueError("include group: 'terms' must be a non-empty list of non-empty strings")
        if self.min < 1:
            raise ValueError(f"include group {list(self.terms)}: 'min' must be ≥ 1, got {self.min}")

    def count(self, text: str) -> int:
        return sum(text.count(term) for term in self.terms)


def text_matches(
    text: str, include: Sequence[TermGroup], exclude: Sequence[str], length: tuple[int, int]
) -> bool:
    """Length within ``length``, none of ``exclude``, and every include group reaching its minimum.

    One test for weak-label rules and for the term groups that draw lines for reading.
    """
    lo, hi = length
    if not lo <= len(text) <= hi:
        return False
    if any(term in text for term in exclude):
        return False
    return all(group.count(text) >= group.min for group in include)


class TermSelector:
    """What weak-label rules and reading groups share: a name, term groups, exclusions, a length range.

    Subclasses are frozen dataclasses with the fields ``name``, ``include``, ``exclude`` and ``length``.
    """

    name: str
    include: tuple[TermGroup, ...]
    exclude: tuple[str, ...]
    length: tuple[int, int]

    def check_length(self, where: str) -> None:
        lo, hi = self.length
        if not 0 < lo <= hi:
            raise ValueError(f"{where}: length must be [min, max] with 0 < min ≤ max, got {list(self.length)}")

    def matches(self, text: str) -> bool:
        return text_matches(text, self.include, self.exclude, self.length)

    def order_key(self, line: int) -> str:
        """Hash order of (name, line): spreads a selection over the corpus instead of taking its start."""
        return hashlib.sha1(f"{self.name}:{line}".encode()).hexdigest()


@dataclass(frozen=True)
class Rule(TermSelector):
    """One weak-labelling rule; see the comments in ``configs/weak_labels.yaml`` for each field."""

    name: str
    corpus: str
    label: str
    include: tuple[TermGroup, ...]
    exclude: tuple[str, ...] = ()
    length: tuple[int, int] = (60, 800)
    max_rows: int = 100
    secondary: tuple[str, ...] = ()
    checked: int = 0
    correct: int = 0

    def __post_init__(self) -> None:
        where = f"rule {self.name!r}"
        check_label(self.label, f"{where}: label")
        for s in self.secondary:
            check_label(s, f"{where}: secondary")
        if self.label in self.secondary:
            raise ValueError(f"{where}: secondary repeats the label {self.label!r}")
        if not self.include:
            raise ValueError(f"{where}: needs at least one include group")
        self.check_length(where)
        if self.max_rows < 1:
            raise ValueError(f"{where}: max_rows must be ≥ 1")
        if not 0 <= self.correct <= self.checked:
            raise ValueError(f"{where}: precision needs 0 ≤ correct ≤ checked")


@dataclass(frozen=True)
class WeakLabelConfig:
    """Corpora, rules and leakage exclusions, as read from YAML."""

    corpora: dict[str, CorpusSpec]
    rules: tuple[Rule, ...]
    excluded_lines: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    min_precision: float = 0.85

    def __post_init__(self) -> None:
        names = [r.name for r in self.rules]
        dupes = [n for n, c in Counter(names).items() if c > 1]
        if dupes:
            raise ValueError(f"rule names must be unique; repeated: {dupes}")
        for rule in self.rules:
            if rule.corpus not in self.corpora:
                raise ValueError(
                    f"rule {rule.name!r}: unknown corpus {rule.corpus!r}; known: {sorted(self.corpora)}"
                )
        for corpus in self.excluded_lines:
            if corpus not in self.corpora:
                raise ValueError(f"excluded_lines: unknown corpus {corpus!r}")

    def rule(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise ValueError(f"no rule named {name!r}")


def _require(mapping: dict[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise ValueError(f"{where}: missing field {key!r}")
    return mapping[key]


def parse_term_groups(raw: Any, where: str) -> tuple[TermGroup, ...]:
    """``[{terms: [...], min: N}, ...]`` from YAML as term groups; errors name ``where``."""
    if not isinstance(raw, list):
        raise ValueError(f"{where}: include must be a list of groups with 'terms' and 'min'")
    groups = []
    for g in raw:
        if not isinstance(g, dict):
            raise ValueError(f"{where}: each include group is a mapping with 'terms' and 'min'")
        groups.append(TermGroup(terms=tuple(_require(g, "terms", where)), min=int(g.get("min", 1))))
    return tuple(groups)


def _rule_from_dict(raw: dict[str, Any], term_sets: dict[str, list[str]]) -> Rule:
    where = f"rule {raw.get('name', '?')!r}"
    exclude = list(raw.get("exclude") or ())
    for set_name in raw.get("exclude_sets") or ():
        if set_name not in term_sets:
            raise ValueError(
                f"{where}: exclude_sets names unknown term set {set_name!r}; known: {sorted(term_sets)}"
            )
        exclude.extend(term_sets[set_name])
    groups = parse_term_groups(_require(raw, "include", where), where)
    precision = raw.get("precision") or {}
    length = raw.get("length", [60, 800])
    if not (isinstance(length, list) and len(length) == 2):
        raise ValueError(f"{where}: length must be [min, max]")
    return Rule(
        name=str(_require(raw, "name", "rule")),
        corpus=str(_require(raw, "corpus", where)),
        label=str(_require(raw, "label", where)),
        include=tuple(groups),
        exclude=tuple(dict.fromkeys(exclude)),
        length=(int(length[0]), int(length[1])),
        max_rows=int(raw.get("max_rows", 100)),
        secondary=tuple(raw.get("secondary") or ()),
        checked=int(precision.get("checked", 0)),
        correct=int(precision.get("correct", 0)),
    )


def load_weak_config(path: str | Path) -> WeakLabelConfig:
    """Read and validate ``configs/weak_labels.yaml``; errors name the rule and field."""
    path = Path(path)
    raw = read_yaml_mapping(path, "weak-label config")
    corpora = {}
    for name, spec in (_require(raw, "corpora", str(path)) or {}).items():
        corpora[name] = CorpusSpec(name=name, **spec)
    excluded = {
        corpus: tuple((int(a), int(b)) for a, b in ranges)
        for corpus, ranges in (raw.get("excluded_lines") or {}).items()
    }
    term_sets = raw.get("term_sets") or {}
    if not isinstance(term_sets, dict) or not all(isinstance(v, list) for v in term_sets.values()):
        raise ValueError(f"{path}: term_sets must map names to lists of terms")
    return WeakLabelConfig(
        corpora=corpora,
        rules=tuple(_rule_from_dict(r, term_sets) for r in _require(raw, "rules", str(path))),
        excluded_lines=excluded,
        min_precision=float(raw.get("min_precision", 0.85)),
    )


@dataclass(frozen=True)
class WeakRef:
    """A reference to one corpus line with its weak label (what ``weak_labels.jsonl`` stores).

    ``paras`` (first, last) names a run of paragraphs when the line is an item of paragraphs
    (``CorpusSpec.has_paragraphs``); empty for a whole line.
    """

    corpus: str
    line: int
    label: str
    secondary: tuple[str, ...]
    article: str
    rule: str
    paras: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {"corpus": self.corpus, "line": self.line}
        if self.paras:
            row["paras"] = list(self.paras)
        row.update(label=self.label, secondary=list(self.secondary), article=self.article, rule=self.rule)
        return row


@dataclass
class Selection:
    """The selected references plus per-rule counts for the report."""

    refs: list[WeakRef]
    matched: dict[str, int]
    contested: dict[str, int]
    excluded: dict[str, int]


def rule_matches(config: WeakLabelConfig, rule: Rule, shared_dir: Path | None) -> list[int]:
    """1-based lines of the rule's corpus that it matches, outside the leakage exclusions, in hash order."""
    lines = read_corpus(config.corpora[rule.corpus], shared_dir)
    ranges = config.excluded_lines.get(rule.corpus, ())
    hits = [n for n, text in enumerate(lines, start=1) if rule.matches(text) and not in_ranges(n, ranges)]
    return sorted(hits, key=rule.order_key)


def _excluded_hits(config: WeakLabelConfig, rule: Rule, shared_dir: Path | None) -> int:
    lines = read_corpus(config.corpora[rule.corpus], shared_dir)
    ranges = config.excluded_lines.get(rule.corpus, ())
    return sum(1 for n, text in enumerate(lines, start=1) if in_ranges(n, ranges) and rule.matches(text))


def pseudo_articles(lines: Iterable[int], gap: int, corpus: str) -> dict[int, str]:
    """Group sorted line numbers into pseudo-articles: a line within ``gap`` of the previous joins it.

    People's Daily has no article boundaries in the corpus; nearby selected paragraphs probably
    come from one article, and sharing an ``article`` keeps them on the same side of every split.
    """
    out: dict[int, str] = {}
    start = prev = None
    for line in sorted(set(lines)):
        if prev is None or line - prev > gap:
            start = line
        out[line] = f"{corpus}-L{start}"
        prev = line
    return out


def select(
    config: WeakLabelConfig, shared_dir: Path | None, corpora: Sequence[str] | None = None
) -> Selection:
    """Apply every rule (optionally only those on ``corpora``) and return the weak references."""
    rules = [r for r in config.rules if corpora is None or r.corpus in corpora]
    matches = {r.name: rule_matches(config, r, shared_dir) for r in rules}
    labels_by_line: dict[tuple[str, int], set[str]] = defaultdict(set)
    for rule in rules:
        for line in matches[rule.name]:
            labels_by_line[(rule.corpus, line)].add(rule.label)
    taken: set[tuple[str, int]] = set()
    chosen: list[tuple[Rule, int]] = []
    contested: dict[str, int] = {}
    for rule in rules:
        keep = []
        contested[rule.name] = 0
        for line in matches[rule.name]:
            key = (rule.corpus, line)
            if len(labels_by_line[key]) > 1:
                contested[rule.name] += 1
                continue
            if key in taken:
                continue
            keep.append(line)
            if len(keep) == rule.max_rows:
                break
        taken.update((rule.corpus, line) for line in keep)
        chosen.extend((rule, line) for line in keep)
    articles: dict[str, dict[int, str]] = {}
    for corpus in {r.corpus for r, _ in chosen}:
        gap = config.corpora[corpus].article_gap
        articles[corpus] = pseudo_articles((line for r, line in chosen if r.corpus == corpus), gap, corpus)
    refs = [
        WeakRef(r.corpus, line, r.label, r.secondary, articles[r.corpus][line], r.name)
        for r, line in sorted(chosen, key=lambda rl: (rl[0].corpus, rl[1]))
    ]
    return Selection(
        refs=refs,
        matched={name: len(v) for name, v in matches.items()},
        contested=contested,
        excluded={r.name: _excluded_hits(config, r, shared_dir) for r in rules},
    )


def write_refs(refs: Iterable[WeakRef], path: str | Path) -> int:
    return write_jsonl(path, (r.to_json() for r in refs))


def check_ref_row(row: Any, where: str, required: Sequence[str]) -> tuple[str, int]:
    """Validate a labelled line reference read from JSONL (weak or read labels): ``(corpus, line)``.

    ``required`` names the fields it must have besides ``corpus`` and ``line``; a ``label`` and any
    ``secondary`` labels present are checked too. Errors name ``where`` and the field.
    """
    if not isinstance(row, dict):
        raise ValueError(f"{where}: expected a JSON object")
    for key in ("corpus", "line", *required):
        if key not in row:
            raise ValueError(f"{where}: missing field {key!r}")
    line = row["line"]
    if not isinstance(line, int) or isinstance(line, bool) or line < 1:
        raise ValueError(f"{where}: field 'line' must be a positive integer, got {line!r}")
    if "label" in row:
        check_label(row["label"], f"{where}: field 'label'")
    secondary = row.get("secondary") or []
    if not isinstance(secondary, list):
        raise ValueError(f"{where}: field 'secondary' must be a list of labels")
    for label in secondary:
        check_label(label, f"{where}: field 'secondary'")
    return str(row["corpus"]), line


def read_refs(path: str | Path) -> list[WeakRef]:
    """Read ``weak_labels.jsonl``; errors name the file, line and field."""
    refs = []
    for where, row in iter_jsonl(path):
        corpus, line = check_ref_row(row, where, ("label", "article", "rule"))
        secondary = tuple(row.get("secondary") or ())
        paras = check_paras(row.get("paras"), where)
        refs.append(WeakRef(corpus, line, row["label"], secondary, str(row["article"]), row["rule"], paras))
    return refs


@dataclass(frozen=True)
class CheckItem:
    """One hand-checked weak label: ``verdict`` is the label a reader gave the line.

    ``sample`` is ``final`` for the sample of a rule as it now stands (``rule`` names it), or
    ``earlier`` for lines read while writing earlier versions of the rules that were then
    tightened or dropped (``rule`` is None); only final items enter the precision counts.
    """

    corpus: str
    line: int
    rule: str | None
    verdict: str
    sample: str = "final"


def read_checks(path: str | Path) -> list[CheckItem]:
    path = Path(path)
    items = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        row = json.loads(raw)
        where = f"{path}:{number}"
        for key in ("corpus", "line", "verdict"):
            if key not in row:
                raise ValueError(f"{where}: missing field {key!r}")
        check_label(row["verdict"], f"{where}: verdict")
        sample = row.get("sample", "final")
        if sample not in ("final", "earlier"):
            raise ValueError(f"{where}: field 'sample' must be 'final' or 'earlier', got {sample!r}")
        if sample == "final" and not row.get("rule"):
            raise ValueError(f"{where}: a final check names its 'rule'")
        items.append(CheckItem(row["corpus"], int(row["line"]), row.get("rule"), row["verdict"], sample))
    return items


@dataclass(frozen=True)
class RulePrecision:
    rule: str
    checked: int
    correct: int
    still_matching: int

    @property
    def precision(self) -> float:
        return self.correct / self.checked if self.checked else 0.0


def checked_precision(
    config: WeakLabelConfig, checks: Sequence[CheckItem], shared_dir: Path | None
) -> dict[str, RulePrecision]:
    """Re-run each rule on its checked sample: how many checked lines it still matches, and how many
    of them a reader agreed with (verdict equal to the rule's label)."""
    by_rule: dict[str, list[CheckItem]] = defaultdict(list)
    for item in checks:
        if item.sample == "final" and item.rule:
            by_rule[item.rule].append(item)
    out = {}
    for name, items in by_rule.items():
        rule = config.rule(name)
        lines = read_corpus(config.corpora[rule.corpus], shared_dir)
        still = sum(1 for it in items if rule.matches(lines[it.line - 1]))
        correct = sum(1 for it in items if it.verdict == rule.label)
        out[name] = RulePrecision(name, len(items), correct, still)
    return out
