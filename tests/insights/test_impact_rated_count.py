"""A theme with ratings but too few on the other side to compare shows its rated count, not 0."""

from __future__ import annotations

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.impact import theme_impact_table

WEEK = "2026-W48"


def test_a_theme_too_lopsided_to_compare_still_counts_its_ratings():
    rows = [{"theme_id": "G1", "theme_label": "app crash", "iso_week": WEEK, "sentiment": "negative",
             "source": "reviews", "rating": float(1 + i % 2)} for i in range(12)]
    rows.append({"theme_id": "G2", "theme_label": "delivery", "iso_week": WEEK, "sentiment": "neutral",
                 "source": "reviews", "rating": 4.0})
    rows.append({"theme_id": "G2", "theme_label": "delivery", "iso_week": WEEK, "sentiment": "neutral",
                 "source": "forum", "rating": None})
    out = theme_impact_table(WEEK, pd.DataFrame(rows), InsightsConfig()).set_index("theme_id")
    assert out.loc["G1", "rated_with"] == 12 and out.loc["G1", "rating_source"] == "reviews"
    assert pd.isna(out.loc["G1", "rating_effect"])  # one rating outside the theme: nothing to compare with
    assert out.loc["G2", "rated_with"] == 1
