"""The text layer over a batch, and the ``voc text inspect`` command."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from voc.schema import TEXT_COLUMNS
from voc.text.cli import app
from voc.text.pipeline import OUTPUT_COLUMNS, process_frame, process_texts

TEXTS = [
    "ดีมากกกกก ส่งไวมาก 555 โทร 081-234-5678",
    "The app keeps crashing!!! email me at jo@mail.com",
    "wifi หลุดบ่อยมาก call center ไม่รับสาย",
    None,
    "https://shop.example.com/p/1?uid=42",
]


def test_columns_match_the_schema():
    df = process_texts(TEXTS)
    assert list(df.columns) == OUTPUT_COLUMNS
    assert set(OUTPUT_COLUMNS) <= set(TEXT_COLUMNS)
    assert len(df) == len(TEXTS)


def test_rows_carry_clean_redacted_text_tokens_and_flags():
    df = process_texts(TEXTS)
    first, english, mixed, missing, url = (df.iloc[i] for i in range(5))
    assert first.text_clean == "ดีมาก ส่งไวมาก 555 โทร <PHONE>"
    assert first.language == "th" and first.pii_types == "PHONE"
    assert "<PHONE>" in first.tokens.split() and "<PHONE>" not in first.topic_tokens.split()
    assert english.language == "en" and english.pii_types == "EMAIL"
    assert "crash" in english.topic_tokens.split()
    assert mixed.language == "mixed" and "wifi" in mixed.tokens.split()
    assert missing.text_clean == "" and missing["flags"] == "too_short"
    assert url.pii_types == "URL_QUERY" and "url_only" in url["flags"].split(",")


def test_no_pii_reaches_any_output_column():
    df = process_texts(["บัตร 4111 1111 1111 1111 เลขบัตร ปชช 1-1017-00203-45-0 mail a.b@c.co"])
    row = " ".join(df.iloc[0][["text_clean", "tokens", "topic_tokens"]])
    for secret in ["4111", "1017", "a.b@c.co"]:
        assert secret not in row


def test_batch_templates_and_near_duplicates_are_flagged():
    bot = "สนใจสินค้าทักแชทได้เลยค่ะ โปรโมชั่นพิเศษเดือนนี้เท่านั้น"
    df = process_texts([bot] * 6 + ["ร้านนี้อร่อยมาก"])
    assert all("template" in f for f in df["flags"][:6])
    assert "near_duplicate" not in df["flags"][0] and "near_duplicate" in df["flags"][1]
    assert df["flags"][6] == ""


def test_process_frame_keeps_input_columns_and_names_a_missing_column():
    frame = pd.DataFrame({"id": [1, 2], "body": ["ดีมาก", "bad"]})
    out = process_frame(frame, "body")
    assert list(out.columns) == ["id", "body", *OUTPUT_COLUMNS]
    with pytest.raises(KeyError, match="columns are: id, body"):
        process_frame(frame, "text")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_inspect_command_round_trip(tmp_path, suffix):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["r1", "r2"], "msg": ["โทร 0812345678 ค่ะ", "great service"]}).to_csv(source, index=False)
    target = tmp_path / f"out{suffix}"
    result = CliRunner().invoke(app, ["inspect", "--input", str(source), "--text-column", "msg", "--output", str(target)])
    assert result.exit_code == 0, result.output
    out = {".csv": pd.read_csv, ".jsonl": lambda p: pd.read_json(p, lines=True), ".parquet": pd.read_parquet}[suffix](
        target
    )
    assert list(out.columns) == ["id", "msg", "language", "text_clean", "tokens", "pii_types", "flags"]
    assert out["text_clean"][0] == "โทร <PHONE> ค่ะ"
    assert out["pii_types"][0] == "PHONE"


def test_inspect_errors_are_one_clear_message(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,msg\n1,hello\n", encoding="utf-8")
    runner = CliRunner()
    missing_col = runner.invoke(app, ["inspect", "--input", str(source), "--text-column", "text", "--output", str(tmp_path / "o.csv")])
    assert missing_col.exit_code != 0 and "columns are: id, msg" in missing_col.output
    bad_suffix = runner.invoke(app, ["inspect", "--input", str(source), "--text-column", "msg", "--output", str(tmp_path / "o.xlsx")])
    assert bad_suffix.exit_code != 0 and ".xlsx" in bad_suffix.output
    no_file = runner.invoke(app, ["inspect", "--input", str(tmp_path / "nope.csv"), "--text-column", "msg", "--output", str(tmp_path / "o.csv")])
    assert no_file.exit_code != 0 and "no such file" in no_file.output
