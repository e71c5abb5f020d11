"""Reliability figures: hostile inputs, injected faults, lost records, rerun identity, PII in outputs.

Runs the weekly flow on a small demo plus a hostile-input corpus plus sources with personal data planted in
every field (`tests/privacy/planted.py`: file names, ids, text, segments, metadata, bad rows, a broken line,
a failing source's columns, a card across the text cut): once uninterrupted, once killed with SIGKILL after a
stage and rerun, once with a source missing, and once more unchanged. Prints: inputs tried, faults injected,
records lost (must be 0), reruns identical (yes/no), and PII found (must be 0) in the store (every table and
column), the exports (every file) and the logs (the runs' console output and the Prefect server's logs).
Usage: python benchmarks/reliability.py [--pii-only] [--json bench-results/reliability.json]
(--pii-only: just the uninterrupted run and the PII scans, about a tenth of the time)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO, write_json

sys.path.insert(0, str(REPO / "tests" / "privacy"))
from planted import find_planted, plant_into_config  # noqa: E402  (the planted sources the tests use)

WEEK = "2026-W47"
TABLES = ("topic_week", "sentiment_week", "emerging_topics", "drivers", "data_quality")
# digit runs inside identifiers (hex hashes) or decimals (0.123...) are not personal data: require that a
# run stands alone, neither glued to letters/digits/underscores nor to a decimal point
PII_PATTERNS = {
    "EMAIL": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "PHONE": re.compile(r"(?<![\w.])0[689]\d-?\d{3}-?\d{4}(?![\w.])"),
    "DIGITS13_19": re.compile(r"(?<![\w.])\d(?:[ -]?\d){12,18}(?![\w.])"),
}
HASH_COLUMNS = {"record_id", "author_key", "dedup_key", "duplicate_of", "near_dup_of", "run_id"}


def luhn(d: str) -> bool:
    total, alt = 0, False
    for ch in reversed(d):
        n = int(ch)
        if alt:
            n = n * 2 - 9 if n * 2 > 9 else n * 2
        total, alt = total + n, not alt
    return total % 10 == 0


def thai_id(d: str) -> bool:
    return len(d) == 13 and (11 - sum(int(d[i]) * (13 - i) for i in range(12)) % 11) % 10 == int(d[12])


def pii_in(text: str) -> list[str]:
    found = ["PLANTED"] * len(find_planted(text))
    found += [k for k in ("EMAIL", "PHONE") if PII_PATTERNS[k].search(text)]
    for m in PII_PATTERNS["DIGITS13_19"].finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if thai_id(digits) or luhn(digits):
            found.append("ID_OR_CARD")
    return found


def scan_outputs(work: Path) -> dict[str, int]:
    """PII hits in every export file and every text column of every store table (keys ``store...``)."""
    import duckdb
    import pandas as pd

    hits: dict[str, int] = {}

    def add(where: str, text: str) -> None:
        for k in pii_in(text):
            hits[f"{where}:{k}"] = hits.get(f"{where}:{k}", 0) + 1

    for f in (work / "exports").rglob("*"):
        if f.suffix in (".csv", ".html"):
            add(f"exports.{f.name}", f.read_text(encoding="utf-8-sig"))
        elif f.suffix == ".parquet":
            add(f"exports.{f.name}", pd.read_parquet(f).to_csv())
        elif f.suffix == ".xlsx":
            for name, df in pd.read_excel(f, sheet_name=None).items():
                add(f"exports.{f.name}/{name}", df.to_csv())
    con = duckdb.connect(str(work / "voc.duckdb"), read_only=True)
    for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
        if table == "meta":
            continue  # holds the author-hash salt only
        df = con.execute(f'SELECT * FROM "{table}"').df()
        for col in df.columns:
            if col in HASH_COLUMNS:
                continue  # hex digests, scanned for nothing but shape
            if df[col].dtype == object or str(df[col].dtype).startswith("str"):
                add(f"store.{table}.{col}", "\n".join(df[col].dropna().astype(str)))
    con.close()
    return hits


def make_work(root: Path, name: str) -> Path:
    from voc.demo.generate import write_demo
    from voc.demo.hostile import hostile_sources_yaml, write_hostile_corpus

    work = root / name
    cfg = write_demo(work, WEEK, n_weeks=6, total=1500, seed=3)
    write_hostile_corpus(work / "inputs")
    cfg.write_text(cfg.read_text(encoding="utf-8") + hostile_sources_yaml(work / "inputs", work), encoding="utf-8")
    plant_into_config(cfg)
    return work


CONSOLE: list[str] = []
"""Everything the runs printed (stdout and stderr: Prefect's console log included), scanned for PII."""


def run_flow(work: Path, api_url: str, kill_after: str | None = None) -> int:
    env = dict(os.environ, PREFECT_API_URL=api_url, PREFECT_LOGGING_LEVEL="INFO")
    env.pop("VOC_FAULT_KILL_AFTER", None)
    if kill_after:
        env["VOC_FAULT_KILL_AFTER"] = kill_after
    code = f"from pipelines.weekly import weekly_voc; weekly_voc({str(work / 'voc.yaml')!r}, {WEEK!r})"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=900)
    CONSOLE.extend([done.stdout, done.stderr])
    return done.returncode


def prefect_logs() -> list[str]:
    """Every log record the Prefect server holds (what reached Prefect from the runs)."""
    from prefect.client.orchestration import get_client

    lines: list[str] = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_logs(limit=200, offset=len(lines))
            lines += [f"{log.name} {log.message}" for log in page]
            if len(page) < 200:
                return lines


