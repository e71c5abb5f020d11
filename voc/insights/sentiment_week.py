"""The ``sentiment_week`` table: sentiment per channel, language and segment."""

from __future__ import annotations

import pandas as pd

from voc.insights.weekdata import ALL, MIX_COLUMNS, NONE, WeekData, change_pct, clean, net, segments_of

SENTIMENT_WEEK_COLUMNS = [
    "iso_week", "channel", "language", "segment_field", "segment_value", "volume", "scored",
    *MIX_COLUMNS, "prev_volume", "change_abs", "change_pct", "prev_net_sentiment", "net_change",
]


def sentiment_week_table(data: WeekData) -> pd.DataFrame:
    """Volume and sentiment mix per channel x language x segment (and roll-ups), against last week."""
    two = data.counted[data.counted["iso_week"].isin([data.week, data.prev])]
    # Only the few columns the grouping needs: copying wide text frames dominates otherwise.
    base = pd.DataFrame({
        "iso_week": two["iso_week"].astype(object).to_numpy(),
        "channel": two["channel"].astype(object).fillna(NONE).to_numpy(),
        "language": two["language"].astype(object).fillna(NONE).to_numpy(),
        "volume": 1,
        **{k: (two["sentiment"] == k).astype(int).to_numpy() for k in ("positive", "neutral", "negative")},
    })
    base["scored"] = base["positive"] + base["neutral"] + base["negative"]
    segs = [segments_of(v) for v in two["segments"]]
    frames = []
    for field in [None, *data.config.segment_fields]:
        base["segment_field"] = ALL if field is None else field
        base["segment_value"] = ALL if field is None else [
            str(sg.get(field)) if sg.get(field) not in (None, "") else NONE for sg in segs
        ]
        for keys in ([], ["channel"], ["language"], ["channel", "language"]):
            frames.append(_sentiment_groups(base, keys, data.week, data.prev))
    out = pd.concat(frames, ignore_index=True)
    out = out[out["volume"] > 0]
    field_order = {f: i for i, f in enumerate([ALL, *data.config.segment_fields])}
    out = out.assign(
        _f=out["segment_field"].map(field_order),
        _c=out["channel"] != ALL, _l=out["language"] != ALL, _s=out["segment_value"] != ALL,
    ).sort_values(["_f", "_s", "segment_value", "_c", "channel", "_l", "language"])
    return clean(out, SENTIMENT_WEEK_COLUMNS)


def _sentiment_groups(base: pd.DataFrame, keys: list[str], week: str, prev: str) -> pd.DataFrame:
    """Volume and mix of ``week`` per group of ``keys`` (other dimensions rolled up), vs ``prev``."""
    dims = ["channel", "language", "segment_field", "segment_value"]
    group_by = ["iso_week", *keys, "segment_field", "segment_value"]
    agg = base.groupby(group_by, as_index=False)[
        ["volume", "scored", "positive", "neutral", "negative"]
    ].sum()
    for k in ("channel", "language"):
        if k not in keys:
            agg[k] = ALL
    cur = agg[agg["iso_week"] == week].set_index(dims)
    before = agg[agg["iso_week"] == prev].set_index(dims)
    index = cur.index.union(before.index)
    cur = cur.reindex(index)
    before = before.reindex(index)
    out = pd.DataFrame(index=index).reset_index()
    out["iso_week"] = week
    out["volume"] = cur["volume"].fillna(0).astype(int).to_numpy()
    out["scored"] = cur["scored"].fillna(0).astype(int).to_numpy()
    for k in ("positive", "neutral", "negative"):
        out[f"pct_{k}"] = (100.0 * cur[k] / cur["scored"].where(cur["scored"] > 0)).round(1).to_numpy()
    out["net_sentiment"] = net(cur["positive"], cur["negative"], cur["scored"]).to_numpy()
    out["prev_volume"] = before["volume"].fillna(0).astype(int).to_numpy()
    out["change_abs"] = out["volume"] - out["prev_volume"]
    out["change_pct"] = [change_pct(a, b) for a, b in zip(out["volume"], out["prev_volume"], strict=False)]
    out["prev_net_sentiment"] = net(before["positive"], before["negative"], before["scored"]).to_numpy()
    out["net_change"] = (out["net_sentiment"] - out["prev_net_sentiment"]).round(1)
    return out
