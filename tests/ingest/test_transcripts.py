import json


from voc.config import load_config
from voc.ingest.run import ingest_source
from voc.store import open_store

AGENT_SAYS = ["สวัสดีค่ะ ยินดีให้บริการ", "Please share your account number", "ขออภัยในความไม่สะดวกค่ะ"]


def _load(tmp_path, files: dict[str, str], fmt: str):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text(f"sources:\n  - {{name: chats, kind: transcript, path: '*.{'jsonl' if fmt == 'json' else 'txt'}',"
                   f" format: {fmt}, channel: chat}}\n", encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        rec = ingest_source(config.sources[0], config, st, "r")
        return rec, st.read_table("records"), st.read_table("quarantine")


def test_json_conversations_keep_only_customer_turns_in_order(tmp_path):
    conv = {"id": "c1", "started_at": "2026-11-20T10:00:00+07:00", "customer_id": "u9", "turns": [
        {"speaker": "agent", "text": AGENT_SAYS[0], "time": "2026-11-20T10:00:00+07:00"},
        {"speaker": "customer", "text": "เน็ตบ้านหลุดทุกคืน", "time": "2026-11-20T10:01:00+07:00"},
        {"speaker": "agent", "text": AGENT_SAYS[1], "time": "2026-11-20T10:02:00+07:00"},
        {"speaker": "Customer", "text": "router blinking red", "time": "2026-11-20T10:03:00+07:00"},
        {"speaker": "bot", "text": AGENT_SAYS[2], "time": "2026-11-20T10:04:00+07:00"},
    ]}
    agent_only = {"id": "c2", "started_at": "2026-11-20T11:00:00+07:00",
                  "turns": [{"speaker": "agent", "text": AGENT_SAYS[0], "time": None}]}
    rec, rows, q = _load(tmp_path, {"c.jsonl": json.dumps(conv, ensure_ascii=False) + "\n" + json.dumps(agent_only) + "\n"}, "json")
    assert rec.balanced and rec.accepted == 1 and rec.quarantined == 1
    text = rows.iloc[0]["text"]
    assert text.index("เน็ตบ้านหลุดทุกคืน") < text.index("router blinking red")
    assert not any(a in text for a in AGENT_SAYS)
    meta = json.loads(rows.iloc[0]["metadata"])
    assert (meta["customer_turns"], meta["agent_turns"]) == (2, 3)
    assert q.iloc[0]["reason"] == "no customer turns"


def test_prefixed_text_transcripts_in_thai_and_english(tmp_path):
    content = (
        "# id: t1\n# time: 2026-11-20 09:00\n"
        f"พนักงาน: {AGENT_SAYS[0]}\n"
        "ลูกค้า: บิลเดือนนี้แพงผิดปกติ\n"
        "ช่วยเช็คให้หน่อยค่ะ\n"  # a continued customer turn
        f"เจ้าหน้าที่: {AGENT_SAYS[2]}\n"
        "---\n"
        "# id: t2\n# time: 2026-11-21 09:00\n"
        f"Agent: {AGENT_SAYS[1]}\n"
        "Customer: my SIM is not detected\n"
    )
    rec, rows, _ = _load(tmp_path, {"t.txt": content}, "text")
    assert rec.accepted == 2 and rec.balanced
    texts = dict(zip(rows["metadata"].map(lambda m: json.loads(m)["source_id"]), rows["text"]))
    assert texts["t1"] == "บิลเดือนนี้แพงผิดปกติ ช่วยเช็คให้หน่อยค่ะ"
    assert texts["t2"] == "my SIM is not detected"
    assert not any(a in t for t in texts.values() for a in AGENT_SAYS)


def test_unknown_speakers_are_quarantined_not_guessed(tmp_path):
    content = "# id: t1\n# time: 2026-11-20 09:00\nSupervisor: internal note\nลูกค้า: hello\n"
    rec, rows, q = _load(tmp_path, {"t.txt": content}, "text")
    assert rec.accepted == 0 and rec.quarantined == 1
    assert "speaker prefix" in q.iloc[0]["reason"]
