"""The one PII guard (voc.privacy): strings, JSON text and frames; every store write; log records."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

from voc.privacy import PiiLogFilter, install_log_redaction, redact_frame, redact_pii
from voc.store import open_store

PHONE, EMAIL, CARD = "081-234-5678", "somchai.k@example.com", "4111 1111 1111 1111"


def test_strings_lists_and_dicts_are_redacted_keys_too():
    assert redact_pii(f"โทร {PHONE}") == "โทร <PHONE>"
    assert redact_pii({EMAIL: [PHONE, 3, None]}) == {"<EMAIL>": ["<PHONE>", 3, None]}
    assert redact_pii(12.5) == 12.5 and redact_pii(None) is None


def test_json_text_stays_valid_json_and_untouched_json_keeps_its_bytes():
    meta = json.dumps({"location": f"inputs/{PHONE}.csv:3", "note": f"081-234-\n5678 {EMAIL}"}, ensure_ascii=False)
    out = redact_pii(meta)
    assert json.loads(out) == {"location": "inputs/<PHONE>.csv:3", "note": "<PHONE> <EMAIL>"}
    clean = '{"b":1,"a":"ok 2026-11-05"}'
    assert redact_pii(clean) is clean
    assert redact_pii("[[ not json 0812345678") == "[[ not json <PHONE>"


def test_a_frame_keeps_hash_keys_numbers_and_dtypes():
    key = "ab4111111111111111cd"  # a digest-like key with a Luhn-valid run is not touched
    df = pd.DataFrame({"record_id": [key], "text": [f"card {CARD}"], "rating": [4.0], "n": [1]})
    out = redact_frame(df)
    assert out.loc[0, "record_id"] == key and out.loc[0, "text"] == "card <CARD>"
    assert out["rating"].dtype == "float64" and out["n"].dtype == df["n"].dtype
    assert df.loc[0, "text"] == f"card {CARD}"  # the caller's frame is not changed
    same = pd.DataFrame({"text": ["ไม่มีข้อมูลส่วนตัว"]})
    assert redact_frame(same) is same


def _record(text: str, segments: dict, metadata: dict) -> pd.DataFrame:
    from voc.schema import RECORD_COLUMNS

    row = dict.fromkeys(RECORD_COLUMNS)
    row.update(record_id="r1", source="s", channel="review", created_at=pd.Timestamp("2026-11-20", tz="UTC"),
               iso_week="2026-W47", text=text, segments=json.dumps(segments, ensure_ascii=False),
               metadata=json.dumps(metadata, ensure_ascii=False), dedup_key="k", run_id="run")
    return pd.DataFrame([row])


def test_every_store_write_is_guarded(tmp_path):
    with open_store("duckdb", tmp_path / "s.duckdb") as st:
        st.upsert_records(_record(f"โทร {PHONE}", {"branch": f"สาขา {PHONE}"},
                                  {"source_id": EMAIL, "location": f"in/{EMAIL}.csv:2"}))
        st.add_quarantine(pd.DataFrame([{"run_id": "run", "source": "s", "location": f"in/{PHONE}.csv:9",
                                         "reason": f"unparseable date 'โทร {PHONE}'",
                                         "raw": json.dumps({"card": CARD}), "quarantined_at": pd.Timestamp.now(tz="UTC")}]))
        st.log_run(pd.DataFrame([{"run_id": "run", "source": "s", "status": "failed", "error": f"in/{EMAIL}: bad",
                                  "read": 0, "accepted": 0, "duplicates": 0, "quarantined": 0}]))
        st.replace_week("data_quality", "2026-W47", pd.DataFrame({"iso_week": ["2026-W47"],
                                                                       "error": [f"call {PHONE}"]}))
        st.replace_topic_registry(pd.DataFrame({"topic_id": ["t1"], "label": [f"ติดต่อ {EMAIL}"]}))
        dump = "\n".join(st.read_table(t).to_csv() for t in
                         ("records", "quarantine", "run_log", "data_quality", "topic_registry"))
        raw = st.read_table("quarantine")["raw"].iloc[0]
    for pii in (PHONE, EMAIL, CARD, "4111"):
        assert pii not in dump
    assert json.loads(raw) == {"card": "<CARD>"}


def test_log_records_are_redacted_with_their_arguments_and_tracebacks():
    record = logging.LogRecord("voc", logging.ERROR, __file__, 1, "customer %s wrote %s", (EMAIL, PHONE), None)
    try:
        raise ValueError(f"bad row: {CARD}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    record.task_run_name = f"ingest-{PHONE}"
    assert PiiLogFilter().filter(record) is True  # never drops a record
    text = logging.Formatter("%(message)s").format(record)
    assert "customer <EMAIL> wrote <PHONE>" in text and "bad row: <CARD>" in text
    assert PHONE not in text and CARD not in text and record.task_run_name == "ingest-<PHONE>"


def test_installed_guard_covers_loggers_created_later(caplog):
    install_log_redaction()
    install_log_redaction()  # idempotent
    with caplog.at_level(logging.INFO):
        logging.getLogger("voc.some.new.module").info("โทร %s", PHONE)
        logging.getLogger("prefect.some_module").warning("mail %s", EMAIL)
    assert [r.getMessage() for r in caplog.records] == ["โทร <PHONE>", "mail <EMAIL>"]


@pytest.mark.parametrize("bad", ["%d items", "100% sure %s"])
def test_a_record_whose_arguments_do_not_fit_is_kept(bad):
    record = logging.LogRecord("voc", logging.INFO, __file__, 1, bad + " " + PHONE, ("x", "y"), None)
    assert PiiLogFilter().filter(record)
    assert PHONE not in record.getMessage()


def test_deeply_nested_json_is_still_redacted_as_text():
    deep = "[" * 5000 + f'"{PHONE}"' + "]" * 5000
    assert PHONE not in redact_pii(deep)
    deep_obj = "[" * 900 + f'"{EMAIL}"' + "]" * 900
    assert EMAIL not in redact_pii(deep_obj)
