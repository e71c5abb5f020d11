"""Tiny labelled Thai/English data for the sentiment tests (imported by name: conftest is not unique)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

POSITIVE = ["ดีมาก ชอบมาก", "อร่อยมาก ประทับใจ", "บริการดีเยี่ยม", "สุดยอด คุ้มค่า", "great product love it",
            "excellent service thank you"]
NEGATIVE = ["แย่มาก ไม่ชอบ", "ช้ามาก ผิดหวัง", "ห่วยแตก เสียเงินฟรี", "โกรธมาก บริการแย่", "terrible service very slow",
            "awful product broke again"]
NEUTRAL = ["วันนี้ไปสาขาสยาม", "ส่งของวันจันทร์", "โปรโมชั่นเดือนนี้", "ร้านอยู่ชั้นสอง", "i went to the branch today",
           "the parcel came on monday"]
QUESTION = ["ราคาเท่าไหร่คะ", "มีสาขาที่ไหนบ้าง", "เปิดกี่โมงครับ", "สมัครยังไงคะ", "how much is it?",
            "where is the nearest branch?"]
TOPICS = ["", " ร้านนี้", " แอป", " the app", " สาขานี้"]


def labelled_rows() -> list[dict]:
    """About a hundred short texts: each phrase with a few topic words, four labels."""
    rows = []
    for label, phrases in (("pos", POSITIVE), ("neg", NEGATIVE), ("neu", NEUTRAL), ("q", QUESTION)):
        for phrase, topic in itertools.product(phrases, TOPICS):
            rows.append({"text": f"{phrase}{topic}", "label": label})
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def tiny_train_config(data_dir: Path, name: str = "tiny", **linear) -> dict:
    """A training config over tiny files (train = valid = the tiny set, which is fine for mechanics)."""
    rows = labelled_rows()
    train = write_jsonl(data_dir / "train.jsonl", rows)
    valid = write_jsonl(data_dir / "valid.jsonl", rows[::2])
    spec = lambda p: {"path": str(p), "label_map": {"pos": "positive", "neu": "neutral", "neg": "negative", "q": "question"}}  # noqa: E731
    return {
        "name": name,
        "seed": 7,
        "data": {"train": [spec(train)], "valid": [spec(valid)], "test": [spec(valid)]},
        "linear": {"min_df": 1, "C": [1.0], **linear},
    }



def build_tiny_bert(folder: Path) -> Path:
    """A 2-layer, 32-wide random BERT with a character-level vocabulary of the tiny data, saved to ``folder``."""
    import torch
    import transformers

    from voc.sentiment.features import normalize

    chars = sorted({ch for r in labelled_rows() for ch in normalize(r["text"], lowercase=True) if not ch.isspace()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + [f"##{c}" for c in chars]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # strip_accents would drop Thai vowel and tone marks (Unicode category Mn)
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True,
                                               strip_accents=False)
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                     intermediate_size=64, max_position_embeddings=64)
    transformers.BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def tiny_transformer_config(base: Path, checkpoint: Path, name: str = "tiny-bert", **extra):
    """A validated sentiment.transformer.v1 training config on the tiny data: a few CPU steps."""
    from voc.sentiment.config import TrainConfig

    cfg = tiny_train_config(base, name=name)
    cfg.pop("linear")
    cfg["backend"] = "sentiment.transformer.v1"
    cfg["transformer"] = {"checkpoint": str(checkpoint), "max_length": 32, "batch_size": 16, "eval_batch_size": 7,
                          "learning_rate": 1e-3, "epochs": 2, "max_steps": 12, "device": "cpu", **extra}
    return TrainConfig.model_validate(cfg)
