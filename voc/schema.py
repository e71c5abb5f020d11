"""Canonical record and table schemas: the one place that says what each table holds.

Every stage reads and writes pandas DataFrames with these columns. The store creates its
tables from ``TABLES`` and refuses a table or column not declared here, so a column is added
by adding it to its table's dict below: it reaches both backends, and an existing store gets
the column (NULL in old rows) the next time it is opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

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
    "rating": "DOUBLE",  # the raw value on the source's ``rating_scale``; NULL when absent
    "segments": "VARCHAR",  # JSON object: product, brand, branch, touchpoint...
    "author_key": "VARCHAR",  # salted hash of the author handle; NULL when absent
    "metadata": "VARCHAR",  # JSON object: turn counts, source location, extra columns
    "dedup_key": "VARCHAR",  # hash of normalized text + author + day
    "duplicate_of": "VARCHAR",  # record_id of the first exact duplicate; NULL if original
    "run_id": "VARCHAR",  # the run that first stored this record
    # scale of ``rating``: stars_1_5 | csat_1_5 | nps_0_10 | custom_<min>_<max> (voc/ratings.py)
    "rating_scale": "VARCHAR",
}

TEXT_COLUMNS: dict[str, str] = {
    "record_id": "VARCHAR",
    "language": "VARCHAR",  # one of LANGUAGES
    "text_clean": "VARCHAR",  # normalized + redacted
    "tokens": "VARCHAR",  # space-joined tokens
    "topic_tokens": "VARCHAR",  # space-joined tokens for topic models (no stopwords...)
    "pii_types": "VARCHAR",  # comma-joined PII types found ('' if none)
    "flags": "VARCHAR",  # comma-joined noise flags ('' if none)
    "near_dup_of": "VARCHAR",  # record_id of the earlier record of its week it repeats; NULL if it counts
    "near_dup_reason": "VARCHAR",  # same_author | cross_channel_paste | template (voc.text.dedup.week_repeats)
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

CLAUSE_COLUMNS: dict[str, str] = {
    "record_id": "VARCHAR",
    "n_clauses": "BIGINT",
    # JSON list, one object a clause: idx, start, end (offsets in text_clean), text (a span of the
    # redacted clean text), sentiment, p_positive, p_neutral, p_negative, p_question
    "clauses": "VARCHAR",
    "clause_version": "BIGINT",  # voc.sentiment.clauses.CLAUSE_VERSION: the split rules used
    "sentiment_model": "VARCHAR",  # model name@version that scored the clauses
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
    "baseline_weeks": "BIGINT",  # earlier weeks with data the emerging test compares with (empty weeks are gaps)
    "baseline_weekly_mean": "DOUBLE",  # the theme's mean volume over those weeks: its usual level
}
"""The weekly theme table (``voc.insights.themes``), one row per theme and week."""

TOPIC_WINDOW_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",  # the run's week (replaced per week)
    "record_id": "VARCHAR",
    "record_week": "VARCHAR",  # the record's own week, in the window before ``iso_week``
    "topic_id": "VARCHAR",
}
"""How a week's topic fit sees the trailing weeks' records: the baseline of its trends and emerging
tests, the same whether or not those weeks were run before (and whatever their own runs assigned)."""

THEME_SEGMENT_WEEK_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "theme_id": "VARCHAR",
    "theme_label": "VARCHAR",
    "segment_field": "VARCHAR",  # channel, language, or a configured segment field
    "segment_value": "VARCHAR",  # or (none)
    "volume": "BIGINT",  # the theme's records in the segment value
    "segment_volume": "BIGINT",  # all records of the segment value
    "theme_volume": "BIGINT",  # the theme's records overall
    "share_pct": "DOUBLE",  # volume / segment_volume
    "theme_share_pct": "DOUBLE",  # theme_volume / the week's records
    "scored": "BIGINT",
    "pct_negative": "DOUBLE",
    "theme_pct_negative": "DOUBLE",
    "stands_out": "BOOLEAN",
    "reason": "VARCHAR",  # comma-joined: volume, negative
}
"""Theme x segment (``voc.insights.segments``): the cells that stand out marked, the rule in its docstring."""

THEME_IMPACT_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "theme_id": "VARCHAR",
    "theme_label": "VARCHAR",
    "volume": "BIGINT",
    "share_pct": "DOUBLE",
    "prev_volume": "BIGINT",
    "pct_negative": "DOUBLE",
    "prev_pct_negative": "DOUBLE",
    "negative_change": "DOUBLE",  # points
    "rating_source": "VARCHAR",  # the source the rating figures are from (scales are not mixed)
    "rating_scale": "VARCHAR",  # that source's scale (stars_1_5, nps_0_10...): the unit of the effect and impact
    "rated_with": "BIGINT",
    "mean_with": "DOUBLE",
    "mean_without": "DOUBLE",
    "rating_effect": "DOUBLE",
    "ci_low": "DOUBLE",
    "ci_high": "DOUBLE",
    "impact": "DOUBLE",  # rating points the source's mean loses (or gains) through the theme
    "direction": "VARCHAR",  # pulls down | lifts | unclear | '' (too few rated records)
    "priority": "BIGINT",  # 1 = fix first
}
"""Impact against volume per theme (``voc.insights.impact``)."""

QUOTE_WEEK_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "theme_id": "VARCHAR",
    "theme_label": "VARCHAR",
    "topic_id": "VARCHAR",
    "topic_label": "VARCHAR",
    "rank": "BIGINT",  # 1 = the topic's clearest quote
    "record_id": "VARCHAR",
    "source": "VARCHAR",
    "source_id": "VARCHAR",  # the id the source knows the message by (metadata.source_id)
    "channel": "VARCHAR",
    "created_date": "VARCHAR",  # ISO date
    "language": "VARCHAR",
    "sentiment": "VARCHAR",
    "segments": "VARCHAR",  # JSON object
    "text": "VARCHAR",  # redacted
}
"""Quotes per topic with where they came from (``voc.insights.evidence``)."""

SENTIMENT_MODEL_WEEK_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "sentiment_model": "VARCHAR",  # name@version, as stored per record
    "records": "BIGINT",  # counted records of the week it scored
}
"""Which sentiment model scored the week's records (the report names it)."""

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

