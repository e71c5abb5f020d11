"""Prefect flows: the weekly VOC run and a backfill over a range of weeks.

Tasks are thin verbs over :mod:`voc.pipeline`; only source reads retry (I/O can be flaky, the
rest is deterministic and a retry would fail the same way).
"""

from __future__ import annotations

import os
import signal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from voc import pipeline
from voc.config import PipelineConfig, load_config
from voc.ingest.files import SourceError
from voc.ingest.run import ingest_source, new_run_id, record_failure
from voc.privacy import install_log_redaction, redact_message
from voc.store import Store
from voc.weeks import last_complete_week, parse_week, week_range

install_log_redaction()  # every log record of a process running these flows is redacted (voc.privacy)


@task(retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE, task_run_name="ingest-{source_name}")
def ingest_source_task(config: PipelineConfig, store: Store, source_name: str, run_id: str, week: str) -> dict:
    src = next(s for s in config.sources if s.name == source_name)
    try:
        rec = ingest_source(src, config, store, run_id, week)
    except SourceError as e:  # its message names files and columns, and Prefect keeps it in the run's state
        raise SourceError(redact_message(str(e))) from None
    get_run_logger().info("%s: %s", source_name, rec.as_dict())
    return rec.as_dict()


@task(cache_policy=NO_CACHE, task_run_name="process-text-chunk")
def process_text_chunk(texts: list[str], text_config) -> object:
    return pipeline.text_chunk(texts, text_config)


@task(cache_policy=NO_CACHE, task_run_name="score-sentiment-chunk")
def score_sentiment_chunk(texts: list[str], languages: list, model: str) -> object:
    return pipeline.sentiment_chunk(texts, languages, model)


CHUNK_TASKS = {pipeline.text_chunk: process_text_chunk, pipeline.sentiment_chunk: score_sentiment_chunk}


def make_task_runner(config: PipelineConfig):
    """The task runner for per-chunk stages: Dask when the config says so, else None (in-process)."""
    ex = config.execution
    if ex.runner != "dask":
        return None
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:  # pragma: no cover - a dependency of voc
        raise RuntimeError("execution.runner is dask but prefect-dask is missing: pip install prefect-dask") from None
    if ex.dask_address:
        return DaskTaskRunner(address=ex.dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": ex.dask_workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def chunk_mapper(config: PipelineConfig):
    """A :data:`voc.pipeline.Mapper` that runs each chunk as a Prefect task on the configured runner."""
    runner = make_task_runner(config)

    def mapper(func, param_list: list[dict]) -> list:
        task_fn = CHUNK_TASKS[func]
        if runner is None:
            return [task_fn(**p) for p in param_list]
        with runner.duplicate() as r:
            futures = [r.submit(task_fn, parameters=p) for p in param_list]
            return [f.result() for f in futures]

    return mapper


@task(cache_policy=NO_CACHE)
def assign_topics_task(config: PipelineConfig, store: Store, week: str) -> dict:
    return pipeline.assign_topics(config, store, week)


@task(cache_policy=NO_CACHE)
def write_weekly_tables_task(config: PipelineConfig, store: Store, week: str, run_id: str) -> list[str]:
    return [str(p) for p in pipeline.write_weekly_tables(config, store, week, run_id)]


FAULT_ENV = "VOC_FAULT_KILL_AFTER"
"""Fault injection for tests: name a stage (ingest, text, sentiment, topics) and the process SIGKILLs
itself right after it, as a crashed worker would."""


def _fault_point(stage: str) -> None:
    if os.environ.get(FAULT_ENV) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


def _run_week(config: PipelineConfig, store: Store, week: str, ingest: bool = True) -> dict:
    logger = get_run_logger()
    run_id = new_run_id()
    reconciliation = []
    if ingest:
        for src in config.sources:
            if not src.enabled:
                continue
            state = ingest_source_task(config, store, src.name, run_id, week, return_state=True)
            if state.is_completed():
                reconciliation.append(state.result())
            else:
                err = state.result(raise_on_failure=False)
                logger.error("source %s failed after retries: %s", src.name, err)
                reconciliation.append(record_failure(store, run_id, src.name, str(err), week).as_dict())
    _fault_point("ingest")
    weeks = pipeline.window_weeks(week, max(config.topics.window_weeks, config.insights.history_weeks + 1))
    mapper = chunk_mapper(config)
    n_text = pipeline.enrich_text(config, store, weeks, mapper)
    _fault_point("text")
    n_sent = pipeline.score_sentiment(config, store, weeks, mapper)
    _fault_point("sentiment")
    topics = assign_topics_task(config, store, week)
    _fault_point("topics")
    exports = write_weekly_tables_task(config, store, week, run_id)
    failed = [r["source"] for r in reconciliation if r["status"] != "ok"]
    summary = {
        "week": week,
        "run_id": run_id,
        "reconciliation": reconciliation,
        "text_processed": n_text,
        "sentiment_scored": n_sent,
        "topics": topics,
        "exports": exports,
        "partial": bool(failed),
        "failed_sources": failed,
    }
    logger.info("week %s done: %s", week, {k: v for k, v in summary.items() if k != "exports"})
    return summary


@flow(name="weekly-voc", log_prints=True)
def weekly_voc(config_path: str, week: str | None = None, overrides: list[str] | None = None) -> dict:
    """Ingest every source, enrich the week's records, fit topics and write the week's tables."""
    config = load_config(config_path, overrides)
    week = week or last_complete_week(config.timezone)
    parse_week(week)
    with pipeline.open_pipeline_store(config) as store:
        return _run_week(config, store, week)


@flow(name="voc-backfill", log_prints=True)
def backfill_voc(config_path: str, first_week: str, last_week: str, overrides: list[str] | None = None) -> list[dict]:
    """Run the weekly pipeline for each week in order (sources are read once, at the first week)."""
    config = load_config(config_path, overrides)
    weeks = week_range(first_week, last_week)
    with pipeline.open_pipeline_store(config) as store:
        return [_run_week(config, store, w, ingest=(i == 0)) for i, w in enumerate(weeks)]


WEEKLY_CRON = "0 6 * * 1"  # Monday 06:00, after the week has closed
SCHEDULE_TZ = "Asia/Bangkok"


def serve(config_path: str = "configs/pipeline.yaml") -> None:
    """Serve the weekly schedule from this process (no work pool needed); Ctrl-C stops it."""
    from prefect.schedules import Cron

    weekly_voc.serve(
        name="weekly-voc",
        schedules=[Cron(WEEKLY_CRON, timezone=SCHEDULE_TZ)],
        parameters={"config_path": config_path},
    )


if __name__ == "__main__":
    import sys

    serve(sys.argv[1] if len(sys.argv) > 1 else "configs/pipeline.yaml")
