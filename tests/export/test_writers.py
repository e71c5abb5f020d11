"""Exports: Parquet, CSV with BOM, a formatted XLSX, a self-contained report; atomic and redacted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from voc.export.config import ExportConfig
from voc.export.i18n import Locale
from voc.export.writers import TABLE_ORDER, write_exports
from voc.insights.config import InsightsConfig
from voc.insights.synthetic import (
    planted_records,
    planted_run_log,
    planted_topic_registry,
)
from voc.insights.tables import build_weekly_tables, topic_history

WEEK = "2026-W10"
EMAIL, PHONE = "somchai.k@example.com", "081-234-5678"


@pytest.fixture(scope="module")
def week_data():
    records = planted_records(WEEK, seed=0)
    registry = planted_topic_registry(WEEK)
    cfg = InsightsConfig(segment_fields=["product"])
    tables = build_weekly_tables(WEEK, records, registry, planted_run_log(WEEK, records), cfg)
    return tables, topic_history(WEEK, records, registry, cfg)


@pytest.fixture(scope="module")
def exported(week_data, tmp_path_factory) -> Path:
    tables, history = week_data
    out = tmp_path_factory.mktemp("exports") / WEEK
    write_exports(WEEK, tables, out, ExportConfig(), history=history)
    return out


def test_every_format_is_written_for_every_table(exported, week_data):
    tables, _ = week_data
    names = {p.name for p in exported.iterdir()}
    for t in tables:
        assert {f"{t}.parquet", f"{t}.csv"} <= names
    assert {f"voc-{WEEK}.xlsx", "report.html"} <= names
    assert not [n for n in names if n.endswith(".tmp")]


def test_csv_starts_with_bom_and_keeps_thai(exported, week_data):
    for t in week_data[0]:
        assert (exported / f"{t}.csv").read_bytes()[:3] == b"\xef\xbb\xbf", t
    tw = pd.read_csv(exported / "topic_week.csv", encoding="utf-8-sig")
    assert "ส่งของช้า" in set(tw["topic_label"])
    assert tw.columns[0] == "iso_week"  # the BOM is not glued to the first header


def test_parquet_round_trips(exported, week_data):
    tables, _ = week_data
    back = pd.read_parquet(exported / "topic_week.parquet")
    pd.testing.assert_frame_equal(back, tables["topic_week"], check_dtype=False)


def test_workbook_is_for_a_pm(exported):
    import datetime as dt

    wb = load_workbook(exported / f"voc-{WEEK}.xlsx")
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[1] == "Themes"
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        headers = [c.value for c in ws[1]]
        assert ws["A1"].font.bold and all(h and "_" not in h for h in headers), (ws.title, headers)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if isinstance(c.value, str) and c.value.strip().lower() in
                ("inf", "-inf", "nan", "infinity")]
    themes = wb["Themes"]
    header = [c.value for c in themes[1]]
    share = header.index("Share") + 1
    shares = [themes.cell(row=r, column=share) for r in range(2, themes.max_row + 1)]
    assert all(c.number_format.endswith("%") and 0 <= c.value <= 1 for c in shares if c.value is not None)
    trend = [i for i, h in enumerate(header) if h.startswith("Messages 2026-W")]
    assert len(trend) == 4 and all(isinstance(themes.cell(row=2, column=i + 1).value, int) for i in trend)
    # one row per theme, its topics grouped (folded) under it
    levels = [themes.row_dimensions[r].outlineLevel for r in range(2, themes.max_row + 1)]
    kinds = [themes.cell(row=r, column=1).value for r in range(2, themes.max_row + 1)]
    assert {k for k, lv in zip(kinds, levels, strict=False) if lv == 1} == {"topic"} and "theme" in kinds
    labels = [themes.cell(row=r, column=3).value for r in range(2, themes.max_row + 1)]
    assert "ส่งของช้า" in labels
    quotes = wb["Quotes"]
    qh = [c.value for c in quotes[1]]
    dates = [quotes.cell(row=r, column=qh.index("Date") + 1).value for r in range(2, quotes.max_row + 1)]
    assert dates and all(isinstance(d, dt.datetime | dt.date) for d in dates)
    summary = wb["Summary"]
    assert summary.max_row > 5 and "messages this week" in summary["B2"].value + summary["B3"].value


def test_thai_workbook_has_thai_headers(week_data, tmp_path):
    tables, _ = week_data
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["xlsx"], report_language="th"))
    wb = load_workbook(next(tmp_path.glob("*.xlsx")))
    assert wb.sheetnames[0] == "สรุป"
    assert [c.value for c in wb["ธีม"][1]][:4] == ["ระดับ", "รหัส", "ชื่อ", "ข้อความ"]


def test_tables_stay_whole_in_csv_and_parquet(exported):
    for name in TABLE_ORDER:
        assert (exported / f"{name}.parquet").exists(), name


def test_report_is_self_contained_and_has_every_section(exported):
    page = (exported / "report.html").read_text(encoding="utf-8")
    assert page.lower().count("<script") == 1 and "<script src" not in page.lower()  # the inline quote filter
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "@import" not in page and "url(" not in page
    for heading in ("What changed this week", "The week in numbers", "Themes", "Where it hurts",
                    "What to fix first", "Quotes", "Trends", "Data quality", "ส่งของช้า"):
        assert heading in page, heading
    assert "Noto Sans Thai" in page and "Loma" in page
    assert page.count("<svg") > 12


def test_customer_text_is_escaped_and_personal_data_never_exported(week_data, tmp_path):
    tables, _ = week_data
    tables = {k: v.copy() for k, v in tables.items()}
    tw = tables["topic_week"]
    tw.loc[0, "quote_1"] = f"<script>alert(1)</script> ติดต่อ {EMAIL} โทร {PHONE}"
    tw.loc[0, "topic_label"] = f"ปัญหา {EMAIL}"
    em = tables["emerging_topics"]
    em.loc[0, "quotes"] = json.dumps([f"call me {PHONE}"], ensure_ascii=False)
    tables["quote_week"].loc[0, "text"] = f"<script>alert(1)</script> ติดต่อ {EMAIL} โทร {PHONE}"
    tables["theme_week"].loc[0, "theme_label"] = f"<b>ปัญหา</b> {EMAIL}"
    write_exports(WEEK, tables, tmp_path, ExportConfig(), links={"app_store": "https://crm.example/t/{id}"})
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>ปัญหา</b>" not in page and "&lt;b&gt;ปัญหา&lt;/b&gt;" in page
    for f in tmp_path.iterdir():
        if f.suffix in (".csv", ".html"):
            text = f.read_text(encoding="utf-8-sig")
        elif f.suffix == ".parquet":
            text = pd.read_parquet(f).to_csv()
        else:
            wb = load_workbook(f)
            text = " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row)
        assert EMAIL not in text and PHONE not in text, f.name
    redacted = pd.read_csv(tmp_path / "emerging_topics.csv", encoding="utf-8-sig")["quotes"][0]
    assert json.loads(redacted) == ["call me <PHONE>"]  # JSON lists stay valid after redaction


def test_a_chat_quote_keeps_its_turns_on_their_own_lines_in_the_report(week_data, tmp_path):
    tables, _ = week_data
    tables = {k: v.copy() for k, v in tables.items()}
    tables["quote_week"].loc[0, "text"] = "สวัสดีค่ะ\nสั่งของตั้งแต่วันจันทร์ยังไม่ได้เลย\nเช็คให้หน่อย"
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html"]))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<span class="qt">สวัสดีค่ะ\nสั่งของตั้งแต่วันจันทร์ยังไม่ได้เลย\nเช็คให้หน่อย</span>' in page
    assert re.search(r"\.qt\{white-space:pre-line\}", page)  # HTML would show the three turns as one line


def test_empty_and_partial_weeks_say_so(tmp_path):
    records = planted_records(WEEK, seed=0)
    records = records[records["iso_week"] != WEEK]
    log = planted_run_log(WEEK, records, failed=("line_oa",))
    tables = build_weekly_tables(WEEK, records, planted_topic_registry(WEEK), log, InsightsConfig())
    write_exports(WEEK, tables, tmp_path, ExportConfig(report_language="en"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "No customer messages this week" in page
    assert "Partial week" in page and "line_oa" in page
    assert "Where it hurts" not in page  # no empty charts without explanation


def test_little_data_week_shows_a_banner(tmp_path):
    records = planted_records(WEEK, seed=0, scale=0.05)
    tables = build_weekly_tables(WEEK, records, planted_topic_registry(WEEK), planted_run_log(WEEK, records),
                                 InsightsConfig(low_volume=30))
    assert tables["summary"].iloc[0]["data_status"] == "low"
    write_exports(WEEK, tables, tmp_path, ExportConfig(report_language="th"))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "สัปดาห์นี้มีข้อมูลน้อย" in page and "Little data" not in page


def test_only_the_configured_formats_are_written(week_data, tmp_path):
    paths = write_exports(WEEK, week_data[0], tmp_path, ExportConfig(formats=["csv"]))
    assert {p.suffix for p in paths} == {".csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_a_crash_while_writing_leaves_the_previous_file_whole(week_data, tmp_path, monkeypatch):
    tables, _ = week_data
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html"]))
    before = (tmp_path / "report.html").read_text(encoding="utf-8")

    def crash(path, text, encoding=None):
        Path(path).write_bytes(b"<html><body>half")  # a partial write...
        raise OSError("disk full")  # ...then the failure

    monkeypatch.setattr(Path, "write_text", crash)
    with pytest.raises(OSError, match="disk full"):
        write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html"]))
    monkeypatch.undo()
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left behind


def test_rerun_replaces_files_instead_of_adding(week_data, tmp_path):
    first = write_exports(WEEK, week_data[0], tmp_path, ExportConfig())
    second = write_exports(WEEK, week_data[0], tmp_path, ExportConfig())
    assert first == second and len(list(tmp_path.iterdir())) == len(first)


FORMULA_TEXTS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
                 "\t=1+1", "\r=1+1"]


def _formula_tables(week_data, texts=FORMULA_TEXTS) -> dict:
    tables, _ = week_data
    tables = {k: v.copy() for k, v in tables.items()}
    tw = tables["topic_week"]
    for i, text in enumerate(texts):
        tw.loc[i % len(tw), "quote_1"] = text
    tw.loc[0, "topic_label"] = "=1+1"
    tw.loc[1, "top_terms"] = "@cmd, =x"
    sw = tables["sentiment_week"]
    sw.loc[0, "segment_value"] = "=IMPORTXML(\"http://evil.example\")"
    sw.loc[1, "segment_value"] = "-12.5"  # a number written as text: not a formula, stays as it is
    tables["quote_week"].loc[0, "text"] = texts[0]
    return tables


def test_no_formula_cell_in_the_workbook_and_numbers_stay_numbers(week_data, tmp_path):
    write_exports(WEEK, _formula_tables(week_data), tmp_path, ExportConfig(formats=["xlsx"]))
    wb = load_workbook(next(tmp_path.glob("*.xlsx")))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells]
    assert "=1+1" in values and "@cmd, =x" in values and FORMULA_TEXTS[0] in values  # kept as written, as text
    numbers = [c for c in wb["Themes"]["D"][1:] + wb["Themes"]["E"][1:] if isinstance(c.value, (int, float))]
    assert numbers and all(c.data_type == "n" for c in numbers)


def test_csv_cells_that_read_as_formulas_get_a_leading_quote(week_data, tmp_path):
    import csv

    # a bare "\r" in a CSV field is a quoting matter of the CSV writer (the row would split); left out here
    texts = [t for t in FORMULA_TEXTS if not t.startswith("\r")]
    write_exports(WEEK, _formula_tables(week_data, texts), tmp_path, ExportConfig(formats=["csv"]))
    cells = []
    for f in tmp_path.glob("*.csv"):
        with f.open(encoding="utf-8-sig", newline="") as fh:
            cells += [c for row in csv.reader(fh) for c in row]

    def is_number(c: str) -> bool:
        try:
            float(c)
        except ValueError:
            return False
        return True

    assert [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r")) and not is_number(c)] == []
    assert "'=1+1" in cells and "'@cmd, =x" in cells and "'\t=1+1" in cells
    assert "-12.5" in cells  # a number stays a number


def test_escape_formulas_leaves_numbers_and_plain_text_alone():
    from voc.export.writers import escape_formulas

    df = pd.DataFrame({"n": [-1.5, 2.0], "t": ["=1+1", "ปกติ"], "s": ["+66", "-3"]})
    out = escape_formulas(df)
    assert out["n"].tolist() == [-1.5, 2.0]
    assert out["t"].tolist() == ["'=1+1", "ปกติ"]
    assert out["s"].tolist() == ["+66", "-3"]  # numbers written as text are numbers
    assert df["t"].tolist() == ["=1+1", "ปกติ"]  # the input frame is not changed


def test_tool_outputs_in_spreadsheet_formats_hold_no_live_formulas(tmp_path):
    """`voc sentiment predict --output x.xlsx/.csv` and `voc text inspect` write through voc.tableio."""
    from voc.tableio import write_table, write_text_file_table

    df = pd.DataFrame({"text": ["=1+1", "@SUM(A1)", "ปกติ"], "p": [-0.5, 0.25, 1.0]})
    write_table(df, tmp_path / "o.xlsx")
    cells = [c for row in load_workbook(tmp_path / "o.xlsx").active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"] and -0.5 in [c.value for c in cells]
    for path in (write_table(df, tmp_path / "o.csv"), write_text_file_table(df, tmp_path / "t.csv")):
        back = pd.read_csv(path, encoding="utf-8-sig")
        assert back["text"].tolist() == ["'=1+1", "'@SUM(A1)", "ปกติ"] and back["p"].tolist() == [-0.5, 0.25, 1.0]


def test_records_without_a_segment_value_are_named_in_the_report_language(week_data, tmp_path):
    # theme_segment_week names records that lack a segment field "(none)"; a Thai page says so in Thai
    tables, history = week_data
    tables = dict(tables)
    seg = tables["theme_segment_week"].copy()
    field = seg.loc[~seg["segment_field"].isin(["channel", "language"]), "segment_field"].iloc[0]
    rows = seg["segment_field"] == field
    first = seg.loc[rows, "segment_value"].iloc[0]
    seg.loc[rows & (seg["segment_value"] == first), "segment_value"] = "(none)"
    tables["theme_segment_week"] = seg
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html", "xlsx"], report_language="th"), history=history)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<th class="r">(ไม่ระบุ)</th>' in page and "(none)" not in page
    wb = load_workbook(next(tmp_path.glob("*.xlsx")))
    ws = wb[wb.sheetnames[2]]
    values = [c.value for c in ws["C"]]
    assert "(ไม่ระบุ)" in values and "(none)" not in values


def _with_scales(tables: dict) -> dict:
    """The week's impact table with its first rated theme on NPS 0-10 and the others on stars 1-5."""
    tables = dict(tables)
    imp = tables["theme_impact"].copy()
    rated = imp["rating_effect"].notna()
    assert rated.sum() >= 2
    imp["rating_scale"] = None
    first = imp.index[rated][0]
    imp.loc[rated, "rating_scale"] = "stars_1_5"
    imp.loc[first, ["rating_scale", "rating_effect", "impact"]] = ["nps_0_10", 5.4237, -1.25]
    tables["theme_impact"] = imp
    return tables


