"""One week runner: voc run, voc backfill, the Prefect flows and the benchmark all go through run_week."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc import pipeline
from voc.config import load_config
from voc.demo.generate import write_demo
from voc.paths import REPO_ROOT
from voc.store import open_store

WEEK = "2026-W47"
BACKFILL = ["2026-W45", "2026-W46", "2026-W47"]


def _fake_summary(week: str) -> dict:
    return {"week": week, "run_id": "r", "reconciliation": [{"source": "s", "read": 3, "accepted": 3, "duplicates": 0,
                                                             "quarantined": 0, "status": "ok", "error": None,
                                                             "new": 3, "balanced": True}],
            "text_processed": 3, "sentiment_scored": 3, "topics": {"topics": 1}, "exports": [],
            "partial": False, "failed_sources": []}


@pytest.fixture
def calls(monkeypatch):
    """Replace run_week with a recorder: whoever runs a week must come through it."""
    seen: list[str] = []

    def recorder(config, store, week, runner=None, run_id=None, alerts=True, notifier=None):
        seen.append(week)
        return _fake_summary(week)

    monkeypatch.setattr(pipeline, "run_week", recorder)
    return seen


def test_voc_run_and_backfill_go_through_run_week(tmp_path, prefect_harness, calls):
    from voc.cli import app

    cfg = write_demo(tmp_path, WEEK, n_weeks=3, total=300, seed=2)
    res = CliRunner().invoke(app, ["run", "--config", str(cfg), "--week", WEEK])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(app, ["backfill", "--config", str(cfg), "--from", BACKFILL[0], "--to", BACKFILL[-1]])
    assert res.exit_code == 0, res.output
    assert calls == [WEEK, *BACKFILL]


def test_benchmark_goes_through_run_week(tmp_path, calls):
    spec = importlib.util.spec_from_file_location("bench_pipeline", REPO_ROOT / "benchmarks" / "pipeline.py")
    sys.path.insert(0, str(REPO_ROOT / "benchmarks"))
    try:
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        result = bench.one_size(200, tmp_path)
    finally:
        sys.path.remove(str(REPO_ROOT / "benchmarks"))
    assert calls == [bench.WEEK] and result["records_read"] == 3


def test_the_package_never_imports_the_pipelines_folder():
    offenders = []
    for path in (REPO_ROOT / "voc").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(REPO_ROOT)}: {n}" for n in names if n.split(".")[0] == "pipelines"]
    assert not offenders


def test_backfill_gives_every_week_its_own_run_log_and_data_quality_counts(tmp_path, prefect_harness):
    from voc.cli import app

    cfg = write_demo(tmp_path, WEEK, n_weeks=4, total=400, seed=13)
    res = CliRunner().invoke(app, ["backfill", "--config", str(cfg), "--from", BACKFILL[0], "--to", BACKFILL[-1]])
    assert res.exit_code == 0, res.output
    with open_store("duckdb", tmp_path / "voc.duckdb") as st:
        run_log = st.read_table("run_log")
        records = st.read_table("records")
        stored_dq = st.read_table("data_quality")
    assert records["record_id"].is_unique  # every week read the sources again: nothing was stored twice
    sources = sorted(load_config(cfg).sources, key=lambda s: s.name)
    for week in BACKFILL:
        log = run_log[run_log["iso_week"] == week]
        assert sorted(log["source"]) == [s.name for s in sources], week
        assert log["run_id"].nunique() == 1, week
        dq = pd.read_parquet(tmp_path / "exports" / week / "data_quality.parquet")
        assert sorted(dq["source"]) == [s.name for s in sources], week
        assert (dq["status"] == "ok").all(), dq
        assert (dq["read"] > 0).all() and (dq["accepted"] > 0).all(), dq
        assert (dq["read"] == dq["accepted"] + dq["duplicates"] + dq["quarantined"]).all(), dq
        assert (stored_dq[stored_dq["iso_week"] == week]["read"] > 0).all()
    assert run_log[run_log["iso_week"].isin(BACKFILL)]["run_id"].nunique() == 3


def test_run_week_in_process_marks_a_missing_source_and_keeps_the_others(tmp_path):
    cfg = write_demo(tmp_path, WEEK, n_weeks=3, total=400, seed=4)
    (tmp_path / "inputs" / "reviews.csv").unlink()
    config = load_config(cfg)
    with pipeline.open_pipeline_store(config) as st:
        summary = pipeline.run_week(config, st, WEEK)
    assert summary["partial"] and summary["failed_sources"] == ["app_reviews"]
    failed = next(r for r in summary["reconciliation"] if r["source"] == "app_reviews")
    assert "reviews.csv" in failed["error"]
    assert all(r["accepted"] > 0 for r in summary["reconciliation"] if r["source"] != "app_reviews")
    assert (tmp_path / "exports" / WEEK / "report.html").exists()


def _voc(args: list[str], tmp_path, **env_extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(TMPDIR=str(tmp_path), PYTHONPATH=str(REPO_ROOT), **env_extra)
    return subprocess.run([sys.executable, "-m", "voc.cli", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("args, expected", [
    (["run", "--week", "2026-48"], "not an ISO week: '2026-48'"),
    (["run", "--set", "timezone=Mars/Olympus"], "unknown time zone"),
    (["backfill", "--from", "2026-W47", "--to", "2026-W45"], "week range is backwards"),
    (["run", "--week", "2099-W10"], "week 2099-W10 has not started yet"),  # an empty report in the history
    (["backfill", "--from", "2026-W47", "--to", "2099-W01"], "week 2099-W01 has not started yet"),
    (["serve", "--set", "sources.0.path"], "expected KEY=VALUE"),
])
def test_argument_mistakes_fail_in_one_line_before_any_server_starts(tmp_path, args, expected):
    cfg = write_demo(tmp_path / "w", WEEK, n_weeks=3, total=200, seed=1)
    t = time.monotonic()
    res = _voc([args[0], "--config", str(cfg), *args[1:]], tmp_path)
    assert res.returncode == 1, res.stderr
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0] and lines[0].startswith("error:"), res.stderr
    assert "Traceback" not in res.stderr
    assert time.monotonic() - t < 30
    assert not list(tmp_path.glob("voc-server-*"))  # no Prefect server was started for it


def test_a_missing_config_is_one_line(tmp_path):
    res = _voc(["run", "--config", str(tmp_path / "nope.yaml")], tmp_path)
    assert res.returncode == 1 and res.stderr.strip() == f"error: config file not found: {tmp_path / 'nope.yaml'}"


def test_a_bug_shows_its_traceback(monkeypatch, tmp_path):
    import voc.config
    from voc.cli import main

    def broken(*args, **kwargs):
        raise KeyError("a bug, not a user mistake")

    monkeypatch.setattr(voc.config, "load_config", broken)
    monkeypatch.setattr(sys, "argv", ["voc", "run", "--config", str(tmp_path / "x.yaml")])
    with pytest.raises(KeyError, match="a bug"):
        main()


def test_the_prefect_runner_retries_a_source_only_on_io_errors(prefect_harness, monkeypatch):
    from prefect import flow

    import voc.flows
    from voc.errors import ConfigError
    from voc.flows import PrefectStageRunner

    monkeypatch.setattr(voc.flows, "INGEST_RETRY_DELAYS", [0, 0])
    attempts: dict[str, int] = {}

    def read(kind: str):
        attempts[kind] = attempts.get(kind, 0) + 1
        if kind == "flaky" and attempts[kind] < 3:
            raise ConnectionResetError("the SFTP share dropped the connection")
        if kind == "bug":
            raise KeyError("text")
        if kind == "config":
            raise ConfigError("sources.0.columns: unknown key")
        return pipeline.Reconciliation(source=kind, read=1, accepted=1)

    @flow(name="voc-retry-test")
    def ingest_each() -> dict:
        runner = PrefectStageRunner()
        out = {}
        for kind in ("flaky", "bug", "config"):
            try:
                out[kind] = runner.ingest(kind, read, kind).status
            except Exception as e:  # noqa: BLE001 - the flow reports what each source did
                out[kind] = type(e).__name__
        return out

    assert ingest_each() == {"flaky": "ok", "bug": "KeyError", "config": "ConfigError"}
    assert attempts == {"flaky": 3, "bug": 1, "config": 1}


def test_a_store_held_by_another_run_is_one_line_before_any_server_starts(tmp_path):
    cfg = write_demo(tmp_path / "w", WEEK, n_weeks=3, total=200, seed=1)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('ready', flush=True); time.sleep(120)", str(tmp_path / "w" / "voc.duckdb")],
                              stdout=subprocess.PIPE, text=True)  # another run holding the store
    try:
        assert holder.stdout.readline().strip() == "ready"
        res = _voc(["run", "--config", str(cfg), "--week", WEEK], tmp_path)
    finally:
        holder.kill()
        holder.wait()
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.returncode == 1 and len(lines) == 1, res.stderr
    assert "in use by another process" in lines[0] and "voc run" in lines[0]
    assert not list(tmp_path.glob("voc-server-*"))


def test_backfill_prints_each_weeks_reconciliation_warnings_and_alert_at_80_columns(tmp_path, prefect_harness,
                                                                                    monkeypatch):
    from voc.cli import app

    def summary(config, store, week, runner=None, run_id=None, alerts=True, notifier=None):
        s = _fake_summary(week)
        s["reconciliation"] = [
            {**s["reconciliation"][0], "source": "line_oa_chat_exports_bangkok_branches_november"},
            {"source": "app_store", "read": 12, "accepted": 9, "duplicates": 1, "quarantined": 2, "status": "ok",
             "error": None, "new": 9, "balanced": True}]
        s["warnings"] = [f"{week}: sentiment model fell back"] if week == BACKFILL[1] else []
        s["alerts"] = {"configured": True, "sent": week == BACKFILL[-1], "needed": week == BACKFILL[-1],
                       "block": "slack-webhook/voc", "reasons": ["new theme"]}
        return s

    monkeypatch.setattr(pipeline, "run_week", summary)
    cfg = write_demo(tmp_path, WEEK, n_weeks=3, total=300, seed=2)
    res = CliRunner().invoke(app, ["backfill", "--config", str(cfg), "--from", BACKFILL[0], "--to", BACKFILL[-1]],
                             env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    for week in BACKFILL:
        assert any(line.strip().startswith(f"{week} reconciliation") for line in lines), res.output
        assert any(line.startswith(f"week {week}: exports in") for line in lines)
    rows = [line for line in lines if line.split()[:1] == ["app_store"]]
    assert len(rows) == 3 and all(line.split()[1:5] == ["12", "9", "1", "2"] for line in rows)
    assert f"warning: {BACKFILL[1]}: sentiment model fell back" in res.output
    assert res.output.count("alert: nothing crossed a threshold, none sent") == 2
    assert "alert sent through slack-webhook/voc (new theme)" in res.output
    assert "3 week(s), none partial" in res.output


def test_run_prints_long_source_names_whole_at_80_columns(tmp_path, prefect_harness, monkeypatch):
    """`voc run` in an 80-column terminal shortens the headers rather than folding a source's name."""
    from voc.cli import app

    name = "call_center_notes"  # the demo's longest name (17): the full headers fold it at 80

    def summary(config, store, week, runner=None, run_id=None, alerts=True, notifier=None):
        s = _fake_summary(week)
        s["reconciliation"] = [{**s["reconciliation"][0], "source": name, "read": 120, "accepted": 100,
                                "duplicates": 12, "quarantined": 8}]
        return s

    monkeypatch.setattr(pipeline, "run_week", summary)
    cfg = write_demo(tmp_path, WEEK, n_weeks=1, total=100, seed=2)
    res = CliRunner().invoke(app, ["run", "--config", str(cfg), "--week", WEEK], env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    row = [line for line in lines if name in line]
    assert len(row) == 1 and row[0].split()[1:5] == ["120", "100", "12", "8"], res.output
    wide = CliRunner().invoke(app, ["run", "--config", str(cfg), "--week", WEEK], env={"COLUMNS": "140"})
    assert "duplicates" in wide.output and "quarantined" in wide.output, wide.output
