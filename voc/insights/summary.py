"""The one-row ``summary`` table: the week's headline figures and how far to trust them."""

from __future__ import annotations

import json
import math

import pandas as pd

from voc.insights.emerging import baseline_weeks_with_data
from voc.insights.rating_week import ratings_list
from voc.insights.weekdata import (
    MIX_COLUMNS,
    WeekData,
    breakdown_order,
    change_pct,
    clean,
    mix_of,
    present,
    sentiment_counts,
)
from voc.ratings import NPS_SCALE, rating_stats, single_scale_mean
from voc.schema import OUTLIER_TOPIC_ID
from voc.weeks import week_bounds

SUMMARY_COLUMNS = [
    "iso_week", "week_start", "week_end", "records", "prev_records", "change_abs", "change_pct",
    "scored", *MIX_COLUMNS, "prev_net_sentiment", "net_change", "sentiment_models", "rated", "mean_rating", "nps",
    "nps_rated",
    "ratings", "topics",
    "new_topics", "emerging_topics", "exact_duplicates", "near_duplicates", "sources_ok",
    "sources_failed", "is_partial", "missing_sources", "data_status", "data_note",
    "history_weeks", "weekly_volume", "weekly_net_sentiment", "baseline_weeks", "min_volume",
    "alpha", "multiple_testing", "volume_basis",
]


def summary_table(data: WeekData, topic_week: pd.DataFrame, emerging: pd.DataFrame, dq: pd.DataFrame) -> pd.DataFrame:
    """The week's one-row headline: volume, sentiment, ratings per scale, topics, data status."""
    cfg = data.config
    cur, prev = data.cur, data.counted[data.counted["iso_week"] == data.prev]
    mix = mix_of(sentiment_counts(cur))
    prev_mix = mix_of(sentiment_counts(prev))
    failed = dq.loc[dq["status"] == "failed", "source"].tolist()
    start, end = week_bounds(data.week)
    status, note = data_status(data, len(cur), failed)
    weekly = [int(data.week_totals.get(w, 0)) for w in data.weeks]
    weekly_net = [
        mix_of(sentiment_counts(data.counted[data.counted["iso_week"] == w]))["net_sentiment"]
        for w in data.weeks
    ]
    exact = data.window_records[
        (data.window_records["iso_week"] == data.week) & present(data.window_records["duplicate_of"])
    ]
    near = data.window_records[
        (data.window_records["iso_week"] == data.week)
        & present(data.window_records["near_dup_of"])
        & ~present(data.window_records["duplicate_of"])
    ]
    ratings = rating_stats(cur[["rating", "rating_scale"]])
    nps_row = ratings[ratings["rating_scale"] == NPS_SCALE]
    row = {
        "iso_week": data.week, "week_start": start.date().isoformat(),
        "week_end": (end.date() - pd.Timedelta(days=1)).isoformat(),
        "records": len(cur), "prev_records": len(prev), "change_abs": len(cur) - len(prev),
        "change_pct": change_pct(len(cur), len(prev)), "scored": int(cur["sentiment"].isin(
            ["positive", "neutral", "negative"]).sum()), **mix,
        "prev_net_sentiment": prev_mix["net_sentiment"],
        "net_change": round(mix["net_sentiment"] - prev_mix["net_sentiment"], 1),
        "sentiment_models": ", ".join(breakdown_order(cur.loc[cur["sentiment"].notna(), "sentiment_model"])),
        "rated": int(ratings["rated"].sum()), "mean_rating": single_scale_mean(ratings),
        "nps": float(nps_row["nps"].iloc[0]) if len(nps_row) else math.nan,
        "nps_rated": int(nps_row["rated"].iloc[0]) if len(nps_row) else 0,
        "ratings": json.dumps(ratings_list(ratings), ensure_ascii=False),
        "topics": int((topic_week["volume"] > 0).sum() - (topic_week.loc[
            topic_week["topic_id"] == OUTLIER_TOPIC_ID, "volume"] > 0).sum()),
        "new_topics": int(topic_week["is_new"].sum()), "emerging_topics": len(emerging),
        "exact_duplicates": len(exact), "near_duplicates": len(near),
        "sources_ok": int((dq["status"] == "ok").sum()), "sources_failed": len(failed),
        "is_partial": bool(failed), "missing_sources": ", ".join(failed),
        "data_status": status, "data_note": note,
        "history_weeks": json.dumps(data.weeks), "weekly_volume": json.dumps(weekly),
        "weekly_net_sentiment": json.dumps([None if math.isnan(v) else v for v in weekly_net]),
        "baseline_weeks": len(baseline_weeks_with_data(data.week, data.week_totals, cfg)),
        "min_volume": cfg.min_volume, "alpha": cfg.alpha,
        "multiple_testing": cfg.multiple_testing, "volume_basis": cfg.volume_basis,
    }
    return clean(pd.DataFrame([row]), SUMMARY_COLUMNS)


def data_status(data: WeekData, n: int, failed: list[str]) -> tuple[str, str]:
    """``ok`` / ``low`` / ``empty`` and one sentence a reader of the report understands."""
    notes = []
    if n == 0:
        status = "empty"
        notes.append(f"No customer records in {data.week}: there is nothing to report this week.")
    elif n < data.config.low_volume:
        status = "low"
        notes.append(
            f"Only {n} records in {data.week} (fewer than {data.config.low_volume}): "
            "changes and shares are unreliable, and topics under "
            f"{data.config.min_volume} records are not tested for emergence."
        )
    else:
        status = "ok"
    base = baseline_weeks_with_data(data.week, data.week_totals, data.config)
    if n and len(base) < data.config.min_baseline_weeks:
        notes.append(
            f"Only {len(base)} earlier week(s) with data: rises cannot be tested "
            f"until {data.config.min_baseline_weeks} baseline weeks exist; only new topics are listed."
        )
    if failed:
        notes.append(
            "PARTIAL week: source(s) " + ", ".join(failed) + " failed to load; "
            "their records are missing from every figure."
        )
    return status, " ".join(notes)
