"""Hostile inputs: each is parsed or quarantined with a reason, the run completes, counts reconcile."""

from __future__ import annotations

import json

import pytest

from voc.config import load_config
from voc.pipeline import ingest_all
from voc.store import open_store

GOOD = "id,text,time\n"


def write_corpus(d):
    d.mkdir()
    (d / "ragged.csv").write_text(GOOD + "1,ok,2026-11-20\n2,a,b,c,d\n3\n", encoding="utf-8")
    (d / "quotes.csv").write_text(GOOD + '4,"never closed,2026-11-20\n5,after the bad quote,2026-11-20\n', encoding="utf-8")
    (d / "nul.csv").write_bytes((GOOD + "6,fine row,2026-11-20\n7,bad\x00row,2026-11-20\n8,fine too,2026-11-20\n"
                                 + "".join(f"{100 + i},filler row {i},2026-11-20\n" for i in range(40))).encode())
    (d / "tis620.csv").write_bytes((GOOD + "9,ส่งของช้ามาก,2026-11-20\n").encode("cp874"))
    (d / "utf16.csv").write_bytes((GOOD + "10,บริการดี,2026-11-20\n").encode("utf-16"))
    (d / "binary.csv").write_bytes(bytes(range(256)) * 20)
    (d / "empty.csv").write_bytes(b"")
    (d / "long.csv").write_text(GOOD + "11," + "ก" * 1_000_000 + ",2026-11-20\n12," + "x" * 100_000 + ",2026-11-20\n",
                                encoding="utf-8")
    (d / "dates.csv").write_text(
        GOOD + "13,พ.ศ. ไทย,29/11/2569\n14,thai month,29 พฤศจิกายน 2569 10:30\n15,impossible,2026-02-30\n"
        "16,not a date,yesterday-ish\n", encoding="utf-8")
    (d / "odd_text.csv").write_text(GOOD + "17,😡😡😡,2026-11-20\n18,\u200b\u200c\u200d,2026-11-20\n19,   ,2026-11-20\n",
                                    encoding="utf-8")


def test_hostile_folder_completes_with_every_row_accounted_for(tmp_path):
    write_corpus(tmp_path / "in")
    (tmp_path / "j").mkdir()
    (tmp_path / "j" / "wrong_types.jsonl").write_text(
        "\n".join([json.dumps({"id": 1, "text": ["a", "list"], "time": "2026-11-20"}),
                   json.dumps({"id": 2, "text": 12345, "time": "2026-11-20"}),
                   json.dumps({"id": 3, "text": "fine", "time": {"nested": True}}),
                   "[1, 2, 3]", "{not json", json.dumps({"id": 4, "text": "ok json", "time": "2026-11-20"})]) + "\n",
        encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n"
                   "  - {name: files, path: 'in/*.csv', channel: review, columns: {text: text, created_at: time, id: id}}\n"
                   "  - {name: json, path: 'j/*.jsonl', channel: forum, columns: {text: text, created_at: time, id: id}}\n",
                   encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        recs = ingest_all(config, st, "run")
        rows = st.read_table("records").set_index("record_id")
        q = st.read_table("quarantine")
    assert all(r.status == "ok" and r.balanced for r in recs), [r.as_dict() for r in recs]
    texts = set(rows["text"].str[:20])
    assert {"ok", "after the bad quote", "fine row", "fine too", "ส่งของช้ามาก", "บริการดี", "😡😡😡", "ok json"} <= texts
    reasons = " | ".join(q["reason"])
    for expected in ["wrong shape", "unbalanced quote", "control characters", "unreadable file", "unparseable date",
                     "text empty after cleaning", "missing text", "wrong type: text is list", "invalid JSON"]:
        assert expected in reasons, expected
    # Buddhist-era and Thai-month dates are read, not quarantined
    by_sid = {json.loads(m)["source_id"]: w for m, w in zip(rows["metadata"], rows["iso_week"])}
    assert by_sid["13"] == "2026-W48" and by_sid["14"] == "2026-W48"
    # the 1 MB field is kept (cut to a bound, noted in metadata), not dropped
    long_meta = json.loads(rows.loc[rows["text"].str.startswith("กกก"), "metadata"].iloc[0])
    assert long_meta["truncated_from_chars"] == 1_000_000


@pytest.mark.parametrize("content", [b"", b"id,text,time\n"])
def test_empty_files_read_nothing_and_do_not_fail(tmp_path, content):
    (tmp_path / "e.csv").write_bytes(content)
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n  - {name: e, path: e.csv, channel: review, columns: {text: text}}\n", encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        (rec,) = ingest_all(config, st, "r")
    assert rec.status == "ok" and rec.read == 0 and rec.balanced


def test_missing_file_fails_only_its_own_source(tmp_path):
    (tmp_path / "ok.csv").write_text("text\nhello\n", encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n  - {name: gone, path: gone.csv, channel: review, columns: {text: text}}\n"
                   "  - {name: ok, path: ok.csv, channel: review, columns: {text: text}}\n", encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        gone, ok = ingest_all(config, st, "r")
        log = st.read_table("run_log").set_index("source")
    assert gone.status == "failed" and "file not found" in gone.error
    assert ok.status == "ok" and ok.accepted == 1
    assert log.loc["gone", "status"] == "failed"
