"""The weekly pipeline as plain functions: ingest, text, sentiment, topics, tables and exports.

Prefect flows in ``pipelines/`` wrap these one task each; tests call them directly.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd

from voc.config import PipelineConfig
from voc.ingest.run import Reconciliation, ingest_source, record_failure
from voc.schema import OUTLIER_TOPIC_ID
from voc.store import Store, open_store
from voc.weeks import shift_week, week_range

log = logging.getLogger("voc")


def open_pipeline_store(config: PipelineConfig) -> Store:
    """The configured store; a PostgreSQL URL comes from the environment variable the config names."""
    if config.store.backend == "postgres":
        import os

        from voc.config import ConfigError

        url = os.environ.get(config.store.url_env)
        if not url:
            raise ConfigError(f"store.backend is postgres but ${config.store.url_env} (the database URL) is not set")
        return open_store("postgres", url, schema=config.store.schema_name)
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


Mapper = Callable[[Callable, list[dict]], list]
"""Runs ``func(**params)`` for each params dict, in order; the Prefect flow passes one backed by its
task runner (threads, or Dask workers), tests and the library default run them in a loop."""


def run_in_loop(func: Callable, param_list: list[dict]) -> list:
    return [func(**p) for p in param_list]


def chunk_slices(n: int, size: int) -> list[slice]:
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def text_chunk(texts: list[str], text_config) -> pd.DataFrame:
    """The text layer on one chunk (a pure function: safe to run on any worker)."""
    from voc.text.pipeline import process_texts

    return process_texts(texts, text_config)


@lru_cache(maxsize=4)
def _cached_model(name: str):
    from voc.sentiment.base import load_model

    return load_model(name)


def sentiment_chunk(texts: list[str], languages: list[str | None], model: str) -> pd.DataFrame:
    """Sentiment scores for one chunk; the model is loaded once per worker process."""
    return _cached_model(model).predict(texts, languages)


def enrich_text(config: PipelineConfig, store: Store, weeks: list[str], mapper: Mapper = run_in_loop) -> int:
    """Run the text layer on records of ``weeks`` that have not been through it; returns how many."""
    from voc.text.dedup import find_near_duplicates

    todo = store.records_missing("record_text", weeks)
    if todo.empty:
        return 0
    texts = todo["text"].tolist()
    slices = chunk_slices(len(texts), config.execution.chunk_size)
    parts = mapper(text_chunk, [{"texts": texts[sl], "text_config": config.text} for sl in slices])
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "record_id", todo["record_id"].to_numpy())
    # near-duplicates need every text of the batch at once; exact duplicates are already marked
    originals = todo["duplicate_of"].isna().to_numpy()
    near: list[str | None] = [None] * len(todo)
    if config.text.near_dup.enabled and originals.any():
        idx = [i for i, o in enumerate(originals) if o]
        found = find_near_duplicates(
            todo["record_id"].iloc[idx].tolist(), out["text_clean"].iloc[idx].tolist(), config.text.near_dup,
            normalized=True,
        )
        for i, dup in zip(idx, found):
            near[i] = dup
    out["near_dup_of"] = near
    for sl in slices:
        store.upsert_stage("record_text", out.iloc[sl])
    return len(out)


def score_sentiment(config: PipelineConfig, store: Store, weeks: list[str], mapper: Mapper = run_in_loop) -> int:
    """Score records of ``weeks`` not yet scored, with the configured model."""
    todo = store.records_missing("record_sentiment", weeks)
    if todo.empty:
        return 0
    enriched = store.enriched_records(weeks).set_index("record_id")
    clean = enriched["text_clean"].reindex(todo["record_id"]).to_numpy()
    langs = enriched["language"].reindex(todo["record_id"]).tolist()
    texts = [c if isinstance(c, str) else t for c, t in zip(clean, todo["text"])]
    slices = chunk_slices(len(texts), config.execution.chunk_size)
    parts = mapper(
        sentiment_chunk,
        [{"texts": texts[sl], "languages": langs[sl], "model": config.sentiment.model} for sl in slices],
    )
    for sl, part in zip(slices, parts):
        part = part.reset_index(drop=True)
        part.insert(0, "record_id", todo["record_id"].iloc[sl].to_numpy())
        store.upsert_stage("record_sentiment", part)
    return len(texts)


def assign_topics(config: PipelineConfig, store: Store, week: str) -> dict:
    """Fit topics on the rolling window, match them to the registry, store assignments for the week."""
    from voc.topics.weekly import assign_week_topics

    weeks = window_weeks(week, config.topics.window_weeks)
    rec = store.enriched_records(weeks)
    rec = rec[rec["duplicate_of"].isna() & rec["near_dup_of"].isna() & rec["text_clean"].notna()]
    registry = store.read_table("topic_registry")
    topics_cfg = config.topics
    if topics_cfg.taxonomy_path:  # relative to the pipeline config, like every other path in it
        topics_cfg = topics_cfg.model_copy(update={"taxonomy_path": str(config.resolve(topics_cfg.taxonomy_path))})
    result = assign_week_topics(
        rec[["record_id", "iso_week", "text_clean", "topic_tokens", "language"]].reset_index(drop=True),
        week,
        registry if not registry.empty else None,
        topics_cfg,
        tokenize_config=config.text.tokenize,
    )
    # the week itself is (re)assigned; earlier weeks keep what their own run assigned, and only
    # records never assigned (a first run, backfilled data) take this fit's topics
    assigned = store.read_table("record_topics")
    already = set(assigned["record_id"]) if not assigned.empty else set()
    window = result.window_assignments if result.window_assignments is not None else result.assignments
    fill = window[(window["iso_week"] != week) & ~window["record_id"].isin(already)]
    store.upsert_stage("record_topics", pd.concat([result.assignments, fill], ignore_index=True))
    store.replace_table("topic_registry", result.registry)
    if result.events is not None and not result.events.empty:
        store.replace_week_rows("topic_events", week, result.events.assign(iso_week=week))
    return {"assigned": len(result.assignments), "backfilled": len(fill), "topics": int((result.registry["status"] == "active").sum()),
            "outlier_share": float(result.outlier_share)}


def write_weekly_tables(config: PipelineConfig, store: Store, week: str, run_id: str) -> list[Path]:
    """Build the week's insight tables, keep them in the store and export them."""
    from voc.export.writers import write_exports
    from voc.insights.tables import build_weekly_tables, topic_history

    weeks = window_weeks(week, config.insights.history_weeks + 1)
    records = store.enriched_records(weeks)
    topics = store.read_table("topic_registry")
    run_log = store.read_table("run_log", "run_id = ?", [run_id])
    tables = build_weekly_tables(week, records, topics, run_log, config.insights)
    for name, df in tables.items():
        if isinstance(df, pd.DataFrame):
            store.replace_week_rows(name, week, df)
    out_dir = config.exports_path / week
    history = topic_history(week, records, topics, config.insights)
    return write_exports(week, tables, out_dir, config.export, history=history)


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
