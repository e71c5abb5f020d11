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
import itertools
import re

from voc.text.config import RedactConfig
from voc.text.patterns import PII_EMAIL_HINT_RE, PII_EMAIL_RE, URL_RE

_DEFAULT = RedactConfig()

# Numbers are read on a "matching copy" of the text in which every character that can stand in a
# number is folded to its ASCII form one for one (Thai and full-width digits, no-break and other
# spaces, Unicode dashes, full-width + ( ) . /), so positions in the copy are positions in the text:
# what is found is cut from the text as written, and numbers that are not PII keep their digits.
_FOLD_CHARS = {
    **{c: " " for c in "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000\t"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"},
    "\uff0b": "+", "\uff08": "(", "\uff09": ")", "\uff0e": ".", "\uff0f": "/",
}
_NEEDS_FOLD_RE = re.compile("(?![0-9])\\d|[" + "".join(_FOLD_CHARS) + "]")


@functools.cache
def _fold_table() -> dict[int, str]:
    import sys
    import unicodedata

    table = {ord(k): v for k, v in _FOLD_CHARS.items()}
    for cp in range(0x80, min(sys.maxunicode, 0x1FFFF)):
        d = unicodedata.decimal(chr(cp), None)
        if d is not None:
            table[cp] = str(d)
    return table


# Dates and IP addresses are masked in the matching copy before numbers are read, so that
# "05-11-2026 9:30" is a date and a time, never a 9-digit landline.
_DATE_RE = re.compile(
    r"(?<![0-9])(?<![0-9][-./])(?:"
    r"(?P<a>[0-9]{1,2})(?P<s1>[-./])(?P<b>[0-9]{1,2})(?P=s1)(?P<y>[0-9]{4}|[0-9]{2})"
    r"|(?P<y2>[0-9]{4})(?P<s2>[-./])(?P<m2>[0-9]{1,2})(?P=s2)(?P<d2>[0-9]{1,2})"
    r")(?![0-9])(?![-./][0-9])"
)
_IP_RE = re.compile(r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|\.[0-9])")
# One separator between digit groups: up to two spaces, one or two of - . / ( ) and up to two line
# breaks before or after them, in any mix ("081-234-5678", "081  234 5678", "0 2345 67890 12 3",
# "+66 (0)81 ...", "081-\n234", "081-987\n-6543", a blank line between); a line break may also be
# written as a JSON escape (a raw row quoted as JSON text: "081\\n234\\n5678") or an HTML <br> (raw
# text is redacted before its tags are stripped).
_BREAK = r"(?:\r?\n|[\r\x85\u2028\u2029]|\\[nrt]|<[bB][rR]\s*/?>)"
_SEP = (rf"(?=[ \-./()\r\n\\<\x85\u2028\u2029])[ ]{{0,2}}(?:{_BREAK}[ ]{{0,2}}){{0,2}}[-./()]{{0,2}}[ ]{{0,2}}"
        rf"(?:{_BREAK}[ ]{{0,2}}){{0,2}}")
_CHAIN_RE = re.compile(
    rf"(?<![0-9])(?<![0-9]\.)\(?(?P<plus>\+[ ]?)?\(?[0-9]+(?:{_SEP}[0-9]+)*"
)
_GROUP_RE = re.compile(r"[0-9]+")
_LONG_RUN_RE = re.compile(r"(?<![0-9])[0-9]{13,19}(?![0-9])")
DIGIT_CLUSTER_RE = re.compile(r"\d(?:\D{0,12}\d){6}")
"""Seven digits close together (any script): a text without them holds no phone, ID or card."""
_URL_HINT_RE = re.compile(r"://|www\.", re.IGNORECASE)  # URL_RE needs one of these: most "#" are hashtags
_MOBILE_PREFIXES = "689"
_LANDLINE_PREFIXES = "234567"
_MAX_DIGITS = 19


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
    if cfg.url_query and ("?" in text or "#" in text) and _URL_HINT_RE.search(text):
        text = _cut_url_queries(text, found)
    if cfg.email and PII_EMAIL_HINT_RE.search(text):
        text = _redact_emails(text, found)
    if (cfg.phone or cfg.thai_id or cfg.card) and DIGIT_CLUSTER_RE.search(text):
        text = _redact_numbers(text, cfg, found)
    if cfg.person_names:
        text = _redact_person_names(text, found)
    return text, sorted(found) if found else []


def _cut_url_queries(text: str, found: set[str]) -> str:
    def cut(match: re.Match[str]) -> str:
        url = match.group()
        cut_at = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=-1)
        if cut_at < 0:
            return url
        found.add("URL_QUERY")
        return url[:cut_at]

    return URL_RE.sub(cut, text)


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def _redact_emails(text: str, found: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        local = match.group("local")
        # Thai writers glue an address to the word before it ("ส่งมาที่abc@gmail.com"): where Thai
        # turns straight into Latin letters or digits the address starts; a Thai local part
        # ("สมชาย@...", "สมชาย.k@...") is redacted whole.
        keep = 0
        for i in range(len(local) - 1, 0, -1):
            if _is_thai(local[i - 1]) and local[i].isascii() and local[i].isalnum():
                keep = i
                break
        found.add("EMAIL")
        return local[:keep] + "<EMAIL>"

    return PII_EMAIL_RE.sub(replace, text)


def _redact_numbers(text: str, cfg: RedactConfig, found: set[str]) -> str:
    copy = text.translate(_fold_table()) if _NEEDS_FOLD_RE.search(text) else text
    if "." in copy or "-" in copy or "/" in copy:
        copy = _IP_RE.sub(lambda m: "#" * len(m.group()), copy)
        copy = _DATE_RE.sub(lambda m: "#" * len(m.group()) if _is_date(m) else m.group(), copy)
    spans: list[tuple[int, int, str]] = []
    for chain in _CHAIN_RE.finditer(copy):
        spans.extend(_chain_spans(chain, cfg))
    # A shape the chain misses (a card glued to letters: "card4111...") still cannot pass: every
    # 13-19 digit run that passes the ID checksum or Luhn goes, whatever its context.
    if cfg.thai_id or cfg.card:
        for run in _LONG_RUN_RE.finditer(copy):
            if any(s < run.end() and run.start() < e for s, e, _ in spans):
                continue
            kind = _long_number_kind(run.group(), 1, [len(run.group())], cfg)
            if kind:
                spans.append((run.start(), run.end(), kind))
    if not spans:
        return text
    spans.sort()
    out, at = [], 0
    for s, e, kind in spans:
        out.append(text[at:s])
        out.append(f"<{kind}>")
        found.add(kind)
        at = e
    out.append(text[at:])
    return "".join(out)


def _is_date(m: re.Match[str]) -> bool:
    if m.group("y2"):
        year, month, day = int(m.group("y2")), int(m.group("m2")), int(m.group("d2"))
        return (1900 <= year <= 2100 or 2400 <= year <= 2700) and 1 <= month <= 12 and 1 <= day <= 31
    a, b, y = int(m.group("a")), int(m.group("b")), m.group("y")
    if len(y) == 4 and not (1900 <= int(y) <= 2100 or 2400 <= int(y) <= 2700):
        return False
    return 1 <= a <= 31 and 1 <= b <= 31 and (a <= 12 or b <= 12)


def _chain_spans(chain: re.Match[str], cfg: RedactConfig) -> list[tuple[int, int, str]]:
    """The PII inside one run of digit groups: at each group, the longest window that is PII."""
    groups = [(g.start(), g.end(), g.group()) for g in _GROUP_RE.finditer(chain.group())]
    seps = [chain.group()[a[1] : b[0]] for a, b in itertools.pairwise(groups)]
    base = chain.start()
    total = sum(len(g) for _, _, g in groups)
    if total < 7:
        return []
    plus = chain.group("plus") is not None
    spans = []
    i = 0
    while i < len(groups):
        best = None
        n, lengths = 0, []
        for j in range(i, len(groups)):
            n += len(groups[j][2])
            lengths.append(len(groups[j][2]))
            if n > _MAX_DIGITS:
                break
            digits = "".join(g for _, _, g in groups[i : j + 1])
            kind = _window_kind(digits, lengths, plus and i == 0, cfg, seps[i:j])
            if kind:
                best = (j, kind)
        if best is None:
            i += 1
            continue
        j, kind = best
        start, end = groups[i][0], groups[j][1]
        if i == 0:  # the window at the chain's start takes its "+", and a "(" closed inside it
            head = chain.group()[:start]
            start = 0 if "(" not in head or ")" in chain.group()[start:end] else head.index("(") + 1
        spans.append((base + start, base + end, kind))
        i = j + 1
    return spans


def _window_kind(digits: str, lengths: list[int], after_plus: bool, cfg: RedactConfig, seps: list[str]) -> str | None:
    n = len(digits)
    if after_plus:  # +66 81 234 5678, +66 (0)81 ..., +1 (415) 555-0100
        return "PHONE" if cfg.phone and 8 <= n <= 15 else None
    if n >= 13:
        return _long_number_kind(digits, len(lengths), lengths, cfg)
    if not cfg.phone:
        return None
    if len(lengths) > 5 and not (len(set(seps)) == 1 and max(lengths) == 1):
        return None  # more than five groups: only digits spaced out one by one ("0 8 1 2 3 4 5 6 7 8")
    if digits[0] == "0":
        if n == 10 and digits[1] in _MOBILE_PREFIXES:
            return "PHONE"
        if n == 9 and digits[1] in _LANDLINE_PREFIXES:
            return "PHONE"
        return None
    if len(lengths) > 5:
        return None
    if n == 11 and digits.startswith("66") and digits[2] in _MOBILE_PREFIXES and len(lengths) > 1:
        return "PHONE"  # 66 81 234 5678: the country code without its plus
    # North American 415-555-0100 / (415) 555-0100 / 1-800-555-0100: exactly these groups, with a dash,
    # dot or bracket among the separators ("100 200 5000" is a list of numbers).
    if not any(c in sep for sep in seps for c in "-.)"):
        return None
    if lengths == [3, 3, 4] and digits[0] in "23456789" and digits[3] in "23456789":
        return "PHONE"
    if lengths == [1, 3, 3, 4] and digits[0] == "1" and digits[1] in "23456789":
        return "PHONE"
    return None


def _long_number_kind(digits: str, n_groups: int, lengths: list[int], cfg: RedactConfig) -> str | None:
    n = len(digits)
    if cfg.thai_id and n == 13 and n_groups <= 6 and is_valid_thai_id(digits):
        return "THAI_ID"
    # Cards are written in groups of three or more (4-4-4-4, 4-6-5, 4-4-4-4-3), the last may be short.
    if cfg.card and 13 <= n <= 19 and n_groups <= 6 and all(k >= 3 for k in lengths[:-1]) and is_luhn_valid(digits):
        return "CARD"
    return None


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
