"""Shared helpers for benchmark scripts: peak memory, timing, JSON output."""

from __future__ import annotations

import json
import platform
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> str:
    import os

    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


def write_json(path: str | Path, figures: dict) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figures = {"machine": machine(), "time": time.strftime("%Y-%m-%dT%H:%M:%S"), **figures}
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    return path
