import json
import logging

from voc.config import load_config
from voc.ingest.run import ingest_source
from voc.store import open_store

AGENT_SAYS = ["สวัสดีค่ะ ยินดีให้บริการ", "Please share your account number", "ขออภัยในความไม่สะดวกค่ะ"]


def _load(tmp_path, files: dict[str, str], fmt: str, options: str = ""):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text(f"sources:\n  - {{name: chats, kind: transcript, path: '*.{'jsonl' if fmt == 'json' else 'txt'}',"
                   f" format: {fmt}, channel: chat{options}}}\n", encoding="utf-8")
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
    texts = dict(zip(rows["metadata"].map(lambda m: json.loads(m)["source_id"]), rows["text"], strict=True))
    assert texts["t1"] == "บิลเดือนนี้แพงผิดปกติ ช่วยเช็คให้หน่อยค่ะ"
    assert texts["t2"] == "my SIM is not detected"
    assert not any(a in t for t in texts.values() for a in AGENT_SAYS)


def _texts(rows):
    return sorted(rows["text"])


def _meta(rows):
    return [json.loads(m) for m in rows["metadata"]]


def test_a_file_without_separators_is_split_at_time_gaps(tmp_path):
    # one LINE OA export: three customers, one after another, no `---` and no headers
    content = (
        "[2026-11-20 09:00] Agent: สวัสดีค่ะ ยินดีให้บริการ\n"
        "[2026-11-20 09:01] Customer: เน็ตหลุดทุกคืนค่ะ\n"
        "[2026-11-20 09:03] Agent: รบกวนรีสตาร์ทเราเตอร์นะคะ\n"
        "[2026-11-20 09:20] Customer: ยังหลุดอยู่ค่ะ\n"          # 17 minutes: still the same chat
        "[2026-11-20 11:05] Agent: สวัสดีค่ะ ยินดีให้บริการ\n"   # 105 minutes later: the next customer
        "[2026-11-20 11:06] Customer: my bill doubled this month\n"
        "[2026-11-21 08:00] Customer: app crashes on login\n"    # the next day
        "[2026-11-21 08:02] Agent: Please update the app\n"
    )
    rec, rows, q = _load(tmp_path, {"line_export.txt": content}, "text")
    assert rec.balanced and (rec.accepted, rec.quarantined) == (3, 0)
    assert _texts(rows) == ["app crashes on login", "my bill doubled this month", "เน็ตหลุดทุกคืนค่ะ\nยังหลุดอยู่ค่ะ"]
    weeks = dict(zip(rows["text"], rows["iso_week"], strict=True))
    assert weeks["app crashes on login"] == "2026-W47"


def test_a_file_without_separators_or_times_is_split_at_repeated_greetings(tmp_path):
    content = (
        "# date: 2026-11-20\n"
        "Agent: Hello, thank you for contacting NamJai\n"
        "Customer: refund not received\n"
        "Agent: Sorry, checking now\n"
        "Agent: Hello, thank you for contacting NamJai\n"  # the agent greets the next customer
        "Customer: how do I change my plan\n"
        "Agent: hide the menu and tap Plans\n"             # "hide" is not the greeting "hi"
        "Customer: found it\n"
        "พนักงาน: สวัสดีค่ะ ยินดีให้บริการ\n"
        "ลูกค้า: โอนเงินไม่เข้า\n"
    )
    rec, rows, _ = _load(tmp_path, {"t.txt": content}, "text")
    assert rec.accepted == 3 and rec.balanced
    assert _texts(rows) == ["how do I change my plan\nfound it", "refund not received", "โอนเงินไม่เข้า"]
    assert set(rows["iso_week"]) == {"2026-W47"}  # the file's date header dates every conversation in it


def test_id_headers_start_conversations_without_separator_lines(tmp_path):
    content = (
        "# id: A1\n# time: 2026-11-20 09:00\nCustomer: first customer\nAgent: ok\n"
        "# id: A2\n# time: 2026-11-20 09:05\nCustomer: second customer\n"
    )
    rec, rows, _ = _load(tmp_path, {"t.txt": content}, "text")
    ids = {json.loads(m)["source_id"]: t for m, t in zip(rows["metadata"], rows["text"], strict=True)}
    assert ids == {"A1": "first customer", "A2": "second customer"} and rec.balanced


