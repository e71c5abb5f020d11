"""Every date form a Thai or English export holds lands in its ISO week, or in quarantine with a reason."""

import json
from datetime import timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc.config import load_config
from voc.ingest.dates import DateRules, read_times, two_digit_year
from voc.ingest.run import ingest_source
from voc.store import open_store

NOW = pd.Timestamp("2026-12-03 08:00", tz="UTC")


def _week(ts: pd.Timestamp) -> str:
    local = ts.tz_convert("Asia/Bangkok")
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


@pytest.mark.parametrize(("value", "years", "week"), [
    ("24/11/69", "auto", "2026-W48"),                         # 2569 BE, two digits
    ("24 พ.ย. 69", "auto", "2026-W48"),
    ("24/11/69", "buddhist", "2026-W48"),
    ("24/11/25", "auto", "2025-W48"),                         # 25 <= 26 + 1: CE
    ("24/11/26", "gregorian", "2026-W48"),
    ("2569-11-24 10:00", "auto", "2026-W48"),                 # ISO layout, Buddhist-era year
    ("2569-01-02", "auto", "2026-W01"),                       # year first: 2 January, not 1 February
    ("3 พฤศจิกายน 2569 เวลา 14:20 น.", "auto", "2026-W45"),
    ("วันจันทร์ที่ 23 พฤศจิกายน พ.ศ. 2569", "auto", "2026-W48"),
    ("๒๔/๑๑/๒๕๖๙", "auto", "2026-W48"),                       # Thai digits
    ("3 พ.ย. 2569 14.20 น.", "auto", "2026-W45"),
    ("1764000000", "auto", "2025-W48"),                       # epoch seconds as text
    ("1764000000000", "auto", "2025-W48"),                    # epoch milliseconds as text
    (1764000000, "auto", "2025-W48"),
    (1764000000000.0, "auto", "2025-W48"),
    ("2026-11-22T20:00:00Z", "auto", "2026-W48"),             # Sunday in UTC, Monday in Bangkok
    ("2026-11-24 10:00 GMT+07:00", "auto", "2026-W48"),
    ("Mon, 23 Nov 2026 10:00:00 +0700", "auto", "2026-W48"),
    ("24/11/2026 10:00", "auto", "2026-W48"),
])
def test_date_forms_land_in_their_iso_week(value, years, week):
    times, reasons = read_times([value], DateRules(years=years, now=NOW))
    assert reasons[0] == "" and _week(times[0]) == week


@pytest.mark.parametrize(("value", "reason"), [
    ("10:30", "time without a date"),
    ("10:30 น.", "time without a date"),
    ("Monday", "weekday without a date"),
    ("วันจันทร์", "weekday without a date"),
    ("12345", "bare number is not a date"),
    ("0812345678", "bare number is not a date"),              # a phone number is no epoch
    (42, "bare number is not a date"),
    ("2026-11-24T10:00:00+25:00", "impossible UTC offset"),
    ("2026-11-24 10:00 +07:75", "impossible UTC offset"),
    ("24 Nov", "date without a year"),
    ("yesterday", "relative date"),
    ("เมื่อวาน 10:00", "relative date"),
    ("2027-06-01", "date in the future"),
    ("24/11/69", "date in the future"),                       # read as CE 2069 when the source says gregorian
    ("2026-02-30", "unparseable date"),
    ("", "missing date"),
    (True, "wrong type"),
])
def test_values_that_are_not_a_calendar_date_get_a_reason(value, reason):
    rules = DateRules(now=NOW, years="gregorian" if value == "24/11/69" else "auto")
    times, reasons = read_times([value], rules)
    assert pd.isna(times[0]) and reasons[0].startswith(reason)


def test_two_digit_year_rule_follows_the_current_year():
    assert two_digit_year(69, "auto", 2026) == 2026     # 2569 BE
    assert two_digit_year(27, "auto", 2026) == 2027     # current + 1: still CE
    assert two_digit_year(28, "auto", 2026) == 1985     # 2528 BE
    assert two_digit_year(70, "auto", 2027) == 2027
    assert two_digit_year(10, "buddhist", 2026) == 1967
    assert two_digit_year(69, "gregorian", 2026) == 2069


