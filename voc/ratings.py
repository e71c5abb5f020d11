"""Rating scales: what a source's ``rating`` means, and the only ways voc summarises one.

Every source that maps a rating column declares its scale (``rating_scale`` in the source's config):
``stars_1_5``, ``csat_1_5``, ``nps_0_10``, or a custom ``{min: 0, max: 100}``. Records keep the raw
value and the scale's name (``stars_1_5``, ``custom_0_100``...). Figures are never pooled across
scales: a 1-5 scale is summarised by its mean, ``nps_0_10`` by the Net Promoter Score (% promoters
9-10 minus % detractors 0-6) with its base count. A value outside its scale is quarantined at ingest.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, model_validator

NAMED_SCALES: dict[str, tuple[float, float]] = {
    "stars_1_5": (1.0, 5.0), "csat_1_5": (1.0, 5.0), "nps_0_10": (0.0, 10.0),
}
"""Built-in scales and their bounds (inclusive)."""
NPS_SCALE = "nps_0_10"
PROMOTER_MIN, DETRACTOR_MAX = 9.0, 6.0


class CustomScale(BaseModel):
    """A scale of its own: ``{min: 0, max: 100}``; summarised by its mean, like stars."""

    model_config = ConfigDict(extra="forbid")

    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> CustomScale:
        if not (math.isfinite(self.min) and math.isfinite(self.max)) or self.min >= self.max:
            raise ValueError(f"rating_scale min ({self.min}) must be a number below max ({self.max})")
        return self


RatingScale = Literal["stars_1_5", "csat_1_5", "nps_0_10"] | CustomScale
"""What a source's ``rating_scale`` setting may be."""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x)).replace(".", "p").replace("-", "m")


def scale_name(scale: RatingScale) -> str:
    """The name stored with each record: the built-in name, or ``custom_<min>_<max>``."""
    if isinstance(scale, CustomScale):
        return f"custom_{_num(scale.min)}_{_num(scale.max)}"
    return scale


def _unnum(s: str) -> float:
    return float(s.replace("m", "-").replace("p", "."))


def scale_bounds(name: str) -> tuple[float, float] | None:
    """``(min, max)`` of a stored scale name; None for a name voc does not know."""
    if name in NAMED_SCALES:
        return NAMED_SCALES[name]
    parts = name.split("_") if isinstance(name, str) else []
    if len(parts) == 3 and parts[0] == "custom":
        try:
            return _unnum(parts[1]), _unnum(parts[2])
        except ValueError:
            return None
    return None


_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "ศูนย์": 0, "หนึ่ง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6, "เจ็ด": 7,
    "แปด": 8, "เก้า": 9, "สิบ": 10,
}
_FILLED_STARS, _EMPTY_STARS = "★⭐🌟", "☆"
_UNIT = rf"(?:ดาว|stars?|คะแนน|คะเเนน|points?|pts?|แต้ม|[{_FILLED_STARS}])"
_OUT_OF = r"(?:จาก|out\s+of|of|เต็ม)"
_RATING_RE = re.compile(
    rf"^(?:(?:rating|score|stars?|คะแนน|คะเเนน|ให้|ดาว|[{_FILLED_STARS}])\s*[:=]?\s*)?"
    rf"(?P<sign>[-−])?(?P<n>\d+(?:[.,]\d+)?|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))})"
    rf"\s*(?:/\s*(?P<of>\d+(?:\.\d+)?)|{_OUT_OF}\s*(?P<of2>\d+(?:\.\d+)?))?"
    rf"\s*{_UNIT}?\s*(?:{_OUT_OF}\s*(?P<of3>\d+(?:\.\d+)?)\s*{_UNIT}?)?$",
    re.IGNORECASE,
)
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2060\ufeff\ufe0f]")
_TRAILING_RE = re.compile(r"(?:[\s!.~,;:。]|ค่ะ|คะ|ครับ|คับ|จ้า|จ้ะ|นะ|น้า)+$")
_BLANK_WORDS = frozenset({"n/a", "na", "n.a.", "-", "--", "—", "–", "null", "none", "nan", "nil", "ไม่มี",
                          "ไม่ระบุ", "ไม่ได้ให้คะแนน", "#n/a"})
"""What people and exports write in a cell to mean "no rating given": counted as blank, not unreadable."""