def test_one_conversation_with_abnormal_turns_is_kept_and_flagged(tmp_path, caplog):
    lines = ["# time: 2026-11-20 09:00"]
    for i in range(50):  # 100 turns, no greetings, no times: nothing to split on
        lines += [f"Customer: question number {i}", f"Agent: answer {i}"]
    with caplog.at_level(logging.WARNING, logger="voc.ingest.transcripts"):
        rec, rows, _ = _load(tmp_path, {"dump.txt": "\n".join(lines)}, "text", ", max_turns: 40")
    assert rec.accepted == 1
    meta = _meta(rows)[0]
    assert meta["turns"] == 100 and "separators may be missing" in meta["transcript_warning"]
    assert any("more than 40 turns" in r.getMessage() and "dump.txt" in r.getMessage() for r in caplog.records)


def test_unknown_speakers_never_quarantine_the_conversation(tmp_path):
    content = (
        "# id: t1\n# time: 2026-11-20 09:00\n"
        "Bot: เลือกเมนูที่ต้องการค่ะ\n"
        "ลูกค้า: สั่งของไปแล้วยังไม่ได้รับ\n"
        "Admin: รอสักครู่นะคะ\n"
        "081-234-5678: ติดต่อเบอร์นี้ได้เลย\n"
        "Supervisor: internal note: refund approved\n"
        "Supervisor: escalate to tier 2\n"
        "ลูกค้า: ขอบคุณค่ะ\n"
    )
    rec, rows, q = _load(tmp_path, {"t.txt": content}, "text")
    assert (rec.accepted, rec.quarantined) == (1, 0)
    text = rows.iloc[0]["text"]
    assert text == "สั่งของไปแล้วยังไม่ได้รับ\nขอบคุณค่ะ"
    meta = _meta(rows)[0]
    assert meta["unknown_speaker_turns"] == 3 and meta["unknown_speakers_as"] == "agent"
    assert "<PHONE>" in meta["unknown_speakers"] and "Supervisor" in meta["unknown_speakers"]
    assert "234" not in rows.iloc[0]["metadata"]  # a phone number as a speaker label is personal data


def test_unknown_speakers_can_be_counted_as_customers(tmp_path):
    content = "# id: t1\n# time: 2026-11-20 09:00\n0812345678: my order is late\nAdmin: checking\n"
    rec, rows, _ = _load(tmp_path, {"t.txt": content}, "text", ", unknown_speakers: customer")
    assert rec.accepted == 1 and rows.iloc[0]["text"] == "my order is late"
    conv = {"id": "j1", "started_at": "2026-11-20T10:00:00+07:00", "turns": [
        {"speaker": "LINE user", "text": "แอปเด้งออก", "time": None},
        {"speaker": "admin", "text": "ลองอัปเดตนะคะ", "time": None}]}
    (tmp_path / "json").mkdir()
    rec, rows, _ = _load(tmp_path / "json", {"c.jsonl": json.dumps(conv, ensure_ascii=False) + "\n"}, "json",
                         ", customer_speakers: [line user]")
    assert rec.accepted == 1 and rows.iloc[0]["text"] == "แอปเด้งออก"


def test_a_customer_typing_dashes_does_not_split_the_chat(tmp_path):
    content = (
        "# id: t1\n# time: 2026-11-20 09:00\n"
        "Customer: my order list:\n"
        "---\n"
        "1 phone case\n"
        "---------\n"
        "total 250 baht\n"
        "Agent: thanks\n"
        "---\n"
        "# id: t2\n# time: 2026-11-20 10:00\n"
        "Customer: second chat\n"
    )
    rec, rows, _ = _load(tmp_path, {"t.txt": content}, "text")
    assert rec.accepted == 2 and rec.balanced
    texts = {json.loads(m)["source_id"]: t for m, t in zip(rows["metadata"], rows["text"], strict=True)}
    assert texts["t1"] == "my order list: --- 1 phone case --------- total 250 baht"
    assert texts["t2"] == "second chat"


