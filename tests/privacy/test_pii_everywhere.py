"""A week run on sources with personal data planted in every field: none of it in the store, the exports or
the logs; and formula-like texts and segment values never become live formulas in the XLSX or CSV."""

from __future__ import annotations

import csv
import logging

import pytest

from planted import (
    FORMULAS,
    find_planted,
    plant_into_config,
    planted_values,
    scan_exports,
    scan_lines,
    scan_store,
)
from voc.demo.generate import write_demo
from voc.store import open_store

WEEK = "2026-W47"


class _Capture(logging.Handler):
    """Every record any handler would see, formatted with its traceback (what a log file would hold)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        extra = " ".join(str(getattr(record, k, "")) for k in ("flow_run_name", "task_run_name"))
        self.lines.append(self.format(record) + " " + extra)


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory, prefect_harness):
    from pipelines.weekly import weekly_voc

    work = tmp_path_factory.mktemp("planted")
    cfg = write_demo(work, WEEK, n_weeks=4, total=500, seed=5)
    plant_into_config(cfg)
    capture = _Capture()
    loggers = [logging.getLogger(n) for n in ("", "voc", "prefect", "prefect.flow_runs", "prefect.task_runs")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(capture)
    for lg in loggers[1:]:
        lg.setLevel(logging.INFO)  # the INFO records (per-source reconciliation) are scanned too
    try:
        summary = weekly_voc(str(cfg), WEEK)
        logging.getLogger("voc").warning("customer wrote: call 089-765-4321 or leak.somchai@example.com")
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(capture)
            lg.setLevel(level)
    return work, summary, capture.lines


def _prefect_api_logs() -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.logging.handlers import APILogHandler

    for name in ("prefect.flow_runs", "prefect.task_runs"):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, APILogHandler):
                handler.flush()  # logs go to the server in batches: send what is queued
    lines: list[str] = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_logs(limit=200, offset=len(lines))
            lines += [f"{log.name} {log.message}" for log in page]
            if len(page) < 200:
                break
        # the run states Prefect keeps hold the messages of failed tasks
        runs = client.read_task_runs(limit=200) + client.read_flow_runs(limit=200)
        lines += [f"{run.name} {run.state.message}" for run in runs if run.state and run.state.message]
    return lines


def test_the_planted_run_stored_the_good_rows_and_quarantined_the_bad(planted_run):
    work, summary, _ = planted_run
    recon = {r["source"]: r for r in summary["reconciliation"]}
    reviews, forum = recon["planted_reviews"], recon["planted_forum"]
    assert (reviews["read"], reviews["accepted"] + reviews["duplicates"], reviews["quarantined"]) == (93, 91, 2)
    assert (forum["read"], forum["accepted"] + forum["duplicates"], forum["quarantined"]) == (26, 24, 2)
    assert recon["crm_export"]["status"] == "failed"
    with open_store("duckdb", work / "voc.duckdb") as st:
        quarantine = st.read_table("quarantine")
        records = st.read_table("records")
    assert quarantine["source"].isin(["planted_reviews", "planted_forum"]).sum() == 4
    planted = records[records["source"] == "planted_reviews"]
    assert planted["text"].str.contains("<PHONE>").any() and planted["text"].str.contains("<EMAIL>").any()
    assert planted["segments"].str.contains("สาขา โทร <PHONE>").any()  # the segment is kept, its phone is not


def test_the_scanner_finds_every_planted_value_in_the_inputs(planted_run):
    work, _, _ = planted_run
    inputs = "\n".join(f.name + "\n" + f.read_text(encoding="utf-8") for f in (work / "inputs" / "planted").iterdir())
    found = set(find_planted(inputs))
    assert len(found) >= len(planted_values()) - 1  # the scanner sees each planted value as written


def test_no_planted_pii_in_any_table_or_column_of_the_store(planted_run):
    work, _, _ = planted_run
    assert scan_store(work / "voc.duckdb") == {}


def test_no_planted_pii_in_any_export_file(planted_run):
    work, _, _ = planted_run
    out = work / "exports" / WEEK
    assert {f.suffix for f in out.iterdir()} >= {".parquet", ".csv", ".xlsx", ".html"}
    assert scan_exports(work / "exports") == {}


def test_no_planted_pii_in_the_logs_or_in_prefect(planted_run):
    _, _, lines = planted_run
    assert any("failed after retries" in line for line in lines)  # the failing source's error was logged
    assert any("customer wrote: call <PHONE>" in line for line in lines)
    assert scan_lines(lines) == []
    api_logs = _prefect_api_logs()
    assert any("failed after retries" in line for line in api_logs)
    assert any("ingest-crm_export" in line and "SourceError" in line for line in api_logs)  # a failed state
    assert scan_lines(api_logs) == []


def test_the_card_straddling_the_text_cut_is_redacted(planted_run):
    work, _, _ = planted_run
    with open_store("duckdb", work / "voc.duckdb") as st:
        rec = st.read_table("records")
        long = rec[(rec["source"] == "planted_reviews") & (rec["text"].str.len() >= 19000)]
    assert len(long) == 1
    text = long["text"].iloc[0]
    assert "<CARD>" in text and not find_planted(text) and "4556" not in text[-40:]


def _xlsx_cells(path):
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_no_formula_cell_in_the_workbook_and_formula_texts_stay_text(planted_run):
    work, _, _ = planted_run
    (xlsx,) = (work / "exports" / WEEK).glob("*.xlsx")
    cells = _xlsx_cells(xlsx)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(v.startswith(("=1+2", "@SUM")) for v in texts)  # the segment values are there, as text
    assert any(isinstance(c.value, (int, float)) and not isinstance(c.value, bool) for c in cells)  # numbers stay


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_csv_cell_starts_like_a_formula_unless_it_is_a_number(planted_run):
    work, _, _ = planted_run
    risky = []
    escaped = []
    for f in (work / "exports" / WEEK).glob("*.csv"):
        with f.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not _is_number(cell):
                        risky.append((f.name, cell[:40]))
                    if cell.startswith(("'=", "'@")):
                        escaped.append(cell)
    assert risky == []
    assert any(c.startswith(("'=1+2", "'@SUM")) for c in escaped)  # the segment values, escaped
    assert FORMULAS  # the planted set holds formula texts
