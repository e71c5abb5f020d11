"""The weekly theme table: one row per theme (the level above topics), what a PM reads first.

A record's theme comes from the topic registry (the hierarchy it learnt; taxonomy moves and
merges included), so every week of the window counts under today's themes and a theme's
baseline is the history of the topics it holds now. The emerging test is the topic one
(``voc.insights.emerging``) run on theme counts: one flag per theme, however many of its topics rose.
"""

from __future__ import annotations

import json
import math

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.emerging import baseline_weeks_with_data, detect_emerging
from voc.insights.quotes import pick_quotes
from voc.insights.weekdata import topic_feeling
from voc.schema import OUTLIER_TOPIC_ID
from voc.schema import THEME_WEEK_COLUMNS as THEME_WEEK_SCHEMA
from voc.topics.merges import final_topic_id
from voc.weeks import shift_week

THEME_WEEK_COLUMNS = list(THEME_WEEK_SCHEMA)


def theme_week_table(week: str, records: pd.DataFrame, topics: pd.DataFrame, config: InsightsConfig) -> pd.DataFrame:
    """Volume, share, change, sentiment and the emerging flag of every theme in ``week``.

    Args:
        week: The report week.
        records: Enriched records of the week and the trailing weeks (``topic_id``, ``iso_week``,
            ``sentiment``, ``language``, ``duplicate_of``, ``near_dup_of``, ``text``...).
        topics: The topic registry (``topic_id``, ``label``, ``status``, ``merged_into``,
            ``first_seen_week``, ``theme_id``, ``theme_label``).
        config: The ``insights`` section (baseline, floors, quotes).
    """
    weeks = [shift_week(week, -k) for k in range(config.history_weeks, 0, -1)] + [week]
    hierarchy = _Hierarchy(topics)
    df = records[records["iso_week"].isin(weeks)].copy() if len(records) else pd.DataFrame(columns=["iso_week"])
    for col in ("record_id", "topic_id", "sentiment", "language", "duplicate_of", "near_dup_of", "text",
                "text_clean", "topic_probability"):
        if col not in df.columns:
            df[col] = None
    counted = df[~(_present(df["duplicate_of"]) | _present(df["near_dup_of"])) & df["topic_id"].notna()].copy()
    counted["sentiment"] = topic_feeling(counted)  # a theme feels what its topics' clauses say
    counted["theme_id"] = [hierarchy.theme_of(t) for t in counted["topic_id"]]
    counted["topic_id"] = [hierarchy.resolve(t) for t in counted["topic_id"]]
    counts = _counts(counted)
    week_totals = counted.groupby("iso_week").size().to_dict()
    cur = counted[counted["iso_week"] == week]
    # the first week with data has nothing to be new against: every theme would be flagged
    has_history = any(w != week and n > 0 for w, n in week_totals.items())
    new = {t for t in counts.loc[counts["iso_week"] == week, "topic_id"]
           if has_history and hierarchy.is_new(t, week, counts)}
    emerging = detect_emerging(week, counts, week_totals, new, config).set_index("topic_id")
    base_weeks = baseline_weeks_with_data(week, week_totals, config)
    prev = shift_week(week, -1)
    trend_weeks = [shift_week(week, -k) for k in range(config.trend_weeks - 1, -1, -1)]
    volume = counts.pivot_table(index="topic_id", columns="iso_week", values="volume", aggfunc="sum", fill_value=0)
    ids = sorted(set(cur["theme_id"]) | set(counts.loc[counts["iso_week"] == prev, "topic_id"]))
    rows = []
    for tid in ids:
        series = [int(volume.at[tid, w]) if w in volume.columns and tid in volume.index else 0 for w in trend_weeks]
        vol, before = series[-1], series[-2]
        group = cur[cur["theme_id"] == tid]
        scored = int(group["sentiment"].isin(["positive", "neutral", "negative"]).sum())
        pos, neg = int((group["sentiment"] == "positive").sum()), int((group["sentiment"] == "negative").sum())
        topic_sizes = group["topic_id"].value_counts()
        quotes = pick_quotes(group, 3, config.quote_max_chars)
        flag = emerging.loc[tid] if tid in emerging.index else None
        rows.append({
            "iso_week": week, "theme_id": tid, "theme_label": hierarchy.label(tid),
            "volume": vol, "share_pct": round(100.0 * vol / len(cur), 1) if len(cur) else 0.0,
            "prev_volume": before, "change_abs": vol - before,
            "change_pct": round(100.0 * (vol - before) / before, 1) if before else math.nan,
            "trend": json.dumps(series), "scored": scored,
            "pct_negative": round(100.0 * neg / scored, 1) if scored else math.nan,
            "net_sentiment": round(100.0 * (pos - neg) / scored, 1) if scored else math.nan,
            "topics": int(len(topic_sizes)),
            "topic_ids": json.dumps(sorted(topic_sizes.index.tolist())),
            "top_topics": " | ".join(hierarchy.topic_label(t) for t in topic_sizes.index[:3]),
            "by_language": json.dumps(
                {str(k): int(v) for k, v in group["language"].fillna("unknown").value_counts().items()}
            ),
            **{f"quote_{i + 1}": quotes[i] if i < len(quotes) else "" for i in range(3)},
            "is_new": bool(vol > 0 and tid in new),
            "is_emerging": bool(flag is not None and flag["is_emerging"]),
            "emerging_signals": str(flag["signals"]) if flag is not None else "",
            "baseline_weeks": int(flag["baseline_weeks"]) if flag is not None else len(base_weeks),
            "baseline_weekly_mean": float(flag["baseline_weekly_mean"]) if flag is not None else (
                sum(volume.at[tid, w] if tid in volume.index and w in volume.columns else 0 for w in base_weeks)
                / len(base_weeks) if base_weeks else math.nan),
        })
    out = pd.DataFrame(rows, columns=THEME_WEEK_COLUMNS)
    # Biggest first; "other" last, a PM cannot act on it.
    out["_other"] = out["theme_id"] == OUTLIER_TOPIC_ID
    out = out.sort_values(["_other", "volume", "theme_id"], ascending=[True, False, True]).drop(columns="_other")
    return out.reset_index(drop=True)


