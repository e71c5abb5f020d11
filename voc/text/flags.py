"""Noise flags: messages too short to mean anything, URL-only, one repeated character, bot text.

Flags are kept beside the record; nothing is dropped, so a report can show how much noise a
source carries and a topic model can leave flagged records out.
"""

from __future__ import annotations

import functools
import re

from voc.text.config import NoiseConfig
from voc.text.patterns import EMAIL_RE, MENTION_RE, PLACEHOLDER_RE, URL_RE

NOISE_FLAGS = ("too_short", "url_only", "repeated_char", "template")

_DEFAULT = NoiseConfig()
# Only atoms that hold letters need stripping before letters are counted (emoji and laughter
# hold none).
_STRIP_RE = re.compile(
    f"{URL_RE.pattern}|{EMAIL_RE.pattern}|{MENTION_RE.pattern}|{PLACEHOLDER_RE.pattern}", re.IGNORECASE
)
_LETTER_RE = re.compile(r"[^\W\d_]|[\u0e01-\u0e4e]")


def noise_flags(
    text: str,
    config: NoiseConfig | None = None,
    *,
    batch_count: int = 1,
    original: str | None = None,
) -> list[str]:
    """Return the noise flags of one message, in ``NOISE_FLAGS`` order.

    Args:
        text: the message, ideally normalized (``normalize``); flags read letters, not bytes.
        config: thresholds and template patterns.
        batch_count: how many times this same clean text occurs in the current batch; text
            repeated by many authors is bot or copy-paste text (``template``).
        original: the raw text, when ``text`` is its normalized form: normalization caps
            "!!!!!!" to "!!", and the raw form tells that it was a run.

    Total: never raises; a non-string is treated as empty (``too_short``).
    """
    cfg = config or _DEFAULT
    if not isinstance(text, str):
        text = ""
    flags: list[str] = []
    # Emoji and laughter hold no letters; only URLs, emails, mentions and placeholders do, so
    # the costly strip runs only when one of those can be present.
    has_atoms = "@" in text or "<" in text or "://" in text or "ww" in text or "WW" in text
    stripped = _STRIP_RE.sub(" ", text) if has_atoms else text
    short = _enough_letters(cfg.min_chars).search(stripped) is None
    if short:
        flags.append("too_short")
    url_only = has_atoms and not _LETTER_RE.search(stripped) and not _has_other_content(stripped)
    if short and url_only and URL_RE.search(text):
        flags.append("url_only")
    if _is_one_repeated_char(text) or (
        isinstance(original, str) and original != text and _is_one_repeated_char(original)
    ):
        flags.append("repeated_char")
    if _is_template(text, cfg, batch_count):
        flags.append("template")
    return flags


@functools.cache
def _enough_letters(n: int) -> re.Pattern[str]:
    # Searching for n letters stops at the n-th; counting them all reads the whole text.
    letter = _LETTER_RE.pattern
    return re.compile(rf"(?:{letter})(?:.*?(?:{letter})){{{max(n - 1, 0)}}}", re.DOTALL) if n else re.compile("")


def _has_other_content(stripped: str) -> bool:
    return any(ch.isalnum() for ch in stripped)


def _is_one_repeated_char(text: str) -> bool:
    body = text.strip()
    if len(body) < 2 or body[0] != body[-1]:  # fast exit for ordinary text
        return False
    return not body.replace(body[0], "").strip()


def _is_template(text: str, cfg: NoiseConfig, batch_count: int) -> bool:
    if batch_count >= cfg.template_min_repeats and len(text) >= cfg.template_min_chars:
        return True
    return is_auto_reply(text, cfg)


def is_auto_reply(text: str, cfg: NoiseConfig | None = None) -> bool:
    """True when ``text`` matches one of the bot / auto-reply ``template_patterns``."""
    pattern = _template_re(tuple((cfg or NoiseConfig()).template_patterns))
    return isinstance(text, str) and pattern is not None and pattern.search(text) is not None


@functools.cache
def _template_re(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
