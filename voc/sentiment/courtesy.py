"""Courtesy formulae a model should not score: the greeting that opens a message and the thanks that closes it.

Customer-service text is polite: "สวัสดีค่ะ ... ขอบคุณค่ะ", "Hi, ... Thanks". A sentiment model trained on
social media reads "ขอบคุณค่ะ" as praise and "สวัสดีค่ะ" as small talk, so a complaint that ends with
thanks came out positive and one that opens with a greeting neutral (8 of 12 double-charge and
delivery complaints turned positive with "ขอบคุณค่ะ" appended). Before a message is scored, a greeting
(with who it is addressed to: "แอดมิน", "admin", "team") at its start, a thanks or sign-off at its end,
and chat turns that are nothing else are left out. ``SentimentModel.predict`` (what the pipeline stores)
scores messages this way; a model's card reports the model on texts as written. Only whole formulae
go: "ขอบคุณที่ช่วยนะคะ" (thanks for helping) is praise and stays, and a message that is nothing but
courtesy ("ขอบคุณค่ะ", "thanks!") is scored as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_TH_POLITE = r"(?:ค่ะ|คะ|ค่า|คร่ะ|ครับ|คร้าบ|ครัช|คับ|ค้าบ|งับ|ฮับ|จ้า|จ้ะ|จ๊ะ|นะ|น้า|ฮะ|ผม|เลย)*"
_GREETING = (
    rf"(?:สวัสดี{_TH_POLITE}|หวัดดี{_TH_POLITE}|ดี(?:ค่ะ|คะ|ครับ|คับ|ค้าบ|จ้า|งับ){_TH_POLITE}"
    r"|เรียน(?=\s*(?:คุณ|ท่าน|แอดมิน|ทีม|เจ้าหน้าที่|ฝ่าย|ผู้))|(?:hi+|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening)"
    r"|sawasdee\w*)(?![a-z]))"
)
_ADDRESS = (
    rf"(?:(?:แอดมิน|แอด|admin|ทีมงาน|ทีม|เจ้าหน้าที่|ฝ่ายบริการลูกค้า|ท่านผู้เกี่ยวข้อง|ผู้เกี่ยวข้อง|team|support|sir|madam|there|everyone|all|ka|krub|krap){_TH_POLITE}"
    r"(?![a-z]))"
)
_THANKS = (
    rf"(?:(?:ขอบคุณ|ขอบใจ|ขอบพระคุณ|ขอบคุน)(?:มาก|มากๆ|ๆ|อย่างสูง|ล่วงหน้า|เลย|จริงๆ|นะ)*{_TH_POLITE}(?:ล่วงหน้า{_TH_POLITE})?"
    r"|(?:many\s+)?thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much|\s+a\s+lot|\s+in\s+advance|\s+again)?"
    r"|thx|thanx|tks|tq|ty|tia|cheers|(?:best\s+|kind\s+)?regards|sincerely)(?![a-z])"
)
_ADDRESS_ALONE = rf"(?:(?:แอดมิน|admin|ทีมงาน){_TH_POLITE}(?![a-z]))"
_GAP = r"(?:[^\w\u0e00-\u0e7f]|_|5{3,}\+*|\b[xX][dD]\b)*"  # spaces, punctuation, emoji, ^^, 555, xD
_COURTESY_MARKS = set("🙏🙂😊☺🥺❤♥💕💖💗💓😘🥰🤗😀😁😃😄🌷🌸^")
"""Marks that go with a greeting or thanks; other marks after the thanks (😡, 555) are the customer's and stay."""
_LEAD_RE = re.compile(rf"^{_GAP}(?:{_GREETING}(?:{_GAP}{_ADDRESS})?|{_ADDRESS_ALONE}(?={_GAP}[,\n]))", re.IGNORECASE)
_TRAIL_RE = re.compile(rf"(?:^|(?<=[\s,.!~:;)\u0e00-\u0e7f]))(?:{_THANKS})(?P<tail>{_GAP})$", re.IGNORECASE)
_LINE_RE = re.compile(rf"^{_GAP}(?:(?:{_GREETING}|{_THANKS}|{_ADDRESS_ALONE}){_GAP})+$", re.IGNORECASE)
_LETTERS_RE = re.compile(r"[A-Za-z\u0e01-\u0e2e]")
COURTESY_VERSION = 2
"""Bumped when the rules change what is left out (scores of the same model may then differ)."""
MIN_LEFT_LETTERS = 4
"""What must remain after the formulae go; with less, the message is scored as written."""


def strip_courtesy(text: str) -> str:
    """``text`` without its opening greeting, closing thanks and courtesy-only lines, when something is left."""
    if not isinstance(text, str) or not text:
        return text
    lines = [ln for ln in text.split("\n") if not _LINE_RE.match(ln)]
    out = "\n".join(lines) if len(lines) < text.count("\n") + 1 else text
    for _ in range(3):  # "สวัสดีค่ะ แอดมิน", "thanks, regards"
        before = out
        lead = _LEAD_RE.sub("", out, count=1)
        if lead != out:
            out = lead.lstrip(" ,.!~:;-\n")
        trail = _TRAIL_RE.sub(_kept_tail, out)
        if trail != out:
            out = trail.rstrip(" ,~:;-\n")
        if out == before:
            break
    return out if len(_LETTERS_RE.findall(out)) >= MIN_LEFT_LETTERS else text


def _kept_tail(m: re.Match[str]) -> str:
    """What follows a closing thanks that is the customer's feeling, not courtesy: "😡", "555"."""
    kept = []
    for piece in re.findall(r"5{3,}\+*|\b[xX][dD]\b|\S", m.group("tail")):
        ch = piece[0]
        cat = unicodedata.category(ch)
        if len(piece) > 1 or (cat == "So" and ch not in _COURTESY_MARKS):
            kept.append(piece)
    return "".join(kept)


def strip_courtesy_all(texts: Sequence[str]) -> list[str]:
    """:func:`strip_courtesy` of every text (non-strings become empty texts)."""
    return [strip_courtesy(t) if isinstance(t, str) else "" for t in texts]
