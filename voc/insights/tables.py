"""Weekly insight tables: what changed in a week, per topic, channel, language, segment and rating scale.

Every table has an ``iso_week`` column, a fixed column list (also when empty), plain scalar
cells (breakdowns and lists are JSON text, Thai kept readable) and a deterministic row order,
so it stores in DuckDB and exports to CSV/XLSX as it is.

Each table is built in its own module from one :class:`~voc.insights.weekdata.WeekData` (the week's
records and the trailing weeks', prepared once): ``topic_week``, ``emerging_week``, ``sentiment_week``,
``drivers_week``, ``rating_week``, ``data_quality``, ``summary`` (and ``themes`` for ``theme_week``).
This module assembles them; the names other code imports from here stay importable.
"""

from __future__ import annotations

import pandas as pd

from voc.insights.config import InsightsConfig
from voc.insights.data_quality import DATA_QUALITY_COLUMNS, data_quality_table
from voc.insights.drivers_week import DRIVERS_TABLE_COLUMNS, drivers_table
from voc.insights.emerging_week import EMERGING_TABLE_COLUMNS, emerging_table
from voc.insights.quotes import pick_quotes
from voc.insights.rating_week import RATING_WEEK_COLUMNS, rating_week_table
from voc.insights.sentiment_week import SENTIMENT_WEEK_COLUMNS, sentiment_week_table
from voc.insights.summary import SUMMARY_COLUMNS, summary_table
from voc.insights.topic_week import topic_week_columns, topic_week_table
from voc.insights.weekdata import ALL, NONE, WeekData, net
from voc.weeks import parse_week


def build_weekly_tables(
    week: str,
    records: pd.DataFrame,
    topics: pd.DataFrame,
    run_log: pd.DataFrame,
    config: InsightsConfig,
) -> dict[str, pd.DataFrame]:
    """All insight tables of ``week`` from its enriched records and the trailing weeks'.

    Args:
        week: The report week, like ``2026-W47``.
        records: Enriched records (``voc.schema.ENRICHED_COLUMNS``) of the week and the
            ``history_weeks`` before it; records of other weeks are ignored.
        topics: The topic registry (``topic_id``, ``label``, ``top_words``, ``first_seen_week``,
            ``status``, ``merged_into``).
        run_log: This week's run log rows (``voc.schema.RUN_LOG_COLUMNS``).
        config: The ``insights`` config section.

    Returns:
        Tables ``topic_week``, ``sentiment_week``, ``emerging_topics``, ``drivers``, ``rating_week``,
        ``data_quality``, ``theme_week`` and a one-row ``summary``.
    """
    parse_week(week)  # fail early, with the bad value, on a malformed week
    data = WeekData(week, records, topics, config)
    emerging = data.emerging()
    topic_week = topic_week_table(data, emerging)
    data_quality = data_quality_table(week, data.window_records, run_log)
    tables = {
        "topic_week": topic_week,
        "sentiment_week": sentiment_week_table(data),
        "emerging_topics": emerging_table(data, emerging, topic_week),
        "drivers": drivers_table(data),
        "rating_week": rating_week_table(data),
        "data_quality": data_quality,
    }
    tables["summary"] = summary_table(data, topic_week, tables["emerging_topics"], data_quality)
    from voc.insights.themes import theme_week_table

    tables["theme_week"] = theme_week_table(week, records, topics, config)
    from voc.insights.breakdowns import theme_breakdown_tables

    tables.update(theme_breakdown_tables(week, records, topics, config))
    return tables


def topic_history(
    week: str, records: pd.DataFrame, topics: pd.DataFrame, config: InsightsConfig
) -> pd.DataFrame:
    """Per week and topic over the loaded window: ``volume`` and ``net_sentiment`` (report trends)."""
    data = WeekData(week, records, topics, config)
    c = data.counts
    out = c[["iso_week", "topic_id", "volume"]].copy()
    out["topic_label"] = [data.label(t) for t in out["topic_id"]]
    out["net_sentiment"] = net(c["positive"], c["negative"], c["scored"])
    return out.sort_values(["iso_week", "topic_id"]).reset_index(drop=True)[
        ["iso_week", "topic_id", "topic_label", "volume", "net_sentiment"]
    ]


__all__ = [
    "ALL",
    "DATA_QUALITY_COLUMNS",
    "DRIVERS_TABLE_COLUMNS",
    "EMERGING_TABLE_COLUMNS",
    "NONE",
    "RATING_WEEK_COLUMNS",
    "SENTIMENT_WEEK_COLUMNS",
    "SUMMARY_COLUMNS",
    "WeekData",
    "build_weekly_tables",
    "pick_quotes",
    "topic_history",
    "topic_week_columns",
]