@pytest.mark.parametrize("lang, nps, stars, scale_col", [
    ("en", "+5.4 NPS pts", "★", "Rating scale"), ("th", "+5.4 คะแนน NPS", "★", "มาตราส่วนคะแนน")])
def test_rating_effects_carry_their_scale_in_report_and_workbook(week_data, tmp_path, lang, nps, stars, scale_col):
    # an NPS gap (0-10 answers) and a star gap are different units: each number says which it is
    tables, history = week_data
    tables = _with_scales(tables)
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html", "xlsx"], report_language=lang),
                  history=history)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count(nps) >= 2  # theme table and impact table
    assert re.search(r"[+−]\d\.\d\d ★", page)
    assert "+5.42<" not in page
    wb = load_workbook(next(tmp_path.glob("*.xlsx")))
    for ws in wb.worksheets[1:4]:
        header = [c.value for c in ws[1]]
        if scale_col in header:
            col = header.index(scale_col)
            values = {r[col] for r in ws.iter_rows(min_row=2, values_only=True)}
            assert "NPS 0–10" in values and any(str(v).startswith(("Stars", "ดาว")) for v in values if v)
    assert sum(scale_col in [c.value for c in ws[1]] for ws in wb.worksheets) == 2  # themes and impact sheets


def test_channels_are_named_in_the_report_language(week_data, tmp_path):
    # a Thai PM reads รีวิว / แชท, not the config's review / chat, in the report and in every sheet
    tables, history = week_data
    raw = set(tables["quote_week"]["channel"].dropna())
    assert raw and raw <= {"review", "forum", "chat", "call_note", "survey", "social", "email"}
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html", "xlsx"], report_language="th"), history=history)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    th = Locale("th")
    for c in raw:
        assert f"<option value=\"{c}\">{th.channel(c)}</option>" in page  # filter keeps the value, shows the name
        assert f'<th class="r">{th.channel(c)}</th>' in page  # where it hurts, by channel
    assert not re.search(r'<cite>(review|chat|forum|call_note) ·', page)
    wb = load_workbook(next(tmp_path.glob("*.xlsx")))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert {th.channel(c) for c in raw} <= cells
    assert not raw & cells  # no raw channel name left in any cell


