"""Noise flags."""

from __future__ import annotations

import pytest

from voc.text.config import NoiseConfig
from voc.text.flags import noise_flags


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("ok", ["too_short"]),
        ("😂😂", ["too_short", "repeated_char"]),
        ("555", ["too_short", "repeated_char"]),
        ("https://shop.example.com/p/1", ["too_short", "url_only"]),
        ("ดูที่ https://shop.example.com/p/1", []),
        ("สินค้าดีมาก ส่งไว", []),
        ("The app keeps crashing", []),
        ("", ["too_short"]),
    ],
)
def test_flags(text, flags):
    assert noise_flags(text) == flags


def test_raw_form_tells_a_capped_run():
    assert "repeated_char" in noise_flags("!!", original="!!!!!!!!!!")


def test_text_repeated_by_many_messages_is_template():
    text = "สนใจสินค้าทักแชทได้เลยค่ะ โปรโมชั่นพิเศษเดือนนี้เท่านั้น"
    assert "template" in noise_flags(text, batch_count=8)
    assert "template" not in noise_flags(text, batch_count=1)
    assert "template" not in noise_flags("ขอบคุณครับ", batch_count=50)  # short replies repeat naturally


def test_auto_reply_patterns_are_template():
    assert "template" in noise_flags("This is an automated message, please do not reply.")
    assert "template" in noise_flags("ข้อความนี้เป็นการตอบกลับอัตโนมัติ")
    config = NoiseConfig(template_patterns=[])
    assert "template" not in noise_flags("This is an automated message.", config)


def test_invalid_template_pattern_is_a_config_error():
    with pytest.raises(ValueError, match="not a valid regular expression"):
        NoiseConfig(template_patterns=["(unclosed"])