class _Hierarchy:
    """Topic -> theme as the registry knows it; a topic without a theme is a theme of its own."""

    def __init__(self, topics: pd.DataFrame) -> None:
        self.rows: dict[str, dict] = {}
        if topics is not None and len(topics) and "topic_id" in topics:
            self.rows = {str(r["topic_id"]): r for r in topics.to_dict("records")}
        self.theme_labels: dict[str, str] = {}
        self.theme_first: dict[str, str] = {}
        for r in self.rows.values():
            theme = r.get("theme_id")
            if isinstance(theme, str) and theme:
                if isinstance(r.get("theme_label"), str):
                    self.theme_labels[theme] = r["theme_label"]
                first = r.get("first_seen_week")
                if isinstance(first, str) and (theme not in self.theme_first or first < self.theme_first[theme]):
                    self.theme_first[theme] = first

    def resolve(self, tid: object) -> str:
        """Follow ``merged_into`` (a merged topic counts under its survivor; :mod:`voc.topics.merges`)."""
        return final_topic_id(self.rows, str(tid))

    def theme_of(self, tid: object) -> str:
        tid = self.resolve(tid)
        if tid == OUTLIER_TOPIC_ID:
            return OUTLIER_TOPIC_ID
        theme = self.rows.get(tid, {}).get("theme_id")
        return theme if isinstance(theme, str) and theme else tid

    def label(self, theme_id: str) -> str:
        if theme_id == OUTLIER_TOPIC_ID:
            return "other"
        return self.theme_labels.get(theme_id) or self.topic_label(theme_id)

    def topic_label(self, tid: str) -> str:
        label = self.rows.get(tid, {}).get("label")
        return label if isinstance(label, str) else ("other" if tid == OUTLIER_TOPIC_ID else tid)

    def is_new(self, theme_id: str, week: str, counts: pd.DataFrame) -> bool:
        if theme_id == OUTLIER_TOPIC_ID:
            return False
        # new only when no earlier week of the window holds the theme (as this week's fit assigns those
        # weeks' records): an incident whose theme was created this week but had messages last week is a rise
        first = self.theme_first.get(theme_id) or self.rows.get(theme_id, {}).get("first_seen_week")
        if isinstance(first, str) and first != week:
            return False
        earlier = counts[(counts["topic_id"] == theme_id) & (counts["iso_week"] != week)]
        return earlier.empty


def _counts(counted: pd.DataFrame) -> pd.DataFrame:
    """Per (week, theme): volume, scored and negative counts, as ``detect_emerging`` reads them
    (its ``topic_id`` column holds theme ids here)."""
    if counted.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c not in ("iso_week", "topic_id") else "object")
                             for c in ("iso_week", "topic_id", "volume", "scored", "negative")})
    d = pd.DataFrame({
        "iso_week": counted["iso_week"].astype(object).to_numpy(),
        "topic_id": counted["theme_id"].astype(object).to_numpy(),
        "volume": 1,
        "scored": counted["sentiment"].isin(["positive", "neutral", "negative"]).astype(int).to_numpy(),
        "negative": (counted["sentiment"] == "negative").astype(int).to_numpy(),
    })
    return d.groupby(["iso_week", "topic_id"], as_index=False)[["volume", "scored", "negative"]].sum()


def _present(s: pd.Series) -> pd.Series:
    return s.notna() & (s.astype(object).fillna("").astype(str) != "")
