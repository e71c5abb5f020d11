"""The weekly flow end to end on the demo sample, under a temporary Prefect server."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from voc.demo.generate import PLANTED, write_demo
from voc.paths import REPO_ROOT
from voc.store import open_store

WEEK = "2026-W47"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, prefect_harness):
    from pipelines.weekly import weekly_voc

    work = tmp_path_factory.mktemp("demo")
    cfg = write_demo(work, WEEK, n_weeks=10, total=6000, seed=7)
    first = weekly_voc(str(cfg), WEEK)
    return work, cfg, first


def test_demo_week_is_stored_reconciled_and_exported(demo_run):
    work, cfg, summary = demo_run
    assert not summary["partial"]
    for r in summary["reconciliation"]:
        assert r["read"] == r["accepted"] + r["duplicates"] + r["quarantined"], r
    with open_store("duckdb", work / "voc.duckdb") as st:
        s = st.status()
    assert s["records"] >= 5000
    assert {"review", "forum", "chat", "call_note"} <= set(s["by_channel"])
    assert s["quarantined"] >= 2 and s["duplicates"] >= 1
    out = work / "exports" / WEEK
    for name in ("topic_week", "sentiment_week", "emerging_topics", "drivers", "data_quality"):
        assert (out / f"{name}.parquet").exists() and (out / f"{name}.csv").exists()
    assert (out / "report.html").exists()


def _theme_topics(work, pattern: str) -> set[str]:
    """Topic ids whose records of the week mostly talk about a planted theme (found by its words)."""
    with open_store("duckdb", work / "voc.duckdb") as st:
        rec = st.enriched_records([WEEK])
    rec = rec[rec["topic_id"].notna()]
    hit = rec["text"].str.contains(pattern, case=False, regex=True)
    share = hit.groupby(rec["topic_id"]).mean()
    return set(share[share >= 0.6].index)


def test_planted_emerging_theme_is_flagged_and_quiet_theme_is_not(demo_run):
    work, _, _ = demo_run
    topic_week = pd.read_parquet(work / "exports" / WEEK / "topic_week.parquet").set_index("topic_id")
    otp = _theme_topics(work, "otp")  # the planted complaint that grows in the last two weeks
    roaming = _theme_topics(work, "roaming|โรมมิ่ง")  # the planted quiet theme
    assert otp and roaming
    assert topic_week.loc[sorted(otp & set(topic_week.index)), "is_emerging"].any()
    assert not topic_week.loc[sorted(roaming & set(topic_week.index)), "is_emerging"].any()


def test_no_personal_data_reaches_store_text_or_exports(demo_run):
    import re

    work, _, _ = demo_run
    phone = re.compile(r"0[689]\d-\d{3}-\d{4}")
    email = re.compile(r"[\w.]+@example\.com")
    with open_store("duckdb", work / "voc.duckdb") as st:
        texts = st.read_table("records")["text"]
    assert not texts.str.contains(phone).any() and not texts.str.contains(email).any()
    for f in (work / "exports" / WEEK).iterdir():
        if f.suffix in (".csv", ".html"):
            body = f.read_text(encoding="utf-8-sig")
            assert not phone.search(body) and not email.search(body), f


def test_rerun_of_the_same_week_adds_nothing_and_gives_identical_tables(demo_run):
    from pipelines.weekly import weekly_voc

    work, cfg, _ = demo_run
    out = work / "exports" / WEEK
    before = pd.read_parquet(out / "topic_week.parquet")
    with open_store("duckdb", work / "voc.duckdb") as st:
        count = st.status()["records"]
    weekly_voc(str(cfg), WEEK)
    with open_store("duckdb", work / "voc.duckdb") as st:
        assert st.status()["records"] == count
    after = pd.read_parquet(out / "topic_week.parquet")
    pd.testing.assert_frame_equal(before, after)


def test_prefect_yaml_declares_the_weekly_deployment():
    spec = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    weekly = next(d for d in spec["deployments"] if d["name"] == "weekly-voc")
    assert weekly["entrypoint"] == "pipelines/weekly.py:weekly_voc"
    sched = weekly["schedules"][0]
    assert sched["cron"] == "0 6 * * 1" and sched["timezone"] == "Asia/Bangkok"
    backfill = next(d for d in spec["deployments"] if d["name"] == "voc-backfill")
    assert backfill["entrypoint"] == "pipelines/weekly.py:backfill_voc"
    from pipelines import weekly

    assert callable(weekly.weekly_voc.fn) and callable(weekly.backfill_voc.fn)


def test_status_cli_prints_json(demo_run):
    from typer.testing import CliRunner

    from voc.cli import app

    work, _, _ = demo_run
    res = CliRunner().invoke(app, ["status", "--workdir", str(work), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["records"] >= 5000 and set(data) == {"records", "by_channel", "by_week", "quarantined", "duplicates"}


def test_demo_config_is_valid():
    from voc.demo.generate import DEMO_CONFIG

    assert yaml.safe_load(DEMO_CONFIG)["sources"]
    assert set(PLANTED) == {"emerging", "launch", "seasonal", "quiet"}
