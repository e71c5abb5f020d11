"""Near-duplicate marking."""

from __future__ import annotations

import pytest

from voc.text.config import NearDupConfig
from voc.text.dedup import find_near_duplicates

COMPLAINT = "สั่งสินค้าไปสองอาทิตย์แล้วยังไม่ได้ของเลยค่ะ ติดต่อร้านก็ไม่ตอบ ผิดหวังมาก"


def test_pasted_complaint_points_to_the_first_copy():
    texts = [
        COMPLAINT,
        "ร้านนี้อร่อยมาก บริการดีเยี่ยม จะกลับมาอีกแน่นอนค่ะ",
        COMPLAINT + "!!",  # pasted again with an extra mark
        "สั่งสินค้าไปสองอาทิตย์แล้ว ยังไม่ได้ของเลยค่ะ ติดต่อร้านก็ไม่ตอบ ผิดหวังมากๆ",  # re-spaced
        "The delivery was late and nobody answered my calls, very disappointed",
    ]
    assert find_near_duplicates(["a", "b", "c", "d", "e"], texts) == [None, None, "a", "a", None]


def test_different_messages_on_the_same_topic_are_not_duplicates():
    texts = [
        "ส่งของช้ามาก รอมาสองอาทิตย์แล้วยังไม่ได้ของเลย",
        "ส่งของช้ามาก พนักงานพูดจาไม่ดี จะไม่ซื้ออีกแล้ว",
    ]
    assert find_near_duplicates(["a", "b"], texts) == [None, None]


def test_short_texts_are_left_alone():
    assert find_near_duplicates(["a", "b"], ["ขอบคุณครับ", "ขอบคุณครับ"]) == [None, None]


def test_deterministic_and_threshold_matters():
    texts = [COMPLAINT, COMPLAINT.replace("ผิดหวังมาก", "เสียความรู้สึก")]
    ids = ["a", "b"]
    assert find_near_duplicates(ids, texts) == find_near_duplicates(ids, texts)
    assert find_near_duplicates(ids, texts, NearDupConfig(threshold=0.5)) == [None, "a"]
    assert find_near_duplicates(ids, texts, NearDupConfig(threshold=0.99)) == [None, None]


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="differ in length"):
        find_near_duplicates(["a"], ["x", "y"])


def test_empty_and_missing_texts():
    assert find_near_duplicates([], []) == []
    assert find_near_duplicates(["a", "b"], [None, ""]) == [None, None]