def test_every_channel_has_a_name_in_both_languages():
    from voc.schema import CHANNELS

    for lang in ("en", "th"):
        loc = Locale(lang)
        assert all(f"channel_{c}" in loc.words for c in CHANNELS)
    assert Locale("th").channel("call_note") == "บันทึกการโทร" and Locale("en").channel("call_note") == "call note"
    assert Locale("th").channel("kiosk") == "kiosk" and Locale("th").channel(None) == ""


def test_mixed_language_is_labelled_thai_plus_english(week_data, tmp_path):
    # Thai messages with a Latin word ("OTP ไม่เข้า") are language "mixed": the breakdown says what that means,
    # so an incident reported in Thai does not look absent from Thai
    tables, history = week_data
    tables = dict(tables)
    seg = tables["theme_segment_week"].copy()
    lang = seg[seg["segment_field"] == "language"]
    assert len(lang) >= 1
    extra = lang.assign(segment_value="mixed", volume=7, segment_volume=40)
    tables["theme_segment_week"] = pd.concat([seg, extra], ignore_index=True)
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html", "xlsx"], report_language="th"), history=history)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<th class="r">ไทย + อังกฤษ</th>' in page and '<th class="r">mixed</th>' not in page
    assert "ข้อความภาษาไทยที่มีคำภาษาอังกฤษปน" in page
    wb = load_workbook(next(tmp_path.glob("*.xlsx")))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert "ไทย + อังกฤษ" in cells and "mixed" not in cells
    en = Locale("en")
    assert en.segment_value("mixed", "language") == "Thai + English" and en.language("th") == "Thai"
    assert en.segment_value("mixed", "product") == "mixed"  # only the language field is named


