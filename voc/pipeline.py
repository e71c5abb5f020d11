"""The weekly pipeline: :func:`run_week` runs one ISO week, stage by stage, and is the only place
that knows the stage order.

Stages: ingest every source (a failing source is logged and the others go on) -> text layer ->
sentiment -> topics -> weekly tables and exports. Each stage is a plain function here, tested
without Prefect; :class:`StageRunner` decides how a stage and its chunks run. The default runs them
in this process; :mod:`voc.flows` supplies a Prefect one (a task per stage, retries on ingest I/O,
chunks on the flow's task runner). ``voc run``, ``voc backfill``, the Prefect flows, the benchmarks
and the tests all call :func:`run_week`.
"""

from __future__ import annotations

import logging
import os
import signal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

import pandas as pd

from voc.config import PipelineConfig
from voc.errors import ConfigError, StoreError, VocError
from voc.ingest.run import Reconciliation, ingest_source, new_run_id, record_failure
from voc.schema import OUTLIER_TOPIC_ID, TABLES
from voc.store import Store, open_store
from voc.weeks import parse_week, shift_week, week_range

log = logging.getLogger("voc")
T = TypeVar("T")

def open_pipeline_store(config: PipelineConfig) -> Store:
    """The configured store; a PostgreSQL URL comes from the environment variable the config names.

    A store that cannot be opened (not a database, held by another run) is a :class:`StoreError`.
    """
    if config.store.backend == "postgres":
        url = os.environ.get(config.store.url_env)
        if not url:
            raise ConfigError(f"store.backend is postgres but ${config.store.url_env} (the database URL) is not set")
        where, options = url, {"schema": config.store.schema_name}
    else:
        where, options = config.store_path, {}
    try:
        return open_store(config.store.backend, where, **options)
    except StoreError:
        raise
    except (RuntimeError, OSError) as e:  # the backends' "cannot open store ..." errors
        msg = str(e)
        if "lock" in msg.lower():
            msg += " (another voc run or command has it open: wait for it to finish, then retry)"
        raise StoreError(msg) from None


def window_weeks(week: str, n: int) -> list[str]:
    """The ``n`` weeks ending with ``week``."""
    return week_range(shift_week(week, -(n - 1)), week)


def ingest_all(config: PipelineConfig, store: Store, run_id: str, week: str | None = None,
               runner: "StageRunner | None" = None) -> list[Reconciliation]:
    """Ingest every enabled source; a source that fails is logged as failed and the others go on.

    A source fails when it cannot be read at all (:class:`~voc.errors.SourceError`, I/O) or when
    reading it hits a bug; either way its run-log row says why, and the week is marked partial.
    """
    runner = runner or InProcessRunner()
    out = []
    for src in config.sources:
        if not src.enabled:
            continue
        try:
            out.append(runner.ingest(src.name, ingest_source, src, config, store, run_id, week))
        except Exception as e:  # noqa: BLE001 - one source's failure must not cost the others
            if not isinstance(e, (VocError, OSError)):
                log.exception("source %s failed with an unexpected error (a bug)", src.name)
            reason = str(e) if isinstance(e, VocError) else f"{type(e).__name__}: {e}"
            out.append(record_failure(store, run_id, src.name, reason, week))
    return out


Mapper = Callable[[Callable, list[dict]], list]
"""Runs ``func(**params)`` for each params dict and returns the results in order."""


def run_in_loop(func: Callable, param_list: list[dict]) -> list:
    return [func(**p) for p in param_list]