# -- the tables the store keeps beyond records and stage outputs ---------------------------------
META_COLUMNS: dict[str, str] = {"key": "VARCHAR", "value": "VARCHAR"}

TOPIC_REGISTRY_COLUMNS: dict[str, str] = {
    "topic_id": "VARCHAR",  # stable across weeks, like T0007
    "label": "VARCHAR",
    "label_source": "VARCHAR",  # auto | taxonomy
    "top_words": "VARCHAR",  # JSON list
    "representation": "VARCHAR",  # JSON: what next week's topics are matched against
    "first_seen_week": "VARCHAR",
    "last_seen_week": "VARCHAR",
    "status": "VARCHAR",  # active | dormant | merged
    "merged_into": "VARCHAR",  # topic_id it was merged into; NULL if not merged
    "size_last_fit": "BIGINT",
    "theme_id": "VARCHAR",  # the theme the registry places the topic in (G0001); NULL before themes
    "theme_label": "VARCHAR",
    "theme_label_source": "VARCHAR",  # auto | taxonomy
}

TOPIC_EVENT_COLUMNS: dict[str, str] = {
    "week": "VARCHAR",
    "event": "VARCHAR",  # new | matched | split | merged | renamed
    "topic_id": "VARCHAR",
    "detail": "VARCHAR",
    "iso_week": "VARCHAR",  # the run's week (replaced per week)
}

# Weekly insight tables (voc/insights): every one is replaced per ``iso_week``.
_MIX = {"pct_positive": "DOUBLE", "pct_neutral": "DOUBLE", "pct_negative": "DOUBLE", "net_sentiment": "DOUBLE"}

