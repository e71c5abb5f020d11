"""Prefect flows: the weekly VOC run and a backfill over a range of weeks.

The flows only choose how :func:`voc.pipeline.run_week` runs: :class:`PrefectStageRunner` wraps each
stage in a task, retries a source's ingest on I/O errors only (the rest is deterministic and a retry
would fail the same way), and maps chunks with the flow's task runner (threads, or Dask workers when
``execution.runner: dask``). Each week runs as its own ``voc-week`` subflow, so a backfill shows one
run per week. ``pipelines/weekly.py`` and ``prefect.yaml`` point here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from voc import pipeline
from voc.alerts.send import AlertError, Delivery, call_with_timeout, describe_error
from voc.config import ExecutionConfig, PipelineConfig, load_config
from voc.errors import ConfigError, SourceError
from voc.ingest.run import Reconciliation
from voc.privacy import install_log_redaction, redact_message
from voc.weeks import last_complete_week, parse_week, week_range

if TYPE_CHECKING:
    from prefect.client.schemas.objects import State
    from prefect.deployments.runner import RunnerDeployment

install_log_redaction()  # every log record of a process running these flows is redacted (voc.privacy)

T = TypeVar("T")

INGEST_RETRIES = 2
INGEST_RETRY_DELAYS: list[float] = [1, 5]
ALERT_TIMEOUT_MARGIN_S = 5  # the send-alert task's Prefect timeout: the attempt's own timeout plus this
WEEKLY_CRON = "0 6 * * 1"  # Monday 06:00 in the config's time zone, after the week has closed


def _is_io_failure(exc: BaseException | None) -> bool:
    """Worth a retry: the source could not be reached or read, not a bad config or a bug."""
    if exc is None or isinstance(exc, ConfigError):
        return False
    if isinstance(exc, (SourceError, OSError, TimeoutError, ConnectionError)):
        return True
    try:
        from sqlalchemy.exc import OperationalError
    except ImportError:  # pragma: no cover - a dependency of voc
        return False
    return isinstance(exc, OperationalError)


def _retry_on_io(task_obj, task_run, state) -> bool:
    try:
        state.result()
    except Exception as e:  # noqa: BLE001 - inspecting the failure is the point
        return _is_io_failure(e)
    return False


def _redacting_errors(fn: Callable[..., Reconciliation]) -> Callable[..., Reconciliation]:
    """``fn`` whose SourceError messages are redacted: Prefect keeps a failed task's exception in its state."""

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Reconciliation:
        try:
            return fn(*args)
        except SourceError as e:  # its message names files and columns, which can hold personal data
            raise SourceError(redact_message(str(e))) from None

    return wrapper


def _task_name(fn: Callable) -> str:
    return fn.__name__.strip("_").replace("_", "-")


