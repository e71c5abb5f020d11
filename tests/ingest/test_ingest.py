import json
import sqlite3

import pandas as pd
import pytest

from voc.config import load_config
from voc.errors import ConfigError
from voc.ingest.files import SourceError
from voc.ingest.run import ingest_file, ingest_source
from voc.pipeline import ingest_all
from voc.store import open_store


@pytest.fixture
def store(tmp_path):
    with open_store("duckdb", tmp_path / "voc.duckdb") as st:
        yield st


def test_reconciliation_adds_up_and_bad_rows_are_quarantined_with_reasons(tmp_path, store):
    f = tmp_path / "reviews.csv"
    f.write_text(
        "id,text,time\n"
        "1,Great app,2026-11-20 10:00\n"
        "2,,2026-11-20 10:00\n"
        "3,Slow delivery,not a date\n"
        "4,too,many,fields\n"
        "5,\u200b\u200b,2026-11-20 10:00\n"
        "6,ดีมาก,20/11/2026 10:00\n",
        encoding="utf-8",
    )
    rec = ingest_file(f, store, "review", "text", "time", "id")
    assert (rec.read, rec.accepted, rec.duplicates, rec.quarantined) == (6, 2, 0, 4)
    assert rec.balanced
    q = store.read_table("quarantine").sort_values("location")
    reasons = dict(zip(q["location"].str.extract(r"line (\d+)")[0].astype(int), q["reason"], strict=True))
    assert reasons[3] == "missing text"
    assert reasons[4].startswith("unparseable date")
    assert reasons[5].startswith("wrong shape")
    assert reasons[6] == "text empty after cleaning"
    run_log = store.read_table("run_log")
    assert run_log.iloc[0][["read", "accepted", "quarantined"]].tolist() == [6, 2, 4]


def test_loading_the_same_file_twice_adds_nothing(tmp_path, store):
    f = tmp_path / "r.csv"
    f.write_text("id,text,time\n1,hello there,2026-11-20\n2,สวัสดีครับ,2026-11-21\n", encoding="utf-8")
    ingest_file(f, store, "review", "text", "time", "id")
    before = store.status()
    rec = ingest_file(f, store, "review", "text", "time", "id")
    assert store.status() == before
    assert rec.accepted == 2 and rec.new == 0


def test_rows_without_ids_get_stable_ids_from_content_and_time(tmp_path, store):
    f = tmp_path / "r.csv"
    f.write_text("text,time\nhello there,2026-11-20\nhello there,2026-11-21\n", encoding="utf-8")
    ingest_file(f, store, "review", "text", "time")
    ingest_file(f, store, "review", "text", "time")
    assert store.status()["records"] == 2


def test_exact_duplicates_across_sources_are_marked_not_counted_twice(tmp_path):
    (tmp_path / "a.csv").write_text("id,msg,at,who\n1,App  crashes on login!,2026-11-20 09:00,u1\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"pid": "x", "body": "app crashes on LOGIN!", "ts": "2026-11-20T15:00:00+07:00", "user": "u1"}) + "\n"
        + json.dumps({"pid": "y", "body": "app crashes on LOGIN!", "ts": "2026-11-20T15:00:00+07:00", "user": "u2"}) + "\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        "sources:\n"
        "  - {name: a, path: a.csv, channel: review, columns: {text: msg, created_at: at, id: id, author: who}}\n"
        "  - {name: b, path: b.jsonl, channel: forum, columns: {text: body, created_at: ts, id: pid, author: user}}\n",
        encoding="utf-8",
    )
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        recs = ingest_all(config, st, "run1")
        s = st.status()
    assert [r.balanced for r in recs] == [True, True]
    assert recs[1].duplicates == 1 and recs[1].accepted == 1  # same text, author, day as source a
    assert s["records"] == 3 and s["duplicates"] == 1


def test_sql_source_reads_from_sqlite_with_url_from_env(tmp_path, monkeypatch):
    db = tmp_path / "crm.db"
    con = sqlite3.connect(db)
    con.execute("create table survey (rid integer, answer text, answered_at text, score real)")
    con.executemany("insert into survey values (?,?,?,?)",
                    [(1, "พนักงานบริการดี", "2026-11-20 10:00", 9), (2, None, "2026-11-20 11:00", 3)])
    con.commit()
    con.close()
    monkeypatch.setenv("CRM_URL", f"sqlite:///{db}")
    cfg = tmp_path / "p.yaml"
    cfg.write_text(
        "sources:\n  - name: nps\n    kind: sql\n    url_env: CRM_URL\n    channel: survey\n"
        "    rating_scale: nps_0_10\n    query: select rid, answer, answered_at, score from survey\n"
        "    columns: {text: answer, created_at: answered_at, id: rid, rating: score}\n",
        encoding="utf-8",
    )
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        rec = ingest_source(config.sources[0], config, st, "r1")
        rows = st.read_table("records")
    assert (rec.read, rec.accepted, rec.quarantined) == (2, 1, 1)
    assert rows["rating"].tolist() == [9.0] and rows["channel"].tolist() == ["survey"]


