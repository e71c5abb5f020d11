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
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pandas as pd

from voc.alerts.send import Delivery, Notifier, send_with_retries
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
        where: str | Path = url
        options: dict[str, Any] = {"schema": config.store.schema_name}
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
               runner: StageRunner | None = None) -> list[Reconciliation]:
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

    def notify(self, send: Callable[[], None], retries: int, retry_delay_s: float, timeout_s: float) -> Delivery:
        """Send one notification with ``send()``, retrying a failed attempt; never raise."""


class InProcessRunner:
    """The default :class:`StageRunner`: everything runs here, in order, chunks one after another."""

    def ingest(self, source: str, fn: Callable[..., Reconciliation], *args: Any) -> Reconciliation:
        return fn(*args)

    def stage(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)

    def map(self, fn: Callable, param_list: list[dict]) -> list:
        return run_in_loop(fn, param_list)

    def notify(self, send: Callable[[], None], retries: int, retry_delay_s: float, timeout_s: float) -> Delivery:
        return send_with_retries(send, retries, retry_delay_s, timeout_s)


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

    The model (a directory: a promotion changes it) is loaded once per worker process.
    """
    from voc.sentiment.clauses import clause_rows

    scorer = _cached_model(model)
    scores = scorer.predict(texts, languages)
    clauses = clause_rows(range(len(texts)), texts, scorer, scores).drop(columns=["record_id", "sentiment_model"])
    return pd.concat([scores, clauses], axis=1)


def configured_model(config: PipelineConfig) -> tuple[str, str]:
    """The configured sentiment model as (directory, ``name@version``): ``default`` follows the promoted one."""
    from voc.sentiment.catalog import read_manifest, resolve_model_dir

    directory = resolve_model_dir(config.sentiment.model, config.models_dir)
    manifest = read_manifest(directory)
    return str(directory), f"{manifest['name']}@{manifest['version']}"


def enrich_text(config: PipelineConfig, store: Store, weeks: list[str], mapper: Mapper = run_in_loop) -> int:
    """Run the text layer on records of ``weeks`` that have not been through it; returns how many.

    Repeats are decided per ISO week over every record of the week (``voc.text.dedup.week_repeats``),
    so a week that gains records has its earlier records' ``near_dup_of`` brought up to date too.
    """
    todo = store.records_missing("record_text", weeks)
    if todo.empty:
        return 0
    texts = todo["text"].tolist()
    slices = chunk_slices(len(texts), config.execution.chunk_size)
    parts = mapper(text_chunk, [{"texts": texts[sl], "text_config": config.text} for sl in slices])
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "record_id", todo["record_id"].to_numpy())
    out, changed = _fold_week_repeats(config, store, todo, out)
    for sl in slices:
        store.upsert_stage("record_text", out.iloc[sl])
    if not changed.empty:
        store.upsert_stage("record_text", changed)
    return len(out)


def _fold_week_repeats(config: PipelineConfig, store: Store, todo: pd.DataFrame,
                       out: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``out`` with ``near_dup_of``/``near_dup_reason`` set, and stored rows of the same weeks whose fold changed."""
    from voc.schema import TEXT_COLUMNS
    from voc.text.dedup import week_repeats
    from voc.text.pipeline import NEAR_DUPLICATE_FLAG

    touched = sorted(set(todo["iso_week"].dropna().astype(str)))
    stored = store.enriched_records(touched) if touched else pd.DataFrame(columns=list(TEXT_COLUMNS))
    new_ids = set(out["record_id"])
    stored = stored[~stored["record_id"].isin(new_ids) & stored["text_clean"].notna()]
    keys = ["record_id", "iso_week", "created_at", "author_key", "source", "channel", "duplicate_of"]
    fresh = todo[keys].reset_index(drop=True).assign(text_clean=out["text_clean"].to_numpy())
    both = pd.concat([fresh, stored[[*keys, "text_clean"]]], ignore_index=True)
    folds = week_repeats(both, config.text.near_dup, config.text.noise)

    def with_flag(flags: object, folded: bool) -> str:
        parts = [f for f in str(flags or "").split(",") if f and f != NEAR_DUPLICATE_FLAG]
        return ",".join([*parts, NEAR_DUPLICATE_FLAG] if folded else parts)

    n = len(fresh)
    out = out.copy()
    out["near_dup_of"] = folds["near_dup_of"].iloc[:n].to_numpy()
    out["near_dup_reason"] = folds["near_dup_reason"].iloc[:n].to_numpy()
    out["flags"] = [with_flag(f, d is not None) for f, d in zip(out["flags"], out["near_dup_of"], strict=False)]
    old = stored.reset_index(drop=True)
    now_of = folds["near_dup_of"].iloc[n:].reset_index(drop=True)
    now_why = folds["near_dup_reason"].iloc[n:].reset_index(drop=True)
    differs = (old["near_dup_of"].astype(object).where(old["near_dup_of"].notna(), None) != now_of) | (
        old["near_dup_reason"].astype(object).where(old["near_dup_reason"].notna(), None) != now_why)
    changed = old[differs.to_numpy()][list(TEXT_COLUMNS)].copy()
    changed["near_dup_of"] = now_of[differs].to_numpy()
    changed["near_dup_reason"] = now_why[differs].to_numpy()
    changed["flags"] = [
        with_flag(f, d is not None) for f, d in zip(changed["flags"], changed["near_dup_of"], strict=False)
    ]
    return out, changed