def test_json_conversation_with_an_unknown_speaker_keeps_customer_turns(tmp_path):
    conv = {"id": "j1", "started_at": "2026-11-20T10:00:00+07:00", "turns": [
        {"speaker": "customer", "text": "จ่ายเงินแล้วแต่สถานะไม่เปลี่ยน", "time": None},
        {"speaker": "+66812345678", "text": "ส่งสลิปมาได้เลย", "time": None},
        {"speaker": None, "text": "system message", "time": None}]}
    rec, rows, _ = _load(tmp_path, {"c.jsonl": json.dumps(conv, ensure_ascii=False) + "\n"}, "json")
    assert rec.accepted == 1 and rows.iloc[0]["text"] == "จ่ายเงินแล้วแต่สถานะไม่เปลี่ยน"
    assert "812345678" not in rows.iloc[0]["metadata"]


def test_windows_and_old_mac_line_ends_and_u2028_inside_a_message(tmp_path):
    body = "# id: {id}\n# time: 2026-11-20 09:00\nAgent: สวัสดีค่ะ\nCustomer: {id} line one\u2028still line one\nAgent: ok\n"
    files = {"crlf.txt": body.format(id="w1").replace("\n", "\r\n"), "cr.txt": body.format(id="m1").replace("\n", "\r")}
    rec, rows, _ = _load(tmp_path, files, "text")
    # one turn each; the record layer reads U+2028 as the line break it is (deleting it glued words:
    # "line onestill")
    assert rec.accepted == 2 and sorted(rows["text"]) == ["m1 line one\nstill line one", "w1 line one\nstill line one"]
    assert all(json.loads(m)["turns"] == 3 for m in rows["metadata"])


def test_flagged_conversations_are_a_data_quality_count_and_a_run_warning(tmp_path):
    from voc import pipeline
    from voc.insights.tables import build_weekly_tables

    lines = ["# id: long", "# time: 2026-11-20 09:00"]
    for i in range(50):  # 100 turns: its separators are missing
        lines += [f"ลูกค้า: คำถามข้อที่ {i}", f"พนักงาน: คำตอบ {i}"]
    lines += ["---", "# id: short", "# time: 2026-11-20 10:00", "Customer: my bill is wrong", "Agent: checking"]
    (tmp_path / "dump.txt").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "p.yaml").write_text("sources:\n  - {name: chats, kind: transcript, path: '*.txt', format: text,"
                                     " channel: chat, max_turns: 40}\n", encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    week = "2026-W47"
    with open_store("duckdb", config.store_path) as st:
        pipeline.ingest_all(config, st, "r1", week)
        pipeline.enrich_text(config, st, [week])
        tables = build_weekly_tables(week, st.enriched_records([week]), st.topic_registry(), st.run_log("r1"),
                                     config.insights)
        st.replace_week("data_quality", week, tables["data_quality"])
        warnings = pipeline.week_warnings(st, week)
    dq = tables["data_quality"].set_index("source")
    assert dq.at["chats", "flagged_conversations"] == 1 and dq.at["chats", "counted"] == 2
    assert len(warnings) == 1 and "chats: 1 conversation(s) with more turns than max_turns" in warnings[0]


def test_a_date_header_does_not_double_the_day_of_turn_times_that_carry_one(tmp_path):
    # A common export: a `# date:` header and turns stamped with the full date and time.
    content = (
        "# id: C1\n# date: 2026-11-24\n"
        "[2026-11-24 10:01] พนักงาน: สวัสดีค่ะ มีอะไรให้ช่วยคะ\n"
        "[2026-11-24 10:11] ลูกค้า: OTP ไม่เข้าค่ะ ลองหลายรอบแล้ว\n"
        "---\n"
        "# id: C2\n# date: 2026-11-15\n"
        "[15/11/2026 10:06] Agent: Hello, how can I help?\n"
        "[15/11/2026 10:16] Customer: otp not arriving on my phone\n"
        "---\n"
        "# id: C3\n# date: 2026-11-20\n"
        "[10:00] Agent: Hello\n"
        "[10:05] Customer: clock-only turn times still take the header's day\n"
    )
    rec, rows, q = _load(tmp_path, {"chats.txt": content}, "text")
    assert (rec.accepted, rec.quarantined) == (3, 0), list(q["reason"])
    weeks = dict(zip(rows["text"], rows["iso_week"], strict=True))
    assert weeks == {"OTP ไม่เข้าค่ะ ลองหลายรอบแล้ว": "2026-W48", "otp not arriving on my phone": "2026-W46",
                     "clock-only turn times still take the header's day": "2026-W47"}