def test_missing_env_url_and_missing_column_fail_the_source_clearly(tmp_path, store, monkeypatch):
    monkeypatch.delenv("NOPE_URL", raising=False)
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n  - {name: db, kind: sql, url_env: NOPE_URL, query: 'select 1', channel: survey,"
                   " columns: {text: t}}\n", encoding="utf-8")
    config = load_config(cfg)
    with pytest.raises(SourceError, match="NOPE_URL"):
        ingest_source(config.sources[0], config, store, "r")
    f = tmp_path / "r.csv"
    f.write_text("id,body\n1,hi\n", encoding="utf-8")
    with pytest.raises(SourceError, match="'text'.*not found"):
        ingest_file(f, store, "review", "text")


@pytest.mark.parametrize("suffix", ["parquet", "xlsx", "json", "tsv"])
def test_other_file_formats(tmp_path, store, suffix):
    df = pd.DataFrame({"id": ["a", "b"], "text": ["ส่งช้ามาก", "fast delivery"],
                       "time": ["2026-11-20 10:00", "2026-11-21 10:00"]})
    f = tmp_path / f"in.{suffix}"
    if suffix == "parquet":
        df.to_parquet(f)
    elif suffix == "xlsx":
        df.to_excel(f, index=False)
    elif suffix == "json":
        f.write_text(df.to_json(orient="records", force_ascii=False), encoding="utf-8")
    else:
        df.to_csv(f, sep="\t", index=False)
    rec = ingest_file(f, store, "review", "text", "time", "id")
    assert rec.accepted == 2
    assert sorted(store.read_table("records")["text"]) == sorted(df["text"])