class StageRunner(Protocol):
    """How :func:`run_week` runs things: each stage, each source's ingest, each stage's chunks."""

    def ingest(self, source: str, fn: Callable[..., Reconciliation], *args: Any) -> Reconciliation:
        """Ingest one source with ``fn(*args)``; raise if it failed (after any retries)."""

    def stage(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        """Run one stage, ``fn(*args)``."""

    def map(self, fn: Callable, param_list: list[dict]) -> list:
        """Run ``fn(**params)`` for each chunk's params; results in order (a :data:`Mapper`)."""


class InProcessRunner:
    """The default :class:`StageRunner`: everything runs here, in order, chunks one after another."""

    def ingest(self, source: str, fn: Callable[..., Reconciliation], *args: Any) -> Reconciliation:
        return fn(*args)

    def stage(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)

    def map(self, fn: Callable, param_list: list[dict]) -> list:
        return run_in_loop(fn, param_list)


def chunk_slices(n: int, size: int) -> list[slice]:
    return [slice(i, min(i + size, n)) for i in range(0, n, size)]


def text_chunk(texts: list[str], text_config) -> pd.DataFrame:
    """The text layer on one chunk (a pure function: safe to run on any worker)."""
    from voc.text.pipeline import process_texts

    return process_texts(texts, text_config)


@lru_cache(maxsize=4)
def _cached_model(name: str):
    from voc.sentiment.catalog import load_model

    return load_model(name)


def sentiment_chunk(texts: list[str], languages: list[str | None], model: str) -> pd.DataFrame:
    """Sentiment scores for one chunk, with each text's clauses (``record_clauses`` columns) beside them.

    The model is loaded once per worker process.
    """
    from voc.sentiment.clauses import clause_rows

    scorer = _cached_model(model)
    scores = scorer.predict(texts, languages)
    clauses = clause_rows(range(len(texts)), texts, scorer, scores).drop(columns=["record_id", "sentiment_model"])
    return pd.concat([scores, clauses], axis=1)


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
        store.upsert_stage("record_clauses", part[list(TABLES["record_clauses"].columns)])
        store.upsert_stage("record_sentiment", part[list(TABLES["record_sentiment"].columns)])
    return len(texts)


def assign_topics(config: PipelineConfig, store: Store, week: str) -> dict:
    """Fit topics on the rolling window, match them to the registry, store assignments for the week."""
    from voc.topics.weekly import assign_week_topics

    weeks = window_weeks(week, config.topics.window_weeks)
    rec = store.enriched_records(weeks)
    rec = rec[rec["duplicate_of"].isna() & rec["near_dup_of"].isna() & rec["text_clean"].notna()]
    registry = store.topic_registry()
    result = assign_week_topics(
        rec[["record_id", "iso_week", "text_clean", "topic_tokens", "language"]].reset_index(drop=True),
        week,
        registry if not registry.empty else None,
        config.topics,
        tokenize_config=config.text.tokenize,
    )
    # the week itself is (re)assigned; earlier weeks keep what their own run assigned, and only
    # records never assigned (a first run, backfilled data) take this fit's topics
    assigned = store.topic_assignments()
    already = set(assigned["record_id"]) if not assigned.empty else set()
    window = result.window_assignments if result.window_assignments is not None else result.assignments
    fill = window[(window["iso_week"] != week) & ~window["record_id"].isin(already)]
    store.upsert_stage("record_topics", pd.concat([result.assignments, fill], ignore_index=True))
    store.replace_topic_registry(result.registry)
    if result.events is not None and not result.events.empty:
        store.replace_week("topic_events", week, result.events.assign(iso_week=week))
    return {"assigned": len(result.assignments), "backfilled": len(fill), "topics": int((result.registry["status"] == "active").sum()),
            "outlier_share": float(result.outlier_share)}


def write_weekly_tables(config: PipelineConfig, store: Store, week: str, run_id: str) -> list[Path]:
    """Build the week's insight tables, keep them in the store and export them."""
    from voc.export.writers import write_exports
    from voc.insights.tables import build_weekly_tables, topic_history

    weeks = window_weeks(week, config.insights.history_weeks + 1)
    records = store.enriched_records(weeks)
    topics = store.topic_registry()
    run_log = store.run_log(run_id)
    tables = build_weekly_tables(week, records, topics, run_log, config.insights)
    for name, df in tables.items():
        if isinstance(df, pd.DataFrame):
            store.replace_week(name, week, df)
    out_dir = config.exports_path / week
    history = topic_history(week, records, topics, config.insights)
    return write_exports(week, tables, out_dir, config.export, history=history)


FAULT_ENV = "VOC_FAULT_KILL_AFTER"
"""Fault injection for tests: name a stage (ingest, text, sentiment, topics) and the process SIGKILLs
itself right after it, as a crashed worker would."""


def _fault_point(stage: str) -> None:
    if os.environ.get(FAULT_ENV) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


def enrich_weeks(config: PipelineConfig, week: str) -> list[str]:
    """The weeks a run of ``week`` enriches: every week its topics and insight tables read.

    Records of those weeks that have not been through the text layer or sentiment yet (a first run,
    backfilled data, a text changed at the source) are processed; the rest are left as they are.
    """
    return window_weeks(week, max(config.topics.window_weeks, config.insights.history_weeks + 1))


def run_week(config: PipelineConfig, store: Store, week: str, runner: StageRunner | None = None,
             run_id: str | None = None) -> dict:
    """Run the weekly pipeline for ``week``: the one place that defines the stage order.

    Returns the run summary: ``week``, ``run_id``, ``reconciliation`` (one dict per source),
    ``text_processed``, ``sentiment_scored``, ``topics``, ``exports`` (paths as text), ``partial``
    and ``failed_sources``. Every source's reconciliation is in the store's run log under
    ``run_id`` and ``week``, so the week's ``data_quality`` table has its counts.
    """
    parse_week(week)
    runner = runner or InProcessRunner()
    run_id = run_id or new_run_id()
    reconciliation = [r.as_dict() for r in ingest_all(config, store, run_id, week, runner)]
    _fault_point("ingest")
    weeks = enrich_weeks(config, week)
    n_text = runner.stage("text", enrich_text, config, store, weeks, runner.map)
    _fault_point("text")
    n_sent = runner.stage("sentiment", score_sentiment, config, store, weeks, runner.map)
    _fault_point("sentiment")
    topics = runner.stage("topics", assign_topics, config, store, week)
    _fault_point("topics")
    exports = runner.stage("tables_and_exports", write_weekly_tables, config, store, week, run_id)
    failed = [r["source"] for r in reconciliation if r["status"] != "ok"]
    summary = {
        "week": week,
        "run_id": run_id,
        "reconciliation": reconciliation,
        "text_processed": n_text,
        "sentiment_scored": n_sent,
        "topics": topics,
        "exports": [str(p) for p in exports],
        "partial": bool(failed),
        "failed_sources": failed,
    }
    log.info("week %s done: %s", week, {k: v for k, v in summary.items() if k != "exports"})
    return summary


__all__ = [
    "FAULT_ENV",
    "InProcessRunner",
    "OUTLIER_TOPIC_ID",
    "StageRunner",
    "assign_topics",
    "enrich_text",
    "enrich_weeks",
    "ingest_all",
    "open_pipeline_store",
    "run_week",
    "score_sentiment",
    "window_weeks",
    "write_weekly_tables",
]
