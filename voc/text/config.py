"""Settings of the text layer: the pipeline config's ``text`` section."""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

ThaiEngine = Literal["nlpo3", "newmm"]
"""Thai word segmenters voc supports (both dictionary-based, shipped in wheels, no downloads)."""
THAI_ENGINES: tuple[str, ...] = get_args(ThaiEngine)


class NormalizeConfig(BaseModel):
    """How raw text is cleaned before anything reads it."""

    model_config = ConfigDict(extra="forbid")

    strip_html: bool = True
    thai_digits_to_arabic: bool = True
    max_latin_repeat: int = Field(2, ge=2, le=10)
    """A run of one non-Thai character longer than this is cut to this length (soooo -> soo)."""
    collapse_laughter: bool = True
    """Write every standalone ``555...`` as ``555`` so counts and tokens see one laughter form."""


ENGLISH_KEEP_WORDS = (
    "top", "up", "down", "off", "out", "back", "call", "amount", "name", "empty", "full", "no", "not", "never",
)
"""English words spaCy's stop list drops that name a customer's issue inside a phrase: "top up", "call
center", "cut off", "money back", "wrong amount", "not received", "no signal". Labels never use the
particles and negations among them alone (``voc.topics.labels``)."""


class TokenizeConfig(BaseModel):
    """How clean text is split into tokens and which tokens topic models see."""

    model_config = ConfigDict(extra="forbid")

    engine: ThaiEngine = "nlpo3"
    """Thai segmenter; nlpo3 is newmm in Rust: same splits, measured 4-5x faster (benchmarks/text.py)."""
    lemmatize_english: bool = True
    domain_stopwords: list[str] = Field(default_factory=list)
    """Extra words dropped from topic tokens (brand names, greetings every message has)."""
    keep_words: list[str] = Field(
        default_factory=lambda: [
            "ช้า", "เร็ว", "ส่ง", "เสีย", "ผิด", "ถูก", "เปิด", "ปิด", "ใหม่", "นาน", "ช่วย",
            "ใช้", "ดี", "ราคา", "เงิน", "คืน", "เปลี่ยน", "ติด", "หลุด",
            *ENGLISH_KEEP_WORDS,
        ]
    )
    """Words PyThaiNLP or spaCy list as stopwords that carry customer meaning ("ส่งช้า" is slow delivery,
    "top up", "call center", "log out", "not received")."""
    keep_emoji_in_topics: bool = False
    min_topic_token_chars: int = Field(2, ge=1)
    user_words: list[str] = Field(default_factory=list)
    """Thai words the segmenter must keep whole (brands, products, loanwords), beside voc's default
    list (``voc.text.tokenize.DEFAULT_USER_WORDS``: แอป, โรมมิ่ง, รีฟันด์...)."""
    default_user_words: bool = True
    """Whether voc's default list of loanwords and brand words is added to the dictionary."""

    @field_validator("user_words")
    @classmethod
    def _thai_user_words(cls, words: list[str]) -> list[str]:
        out = []
        for word in words:
            word = word.strip()
            if not re.fullmatch(r"[\u0e00-\u0e7f]+", word):
                raise ValueError(
                    f"user word {word!r} must be Thai letters only, without spaces: Latin words and numbers "
                    "are never split, and a dictionary word cannot hold a space"
                )
            out.append(word)
        return out


class RedactConfig(BaseModel):
    """Which kinds of personal data are replaced by typed placeholders before text is stored.

    ``person_names`` is off by default: no reliable Thai person-name recognizer works offline
    from the installed wheels, and the honorific rule voc offers (``คุณ``/``นาย``/``Mr.`` + the
    next word) also hits staff titles, product and brand names ("คุณภาพ" is not a person),
    so turning it on trades topic quality for recall. Turn it on for free-text sources where
    customers write names of people often.
    """

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    email: bool = True
    phone: bool = True
    thai_id: bool = True
    card: bool = True
    url_query: bool = True
    person_names: bool = False


class NearDupConfig(BaseModel):
    """How near-identical messages are found (kept in the store, flagged, counted once)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    method: Literal["minhash"] = "minhash"
    threshold: float = Field(0.8, gt=0.0, le=1.0)
    """Jaccard similarity of character 4-gram sets at or above which two messages are near-duplicates."""
    num_perm: int = Field(64, ge=16, le=256)
    min_chars: int = Field(20, ge=1)
    """Shorter texts ("ok", "ขอบคุณครับ") are left alone: many people write them independently."""
    paste_window_hours: float = Field(48.0, ge=0.0)
    """A text on another source or channel within this many hours of its twin is one customer pasting it."""
    paste_min_chars: int = Field(40, ge=1)
    """...when it is at least this long: two customers rarely write the same 40 characters."""


class NoiseConfig(BaseModel):
    """When a message is flagged as noise (flags are kept beside the record, nothing is dropped)."""

    model_config = ConfigDict(extra="forbid")

    min_chars: int = Field(3, ge=0)
    """Fewer letters than this (after removing laughter, emoji, URLs, placeholders) is ``too_short``."""
    template_min_repeats: int = Field(5, ge=2)
    """The same clean text this many times in one batch is ``template`` (bot or copy-paste text)..."""
    template_min_chars: int = Field(25, ge=1)
    """...when it is at least this long (short replies like "ขอบคุณครับ" repeat naturally)."""
    template_patterns: list[str] = Field(
        default_factory=lambda: [
            r"this is an automated (message|reply|response)",
            r"do not reply to this (e-?mail|message)",
            r"thank you for contacting us\b.*\bwill (get back|respond|reply)",
            r"ข้อความ(นี้)?(เป็น)?(การ)?ตอบกลับอัตโนมัติ",
            r"ขอบคุณที่ติดต่อ.*(จะ)?ติดต่อกลับ",
        ]
    )
    """Regular expressions (case-insensitive) for bot and auto-reply text; a match flags ``template``."""

    @field_validator("template_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"template pattern {pattern!r} is not a valid regular expression: {exc}") from None
        return patterns


class TextConfig(BaseModel):
    """The text layer: normalize, redact, language id, tokenize, near-duplicates, noise flags."""

    model_config = ConfigDict(extra="forbid")

    normalize: NormalizeConfig = Field(default_factory=NormalizeConfig)
    tokenize: TokenizeConfig = Field(default_factory=TokenizeConfig)
    redact: RedactConfig = Field(default_factory=RedactConfig)
    near_dup: NearDupConfig = Field(default_factory=NearDupConfig)
    noise: NoiseConfig = Field(default_factory=NoiseConfig)
