"""PostgreSQL store speed: upsert N records, reload them, add two stage tables, read the enriched week.

Needs a server: eval "$(scripts/ci-postgres.sh)" sets VOC_TEST_POSTGRES_URL (or pass --url-env NAME).
Works in a fresh schema that it drops afterwards. With --compare-duckdb the same steps run on DuckDB too.
Target: 100,000 records upserted and read back enriched in seconds, not minutes.
Usage: python benchmarks/store_postgres.py [--records 100000] [--json bench-results/store_postgres.json]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

from _common import peak_rss_mb, write_json

PHRASES = ["ส่งของช้ามาก", "บริการดีมากครับ", "แอปเข้าไม่ได้ OTP ไม่มา", "great service, thanks",
           "the app keeps crashing", "bill แพงเกินไป", "พนักงานสุภาพ", "refund still not received",
           "เน็ตหลุดบ่อย 555", "delivery was fast 👍"]


def synthetic(n: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Records of one week with their text and sentiment stage rows."""
    from voc.schema import RECORD_COLUMNS

    rng = random.Random(seed)
    ids = [f"r{i:07d}" for i in range(n)]
    start = pd.Timestamp("2026-11-16T00:00:00Z")
    texts = [" ".join(rng.sample(PHRASES, 2)) + f" #{rng.randint(1, 10**6)}" for _ in range(n)]
    records = pd.DataFrame({
        "record_id": ids, "source": "bench", "channel": "review",
        "created_at": start + pd.to_timedelta([rng.randint(0, 7 * 86400 - 1) for _ in range(n)], unit="s"),
        "iso_week": "2026-W47", "text": texts, "rating": [float(rng.randint(1, 5)) for _ in range(n)],
        "segments": '{"product": "A"}', "author_key": [f"a{rng.randint(1, n // 3 + 1)}" for _ in range(n)],
        "metadata": "{}", "dedup_key": [f"k{i}" for i in range(n)], "duplicate_of": None, "run_id": "bench",
    }, columns=list(RECORD_COLUMNS))
    text = pd.DataFrame({"record_id": ids, "language": "th", "text_clean": texts, "tokens": texts,
                         "topic_tokens": texts, "pii_types": "", "flags": "", "near_dup_of": None})
    p = [rng.random() for _ in range(n)]
    sentiment = pd.DataFrame({"record_id": ids, "sentiment": ["negative" if x > 0.5 else "positive" for x in p],
                              "sentiment_confidence": p, "p_positive": [1 - x for x in p], "p_neutral": 0.0,
                              "p_negative": p, "p_question": 0.0, "sentiment_model": "bench@1"})
    return records, text, sentiment


def run_steps(st, records: pd.DataFrame, text: pd.DataFrame, sentiment: pd.DataFrame) -> dict:
    figures = {}

    def timed(name, fn):
        t0 = time.perf_counter()
        out = fn()
        figures[name] = round(time.perf_counter() - t0, 2)
        return out

    first = timed("upsert_new_s", lambda: st.upsert_records(records))
    again = timed("upsert_unchanged_s", lambda: st.upsert_records(records))
    assert (first.new, again.unchanged) == (len(records), len(records)), (first, again)
    timed("upsert_stage_text_s", lambda: st.upsert_stage("record_text", text))
    timed("upsert_stage_sentiment_s", lambda: st.upsert_stage("record_sentiment", sentiment))
    enriched = timed("enriched_records_s", lambda: st.enriched_records(["2026-W47"]))
    assert len(enriched) == len(records)
    timed("mark_duplicates_s", lambda: st.mark_duplicates(records["dedup_key"].tolist()))
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--url-env", default="VOC_TEST_POSTGRES_URL", help="environment variable holding the URL")
    ap.add_argument("--compare-duckdb", action="store_true")
    ap.add_argument("--json", default="bench-results/store_postgres.json")
    args = ap.parse_args()

    url = os.environ.get(args.url_env)
    if not url:
        sys.exit(f'{args.url_env} is not set: run eval "$(scripts/ci-postgres.sh)" first')
    from voc.store.postgres_store import PostgresStore, mask_url

    records, text, sentiment = synthetic(args.records)
    schema = f"voc_bench_{uuid.uuid4().hex[:8]}"
    st = PostgresStore(url, schema=schema)
    try:
        steps = run_steps(st, records, text, sentiment)
        figures = {"records": args.records, "server": mask_url(url), "postgres": steps}
    finally:
        with st._cursor() as cur:
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
        st.close()
    if args.compare_duckdb:
        from voc.store import open_store

        with tempfile.TemporaryDirectory() as d, open_store("duckdb", Path(d) / "voc.duckdb") as duck:
            figures["duckdb"] = run_steps(duck, records, text, sentiment)
    figures["peak_rss_mb"] = round(peak_rss_mb())

    for backend in ("postgres", "duckdb"):
        if backend in figures:
            print(f"{backend}: " + "; ".join(f"{k[:-2]} {v:.2f} s" for k, v in figures[backend].items()))
    pg = figures["postgres"]
    print(f"{args.records:,} records: upsert {pg['upsert_new_s']:.2f} s, "
          f"enriched_records {pg['enriched_records_s']:.2f} s; "
          f"peak RSS {figures['peak_rss_mb']} MiB")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