LOG_LINES: dict[str, int] = {}


def scan_logs() -> dict[str, int]:
    hits: dict[str, int] = {}
    for where, texts in (("logs.console", CONSOLE), ("logs.prefect", prefect_logs())):
        text = "\n".join(texts)
        LOG_LINES[where] = text.count("\n") + 1
        for k in pii_in(text):
            hits[f"{where}:{k}"] = hits.get(f"{where}:{k}", 0) + 1
    return hits


def print_pii(pii: dict[str, int]) -> dict[str, int]:
    places = ("store", "exports", "logs")
    by_place = {place: sum(n for k, n in pii.items() if k.startswith(place + ".")) for place in places}
    print(f"PII found: {sum(pii.values())} {pii if pii else ''}")
    for place, n in by_place.items():
        print(f"  PII found in {place}: {n}")
    print(f"  (logs scanned: {LOG_LINES.get('logs.console', 0)} console lines, "
          f"{LOG_LINES.get('logs.prefect', 0)} Prefect log records)")
    return by_place


def tables(work: Path):
    import pandas as pd

    return {t: pd.read_parquet(work / "exports" / WEEK / f"{t}.parquet") for t in TABLES}


def same_tables(a, b) -> bool:
    return all(a[t].equals(b[t]) for t in TABLES)


def lost_records(work: Path) -> int:
    """read - accepted - duplicates - quarantined over the last run's sources, plus accepted ids missing."""
    import duckdb

    con = duckdb.connect(str(work / "voc.duckdb"), read_only=True)
    last = con.execute("SELECT run_id FROM run_log ORDER BY finished_at DESC LIMIT 1").fetchall()[0][0]
    rows = con.execute("SELECT sum(read - accepted - duplicates - quarantined) FROM run_log WHERE run_id = ?",
                       [last]).fetchall()[0][0]
    con.close()
    return int(rows or 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--json", default="bench-results/reliability.json")
    ap.add_argument("--pii-only", action="store_true", help="only the uninterrupted run and the PII scans")
    args = ap.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="voc-prefect-"))
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    faults = 0
    with tempfile.TemporaryDirectory() as d, prefect_test_harness(server_startup_timeout=120):
        root = Path(d)
        api = PREFECT_API_URL.value()
        ref = make_work(root, "reference")
        assert run_flow(ref, api) == 0, "reference run failed"
        if args.pii_only:
            pii = scan_outputs(ref) | scan_logs()
            by_place = print_pii(pii)
            write_json(args.json, {"pii_found": sum(pii.values()), "pii_found_by_place": by_place, "pii_hits": pii})
            return
        ref_tables = tables(ref)
        # 1. rerun unchanged -> identical tables
        assert run_flow(ref, api) == 0
        rerun_same = same_tables(ref_tables, tables(ref))
        # 2. SIGKILL after each stage, then rerun -> identical to the uninterrupted run
        killed_same = []
        for stage in ("ingest", "text", "sentiment", "topics"):
            work = make_work(root, f"killed-{stage}")
            rc = run_flow(work, api, kill_after=stage)
            faults += 1
            ok = rc == -signal.SIGKILL and run_flow(work, api) == 0 and same_tables(ref_tables, tables(work))
            killed_same.append(ok)
            shutil.rmtree(work / "inputs", ignore_errors=True)
        # 3. a source missing -> that source fails after retries, the week is partial, the rest completes
        partial = make_work(root, "missing-source")
        (partial / "inputs" / "call_notes.csv").unlink()
        faults += 1
        partial_ok = run_flow(partial, api) == 0
        from voc.store import open_store

        with open_store("duckdb", partial / "voc.duckdb") as st:
            log = st.read_table("run_log")
        failed = sorted(log.loc[log["status"] == "failed", "source"].unique())
        lost = lost_records(ref) + lost_records(partial)
        pii = scan_outputs(ref) | scan_logs()
        with open_store("duckdb", ref / "voc.duckdb") as st:
            q = st.read_table("quarantine")
            read = int(st.read_table("run_log")["read"].max())
        tried = int(log["read"].sum())
    figures = {
        "inputs_tried": tried,
        "hostile_rows_quarantined": int(len(q)),
        "faults_injected": faults,
        "records_lost": lost,
        "reruns_identical": bool(rerun_same and all(killed_same)),
        "rerun_after_kill_identical_by_stage": dict(
            zip(("ingest", "text", "sentiment", "topics"), killed_same, strict=True)
        ),
        "failed_sources_when_file_missing": failed,
        "partial_run_completed": partial_ok,
        "pii_found": sum(pii.values()),
        "pii_found_by_place": None,
        "pii_hits": pii,
        "largest_source_read": read,
    }
    print(f"inputs tried: {tried} (of which quarantined with a reason: {len(q)})")
    print(f"faults injected: {faults} (SIGKILL after ingest/text/sentiment/topics; a missing source file)")
    print(f"records lost: {lost}")
    print(f"reruns identical: {'yes' if figures['reruns_identical'] else 'no'} "
          f"(unchanged rerun: {rerun_same}; after kill: {figures['rerun_after_kill_identical_by_stage']})")
    print(f"missing source -> failed: {failed}; other sources completed: {partial_ok}")
    figures["pii_found_by_place"] = print_pii(pii)
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
