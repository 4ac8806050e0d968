"""Domain-adaptive masked-language-model training: the encoder reads our kind of text before it is
fine-tuned on labels.

Why: multilingual-e5-small was trained for sentence retrieval on web text; the segments we tag are
Chinese newspaper prose (1998 People's Daily, editor-written summaries). A short MLM pass over that
prose can move the encoder towards it. Whether it helps is an empirical question, answered by
fine-tuning the theme classifier on the adapted encoder and scoring it on the dev set beside the
plain one (docs/models.md has the commands and figures).

The result is a plain encoder folder (``BertModel`` + tokenizer, safetensors) that ``wenzhai train
--encoder DIR --trim_vocab false`` fine-tunes like any other. e5 ships without an MLM head, so the
head starts from BERT's initialisation with its output tied to the word embeddings.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from transformers import TrainingArguments

from wenzhai.training.arguments import AdaptArguments, start_run


def adapt(args: AdaptArguments, training_args: TrainingArguments) -> dict[str, Any]:
    """Run the MLM pass and save the adapted encoder to ``training_args.output_dir``; returns a small report."""
    from datasets import Dataset
    from transformers import AutoTokenizer, BertForMaskedLM, DataCollatorForLanguageModeling, Trainer

    from wenzhai.training.data import DataConfig
    from wenzhai.training.encoders import resolve_encoder
    from wenzhai.training.layers import keep_layers
    from wenzhai.training.unlabelled import unlabelled_texts

    started = time.time()
    seed = start_run(args.threads, training_args)
    texts = unlabelled_texts(args.texts, DataConfig.from_yaml(args.data_config), seed)
    base = resolve_encoder(args.encoder, trim=args.trim_vocab, trim_texts=texts)
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = BertForMaskedLM.from_pretrained(base, use_safetensors=True)
    if args.num_layers:
        keep_layers(model, range(args.num_layers))
    encoded = tokenizer(texts, truncation=True, max_length=args.max_length, return_special_tokens_mask=True)
    dataset = Dataset.from_dict(dict(encoded))
    out = Path(training_args.output_dir)
    trainer = Trainer(
        model=model,
        args=replace(training_args, output_dir=str(out.with_name(out.name + "-checkpoints"))),
        train_dataset=dataset,
        data_collator=DataCollatorForLanguageModeling(tokenizer, mlm_probability=args.mlm_probability, seed=seed),
    )
    trainer.train()
    out.mkdir(parents=True, exist_ok=True)
    model.bert.save_pretrained(out, safe_serialization=True)  # the encoder only: fine-tuning adds its own head
    tokenizer.save_pretrained(out)
    losses = [row["loss"] for row in trainer.state.log_history if "loss" in row]
    report = {
        "output_dir": str(out), "texts": len(texts), "steps": trainer.state.global_step,
        "first_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None,
        "seconds": round(time.time() - started, 1), "arguments": {**{k: str(v) for k, v in vars(args).items()},
                      **{k: str(getattr(training_args, k)) for k in ("learning_rate", "num_train_epochs", "seed")}},
    }
    (out / "adapt_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report