def score_sentiment(config: PipelineConfig, store: Store, weeks: list[str], mapper: Mapper = run_in_loop,
                    force: bool = False) -> int:
    """Score records of ``weeks`` not yet scored, or scored by another model than the configured one.

    A promoted (``default``) or pinned model thus takes effect on every week a run enriches; ``force``
    rescores every record of ``weeks``. Returns how many records were scored.
    """
    missing = store.records_missing("record_sentiment", weeks)
    enriched = store.enriched_records(weeks)
    model_dir, ref = configured_model(config)
    scored = enriched["sentiment_model"].notna()
    stale = enriched[scored] if force else enriched[scored & (enriched["sentiment_model"] != ref)]
    if missing.empty and stale.empty:
        return 0
    if not stale.empty:
        log.info("rescoring %d record(s) of %s with %s (scored by %s)", len(stale), ", ".join(weeks), ref,
                 ", ".join(sorted(set(stale["sentiment_model"].astype(str)))))
    todo = pd.concat([missing[["record_id", "text"]], stale[["record_id", "text"]]], ignore_index=True)
    enriched = enriched.set_index("record_id")
    clean = enriched["text_clean"].reindex(todo["record_id"]).to_numpy()
    langs = enriched["language"].reindex(todo["record_id"]).tolist()
    texts = [c if isinstance(c, str) else t for c, t in zip(clean, todo["text"], strict=True)]
    slices = chunk_slices(len(texts), config.execution.chunk_size)
    # model_dir is resolved once, with the config's models_dir, so every worker loads the same folder by path
    parts = mapper(
        sentiment_chunk,
        [{"texts": texts[sl], "languages": langs[sl], "model": model_dir} for sl in slices],
    )
    for sl, part in zip(slices, parts, strict=True):
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
    earlier = window[window["iso_week"] != week]
    store.replace_week("topic_window", week, pd.DataFrame({
        "iso_week": week, "record_id": earlier["record_id"].to_numpy(),
        "record_week": earlier["iso_week"].to_numpy(), "topic_id": earlier["topic_id"].to_numpy()}))
    if result.events is not None and not result.events.empty:
        store.replace_week("topic_events", week, result.events.assign(iso_week=week))
    active = int((result.registry["status"] == "active").sum())
    return {"assigned": len(result.assignments), "backfilled": len(fill), "topics": active,
            "outlier_share": float(result.outlier_share)}


def trailing_weeks_as_fitted(records: pd.DataFrame, window: pd.DataFrame) -> pd.DataFrame:
    """``records`` with the earlier weeks' topics as the report week's fit assigned them (``topic_window``).

    Trends and emerging baselines then compare one topic definition across weeks: the same whether the
    earlier weeks were run one by one (each by its own fit, under its own ids) or the week runs alone.
    A record outside the fitted window keeps its stored topic.
    """
    if window.empty or records.empty:
        return records
    fitted = window.set_index("record_id")["topic_id"]
    topic = records["record_id"].map(fitted)
    use = topic.notna().to_numpy()
    out = records.copy()
    out.loc[use, "topic_id"] = topic[use].to_numpy()
    return out


