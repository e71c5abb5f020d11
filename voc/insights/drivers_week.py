"""The ``drivers`` table: which topics pull each source's ratings up or down."""

from __future__ import annotations

import pandas as pd

from voc.insights.drivers import DRIVER_COLUMNS, rating_drivers
from voc.insights.weekdata import WeekData, clean
from voc.weeks import shift_week

DRIVERS_TABLE_COLUMNS = ["iso_week", "window_start", "rating_scale", "source", "topic_id", "topic_label",
                         *DRIVER_COLUMNS[3:], "confidence"]


def drivers_table(data: WeekData) -> pd.DataFrame:
    """Rating drivers over the last ``driver_weeks`` weeks, per rating scale and source."""
    # Rated records are few per week; pooling a few weeks gives usable intervals.
    window = [shift_week(data.week, -k) for k in range(data.config.driver_weeks)]
    start = window[-1]
    rated = data.counted[data.counted["iso_week"].isin(window) & data.counted["rating"].notna()]
    out = rating_drivers(rated[["source", "topic_id", "rating", "rating_scale"]], data.config.confidence,
                         data.config.driver_min_records)
    out["iso_week"] = data.week
    out["window_start"] = start
    out["confidence"] = data.config.confidence
    out["topic_label"] = [data.label(t) for t in out["topic_id"]]
    return clean(out, DRIVERS_TABLE_COLUMNS)
