"""``wenzhai data …``: build the theme data set, score the TF-IDF baseline, maintain weak labels.

- ``build --out FILE.jsonl [--seed N]``: assemble the rows (text, label, split, …) and write them.
- ``baseline [--dev FILE]``: TF-IDF + logistic regression on the training split, scored on the dev set.
- ``weak-labels [--out FILE]``: re-run the rules in configs/weak_labels.yaml and write the references.
- ``leakage [--dev FILE]``: print People's Daily line ranges overlapping the dev set, and the TV-news
  items overlapping any text of the dev folder (for ``excluded_lines`` in configs/weak_labels.yaml).
- ``candidates --out FILE [--round NAME]``: draw real text for reading (a round of
  configs/read_labels.yaml) and write the reading lists and the readers' brief (BRIEF.md) beside it;
  ``agreement``: how far the readers of a folder agree, per label too, and what the merge keeps.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from wenzhai.cli.commands import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="build and inspect the theme training data")
    sub = parser.add_subparsers(dest="data_command", metavar="ACTION", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", default="configs/data.yaml", help="data build config (default: %(default)s)"
    )
    common.add_argument("--seed", type=int, default=None, help="seed of the train/validation split")
    common.add_argument(
        "--shared", default=None, help="shared data folder (default: $WENZHAI_SHARED or ../shared)"
    )

    build = sub.add_parser("build", parents=[common], help="assemble the data set and write it as JSONL")
    build.add_argument("--out", required=True, help="output JSONL file (rows with a 'split' field)")
    build.add_argument("--quiet", action="store_true", help="do not print the counts and histograms")
    build.set_defaults(handler=_build)

    base = sub.add_parser(
        "baseline", parents=[common], help="TF-IDF + logistic regression baseline on the dev set"
    )
    base.add_argument(
        "--dev", default=None, help="labelled dev JSONL (default: <shared>/dev/themes_dev.jsonl)"
    )
    base.set_defaults(handler=_baseline)

    weak = sub.add_parser("weak-labels", help="re-run the weak-label rules and write the references")
    weak.add_argument("--rules", default="configs/weak_labels.yaml", help="rules file (default: %(default)s)")
    weak.add_argument("--out", default="data/themes/weak_labels.jsonl", help="output (default: %(default)s)")
    weak.add_argument(
        "--shared", default=None, help="shared data folder (default: $WENZHAI_SHARED or ../shared)"
    )
    weak.set_defaults(handler=_weak_labels)

    leak = sub.add_parser(
        "leakage", help="corpus lines (and TV-news items) to exclude because they overlap the dev sets"
    )
    leak.add_argument("--rules", default="configs/weak_labels.yaml", help="rules file (default: %(default)s)")
    leak.add_argument(
        "--dev", default=None, help="labelled dev JSONL (default: <shared>/dev/themes_dev.jsonl)"
    )
    leak.add_argument(
        "--margin", type=int, default=30, help="lines excluded either side of a match (default: 30)"
    )
    leak.add_argument(
        "--shared", default=None, help="shared data folder (default: $WENZHAI_SHARED or ../shared)"
    )
    leak.set_defaults(handler=_leakage)

    cand = sub.add_parser("candidates", help="draw real corpus lines for reading and write reading lists")
    cand.add_argument("--out", required=True, help="output JSONL (every line once); reading lists go beside it")
    cand.add_argument("--read-config", default="configs/read_labels.yaml", help="rounds to draw (default: %(default)s)")
    cand.add_argument("--round", default=None, help="round of the read config to draw (default: its first round)")
    cand.add_argument(
        "--brief", default="data/themes/reading-brief.md",
        help="template of the readers' instructions, written as BRIEF.md beside the lists (default: %(default)s)",
    )
    cand.add_argument("--rules", default="configs/weak_labels.yaml", help="corpora and exclusions (default: %(default)s)")
    cand.add_argument("--weak", default="data/themes/weak_labels.jsonl", help="weak references kept clear of")
    cand.add_argument("--shared", default=None, help="shared data folder (default: $WENZHAI_SHARED or ../shared)")
    cand.set_defaults(handler=_candidates)

    agree = sub.add_parser("agreement", help="reader agreement and merge counts of a read-label folder")
    agree.add_argument("--folder", default="data/themes/read", help="reader files (default: %(default)s)")
    agree.set_defaults(handler=_agreement)


def _config(args: argparse.Namespace):
    from wenzhai.training.data import DataConfig

    config_path = Path(args.config)
    if not config_path.exists():
        raise UsageError(f"--config: {config_path} not found")
    return DataConfig.from_yaml(
        config_path, seed=args.seed, shared_dir=Path(args.shared) if args.shared else None
    )


def _build(args: argparse.Namespace) -> int:
    from wenzhai.training.data import assemble_rows, write_rows

    out = Path(args.out)
    if out.suffix != ".jsonl":
        raise UsageError(f"--out must name a .jsonl file, got {out}")
    config = _config(args)
    rows, report = assemble_rows(config, progress=not args.quiet)
    n = write_rows(rows, out)
    if not args.quiet:
        print(report.format())
    print(f"wrote {n} rows to {out} (seed {config.seed})")
    return 0


def _dev_path(args: argparse.Namespace, shared: Path) -> Path:
    path = Path(args.dev) if args.dev else shared / "dev" / "themes_dev.jsonl"
    if not path.is_file():
        raise UsageError(f"--dev: {path} not found")
    return path


def _baseline(args: argparse.Namespace) -> int:
    from wenzhai.training.baseline import run_baseline
    from wenzhai.training.data import assemble_rows, load_dev_set

    config = _config(args)
    dev = load_dev_set(_dev_path(args, config.shared_dir))
    rows, _ = assemble_rows(config)
    train = [r for r in rows if r["split"] == "train"]
    result = run_baseline(train, dev, seed=config.seed)
    print(f"TF-IDF (char 1-3) + logistic regression: {result.n_train} training rows, {result.n_dev} dev rows")
    print(result.report)
    print(f"macro-F1 (all {result.n_dev} dev rows): {result.macro_f1:.3f}")
    print(f"\nwithout the ambiguous rows ({result.n_dev_unambiguous}):")
    print(result.report_unambiguous)
    print(f"macro-F1 (unambiguous): {result.macro_f1_unambiguous:.3f}")
    return 0


def _shared(args: argparse.Namespace) -> Path:
    from wenzhai.training.data import default_shared_dir

    return Path(args.shared) if args.shared else default_shared_dir()


def _weak_labels(args: argparse.Namespace) -> int:
    from wenzhai.training.weak_labels import load_weak_config, select, write_refs

    config = load_weak_config(args.rules)
    selection = select(config, _shared(args))
    n = write_refs(selection.refs, args.out)
    for rule in config.rules:
        kept = sum(1 for r in selection.refs if r.rule == rule.name)
        print(
            f"{rule.name:<30} {rule.label:<20} matched {selection.matched[rule.name]:>4}  "
            f"contested {selection.contested[rule.name]:>3}  excluded(dev) {selection.excluded[rule.name]:>3}  kept {kept:>4}"
        )
    print(f"wrote {n} references to {args.out}")
    return 0


def _leakage(args: argparse.Namespace) -> int:
    from wenzhai.training.corpora import read_corpus, read_paragraphs
    from wenzhai.training.data import load_dev_set
    from wenzhai.training.dev_overlap import dev_texts, overlapping_items
    from wenzhai.training.leakage import exclusion_ranges, find_dev_matches
    from wenzhai.training.weak_labels import load_weak_config

    shared = _shared(args)
    config = load_weak_config(args.rules)
    dev_path = _dev_path(args, shared)
    dev = load_dev_set(dev_path, clean=False)
    for name, spec in config.corpora.items():
        if spec.has_paragraphs:  # items are articles: drop each overlapping item whole, against every dev file
            items = overlapping_items(read_paragraphs(spec, shared), dev_texts(dev_path.parent))
            print(f"{name}: {len(items)} items overlapping a text of {dev_path.parent}/*.jsonl")
            if items:
                print(f"  {name}: {json.dumps([[n, n] for n in items])}")
            continue
        lines = read_corpus(spec, shared)
        matches = find_dev_matches(lines, [d["text"] for d in dev])
        ranges = exclusion_ranges(matches, margin=args.margin, last_line=len(lines))
        print(f"{name}: {len(matches)} matching lines, {len(ranges)} ranges")
        if ranges:
            print(f"  {name}: {json.dumps([list(r) for r in ranges])}")
    return 0


def _candidates(args: argparse.Namespace) -> int:
    from collections import Counter

    from wenzhai.training.read_labels import (
        assign_readers,
        draw_candidates,
        load_read_config,
        read_folder,
        write_brief,
        write_candidates,
    )
    from wenzhai.training.weak_labels import load_weak_config, read_refs

    out = Path(args.out)
    if out.suffix != ".jsonl":
        raise UsageError(f"--out must name a .jsonl file, got {out}")
    for name, path in (("--read-config", args.read_config), ("--rules", args.rules), ("--weak", args.weak),
                       ("--brief", args.brief)):
        if not Path(path).is_file():
            raise UsageError(f"{name}: {path} not found")
    weak = load_weak_config(args.rules)
    config = load_read_config(args.read_config, weak)
    try:
        round_ = config.round(args.round)
    except ValueError as exc:
        raise UsageError(f"--round: {exc}") from None
    earlier = [r.key for other in config.rounds if other.name != round_.name and Path(other.folder).is_dir()
               for r in read_folder(Path(other.folder))]
    candidates = draw_candidates(round_, weak, read_refs(args.weak), _shared(args), config.near_weak_lines, earlier)
    lists = assign_readers(candidates, round_.readers, round_.overlap)
    paths = write_candidates(lists, out)
    brief = write_brief(Path(args.brief), round_, paths[1:], [len(r) for r in lists], out.with_name("BRIEF.md"))
    print(f"round {round_.name}: units per group")
    for group, n in Counter(c.group for c in candidates).items():
        print(f"  {group:<28} {n:>5}")
    print(f"wrote {len(candidates)} units to {paths[0]} and {len(lists)} reading lists "
          f"({round_.overlap} units read by everyone):")
    for path, reading in zip(paths[1:], lists, strict=True):
        print(f"  {path}  {len(reading)} units")
    print(f"the readers' instructions: {brief}; they write {round_.folder}/reader-K.jsonl")
    return 0


def _agreement(args: argparse.Namespace) -> int:
    from collections import Counter

    from wenzhai.training.read_labels import agreement, merge_reads, read_folder

    folder = Path(args.folder)
    if not folder.is_dir():
        raise UsageError(f"--folder: {folder} not found")
    reads = read_folder(folder)
    figures = agreement(reads)
    merged = merge_reads(reads)
    print(f"{len(reads)} reads by {len({r.reader for r in reads})} readers")
    print(f"lines read by more than one reader: {figures['lines']}; unanimous {figures['unanimous']} "
          f"({figures['unanimous_share']:.1%}); pairwise agreement {figures['pairwise_agreement']:.1%} "
          f"of {figures['pairs']} pairs")
    for label, share in figures["per_label"].items():
        print(f"  specific agreement {label:<20} {share:.1%}")
    print(f"kept {len(merged.kept)}, ties dropped {len(merged.ties)}, skipped {len(merged.skipped)}")
    for label, n in sorted(Counter(m.label for m in merged.kept).items()):
        print(f"  {label:<20} {n:>5}")
    return 0
