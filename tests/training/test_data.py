"""The assembled theme data set: schema, splits, duplicates, dev-set leakage and determinism.

The full build (hand-written rows + weak labels, ~2 s after the first corpus read) runs once per
session; the unit tests around it use tiny files in tmp_path.
"""

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from wenzhai.models.themes import LABELS
from wenzhai.training.data import (
    DataConfig,
    assemble_rows,
    load_dev_set,
    row_hash,
    split_rows,
    to_dataset_dict,
)
from wenzhai.training.dedup import ShingleIndex

ROOT = Path(__file__).resolve().parents[2]
NEAR_DUP = 0.6  # the build's default Jaccard threshold


POOL = "县乡村社区企业公司网格调解电子证照比赛演出道路水电学校医院工厂产品职工群众政府服务"


def hw_row(i: int, label: str = "governance", article: str | None = None, **kw) -> dict:
    rng = random.Random(i)
    text = f"第{i}号样例：" + "".join(rng.choice(POOL) for _ in range(80)) + "。"
    return {
        "id": f"t-{i}",
        "text": text,
        "label": label,
        "secondary": [],
        "source": "handwritten",
        "article": article or f"a-{i}",
        "register": "news",
        **kw,
    }


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def tiny_config(tmp_path: Path, rows: list[dict], **kw) -> DataConfig:
    write_jsonl(tmp_path / "hw" / "a.jsonl", rows)
    return DataConfig(handwritten_dir=tmp_path / "hw", weak_labels=None, read_labels=None, shared_dir=tmp_path, **kw)


# ------------------------------------------------------------------------------ config and schema


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"validation_fraction": 0.0}, "validation_fraction"),
        ({"validation_fraction": 0.9}, "validation_fraction"),
        ({"dedup_threshold": 1.5}, "dedup_threshold"),
        ({"min_chars": 0}, "min_chars"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_config_is_validated(kw, field):
    with pytest.raises(ValueError, match=field):
        DataConfig(**kw)


def test_config_from_yaml_rejects_unknown_fields(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("seed: 3\nshuffle: true\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown field"):
        DataConfig.from_yaml(path)
    path.write_text("seed: 3\n", encoding="utf-8")
    assert DataConfig.from_yaml(path, seed=5).seed == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": "sports"}, r"a\.jsonl:2: field 'label': 'sports' is not a theme"),
        ({"secondary": "governance"}, r"a\.jsonl:2: field 'secondary' must be a list"),
        ({"secondary": ["governance"]}, r"a\.jsonl:2: field 'secondary' repeats"),
        ({"text": ""}, r"a\.jsonl:2: field 'text' must be a non-empty string"),
        ({"article": None}, r"a\.jsonl:2: field 'article'"),
        ({"id": "t-0"}, r"a\.jsonl:2: field 'id' 't-0' is already used at .*a\.jsonl:1"),
        ({"text": "太短"}, r"a\.jsonl:2: field 'text' has 2 characters"),
    ],
)
def test_schema_errors_name_file_line_and_field(tmp_path, change, message):
    rows = [hw_row(0), {**hw_row(1), **change}]
    with pytest.raises(ValueError, match=message):
        assemble_rows(tiny_config(tmp_path, rows))


