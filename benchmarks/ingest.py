"""Ingest throughput: N synthetic CSV rows (Thai, English, mixed) into a fresh DuckDB store.

Prints records/s and peak RSS. Targets: >= 20,000 records/s and <= 1 GB for 200,000 rows; at 1,000,000
rows the file streams in chunks, so peak RSS stays bounded (about the same as at 200,000).
One row in 10,000 has an unreadable date: the quarantine count and its line numbers are checked.
Usage: python benchmarks/ingest.py [--rows 200000] [--chunk-rows 50000] [--json bench-results/ingest.json]
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


BAD_EVERY = 10_000


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
            when = "not a date" if i % BAD_EVERY == BAD_EVERY - 1 else t.strftime("%Y-%m-%d %H:%M:%S")
            w.writerow([f"r{i}", text, when, rng.randint(1, 5), f"u{rng.randint(1, max(n // 3, 1))}",
                        rng.choice(["A", "B", "C"])])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--chunk-rows", type=int, default=None, help="rows per chunk (default: voc's, 50,000)")
    ap.add_argument("--json", default="bench-results/ingest.json")
    args = ap.parse_args()

    from voc.config import PipelineConfig
    from voc.ingest.config import ColumnMap, FileSource
    from voc.ingest.files import CHUNK_ROWS
    from voc.ingest.run import ingest_source
    from voc.store import open_store

    chunk_rows = args.chunk_rows or CHUNK_ROWS

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "rows.csv"
        write_rows(f, args.rows)
        src = FileSource(name="bench", path=str(f), channel="review", rating_scale="stars_1_5",
                         columns=ColumnMap(text="text", created_at="time", id="id", rating="stars", author="user",
                                           segments={"product": "product"}))
        cfg = PipelineConfig(sources=[src])
        with open_store("duckdb", Path(d) / "voc.duckdb") as st:
            rss_before = peak_rss_mb()
            t0 = time.perf_counter()
            rec = ingest_source(src, cfg, st, "bench", chunk_rows=chunk_rows)
            secs = time.perf_counter() - t0
            q_lines = sorted(int(loc.rsplit(" ", 1)[1]) for loc in st.read_table("quarantine")["location"])
    # row i is on line i + 2 (line 1 is the header)
    expected_lines = [i + 2 for i in range(args.rows) if i % BAD_EVERY == BAD_EVERY - 1]
    figures = {
        "rows": args.rows,
        "chunk_rows": chunk_rows,
        "peak_rss_before_ingest_mb": round(rss_before),
        "seconds": round(secs, 2),
        "records_per_s": round(args.rows / secs),
        "peak_rss_mb": round(peak_rss_mb()),
        "reconciliation": rec.as_dict(),
    }
    figures["quarantine_lines_correct"] = q_lines == expected_lines
    print(f"ingest: {args.rows:,} rows in {secs:.1f} s = {figures['records_per_s']:,} records/s "
          f"(chunks of {chunk_rows:,}); peak RSS {figures['peak_rss_mb']} MiB "
          f"({figures['peak_rss_before_ingest_mb']} MiB before the ingest)")
    print(f"reconciliation: read {rec.read:,} = accepted {rec.accepted:,} + duplicates {rec.duplicates:,} "
          f"+ quarantined {rec.quarantined:,}; balanced={rec.balanced}; "
          f"quarantined lines as planted: {figures['quarantine_lines_correct']}")
    print(f"targets: >= 20,000 records/s {'OK' if figures['records_per_s'] >= 20000 else 'MISSED'}; "
          f"<= 1024 MiB {'OK' if figures['peak_rss_mb'] <= 1024 else 'MISSED'}")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
