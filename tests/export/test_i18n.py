"""The report's words: both catalogues complete, every key the code uses exists, locale formats."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from voc.export.i18n import EN, TH, Locale

EXPORT = Path(__file__).resolve().parents[2] / "voc" / "export"


def test_both_catalogues_have_the_same_keys_and_placeholders():
    assert set(EN) == set(TH)
    for key in EN:
        assert set(re.findall(r"{(\w+)}", EN[key])) == set(re.findall(r"{(\w+)}", TH[key])), key


def test_every_key_the_export_code_uses_exists():
    used: set[str] = set()
    for f in EXPORT.glob("*.py"):
        src = f.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:t|count)\(\s*["']([a-z_ ]+)["']""", src))
        used |= set(re.findall(r"""\bCol\(\s*["']([a-z_]+)["']""", src))
        used |= set(re.findall(r"""["'](s_[a-z_]+|badge_[a-z]+|sheet_[a-z]+)["']""", src))
    assert len(used) > 80
    used = {k for k in used if not k.endswith("_")}  # prefixes of dynamic keys (test below)
    assert sorted(used - set(EN)) == []


def test_dynamic_keys_exist():
    for prefix, values in (("kind_", ["volume", "up", "down", "neg_up", "neg_down", "new", "emerging", "sentiment",
                                      "rating", "source", "model"]),
                           ("status_", ["ok", "failed", "partial"]), ("reason_", ["volume", "negative"]),
                           ("direction_", ["pulls down", "lifts", "unclear"])):
        for v in values:
            assert prefix + v in EN and prefix + v in TH


def test_thai_is_really_thai():
    thai = [k for k, v in TH.items() if re.search(r"[\u0E00-\u0E7F]", v)]
    # almost every phrase has Thai script; the rest are symbols or shared words (NPS, %)
    assert len(thai) / len(TH) > 0.95
    assert TH["what_changed"] != EN["what_changed"]


@pytest.mark.parametrize("lang", ["en", "th"])
def test_numbers_never_show_nan_or_inf(lang):
    loc = Locale(lang)
    for v in (float("nan"), float("inf"), None, "x", float("-inf")):
        for f in (loc.whole, loc.pct, loc.signed, loc.signed_pct, loc.num, loc.signed_int):
            out = f(v)
            assert "nan" not in out.lower() and "inf" not in out.lower()
    assert loc.whole(12345.4) == "12,345"
    assert loc.pct(12.46, 1) == "12.5%"
    assert loc.signed_int(-3) == "−3" and loc.signed_pct(17) == "+17%"


def test_dates_per_locale():
    assert Locale("en").date("2026-03-02") == "2 Mar 2026"
    assert Locale("th").date("2026-03-02") == "2 มี.ค. 2026"
    assert Locale("th", buddhist_era=True).date(date(2026, 12, 31)) == "31 ธ.ค. 2569"
    assert Locale("en").date(None) == "–" and Locale("en").date("not a date") == "not a date"


def test_plural_and_unknown_language():
    assert Locale("en").count("show_topics", 1) == "1 topic"
    assert Locale("en").count("show_topics", 3) == "3 topics"
    assert Locale("th").count("show_topics", 3) == "3 หัวข้อ"
    with pytest.raises(ValueError, match="unknown report language"):
        Locale("fr")


def test_rating_differences_name_their_unit():
    from voc.export.i18n import Locale

    en, th = Locale("en"), Locale("th")
    assert en.rating_diff(5.4237, "nps_0_10") == "+5.4 NPS pts"
    assert en.rating_diff(-0.354, "stars_1_5") == "−0.35 ★"
    assert en.rating_diff(0.2, "csat_1_5") == "+0.20 CSAT pts"
    assert en.rating_diff(3.0, "custom_0_100") == "+3.00 pts"
    assert th.rating_diff(5.4237, "nps_0_10") == "+5.4 คะแนน NPS"
    assert en.rating_diff(float("nan"), "nps_0_10") == "–"
    assert en.rating_diff(-0.5, None) == "−0.50"