TOPIC_WEEK_QUOTES = 10
"""Quote columns ``quote_1..quote_10`` declared on ``topic_week``: the most ``insights.quotes_per_topic`` allows."""

TOPIC_WEEK_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "topic_id": "VARCHAR",
    "topic_label": "VARCHAR",
    "volume": "BIGINT",
    "share_pct": "DOUBLE",
    "prev_volume": "BIGINT",
    "change_abs": "BIGINT",
    "change_pct": "DOUBLE",
    "trend": "VARCHAR",  # JSON list of weekly volumes
    "trend_slope": "DOUBLE",
    "scored": "BIGINT",
    **_MIX,
    "rated": "BIGINT",
    "mean_rating": "DOUBLE",  # only when the topic's ratings share one 1-5/custom scale, else NULL
    "ratings": "VARCHAR",  # JSON object scale -> {rated, mean_rating | nps} (voc/ratings.py)
    "top_terms": "VARCHAR",
    **{f"quote_{i}": "VARCHAR" for i in range(1, TOPIC_WEEK_QUOTES + 1)},
    "by_channel": "VARCHAR",  # JSON object
    "by_language": "VARCHAR",  # JSON object
    "is_new": "BOOLEAN",
    "is_emerging": "BOOLEAN",
}

SENTIMENT_WEEK_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "channel": "VARCHAR",  # or (all)
    "language": "VARCHAR",  # or (all)
    "segment_field": "VARCHAR",  # or (all)
    "segment_value": "VARCHAR",  # or (all) / (none)
    "volume": "BIGINT",
    "scored": "BIGINT",
    **_MIX,
    "prev_volume": "BIGINT",
    "change_abs": "BIGINT",
    "change_pct": "DOUBLE",
    "prev_net_sentiment": "DOUBLE",
    "net_change": "DOUBLE",
}

EMERGING_TOPICS_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "topic_id": "VARCHAR",
    "topic_label": "VARCHAR",
    "signals": "VARCHAR",
    "is_new": "BOOLEAN",
    "volume": "BIGINT",
    "share_pct": "DOUBLE",
    "baseline_weeks": "BIGINT",
    "baseline_weekly_mean": "DOUBLE",
    "expected_volume": "DOUBLE",
    "rate_ratio": "DOUBLE",
    "volume_statistic": "VARCHAR",
    "volume_p_value": "DOUBLE",
    "volume_q_value": "DOUBLE",
    "scored": "BIGINT",
    "negative_share": "DOUBLE",
    "baseline_negative_share": "DOUBLE",
    "negative_statistic": "VARCHAR",
    "negative_p_value": "DOUBLE",
    "negative_q_value": "DOUBLE",
    "min_volume": "BIGINT",
    "alpha": "DOUBLE",
    "top_terms": "VARCHAR",
    "quotes": "VARCHAR",  # JSON list
}

DRIVERS_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "window_start": "VARCHAR",
    "rating_scale": "VARCHAR",  # drivers compare ratings within one scale and source
    "source": "VARCHAR",
    "topic_id": "VARCHAR",
    "topic_label": "VARCHAR",
    "rated_with": "BIGINT",
    "rated_without": "BIGINT",
    "mean_with": "DOUBLE",
    "mean_without": "DOUBLE",
    "effect": "DOUBLE",
    "ci_low": "DOUBLE",
    "ci_high": "DOUBLE",
    "p_value": "DOUBLE",
    "impact": "DOUBLE",
    "direction": "VARCHAR",
    "confidence": "DOUBLE",
}

RATING_WEEK_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "rating_scale": "VARCHAR",  # stars_1_5 | csat_1_5 | nps_0_10 | custom_<min>_<max>
    "sources": "VARCHAR",  # comma-joined sources with ratings on this scale this week
    "rated": "BIGINT",
    "mean_rating": "DOUBLE",  # 1-5 and custom scales; NULL for nps_0_10
    "nps": "DOUBLE",  # nps_0_10 only: % promoters (9-10) minus % detractors (0-6)
    "promoters": "BIGINT",
    "passives": "BIGINT",
    "detractors": "BIGINT",
    "prev_rated": "BIGINT",
    "prev_mean_rating": "DOUBLE",
    "prev_nps": "DOUBLE",
    "change": "DOUBLE",  # mean_rating or nps minus last week's
}
"""Ratings per scale and week (``voc.insights.tables``): never one mean across scales."""

