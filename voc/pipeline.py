"""The weekly pipeline as plain functions: ingest, text, sentiment, topics, tables and exports.

Prefect flows in ``pipelines/`` wrap these one task each; tests call them directly.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from voc.config import PipelineConfig
from voc.ingest.run import Reconciliation, ingest_source, record_failure
from voc.schema import OUTLIER_TOPIC_ID
from voc.store import Store, open_store
from voc.weeks import shift_week, week_range

log = logging.getLogger("voc")


def open_pipeline_store(config: PipelineConfig) -> Store:
    return open_store(config.store.backend, config.store_path)


def window_weeks(week: str, n: int) -> list[str]:
    """The ``n`` weeks ending with ``week``."""
    return week_range(shift_week(week, -(n - 1)), week)


def ingest_all(config: PipelineConfig, store: Store, run_id: str, week: str | None = None) -> list[Reconciliation]:
    """Ingest every enabled source; a source that fails is logged as failed and the others go on."""
    from voc.ingest.files import SourceError

    out = []
    for src in config.sources:
        if not src.enabled:
            continue
        try:
            out.append(ingest_source(src, config, store, run_id, week))
        except SourceError as e:
            out.append(record_failure(store, run_id, src.name, str(e), week))
    return out


def enrich_text(config: PipelineConfig, store: Store, weeks: list[str]) -> int:
    """Run the text layer on records of ``weeks`` that have not been through it; returns how many."""
    from voc.text.dedup import find_near_duplicates
    from voc.text.pipeline import process_texts

    todo = store.records_missing("record_text", weeks)
    if todo.empty:
        return 0
    out = process_texts(todo["text"].tolist(), config.text)
    out.insert(0, "record_id", todo["record_id"].to_numpy())
    originals = todo["duplicate_of"].isna().to_numpy()
    near = [None] * len(todo)
    if config.text.near_duplicates.enabled and originals.any():
        idx = [i for i, o in enumerate(originals) if o]
        found = find_near_duplicates(
            todo["record_id"].iloc[idx].tolist(), out["text_clean"].iloc[idx].tolist(), config.text.near_duplicates
        )
        for i, dup in zip(idx, found):
            near[i] = dup
    out["near_dup_of"] = near
    store.upsert_stage("record_text", out)
    return len(out)


def score_sentiment(config: PipelineConfig, store: Store, weeks: list[str]) -> int:
    """Score records of ``weeks`` not yet scored, with the configured model."""
    from voc.sentiment.base import load_model

    todo = store.records_missing("record_sentiment", weeks)
    if todo.empty:
        return 0
    texts = store.read_table("record_text", "record_id IN (SELECT record_id FROM records WHERE iso_week IN ({}))".format(
        ", ".join("?" * len(weeks))), weeks)[["record_id", "text_clean", "language"]]
    todo = todo[["record_id", "text"]].merge(texts, on="record_id", how="left")
    todo["text_clean"] = todo["text_clean"].fillna(todo["text"])
    model = load_model(config.sentiment.model)
    scored = []
    bs = max(1, config.sentiment.batch_size)
    for start in range(0, len(todo), bs):
        part = todo.iloc[start : start + bs]
        pred = model.predict(part["text_clean"].tolist(), part["language"].tolist())
        pred.insert(0, "record_id", part["record_id"].to_numpy())
        scored.append(pred)
    result = pd.concat(scored, ignore_index=True)
    store.upsert_stage("record_sentiment", result)
    return len(result)


def assign_topics(config: PipelineConfig, store: Store, week: str) -> dict:
    """Fit topics on the rolling window, match them to the registry, store assignments for the week."""
    from voc.topics.model import assign_week_topics

    weeks = window_weeks(week, config.topics.window_weeks)
    rec = store.enriched_records(weeks)
    rec = rec[rec["duplicate_of"].isna() & rec["near_dup_of"].isna() & rec["text_clean"].notna()]
    registry = store.read_table("topic_registry")
    result = assign_week_topics(
        rec[["record_id", "iso_week", "text_clean", "topic_tokens", "language"]].reset_index(drop=True),
        week,
        registry if not registry.empty else None,
        config.topics,
    )
    assignments = result.assignments
    # the week itself is (re)assigned; earlier weeks keep what their own run assigned, and only
    # records never assigned (first run, backfilled data) take this fit's topics
    already = set(store.read_table("record_topics")["record_id"]) if not store.read_table("record_topics").empty else set()
    keep = (assignments["iso_week"] == week) | ~assignments["record_id"].isin(already)
    store.upsert_stage("record_topics", assignments[keep])
    store.replace_table("topic_registry", result.registry)
    if result.events is not None and not result.events.empty:
        store.replace_week_rows("topic_events", week, result.events.assign(iso_week=week))
    return {"assigned": int(keep.sum()), "topics": int((result.registry["status"] == "active").sum()),
            "outlier_share": float(result.outlier_share)}


def write_weekly_tables(config: PipelineConfig, store: Store, week: str, run_id: str) -> list[Path]:
    """Build the week's insight tables, keep them in the store and export them."""
    from voc.export.writers import write_exports
    from voc.insights.tables import build_weekly_tables

    weeks = window_weeks(week, config.insights.history_weeks + 1)
    records = store.enriched_records(weeks)
    topics = store.read_table("topic_registry")
    run_log = store.read_table("run_log", "run_id = ?", [run_id])
    tables = build_weekly_tables(week, records, topics, run_log, config.insights)
    for name, df in tables.items():
        if isinstance(df, pd.DataFrame):
            store.replace_week_rows(name, week, df)
    out_dir = config.exports_path / week
    return write_exports(week, tables, out_dir, config.export, history=records)


__all__ = [
    "OUTLIER_TOPIC_ID",
    "assign_topics",
    "enrich_text",
    "ingest_all",
    "open_pipeline_store",
    "score_sentiment",
    "window_weeks",
    "write_weekly_tables",
]
