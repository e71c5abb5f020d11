"""The week's data every insight table is built from: :class:`WeekData`, and the shared helpers.

Counting rules: exact duplicates (``duplicate_of`` set) and repeats (``near_dup_of`` set: the same
customer, a cross-channel paste or bot text, within one week) are left out of every count. Percentages
are 0-100; ``net_sentiment`` is % positive minus % negative of the sentiment-scored records.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.emerging import detect_emerging
from voc.insights.quotes import pick_quotes
from voc.schema import OUTLIER_TOPIC_ID
from voc.topics.merges import final_topic_id
from voc.weeks import shift_week

ALL = "(all)"
"""Marker of a roll-up row in ``sentiment_week`` (every channel, language or segment)."""
NONE = "(none)"
"""Segment value of records that lack the segment field."""

MIX_COLUMNS = ["pct_positive", "pct_neutral", "pct_negative", "net_sentiment"]


class WeekData:
    """One week's records and the trailing weeks', prepared once and shared by every table builder."""

    def __init__(
        self, week: str, records: pd.DataFrame, topics: pd.DataFrame, config: InsightsConfig
    ) -> None:
        self.week = week
        self.prev = shift_week(week, -1)
        self.config = config
        self.weeks = [shift_week(week, -k) for k in range(config.history_weeks, 0, -1)] + [week]
        self.registry = parse_registry(topics)
        df = records[records["iso_week"].isin(self.weeks)] if len(records) else records
        df = with_defaults(df)[list(RECORD_DEFAULTS)]
        df["topic_id"] = [self._resolve(t) for t in df["topic_id"]]
        self.window_records = df
        self.counted = df[~(present(df["duplicate_of"]) | present(df["near_dup_of"]))]
        self.week_totals = self.counted.groupby("iso_week").size().to_dict()
        self.has_history = any(w != week and n > 0 for w, n in self.week_totals.items())
        """Whether an earlier week of the window holds data: without, no topic is called new."""
        self.cur = self.counted[self.counted["iso_week"] == week]
        self.counts = topic_counts(self.counted)
        self._labels = self._record_labels()

    # -- topics -------------------------------------------------------------------------
    def _resolve(self, tid: object) -> str | None:
        """Follow ``merged_into`` so a merged topic's history counts under its survivor (voc.topics.merges)."""
        if not isinstance(tid, str) or tid == "":
            return None
        return final_topic_id(self.registry, tid)

    def _record_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        with_label = self.counted[present(self.counted["topic_label"]) & self.counted["topic_id"].notna()]
        # Latest week's most common label wins: labels may be renamed between runs.
        for tid, group in with_label.sort_values("iso_week").groupby("topic_id"):
            last = group[group["iso_week"] == group["iso_week"].iloc[-1]]
            labels[tid] = last["topic_label"].value_counts().sort_index().idxmax()
        return labels

    def label(self, tid: str) -> str:
        reg = self.registry.get(tid, {}).get("label")
        return reg if reg else self._labels.get(tid, tid)

    def is_new(self, tid: str) -> bool:
        """New this week: first seen in this week's fit (or unknown to the registry) and held by no record
        of the earlier weeks of the window, as this week's fit assigns them (``topic_window``). A topic the
        fit created this week for an issue that already had messages last week is not new: it is tested
        for a rise like any other."""
        if tid == OUTLIER_TOPIC_ID or not self.has_history:
            return False  # the first week with data: everything would be "new", which says nothing
        first = self.registry.get(tid, {}).get("first_seen_week")
        if first and first != self.week:
            return False
        earlier = self.counts[(self.counts["topic_id"] == tid) & (self.counts["iso_week"] != self.week)]
        return earlier.empty

    def top_terms(self, tid: str) -> str:
        words = self.registry.get(tid, {}).get("top_words") or []
        if not words:
            tokens = self.cur.loc[self.cur["topic_id"] == tid, "topic_tokens"].dropna()
            counter = Counter(t for line in tokens for t in str(line).split())
            words = [w for w, _ in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]
        return ", ".join(str(w) for w in words[: self.config.top_terms])

    def quotes(self, tid: str) -> list[str]:
        """Representative quotes: confident assignments of readable length, no repeats."""
        group = self.cur[self.cur["topic_id"] == tid]
        return pick_quotes(group, self.config.quotes_per_topic, self.config.quote_max_chars)

    def emerging(self) -> pd.DataFrame:
        new = {t for t in self.counts.loc[self.counts["iso_week"] == self.week, "topic_id"] if self.is_new(t)}
        return detect_emerging(self.week, self.counts, self.week_totals, new, self.config)


# -- helpers shared by the table modules ------------------------------------------------------------


def parse_registry(topics: pd.DataFrame) -> dict[str, dict]:
    reg: dict[str, dict] = {}
    if topics is None or topics.empty or "topic_id" not in topics:
        return reg
    for row in topics.to_dict("records"):
        words = row.get("top_words")
        if isinstance(words, str):
            try:
                words = json.loads(words)
            except json.JSONDecodeError:
                words = [w.strip() for w in words.split(",") if w.strip()]
        merged = row.get("merged_into")
        reg[str(row["topic_id"])] = {
            "label": row.get("label") if isinstance(row.get("label"), str) else None,
            "top_words": list(words) if isinstance(words, (list, tuple)) else [],
            "first_seen_week": row.get("first_seen_week") if isinstance(row.get("first_seen_week"), str) else None,
            "merged_into": merged if isinstance(merged, str) and merged and row.get("status") == "merged" else None,
            "status": row.get("status"),
        }
    return reg


