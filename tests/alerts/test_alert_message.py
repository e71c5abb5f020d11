"""Deciding and wording the week's alert, and the retry loop, without Prefect."""

from __future__ import annotations

import json
import threading

import pandas as pd
import pytest

from planted_week import QUIET_TOPICS, WEEK, seed_store, write_config
from voc import pipeline
from voc.alerts.config import AlertsConfig
from voc.alerts.message import report_link, week_alert
from voc.alerts.send import describe_error, send_with_retries
from voc.config import load_config
from voc.errors import ConfigError
from voc.export.history import theme_counts

EMAIL, PHONE = "somchai.k@example.com", "081-234-5678"
SUMMARY = {"records": 1234, "change_pct": 12.4, "net_sentiment": -8.25, "net_change": -3.0, "data_status": "ok"}


def theme(tid: str, label: str, volume: int, *, new: bool = False, emerging: bool = False, signals: str = "",
          trend: list[int] | None = None, quote: str = "", neg: float = 40.0) -> dict:
    return {"iso_week": WEEK, "theme_id": tid, "theme_label": label, "volume": volume, "prev_volume": 0,
            "trend": json.dumps(trend or [0, 0, 0, volume]), "pct_negative": neg, "quote_1": quote,
            "is_new": new, "is_emerging": emerging or new, "emerging_signals": signals or ("new" if new else "")}


THEMES = pd.DataFrame([
    theme("G1", "OTP ไม่เข้า / OTP not received", 85, emerging=True, signals="volume,negative_share",
          trend=[10, 12, 14, 85], quote=f"ส่ง OTP ไม่มาเลย โทรกลับด้วยค่ะ {PHONE} หรือ {EMAIL}", neg=72),
    theme("G2", "roaming โรมมิ่ง", 17, new=True, quote="roaming แพงมากกก 555"),
    theme("G3", "พนักงานบริการดี", 40, trend=[41, 39, 40, 40]),
    theme("other", "other", 60, emerging=True, signals="volume"),  # "other" never alerts
])
CFG = AlertsConfig(block="b")
LINK = "https://reports.example/voc/2026-W10/report.html"


def test_rising_and_new_themes_cross_the_default_thresholds():
    msg = week_alert(WEEK, SUMMARY, THEMES, [], CFG, "en", LINK)
    assert msg is not None and msg.reasons == ("rising_themes", "new_themes")
    assert msg.subject == "VOC 2026-W10: 1 rising theme, 1 new theme"
    body = msg.body
    assert "1,234 messages (+12% vs last week)" in body and "net sentiment -8.2" in body
    assert ("OTP ไม่เข้า / OTP not received: 85 messages this week; about 12 a week in the 3 weeks before. "
            "More messages than usual; more negative than usual (72% negative).") in body
    assert "roaming โรมมิ่ง: 17 messages, first seen this week" in body
    assert "other" not in body.replace("another", "")
    assert body.rstrip().endswith(f"Report: {LINK}")


def test_counts_in_the_message_match_the_history_headline():
    msg = week_alert(WEEK, SUMMARY, THEMES, [], CFG, "en", LINK)
    rising, new = theme_counts(THEMES)
    assert f"Rising themes ({rising}):" in msg.body and f"New themes ({new}):" in msg.body


def test_quotes_are_redacted_and_can_be_left_out():
    body = week_alert(WEEK, SUMMARY, THEMES, [], CFG, "en", LINK).body
    assert "ส่ง OTP ไม่มาเลย" in body and PHONE not in body and EMAIL not in body
    assert "0812345678" not in body.replace("-", "")
    quiet = week_alert(WEEK, SUMMARY, THEMES, [], AlertsConfig(block="b", quotes=False), "en", LINK).body
    assert "ส่ง OTP" not in quiet and "“" not in quiet


def test_nothing_is_sent_when_nothing_matters():
    quiet = THEMES[THEMES["theme_id"].isin(["G3", "other"])]
    assert week_alert(WEEK, SUMMARY, quiet, [], CFG, "en", LINK) is None
    assert week_alert(WEEK, SUMMARY, pd.DataFrame(), [], CFG, "en", LINK) is None
    assert week_alert(WEEK, None, None, [], CFG, "en", LINK) is None


def test_thresholds_and_switches():
    two = AlertsConfig(block="b", min_emerging_themes=2, min_new_themes=2)
    assert week_alert(WEEK, SUMMARY, THEMES, [], two, "en", LINK) is None
    only_new = AlertsConfig(block="b", min_emerging_themes=None)
    assert week_alert(WEEK, SUMMARY, THEMES, [], only_new, "en", LINK).reasons == ("new_themes",)
    failed = [{"source": "crm", "status": "failed", "error": "connection refused"}]
    msg = week_alert(WEEK, SUMMARY, THEMES.iloc[2:], failed, CFG, "en", LINK)
    assert msg.reasons == ("failed_sources",) and "- crm: connection refused" in msg.body
    assert msg.subject == "VOC 2026-W10: 1 source failed"
    off = AlertsConfig(block="b", on_source_failure=False)
    assert week_alert(WEEK, SUMMARY, THEMES.iloc[2:], failed, off, "en", LINK) is None


