"""The ``emerging_topics`` table: the week's flagged topics and the tests behind each flag."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from voc.insights.emerging import NEGATIVE_STATISTIC, NEW_STATISTIC, VOLUME_STATISTIC
from voc.insights.weekdata import WeekData, clean, pct

EMERGING_TABLE_COLUMNS = [
    "iso_week", "topic_id", "topic_label", "signals", "is_new", "volume", "share_pct",
    "baseline_weeks", "baseline_weekly_mean", "expected_volume", "rate_ratio", "volume_statistic",
    "volume_p_value", "volume_q_value", "scored", "negative_share", "baseline_negative_share",
    "negative_statistic", "negative_p_value", "negative_q_value", "min_volume", "alpha",
    "top_terms", "quotes",
]


def emerging_table(data: WeekData, emerging: pd.DataFrame, topic_week: pd.DataFrame) -> pd.DataFrame:
    """The flagged topics of ``emerging`` (``WeekData.emerging``) with their evidence, strongest first."""
    cfg = data.config
    flagged = emerging[emerging["is_emerging"]].copy()
    tw = topic_week.set_index("topic_id")
    flagged["iso_week"] = data.week
    flagged["topic_label"] = [data.label(t) for t in flagged["topic_id"]]
    flagged["share_pct"] = [pct(v, len(data.cur)) for v in flagged["volume"]]
    flagged["volume_statistic"] = np.where(flagged["is_new"], NEW_STATISTIC, VOLUME_STATISTIC)
    flagged["negative_statistic"] = np.where(
        flagged["negative_p_value"].notna(), NEGATIVE_STATISTIC, ""
    )
    flagged["min_volume"] = cfg.min_volume
    flagged["alpha"] = cfg.alpha
    flagged["top_terms"] = [tw.at[t, "top_terms"] if t in tw.index else "" for t in flagged["topic_id"]]
    flagged["quotes"] = [json.dumps(data.quotes(t), ensure_ascii=False) for t in flagged["topic_id"]]
    # Strongest evidence first: smallest q-value of either test, then size.
    flagged["_q"] = flagged[["volume_q_value", "negative_q_value"]].min(axis=1).fillna(0.0)
    flagged = flagged.sort_values(["_q", "volume", "topic_id"], ascending=[True, False, True])
    return clean(flagged, EMERGING_TABLE_COLUMNS)
