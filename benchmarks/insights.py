"""Weekly insights: build and export time at growing volumes, and emerging-topic detection on planted data.

    python benchmarks/insights.py [--scales 1 10 50] [--seeds 20] [--json bench-results/insights.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from voc.export.config import ExportConfig  # noqa: E402
from voc.export.writers import write_exports  # noqa: E402
from voc.insights.config import InsightsConfig  # noqa: E402
from voc.insights.synthetic import planted_records, planted_run_log, planted_topic_registry  # noqa: E402
from voc.insights.tables import build_weekly_tables, topic_history  # noqa: E402

WEEK = "2026-W10"
PLANTED = {"t002": "volume", "t004": "negative_share", "t005": "new"}
QUIET = ("t001", "t003", "t006", "other")


def speed(scale: float) -> dict:
    records = planted_records(WEEK, scale=scale, seed=0)
    registry = planted_topic_registry(WEEK)
    cfg = InsightsConfig(segment_fields=["product"])
    t0 = time.perf_counter()
    tables = build_weekly_tables(WEEK, records, registry, planted_run_log(WEEK, records), cfg)
    history = topic_history(WEEK, records, registry, cfg)
    build_s = time.perf_counter() - t0
    out = {"scale": scale, "records": len(records), "build_s": round(build_s, 2)}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("parquet", "csv", "xlsx", "html"):
            t0 = time.perf_counter()
            write_exports(WEEK, tables, Path(tmp), ExportConfig(formats=[fmt]), history=history)
            out[f"{fmt}_s"] = round(time.perf_counter() - t0, 2)
    out["rss_mib"] = round(psutil.Process().memory_info().rss / 2**20)
    return out


def detection(seeds: int) -> dict:
    hits = {t: 0 for t in PLANTED}
    false_alarms = {t: 0 for t in QUIET}
    for seed in range(seeds):
        records = planted_records(WEEK, seed=seed)
        tables = build_weekly_tables(WEEK, records, planted_topic_registry(WEEK),
                                     planted_run_log(WEEK, records), InsightsConfig())
        em = tables["emerging_topics"].set_index("topic_id")["signals"]
        for t, signal in PLANTED.items():
            hits[t] += int(t in em.index and signal in em[t])
        for t in QUIET:
            false_alarms[t] += int(t in em.index)
    return {"seeds": seeds, "detected": {t: hits[t] / seeds for t in hits},
            "false_alarm": {t: false_alarms[t] / seeds for t in false_alarms}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 10, 50])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--json", type=Path, default=Path("bench-results/insights.json"))
    args = ap.parse_args()
    result = {"speed": [], "detection": None}
    for scale in args.scales:
        row = speed(scale)
        result["speed"].append(row)
        print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    result["detection"] = detection(args.seeds)
    d = result["detection"]
    print(f"detection over {d['seeds']} seeds: " + ", ".join(f"{t} {v:.2f}" for t, v in d["detected"].items()))
    print("false alarms: " + ", ".join(f"{t} {v:.2f}" for t, v in d["false_alarm"].items()))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