def test_thai_and_both_languages():
    th = week_alert(WEEK, SUMMARY, THEMES, [], CFG, "th", LINK)
    assert th.subject == "VOC 2026-W10: ธีมที่กำลังเพิ่มขึ้น 1, ธีมใหม่ 1"
    assert "ธีมใหม่ (1):" in th.body and "พบครั้งแรกในสัปดาห์นี้" in th.body and f"รายงาน: {LINK}" in th.body
    assert "messages" not in th.body
    both = week_alert(WEEK, SUMMARY, THEMES, [], CFG, "both", LINK)
    assert "Rising themes (1):" in both.body and "ธีมที่กำลังเพิ่มขึ้น (1):" in both.body


def test_long_lists_are_cut_with_the_count_of_the_rest():
    many = pd.DataFrame([theme(f"G{i}", f"theme {i}", 100 - i, new=True) for i in range(8)])
    body = week_alert(WEEK, SUMMARY, many, [], AlertsConfig(block="b", max_themes=3), "en", LINK).body
    assert "New themes (8):" in body and "… and 5 more in the report" in body
    assert "theme 2:" in body and "theme 3:" not in body


def test_report_link_uses_the_base_url_or_the_file():
    assert report_link(WEEK, "/x/exports", ["/x/exports/2026-W10/report.html"], "https://r.example/voc") == \
        "https://r.example/voc/2026-W10/report.html"
    assert report_link(WEEK, "/x/exports", [], None) == "file:///x/exports/2026-W10/report.html"
    assert report_link(WEEK, "/x/exports", ["/x/exports/2026-W10/voc-2026-W10.xlsx"], None).endswith(".xlsx")


def test_config_is_validated(tmp_path):
    cfg = load_config(write_config(tmp_path, {"block": "voc-alerts", "report_base_url": "https://r.example/voc/"}))
    assert cfg.alerts.report_base_url == "https://r.example/voc" and cfg.alerts.min_new_themes == 1
    assert load_config(write_config(tmp_path, None)).alerts is None
    for bad in ({"block": "b", "block_type": "pager"}, {"block": "b", "retries": -1}, {"block": "b", "mins": 1},
                {"block": "b", "report_base_url": "reports.example"}, {}):
        with pytest.raises(ConfigError, match="alerts"):
            load_config(write_config(tmp_path, bad))


class Flaky:
    """Fails ``failures`` times, then delivers."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error


def test_a_failed_attempt_is_retried():
    send = Flaky(2, ConnectionError("endpoint down"))
    sleeps: list[float] = []
    d = send_with_retries(send, retries=2, retry_delay_s=3, timeout_s=5, sleep=sleeps.append)
    assert (d.sent, d.attempts, send.calls, sleeps) == (True, 3, 3, [3, 3])
    d = send_with_retries(Flaky(9, ConnectionError("endpoint down")), retries=1, retry_delay_s=0, timeout_s=5)
    assert (d.sent, d.attempts) == (False, 2) and d.error == "ConnectionError: endpoint down"


def test_an_attempt_that_hangs_times_out():
    release = threading.Event()
    d = send_with_retries(lambda: release.wait(30), retries=1, retry_delay_s=0, timeout_s=0.2)
    release.set()
    assert (d.sent, d.attempts) == (False, 2) and d.error == "TimeoutError: no answer within 0.2 s"


def test_errors_keep_hosts_but_not_webhook_paths_or_personal_data():
    e = RuntimeError(f"POST https://hooks.slack.com/services/T000/B000/XXXX?token=abc failed for {EMAIL}")
    text = describe_error(e)
    assert "https://hooks.slack.com/…" in text and "T000" not in text and "token" not in text
    assert EMAIL not in text


def test_run_week_in_process_sends_through_a_notifier_and_reports_it(tmp_path, keep_planted_topics):
    class Recorder:
        def __init__(self) -> None:
            self.sent: list[tuple[str, str]] = []

        def send(self, subject: str, body: str) -> None:
            self.sent.append((subject, body))

    seed_store(tmp_path, WEEK)
    cfg = load_config(write_config(tmp_path, {"block": "unused", "retry_delay_s": 0}))
    notifier = Recorder()
    with pipeline.open_pipeline_store(cfg) as st:
        summary = pipeline.run_week(cfg, st, WEEK, notifier=notifier)
        again = pipeline.run_week(cfg, st, WEEK, notifier=notifier, alerts=False)
    assert summary["alerts"]["sent"] is True and len(notifier.sent) == 1
    assert notifier.sent[0][0] == summary["alerts"]["subject"] == "VOC 2026-W10: 2 rising themes, 1 new theme"
    assert again["alerts"]["sent"] is False and "skipped" in again["alerts"] and len(notifier.sent) == 1


def test_without_an_alerts_section_nothing_is_tried(tmp_path, keep_planted_topics):
    seed_store(tmp_path, WEEK, topics=QUIET_TOPICS)
    cfg = load_config(write_config(tmp_path, None))
    with pipeline.open_pipeline_store(cfg) as st:
        summary = pipeline.run_week(cfg, st, WEEK)
    assert summary["alerts"]["configured"] is False and summary["alerts"]["attempts"] == 0
