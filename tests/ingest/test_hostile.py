"""Hostile inputs: each is parsed or quarantined with a reason, the run completes, counts reconcile."""

from __future__ import annotations

import json

import pytest

from voc.config import load_config
from voc.demo.hostile import hostile_sources_yaml, write_hostile_corpus
from voc.pipeline import ingest_all
from voc.store import open_store


def test_hostile_folder_completes_with_every_row_accounted_for(tmp_path):
    write_hostile_corpus(tmp_path / "in")
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n" + hostile_sources_yaml(tmp_path / "in", tmp_path), encoding="utf-8")
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
    by_sid = {json.loads(m)["source_id"]: w for m, w in zip(rows["metadata"], rows["iso_week"], strict=True)}
    assert by_sid["h13"] == "2026-W47" and by_sid["h14"] == "2026-W47"
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
