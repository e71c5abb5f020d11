"""Ingest throughput: N synthetic CSV rows (Thai, English, mixed) into a fresh DuckDB store.

Prints records/s and peak RSS. Target: >= 20,000 records/s and <= 1 GB for 200,000 rows.
Usage: python benchmarks/ingest.py [--rows 200000] [--json bench-results/ingest.json]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from _common import peak_rss_mb, write_json

PHRASES = ["ส่งของช้ามาก", "บริการดีมากครับ", "แอปเข้าไม่ได้ OTP ไม่มา", "great service, thanks",
           "the app keeps crashing", "bill แพงเกินไป", "พนักงานสุภาพ", "refund still not received",
           "เน็ตหลุดบ่อย 555", "delivery was fast 👍"]


def write_rows(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, 0, 0)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "time", "stars", "user", "product"])
        for i in range(n):
            text = " ".join(rng.sample(PHRASES, 2)) + f" #{rng.randint(1, 10**6)}"
            if i % 50 == 0:
                text += " โทร 081-234-5678"
            t = start + timedelta(seconds=rng.randint(0, 90 * 86400))
            w.writerow([f"r{i}", text, t.strftime("%Y-%m-%d %H:%M:%S"), rng.randint(1, 5), f"u{rng.randint(1, n // 3)}",
                        rng.choice(["A", "B", "C"])])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--json", default="bench-results/ingest.json")
    args = ap.parse_args()

    from voc.config import PipelineConfig
    from voc.ingest.config import ColumnMap, FileSource
    from voc.ingest.run import ingest_source
    from voc.store import open_store

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "rows.csv"
        write_rows(f, args.rows)
        src = FileSource(name="bench", path=str(f), channel="review",
                         columns=ColumnMap(text="text", created_at="time", id="id", rating="stars", author="user",
                                           segments={"product": "product"}))
        cfg = PipelineConfig(sources=[src])
        with open_store("duckdb", Path(d) / "voc.duckdb") as st:
            t0 = time.perf_counter()
            rec = ingest_source(src, cfg, st, "bench")
            secs = time.perf_counter() - t0
    figures = {
        "rows": args.rows,
        "seconds": round(secs, 2),
        "records_per_s": round(args.rows / secs),
        "peak_rss_mb": round(peak_rss_mb()),
        "reconciliation": rec.as_dict(),
    }
    print(f"ingest: {args.rows} rows in {secs:.1f} s = {figures['records_per_s']:,} records/s; "
          f"peak RSS {figures['peak_rss_mb']} MiB; balanced={rec.balanced}")
    print(f"targets: >= 20,000 records/s {'OK' if figures['records_per_s'] >= 20000 else 'MISSED'}; "
          f"<= 1024 MiB {'OK' if figures['peak_rss_mb'] <= 1024 else 'MISSED'}")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
