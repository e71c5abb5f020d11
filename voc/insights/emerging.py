"""Emerging-topic tests: which topics rose significantly against a trailing baseline.

Method (one week ``W``, baseline = up to ``baseline_weeks`` weeks before ``W`` that hold data):

* **Volume.** A topic's weekly count is treated as Poisson with an exposure: the week's total
  record count (``volume_basis="share"``, so a busy week does not flag every topic) or one per
  week (``"count"``). The exact conditional test for two Poisson rates is used: given
  ``n = c + b`` records of the topic in the week (``c``) and baseline (``b``), under "no change"
  ``c ~ Binomial(n, E_w / (E_w + E_b))``; the one-sided p-value is ``P(X >= c)``.
* **Negative share.** Of the topic's sentiment-scored records, the negative share this week is
  compared with the baseline's by a one-sided Fisher exact test (two-proportion, small-sample safe).
* **Multiple testing.** All p-values of the week (both tests, every topic) are adjusted with
  Benjamini-Hochberg (``multiple_testing="bh"``) or compared with ``alpha`` as they are (``"none"``).
* **Floors.** A test runs only when the topic has ``min_volume`` records (scored records, for the
  negative share) this week and the baseline has ``min_baseline_weeks`` weeks with data. A rise
  is flagged only if it is significant *and* large enough: rate ratio >= ``min_rate_ratio``, or
  negative share up by >= ``min_negative_share_rise``. A volume rise must also be a rise on last
  week (more records than the week before): a topic that is falling week on week is never shown as
  rising, however far above its baseline it still is.
* **New topics** (first seen in ``W``) are emerging when they reach ``min_volume``; they have no
  baseline to test against.

The outlier bucket (``other``) is never tested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from voc.insights.config import InsightsConfig
from voc.schema import OUTLIER_TOPIC_ID
from voc.weeks import shift_week

VOLUME_STATISTIC = "Poisson rate test (exact conditional binomial, one-sided)"
NEGATIVE_STATISTIC = "Fisher exact test of negative share (one-sided)"
NEW_STATISTIC = "new topic (first seen this week)"

EMERGING_COLUMNS = [
    "topic_id", "is_new", "volume", "prev_volume", "baseline_weeks", "baseline_volume", "baseline_weekly_mean",
    "expected_volume", "rate_ratio", "volume_p_value", "volume_q_value", "volume_flag",
    "scored", "negative_share", "baseline_negative_share", "negative_share_rise",
    "negative_p_value", "negative_q_value", "negative_flag", "signals", "is_emerging",
]


def baseline_weeks_with_data(
    week: str, week_totals: Mapping[str, int], config: InsightsConfig
) -> list[str]:
    """The baseline weeks before ``week`` that hold at least one record, oldest first."""
    candidates = [shift_week(week, -k) for k in range(config.baseline_weeks, 0, -1)]
    # A week with no records at all is a gap (source down, before launch), not a quiet week:
    # counting it as zero would make every topic look like it is rising.
    return [w for w in candidates if week_totals.get(w, 0) > 0]


def detect_emerging(
    week: str,
    counts: pd.DataFrame,
    week_totals: Mapping[str, int],
    new_topics: set[str],
    config: InsightsConfig,
) -> pd.DataFrame:
    """Test every topic of ``week`` for a rise; one row per topic, ``is_emerging`` marks the flagged.

    Args:
        week: The report week.
        counts: Per (``iso_week``, ``topic_id``): ``volume``, ``scored``, ``negative`` counts.
        week_totals: Counted records per week, all topics together.
        new_topics: Topic ids first seen in ``week``.
        config: Floors, baseline length and significance level.
    """
    base_weeks = baseline_weeks_with_data(week, week_totals, config)
    enough_history = len(base_weeks) >= config.min_baseline_weeks
    if config.volume_basis == "share":
        exposure_week = float(week_totals.get(week, 0))
        exposure_base = float(sum(week_totals.get(w, 0) for w in base_weeks))
    else:
        exposure_week, exposure_base = 1.0, float(len(base_weeks))

    this = counts[counts["iso_week"] == week].set_index("topic_id")
    last = counts[counts["iso_week"] == shift_week(week, -1)].groupby("topic_id")["volume"].sum()
    base = counts[counts["iso_week"].isin(base_weeks)].groupby("topic_id")[
        ["volume", "scored", "negative"]
    ].sum()
    topic_ids = sorted(t for t in this.index if t != OUTLIER_TOPIC_ID)

    rows = []
    for tid in topic_ids:
        c = int(this.at[tid, "volume"])
        s_w, n_w = int(this.at[tid, "scored"]), int(this.at[tid, "negative"])
        b = int(base.at[tid, "volume"]) if tid in base.index else 0
        s_b = int(base.at[tid, "scored"]) if tid in base.index else 0
        n_b = int(base.at[tid, "negative"]) if tid in base.index else 0
        row = {
            "topic_id": tid, "is_new": tid in new_topics, "volume": c, "prev_volume": int(last.get(tid, 0)),
            "baseline_weeks": len(base_weeks), "baseline_volume": b,
            "baseline_weekly_mean": b / len(base_weeks) if base_weeks else math.nan,
            "expected_volume": math.nan, "rate_ratio": math.nan, "volume_p_value": math.nan,
            "scored": s_w, "negative_share": n_w / s_w if s_w else math.nan,
            "baseline_negative_share": n_b / s_b if s_b else math.nan,
            "negative_p_value": math.nan,
        }
        row["negative_share_rise"] = row["negative_share"] - row["baseline_negative_share"]
        if enough_history and exposure_base > 0 and exposure_week > 0:
            row["expected_volume"] = b * exposure_week / exposure_base
            row["rate_ratio"] = (c / row["expected_volume"]) if b > 0 else math.inf
            if c >= config.min_volume and not row["is_new"]:
                p0 = exposure_week / (exposure_week + exposure_base)
                row["volume_p_value"] = float(stats.binom.sf(c - 1, c + b, p0))
            if s_w >= config.min_volume and s_b > 0 and not row["is_new"]:
                table = [[n_w, s_w - n_w], [n_b, s_b - n_b]]
                row["negative_p_value"] = float(
                    stats.fisher_exact(table, alternative="greater").pvalue
                )
        rows.append(row)

    out = pd.DataFrame(rows, columns=[c for c in EMERGING_COLUMNS if c not in (
        "volume_q_value", "volume_flag", "negative_q_value", "negative_flag", "signals",
        "is_emerging")])
    out = _adjust(out, config)
    out["volume_flag"] = (out["volume_q_value"] <= config.alpha) & (
        out["rate_ratio"] >= config.min_rate_ratio
    ) & (out["volume"] > out["prev_volume"])
    out["negative_flag"] = (out["negative_q_value"] <= config.alpha) & (
        out["negative_share_rise"] >= config.min_negative_share_rise
    )
    new_flag = out["is_new"] & (out["volume"] >= config.min_volume)
    out["signals"] = [
        ",".join(name for name, on in (("new", n), ("volume", v), ("negative_share", g)) if on)
        for n, v, g in zip(new_flag, out["volume_flag"], out["negative_flag"], strict=True)
    ]
    out["is_emerging"] = out["signals"] != ""
    return out[EMERGING_COLUMNS]


def _adjust(out: pd.DataFrame, config: InsightsConfig) -> pd.DataFrame:
    """Add q-values: Benjamini-Hochberg over every p-value of the week, or the p-values as they are."""
    out = out.copy()
    p = np.concatenate([out["volume_p_value"].to_numpy(float), out["negative_p_value"].to_numpy(float)])
    q = np.full_like(p, np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        q[tested] = (
            stats.false_discovery_control(p[tested], method="bh")
            if config.multiple_testing == "bh"
            else p[tested]
        )
    out["volume_q_value"] = q[: len(out)]
    out["negative_q_value"] = q[len(out):]
    return out
