"""The theme-level tables behind the report's "where it hurts" and quotes: one entry for the week.

Records are counted as everywhere else (exact and near duplicates left out) and placed in
today's themes through the topic registry (a merged topic counts under its survivor; a topic
without a theme is its own theme), like ``voc.insights.themes``.
"""

from __future__ import annotations

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.evidence import quote_table
from voc.insights.impact import theme_impact_table
from voc.insights.segments import theme_segment_table
from voc.schema import OUTLIER_TOPIC_ID
from voc.weeks import shift_week

_NEEDED = (
    "record_id",
    "iso_week",
    "source",
    "channel",
    "created_at",
    "text",
    "text_clean",
    "rating",
    "segments",
    "metadata",
    "duplicate_of",
    "near_dup_of",
    "language",
    "sentiment",
    "topic_id",
    "topic_label",
    "topic_probability",
)


def theme_breakdown_tables(
    week: str, records: pd.DataFrame, topics: pd.DataFrame, config: InsightsConfig
) -> dict[str, pd.DataFrame]:
    """``theme_segment_week``, ``theme_impact``, ``quote_week`` and ``sentiment_model_week`` of ``week``."""
    counted = themed_records(week, records, topics, config)
    cur = counted[counted["iso_week"] == week]
    return {
        "theme_segment_week": theme_segment_table(week, cur, config),
        "theme_impact": theme_impact_table(week, counted, config),
        "quote_week": quote_table(week, cur, config.quotes_per_topic, config.quote_max_chars),
        "sentiment_model_week": sentiment_models(week, records),
    }


def sentiment_models(week: str, records: pd.DataFrame) -> pd.DataFrame:
    """The sentiment models that scored the week's counted records, most records first."""
    cols = ["iso_week", "sentiment_model", "records"]
    if not len(records) or "sentiment_model" not in records:
        return pd.DataFrame(columns=cols)
    cur = records[records["iso_week"] == week]
    for c in ("duplicate_of", "near_dup_of"):
        if c in cur:
            cur = cur[~_present(cur[c])]
    counts = cur["sentiment_model"].dropna().astype(str).value_counts()
    out = pd.DataFrame({"iso_week": week, "sentiment_model": counts.index, "records": counts.to_numpy()})
    return out.sort_values(["records", "sentiment_model"], ascending=[False, True]).reset_index(drop=True)[cols]


def themed_records(week: str, records: pd.DataFrame, topics: pd.DataFrame, config: InsightsConfig) -> pd.DataFrame:
    """Counted records of the loaded window with a topic, their topic resolved and their theme set."""
    weeks = [shift_week(week, -k) for k in range(config.history_weeks, -1, -1)]
    df = records[records["iso_week"].isin(weeks)].copy() if len(records) else pd.DataFrame(columns=["iso_week"])
    for col in _NEEDED:
        if col not in df.columns:
            df[col] = None
    dup = _present(df["duplicate_of"]) | _present(df["near_dup_of"])
    df = df[~dup & _present(df["topic_id"])].copy()
    lookup = ThemeLookup(topics)
    df["topic_id"] = [lookup.resolve(t) for t in df["topic_id"]]
    df["theme_id"] = [lookup.theme_of(t) for t in df["topic_id"]]
    df["theme_label"] = [lookup.theme_label(t) for t in df["theme_id"]]
    df["topic_label"] = [
        lookup.topic_label(t, fallback) for t, fallback in zip(df["topic_id"], df["topic_label"], strict=False)
    ]
    return df.reset_index(drop=True)


class ThemeLookup:
    """Topic -> theme as the registry holds it now."""

    def __init__(self, topics: pd.DataFrame | None) -> None:
        rows = topics.to_dict("records") if topics is not None and len(topics) and "topic_id" in topics else []
        self.rows = {str(r["topic_id"]): r for r in rows}
        self.theme_labels = {
            r["theme_id"]: r["theme_label"]
            for r in rows
            if isinstance(r.get("theme_id"), str) and isinstance(r.get("theme_label"), str)
        }

    def resolve(self, tid: object) -> str:
        current, seen = str(tid), set()
        while current in self.rows and isinstance(self.rows[current].get("merged_into"), str) and current not in seen:
            seen.add(current)
            current = str(self.rows[current]["merged_into"])
        return current

    def theme_of(self, tid: str) -> str:
        if tid == OUTLIER_TOPIC_ID:
            return OUTLIER_TOPIC_ID
        theme = self.rows.get(tid, {}).get("theme_id")
        return theme if isinstance(theme, str) and theme else tid

    def topic_label(self, tid: str, fallback: object = None) -> str:
        label = self.rows.get(tid, {}).get("label")
        if isinstance(label, str) and label:
            return label
        if tid == OUTLIER_TOPIC_ID:
            return "other"
        return fallback if isinstance(fallback, str) and fallback else tid

    def theme_label(self, theme_id: str) -> str:
        if theme_id == OUTLIER_TOPIC_ID:
            return "other"
        return self.theme_labels.get(theme_id) or self.topic_label(theme_id)


def _present(s: pd.Series) -> pd.Series:
    return s.notna() & (s.astype(object).fillna("").astype(str) != "")