DATA_QUALITY_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "source": "VARCHAR",
    "status": "VARCHAR",
    "read": "BIGINT",
    "accepted": "BIGINT",
    "duplicates": "BIGINT",
    "quarantined": "BIGINT",
    "error": "VARCHAR",
    "records_in_week": "BIGINT",
    "exact_duplicates": "BIGINT",
    "near_duplicates": "BIGINT",
    "near_duplicate_reasons": "VARCHAR",  # JSON object reason -> records: same_author, cross_channel_paste, template
    "counted": "BIGINT",
    "flagged_conversations": "BIGINT",  # transcripts over max_turns (metadata transcript_warning)
    "unreadable_ratings": "BIGINT",  # records kept without a rating voc cannot read (metadata rating_unreadable)
    "languages": "VARCHAR",  # JSON object
    "pct_scored": "DOUBLE",
    "pct_with_topic": "DOUBLE",
}

SUMMARY_COLUMNS: dict[str, str] = {
    "iso_week": "VARCHAR",
    "week_start": "VARCHAR",
    "week_end": "VARCHAR",
    "records": "BIGINT",
    "prev_records": "BIGINT",
    "change_abs": "BIGINT",
    "change_pct": "DOUBLE",
    "scored": "BIGINT",
    **_MIX,
    "prev_net_sentiment": "DOUBLE",
    "net_change": "DOUBLE",
    "sentiment_models": "VARCHAR",  # the model(s) behind the week's sentiment: name@version, most records first
    "rated": "BIGINT",
    "mean_rating": "DOUBLE",  # only when every rating of the week is on one 1-5/custom scale, else NULL
    "nps": "DOUBLE",  # NPS of the week's nps_0_10 ratings; NULL without any
    "nps_rated": "BIGINT",  # its base: nps_0_10 ratings of the week
    "ratings": "VARCHAR",  # JSON list, one object per scale (the rating_week rows)
    "topics": "BIGINT",
    "new_topics": "BIGINT",
    "emerging_topics": "BIGINT",
    "exact_duplicates": "BIGINT",
    "near_duplicates": "BIGINT",
    "sources_ok": "BIGINT",
    "sources_failed": "BIGINT",
    "is_partial": "BOOLEAN",
    "missing_sources": "VARCHAR",
    "data_status": "VARCHAR",
    "data_note": "VARCHAR",
    "history_weeks": "VARCHAR",  # JSON list
    "weekly_volume": "VARCHAR",  # JSON list
    "weekly_net_sentiment": "VARCHAR",  # JSON list
    "baseline_weeks": "BIGINT",
    "min_volume": "BIGINT",
    "alpha": "DOUBLE",
    "multiple_testing": "VARCHAR",
    "volume_basis": "VARCHAR",
}

# -- the declaration the store works from ---------------------------------------------------------
SQL_TYPES = ("VARCHAR", "BIGINT", "DOUBLE", "BOOLEAN", "TIMESTAMPTZ")
"""The column types a declaration may use (each backend maps them to its own spelling)."""

TableKind = Literal["records", "stage", "log", "meta", "registry", "weekly"]


