"""Emerging-topic detection on planted data: the planted rises are flagged, quiet topics are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from voc.insights.config import InsightsConfig
from voc.insights.emerging import detect_emerging
from voc.insights.synthetic import planted_records, planted_run_log, planted_topic_registry
from voc.insights.tables import build_weekly_tables
from voc.weeks import shift_week

WEEK = "2026-W10"


def _weeks(n: int) -> list[str]:
    return [shift_week(WEEK, -k) for k in range(n - 1, -1, -1)]


def _counts(volumes: dict[str, list[int]], negatives: dict[str, list[int]] | None = None) -> pd.DataFrame:
    """Per-week counts of topics; ``volumes[t][i]`` is topic t's count in the i-th week (last = WEEK)."""
    n = len(next(iter(volumes.values())))
    rows = []
    for tid, vols in volumes.items():
        negs = (negatives or {}).get(tid, [v // 4 for v in vols])
        for w, v, neg in zip(_weeks(n), vols, negs, strict=True):
            rows.append({"iso_week": w, "topic_id": tid, "volume": v, "scored": v, "negative": neg})
    return pd.DataFrame(rows)


def _totals(counts: pd.DataFrame) -> dict[str, int]:
    return counts.groupby("iso_week")["volume"].sum().to_dict()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_rises_are_flagged_and_quiet_topics_are_not(seed):
    records = planted_records(WEEK, seed=seed)
    tables = build_weekly_tables(WEEK, records, planted_topic_registry(WEEK),
                                 planted_run_log(WEEK, records), InsightsConfig())
    em = tables["emerging_topics"].set_index("topic_id")
    # t002 grows 12 -> 45 a week; t004's negative share jumps 25% -> 75%; t005 is new.
    assert "volume" in em.at["t002", "signals"]
    assert "negative_share" in em.at["t004", "signals"]
    assert em.at["t005", "signals"] == "new"
    # Steady topics, the outlier bucket and a tiny topic under the volume floor stay quiet.
    assert not {"t001", "t003", "t006", "other"} & set(em.index)
    flagged = tables["topic_week"].set_index("topic_id")["is_emerging"]
    assert flagged[["t002", "t004", "t005"]].all() and not flagged[["t001", "t003"]].any()


def test_false_alarm_rate_on_steady_topics_is_within_alpha():
    rng = np.random.default_rng(7)
    cfg = InsightsConfig(alpha=0.05, min_volume=5, min_rate_ratio=1.0, min_negative_share_rise=0.0)
    flagged = tested = 0
    for _ in range(30):
        counts = _counts({f"t{i}": list(rng.poisson(30, size=9)) for i in range(20)})
        result = detect_emerging(WEEK, counts, _totals(counts), set(), cfg)
        flagged += int(result["is_emerging"].sum())
        tested += len(result)
    # Without effect floors, only the test guards against noise: BH keeps alarms rare.
    assert flagged / tested <= 0.05


def test_volume_floor_and_effect_floor_stop_small_or_slight_rises():
    counts = _counts({
        "tiny": [1, 1, 2, 1, 1, 2, 1, 1, 8],  # x6, but 8 < floor
        "big_slight": [1000] * 8 + [1120],  # significant but only +12%
        "steady": [200] * 9,
    })
    result = detect_emerging(WEEK, counts, _totals(counts), set(),
                             InsightsConfig(min_volume=10, volume_basis="count"))
    result = result.set_index("topic_id")
    assert np.isnan(result.at["tiny", "volume_p_value"])  # not even tested
    assert result.at["big_slight", "volume_p_value"] < 0.01
    assert not result["is_emerging"].any()


def test_share_basis_ignores_a_busy_week_but_count_basis_does_not():
    # Every topic doubles: the week is busier, no topic's share rose.
    counts = _counts({t: [40] * 8 + [80] for t in ("a", "b", "c")})
    share = detect_emerging(WEEK, counts, _totals(counts), set(), InsightsConfig(volume_basis="share"))
    count = detect_emerging(WEEK, counts, _totals(counts), set(), InsightsConfig(volume_basis="count"))
    assert not share["is_emerging"].any()
    assert count["is_emerging"].all()


def test_weeks_without_any_data_are_not_counted_as_quiet_baseline():
    # Weeks 1-5 had an outage (no records at all); the topic was steady at 30 otherwise.
    volumes = {"a": [30, 0, 0, 0, 0, 0, 30, 30, 32], "b": [60, 0, 0, 0, 0, 0, 60, 60, 61]}
    counts = _counts(volumes)
    result = detect_emerging(WEEK, counts, _totals(counts), set(), InsightsConfig(volume_basis="count"))
    assert not result["is_emerging"].any()
    assert (result["baseline_weeks"] == 2).all()


def test_too_little_history_tests_nothing_but_still_lists_new_topics():
    counts = _counts({"old": [5, 40], "fresh": [0, 25]})
    result = detect_emerging(WEEK, counts, _totals(counts), {"fresh"}, InsightsConfig(min_baseline_weeks=2))
    result = result.set_index("topic_id")
    assert np.isnan(result.at["old", "volume_p_value"]) and not result.at["old", "is_emerging"]
    assert result.at["fresh", "signals"] == "new"


def test_negative_share_rise_is_flagged_at_steady_volume():
    counts = _counts({"a": [50] * 9, "b": [50] * 9},
                     negatives={"a": [10] * 8 + [35], "b": [10] * 9})
    result = detect_emerging(WEEK, counts, _totals(counts), set(), InsightsConfig()).set_index("topic_id")
    assert result.at["a", "signals"] == "negative_share"
    assert result.at["a", "negative_share"] == pytest.approx(0.7)
    assert not result.at["b", "is_emerging"]


def test_bh_is_stricter_than_a_fixed_alpha_over_many_topics():
    rng = np.random.default_rng(3)
    vols = {f"t{i}": list(rng.poisson(30, size=8)) + [int(30 * 1.6)] for i in range(3)}
    vols.update({f"q{i}": list(rng.poisson(30, size=9)) for i in range(40)})
    counts = _counts(vols)
    fixed = detect_emerging(WEEK, counts, _totals(counts), set(), InsightsConfig(multiple_testing="none"))
    bh = detect_emerging(WEEK, counts, _totals(counts), set(), InsightsConfig(multiple_testing="bh"))
    assert (bh["volume_q_value"] >= bh["volume_p_value"]).all()
    assert bh["is_emerging"].sum() <= fixed["is_emerging"].sum()


def test_a_topic_falling_week_on_week_is_not_flagged_as_rising_however_high_above_baseline():
    # a launch: quiet for five weeks, 60 last week, 45 this week (twice its baseline rate, but falling)
    counts = _counts({"launch": [5, 5, 5, 5, 5, 60, 45], "steady": [100] * 7, "climb": [5, 5, 5, 5, 5, 20, 45]})
    out = detect_emerging(WEEK, counts, _totals(counts), set(), InsightsConfig()).set_index("topic_id")
    assert out.at["launch", "rate_ratio"] > 1.5 and out.at["launch", "volume_q_value"] < 0.05
    assert not out.at["launch", "volume_flag"] and out.at["launch", "prev_volume"] == 60
    assert out.at["climb", "volume_flag"] and "volume" in out.at["climb", "signals"]
