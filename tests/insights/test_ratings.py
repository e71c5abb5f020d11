"""Issue #13 part 2: each source declares its rating scale; figures are per scale, NPS as NPS."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from voc import pipeline
from voc.config import load_config
from voc.errors import ConfigError
from voc.insights.drivers import rating_drivers
from voc.insights.tables import build_weekly_tables
from voc.ratings import CustomScale, nps, rating_problem, scale_bounds, scale_name
from voc.store import open_store

WEEK = "2026-W47"


def _csv(path, rows):
    pd.DataFrame(rows, columns=["id", "text", "at", "score", "who"]).to_csv(path, index=False)


def _config(tmp_path, reviews_scale: str | None = "stars_1_5"):
    scale = f", rating_scale: {reviews_scale}" if reviews_scale else ""
    (tmp_path / "p.yaml").write_text(
        "store: {path: voc.duckdb}\nsources:\n"
        f"  - {{name: reviews, path: reviews.csv, channel: review{scale},"
        " columns: {text: text, created_at: at, id: id, rating: score, author: who}}\n"
        "  - {name: nps, path: nps.csv, channel: survey, rating_scale: nps_0_10,"
        " columns: {text: text, created_at: at, id: id, rating: score, author: who}}\n"
        "  - {name: csat, path: csat.csv, channel: survey, rating_scale: {min: 0, max: 100},"
        " columns: {text: text, created_at: at, id: id, rating: score, author: who}}\n",
        encoding="utf-8")
    return tmp_path / "p.yaml"


def test_a_rating_column_without_a_scale_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="rating_scale"):
        load_config(_config(tmp_path, reviews_scale=None))


def test_stars_and_nps_give_a_mean_per_scale_and_an_nps_never_one_mixed_mean(tmp_path):
    day = "2026-11-18 10:{:02d}"
    _csv(tmp_path / "reviews.csv", [
        ("r1", "แอปใช้ง่ายดีค่ะ", day.format(1), 5, "a1"), ("r2", "ok but slow", day.format(2), 4, "a2"),
        ("r3", "จ่ายเงินไม่ได้เลย", day.format(3), 2, "a3"), ("r4", "10/10 would buy", day.format(4), 7, "a4"),
    ])
    _csv(tmp_path / "nps.csv", [
        ("n1", "บริการดีมาก", day.format(5), 10, "b1"), ("n2", "love it", day.format(6), 9, "b2"),
        ("n3", "ดีครับ", day.format(7), 9, "b3"), ("n4", "ส่งช้า รอนาน", day.format(8), 3, "b4"),
        ("n5", "so-so", day.format(9), 7, "b5"), ("n6", "เกินสิบ", day.format(10), 11, "b6"),
        ("n7", "no score given", day.format(11), None, "b7"),
    ])
    _csv(tmp_path / "csat.csv", [("c1", "พอใช้ได้", day.format(12), 80, "c1"), ("c2", "meh", day.format(13), 40, "c2")])
    config = load_config(_config(tmp_path))
    with open_store("duckdb", config.store_path) as st:
        recs = {r.source: r for r in pipeline.ingest_all(config, st, "run1")}
        quarantine = st.read_table("quarantine")
        records = st.read_table("records").set_index("source")
        pipeline.enrich_text(config, st, [WEEK])
        tables = build_weekly_tables(WEEK, st.enriched_records([WEEK]), st.topic_registry(), st.run_log(),
                                     config.insights)
    assert (recs["reviews"].quarantined, recs["nps"].quarantined) == (1, 1)
    reasons = sorted(quarantine["reason"])
    assert reasons == ["rating 11 outside its scale nps_0_10 (0-10)", "rating 7 outside its scale stars_1_5 (1-5)"]
    assert set(records.loc["reviews", "rating_scale"]) == {"stars_1_5"}
    assert set(records.loc["csat", "rating_scale"]) == {"custom_0_100"}
    # the record without a score keeps no scale either: nothing to summarise
    assert records.loc["nps", "rating_scale"].isna().sum() == 1
    s = tables["summary"].iloc[0]
    assert math.isnan(s["mean_rating"])  # three scales: no single mean (the old table said 25.5 here)
    assert (s["rated"], s["nps"], s["nps_rated"]) == (10, 40.0, 5)
    rw = tables["rating_week"].set_index("rating_scale")
    assert rw.at["stars_1_5", "mean_rating"] == pytest.approx(3.67) and rw.at["stars_1_5", "rated"] == 3
    assert math.isnan(rw.at["stars_1_5", "nps"])
    assert (rw.at["nps_0_10", "nps"], rw.at["nps_0_10", "promoters"], rw.at["nps_0_10", "passives"],
            rw.at["nps_0_10", "detractors"]) == (40.0, 3, 1, 1)
    assert math.isnan(rw.at["nps_0_10", "mean_rating"])
    assert rw.at["custom_0_100", "mean_rating"] == 60.0 and rw.at["nps_0_10", "sources"] == "nps"
    assert [d["rating_scale"] for d in json.loads(s["ratings"])] == ["custom_0_100", "nps_0_10", "stars_1_5"]


def test_drivers_compare_ratings_within_one_scale():
    rng = np.random.default_rng(3)
    rows = []
    for source, scale, lo, hi in (("reviews", "stars_1_5", 1, 5), ("nps", "nps_0_10", 0, 10)):
        for i in range(60):
            topic = "late" if i % 3 == 0 else "app"
            base = lo if topic == "late" else hi
            rows.append({"source": source, "rating_scale": scale, "topic_id": topic,
                         "rating": float(np.clip(base + rng.normal(0, 0.5), lo, hi))})
    out = rating_drivers(pd.DataFrame(rows), 0.95, 5)
    assert set(zip(out["source"], out["rating_scale"], strict=False)) == {("reviews", "stars_1_5"), ("nps", "nps_0_10")}
    late = out[out["topic_id"] == "late"].set_index("rating_scale")
    # each effect is on its own scale: about -4 stars, about -10 NPS points
    assert -4.5 < late.at["stars_1_5", "effect"] < -3.5 and -10.5 < late.at["nps_0_10", "effect"] < -8.5


def test_scale_helpers():
    assert scale_name(CustomScale(min=0, max=100)) == "custom_0_100"
    assert scale_bounds("custom_0_100") == (0.0, 100.0) and scale_bounds("stars_1_5") == (1.0, 5.0)
    assert scale_bounds(scale_name(CustomScale(min=-2, max=2.5))) == (-2.0, 2.5)
    assert rating_problem("๙", "nps_0_10") is None and rating_problem("6", "stars_1_5")
    assert rating_problem("n/a", "stars_1_5") is None and rating_problem(0, "stars_1_5")
    assert nps([10, 9, 8, 7, 6, 0])["nps"] == round(100 * (2 - 2) / 6, 1)
    assert math.isnan(nps([])["nps"])
    with pytest.raises(ValueError):
        CustomScale(min=5, max=1)
