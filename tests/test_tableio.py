"""Every CSV voc writes reads back with the same rows, whatever line breaks the texts hold."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc.ingest.files import read_file
from voc.tableio import write_table, write_text_file_table

# a bare \r is what pandas 3.1 on Python 3.11 leaves unquoted; the others must survive too
MESSY = ["line one\rline two", "windows\r\nbreak", "unix\nbreak", "unicode\u2028line separator",
         "ราคา\rแพงมาก", "ends with cr\r", "plain text", "", "quote \" and, comma"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(MESSY))], "text": MESSY,
                         "score": [0.5 + i for i in range(len(MESSY))], "n": list(range(len(MESSY)))})


def _read_back(path: Path, sep: str = ",") -> pd.DataFrame:
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _assert_same_rows(path: Path, texts: list[str], column: str = "text", sep: str = ",") -> None:
    back = _read_back(path, sep)
    assert len(back) == len(texts) and list(back[column]) == texts
    # voc's own reader (what `voc ingest` uses) sees the same rows too
    raw = read_file(path, "tsv" if sep == "\t" else "csv")
    assert not raw.rejects and [r[column] for r in raw.rows] == texts


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_write_table_round_trips_line_breaks_inside_fields(tmp_path, suffix):
    path = write_table(_frame(), tmp_path / f"t{suffix}")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows Thai
    _assert_same_rows(path, MESSY, sep="\t" if suffix == ".tsv" else ",")
    back = _read_back(path, "\t" if suffix == ".tsv" else ",")
    assert list(back["n"]) == [str(i) for i in range(len(MESSY))]


def test_write_text_file_table_round_trips_csv_and_jsonl(tmp_path):
    _assert_same_rows(write_text_file_table(_frame(), tmp_path / "t.csv"), MESSY)
    jsonl = write_text_file_table(_frame(), tmp_path / "t.jsonl")
    assert list(pd.read_json(jsonl, lines=True)["text"]) == MESSY
    raw = read_file(jsonl, "jsonl")  # U+2028 is escaped, so a line reader keeps the row whole
    assert not raw.rejects and [r["text"] for r in raw.rows] == MESSY


def test_export_csvs_round_trip(tmp_path):
    from voc.export.config import ExportConfig
    from voc.export.writers import write_exports

    labels = [t.replace("\n", " ") if i % 2 else t for i, t in enumerate(MESSY)]
    tables = {"topic_week": pd.DataFrame({"topic_id": [f"T{i:04d}" for i in range(len(labels))],
                                          "topic_label": labels, "volume": range(len(labels))}),
              "data_quality": pd.DataFrame({"source": ["a", "b"], "error": ["bad\rfile", "x\r\ny"]})}
    written = write_exports("2026-W48", tables, tmp_path / "2026-W48", ExportConfig(formats=["csv"]))
    assert sorted(p.name for p in written) == ["data_quality.csv", "topic_week.csv"]
    assert len(_read_back(tmp_path / "2026-W48" / "topic_week.csv")) == len(labels)
    assert list(_read_back(tmp_path / "2026-W48" / "data_quality.csv")["error"]) == ["bad\rfile", "x\r\ny"]


def test_a_csv_with_carriage_returns_round_trips_through_sentiment_predict(tmp_path):
    from voc.sentiment.cli import app

    src = write_table(_frame(), tmp_path / "in.csv")
    out = tmp_path / "scored.csv"
    res = CliRunner().invoke(app, ["predict", "--input", str(src), "--text-column", "text", "--output", str(out),
                                   "--model", "default"])
    assert res.exit_code == 0, res.output
    assert f"{len(MESSY)} rows scored" in res.output
    back = _read_back(out)
    assert len(back) == len(MESSY) and list(back["text"]) == MESSY and list(back["id"]) == list(_frame()["id"])
    assert set(back["sentiment"]) <= {"positive", "neutral", "negative"}


def test_text_inspect_output_round_trips(tmp_path):
    from voc.text.cli import app

    src = write_table(_frame(), tmp_path / "in.csv")
    out = tmp_path / "inspected.csv"
    res = CliRunner().invoke(app, ["inspect", "--input", str(src), "--text-column", "text", "--output", str(out)])
    assert res.exit_code == 0, res.output
    back = _read_back(out)
    assert list(back["id"]) == list(_frame()["id"]) and list(back["text"]) == MESSY


def test_topics_fit_outputs_round_trip(tmp_path):
    from voc.topics.cli import app

    base = ["เติมเงินแล้วเงินไม่เข้า\rโทรไปก็ไม่รับ", "เน็ตช้ามาก\r\nสัญญาณหลุดบ่อย", "My card has not\narrived yet",
            "I want a refund\u2028from the merchant"]
    df = pd.DataFrame({"id": range(40), "msg": base * 10})
    src = write_table(df, tmp_path / "in.csv")
    out, topics = tmp_path / "out.csv", tmp_path / "topics.csv"
    res = CliRunner().invoke(app, ["fit", "--input", str(src), "--text-column", "msg", "--output", str(out),
                                   "--topics-output", str(topics)])
    assert res.exit_code == 0, res.output
    back = _read_back(out)
    assert len(back) == 40 and list(back["msg"]) == base * 10
    table = _read_back(topics)
    assert len(table) >= 1 and table["topic_id"].str.match(r"^(T\d{4}|other)$").all()


def test_xlsx_takes_zone_aware_times_as_utc_wall_times(tmp_path):
    # `voc quarantine list --output q.xlsx` hands over the store's UTC timestamps; Excel has no zones
    from datetime import datetime, timedelta, timezone

    from openpyxl import load_workbook

    bangkok = timezone(timedelta(hours=7))
    df = pd.DataFrame({
        "created_at": pd.to_datetime(["2026-11-24 10:00", "2026-11-25 01:30"]).tz_localize("Asia/Bangkok"),
        "loaded": [datetime(2026, 11, 24, 9, 0, tzinfo=bangkok), "not a time"],
        "text": ["OTP ไม่เข้า", "=HYPERLINK(\"http://evil.example\")"],
    })
    path = write_table(df, tmp_path / "q.xlsx")
    ws = load_workbook(path).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows[0][:2] == [datetime(2026, 11, 24, 3, 0), datetime(2026, 11, 24, 2, 0)]
    assert rows[1][0] == datetime(2026, 11, 24, 18, 30) and rows[1][1] == "not a time"
    assert ws["C3"].data_type == "s" and rows[1][2].startswith("=HYPERLINK")
