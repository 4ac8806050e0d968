"""The theme inventory: labels, their Chinese names, and what each covers (see ../shared/LABELING.md).

Stored in every trained model's config, so inference never needs side files.
"""

from __future__ import annotations

THEMES: dict[str, dict[str, str]] = {
    "rural_construction": {"zh": "乡村建设/乡村振兴", "about": "building and developing the countryside"},
    "governance": {"zh": "治理", "about": "how public affairs are governed"},
    "digital_government": {"zh": "数字政府", "about": "e-government and digital public services"},
    "enterprise_news": {"zh": "企业新闻", "about": "news about a specific company or companies"},
    "other": {"zh": "其他", "about": "none of the above"},
}
LABELS: tuple[str, ...] = tuple(THEMES)
LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
ID2LABEL: dict[int, str] = dict(enumerate(LABELS))


def check_label(label: object, field: str = "label") -> str:
    """Return ``label`` if it is one of :data:`LABELS`, else raise ValueError naming the field."""
    if label not in LABEL2ID:
        raise ValueError(f"{field}: {label!r} is not a theme; allowed: {', '.join(LABELS)}")
    return label  # type: ignore[return-value]


def headed_text(title: str | None, text: str) -> str:
    """What the theme model reads for a segment under a headline: the headline, a space, then the text.

    One function for both callers: the pipeline reads page segments this way ('lead'), and the
    training data's headed copies (``training.data``, ``headed_openings``) must be the same form.
    """
    return f"{title} {text}" if title else text
