"""The one YAML loader: every bad config names its file and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from wenzhai.models.config_files import check_fields, read_yaml_mapping


def test_reads_a_mapping_and_an_empty_file(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert read_yaml_mapping(good) == {"a": 1, "b": ["x", "y"]}
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert read_yaml_mapping(empty) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [("- a\n- b\n", "must hold a mapping of field: value, got list"), ("a: [1\n", "is not valid YAML")],
)
def test_bad_files_are_named(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=f"--config: {path} {message}".replace("[", r"\[")):
        read_yaml_mapping(path, "--config")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="data config: .*nope.yaml does not exist"):
        read_yaml_mapping(tmp_path / "nope.yaml", "data config")


def test_unknown_fields_are_listed_with_the_allowed_ones():
    @dataclass
    class Settings:
        workers: int = 1
        timeout: int = 30

    check_fields(Settings, {"workers": 2}, "service config")
    with pytest.raises(ValueError, match=r"service config: unknown field\(s\) worker; allowed: timeout, workers"):
        check_fields(Settings, {"worker": 2}, "service config")
