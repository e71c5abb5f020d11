"""What changed: sentences agree with the tables they come from, in both languages, with evidence."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from voc.export.changes import ratings_by_scale, what_changed
from voc.export.config import ExportConfig
from voc.export.i18n import Locale
from voc.export.report import render_report, theme_badges
from voc.insights.config import InsightsConfig
from voc.insights.synthetic import (
    planted_records,
    planted_run_log,
    planted_topic_registry,
)
from voc.insights.tables import build_weekly_tables

WEEK = "2026-W10"


@pytest.fixture(scope="module")
def tables():
    records = planted_records(WEEK, seed=3)
    return build_weekly_tables(WEEK, records, planted_topic_registry(WEEK),
                               planted_run_log(WEEK, records, failed=("line_oa",)),
                               InsightsConfig(segment_fields=["product"]))


def _by_kind(sentences):
    out: dict[str, list] = {}
    for s in sentences:
        out.setdefault(s.kind, []).append(s)
    return out


def test_sentences_carry_the_tables_counts(tables):
    s = tables["summary"].iloc[0]
    tw = tables["theme_week"]
    got = _by_kind(what_changed(tables, Locale("en")))
    vol = got["volume"][0]
    assert vol.evidence == {"records": int(s["records"]), "prev_records": int(s["prev_records"])}
    assert f"{int(s['records'])} messages this week" in vol.text

    real = tw[tw["theme_id"] != "other"]
    up = real.sort_values("change_abs", ascending=False).iloc[0]
    assert got["up"][0].theme_id == up["theme_id"] and got["up"][0].evidence["volume"] == up["volume"]
    assert got["up"][0].evidence["change_abs"] == up["change_abs"]
    down = real.sort_values("change_abs").iloc[0]
    if down["change_abs"] <= -3:
        assert got["down"][0].theme_id == down["theme_id"]
    else:  # no theme fell by enough to be called a mover
        assert "down" not in got

    # new and emerging sentences name exactly the themes the table marks
    new_ids = set(tw.loc[tw["is_new"], "theme_id"])
    assert {x.theme_id for x in got["new"]} == new_ids and new_ids == {"t005"}
    emerging_ids = set(tw.loc[tw["is_emerging"] & ~tw["is_new"], "theme_id"])
    assert {x.theme_id for x in got["emerging"]} == emerging_ids and "t002" in emerging_ids


def test_emerging_reason_is_words_from_the_trend(tables):
    tw = tables["theme_week"].set_index("theme_id")
    login = next(x for x in what_changed(tables, Locale("en")) if x.kind == "emerging" and x.theme_id == "t002")
    usual = tw.at["t002", "baseline_weekly_mean"]  # the emerging test's baseline: earlier weeks with data
    assert re.search(rf"{int(tw.at['t002', 'volume'])} messages this week; usually about {usual:.0f}", login.text) \
        or f"usually about {usual:.1f}" in login.text
    assert login.evidence["baseline_weeks"] == tw.at["t002", "baseline_weeks"] >= 2
    assert "q =" not in login.text and "expected" not in login.text  # no statistics jargon


def test_theme_sentences_have_a_quote_from_the_theme(tables):
    qw = tables["quote_week"]
    for x in what_changed(tables, Locale("en")):
        if x.theme_id:
            assert x.quote and x.quote["text"] in set(qw.loc[qw["theme_id"] == x.theme_id, "text"])
            assert x.quote["channel"] and x.quote["created_date"]


def test_failed_source_model_and_rating_are_said(tables):
    got = _by_kind(what_changed(tables, Locale("en")))
    assert "line_oa" in got["source"][0].text and "connection refused" in got["source"][0].text
    assert "synthetic@0" in got["model"][0].text
    assert got["rating"][0].evidence["n"] == int(tables["summary"].iloc[0]["rated"])


def test_a_per_scale_rating_table_is_read_when_present(tables):
    t = dict(tables)
    t["rating_week"] = pd.DataFrame([  # the per-scale table's columns (never one mean across scales)
        {"rating_scale": "stars_1_5", "sources": "app_store", "rated": 40, "mean_rating": 3.9, "nps": None,
         "prev_mean_rating": 4.1, "prev_nps": None},
        {"rating_scale": "nps_0_10", "sources": "survey", "rated": 25, "mean_rating": None, "nps": -12.0,
         "prev_mean_rating": None, "prev_nps": 4.0},
    ])
    assert [r["scale"] for r in ratings_by_scale(t)] == ["stars_1_5", "nps_0_10"]
    texts = [x.text for x in what_changed(t, Locale("en")) if x.kind == "rating"]
    assert texts == ["Stars 1–5 (app_store): mean rating 3.90 from 40 ratings (4.10 last week).",
                     "NPS 0–10 (survey): NPS −12 from 25 answers (+4 last week)."]
    page = render_report(WEEK, t, ExportConfig())
    assert "Stars 1–5: 3.90 (n = 40)" in page and "NPS 0–10: NPS −12 (n = 25)" in page
    assert "All rated sources" not in page


def test_thai_sentences_are_thai(tables):
    en = what_changed(tables, Locale("en"))
    th = what_changed(tables, Locale("th"))
    assert [x.kind for x in en] == [x.kind for x in th]
    assert [x.evidence for x in en] == [x.evidence for x in th]  # same counts, other words
    for x in th:
        assert re.search(r"[\u0E00-\u0E7F]", x.text), x.text
        assert " messages" not in x.text and "last week" not in x.text


@pytest.mark.parametrize("lang", ["en", "th"])
def test_report_numbers_and_badges_agree_with_the_tables(tables, lang):
    page = render_report(WEEK, tables, ExportConfig(report_language=lang))
    assert page.index('id="summary"') < page.index('id="headline"') < page.index('id="themes"')
    tw = tables["theme_week"]
    tw = tw[tw["volume"] > 0]
    rows = dict(re.findall(r'<tr class="theme" data-theme="([^"]+)" data-badges="([^"]*)"', page))
    assert set(rows) == set(tw["theme_id"])
    for r in tw.to_dict("records"):
        badges = rows[r["theme_id"]].split()
        assert badges == theme_badges(r)
        if "badge_volume" in badges:  # "above usual volume" only where the volume test flagged it
            assert "volume" in r["emerging_signals"]
        assert ("badge_new" in badges) == bool(r["is_new"])
    # the tiles count what the table marks
    tiles = re.findall(r'<div class="tile" data-tile="(\d)"><div class="k">[^<]*</div><div class="n">([^<]*)<', page)
    tiles = dict(tiles)
    assert int(tiles["3"]) == sum("badge_new" in b.split() for b in rows.values())
    assert int(tiles["4"]) == sum(("badge_volume" in b.split() or "badge_negative" in b.split()) for b in rows.values())
    assert "nan" not in re.sub(r"<[^>]+>", " ", page).split()


def test_a_falling_theme_gets_no_rising_badge():
    tw = pd.DataFrame([{"theme_id": "g1", "is_new": False, "is_emerging": True, "emerging_signals": "negative_share",
                        "change_abs": -7}])
    assert theme_badges(tw.iloc[0].to_dict()) == ["badge_negative"]


def test_one_message_is_said_in_the_singular(tables):
    t = dict(tables)
    tw = t["theme_week"].copy()
    real = tw[tw["theme_id"] != "other"]
    down = real.sort_values("change_abs").index[0]
    tw.loc[down, ["volume", "prev_volume", "change_abs"]] = [1, 6, -5]
    tw.loc[tw["theme_id"] == "t005", "volume"] = 1  # the new theme
    t["theme_week"] = tw
    got = _by_kind(what_changed(t, Locale("en")))
    assert "fell most: 1 message, −5" in got["down"][0].text
    assert got["new"][0].text.endswith(", 1 message this week.")
    assert not [s.text for s in what_changed(t, Locale("en")) if " 1 messages" in s.text]
    th = _by_kind(what_changed(t, Locale("th")))
    assert "1 ข้อความ" in th["down"][0].text