def test_exports_written_before_impact_kept_its_scale_render_with_units(week_data, tmp_path):
    # a folder from an older run has no theme_impact.rating_scale: `voc export render` takes it from drivers
    from typer.testing import CliRunner

    from voc.cli import app

    tables, history = week_data
    tables = _with_scales(tables)
    imp = tables["theme_impact"].copy()
    imp.loc[imp["rating_scale"] == "nps_0_10", "rating_source"] = "nps_survey"
    imp.loc[imp["rating_scale"] == "stars_1_5", "rating_source"] = "app_store"
    drivers = pd.DataFrame({"iso_week": WEEK, "source": ["nps_survey", "app_store"],
                            "rating_scale": ["nps_0_10", "stars_1_5"]})
    old = {**tables, "theme_impact": imp.drop(columns=["rating_scale"]), "drivers": drivers}
    folder = tmp_path / WEEK
    write_exports(WEEK, old, folder, ExportConfig(formats=["parquet"]), history=history)
    res = CliRunner().invoke(app, ["export", "render", str(folder), "--format", "html"])
    assert res.exit_code == 0, res.output
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "+5.4 NPS pts" in page and re.search(r"[+−]\d\.\d\d ★", page)


def test_a_themes_sentiment_bar_draws_its_positive_share(week_data, tmp_path):
    tables, _ = week_data
    tables = {k: v.copy() for k, v in tables.items()}
    themes = tables["theme_week"]
    tid = themes.loc[0, "theme_id"]
    themes.loc[0, ["pct_negative", "net_sentiment"]] = [20.0, 40.0]  # 60% positive, 20% neutral
    write_exports(WEEK, tables, tmp_path, ExportConfig(formats=["html"]))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    row = re.search(rf'<tr class="theme" data-theme="{re.escape(str(tid))}".*?</svg>', page, re.S).group(0)
    widths = [float(w) for w in re.findall(r'<rect x="[^"]*" width="([^"]*)"', row)[:3]]
    assert widths == pytest.approx([84.0, 28.0, 28.0], abs=0.1)  # of 140 px: positive, neutral, negative
