"""Sending an alert: a :class:`Notifier` (a Prefect notification block by default) and the retry loop.

A failed attempt (block missing, endpoint down, an HTTP error, no answer within the timeout) is
retried; what is finally returned is a :class:`Delivery`, never an exception, so a notification can
never fail the week or cost its outputs. Errors are described without URLs (a webhook URL is a
secret) and with personal data redacted, because they go to logs and the run summary.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from voc.alerts.config import AlertsConfig
from voc.errors import VocError
from voc.privacy import redact_message

log = logging.getLogger("voc.alerts")

BLOCK_TYPE_SLUGS: dict[str, str] = {
    "slack-webhook": "slack-webhook",  # prefect.blocks.notifications.SlackWebhook
    "custom-webhook": "custom-webhook",  # prefect.blocks.notifications.CustomWebhookNotificationBlock
    "email": "sendgrid-email",  # prefect.blocks.notifications.SendgridEmail (SMTP needs prefect-email)
}
"""``alerts.block_type`` -> the Prefect block type slug it is stored under."""

_URL_RE = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s'\"<>]+)[^\s'\"<>]*")


class AlertError(VocError, RuntimeError):
    """An alert could not be sent (a missing or unusable block, a failed request)."""


class Notifier(Protocol):
    """Sends one message; raises when it was not delivered."""

    def send(self, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class Delivery:
    """How sending went: delivered or not, after how many attempts, and the last error."""

    sent: bool
    attempts: int
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def describe_error(exc: BaseException) -> str:
    """One line for logs and the run summary: type and message, URLs cut to their host, PII redacted."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
    return redact_message(_URL_RE.sub(lambda m: m.group(1) + "/…", text))


class PrefectBlockNotifier:
    """Sends through a saved Prefect notification block, loaded by name at each attempt."""

    def __init__(self, block: str, block_type: str | None = None) -> None:
        self.block = block
        self.block_type = block_type

    @classmethod
    def from_config(cls, config: AlertsConfig) -> PrefectBlockNotifier:
        return cls(config.block, config.block_type)

    def load(self) -> Any:
        """The block; an :class:`AlertError` says which names and types were looked for."""
        from prefect.blocks.core import Block

        if "/" in self.block:
            candidates = [self.block]
        else:
            slugs = [BLOCK_TYPE_SLUGS[self.block_type]] if self.block_type else list(BLOCK_TYPE_SLUGS.values())
            candidates = [f"{slug}/{self.block}" for slug in slugs]
        found = []
        for ref in candidates:
            try:
                found.append(Block.load(ref))
            except ValueError:  # Prefect: "Unable to find block document named ..."
                continue
        if not found:
            raise AlertError(f"alerts.block: no Prefect notification block {' or '.join(map(repr, candidates))} "
                             "(save one in the Prefect UI, or with Block.save, on the server this run uses)")
        if len(found) > 1:
            raise AlertError(f"alerts.block: {self.block!r} names blocks of several types; set alerts.block_type")
        block = found[0]
        if not callable(getattr(block, "notify", None)):
            raise AlertError(f"alerts.block: {self.block!r} is a {type(block).__name__}, not a notification block")
        return block

    def send(self, subject: str, body: str) -> None:
        block = self.load()
        raising = getattr(block, "raise_on_failure", None)
        if raising is None:
            block.notify(body, subject)
            return
        with raising():  # Apprise-based blocks (Slack, email) otherwise report a failed send as success
            block.notify(body, subject)


def call_with_timeout(fn: Callable[[], None], timeout_s: float) -> None:
    """Run ``fn()``; raise its error, or :class:`TimeoutError` when it has not returned in ``timeout_s``.

    The call runs in a daemon thread: a request that hangs is abandoned, never waited for.
    """
    box: dict[str, BaseException] = {}

    def target() -> None:
        try:
            fn()
        except BaseException as e:  # noqa: BLE001 - handed to the caller
            box["error"] = e

    worker = threading.Thread(target=target, name="voc-alert", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise TimeoutError(f"no answer within {timeout_s:g} s")
    if "error" in box:
        raise box["error"]


def send_with_retries(send: Callable[[], None], retries: int, retry_delay_s: float, timeout_s: float,
                      sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """Try ``send()`` up to ``retries + 1`` times, each within ``timeout_s``; log every failed attempt."""
    error = None
    for attempt in range(1, retries + 2):
        try:
            call_with_timeout(send, timeout_s)
            return Delivery(True, attempt)
        except Exception as e:  # noqa: BLE001 - any failure is one failed attempt
            error = describe_error(e)
            log.warning("alert attempt %d of %d failed: %s", attempt, retries + 1, error)
            if attempt <= retries:
                sleep(retry_delay_s)
    return Delivery(False, retries + 1, error)


__all__ = ["AlertError", "BLOCK_TYPE_SLUGS", "Delivery", "Notifier", "PrefectBlockNotifier", "call_with_timeout",
           "describe_error", "send_with_retries"]