def read_rating(value: object) -> tuple[float | None, float | None]:
    """The number a rating cell holds and, where it was written, what it is out of.

    Reads numbers, number text with Thai or full-width digits, and the ways people type a rating:
    ``"4 ดาว"``, ``"1 star"``, ``"4/5"``, ``"8 out of 10"``, ``"คะแนน 4"``, ``"ห้าดาว"``, ``"4,5"``,
    ``"★★★★☆"``, ``"5 stars!!"``, ``"⭐ 5"``, ``"4 of 5"``, ``"-2"`` (a sign is kept, so the value can be
    found outside its scale). ``(None, None)`` for an empty cell, one that says none was given (``"N/A"``,
    ``"-"``, ``"null"``), or one with no readable rating (``"ดีมาก"``, ``"4-5"``); tell them apart with
    :func:`is_blank_rating`.
    """
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        return (v, None) if math.isfinite(v) else (None, None)
    text = unicodedata.normalize("NFKC", str(value)).translate(_THAI_DIGITS)
    text = _INVISIBLE_RE.sub("", text).strip().lower()
    if not text or text in _BLANK_WORDS:
        return None, None
    if not text.endswith(("...", "…")):  # "5 stars!!", "4.", "5 ดาวค่ะ"; "4..." stays unsure
        text = _TRAILING_RE.sub("", text) or text
    if set(text) <= set(_FILLED_STARS + _EMPTY_STARS + " \ufe0f"):
        filled = sum(text.count(c) for c in _FILLED_STARS)
        empty = text.count(_EMPTY_STARS)
        return float(filled), (float(filled + empty) if empty else None)
    m = _RATING_RE.match(text)
    if m is None:
        return None, None
    n = m.group("n")
    if "," in n and len(n.split(",")[1]) > 2:
        return None, None  # "1,000": a thousands separator or a list, not a decimal comma
    v = float(_NUMBER_WORDS[n]) if n in _NUMBER_WORDS else float(n.replace(",", "."))
    if m.group("sign"):
        v = -v  # "-2" is read as written: on a 1-5 scale it is then quarantined, not kept as unreadable
    of = m.group("of") or m.group("of2") or m.group("of3")
    return v, (float(of) if of else None)


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def is_blank_rating(value: object) -> bool:
    """Whether a rating cell is empty (no rating given), as opposed to holding text voc cannot read."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if not isinstance(value, str):
        return False
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", value)).strip().lower()
    return not text or text in _BLANK_WORDS


def rating_problem(value: object, scale: str) -> str | None:
    """Why ``value`` cannot be a rating on ``scale`` (a quarantine reason), or None.

    Missing and unreadable values are not problems here: the record is kept without a rating (and
    ingest notes the unreadable ones). A rating written out of another maximum than the scale's
    ("8/10" on ``stars_1_5``) is a problem: voc does not guess how to convert it.
    """
    v, of = read_rating(value)
    if v is None:
        return None
    bounds = scale_bounds(scale)
    if bounds is None:
        return None
    lo, hi = bounds
    shown = _shown_rating(v)
    if of is not None and of != hi:
        return f"rating {shown}/{_shown_rating(of)} is written on another scale than {scale} ({lo:g}-{hi:g})"
    if v < lo or v > hi:
        return f"rating {shown} outside its scale {scale} ({lo:g}-{hi:g})"
    return None


def _shown_rating(v: float) -> str:
    """A rating for a quarantine reason. A long number is not printed: a rating cell that holds one is
    most likely a phone, an ID or an order number in the wrong column (personal data, not a score)."""
    if abs(v) >= 10_000:
        return f"(a number of {len(str(int(abs(v))))} digits, not shown)"
    return f"{v:g}"


def nps(values: Iterable[float]) -> dict:
    """Net Promoter Score of 0-10 answers: ``nps`` (-100..100, one decimal), the three counts and ``rated``."""
    v = np.asarray([x for x in values if x is not None and not math.isnan(x)], dtype=float)
    n = len(v)
    promoters, detractors = int((v >= PROMOTER_MIN).sum()), int((v <= DETRACTOR_MAX).sum())
    return {
        "rated": n, "promoters": promoters, "passives": n - promoters - detractors, "detractors": detractors,
        "nps": round(100.0 * (promoters - detractors) / n, 1) if n else math.nan,
    }


RATING_STATS_COLUMNS = ["rating_scale", "rated", "mean_rating", "nps", "promoters", "passives", "detractors"]


def rating_stats(rated: pd.DataFrame) -> pd.DataFrame:
    """One row per scale of ``rated`` (``rating``, ``rating_scale``): a mean for 1-5 and custom scales,
    the NPS for ``nps_0_10`` (its ``mean_rating`` stays empty: a mean of 0-10 answers is not NPS)."""
    rows = []
    d = rated[rated["rating"].notna()] if len(rated) else rated
    scales = d["rating_scale"].astype(object).where(d["rating_scale"].notna(), "unknown") if len(d) else d
    for scale in sorted(set(scales)) if len(d) else []:
        values = d.loc[scales == scale, "rating"].astype(float)
        if scale == NPS_SCALE:
            rows.append({"rating_scale": scale, "mean_rating": math.nan, **nps(values)})
        else:
            rows.append({"rating_scale": scale, "rated": len(values), "mean_rating": round(float(values.mean()), 2),
                         "nps": math.nan, "promoters": math.nan, "passives": math.nan, "detractors": math.nan})
    return pd.DataFrame(rows, columns=RATING_STATS_COLUMNS)


def single_scale_mean(stats: pd.DataFrame) -> float:
    """The mean rating when every rating is on one mean scale (so one number is honest), else NaN."""
    if len(stats) == 1 and stats["rating_scale"].iloc[0] != NPS_SCALE:
        return float(stats["mean_rating"].iloc[0])
    return math.nan


__all__ = [
    "CustomScale",
    "NAMED_SCALES",
    "NPS_SCALE",
    "RATING_STATS_COLUMNS",
    "RatingScale",
    "nps",
    "rating_problem",
    "rating_stats",
    "scale_bounds",
    "scale_name",
    "single_scale_mean",
]
