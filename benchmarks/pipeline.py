"""End-to-end weekly run on synthetic data: per-stage throughput and peak memory at 10k / 100k / 1M messages.

Messages come from the demo generator (Thai / English / mixed, all four channels), spread over 8 weeks
with the report week last; the week runs through ``voc.pipeline.run_week``, the function that ``voc run``
and the Prefect flow call (in process, each stage timed; the Prefect wrapper adds a constant 15-20 s of
server start-up, not measured here).
Targets on the 2-core machine: 100k in <= 180 s with peak RSS <= 4 GB; 1M in <= 30 min, <= 12 GB.
Usage: python benchmarks/pipeline.py [--sizes 10000 100000] [--json bench-results/pipeline.json]
Each size runs in its own subprocess so peak RSS is per size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, peak_rss_mb, write_json

WEEK = "2026-W47"


def one_size(n: int, workdir: Path) -> dict:
    from voc import pipeline
    from voc.config import load_config
    from voc.demo.generate import write_demo

    t = time.perf_counter()
    cfg_path = write_demo(workdir, WEEK, n_weeks=8, total=n, seed=21)
    gen_s = time.perf_counter() - t
    config = load_config(cfg_path)
    print(f"[{n:,} messages] inputs written in {gen_s:.1f} s", file=sys.stderr, flush=True)
    runner = TimedRunner(n)
    with pipeline.open_pipeline_store(config) as store:
        t0 = time.perf_counter()
        summary = pipeline.run_week(config, store, WEEK, runner)
        total = time.perf_counter() - t0
    stages = runner.stages
    read = sum(r["read"] for r in summary["reconciliation"])

    def per_s(count: int, stage: str) -> int:
        return round(count / max(stages.get(stage, 0.0), 1e-9))

    return {
        "messages": n, "records_read": read, "generate_inputs_s": round(gen_s, 1),
        "stages_s": {k: round(v, 1) for k, v in stages.items()},
        "per_s": {"ingest": per_s(read, "ingest"), "text": per_s(summary["text_processed"], "text"),
                  "sentiment": per_s(summary["sentiment_scored"], "sentiment")},
        "topics": summary["topics"], "export_files": len(summary["exports"]),
        "end_to_end_s": round(total, 1), "peak_rss_mb": round(peak_rss_mb()),
    }


class TimedRunner:
    """Runs the week in this process, as ``voc.pipeline.run_week`` does by default, timing every stage."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.stages: dict[str, float] = {}

    def _timed(self, name: str, fn, args):
        t = time.perf_counter()
        result = fn(*args)
        self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - t
        print(f"[{self.n:,} messages] {name} {self.stages[name]:.1f} s, peak RSS {peak_rss_mb():,.0f} MiB",
              file=sys.stderr, flush=True)
        return result

    def ingest(self, source: str, fn, *args):
        return self._timed("ingest", fn, args)  # all sources add up to the ingest stage

    def stage(self, name: str, fn, *args):
        return self._timed(name, fn, args)

    def map(self, fn, param_list: list[dict]) -> list:
        return [fn(**p) for p in param_list]

    def notify(self, send, retries: int, retry_delay_s: float, timeout_s: float):
        from voc import pipeline

        return pipeline.InProcessRunner().notify(send, retries, retry_delay_s, timeout_s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--json", default="bench-results/pipeline.json")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size in this process
    args = ap.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as d:
            print(json.dumps(one_size(args.one, Path(d))))
        return
    results = []
    for n in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], cwd=REPO, capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr[-3000:])
            raise SystemExit(f"size {n} failed")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        target = {100_000: (180, 4096), 1_000_000: (1800, 12288)}.get(n)
        verdict = ""
        if target:
            ok = r["end_to_end_s"] <= target[0] and r["peak_rss_mb"] <= target[1]
            verdict = f"  target <= {target[0]} s, <= {target[1]} MiB: {'OK' if ok else 'MISSED'}"
        print(f"{n:>9,} messages: end to end {r['end_to_end_s']:7.1f} s, peak RSS {r['peak_rss_mb']:6,} MiB{verdict}")
        print("            stages (s): " + ", ".join(f"{k} {v}" for k, v in r["stages_s"].items()))
        print("            throughput (/s): " + ", ".join(f"{k} {v:,}" for k, v in r["per_s"].items()))
    write_json(args.json, {"results": results})


if __name__ == "__main__":
    main()
