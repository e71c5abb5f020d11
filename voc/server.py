"""A local Prefect server that a voc command starts, owns and always stops.

``voc serve`` needs a real server (an ephemeral one cannot hold schedules, and several processes on
its SQLite file print ``database is locked``), and ``voc run`` needs one for its flow runs. Either way
the server runs as ``prefect server start`` on a free loopback port, in its own process group, under a
small watchdog (``python -m voc.server --watch PID ...``) that stops the whole group when the voc
process that started it is gone, even after a SIGKILL. A temporary server keeps its files in a
``voc-server-*`` folder under the system temp folder; the next command removes folders whose owner
has died.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from voc.errors import ServerError

TEMP_PREFIX = "voc-server-"
OWNER_FILE = "owner.json"
STARTUP_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 15.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_servers(temp_root: Path | None = None) -> list[Path]:
    """Remove temporary server folders whose voc process has died (a SIGKILLed run), stopping any leftovers."""
    root = Path(temp_root or tempfile.gettempdir())
    removed = []
    for folder in root.glob(f"{TEMP_PREFIX}*"):
        owner_file = folder / OWNER_FILE
        try:
            owner = json.loads(owner_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours, or still being set up
        if _alive(int(owner.get("owner_pid", 0))):
            continue
        pgid = owner.get("pgid")
        if pgid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(int(pgid), signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _wait_healthy(url: str, proc: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-1500:] if log_path.exists() else ""
            raise ServerError(f"the Prefect server exited while starting (code {proc.returncode}); its log "
                              f"({log_path}) ends:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise ServerError(f"the Prefect server did not answer at {url} within {timeout:.0f} s; see {log_path}")


def _stop_group(pgid: int, proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=STOP_TIMEOUT_S)
    # the watchdog stops the server before it exits; make sure nothing of the group is left
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


@contextlib.contextmanager
def local_server(home: Path | None = None, ui: bool = False, services: bool = True,
                 startup_timeout: float = STARTUP_TIMEOUT_S) -> Iterator[str]:
    """Start ``prefect server start`` on a free loopback port; yield its API URL; stop it on exit.

    Args:
        home: PREFECT_HOME of the server (its database and logs); None makes a temporary one,
            removed afterwards.
        ui: serve the Prefect UI too (``voc serve`` does; a one-off run does not need it).
        services: run the server's background services (the scheduler that turns schedules into
            runs, late-run marking...); a one-off run needs only the API, which starts faster.
        startup_timeout: seconds to wait for the server's health check.

    Inside the block ``PREFECT_API_URL`` points at the server, in this process (Prefect settings)
    and in its environment (for child processes).
    """
    remove_stale_servers()
    temporary = home is None
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX)) if home is None else Path(home)
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = dict(os.environ, PREFECT_HOME=str(folder), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_UI_ENABLED="true" if ui else "false", PREFECT_API_URL=url)
    log_path = folder / "server.log"
    cmd = [sys.executable, "-m", "voc.server", "--watch", str(os.getpid()), "--",
           sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port),
           "--no-background", *([] if services else ["--no-services"])]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    pgid = proc.pid  # start_new_session: the watchdog leads its own process group
    if temporary:
        (folder / OWNER_FILE).write_text(json.dumps({"owner_pid": os.getpid(), "pgid": pgid, "url": url}),
                                         encoding="utf-8")
    old_url = os.environ.get("PREFECT_API_URL")
    try:
        _wait_healthy(url, proc, log_path, startup_timeout)
        from prefect.settings import PREFECT_API_URL, temporary_settings

        os.environ["PREFECT_API_URL"] = url
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield url
    finally:
        if old_url is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = old_url
        _stop_group(pgid, proc)
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)


def _watch(parent_pid: int, cmd: list[str]) -> int:
    """Run ``cmd`` until it exits, or until ``parent_pid`` is gone or a stop signal comes; then stop the group."""
    child = subprocess.Popen(cmd)
    stop = {"now": False}

    def _on_signal(signum, frame):  # noqa: ARG001 - signal handler signature
        stop["now"] = True

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    while child.poll() is None and not stop["now"] and os.getppid() == parent_pid and _alive(parent_pid):
        time.sleep(0.5)
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
    # whatever the server started (uvicorn workers, services) is in this process group
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    pgid = os.getpgid(0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _group_members(pgid) - {os.getpid()}:
        time.sleep(0.2)
    if _group_members(pgid) - {os.getpid()}:
        os.killpg(pgid, signal.SIGKILL)  # ends this watchdog too
    return 0


def _group_members(pgid: int) -> set[int]:
    """Live processes of process group ``pgid``."""
    import psutil

    members = set()
    for proc in psutil.process_iter():
        with contextlib.suppress(psutil.Error, ProcessLookupError, PermissionError):
            if proc.status() != psutil.STATUS_ZOMBIE and os.getpgid(proc.pid) == pgid:
                members.add(proc.pid)
    return members


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 4 or args[0] != "--watch" or args[2] != "--":
        raise SystemExit("usage: python -m voc.server --watch PARENT_PID -- COMMAND...")
    raise SystemExit(_watch(int(args[1]), args[3:]))