def test_folder_glob_and_naive_times_in_the_source_zone(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "w1.csv").write_text("text,time\nhello,2026-11-16 00:30\n", encoding="utf-8")
    (d / "w2.csv").write_text("text,time\nbye,2026-11-23 06:30:00+07:00\n", encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text("timezone: Asia/Bangkok\nsources:\n  - {name: f, path: 'in/*.csv', channel: forum,"
                   " columns: {text: text, created_at: time}}\n", encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        ingest_all(config, st, "r")
        rows = st.read_table("records").sort_values("text")
    # 00:30 Bangkok on Monday 16 Nov is still Sunday in UTC, but the week is Bangkok's
    assert rows["iso_week"].tolist() == ["2026-W48", "2026-W47"]


def test_author_handles_are_stored_only_as_salted_hashes(tmp_path, store, monkeypatch):
    monkeypatch.setenv("VOC_AUTHOR_SALT", "pepper")
    f = tmp_path / "r.csv"
    f.write_text("text,time,user\nhello,2026-11-20,@somchai_99\n", encoding="utf-8")
    from voc.config import PipelineConfig
    from voc.ingest.config import ColumnMap, FileSource

    src = FileSource(name="r", path=str(f), channel="review", columns=ColumnMap(text="text", created_at="time", author="user"))
    ingest_source(src, PipelineConfig(sources=[src]), store, "r")
    row = store.read_table("records").iloc[0]
    assert row["author_key"] and "somchai" not in row["author_key"]
    assert "somchai" not in json.dumps(row.astype(str).to_dict())


def test_unbalanced_quote_does_not_swallow_the_rows_after_it(tmp_path, store):
    f = tmp_path / "r.csv"
    f.write_text('id,text,time\n1,ok one,2026-11-20\n2,"broken quote,2026-11-20\n3,ok three,2026-11-20\n'
                 '4,ok four,2026-11-20\n', encoding="utf-8")
    rec = ingest_file(f, store, "review", "text", "time", "id")
    assert rec.balanced and rec.read == 4
    assert sorted(store.read_table("records")["text"]) == ["ok four", "ok one", "ok three"]
    assert store.read_table("quarantine")["reason"].str.contains("unbalanced quote").all()


def test_a_quarantined_row_keeps_the_author_key_never_the_handle(tmp_path):
    # author handles are personal data: records keep only their salted hash, so must the quarantine's raw row
    import json as _json

    from voc.config import load_config as _load_config
    from voc.ingest.run import ingest_source as _ingest_source
    from voc.store import open_store as _open_store

    (tmp_path / "r.csv").write_text(
        "id,body,at,stars,user\n"
        "r1,แอปดีมากกก,2026-11-24 10:00,5,somchai_line88\n"
        "r2,bad date row,31/02/2026,4,nok.pattaya\n"
        "r3,rating seven!,2026-11-24 11:00,7,Pim Suda\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n  - {name: r, path: r.csv, channel: review, rating_scale: stars_1_5,\n"
                   "     columns: {text: body, created_at: at, id: id, rating: stars, author: user}}\n",
                   encoding="utf-8")
    config = _load_config(cfg)
    with _open_store("duckdb", config.store_path) as st:
        rec = _ingest_source(config.sources[0], config, st, "r")
        records, q = st.read_table("records"), st.read_table("quarantine")
    assert (rec.accepted, rec.quarantined) == (1, 2)
    raws = [_json.loads(r) for r in q["raw"]]
    assert [r["body"] for r in raws] == ["bad date row", "rating seven!"]  # the row is still there to fix
    dumped = " ".join(q["raw"]) + " ".join(map(str, records.astype(str).to_numpy().ravel()))
    for handle in ("somchai_line88", "nok.pattaya", "Pim Suda"):
        assert handle not in dumped
    assert all(r["user"].startswith("author_key:") and len(r["user"]) > 20 for r in raws)


@pytest.mark.parametrize("written, value", [
    ("4 ดาว", 4.0), ("1 star", 1.0), ("5 Stars", 5.0), ("4/5", 4.0), ("คะแนน 3", 3.0), ("ห้าดาว", 5.0),
    ("๔", 4.0), ("4,5", 4.5), ("★★☆☆☆", 2.0), ("⭐⭐⭐", 3.0), ("2 จาก 5", 2.0), (3, 3.0),
])
def test_ratings_written_as_people_type_them_are_read(written, value):
    from voc.ratings import rating_problem, read_rating

    assert read_rating(written)[0] == value and rating_problem(written, "stars_1_5") is None


@pytest.mark.parametrize("written, value", [
    ("5 stars!!", 5.0), ("5 ⭐", 5.0), ("⭐ 5", 5.0), ("4 ★", 4.0), ("★4", 4.0), ("4 of 5", 4.0), ("5 ดาวค่ะ", 5.0),
    ("ดาว 4", 4.0), ("4.", 4.0), ("4\u200b", 4.0), ("\ufeff3", 3.0), ("3 out of 5 stars", 3.0),
])
def test_more_ways_of_typing_a_rating_are_read(written, value):
    from voc.ratings import rating_problem, read_rating

    assert read_rating(written)[0] == value and rating_problem(written, "stars_1_5") is None


@pytest.mark.parametrize("written", ["-2", "−1", "-0.5"])
def test_a_signed_rating_is_read_with_its_sign_and_so_found_outside_the_scale(written):
    from voc.ratings import rating_problem, read_rating

    assert read_rating(written)[0] < 0
    assert "outside its scale stars_1_5" in rating_problem(written, "stars_1_5")
    assert "outside its scale nps_0_10" in rating_problem(written, "nps_0_10")


@pytest.mark.parametrize("written", ["N/A", "n/a", "-", "—", "null", "NULL", "None", "ไม่มี", " - ", "#N/A"])
def test_a_cell_that_says_no_rating_was_given_counts_as_blank_not_unreadable(written):
    from voc.ratings import is_blank_rating, read_rating

    assert read_rating(written) == (None, None) and is_blank_rating(written)


@pytest.mark.parametrize("written", ["4-5", "ดีมาก", "4...", "of 5", "!!"])
def test_text_that_is_no_rating_stays_unreadable(written):
    from voc.ratings import is_blank_rating, read_rating

    assert read_rating(written) == (None, None) and not is_blank_rating(written)


def test_written_ratings_are_read_and_unreadable_ones_are_counted_and_warned(tmp_path):
    from voc import pipeline
    from voc.insights.tables import build_weekly_tables

    pd.DataFrame({
        "id": ["a", "b", "c", "d", "e", "f"],
        "body": ["ส่งไวมาก ชอบค่ะ", "app crashes every time", "รอของ 2 อาทิตย์", "ok lah", "ดีค่ะ", "meh"],
        "at": ["2026-11-17 10:00"] * 6,
        "stars": ["4 ดาว", "1 star", "๒/5", "ดีมาก", "", "8/10"],
    }).to_csv(tmp_path / "r.csv", index=False)
    (tmp_path / "p.yaml").write_text(
        "sources:\n  - {name: r, path: r.csv, channel: review, rating_scale: stars_1_5,\n"
        "     columns: {text: body, created_at: at, id: id, rating: stars}}\n", encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    week = "2026-W47"
    with open_store("duckdb", config.store_path) as st:
        pipeline.ingest_all(config, st, "r1", week)
        records, q = st.read_table("records"), st.read_table("quarantine")
        pipeline.enrich_text(config, st, [week])
        tables = build_weekly_tables(week, st.enriched_records([week]), st.topic_registry(), st.run_log("r1"),
                                     config.insights)
        st.replace_week("data_quality", week, tables["data_quality"])
        warnings = pipeline.week_warnings(st, week)
    ratings = dict(zip(records["text"], records["rating"], strict=True))
    assert ratings["ส่งไวมาก ชอบค่ะ"] == 4 and ratings["app crashes every time"] == 1 and ratings["รอของ 2 อาทิตย์"] == 2
    assert pd.isna(ratings["ok lah"]) and pd.isna(ratings["ดีค่ะ"])  # kept, without a rating
    assert len(q) == 1 and "8/10 is written on another scale than stars_1_5" in q["reason"].iloc[0]
    assert tables["data_quality"].set_index("source").at["r", "unreadable_ratings"] == 1  # "ดีมาก"; a blank is none
    assert any("r: 1 record(s) kept without their rating" in w for w in warnings)


def test_a_workbook_with_its_data_on_another_sheet_says_which_sheet_to_set(tmp_path):
    with pd.ExcelWriter(tmp_path / "crm.xlsx") as w:
        pd.DataFrame({"About": ["Export from CRM", "do not edit"]}).to_excel(w, sheet_name="Cover", index=False)
        pd.DataFrame({"comment": ["ส่งช้ามาก", "great service"], "date": ["2026-11-17", "2026-11-18"]}).to_excel(
            w, sheet_name="Data", index=False)
    src = "sources:\n  - {{name: crm, path: crm.xlsx, channel: email,{} columns: {{text: comment, created_at: date}}}}\n"
    (tmp_path / "p.yaml").write_text(src.format(""), encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    with open_store("duckdb", config.store_path) as st:
        with pytest.raises(SourceError) as err:
            ingest_source(config.sources[0], config, st, "r1")
    msg = str(err.value)
    assert "read sheet 'Cover'" in msg and "set `sheet: Data` on the source" in msg
    assert "stay stored" not in msg  # nothing was stored: the message must not say otherwise

    (tmp_path / "p.yaml").write_text(src.format(" sheet: Dta,"), encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    with open_store("duckdb", config.store_path) as st:  # a wrong `sheet:` fails the source, not one quiet file
        with pytest.raises(SourceError, match="no sheet 'Dta'; the workbook has: 'Cover', 'Data'"):
            ingest_source(config.sources[0], config, st, "r2")
        assert st.read_table("quarantine").empty

    (tmp_path / "p.yaml").write_text(src.format(" sheet: Data,"), encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    with open_store("duckdb", config.store_path) as st:
        assert ingest_source(config.sources[0], config, st, "r3").accepted == 2


def _workbook(path, sheets, hidden=()):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)


_ROWS = [["comment", "date"], ["ส่งช้ามาก", "2026-11-17"], ["great service", "2026-11-18"]]
_SRC = "sources:\n  - {{name: crm, path: {path}, channel: email,{sheet} columns: {{text: comment, created_at: date}}}}\n"


def _ingest(tmp_path, path="crm.xlsx", sheet=""):
    (tmp_path / "p.yaml").write_text(_SRC.format(path=path, sheet=sheet), encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    with open_store("duckdb", config.store_path) as st:
        return ingest_source(config.sources[0], config, st, "r1")


@pytest.mark.parametrize("name, setting", [
    ("2026", 'sheet: "2026"'), ("No", 'sheet: "No"'), ("Data #1", 'sheet: "Data #1"'), ("Data ", 'sheet: "Data "'),
    ("ข้อมูล", "sheet: ข้อมูล"),
])
def test_the_sheet_to_set_is_written_so_that_yaml_reads_it_back_as_that_name(tmp_path, name, setting):
    _workbook(tmp_path / "crm.xlsx", {"Cover": [["About"], ["CRM export"]], name: _ROWS})
    with pytest.raises(SourceError) as err:
        _ingest(tmp_path)
    assert f"set `{setting}` on the source" in str(err.value)
    rec = _ingest(tmp_path, sheet=" " + setting + ",")  # the hint, pasted as is, reads the data
    assert rec.accepted == 2


def test_a_numbered_sheet_name_given_unquoted_says_to_quote_it(tmp_path):
    _workbook(tmp_path / "crm.xlsx", {"Cover": [["About"]], "2026": _ROWS})
    with pytest.raises(SourceError, match='no sheet at position 2026.*write `sheet: "2026"`'):
        _ingest(tmp_path, sheet=" sheet: 2026,")


@pytest.mark.parametrize("setting, says", [
    ("sheet: -1", "not a position"), ("sheet: true", "yes/no"), ("sheet: No", "yes/no"), ("sheet: 1.5", "neither"),
])
def test_a_sheet_setting_that_yaml_reads_as_no_name_is_a_config_error(tmp_path, setting, says):
    (tmp_path / "p.yaml").write_text(_SRC.format(path="crm.xlsx", sheet=f" {setting},"), encoding="utf-8")
    with pytest.raises(ConfigError, match=says):
        load_config(tmp_path / "p.yaml")


def test_hidden_sheets_are_skipped_and_an_empty_first_sheet_names_the_one_with_rows(tmp_path):
    _workbook(tmp_path / "crm.xlsx", {"lookup": [["code"], ["x1"]], "Data": _ROWS}, hidden={"lookup"})
    assert _ingest(tmp_path).accepted == 2  # a spreadsheet opens on Data: so does voc

    _workbook(tmp_path / "crm.xlsx", {"Sheet1": [], "Data": _ROWS})
    with pytest.raises(SourceError, match="first sheet 'Sheet1' holds no rows, while sheet 'Data' does: "
                                          "set `sheet: Data`"):
        _ingest(tmp_path)
    assert _ingest(tmp_path, sheet=" sheet: Data,").accepted == 2
    assert _ingest(tmp_path, sheet=" sheet: 0,").accepted == 0  # asked for the empty sheet: nothing, no error


def test_a_later_workbook_without_the_sheet_is_quarantined_while_the_first_ones_load(tmp_path):
    (tmp_path / "in").mkdir()
    _workbook(tmp_path / "in" / "a.xlsx", {"Data": _ROWS})
    _workbook(tmp_path / "in" / "b.xlsx", {"Other": _ROWS})
    rec = _ingest(tmp_path, path="in/*.xlsx", sheet=" sheet: Data,")
    assert rec.accepted == 2 and rec.quarantined == 1


def test_a_phone_a_spreadsheet_stored_as_a_number_never_reaches_the_quarantine(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["comment", "date", "stars", "tel", "nid"])
    ws.append(["ส่งช้ามาก", "2026-11-17", 812345678, 812345678, 1103702071838])  # phone in the rating column
    ws.append(["great service", "2026-11-18", 5, 898765432, None])
    ws.append(["แย่", "2026-11-18", -2, None, None])
    wb.save(tmp_path / "crm.xlsx")
    (tmp_path / "p.yaml").write_text(
        "sources:\n  - {name: crm, path: crm.xlsx, channel: email, rating_scale: stars_1_5,\n"
        "     columns: {text: comment, created_at: date, rating: stars}}\n", encoding="utf-8")
    config = load_config(tmp_path / "p.yaml")
    with open_store("duckdb", config.store_path) as st:
        rec = ingest_source(config.sources[0], config, st, "r1")
        q = st.read_table("quarantine")
    assert rec.quarantined == 2 and rec.accepted == 1
    reasons = " ".join(q["reason"])
    assert "outside its scale stars_1_5" in reasons and "rating -2 outside" in reasons
    assert "812345678" not in reasons and "8.12346e+08" not in reasons and "9 digits, not shown" in reasons
    for raw in q["raw"]:
        assert isinstance(json.loads(raw), dict)  # still JSON: no half-written `"stars": <PHONE>`
        assert "812345678" not in raw and "1103702071838" not in raw
    phone_row = json.loads(q.loc[q["reason"].str.contains("digits"), "raw"].iloc[0])
    assert phone_row["stars"] == "<PHONE>" and phone_row["tel"] == "<PHONE>" and phone_row["nid"] == "<THAI_ID>"
    assert phone_row["comment"] == "ส่งช้ามาก"


def test_a_number_that_is_personal_data_is_replaced_wherever_a_value_is_guarded():
    from voc.privacy import number_pii, redact_pii

    assert redact_pii({"phone": 812345678, "n": 42, "epoch": 1763337600, "ok": True}) == {
        "phone": "<PHONE>", "n": 42, "epoch": 1763337600, "ok": True}
    assert number_pii(1103702071838) == "<THAI_ID>" and number_pii(3.5) is None and number_pii(20261117) is None
