"""Rating drivers recover planted effects on the mean rating."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.insights.config import InsightsConfig
from voc.insights.drivers import rating_drivers
from voc.insights.synthetic import planted_records, planted_run_log, planted_topic_registry
from voc.insights.tables import build_weekly_tables

WEEK = "2026-W10"


def _planted(effects: dict[str, float], n: int = 150, seed: int = 0, source: str = "app",
             base: float = 3.5, sd: float = 0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for tid, effect in effects.items():
        for rating in rng.normal(base + effect, sd, size=n):
            rows.append({"source": source, "topic_id": tid, "rating": float(rating)})
    return pd.DataFrame(rows)


def test_planted_effects_are_recovered_with_sign_size_and_interval():
    # Effects relative to the others' mean: a (-1.0) vs b, c (0, +0.5) average = +0.25
    # -> planted difference for a is -1.0 - 0.25 = -1.25.
    d = rating_drivers(_planted({"a": -1.0, "b": 0.0, "c": 0.5})).set_index("topic_id")
    assert d.at["a", "effect"] == pytest.approx(-1.25, abs=0.2)
    assert d.at["a", "ci_low"] < -1.25 < d.at["a", "ci_high"]
    assert d.at["a", "direction"] == "pulls down"
    assert d.at["c", "effect"] == pytest.approx(0.5 - (-0.5), abs=0.2)
    assert d.at["c", "direction"] == "lifts"
    # Most negative impact first: the PM reads the worst theme on top.
    assert d.index[0] == "a"


def test_topic_without_effect_gets_an_interval_around_zero():
    d = rating_drivers(_planted({"a": 0.0, "b": 0.0}, n=200, seed=4)).set_index("topic_id")
    assert d.at["a", "ci_low"] < 0 < d.at["a", "ci_high"]
    assert d.at["a", "direction"] == "unclear"


def test_sources_with_different_scales_are_not_mixed():
    stars = _planted({"a": -1.0, "b": 0.0}, source="stars", base=4.0, sd=0.5)
    nps = _planted({"a": 0.0, "b": 0.0}, source="nps", base=8.0, sd=1.0, seed=1)
    d = rating_drivers(pd.concat([stars, nps])).set_index(["source", "topic_id"])
    assert d.at[("stars", "a"), "mean_with"] < 5 and d.at[("nps", "a"), "mean_with"] > 5
    assert d.at[("stars", "a"), "direction"] == "pulls down"
    assert d.at[("nps", "a"), "direction"] == "unclear"


def test_topics_with_too_few_rated_records_are_left_out():
    df = pd.concat([_planted({"a": 0.0, "b": 0.0}, n=50), _planted({"rare": -2.0}, n=3, seed=2)])
    d = rating_drivers(df, min_records=5)
    assert "rare" not in set(d["topic_id"])
    assert {"a", "b"} == set(d["topic_id"])


def test_weekly_drivers_flag_the_planted_delivery_complaint():
    records = planted_records(WEEK, seed=0)
    tables = build_weekly_tables(WEEK, records, planted_topic_registry(WEEK),
                                 planted_run_log(WEEK, records), InsightsConfig(driver_weeks=4))
    d = tables["drivers"].set_index("topic_id")
    # t001 (late delivery) carries -1.5 stars, t003 (good staff) +0.6.
    assert d.at["t001", "direction"] == "pulls down" and d.at["t001", "effect"] < -0.8
    assert d.at["t003", "direction"] == "lifts"
    assert tables["drivers"]["topic_id"].iloc[0] == "t001"
    assert (tables["drivers"]["window_start"] == "2026-W07").all()
