"""Sentiment per topic per week: the mix and the net score."""

from __future__ import annotations

import pandas as pd

TOPIC_SENTIMENT_COLUMNS = [
    "iso_week", "topic_id", "topic_label", "volume", "scored",
    "pct_positive", "pct_neutral", "pct_negative", "net_sentiment",
]


def topic_sentiment(assignments_with_sentiment: pd.DataFrame) -> pd.DataFrame:
    """Per week x topic: volume, % positive/neutral/negative of scored records, net = %pos - %neg.

    Needs columns ``iso_week``, ``topic_id``, ``sentiment`` (``topic_label`` is carried when
    present). Records without a sentiment count in ``volume`` but not in the percentages;
    a topic with none scored gets empty percentages, not zeros.
    """
    df = assignments_with_sentiment
    missing = [c for c in ("iso_week", "topic_id", "sentiment") if c not in df.columns]
    if missing:
        raise ValueError(f"topic_sentiment needs columns {missing}")
    df = df.assign(
        topic_label=df["topic_label"] if "topic_label" in df.columns else "",
        _pos=df.sentiment.eq("positive"), _neu=df.sentiment.eq("neutral"), _neg=df.sentiment.eq("negative"),
        _scored=df.sentiment.isin(["positive", "neutral", "negative"]),
    )
    out = (
        df.groupby(["iso_week", "topic_id"], sort=True)
        .agg(topic_label=("topic_label", "first"), volume=("topic_id", "size"), scored=("_scored", "sum"),
             pos=("_pos", "sum"), neu=("_neu", "sum"), neg=("_neg", "sum"))
        .reset_index()
    )
    scored = out.scored.where(out.scored > 0)
    out["pct_positive"] = 100.0 * out.pos / scored
    out["pct_neutral"] = 100.0 * out.neu / scored
    out["pct_negative"] = 100.0 * out.neg / scored
    out["net_sentiment"] = out.pct_positive - out.pct_negative
    out["volume"] = out.volume.astype("int64")
    out["scored"] = out.scored.astype("int64")
    return out[TOPIC_SENTIMENT_COLUMNS]
