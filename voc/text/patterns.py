"""Regular expressions shared by the text layer (one place, so every step agrees on a URL or an emoji)."""

from __future__ import annotations

import re

THAI_CHARS = "\u0e00-\u0e7f"
THAI_RE = re.compile(f"[{THAI_CHARS}]")
LATIN_LETTER_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")

PLACEHOLDERS = ("<PHONE>", "<EMAIL>", "<THAI_ID>", "<CARD>", "<PERSON>")
PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))

# A URL starts with a scheme or www. and runs to whitespace or a character that cannot be in
# a URL written in text; a trailing full stop/comma/bracket belongs to the sentence, not the URL.
URL_BODY = r"[^\s<>\"'\u0e00-\u0e7f]*[^\s<>\"'\u0e00-\u0e7f.,;:!?)\]}]"
# Boundaries are ASCII classes, not \b or \w: Thai letters are \w, and Thai writers put no
# space between a word and an email or URL ("ส่งมาที่abc@gmail.comนะคะ").
URL_RE = re.compile(rf"(?<![A-Za-z0-9@.])(?:https?://|www\.)(?:{URL_BODY})?", re.IGNORECASE)
# Possessive runs (*+, ++): a long run of letters that is not an email must fail in linear time.
_LABEL = r"[A-Za-z0-9]++(?:-++[A-Za-z0-9]++)*+"
EMAIL_RE = re.compile(
    rf"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*+@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}(?![A-Za-z0-9])"
)
# The redactor's email: Unicode local parts (สมชาย@, josé.müller@), IDN domains (ตัวอย่าง.ไทย), and
# an "@" written as an HTML entity or in full width. The local part starts only where a run of
# such characters starts (the lookbehind), so a long run of letters with no "@" is read once.
_PII_LOCAL_CHAR = r"\w\u0e00-\u0e7f\u0300-\u036f.%+'\-"
_PII_LABEL = r"[\w\u0e00-\u0e7f\u0300-\u036f](?:[\w\u0e00-\u0e7f\u0300-\u036f-]*+)"
PII_EMAIL_RE = re.compile(
    rf"(?<![{_PII_LOCAL_CHAR}])(?P<local>[{_PII_LOCAL_CHAR}]{{1,128}}+)"
    # split by a line break ("name\n@example.com", "name@\nexample.com") or spaces after the "@" ("name@ example.com");
    # not spaces before it: "thanks @ploy.shop" is a mention
    r"(?:[ \t]{0,2}(?:\r?\n|[\r\u2028\u2029])[ \t]{0,2})?"
    r"(?:@|\uff20|&#0*64;|&#[xX]0*40;|&commat;)"
    r"(?:[ \t]{0,2}(?:\r?\n|[\r\u2028\u2029])?[ \t]{0,2})"
    rf"(?:{_PII_LABEL}\.)+"
    r"(?:xn--[A-Za-z0-9-]+|[A-Za-z]{2,}(?![A-Za-z0-9-])|ไทย|คอม|[^\W\d_A-Za-z\u0e00-\u0e7f]{2,})",
)
PII_EMAIL_HINT_RE = re.compile(r"@|\uff20|&#0*64;|&#[xX]0*40;|&commat;")
"""Cheap test: could the text hold an email at all?"""

LINE_BREAK_RE = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
"""A character that ends a line: what ``str.splitlines`` breaks on."""

MENTION_RE = re.compile(r"(?<![A-Za-z0-9_@.])@[A-Za-z0-9_.]*[A-Za-z0-9_]")
HASHTAG_RE = re.compile(rf"(?<![\w#&])#[\w{THAI_CHARS}]+")

# Laughter: Thai write 5 ("ha") three or more times; standalone, so prices (15555, 5,555) and
# phone numbers (555-5555) are not it.
LAUGHTER_RE = re.compile(r"(?<![\d.,\-])5{3,}(?![\d.,\-:/])")
LAUGHTER_TOKEN = "555"

_EMOJI_BASE = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u3030\u303d\u3297\u3299"
)
_EMOJI_MOD = "\ufe0f\U0001f3fb-\U0001f3ff"
EMOJI_RE = re.compile(
    rf"[{_EMOJI_BASE}][{_EMOJI_MOD}]*(?:\u200d[{_EMOJI_BASE}][{_EMOJI_MOD}]*)*"
)