@dataclass(frozen=True)
class Table:
    """One stored table: its columns and SQL types, key, week column and how it is written.

    ``kind`` says which store method writes it: ``records`` (upsert_records), ``stage``
    (upsert_stage: one row per record), ``log`` (rows only added: quarantine, run_log),
    ``meta`` (set_meta), ``registry`` (replaced whole) and ``weekly`` (replace_week: the rows
    of one ``week`` column value replaced at once).
    """

    name: str
    kind: TableKind
    columns: Mapping[str, str]
    key: tuple[str, ...] = ()
    """Columns that identify a row (unique in what is written); empty for logs."""
    week: str | None = None
    """The ISO-week column, if the table has one."""
    doc: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        bad = {c: t for c, t in self.columns.items() if t not in SQL_TYPES}
        if bad:
            raise ValueError(f"table {self.name}: unknown column types {bad}; use one of {SQL_TYPES}")
        for c in (*self.key, *([self.week] if self.week else [])):
            if c not in self.columns:
                raise ValueError(f"table {self.name}: key or week column {c!r} is not one of its columns")
        if self.kind == "weekly" and not self.week:
            raise ValueError(f"table {self.name}: a weekly table needs its week column")


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("records", "records", RECORD_COLUMNS, ("record_id",), "iso_week", "canonical records"),
        Table("record_text", "stage", TEXT_COLUMNS, ("record_id",), None, "text layer output per record"),
        Table("record_sentiment", "stage", SENTIMENT_COLUMNS, ("record_id",), None, "sentiment per record"),
        Table("record_clauses", "stage", CLAUSE_COLUMNS, ("record_id",), None, "clause sentiments per record"),
        Table("record_topics", "stage", TOPIC_ASSIGNMENT_COLUMNS, ("record_id",), "iso_week", "topic per record"),
        Table("quarantine", "log", QUARANTINE_COLUMNS, (), None, "rows refused at ingest, with the reason"),
        Table("run_log", "log", RUN_LOG_COLUMNS, (), "iso_week", "one reconciliation row per source and run"),
        Table("meta", "meta", META_COLUMNS, ("key",), None, "store settings (the author-hash salt)"),
        Table("topic_registry", "registry", TOPIC_REGISTRY_COLUMNS, ("topic_id",), None, "topics across weeks"),
        Table("topic_events", "weekly", TOPIC_EVENT_COLUMNS, (), "iso_week", "what a week's fit did to topics"),
        Table("topic_window", "weekly", TOPIC_WINDOW_COLUMNS, ("iso_week", "record_id"), "iso_week",
              "the week's fit's topics for the trailing weeks' records"),
        Table("topic_week", "weekly", TOPIC_WEEK_COLUMNS, ("iso_week", "topic_id"), "iso_week"),
        Table(
            "sentiment_week",
            "weekly",
            SENTIMENT_WEEK_COLUMNS,
            ("iso_week", "channel", "language", "segment_field", "segment_value"),
            "iso_week",
        ),
        Table("theme_week", "weekly", THEME_WEEK_COLUMNS, ("iso_week", "theme_id"), "iso_week"),
        Table("theme_segment_week", "weekly", THEME_SEGMENT_WEEK_COLUMNS,
              ("iso_week", "theme_id", "segment_field", "segment_value"), "iso_week"),
        Table("theme_impact", "weekly", THEME_IMPACT_COLUMNS, ("iso_week", "theme_id"), "iso_week"),
        Table("quote_week", "weekly", QUOTE_WEEK_COLUMNS, ("iso_week", "topic_id", "rank"), "iso_week"),
        Table("sentiment_model_week", "weekly", SENTIMENT_MODEL_WEEK_COLUMNS, ("iso_week", "sentiment_model"),
              "iso_week"),
        Table("emerging_topics", "weekly", EMERGING_TOPICS_COLUMNS, ("iso_week", "topic_id"), "iso_week"),
        Table("drivers", "weekly", DRIVERS_COLUMNS, ("iso_week", "source", "topic_id"), "iso_week"),
        Table("rating_week", "weekly", RATING_WEEK_COLUMNS, ("iso_week", "rating_scale"), "iso_week"),
        Table("data_quality", "weekly", DATA_QUALITY_COLUMNS, ("iso_week", "source"), "iso_week"),
        Table("summary", "weekly", SUMMARY_COLUMNS, ("iso_week",), "iso_week"),
    )
}
"""Every table the store holds, by name: nothing else is created, written or read."""

STAGE_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if t.kind == "stage")
WEEKLY_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if t.kind == "weekly")
