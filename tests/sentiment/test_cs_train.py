"""The customer-service training set (models/sentiment/data/cs_train.tsv): its shape, and that it
shares no message, exact or near, with the customer-service valid and eval sets."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from cs_eval import CS_EVAL, CS_VALID, load_cs

CS_TRAIN = Path(__file__).resolve().parents[2] / "models" / "sentiment" / "data" / "cs_train.tsv"
NEAR = 0.8
"""Two messages whose character-3-gram sets have a Jaccard similarity above this are near duplicates."""

# the messages tests/sentiment/test_cs_eval.py scores: never training rows either
TEST_MESSAGES = [
    "I was charged twice for the same order and I'm very disappointed",
    "My card was charged twice for one purchase, please refund",
    "โดนตัดเงินซ้ำสองรอบ 😡",
    "โดนตัดเงินซ้ำสองครั้ง ช่วยคืนเงินด้วยค่ะ",
    "ขอเปลี่ยนที่อยู่จัดส่งได้ไหมครับ",
    "How do I update my card details?",
    "Could you kindly let me know why my refund still hasn't arrived? It has been three weeks.",
    "I'm sorry to bother you again, but my order still hasn't arrived and nobody has replied.",
    "รบกวนช่วยตรวจสอบให้หน่อยนะคะ สั่งของไปสองอาทิตย์แล้วยังไม่ได้รับเลยค่ะ",
]


def _grams(text: str) -> set[str]:
    t = re.sub(r"\s+", " ", text.lower()).strip()
    return {t[i : i + 3] for i in range(max(1, len(t) - 2))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def overlap(train: list[str], others: list[str]) -> tuple[int, int, float]:
    """(exact matches, near duplicates above NEAR, the highest similarity) of train against others."""
    norm = {re.sub(r"\s+", " ", t.lower()).strip() for t in others}
    exact = sum(re.sub(r"\s+", " ", t.lower()).strip() in norm for t in train)
    other_grams = [_grams(t) for t in others]
    near, top = 0, 0.0
    for t in train:
        g = _grams(t)
        best = max((jaccard(g, o) for o in other_grams), default=0.0)
        top = max(top, best)
        near += best > NEAR
    return exact, near, top


def test_jaccard_flags_a_near_copy_and_not_a_different_message():
    a = _grams("โดนตัดเงินซ้ำสองรอบค่ะ")
    assert jaccard(a, _grams("โดนตัดเงินซ้ำสองรอบค่ะ!!")) > NEAR
    assert jaccard(a, _grams("ขอเปลี่ยนที่อยู่จัดส่งได้ไหมครับ")) < 0.2
    assert overlap(["My parcel never came"], ["my  parcel never came", "hello"])[:2] == (1, 1)


def test_training_set_is_balanced_over_three_labels_and_both_scripts():
    data = load_cs(CS_TRAIN, "cs-train")
    assert len(data) >= 600
    counts = Counter(data.labels)
    assert set(counts) == {"negative", "neutral", "positive"}
    assert min(counts.values()) >= 0.25 * len(data)
    langs = Counter(data.languages)
    assert langs["en"] >= 200 and langs["th"] >= 200 and langs["mixed"] >= 50
    assert len(set(data.texts)) == len(data)


def test_training_set_shares_no_message_with_valid_eval_or_the_tests():
    train = load_cs(CS_TRAIN, "cs-train").texts
    for others in (load_cs(CS_EVAL).texts, load_cs(CS_VALID, "cs-valid").texts, TEST_MESSAGES):
        exact, near, _top = overlap(train, others)
        assert (exact, near) == (0, 0)
