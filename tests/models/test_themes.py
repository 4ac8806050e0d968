"""The theme inventory's helpers: label checks and the headed form a segment is read in."""

import pytest

from wenzhai.models.themes import LABELS, check_label, headed_text


def test_a_headline_goes_first_with_one_space():
    assert headed_text("村里修了路", "第一段。\n第二段。") == "村里修了路 第一段。\n第二段。"
    assert headed_text(None, "正文。") == "正文。" and headed_text("", "正文。") == "正文。"


def test_a_label_outside_the_inventory_names_the_field_and_the_allowed_ones():
    assert check_label("governance") == "governance"
    with pytest.raises(ValueError, match=f"theme: 'sports' is not a theme; allowed: {', '.join(LABELS)}"):
        check_label("sports", "theme")
