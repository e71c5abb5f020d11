"""The Prefect server voc owns: `voc serve` schedules the weekly deployment; a killed run leaves no server."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest
import yaml

from voc.demo.generate import write_demo
from voc.paths import REPO_ROOT

WEEK = "2026-W47"


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(TMPDIR=str(tmp_path), PYTHONPATH=str(REPO_ROOT), **extra)
    return env


def _group_alive(pgid: int) -> list[int]:
    alive = []
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if p.status() != psutil.STATUS_ZOMBIE and os.getpgid(p.pid) == pgid:
                alive.append(p.pid)
    return alive


def _listening_on(port: int) -> list[int]:
    pids = []
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if p.status() != psutil.STATUS_ZOMBIE and f"--port {port}" in " ".join(p.cmdline()):
                pids.append(p.pid)
    return pids


def _wait_until(check, timeout: float, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return check()


def test_a_killed_voc_run_leaves_no_prefect_server_and_the_rerun_removes_its_files(tmp_path, prefect_harness):
    from prefect.settings import PREFECT_API_URL

    cfg = write_demo(tmp_path / "work", WEEK, n_weeks=3, total=150, seed=8)
    cmd = [sys.executable, "-m", "voc.cli", "run", "--config", str(cfg), "--week", WEEK]
    killed = subprocess.run(cmd, cwd=REPO_ROOT, env=_env(tmp_path, VOC_FAULT_KILL_AFTER="ingest"),
                            capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    owners = list(tmp_path.glob("voc-server-*/owner.json"))
    assert len(owners) == 1, owners  # the killed run could not clean up after itself
    owner = json.loads(owners[0].read_text(encoding="utf-8"))
    _wait_until(lambda: not _group_alive(owner["pgid"]), 30)
    assert not _group_alive(owner["pgid"]), "the killed run's Prefect server is still running"

    # the rerun reports to the session's server (a second server start would only cost time)
    rerun = subprocess.run(cmd, cwd=REPO_ROOT, env=_env(tmp_path, PREFECT_API_URL=PREFECT_API_URL.value()),
                           capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert not list(tmp_path.glob("voc-server-*"))  # the stale folder and the rerun's own are gone
    assert (tmp_path / "work" / "exports" / WEEK / "report.html").exists()


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


@pytest.mark.slow  # 166 s on the shared 2-core machine (a server with services and UI, a served flow run)
def test_voc_serve_schedules_the_weekly_deployment_and_a_triggered_run_completes(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    cfg = write_demo(tmp_path / "work", WEEK, n_weeks=3, total=300, seed=9)
    text = cfg.read_text(encoding="utf-8").replace("timezone: Asia/Bangkok", "timezone: Europe/London")
    assert "Europe/London" in text
    cfg.write_text(text, encoding="utf-8")
    # the way README says: voc serve --config FILE (here with a private Prefect home)
    serve = subprocess.Popen([sys.executable, "-m", "voc.cli", "serve", "--config", str(cfg), "--home",
                              str(tmp_path / "prefect-home")], cwd=REPO_ROOT, env=_env(tmp_path),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(serve.stderr, lines), daemon=True).start()
    seen = []
    port = None
    try:
        deadline = time.monotonic() + 240
        url = None
        while url is None and time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                assert serve.poll() is None, "".join(seen)
                continue
            seen.append(line)
            if "Prefect server at " in line:
                url = line.split("Prefect server at ")[1].split()[0]
        assert url, "".join(seen)
        port = int(url.rsplit(":", 1)[1])
        with temporary_settings(updates={PREFECT_API_URL: f"{url}/api"}):
            with get_client(sync_client=True) as client:
                deployment = _wait_until(lambda: _deployment(client), 120)
                assert deployment, "".join(seen)
                schedule = deployment.schedules[0].schedule
                assert schedule.cron == "0 6 * * 1" and schedule.timezone == "Europe/London"
            flow_run = run_deployment("weekly-voc/weekly-voc", parameters={"week": WEEK}, timeout=400)
        assert flow_run.state.is_completed(), flow_run.state
        assert (tmp_path / "work" / "exports" / WEEK / "report.html").exists()
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
    assert serve.returncode == 0, "".join(seen)
    if port:
        _wait_until(lambda: not _listening_on(port), 20)
        assert not _listening_on(port), "voc serve left its Prefect server running"


def _deployment(client):
    try:
        return client.read_deployment_by_name("weekly-voc/weekly-voc")
    except Exception:  # noqa: BLE001 - not registered yet
        return None


def test_the_schedule_runs_in_the_config_time_zone(tmp_path):
    from voc.config import load_config
    from voc.flows import WEEKLY_CRON, weekly_schedule

    cfg = tmp_path / "voc.yaml"
    cfg.write_text("timezone: America/New_York\n", encoding="utf-8")
    schedule = weekly_schedule(load_config(cfg))
    assert schedule.cron == WEEKLY_CRON and schedule.timezone == "America/New_York"
    # the deployments in prefect.yaml are scheduled in the shipped config's zone
    spec = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    weekly = next(d for d in spec["deployments"] if d["name"] == "weekly-voc")
    shipped = load_config(REPO_ROOT / weekly["parameters"]["config_path"])
    assert weekly["schedules"][0]["timezone"] == shipped.timezone
    assert weekly["schedules"][0]["cron"] == WEEKLY_CRON