def with_topic_sentiment(records: pd.DataFrame, clauses: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """``records`` with ``topic_sentiment``: the feeling of each record's clauses about its own topic.

    A mixed message ("staff polite but the wait was two hours") keeps its one message label in
    ``sentiment``; the topic tables count ``topic_sentiment``, so the waiting topic is not lifted by
    the praise of the staff (:func:`voc.sentiment.clauses.topic_sentiments`).
    """
    from voc.sentiment.clauses import topic_sentiments

    if records.empty or "topic_id" not in records.columns:
        return records
    clauses = clauses[clauses["record_id"].isin(records["record_id"])]
    part = records[["record_id", "topic_id", "sentiment"]].reset_index(drop=True)
    return records.assign(topic_sentiment=topic_sentiments(part, clauses, topics).to_numpy())


def write_weekly_tables(config: PipelineConfig, store: Store, week: str, run_id: str | None) -> list[Path]:
    """Build the week's insight tables, keep them in the store and export them.

    ``run_id`` None (a rescore, no new ingest): ``data_quality`` reads the week's latest run-log rows.
    """
    from voc.export.writers import write_exports
    from voc.insights.tables import build_weekly_tables, topic_history

    weeks = window_weeks(week, config.insights.history_weeks + 1)
    records = trailing_weeks_as_fitted(store.enriched_records(weeks), store.weekly_table("topic_window", week))
    topics = store.topic_registry()
    records = with_topic_sentiment(records, store.stage_rows("record_clauses", weeks), topics)
    run_log = store.run_log(run_id) if run_id else store.run_log()
    tables = build_weekly_tables(week, records, topics, run_log, config.insights)
    for name, df in tables.items():
        if isinstance(df, pd.DataFrame):
            store.replace_week(name, week, df)
    out_dir = config.exports_path / week
    history = topic_history(week, records, topics, config.insights)
    links = {s.name: s.link_template for s in config.sources if s.link_template}
    paths = write_exports(week, tables, out_dir, config.export, history=history, links=links)
    if "html" in config.export.formats:  # exports/index.html and every report's previous/next links
        from voc.export.history import write_history

        paths += write_history(config.exports_path, config.export, store.weekly_table("summary"),
                               store.weekly_table("theme_week"))
    return paths


def rescore_weeks(config: PipelineConfig, store: Store, weeks: list[str], force: bool = False) -> dict:
    """Rescore ``weeks`` with the configured model (records scored by another; every record with ``force``)
    and rewrite each week's tables and exports; the sources are not read again."""
    n = score_sentiment(config, store, weeks, force=force)
    exports: list[str] = []
    if n:
        for week in weeks:
            exports += [str(p) for p in write_weekly_tables(config, store, week, None)]
    return {"weeks": weeks, "model": configured_model(config)[1], "rescored": n, "exports": exports}


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


def week_warnings(store: Store, week: str) -> list[str]:
    """What a reader of the run should check, from the week's stored ``data_quality`` rows."""
    dq = store.weekly_table("data_quality", week)
    out = []
    for row in dq.to_dict("records"):
        n = row.get("flagged_conversations")
        if n is not None and not pd.isna(n) and int(n) > 0:
            out.append(f"source {row['source']}: {int(n)} conversation(s) with more turns than max_turns "
                       "(separators may be missing; metadata transcript_warning)")
        n = row.get("unreadable_ratings")
        if n is not None and not pd.isna(n) and int(n) > 0:
            out.append(f"source {row['source']}: {int(n)} record(s) kept without their rating, which is text "
                       "voc cannot read as a number (metadata rating_unreadable)")
    return out


def run_week(config: PipelineConfig, store: Store, week: str, runner: StageRunner | None = None,
             run_id: str | None = None, alerts: bool = True, notifier: Notifier | None = None) -> dict:
    """Run the weekly pipeline for ``week``: the one place that defines the stage order.

    Returns the run summary: ``week``, ``run_id``, ``reconciliation`` (one dict per source),
    ``text_processed``, ``sentiment_scored``, ``topics``, ``exports`` (paths as text), ``partial``,
    ``failed_sources``, ``warnings`` (one line each: transcripts with abnormally many turns...) and
    ``alerts`` (what :func:`voc.alerts.send_week_alert` did; with ``alerts=False``, as a backfill's
    earlier weeks run, nothing is sent). Every source's reconciliation is in the store's run log under
    ``run_id`` and ``week``, so the week's ``data_quality`` table has its counts. ``notifier`` replaces
    the configured Prefect block.
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
    warnings = week_warnings(store, week)
    for w in warnings:
        log.warning("week %s: %s", week, w)
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
        "warnings": warnings,
    }
    # last, after every output is written: an alert that fails is reported here and costs nothing else
    if alerts:
        from voc.alerts import send_week_alert

        summary["alerts"] = send_week_alert(config, store, summary, runner, notifier)
    else:
        summary["alerts"] = {"configured": config.alerts is not None, "needed": False, "sent": False,
                             "skipped": "alerts off for this run"}
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
    "configured_model",
    "open_pipeline_store",
    "rescore_weeks",
    "run_week",
    "week_warnings",
    "score_sentiment",
    "window_weeks",
    "write_weekly_tables",
]
