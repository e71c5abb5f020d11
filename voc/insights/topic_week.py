"""The ``topic_week`` table: per topic, this week against the weeks before."""

from __future__ import annotations

import json

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.rating_week import ratings_json
from voc.insights.weekdata import MIX_COLUMNS, WeekData, breakdown, change_pct, clean, mix_of, pct, slope
from voc.ratings import rating_stats, single_scale_mean
from voc.schema import OUTLIER_TOPIC_ID
from voc.weeks import shift_week


def topic_week_columns(config: InsightsConfig) -> list[str]:
    """Columns of ``topic_week``; the quote columns follow ``quotes_per_topic``."""
    return [
        "iso_week", "topic_id", "topic_label", "volume", "share_pct", "prev_volume",
        "change_abs", "change_pct", "trend", "trend_slope", "scored", *MIX_COLUMNS, "rated",
        "mean_rating", "ratings", "top_terms", *[f"quote_{i + 1}" for i in range(config.quotes_per_topic)],
        "by_channel", "by_language", "is_new", "is_emerging",
    ]


def topic_week_table(data: WeekData, emerging: pd.DataFrame) -> pd.DataFrame:
    """One row per topic with records this week or last: volume, change, trend, mix, ratings, quotes, flags."""
    cfg = data.config
    cols = topic_week_columns(cfg)
    total = len(data.cur)
    by_week = data.counts.pivot_table(
        index="topic_id", columns="iso_week", values="volume", aggfunc="sum", fill_value=0
    )
    cur = data.counts[data.counts["iso_week"] == data.week].set_index("topic_id")
    prev_ids = data.counts.loc[data.counts["iso_week"] == data.prev, "topic_id"]
    ids = sorted(set(cur.index) | set(prev_ids))
    trend_weeks = [shift_week(data.week, -k) for k in range(cfg.trend_weeks - 1, -1, -1)]
    flagged = dict(zip(emerging["topic_id"], emerging["is_emerging"], strict=False))
    rows = []
    for tid in ids:
        c = cur.loc[tid] if tid in cur.index else None
        series = [int(by_week.at[tid, w]) if w in by_week.columns else 0 for w in trend_weeks]
        vol, prev = series[-1], series[-2]
        group = data.cur[data.cur["topic_id"] == tid]
        mix = mix_of(c)
        ratings = rating_stats(group[["rating", "rating_scale"]])
        row = {
            "iso_week": data.week, "topic_id": tid, "topic_label": data.label(tid),
            "volume": vol, "share_pct": pct(vol, total), "prev_volume": prev,
            "change_abs": vol - prev, "change_pct": change_pct(vol, prev),
            "trend": json.dumps(series), "trend_slope": slope(series),
            "scored": int(c["scored"]) if c is not None else 0, **mix,
            "rated": int(ratings["rated"].sum()),
            "mean_rating": single_scale_mean(ratings),
            "ratings": ratings_json(ratings),
            "top_terms": data.top_terms(tid),
            "by_channel": breakdown(group["channel"]),
            "by_language": breakdown(group["language"]),
            "is_new": bool(vol > 0 and data.is_new(tid)),
            "is_emerging": bool(flagged.get(tid, False)),
        }
        quotes = data.quotes(tid)
        for i in range(cfg.quotes_per_topic):
            row[f"quote_{i + 1}"] = quotes[i] if i < len(quotes) else ""
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    # Biggest first; the outlier bucket last, since a PM cannot act on "other".
    out["_other"] = out["topic_id"] == OUTLIER_TOPIC_ID
    out = out.sort_values(["_other", "volume", "topic_id"], ascending=[True, False, True])
    return clean(out.drop(columns="_other"), cols)