def test_missing_field_and_bad_json_are_reported(tmp_path):
    row = hw_row(0)
    del row["label"]
    with pytest.raises(ValueError, match=r"a\.jsonl:1: missing field 'label'"):
        assemble_rows(tiny_config(tmp_path, [row]))
    (tmp_path / "hw" / "a.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"a\.jsonl:1: not valid JSON"):
        assemble_rows(DataConfig(handwritten_dir=tmp_path / "hw", weak_labels=None, read_labels=None))


def test_texts_are_cleaned_and_later_duplicates_dropped(tmp_path):
    copy = {**hw_row(1), "text": hw_row(0)["text"].replace("第0号", "第１号")}
    wide = {**hw_row(2), "text": "２０２３年，" + hw_row(2)["text"]}
    built, report = assemble_rows(tiny_config(tmp_path, [hw_row(0), copy, wide]))
    assert [r["id"] for r in built] == ["t-0", "t-2"]
    assert [(kept, dropped) for kept, dropped, _ in report.duplicates] == [("t-0", "t-1")]
    assert built[1]["text"].startswith("2023年，")  # full-width digits normalised by the clean-up


def test_split_keeps_articles_whole_and_every_label_in_both_splits():
    rows = [hw_row(i, label=LABELS[i % 5], article=f"art-{i // 2}") for i in range(100)]
    split_rows(rows, seed=1, fraction=0.2)
    sides = {}
    for r in rows:
        assert sides.setdefault(r["article"], r["split"]) == r["split"]
    for split in ("train", "validation"):
        assert {r["label"] for r in rows if r["split"] == split} == set(LABELS)
    share = sum(r["split"] == "validation" for r in rows) / len(rows)
    assert 0.15 <= share <= 0.3
    again = [dict(r) for r in rows]
    split_rows(again, seed=1, fraction=0.2)
    assert [r["split"] for r in again] == [r["split"] for r in rows]


def test_dev_set_loader_checks_and_cleans(tmp_path):
    path = write_jsonl(tmp_path / "dev.jsonl", [{**hw_row(0), "text": "２０２３年" * 10, "ambiguous": True}])
    (row,) = load_dev_set(path)
    assert row["text"].startswith("2023年") and row["ambiguous"] is True
    write_jsonl(path, [{**hw_row(0), "label": "x"}])
    with pytest.raises(ValueError, match="dev.jsonl:1: field 'label'"):
        load_dev_set(path)


# ------------------------------------------------------------------------------------ full build


@pytest.fixture(scope="session")
def full_config(shared_dir):
    return DataConfig.from_yaml(ROOT / "configs" / "data.yaml", shared_dir=shared_dir)


@pytest.fixture(scope="session")
def built(full_config):
    return assemble_rows(full_config)


def test_every_row_is_valid(built):
    rows, _ = built
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["label"] in LABELS, r["id"]
        assert all(s in LABELS and s != r["label"] for s in r["secondary"]), r["id"]
        assert r["split"] in ("train", "validation")
        assert r["article"] and r["source"] and 20 <= len(r["text"]) <= 1500


def test_size_and_label_floor(built):
    rows, _ = built
    counts = Counter(r["label"] for r in rows)
    assert len(rows) >= 1500
    assert min(counts[label] for label in LABELS) >= 200, counts


def test_no_article_in_two_splits_and_every_label_validated(built):
    rows, _ = built
    sides: dict[str, set[str]] = {}
    for r in rows:
        sides.setdefault(r["article"], set()).add(r["split"])
    assert all(len(s) == 1 for s in sides.values())
    assert {r["label"] for r in rows if r["split"] == "validation"} == set(LABELS)


def test_no_near_duplicates_across_splits(built):
    rows, _ = built
    validation = [r for r in rows if r["split"] == "validation"]
    index = ShingleIndex([r["text"] for r in validation])
    for r in rows:
        if r["split"] == "train":
            close = [validation[i]["id"] for i, jac, _ in index.overlaps(r["text"]) if jac >= NEAR_DUP]
            assert not close, f"{r['id']} nearly duplicates validation rows {close}"


def test_no_row_overlaps_the_dev_set(built, shared_dir):
    rows, _ = built
    dev = load_dev_set(shared_dir / "dev" / "themes_dev.jsonl")
    index = ShingleIndex([d["text"] for d in dev])
    for r in rows:
        close = [
            (dev[i]["id"], round(j, 2), round(c, 2))
            for i, j, c in index.overlaps(r["text"])
            if j >= 0.5 or c >= 0.5
        ]
        assert not close, f"{r['id']} overlaps dev rows {close}"


def test_build_is_deterministic(built, full_config):
    rows, _ = built
    again, _ = assemble_rows(full_config)
    assert [row_hash(r) for r in again] == [row_hash(r) for r in rows]
    first, second = to_dataset_dict(rows), to_dataset_dict(again)
    for split in ("train", "validation"):
        assert first[split]._fingerprint == second[split]._fingerprint


def test_another_seed_gives_another_split(built, full_config):
    rows, _ = built
    other = [dict(r) for r in rows]
    split_rows(other, seed=full_config.seed + 1, fraction=full_config.validation_fraction)
    assert [r["split"] for r in other] != [r["split"] for r in rows]


def test_read_labels_take_one_folder_per_reading_round(tmp_path):
    from wenzhai.training.data import PROJECT_ROOT

    assert DataConfig(read_labels="a").read_labels == (Path("a"),)
    assert DataConfig(read_labels=None).read_labels == ()
    config = tmp_path / "data.yaml"
    config.write_text("read_labels: [data/themes/read, /abs/read-tv]\n", encoding="utf-8")
    assert DataConfig.from_yaml(config).read_labels == (PROJECT_ROOT / "data/themes/read", Path("/abs/read-tv"))


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("data*.yaml")), ids=lambda p: p.name)
def test_every_shipped_data_config_loads(path):
    """A typo in a data build file should fail here, not half an hour into `wenzhai train`."""
    config = DataConfig.from_yaml(path)
    assert config.read_labels and all(folder.is_dir() for folder in config.read_labels)
