"""Tiny randomly initialised encoders and tokenizers, so model tests run in seconds without a hub.

The tokenizer splits text into single characters (like Chinese BERT vocabularies do for CJK) over a
small fixed alphabet; everything else maps to [UNK].
"""

from __future__ import annotations

from pathlib import Path

ALPHABET = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严乡村镇振兴政务证照企职"
)
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tiny_tokenizer(path: Path):
    """A character-level fast tokenizer saved in ``path`` and returned."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIALS + sorted(set(ALPHABET + "0123456789，。、；：？！“”（）abcdefghijklmnopqrstuvwxyz")))}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]"
    )
    fast.save_pretrained(path)
    return fast


def tiny_bert_config(vocab_size: int, layers: int = 2, **extra):
    """The configuration every tiny test model shares: BERT, hidden 32, 2 heads, 128 positions."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        **extra,
    )


def build_tiny_encoder(path: Path, layers: int = 2, seed: int = 0) -> Path:
    """A randomly initialised 2-layer BERT (hidden 32) with the tiny tokenizer, saved as a HF folder."""
    import torch
    from transformers import BertModel

    path.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tiny_tokenizer(path)
    torch.manual_seed(seed)
    BertModel(tiny_bert_config(len(tokenizer), layers)).save_pretrained(path, safe_serialization=True)
    return path


def build_tiny_classifier(path: Path, seed: int = 0, max_length: int = 128, window_stride: int = 32) -> Path:
    """A random 2-layer theme classifier over our LABELS with the tiny tokenizer, saved in ``path``.

    Random weights: answers are valid in shape and range but mean nothing, so tests that use it check
    behaviour (plumbing, batching, engines), never the themes picked. The classification head is
    drawn wider than BERT's default init so themes differ from text to text (with the default, every
    text scores ~0.2 on every theme and argmax is a coin toss). Also used by the benchmarks'
    ``--model tiny``.
    """
    import torch
    from transformers import BertForSequenceClassification

    from wenzhai.models.classifier import InferenceSettings, store_settings
    from wenzhai.models.themes import ID2LABEL, LABEL2ID

    path.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tiny_tokenizer(path)
    torch.manual_seed(seed)
    config = tiny_bert_config(
        len(tokenizer), num_labels=len(ID2LABEL), id2label=dict(ID2LABEL), label2id=dict(LABEL2ID)
    )
    settings = InferenceSettings(max_length=max_length, window_stride=window_stride, name="tiny-random", version="test")
    store_settings(config, settings)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.normal_(0.0, 0.5)
    model.save_pretrained(path, safe_serialization=True)
    return path
