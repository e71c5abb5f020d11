"""PII redaction: emails, phone numbers, Thai national IDs, payment cards and URL query strings.

Each find is replaced by a typed placeholder (``<PHONE>``, ``<EMAIL>``, ``<THAI_ID>``,
``<CARD>``) so that sentiment and topic models still read a natural sentence; URL query
strings are cut (the domain and path stay). Thai IDs are checked with their checksum and cards
with Luhn, so order numbers, prices, dates and times are left alone. A digit run of 13-19
digits that passes either check is always redacted, whatever its context: it is safer to
lose an order number than to store a card.

Person names are off by default (see ``RedactConfig``): the only offline rule is an
honorific followed by a first name from PyThaiNLP's name lists, which misses names without
a title and still hits nicknames that are ordinary words.
"""

from __future__ import annotations

import functools
import re

from voc.text.config import RedactConfig
from voc.text.patterns import EMAIL_RE, URL_RE

_DEFAULT = RedactConfig()

_SEP = r"(?:[ ]?[-.][ ]?|[ ])?"  # one separator between digit groups: "-", ".", " ", " - "
# Candidates are found by shape; ``_classify`` decides what they are by their digits.
_NUMBER_RE = re.compile(
    r"(?<![\d+])(?:"
    # Thai ID written in its 1-4-5-2-1 groups
    r"\d[- ]\d{4}[- ]\d{5}[- ]\d{2}[- ]\d"
    # cards in 4-4-4-4(-3) or Amex 4-6-5 groups
    r"|\d{4}(?:[- ]\d{4}){3}(?:[- ]?\d{1,3})?|\d{4}[- ]\d{6}[- ]\d{5}"
    # international with a plus: +66 81 234 5678, +1 (415) 555-0100, +44 20 7946 0958
    rf"|\+[1-9](?:{_SEP}\(?\d\)?){{7,14}}"
    # Thai mobile (10 digits) and landline (9 digits) starting with 0, in any grouping
    rf"|\(?0\d\)?(?:{_SEP}\(?\d\)?){{7,8}}"
    # North American: (415) 555-0100, 415-555-0100 (separators required)
    r"|\(?[2-9]\d{2}\)?[-. ]\d{3}[-. ]\d{4}"
    # any other plain run long enough to be a card or an ID
    r"|\d{13,19}"
    r")(?!\d)"
)
_LONG_RUN_RE = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
_NON_ASCII_DIGIT_RE = re.compile(r"(?![0-9])\d")
_HAS_DIGITS_RE = re.compile(r"\d(?:\D{0,3}\d){6}")  # 7+ digits close together: worth a look
_MOBILE_PREFIXES = "689"
_LANDLINE_PREFIXES = "23457"


def redact(text: str, config: RedactConfig | None = None) -> tuple[str, list[str]]:
    """Return ``text`` with personal data replaced, and the sorted PII types found.

    Types: ``EMAIL``, ``PHONE``, ``THAI_ID``, ``CARD``, ``URL_QUERY``, ``PERSON``.
    Total: never raises; a non-string gives ``("", [])``.
    """
    if not isinstance(text, str) or not text:
        return "", []
    cfg = config or _DEFAULT
    if not cfg.enabled:
        return text, []
    found: set[str] = set()
    if cfg.url_query and ("?" in text or "#" in text):
        text = _cut_url_queries(text, found)
    if cfg.email and "@" in text:
        text = _sub_counting(EMAIL_RE, "<EMAIL>", "EMAIL", text, found)
    if _HAS_DIGITS_RE.search(text):
        if _NON_ASCII_DIGIT_RE.search(text):  # Thai or other digits: read them as 0-9
            text = _NON_ASCII_DIGIT_RE.sub(lambda m: str(int(m.group())), text)
        text = _redact_numbers(text, cfg, found)
    if cfg.person_names:
        text = _redact_person_names(text, found)
    return text, sorted(found)


def _sub_counting(pattern: re.Pattern[str], placeholder: str, kind: str, text: str, found: set[str]) -> str:
    out, n = pattern.subn(placeholder, text)
    if n:
        found.add(kind)
    return out


def _cut_url_queries(text: str, found: set[str]) -> str:
    def cut(match: re.Match[str]) -> str:
        url = match.group()
        cut_at = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
        if cut_at < 0:
            return url
        found.add("URL_QUERY")
        return url[:cut_at]

    return URL_RE.sub(cut, text)


def _redact_numbers(text: str, cfg: RedactConfig, found: set[str]) -> str:
    def classify(match: re.Match[str]) -> str:
        shape = match.group()
        digits = "".join(ch for ch in shape if ch.isdigit())
        kind = _number_kind(shape, digits, cfg)
        if kind is None:
            return shape
        found.add(kind)
        return f"<{kind}>"

    text = _NUMBER_RE.sub(classify, text)
    # A phone-shaped match can hide a long run next to it; the final pass guarantees that no
    # 13-19 digit run passing the ID checksum or Luhn is left.
    if (cfg.thai_id or cfg.card) and _LONG_RUN_RE.search(text):
        text = _LONG_RUN_RE.sub(classify, text)
    return text


def _number_kind(shape: str, digits: str, cfg: RedactConfig) -> str | None:
    n = len(digits)
    if cfg.thai_id and n == 13 and is_valid_thai_id(digits):
        return "THAI_ID"
    if cfg.card and 13 <= n <= 19 and is_luhn_valid(digits):
        return "CARD"
    if not cfg.phone:
        return None
    if shape.startswith("+") or shape.startswith("(+"):
        return "PHONE" if 8 <= n <= 15 else None
    if digits[0] == "0":
        if n == 10 and digits[1] in _MOBILE_PREFIXES:
            return "PHONE"
        if n == 9 and digits[1] in _LANDLINE_PREFIXES:
            return "PHONE"
        return None
    if n == 10 and not shape.isdigit() and _looks_north_american(shape):
        return "PHONE"
    return None


def _looks_north_american(shape: str) -> bool:
    # 415-555-0100 / (415) 555-0100; plain digit runs and dates are not phones.
    groups = re.findall(r"\d+", shape)
    return [len(g) for g in groups] == [3, 3, 4]


def is_valid_thai_id(digits: str) -> bool:
    """Whether 13 digits pass the Thai national ID checksum."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    total = sum(int(d) * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def is_luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn check used by payment cards."""
    if not digits.isdigit():
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = int(d)
        if i % 2:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


_HONORIFIC_TH = ("นางสาว", "คุณ", "นาย", "นาง", "น.ส.", "ด.ช.", "ด.ญ.")
_PERSON_EN_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Khun)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")


def _redact_person_names(text: str, found: set[str]) -> str:
    text, n = _PERSON_EN_RE.subn("<PERSON>", text)
    if n:
        found.add("PERSON")
    names_re = _thai_person_re()

    def replace(match: re.Match[str]) -> str:
        found.add("PERSON")
        return "<PERSON>"

    return names_re.sub(replace, text)


@functools.cache
def _thai_person_re() -> re.Pattern[str]:
    from pythainlp.corpus import thai_female_names, thai_male_names

    # Longest names first so "สมชาย" wins over "สม"; a surname after one space goes too.
    names = sorted(set(thai_female_names()) | set(thai_male_names()), key=len, reverse=True)
    honorifics = "|".join(re.escape(h) for h in _HONORIFIC_TH)
    first = "|".join(re.escape(n) for n in names if len(n) >= 2)
    return re.compile(rf"(?:{honorifics})\s?(?:{first})(?:\s[\u0e01-\u0e4e]{{3,}})?")
