"""The week's alert: after the exports, tell people when a week matters, and stay quiet when it does not.

:func:`send_week_alert` is the last step of :func:`voc.pipeline.run_week`: it reads the week's stored
``summary`` and ``theme_week`` rows and the run's failed sources, decides with
:func:`voc.alerts.message.week_alert`, and sends through the runner's ``notify`` (retries and a
timeout per attempt; in a Prefect flow a ``send-alert`` task). Whatever happens, it returns the
``alerts`` entry of the run summary and never raises.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from voc.alerts.config import AlertsConfig
from voc.alerts.message import AlertMessage, report_link, week_alert
from voc.alerts.send import Delivery, Notifier, PrefectBlockNotifier, describe_error

if TYPE_CHECKING:
    from voc.config import PipelineConfig
    from voc.store import Store

log = logging.getLogger("voc.alerts")


def send_week_alert(config: PipelineConfig, store: Store, summary: dict, runner: Any,
                    notifier: Notifier | None = None) -> dict:
    """Decide and send the week's alert; return the run summary's ``alerts`` entry.

    Args:
        config: The pipeline config; no ``alerts`` section means no alerts.
        store: The store holding the week's tables (just written).
        summary: The run summary so far (``week``, ``reconciliation``, ``exports``).
        runner: The week's :class:`voc.pipeline.StageRunner`; its ``notify`` sends with retries.
        notifier: What sends; default the Prefect block the config names.

    Returns:
        ``configured``, ``needed`` (a threshold was crossed), ``sent``, ``reasons``, ``block``,
        ``attempts``, ``error`` and ``subject``.
    """
    cfg = config.alerts
    out: dict[str, Any] = {"configured": cfg is not None, "needed": False, "sent": False, "reasons": [],
                           "block": cfg.block if cfg else None, "attempts": 0, "error": None, "subject": None}
    if cfg is None:
        return out
    week = summary["week"]
    try:
        message = build_week_alert(config, store, summary)
    except Exception as e:  # noqa: BLE001 - a bug here must not cost the week; it is logged with its traceback
        log.exception("alert for %s could not be built", week)
        out["error"] = "alert not built: " + describe_error(e)
        return out
    if message is None:
        log.info("week %s: nothing crossed an alert threshold; no alert sent", week)
        return out
    out.update(needed=True, reasons=list(message.reasons), subject=message.subject)
    sender = notifier or PrefectBlockNotifier.from_config(cfg)
    try:
        delivery: Delivery = runner.notify(lambda: sender.send(message.subject, message.body),
                                           cfg.retries, cfg.retry_delay_s, cfg.timeout_s)
    except Exception as e:  # noqa: BLE001 - a runner's own failure is still only a failed alert
        delivery = Delivery(False, 0, describe_error(e))
    out.update(sent=delivery.sent, attempts=delivery.attempts, error=delivery.error)
    if delivery.sent:
        log.info("week %s: alert sent through %s (%s)", week, cfg.block, ", ".join(message.reasons))
    else:
        log.error("week %s: alert not sent through %s after %d attempt(s): %s", week, cfg.block,
                  delivery.attempts, delivery.error)
    return out


def build_week_alert(config: PipelineConfig, store: Store, summary: dict) -> AlertMessage | None:
    """The week's :class:`AlertMessage` from the store and the run summary, or None when nothing matters."""
    cfg = config.alerts
    if cfg is None:
        return None
    week = summary["week"]
    stored = store.weekly_table("summary", week)
    failed = [r for r in summary.get("reconciliation", []) if r.get("status") != "ok"]
    link = report_link(week, config.exports_path, summary.get("exports", []), cfg.report_base_url)
    return week_alert(week, stored.iloc[0].to_dict() if len(stored) else None, store.weekly_table("theme_week", week),
                      failed, cfg, config.export.report_language, link)


__all__ = ["AlertMessage", "AlertsConfig", "Delivery", "Notifier", "PrefectBlockNotifier", "build_week_alert",
           "send_week_alert", "week_alert"]
