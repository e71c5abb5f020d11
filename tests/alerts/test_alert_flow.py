"""The week's alert through Prefect: a real notification block posts to a loopback HTTP server.

The store holds planted, fully enriched weeks (voc.insights.synthetic); the topics stage keeps the
planted topics, so a week's rising and new themes are known. Everything after it is the real
``voc-week`` flow: tables, exports, history, the ``send-alert`` task, the block and the request.
"""

from __future__ import annotations

import re

import pytest

from planted_week import QUIET_TOPICS, WEEK, posted_text, seed_store, write_config

BLOCK = "voc-test-alerts"
PHONE, EMAIL = "081-234-5678", "somchai.k@example.com"


def save_webhook_block(url: str, name: str = BLOCK, timeout: float = 10) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    CustomWebhookNotificationBlock(name="voc", url=url, json_data={"subject": "{{subject}}", "text": "{{body}}"},
                                   timeout=timeout).save(name, overwrite=True)


def run_flow(cfg, week=WEEK) -> dict:
    from voc.flows import voc_week

    return voc_week(str(cfg), week)


ALERTS = {"block": BLOCK, "retries": 2, "retry_delay_s": 0, "timeout_s": 10}


def test_a_planted_emerging_theme_posts_exactly_one_webhook_with_the_summary(
        tmp_path, prefect_harness, hook, keep_planted_topics):
    save_webhook_block(hook.url)
    seed_store(tmp_path, WEEK)
    summary = run_flow(write_config(tmp_path, ALERTS))
    assert summary["alerts"]["sent"] is True and summary["alerts"]["attempts"] == 1
    assert set(summary["alerts"]["reasons"]) == {"rising_themes", "new_themes"}
    assert len(hook.requests) == 1
    text = posted_text(hook.requests[0])
    assert "Rising themes (2):" in text and "เข้าแอปไม่ได้ / app login fails" in text
    assert "New themes (1):" in text and "บัตรใหม่ / new card promo" in text
    link = re.search(r"Report: (file://\S+)", text).group(1)
    assert link.endswith(f"/exports/{WEEK}/report.html")
    assert (tmp_path / "exports" / WEEK / "report.html").is_file()


def test_a_quiet_week_sends_nothing(tmp_path, prefect_harness, hook, keep_planted_topics):
    save_webhook_block(hook.url)
    seed_store(tmp_path, WEEK, topics=QUIET_TOPICS)
    summary = run_flow(write_config(tmp_path, ALERTS))
    alert = summary["alerts"]
    assert (alert["configured"], alert["needed"], alert["sent"], alert["attempts"]) == (True, False, False, 0)
    assert hook.requests == []


def test_endpoint_down_is_retried_and_reported_and_the_week_keeps_its_outputs(
        tmp_path, prefect_harness, closed_port_url, keep_planted_topics):
    save_webhook_block(closed_port_url, name="voc-test-down")
    seed_store(tmp_path, WEEK)
    summary = run_flow(write_config(tmp_path, {**ALERTS, "block": "voc-test-down"}))
    alert = summary["alerts"]
    assert alert["needed"] is True and alert["sent"] is False
    assert alert["attempts"] == ALERTS["retries"] + 1
    assert alert["error"].startswith("ConnectError")
    out = tmp_path / "exports" / WEEK
    assert (out / "report.html").is_file() and (out / f"voc-{WEEK}.xlsx").is_file()
    assert (tmp_path / "exports" / "index.html").is_file()


def test_an_error_answer_is_retried_then_reported(tmp_path, prefect_harness, hook, keep_planted_topics):
    hook.status = 500
    save_webhook_block(hook.url, name="voc-test-500")
    seed_store(tmp_path, WEEK)
    summary = run_flow(write_config(tmp_path, {**ALERTS, "block": "voc-test-500", "retries": 1}))
    assert summary["alerts"]["sent"] is False and summary["alerts"]["attempts"] == 2
    assert len(hook.requests) == 2 and "500" in summary["alerts"]["error"]
    assert "/hook" not in summary["alerts"]["error"]  # a webhook URL is a secret: only its host is shown