RECORD_DEFAULTS = {
    "record_id": None, "source": None, "channel": None, "iso_week": None, "text": None,
    "rating": np.nan, "segments": None, "duplicate_of": None, "language": None,
    "text_clean": None, "topic_tokens": None, "near_dup_of": None, "sentiment": None,
    "topic_id": None, "topic_label": None, "topic_probability": np.nan,
    "near_dup_reason": None, "metadata": None, "rating_scale": None, "sentiment_model": None,
    "author_key": None, "created_at": None,
    "topic_sentiment": None,  # the feeling of the clauses about the record's topic (voc.sentiment.clauses)
}


def with_defaults(df: pd.DataFrame) -> pd.DataFrame:
    """Add missing optional columns so partial enrichments (no sentiment yet...) still work."""
    df = df.copy()
    for col, default in RECORD_DEFAULTS.items():
        if col not in df.columns:
            df[col] = default
    df["rating"] = pd.to_numeric(df["rating"], errors="coerce").astype(float)
    df["topic_id"] = df["topic_id"].astype(object)
    return df


def present(s: pd.Series) -> pd.Series:
    """True where a nullable text column holds a value ('' counts as empty)."""
    return s.notna() & (s.astype(object).fillna("").astype(str) != "")


def topic_feeling(d: pd.DataFrame) -> pd.Series:
    """Each record's sentiment as the topic tables count it: the feeling of its clauses about its topic
    (``topic_sentiment``, set by the pipeline from ``record_clauses``) where known, else the message's."""
    if "topic_sentiment" not in d.columns:
        return d["sentiment"]
    return d["topic_sentiment"].where(d["topic_sentiment"].notna(), d["sentiment"])


def topic_counts(counted: pd.DataFrame) -> pd.DataFrame:
    cols = ["iso_week", "topic_id", "volume", "scored", "positive", "neutral", "negative",
            "rated", "rating_sum"]
    d = counted[counted["topic_id"].notna()]
    if d.empty:
        return pd.DataFrame(columns=cols).astype({c: "int64" for c in cols[2:]})
    feel = topic_feeling(d)
    d = d.assign(
        volume=1,
        positive=(feel == "positive").astype(int),
        neutral=(feel == "neutral").astype(int),
        negative=(feel == "negative").astype(int),
        rated=d["rating"].notna().astype(int),
        rating_sum=d["rating"].fillna(0.0),
    )
    d["scored"] = d["positive"] + d["neutral"] + d["negative"]
    out = d.groupby(["iso_week", "topic_id"], as_index=False)[cols[2:]].sum()
    return out.sort_values(["iso_week", "topic_id"]).reset_index(drop=True)


def sentiment_counts(d: pd.DataFrame) -> dict:
    s = d["sentiment"]
    pos, neu, neg = (int((s == k).sum()) for k in ("positive", "neutral", "negative"))
    return {"positive": pos, "neutral": neu, "negative": neg, "scored": pos + neu + neg}


def mix_of(c) -> dict:
    """Sentiment mix (percent of scored records) and net sentiment from counts."""
    if c is None or not c["scored"]:
        return {k: math.nan for k in MIX_COLUMNS}
    scored = c["scored"]
    mix = {f"pct_{k}": round(100.0 * c[k] / scored, 1) for k in ("positive", "neutral", "negative")}
    mix["net_sentiment"] = round(100.0 * (c["positive"] - c["negative"]) / scored, 1)
    return mix


def net(pos: pd.Series, neg: pd.Series, scored: pd.Series) -> pd.Series:
    return (100.0 * (pos - neg) / scored.where(scored > 0)).round(1)


def segments_of(value: object) -> dict:
    return json_object(value)


def json_object(value: object) -> dict:
    """A JSON-object text column (segments, metadata) as a dict; anything else is empty."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def breakdown(values: Iterable) -> str:
    """JSON object value -> count, biggest first (Thai kept readable)."""
    counts = Counter("unknown" if not isinstance(v, str) or not v else v for v in values)
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return json.dumps(ordered, ensure_ascii=False)


def breakdown_order(values: Iterable) -> list[str]:
    """The distinct values, most frequent first (ties by value); missing ones left out."""
    counts = Counter(v for v in values if isinstance(v, str) and v)
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else math.nan


def change_pct(cur: float, prev: float) -> float:
    """Percent change; NaN when there is nothing to compare with (prev = 0)."""
    return round(100.0 * (cur - prev) / prev, 1) if prev else math.nan


def slope(series: list[int]) -> float:
    """Least-squares change per week over the trend window."""
    if len(series) < 2:
        return math.nan
    x = np.arange(len(series), dtype=float)
    return round(float(np.polyfit(x, np.asarray(series, float), 1)[0]), 2)


def int_or_nan(v: Any) -> float:  # a cell: number, numeric text, None or NaN
    try:
        return math.nan if v is None or (isinstance(v, float) and math.isnan(v)) else int(v)
    except (TypeError, ValueError):
        return math.nan


def clean(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Exactly ``cols``, in order, fresh index; missing columns come back empty."""
    for c in cols:
        if c not in df.columns:
            df[c] = pd.Series(dtype=object)
    return df[cols].reset_index(drop=True)