def test_the_future_margin_is_configurable():
    soon = (NOW + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert read_times([soon], DateRules(now=NOW))[1][0].startswith("date in the future")
    assert read_times([soon], DateRules(now=NOW, future_margin=timedelta(hours=48)))[1][0] == ""


def _ingest_csv(tmp_path, rows: list[tuple[str, str]], options: str = ""):
    f = tmp_path / "export.csv"
    f.write_text("id,text,time\n" + "".join(f'{i},message {i},"{t}"\n' for i, t in rows), encoding="utf-8")
    (tmp_path / "p.yaml").write_text(
        "sources:\n  - {name: crm, path: export.csv, channel: review, "
        f"columns: {{text: text, created_at: time, id: id}}{options}}}\n", encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    with open_store("duckdb", config.store_path) as st:
        rec = ingest_source(config.sources[0], config, st, "r")
        records, q = st.read_table("records"), st.read_table("quarantine")
    weeks = {json.loads(m)["source_id"]: w for m, w in zip(records["metadata"], records["iso_week"], strict=True)}
    reasons = {int(loc.rsplit(" ", 1)[1]) - 1: r for loc, r in zip(q["location"], q["reason"], strict=True)}
    return rec, weeks, reasons


def test_an_export_with_every_form_lands_each_row_in_its_week_or_in_quarantine(tmp_path):
    # 2568 BE = 2025 CE: past on any clock from 2026, and 68 is Buddhist era by the auto rule until 2066
    soon = (pd.Timestamp.now(tz="UTC") + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    rows = [("1", "24/11/68"), ("2", "24 พ.ย. 68"), ("3", "2568-11-24 10:00"),
            ("4", "3 พฤศจิกายน 2568 เวลา 14:20 น."), ("5", "1764000000"), ("6", "1764000000000"),
            ("7", "10:30"), ("8", "Monday"), ("9", "12345"), ("10", "2025-11-24T10:00:00+25:00"), ("11", soon)]
    rec, weeks, reasons = _ingest_csv(tmp_path, rows)
    assert rec.balanced and (rec.accepted, rec.quarantined) == (6, 5)
    assert weeks == {"1": "2025-W48", "2": "2025-W48", "3": "2025-W48", "4": "2025-W45", "5": "2025-W48",
                     "6": "2025-W48"}
    assert reasons[7].startswith("time without a date")
    assert reasons[8].startswith("weekday without a date")
    assert reasons[9].startswith("bare number")
    assert reasons[10].startswith("impossible UTC offset")
    assert reasons[11].startswith("date in the future")


def test_a_source_that_says_its_years_are_buddhist_reads_two_digit_years_as_be(tmp_path):
    # 20/11/25: CE 2025 by the auto rule; 2525 BE (1982, out of range) when the source says Buddhist
    rec, weeks, reasons = _ingest_csv(tmp_path, [("1", "20/11/25"), ("2", "20/11/68")], ", years: buddhist")
    assert weeks == {"2": "2025-W47"} and reasons[1].startswith("date out of range")
    (tmp_path / "auto").mkdir()
    rec, weeks, reasons = _ingest_csv(tmp_path / "auto", [("1", "20/11/25"), ("2", "20/11/68")])
    assert weeks == {"1": "2025-W47", "2": "2025-W47"} and not reasons


def test_future_margin_hours_is_a_source_setting(tmp_path):
    soon = (pd.Timestamp.now(tz="UTC") + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    rec, weeks, reasons = _ingest_csv(tmp_path, [("1", soon)], ", future_margin_hours: 48")
    assert rec.accepted == 1 and not reasons


def test_adhoc_ingest_needs_a_time_column_or_assume_now(tmp_path):
    from voc.cli import app

    f = tmp_path / "reviews.csv"
    f.write_text("text\nส่งช้ามาก\n", encoding="utf-8")
    store = tmp_path / "voc.duckdb"
    runner = CliRunner()
    refused = runner.invoke(app, ["ingest", str(f), "--channel", "review", "--text-column", "text",
                                  "--store", str(store)])
    assert refused.exit_code != 0 and "--assume-now" in refused.output and not store.exists()
    ok = runner.invoke(app, ["ingest", str(f), "--channel", "review", "--text-column", "text",
                             "--store", str(store), "--assume-now"])
    assert ok.exit_code == 0, ok.output
    with open_store("duckdb", store) as st:
        meta = json.loads(st.read_table("records").iloc[0]["metadata"])
    assert meta["created_at_from"] == "ingest time"
