"""Normalization of raw customer text."""

from __future__ import annotations

import pytest

from voc.text.config import NormalizeConfig
from voc.text.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ดีมากกกกก", "ดีมาก"),  # Thai runs of 3+ become one letter
        ("กรรมการ ธรรมะ", "กรรมการ ธรรมะ"),  # ...but Thai's doubled letters stay
        ("soooo good!!!!!", "soo good!!"),
        ("เเปลก นํ้า ก่่่อน", "แปลก น้ำ ก่อน"),  # PyThaiNLP: sara e twice, nikhahit + sara aa, tone marks
        ("ราคา ๑๕๐ บาท", "ราคา 150 บาท"),
        ("ตลกมาก 55555555", "ตลกมาก 555"),
        ("ราคา 15555 บาท โทร 555-5555", "ราคา 15555 บาท โทร 555-5555"),  # numbers are not laughter
        ("ร้าน\u200bนี้\u200cดี\ufeff", "ร้านนี้ดี"),
        ("<p>สินค้า&nbsp;ดี &amp; ถูก</p><br/>", "สินค้า ดี & ถูก"),
        ("a &amp;lt;b&amp;gt; c", "a c"),  # double-escaped tag
        ("  lots \n\n of\t space  ", "lots\nof space"),  # a line break stays (it ends a chat turn), blank lines go
        ("a \r\n b\u2028c", "a\nb\nc"),
        ("  lots   of\t space  ", "lots of space"),
        ("café", "café"),  # NFC
        ("โทร <PHONE> ได้เลย", "โทร <PHONE> ได้เลย"),  # placeholders are not HTML
        ("www.example.com/aaaa ok", "www.example.com/aaaa ok"),  # URLs keep their letters
        ("👨\u200d👩\u200d👧 ครอบครัว", "👨\u200d👩\u200d👧 ครอบครัว"),  # joiner kept inside emoji
    ],
)
def test_normalize(raw, clean):
    assert normalize(raw) == clean


def test_steps_can_be_switched_off():
    config = NormalizeConfig(thai_digits_to_arabic=False, collapse_laughter=False, strip_html=False)
    assert normalize("๑๒๓ 55555 <b>x</b>", config) == "๑๒๓ 55555 <b>x</b>"


@pytest.mark.parametrize("text", ["", "   ", "\u200b", None, 42, "\ud800", "😂" * 1000])
def test_total(text):
    out = normalize(text)
    assert isinstance(out, str)
    assert normalize(out) == out
