"""Faults: a failing source makes the week partial; a run killed between stages reruns to the same tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pandas as pd
import pytest

from voc.demo.generate import write_demo
from voc.paths import REPO_ROOT
from voc.store import open_store

WEEK = "2026-W47"
TABLES = ("topic_week", "sentiment_week", "emerging_topics", "drivers", "data_quality")


def _run_flow_subprocess(cfg, env_extra: dict) -> subprocess.CompletedProcess:
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value() or "", **env_extra)
    code = f"from pipelines.weekly import weekly_voc; weekly_voc({str(cfg)!r}, {WEEK!r})"
    return subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def _tables(work) -> dict[str, pd.DataFrame]:
    out = work / "exports" / WEEK
    return {t: pd.read_parquet(out / f"{t}.parquet") for t in TABLES}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, prefect_harness):
    """An uninterrupted run of a small demo."""
    from pipelines.weekly import weekly_voc

    work = tmp_path_factory.mktemp("ref")
    cfg = write_demo(work, WEEK, n_weeks=6, total=1500, seed=3)
    weekly_voc(str(cfg), WEEK)
    return _tables(work)


@pytest.mark.parametrize("stage", ["text", "topics"])
def test_killed_run_reruns_to_the_same_tables_without_duplicates(tmp_path, reference, stage):
    cfg = write_demo(tmp_path, WEEK, n_weeks=6, total=1500, seed=3)
    killed = _run_flow_subprocess(cfg, {"VOC_FAULT_KILL_AFTER": stage})
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert not (tmp_path / "exports" / WEEK / "topic_week.parquet").exists()
    rerun = _run_flow_subprocess(cfg, {})
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    with open_store("duckdb", tmp_path / "voc.duckdb") as st:
        recs = st.read_table("records")
        assert recs["record_id"].is_unique
        for t in ("record_text", "record_sentiment", "record_topics"):
            assert st.read_table(t)["record_id"].is_unique, t
    got = _tables(tmp_path)
    for name in TABLES:
        pd.testing.assert_frame_equal(got[name], reference[name], obj=name)
    leftovers = [p.name for p in (tmp_path / "exports" / WEEK).iterdir() if p.name.startswith(".")]
    assert not leftovers, leftovers


def test_failing_source_marks_the_week_partial_and_the_others_complete(tmp_path, prefect_harness):
    from pipelines.weekly import weekly_voc

    cfg = write_demo(tmp_path, WEEK, n_weeks=4, total=800, seed=5)
    (tmp_path / "inputs" / "call_notes.csv").unlink()  # the call-centre export never arrived
    summary = weekly_voc(str(cfg), WEEK)
    assert summary["partial"] and summary["failed_sources"] == ["call_center_notes"]
    ok = [r for r in summary["reconciliation"] if r["status"] == "ok"]
    assert len(ok) == 4 and all(r["accepted"] > 0 for r in ok)
    dq = pd.read_parquet(tmp_path / "exports" / WEEK / "data_quality.parquet")
    assert "call_center_notes" in dq.to_string()
    html = (tmp_path / "exports" / WEEK / "report.html").read_text(encoding="utf-8")
    assert "call_center_notes" in html
