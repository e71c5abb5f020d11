"""Canonical record and table schemas: the one place that says what each table holds.

Every stage reads and writes pandas DataFrames with these columns. The store creates its
tables from these definitions, so a column added here reaches every backend.
"""

from __future__ import annotations

CHANNELS = ("review", "forum", "chat", "call_note", "survey", "social", "email")
"""Where a message came from. ``call_note`` is agent-written and kept whole."""

LANGUAGES = ("th", "en", "mixed", "other")
SENTIMENT_LABELS = ("positive", "neutral", "negative")
OUTLIER_TOPIC_ID = "other"
"""Topic id of the explicit bucket for records no topic fits."""

# Column name -> SQL type (DuckDB/PostgreSQL-compatible spelling).
# ``segments`` and ``metadata`` are JSON objects stored as text.
RECORD_COLUMNS: dict[str, str] = {
    "record_id": "VARCHAR",  # stable: hash of source + source id, else of content + time
    "source": "VARCHAR",  # the configured source name
    "channel": "VARCHAR",  # one of CHANNELS
    "created_at": "TIMESTAMPTZ",
    "iso_week": "VARCHAR",  # like 2026-W47, in the source's zone
    "text": "VARCHAR",  # customer-authored text, PII already redacted
    "rating": "DOUBLE",  # stars / CSAT / NPS; NULL when absent
    "segments": "VARCHAR",  # JSON object: product, brand, branch, touchpoint...
    "author_key": "VARCHAR",  # salted hash of the author handle; NULL when absent
    "metadata": "VARCHAR",  # JSON object: turn counts, source location, extra columns
    "dedup_key": "VARCHAR",  # hash of normalized text + author + day
    "duplicate_of": "VARCHAR",  # record_id of the first exact duplicate; NULL if original
    "run_id": "VARCHAR",  # the run that first stored this record
}

TEXT_COLUMNS: dict[str, str] = {
    "record_id": "VARCHAR",
    "language": "VARCHAR",  # one of LANGUAGES
    "text_clean": "VARCHAR",  # normalized + redacted
    "tokens": "VARCHAR",  # space-joined tokens
    "topic_tokens": "VARCHAR",  # space-joined tokens for topic models (no stopwords...)
    "pii_types": "VARCHAR",  # comma-joined PII types found ('' if none)
    "flags": "VARCHAR",  # comma-joined noise flags ('' if none)
    "near_dup_of": "VARCHAR",  # record_id of the near-duplicate it repeats; NULL if none
}

SENTIMENT_COLUMNS: dict[str, str] = {
    "record_id": "VARCHAR",
    "sentiment": "VARCHAR",  # one of SENTIMENT_LABELS
    "sentiment_confidence": "DOUBLE",
    "p_positive": "DOUBLE",
    "p_neutral": "DOUBLE",
    "p_negative": "DOUBLE",
    "p_question": "DOUBLE",
    "sentiment_model": "VARCHAR",  # model name@version
}

TOPIC_ASSIGNMENT_COLUMNS: dict[str, str] = {
    "record_id": "VARCHAR",
    "iso_week": "VARCHAR",  # the week whose run assigned it
    "topic_id": "VARCHAR",  # registry id, or OUTLIER_TOPIC_ID
    "topic_label": "VARCHAR",
    "topic_probability": "DOUBLE",
    "theme_id": "VARCHAR",  # registry theme id (the level above topics), or OUTLIER_TOPIC_ID
    "theme_label": "VARCHAR",
}

THEME_WEEK_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "theme_id": "VARCHAR",  # registry theme id (G0001), or OUTLIER_TOPIC_ID
    "theme_label": "VARCHAR",
    "volume": "BIGINT",
    "share_pct": "DOUBLE",
    "prev_volume": "BIGINT",
    "change_abs": "BIGINT",
    "change_pct": "DOUBLE",
    "trend": "VARCHAR",  # JSON list of weekly volumes, oldest first
    "scored": "BIGINT",
    "pct_negative": "DOUBLE",
    "net_sentiment": "DOUBLE",
    "topics": "BIGINT",  # topics of the theme with records this week
    "topic_ids": "VARCHAR",  # JSON list
    "top_topics": "VARCHAR",  # labels of its biggest topics, " | "-joined
    "by_language": "VARCHAR",  # JSON object language -> records
    "quote_1": "VARCHAR",
    "quote_2": "VARCHAR",
    "quote_3": "VARCHAR",
    "is_new": "BOOLEAN",
    "is_emerging": "BOOLEAN",
    "emerging_signals": "VARCHAR",  # comma-joined: new, volume, negative_share
}
"""The weekly theme table (``voc.insights.themes``), one row per theme and week."""

QUARANTINE_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR",
    "source": "VARCHAR",
    "location": "VARCHAR",  # file:row or file:line or query:row
    "reason": "VARCHAR",
    "raw": "VARCHAR",  # the raw row as JSON (PII redacted)
    "quarantined_at": "TIMESTAMPTZ",
}

RUN_LOG_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR",
    "source": "VARCHAR",
    "iso_week": "VARCHAR",  # NULL for ad hoc ingests
    "read": "BIGINT",
    "accepted": "BIGINT",  # newly stored or already stored (idempotent reload)
    "duplicates": "BIGINT",
    "quarantined": "BIGINT",
    "status": "VARCHAR",  # ok | failed
    "error": "VARCHAR",
    "started_at": "TIMESTAMPTZ",
    "finished_at": "TIMESTAMPTZ",
}

ENRICHED_COLUMNS: list[str] = (
    list(RECORD_COLUMNS)
    + [c for c in TEXT_COLUMNS if c != "record_id"]
    + [c for c in SENTIMENT_COLUMNS if c != "record_id"]
    # Themes are read from the topic registry (the hierarchy as it stands now), not per record.
    + [c for c in TOPIC_ASSIGNMENT_COLUMNS if c not in ("record_id", "iso_week", "theme_id", "theme_label")]
)
"""Columns of one week's records joined with every stage's output (insights read this)."""
