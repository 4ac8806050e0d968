"""Assemble the theme training set: hand-written segments plus weakly labelled real text.

``build_dataset(DataConfig())`` reads ``data/themes/handwritten/*.jsonl`` and the weak-label
references in ``data/themes/weak_labels.jsonl`` (texts read back from their corpora), cleans every
text with the project's clean-up (``models.text.clean_text``, the same one inference uses),
validates schema and labels, drops near-duplicates (character 5-gram Jaccard), and splits train /
validation by ``article`` so no article straddles the split. The result is a
``datasets.DatasetDict`` whose fingerprint depends only on the inputs and the seed.

``wenzhai data build --out FILE.jsonl`` writes the same rows with a ``split`` field, so anyone can
inspect exactly what the model is trained on.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from wenzhai.models.config_files import check_fields, read_yaml_mapping
from wenzhai.models.text import clean_text
from wenzhai.models.themes import LABELS, check_label, headed_text
from wenzhai.training.corpora import PARAGRAPH_JOIN, corpus_text
from wenzhai.training.dedup import DuplicatePair, find_near_duplicates
from wenzhai.training.jsonl import iter_jsonl
from wenzhai.training.weak_labels import WeakLabelConfig, WeakRef, load_weak_config, read_refs

PROJECT_ROOT = Path(__file__).resolve().parents[1]
COLUMNS: tuple[str, ...] = ("id", "text", "label", "secondary", "source", "article", "register")
LENGTH_BINS: tuple[int, ...] = (0, 60, 120, 200, 300, 500, 800)
HEADED_SUFFIX = "-headed"  # id suffix of a headed copy (``DataConfig.headed_openings``)


def default_shared_dir() -> Path:
    """``$WENZHAI_SHARED`` or the ``shared`` folder beside the project (as the tests use)."""
    return Path(os.environ.get("WENZHAI_SHARED", PROJECT_ROOT.parent / "shared"))


@dataclass
class DataConfig:
    """Where the data lives and how it is assembled (``configs/data.yaml`` holds the defaults)."""

    handwritten_dir: Path = field(
        default=PROJECT_ROOT / "data/themes/handwritten",
        metadata={
            "help": "Folder of hand-written JSONL files (every *.jsonl in it is read, sorted by name)."
        },
    )
    weak_labels: Path | None = field(
        default=PROJECT_ROOT / "data/themes/weak_labels.jsonl",
        metadata={
            "help": "Weak-label references (corpus, line, label); empty to build from hand-written rows only."
        },
    )
    read_labels: tuple[Path, ...] = field(
        default=(PROJECT_ROOT / "data/themes/read",),
        metadata={
            "help": "Folders of reader files (training/read_labels.py), one per reading round, each merged by "
            "majority; a single folder may be given alone; empty for none."
        },
    )
    weak_config: Path = field(
        default=PROJECT_ROOT / "configs/weak_labels.yaml",
        metadata={"help": "Corpus definitions used to read the weak-label texts back."},
    )
    shared_dir: Path = field(
        default_factory=default_shared_dir,
        metadata={
            "help": "The shared data folder holding the corpora other than People's Daily (../shared)."
        },
    )
    seed: int = field(default=13, metadata={"help": "Seed of the article-level train/validation split."})
    validation_fraction: float = field(
        default=0.15,
        metadata={"help": "Share of each label's rows (whole articles) put in validation, in (0, 0.5]."},
    )
    dedup_threshold: float = field(
        default=0.6,
        metadata={
            "help": "Character 5-gram Jaccard at or above which a later row is a near-duplicate and dropped."
        },
    )
    headed_openings: bool = field(
        default=False,
        metadata={
            "help": "Also add, for every corpus run that opens a headlined item (its paragraph 1; roundups and items "
            "that open with a sub-headline left out), a copy with the item's headline before it, as the pipeline's "
            "'lead' reading sees a page segment. A copy keeps its run's label, article and split (id + '-headed'), "
            "so validation also scores page-like segments; the training report gives them apart."
        },
    )
    min_chars: int = field(default=20, metadata={"help": "Shortest accepted cleaned text (characters)."})
    max_chars: int = field(default=1500, metadata={"help": "Longest accepted cleaned text (characters)."})

    def __post_init__(self) -> None:
        for name in ("handwritten_dir", "weak_config", "shared_dir"):
            setattr(self, name, Path(getattr(self, name)))
        self.weak_labels = None if self.weak_labels in ("", None) else Path(self.weak_labels)
        folders = () if self.read_labels in ("", None) else self.read_labels
        folders = (folders,) if isinstance(folders, str | Path) else folders
        self.read_labels = tuple(Path(folder) for folder in folders)
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")
        if not 0.0 < self.validation_fraction <= 0.5:
            raise ValueError(f"validation_fraction must be in (0, 0.5], got {self.validation_fraction}")
        if not 0.0 < self.dedup_threshold <= 1.0:
            raise ValueError(f"dedup_threshold must be in (0, 1], got {self.dedup_threshold}")
        if not 0 < self.min_chars <= self.max_chars:
            raise ValueError(f"need 0 < min_chars ≤ max_chars, got {self.min_chars} and {self.max_chars}")

    @classmethod
    def from_yaml(cls, path: str | Path | None, **overrides: Any) -> DataConfig:
        """Defaults, then the YAML file (paths in it relative to the project root), then ``overrides``."""
        values: dict[str, Any] = {}
        if path is not None:
            path = Path(path)
            if not path.is_absolute() and not path.exists():
                path = PROJECT_ROOT / path
            raw = read_yaml_mapping(path, "data config")
            check_fields(cls, raw, f"data config {path}")
            for key, value in raw.items():
                if key == "read_labels" and isinstance(value, list):
                    value = tuple(_project_path(v) for v in value)
                elif key in ("handwritten_dir", "weak_labels", "read_labels", "weak_config", "shared_dir") and value:
                    value = _project_path(value)
                values[key] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


# ---------------------------------------------------------------------------------------------- rows


def _check_row(row: Any, where: str) -> dict[str, Any]:
    """Validate one hand-written row; errors name the place and the field."""
    if not isinstance(row, dict):
        raise ValueError(f"{where}: expected a JSON object")
    for key in ("id", "text", "label", "article"):
        if key not in row:
            raise ValueError(f"{where}: missing field {key!r}")
        if not isinstance(row[key], str) or not row[key].strip():
            raise ValueError(f"{where}: field {key!r} must be a non-empty string")
    check_label(row["label"], f"{where}: field 'label'")
    secondary = row.get("secondary", [])
    if not isinstance(secondary, list):
        raise ValueError(f"{where}: field 'secondary' must be a list of labels")
    for s in secondary:
        check_label(s, f"{where}: field 'secondary'")
    if row["label"] in secondary:
        raise ValueError(f"{where}: field 'secondary' repeats the primary label {row['label']!r}")
    for key in ("source", "register"):
        if key in row and not isinstance(row[key], str):
            raise ValueError(f"{where}: field {key!r} must be a string")
    return {
        "id": row["id"],
        "text": row["text"],
        "label": row["label"],
        "secondary": list(dict.fromkeys(secondary)),
        "source": row.get("source") or "handwritten",
        "article": row["article"],
        "register": row.get("register") or "",
    }


def read_jsonl_rows(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """``(where, row)`` for every non-blank line of a hand-written JSONL file, validated."""
    return [(where, _check_row(parsed, where)) for where, parsed in iter_jsonl(path)]


def load_handwritten(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    if not folder.is_dir():
        raise OSError(f"hand-written data folder not found: {folder}")
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise OSError(f"no *.jsonl files in {folder}")
    return [item for path in files for item in read_jsonl_rows(path)]


def _project_path(value: str | Path) -> Path:
    """A path from a data config: absolute as given, else relative to the project root."""
    return Path(value) if Path(value).is_absolute() else PROJECT_ROOT / value


def load_weak(refs_path: Path, weak: WeakLabelConfig, shared_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """Resolve weak-label references to rows, reading each text back from its corpus."""
    return refs_to_rows(read_refs(refs_path), str(refs_path), weak, shared_dir)


def load_read(folder: Path, weak: WeakLabelConfig, shared_dir: Path) -> list[tuple[str, dict[str, Any]]]:
    """The majority labels of the reader files in ``folder`` as rows (ids ``read-<corpus>-<line>``)."""
    from wenzhai.training.read_labels import read_refs_from_folder

    return refs_to_rows(read_refs_from_folder(folder, weak), str(folder), weak, shared_dir, id_prefix="read-")


def refs_to_rows(
    refs: Sequence[WeakRef], where_prefix: str, weak: WeakLabelConfig, shared_dir: Path, id_prefix: str = ""
) -> list[tuple[str, dict[str, Any]]]:
    """Rows for corpus references (weak or read labels), each text read back from its corpus."""
    rows = []
    for number, ref in enumerate(refs, start=1):
        where = f"{where_prefix}:{number}"
        if ref.corpus not in weak.corpora:
            raise ValueError(f"{where}: unknown corpus {ref.corpus!r}; known: {sorted(weak.corpora)}")
        spec = weak.corpora[ref.corpus]
        text = corpus_text(spec, shared_dir, ref.line, ref.paras)
        span = f"-p{ref.paras[0]}-{ref.paras[1]}" if ref.paras else ""
        rows.append(
            (
                where,
                {
                    "id": f"{id_prefix}{ref.corpus}-{ref.line}{span}",
                    "text": text,
                    "label": ref.label,
                    "secondary": list(ref.secondary),
                    "source": ref.corpus,
                    "article": ref.article,
                    "register": spec.register,
                    "ref": ref,
                },
            )
        )
    return rows


def load_dev_set(path: str | Path, *, clean: bool = True) -> list[dict[str, Any]]:
    """Read a labelled evaluation file (``../shared/dev/themes_dev.jsonl``) with the same checks.

    Extra fields (``ambiguous``, ``source_kind``) are kept; ``ambiguous`` defaults to False. With
    ``clean`` the texts go through the same clean-up as the training rows.
    """
    path = Path(path)
    if not path.is_file():
        raise OSError(f"dev set not found: {path}")
    out = []
    for where, parsed in iter_jsonl(path):
        row = {**parsed, **_check_row(parsed, where)}
        row["ambiguous"] = bool(parsed.get("ambiguous", False))
        if clean:
            row["text"] = clean_text(row["text"])
        out.append(row)
    return out


# --------------------------------------------------------------------------------------- assembly


@dataclass
class BuildReport:
    """What the build did, for the printed summary and for tests."""

    read: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    duplicates: list[tuple[str, str, float]] = field(default_factory=list)
    headed: int = 0  # copies added by ``headed_openings``
    split_counts: dict[str, Counter] = field(default_factory=dict)
    lengths: dict[str, list[int]] = field(default_factory=dict)

    def format(self) -> str:
        lines = [
            f"rows read: {sum(self.read.values())} ({', '.join(f'{k} {v}' for k, v in sorted(self.read.items()))})"
        ]
        lines.append(f"near-duplicates dropped: {len(self.duplicates)}")
        if self.headed:
            lines.append(f"headed copies of item openings added: {self.headed}")
        for kept, dropped, sim in self.duplicates[:20]:
            lines.append(f"  {dropped} ≈ {kept} (Jaccard {sim:.2f})")
        if len(self.duplicates) > 20:
            lines.append(f"  … and {len(self.duplicates) - 20} more")
        lines.append("")
        header = f"{'label':<20}" + "".join(f"{s:>12}" for s in self.split_counts) + f"{'total':>8}"
        lines.append(header)
        for label in LABELS:
            counts = [self.split_counts[s][label] for s in self.split_counts]
            lines.append(f"{label:<20}" + "".join(f"{c:>12}" for c in counts) + f"{sum(counts):>8}")
        totals = [sum(self.split_counts[s].values()) for s in self.split_counts]
        lines.append(f"{'all':<20}" + "".join(f"{c:>12}" for c in totals) + f"{sum(totals):>8}")
        lines.append("")
        lines.append(f"rows by source: {', '.join(f'{k} {v}' for k, v in sorted(self.kept.items()))}")
        lines.append("")
        lines.append("text length (characters) per label:")
        bins = [*LENGTH_BINS, 10**9]
        names = [
            f"{bins[i]}-{bins[i + 1] - 1}" if bins[i + 1] < 10**9 else f"{bins[i]}+"
            for i in range(len(bins) - 1)
        ]
        lines.append(f"{'':<20}" + "".join(f"{n:>9}" for n in names))
        for label in LABELS:
            hist = Counter()
            for n in self.lengths.get(label, []):
                hist[max(i for i in range(len(bins) - 1) if n >= bins[i])] += 1
            lines.append(f"{label:<20}" + "".join(f"{hist[i]:>9}" for i in range(len(names))))
        return "\n".join(lines)


def _progress(items: Sequence[Any], desc: str, enabled: bool) -> Iterable[Any]:
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="row", file=sys.stderr, leave=False)


def assemble_rows(config: DataConfig, *, progress: bool = False) -> tuple[list[dict[str, Any]], BuildReport]:
    """Read, clean, validate and de-duplicate every row; each kept row gets its ``split``."""
    report = BuildReport()
    items = load_handwritten(config.handwritten_dir)
    weak: WeakLabelConfig | None = None
    if config.weak_labels is not None or config.read_labels:
        weak = load_weak_config(config.weak_config)
        if config.weak_labels is not None:
            items += load_weak(config.weak_labels, weak, config.shared_dir)
        for folder in config.read_labels:
            items += load_read(folder, weak, config.shared_dir)
    seen: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    for where, row in _progress(items, "cleaning", progress):
        if row["id"] in seen:
            raise ValueError(f"{where}: field 'id' {row['id']!r} is already used at {seen[row['id']]}")
        seen[row["id"]] = where
        text = clean_text(row["text"])
        if not config.min_chars <= len(text) <= config.max_chars:
            raise ValueError(
                f"{where}: field 'text' has {len(text)} characters after clean-up; "
                f"allowed {config.min_chars}..{config.max_chars}"
            )
        report.read[row["source"]] += 1
        rows.append({**row, "text": text})
    duplicates = find_near_duplicates([r["text"] for r in rows], config.dedup_threshold)
    dropped = {pair.later for pair in duplicates}
    report.duplicates = [_describe(pair, rows) for pair in duplicates]
    rows = [r for i, r in enumerate(rows) if i not in dropped]
    split_rows(rows, config.seed, config.validation_fraction)
    if config.headed_openings and weak is not None:  # without corpus rows there is nothing to head
        copies = headed_copies(rows, weak, config)
        report.headed = len(copies)
        rows += copies
    for r in rows:
        report.kept[r["source"]] += 1
        report.lengths.setdefault(r["label"], []).append(len(r["text"]))
    report.split_counts = {
        s: Counter(r["label"] for r in rows if r["split"] == s) for s in ("train", "validation")
    }
    return rows, report


def headed_copies(rows: Sequence[dict[str, Any]], weak: WeakLabelConfig, config: DataConfig) -> list[dict[str, Any]]:
    """``headed_openings``: a copy of each corpus run that opens a headlined item, its headline first.

    Why: the pipeline reads a page segment's theme from ``"{headline} {opening}"``, while read runs
    come without their headline, so neither training nor validation held that input before.
    """
    from wenzhai.training.corpora import corpus_title
    from wenzhai.training.page_simulator import is_subhead

    out = []
    for row in rows:
        ref = row.get("ref")
        if ref is None or not ref.paras or ref.paras[0] != 1:
            continue
        spec = weak.corpora[ref.corpus]
        title = clean_text(corpus_title(spec, config.shared_dir, ref.line))
        first = row["text"].split(PARAGRAPH_JOIN, 1)[0]
        if not title or "快讯" in title or is_subhead(first):
            continue  # a roundup's or sub-headed item's headline is not its first part's
        text = headed_text(title, row["text"])
        if len(text) <= config.max_chars:
            out.append({**row, "id": row["id"] + HEADED_SUFFIX, "text": text})
    return out


def _describe(pair: DuplicatePair, rows: list[dict[str, Any]]) -> tuple[str, str, float]:
    return rows[pair.kept]["id"], rows[pair.later]["id"], pair.similarity


def split_rows(rows: list[dict[str, Any]], seed: int, fraction: float) -> None:
    """Set ``row["split"]`` to train or validation, whole articles at a time, per label.

    Each article counts under its majority label; for every label the articles are shuffled with
    ``seed`` and moved to validation until that label's validation rows reach ``fraction`` of its
    rows (at least one article, so every label is evaluated).
    """
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_article[r["article"]].append(r)
    articles_by_label: dict[str, list[str]] = defaultdict(list)
    for article, members in sorted(by_article.items()):
        counts = Counter(m["label"] for m in members)
        top = max(LABELS, key=lambda label: (counts[label], -LABELS.index(label)))
        articles_by_label[top].append(article)
    rng = random.Random(seed)
    validation: set[str] = set()
    for label in LABELS:
        articles = articles_by_label.get(label, [])
        rng.shuffle(articles)
        total = sum(len(by_article[a]) for a in articles)
        target = fraction * total
        taken = 0
        for i, article in enumerate(articles):
            if (taken >= target and taken > 0) or (i == len(articles) - 1 and i > 0):
                break  # enough, or only one article left: it stays in train
            validation.add(article)
            taken += len(by_article[article])
    for r in rows:
        r["split"] = "validation" if r["article"] in validation else "train"


def row_hash(row: dict[str, Any]) -> str:
    """A stable hash of a row's content (column order fixed), for determinism checks."""
    payload = json.dumps({k: row[k] for k in (*COLUMNS, "split")}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def to_dataset_dict(rows: list[dict[str, Any]]):
    """``DatasetDict`` with ``train`` and ``validation``; its fingerprints depend only on the rows."""
    from datasets import Dataset, DatasetDict, Features, Sequence, Value

    features = Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "label": Value("string"),
            "secondary": Sequence(Value("string")),
            "source": Value("string"),
            "article": Value("string"),
            "register": Value("string"),
        }
    )
    return DatasetDict(
        {
            split: Dataset.from_list(
                [{k: r[k] for k in COLUMNS} for r in rows if r["split"] == split], features=features
            )
            for split in ("train", "validation")
        }
    )


def build_dataset(config: DataConfig | None = None, *, verbose: bool = False, stream: TextIO | None = None):
    """Assemble the rows and return the ``DatasetDict``; with ``verbose`` print the report."""
    config = config or DataConfig()
    rows, report = assemble_rows(config, progress=verbose)
    if verbose:
        print(report.format(), file=stream or sys.stdout)
    return to_dataset_dict(rows)


def write_rows(rows: Iterable[dict[str, Any]], out: Path) -> int:
    """Write rows (with their ``split``) as JSONL; returns how many."""
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({k: r[k] for k in (*COLUMNS, "split")}, ensure_ascii=False) + "\n")
            n += 1
    return n


def config_summary(config: DataConfig) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()}
