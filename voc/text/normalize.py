"""Normalization of raw customer text: one clean, idempotent form for every later step."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from voc.text.config import NormalizeConfig
from voc.text.patterns import EMAIL_RE, LAUGHTER_RE, LAUGHTER_TOKEN, LINE_BREAK_RE, PLACEHOLDERS, THAI_RE, URL_RE

_DEFAULT = NormalizeConfig()

# Invisible format characters (zero-width space/non-joiner, bidi marks, BOM, soft hyphen...)
# and control characters; the zero-width joiner is kept only inside emoji sequences (👨‍👩‍👧).
_EMOJI_CHAR = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f"
_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]"
    f"|(?<![{_EMOJI_CHAR}])\u200d|\u200d(?![{_EMOJI_CHAR}])"
)
_MAYBE_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]"
)
_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--.*?-->|<![^<>]*>", re.DOTALL)
_PLACEHOLDER_SET = frozenset(PLACEHOLDERS)
_THAI_DIGIT_RE = re.compile("[\u0e50-\u0e59]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# A character repeated three or more times. Digits are never cut (phone numbers, 1000000);
# URLs and emails are matched first so that www. and their paths stay intact. Whitespace runs
# are left to the final collapse. ``\D`` and ``.`` scan much faster than ``[^\d\s]``.
_RUN = r"(\D)\{group}{{2,}}"
_REPEAT_RE = re.compile(rf"(?P<keep>{URL_RE.pattern}|{EMAIL_RE.pattern})|(?P<run>{_RUN.format(group=3)})", re.I)
_RUN_RE = re.compile(f"(?P<run>{_RUN.format(group=2)})", re.I)  # for text that cannot hold a URL or email
_ANY_REPEAT_RE = re.compile(r"(.)\1\1")
_THAI_RANGE = ("\u0e00", "\u0e7f")


def normalize(text: str, config: NormalizeConfig | None = None) -> str:
    """Return the clean form of ``text``: NFC, no HTML or invisible characters, repeats capped.

    Steps, in order: HTML tags and entities stripped; invisible characters removed;
    Unicode NFC; PyThaiNLP normalization (duplicated vowels and tone marks, dangling marks);
    Thai digits to Arabic; runs of one character capped (``ดีมากกกกก`` -> ``ดีมาก``, Thai runs
    of 3+ become one character because Thai doubles letters only in pairs like ``กรรม``;
    ``soooo`` -> ``soo``); ``555...`` written ``555``; whitespace collapsed (a line break stays,
    one ``\\n``). URLs, emails, @mentions, #hashtags, emoji and voc's own placeholders (``<PHONE>``) are kept.
    Total: never raises; ``None`` or a non-string gives ``""``. Idempotent.
    """
    if not isinstance(text, str) or not text:
        return ""
    cfg = config or _DEFAULT
    if cfg.strip_html and ("<" in text or "&" in text):
        text = _strip_html(text)
    if _MAYBE_INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if THAI_RE.search(text):
        text = _thai_normalize(_collapse_spaces(text))
        if cfg.thai_digits_to_arabic and _THAI_DIGIT_RE.search(text):
            text = text.translate(_THAI_DIGITS)
    text = _cap_repeats(text, cfg.max_latin_repeat)
    if cfg.collapse_laughter and "555" in text:
        text = LAUGHTER_RE.sub(LAUGHTER_TOKEN, text)
    return _collapse_spaces(text)


def _collapse_spaces(text: str) -> str:
    """Runs of spaces become one space and line breaks one ``\\n``; blank lines and edges go.

    Line breaks stay because they end something: chat turns are joined by them, and a topic label
    phrase must not run from one turn into the next ("Hi" + "charged ..." is not "Hi charged").
    """
    if not LINE_BREAK_RE.search(text):
        return " ".join(text.split())
    return "\n".join(line for line in (" ".join(part.split()) for part in text.splitlines()) if line)


def _strip_html(text: str) -> str:
    # Unescaping can reveal a new tag or entity (&amp;lt;b&amp;gt;), so repeat to a fixed point;
    # every round that changes the text makes it shorter, so this ends.
    while True:
        stripped = _TAG_RE.sub(_tag_to_space, text)
        stripped = html.unescape(stripped) if "&" in stripped else stripped
        if stripped == text:
            return text
        text = stripped


def _tag_to_space(match: re.Match[str]) -> str:
    tag = match.group(0)
    return tag if tag in _PLACEHOLDER_SET else " "


def _thai_normalize(text: str) -> str:
    # Some rules feed others (a lakkhangyao becomes a sara aa that may then repeat), so apply
    # them to a fixed point (two rounds for real text; the bound only guards against a cycle).
    rules = _thai_rules()
    if not _needs_thai_rules(text):
        return text  # most text needs none of the rules
    for _ in range(10):
        out = text
        for pattern, repl in rules:
            out = pattern.sub(repl, out)
        if not unicodedata.is_normalized("NFC", out):
            out = unicodedata.normalize("NFC", out)
        if out == text:
            break
        text = out
    return text


ThaiRule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]
"""A compiled pattern and its replacement (a string, or a function of the match)."""
_THAI_RULES: list[ThaiRule] = []
_THAI_TRIGGERS: list[re.Pattern[str]] = []
_DANGLING: set[str] = set()


def _needs_thai_rules(text: str) -> bool:
    # A cheap superset of the rules' triggers (applying the rules to text that needs none is
    # only wasted time): plain substring tests, then two patterns that each scan fast; one
    # alternation of all the rules scans four times slower.
    if text[0] in _DANGLING or "\u0e4d" in text or "\u0e45" in text or "\u0e40\u0e40" in text:
        return True
    for trigger in _THAI_TRIGGERS:
        if trigger.search(text):
            return True
    return False


def _thai_rules() -> list[ThaiRule]:
    """PyThaiNLP's ``normalize`` rules, compiled once and merged (its own call runs ~30 regexes)."""
    if _THAI_RULES:
        return _THAI_RULES
    import pythainlp as th

    tone = th.thai_tonemarks
    above, below, follow = th.thai_above_vowels, th.thai_below_vowels, th.thai_follow_vowels
    dangling = f"{above}{below}{tone}\u0e3a\u0e4c\u0e4d\u0e4e"
    no_repeat = f"{follow}{th.thai_lead_vowels}{above}{below}\u0e3a\u0e4c\u0e4d\u0e4e"
    cons, vowels = th.thai_consonants, th.thai_vowels
    rules = [
        (rf"([{cons}])(?<![{vowels}][{cons}]) ([{dangling}])", r"\1\2"),  # "พ ุ่ม" -> "พุ่ม"
        ("\u0e40\u0e40", "\u0e41"),  # sara e + sara e -> sara ae
        (rf"([{tone}\u0e4c]++)([{above}{below}]+)", r"\2\1"),  # tone + vowel -> vowel + tone
        (rf"\u0e4d([{tone}]*)\u0e32", "\\1\u0e33"),  # nikhahit + sara aa -> sara am
        (rf"([{follow}]++)([{tone}]+)", r"\2\1"),  # follow vowel + tone -> tone + vowel
        ("([^\u0e24\u0e26])\u0e45", "\\1\u0e32"),  # lakkhangyao -> sara aa
        (rf"(?P<v>[{no_repeat}])(?: *(?P=v))+", r"\g<v>"),  # repeated vowels and signs
        (rf"[{tone}]{{2,}}", None),  # repeated tone marks: keep the last
        (rf"^[{dangling}]+", ""),  # dangling marks at the start...
        (rf" +[{dangling}]+", " "),  # ...and after a space
    ]
    for pattern, repl in rules:
        _THAI_RULES.append((re.compile(pattern), repl if repl is not None else _last_char))
    _DANGLING.update(dangling)
    _THAI_TRIGGERS.extend(
        re.compile(p)
        for p in (
            # a mark after a space (whitespace is collapsed first), tone + vowel, follow vowel
            # or tone + tone: one pair of classes covers the three
            f"[ {tone}\u0e4c{follow}][{dangling}]",
            rf"([{no_repeat}]) *\1",  # repeated vowels and signs
        )
    )
    return _THAI_RULES


def _last_char(match: re.Match[str]) -> str:
    return match.group(0)[-1]


def _cap_repeats(text: str, max_latin: int) -> str:
    def cap(match: re.Match[str]) -> str:
        run = match.group("run")
        if run is None:
            return match.group(0)
        ch = run[0]
        if ch.isspace():
            return run
        keep = 1 if _THAI_RANGE[0] <= ch <= _THAI_RANGE[1] else max_latin
        return ch * keep

    if not _ANY_REPEAT_RE.search(text):
        return text
    may_hold_link = "@" in text or "://" in text or ("." in text and "www." in text.lower())
    return (_REPEAT_RE if may_hold_link else _RUN_RE).sub(cap, text)