def test_a_missing_block_is_reported_not_raised(tmp_path, prefect_harness, keep_planted_topics):
    seed_store(tmp_path, WEEK)
    summary = run_flow(write_config(tmp_path, {**ALERTS, "block": "no-such-block", "retries": 1}))
    assert summary["alerts"]["sent"] is False and summary["alerts"]["attempts"] == 2
    assert "no Prefect notification block" in summary["alerts"]["error"]
    assert (tmp_path / "exports" / WEEK / "report.html").is_file()


def test_the_message_carries_no_personal_data(tmp_path, prefect_harness, hook, keep_planted_topics, monkeypatch):
    """A failed source's error quotes a row with a phone and an email: the alert says it failed, redacted."""
    from voc import pipeline

    save_webhook_block(hook.url)
    seed_store(tmp_path, WEEK)
    real_ingest_all = pipeline.ingest_all

    def failing_source(config, store, run_id, week=None, runner=None):
        out = real_ingest_all(config, store, run_id, week, runner)
        from voc.ingest.run import record_failure

        out.append(record_failure(store, run_id, "crm", f"row 3: bad date for {EMAIL} / {PHONE}", week))
        return out

    monkeypatch.setattr(pipeline, "ingest_all", failing_source)
    summary = run_flow(write_config(tmp_path, ALERTS))
    assert "failed_sources" in summary["alerts"]["reasons"]
    text = posted_text(hook.requests[0])
    assert "crm: row 3: bad date for" in text
    assert EMAIL not in text and PHONE not in text and "0812345678" not in text


def test_a_backfill_alerts_only_for_its_last_week(tmp_path, prefect_harness, hook, keep_planted_topics):
    from voc.flows import backfill_voc
    from voc.weeks import shift_week

    save_webhook_block(hook.url)
    seed_store(tmp_path, WEEK)
    first = shift_week(WEEK, -2)
    summaries = backfill_voc(str(write_config(tmp_path, ALERTS)), first, WEEK)
    assert [s["alerts"].get("skipped") is not None for s in summaries] == [True, True, False]
    assert len(hook.requests) == 1 and f"VOC week {WEEK}" in posted_text(hook.requests[0])


def test_an_endpoint_that_does_not_answer_in_time_is_a_failed_attempt(
        tmp_path, prefect_harness, hook, keep_planted_topics):
    import time

    hook.delay_s = 4
    save_webhook_block(hook.url, name="voc-test-slow")
    seed_store(tmp_path, WEEK)
    t = time.monotonic()
    summary = run_flow(write_config(tmp_path, {**ALERTS, "block": "voc-test-slow", "retries": 0, "timeout_s": 1}))
    assert summary["alerts"]["sent"] is False and summary["alerts"]["attempts"] == 1
    assert "Timeout" in summary["alerts"]["error"]
    assert time.monotonic() - t < 60


def test_the_block_type_is_found_from_the_stored_block_or_pinned(prefect_harness):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock, SlackWebhook

    from voc.alerts.send import AlertError, PrefectBlockNotifier

    save_webhook_block("http://127.0.0.1:9/hook", name="voc-test-typed")
    assert isinstance(PrefectBlockNotifier("voc-test-typed").load(), CustomWebhookNotificationBlock)
    assert isinstance(PrefectBlockNotifier("custom-webhook/voc-test-typed").load(), CustomWebhookNotificationBlock)
    SlackWebhook(url="https://hooks.slack.com/services/T0/B0/XXXX").save("voc-test-typed", overwrite=True)
    with pytest.raises(AlertError, match="several types; set alerts.block_type"):
        PrefectBlockNotifier("voc-test-typed").load()
    assert isinstance(PrefectBlockNotifier("voc-test-typed", "slack-webhook").load(), SlackWebhook)
    with pytest.raises(AlertError, match="no Prefect notification block 'sendgrid-email/voc-test-typed'"):
        PrefectBlockNotifier("voc-test-typed", "email").load()