class PrefectStageRunner:
    """A :class:`voc.pipeline.StageRunner` for a Prefect flow: a task per stage, source and chunk."""

    def ingest(self, source: str, fn: Callable[..., Reconciliation], *args: Any) -> Reconciliation:
        ingest_task = task(name="ingest-source", task_run_name=f"ingest-{source}", cache_policy=NO_CACHE,
                           retries=INGEST_RETRIES, retry_delay_seconds=INGEST_RETRY_DELAYS,
                           retry_condition_fn=_retry_on_io)(_redacting_errors(fn))
        # with a `...` signature Prefect's overloads read return_state as the task's own argument: say it
        state = cast("State[Reconciliation]", ingest_task(*args, return_state=True))
        if not state.is_completed():
            get_run_logger().error("source %s failed after retries: %s", source, state.message)
        rec = state.result()  # raises the source's error when it failed; run_week logs it as failed
        get_run_logger().info("%s: %s", source, rec.as_dict())
        return rec

    def stage(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        return task(name=name, cache_policy=NO_CACHE)(fn)(*args)

    def map(self, fn: Callable, param_list: list[dict]) -> list:
        chunk_task = task(name=_task_name(fn), cache_policy=NO_CACHE)(fn)
        futures = [chunk_task.submit(**p) for p in param_list]
        return [f.result() for f in futures]

    def notify(self, send: Callable[[], None], retries: int, retry_delay_s: float, timeout_s: float) -> Delivery:
        """A ``send-alert`` task with Prefect's retries and timeout; its failure is returned, never raised."""
        attempts: list[int] = []

        def send_alert() -> None:
            attempts.append(1)
            try:
                # Prefect's timeout cannot interrupt a blocked socket read; this one abandons the call
                call_with_timeout(send, timeout_s)
            except Exception as e:  # noqa: BLE001 - Prefect keeps the exception: no URL (a secret), no PII
                raise AlertError(describe_error(e)) from None

        alert_task = task(name="send-alert", cache_policy=NO_CACHE, retries=retries, retry_delay_seconds=retry_delay_s,
                          timeout_seconds=timeout_s + ALERT_TIMEOUT_MARGIN_S)(send_alert)
        state = alert_task(return_state=True)
        if state.is_completed():
            return Delivery(True, len(attempts))
        exc = state.result(raise_on_failure=False)
        if isinstance(exc, AlertError):  # send_alert's own, already described
            error = str(exc)
        else:  # Prefect's (a timeout)
            error = describe_error(exc) if isinstance(exc, BaseException) else redact_message(str(state.message))
        get_run_logger().error("alert not sent after %d attempt(s): %s", len(attempts), error)
        return Delivery(False, len(attempts), error)


def task_runner_for(execution: ExecutionConfig):
    """The task runner the week's chunks map onto: Dask when the config says so, else one thread."""
    if execution.runner != "dask":
        # chunks are CPU-bound Python: one at a time keeps memory bounded and results identical
        return ThreadPoolTaskRunner(max_workers=1)
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:  # pragma: no cover - a dependency of voc
        raise ConfigError("execution.runner is dask but prefect-dask is missing: pip install prefect-dask") from None
    if execution.dask_address:
        return DaskTaskRunner(address=execution.dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": execution.dask_workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


@flow(name="voc-week", log_prints=True)
def voc_week(config_path: str, week: str, overrides: list[str] | None = None, alerts: bool = True) -> dict:
    """One ISO week: :func:`voc.pipeline.run_week` with a task per stage (and the alert, unless ``alerts`` is off)."""
    config = load_config(config_path, overrides)
    with pipeline.open_pipeline_store(config) as store:
        summary = pipeline.run_week(config, store, week, PrefectStageRunner(), alerts=alerts)
    logger = get_run_logger()
    logger.info("week %s done: %s", week, {k: v for k, v in summary.items() if k != "exports"})
    sent = summary.get("alerts", {})
    if sent.get("needed") and not sent.get("sent"):
        logger.warning("week %s: its outputs are complete, but the alert was not sent: %s", week, sent.get("error"))
    return summary


def week_flow(config: PipelineConfig):
    """The ``voc-week`` flow with the task runner ``config.execution`` asks for."""
    return voc_week.with_options(task_runner=task_runner_for(config.execution))


@flow(name="weekly-voc", log_prints=True)
def weekly_voc(config_path: str, week: str | None = None, overrides: list[str] | None = None) -> dict:
    """Ingest every source, enrich the week's records, fit topics and write the week's tables."""
    config = load_config(config_path, overrides)
    week = week or last_complete_week(config.timezone)
    parse_week(week)
    return week_flow(config)(config_path, week, overrides)


@flow(name="voc-backfill", log_prints=True)
def backfill_voc(config_path: str, first_week: str, last_week: str, overrides: list[str] | None = None) -> list[dict]:
    """Backfill: the ``voc-week`` subflow (:func:`voc.pipeline.run_week`) for each week, in order.

    Every week reads its sources again, as its own weekly run would have: loading is idempotent (upsert
    on ``record_id``), so nothing is stored twice, and each week gets its own run id, run-log rows and
    ``data_quality`` counts. The text layer and sentiment only touch records not done yet. Only the
    last week may send an alert: loading history must not send one notification per week.
    """
    config = load_config(config_path, overrides)
    weeks = week_range(first_week, last_week)
    run = week_flow(config)
    return [run(config_path, w, overrides, alerts=(w == weeks[-1])) for w in weeks]


def weekly_schedule(config: PipelineConfig):
    """The weekly cron schedule, in the config's time zone."""
    from prefect.schedules import Cron

    return Cron(WEEKLY_CRON, timezone=config.timezone)


def serve_weekly(config_path: str, overrides: list[str] | None = None) -> None:
    """Serve ``weekly-voc`` (and ``voc-backfill``) from this process until stopped; needs a Prefect server.

    ``voc serve`` starts and owns that server; run this directly only with ``PREFECT_API_URL`` set.
    """
    from prefect import serve

    config = load_config(config_path, overrides)
    params = {"config_path": str(config_path), "overrides": overrides}
    # Prefect types to_deployment() as "deployment or coroutine" (it is async in async code); this code is sync
    weekly = cast("RunnerDeployment", weekly_voc.to_deployment(
        name="weekly-voc", schedules=[weekly_schedule(config)], parameters=params))
    backfill = cast("RunnerDeployment", backfill_voc.to_deployment(name="voc-backfill", parameters=params))
    serve(weekly, backfill, print_starting_message=False)


__all__ = ["PrefectStageRunner", "WEEKLY_CRON", "backfill_voc", "serve_weekly", "task_runner_for", "voc_week",
           "week_flow", "weekly_schedule", "weekly_voc"]
