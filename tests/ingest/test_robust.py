"""One bad row costs one row: each value a parser cannot take is quarantined alone, the source and the
sources after it go on; paths and config are checked before anything is read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from voc.config import ConfigError, load_config
from voc.ingest.files import iter_file
from voc.pipeline import ingest_all
from voc.store import open_store

GOOD = [("g1", "ส่งของเร็วมาก ขอบคุณครับ", "2026-11-20 10:00"), ("g2", "app works fine now", "2026-11-21 09:30")]
NEXT_SOURCE = "  - {name: after, path: after.csv, channel: review, columns: {text: text, created_at: time, id: id}}\n"


def _csv(rows) -> str:
    return "id,text,time\n" + "".join(f"{i},{t},{w}\n" for i, t, w in rows)


def _jsonl(objs) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def _good_objs():
    return [{"id": i, "text": t, "time": w} for i, t, w in GOOD]


def _write_bad_source(kind: str, d: Path) -> str:
    """Write a source with one bad row (or file) between good ones; returns its path in the config."""
    g1, g2 = GOOD
    if kind == "year 2999":
        (d / "bad.csv").write_text(_csv([g1, ("b", "from the far future", "2999-01-01 10:00"), g2]), encoding="utf-8")
        return "bad.csv"
    if kind == "out-of-range timestamp":
        objs = _good_objs()
        objs.insert(1, {"id": "b", "text": "epoch far out", "time": 1e300})
        objs.insert(2, {"id": "b2", "text": "year 99999", "time": "99999-01-01"})
        (d / "bad.jsonl").write_text(_jsonl(objs), encoding="utf-8")
        return "bad.jsonl"
    if kind == "lone surrogate":
        lines = _jsonl(_good_objs()).splitlines()
        lines.insert(1, '{"id": "b", "text": "broken \\ud83d emoji half", "time": "2026-11-20 10:00"}')
        (d / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return "bad.jsonl"
    if kind == "100,000-deep JSON":
        deep = '{"id": "b", "text": "deep", "time": "2026-11-20", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
        lines = _jsonl(_good_objs()).splitlines()
        lines.insert(1, deep)
        (d / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return "bad.jsonl"
    if kind == "deep JSON in a mapped column":
        objs = _good_objs()
        nested: object = "x"
        for _ in range(500):
            nested = [nested]
        objs.insert(1, {"id": "b", "text": "nested meta", "time": "2026-11-20", "meta": nested})
        for o in objs:
            o.setdefault("meta", 1)
        (d / "bad.jsonl").write_text(_jsonl(objs), encoding="utf-8")
        return "bad.jsonl"
    if kind == "TIS-620 file name":
        folder = d / "thai"
        folder.mkdir()
        name = os.fsencode(folder) + b"/" + "รีวิวลูกค้า.csv".encode("cp874")
        with open(name, "wb") as f:
            f.write(_csv([g1]).encode("utf-8"))
        (folder / "plain.csv").write_text(_csv([g2]), encoding="utf-8")
        return "thai/*.csv"
    if kind == "Parquet bytes column":
        pd.DataFrame({"id": ["g1", "b", "g2"], "text": [g1[1].encode(), b"\xff\xfe\x00binary", g2[1].encode()],
                      "time": [g1[2], "2026-11-20", g2[2]]}).to_parquet(d / "bad.parquet")
        return "bad.parquet"
    if kind == "NUL in a small text file":
        (d / "bad.csv").write_text(_csv([g1, ("b", "nul\x00inside", "2026-11-20"), g2]), encoding="utf-8")
        return "bad.csv"
    raise AssertionError(kind)


KINDS = {  # failure kind -> (rows quarantined, words the reason must hold)
    "year 2999": (1, "date"),
    "out-of-range timestamp": (2, "date"),
    "lone surrogate": (1, "lone surrogate"),
    "100,000-deep JSON": (1, "nested too deep"),
    "deep JSON in a mapped column": (1, "nested deeper than"),
    "TIS-620 file name": (0, ""),
    "Parquet bytes column": (1, "binary data"),
    "NUL in a small text file": (1, "control characters"),
}


def _run(tmp_path: Path, sources_yaml: str):
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n" + sources_yaml, encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        recs = ingest_all(config, st, "run")
        return recs, st.read_table("records"), st.read_table("quarantine")


@pytest.mark.parametrize("kind", list(KINDS))
def test_one_bad_row_costs_one_row_and_the_next_source_still_runs(tmp_path, kind):
    path = _write_bad_source(kind, tmp_path)
    (tmp_path / "after.csv").write_text(_csv([("n1", "the next source is read too", "2026-11-22 08:00")]),
                                        encoding="utf-8")
    meta = ", metadata: [meta]" if kind == "deep JSON in a mapped column" else ""
    recs, rows, q = _run(tmp_path, f"  - {{name: bad, path: '{path}', channel: review, "
                                   f"columns: {{text: text, created_at: time, id: id{meta}}}}}\n" + NEXT_SOURCE)
    bad, after = recs
    n_q, reason = KINDS[kind]
    assert bad.status == "ok" and bad.balanced, bad.as_dict()
    assert bad.accepted == 2 and bad.quarantined == n_q, bad.as_dict()
    assert set(rows.loc[rows["source"] == "bad", "text"]) == {GOOD[0][1], GOOD[1][1]}
    assert (q["reason"].str.contains(reason)).all() and len(q) == n_q
    assert after.status == "ok" and after.accepted == 1
    # the quarantine keeps the raw row, and every stored string is valid Unicode
    for col in ("location", "reason", "raw"):
        assert all(s.encode("utf-8") for s in q[col])


def test_a_tis620_file_name_is_stored_as_escapes_not_mojibake(tmp_path):
    _write_bad_source("TIS-620 file name", tmp_path)
    _, rows, _ = _run(tmp_path, "  - {name: t, path: 'thai/*.csv', channel: review, columns: {text: text}}\n")
    locations = {t: json.loads(m)["location"] for t, m in zip(rows["text"], rows["metadata"], strict=True)}
    assert locations[GOOD[1][1]].endswith("/thai/plain.csv:line 2")
    # the name's bytes, as ls -b shows them: \xc3\xd5... for รีวิว
    assert locations[GOOD[0][1]].endswith("/thai/\\xc3\\xd5\\xc7\\xd4\\xc7\\xc5\\xd9\\xa1\\xa4\\xe9\\xd2.csv:line 2")


def test_jsonl_is_split_on_newline_only(tmp_path):
    objs = [{"id": 1, "text": "บรรทัดแรก\u2028ยังเป็นข้อความเดียวกัน", "time": "2026-11-20"},
            {"id": 2, "text": "next\u0085line", "time": "2026-11-20"},
            {"id": 3, "text": "a raw \r inside a string is not JSON, but one line", "time": "2026-11-20"}]
    (tmp_path / "a.jsonl").write_bytes(
        "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs).replace("\\r", "\r").encode("utf-8"))
    (rec,), rows, q = _run(tmp_path, "  - {name: a, path: a.jsonl, channel: forum,"
                                     " columns: {text: text, created_at: time, id: id}}\n")
    assert (rec.read, rec.accepted, rec.quarantined) == (3, 2, 1)
    assert q["location"].str.endswith("a.jsonl:line 3").all() and "control character" in q["reason"].iloc[0]
    assert any(t.startswith("บรรทัดแรก") and t.endswith("เดียวกัน") for t in rows["text"])
    assert any(t.startswith("next") and t.endswith("line") for t in rows["text"])


def test_a_value_that_breaks_the_date_parser_costs_only_its_row(tmp_path, monkeypatch):
    """Whatever a parser bug does with one value, the other rows of the chunk are stored."""
    import voc.ingest.records as records

    real = records.read_times

    def fragile(values, *a, **k):
        if any(v == "2026-11-20 13:13" for v in values):
            raise AssertionError("Something has gone wrong, please report a bug")
        return real(values, *a, **k)

    monkeypatch.setattr(records, "read_times", fragile)
    rows = [(f"r{i}", f"message {i}", "2026-11-20 13:13" if i == 37 else "2026-11-20 10:00") for i in range(100)]
    (tmp_path / "a.csv").write_text(_csv(rows), encoding="utf-8")
    (rec,), stored, q = _run(tmp_path, "  - {name: a, path: a.csv, channel: review,"
                                       " columns: {text: text, created_at: time, id: id}}\n")
    assert (rec.accepted, rec.quarantined) == (99, 1)
    assert q["location"].tolist() == [f"{tmp_path / 'a.csv'}:line 39"]
    assert "AssertionError" in q["reason"].iloc[0]


def test_an_unexpected_error_fails_only_its_source_and_ingest_config_goes_on(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import voc.ingest.run as run
    from voc.cli import app

    real = run.iter_source

    def broken(src, *a, **k):
        if src.name == "first":
            raise KeyError("a bug")
        return real(src, *a, **k)

    monkeypatch.setattr(run, "iter_source", broken)
    (tmp_path / "a.csv").write_text(_csv([GOOD[0]]), encoding="utf-8")
    (tmp_path / "after.csv").write_text(_csv([GOOD[1]]), encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n  - {name: first, path: a.csv, channel: review, columns: {text: text}}\n"
                   + NEXT_SOURCE, encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", "--config", str(cfg)])
    assert result.exit_code == 1 and "after" in result.output
    with open_store("duckdb", tmp_path / "voc.duckdb") as st:
        assert st.read_table("records")["source"].tolist() == ["after"]
        log = st.read_table("run_log").set_index("source")
    assert log.loc["first", "status"] == "failed" and log.loc["after", "status"] == "ok"
    assert "unexpected KeyError" in log.loc["first", "error"]


# -- paths and config ---------------------------------------------------------------------------------


def test_globs_read_each_real_file_once_and_never_follow_link_loops(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.csv").write_text(_csv([GOOD[0]]), encoding="utf-8")
    (d / "sub" / "b.csv").write_text(_csv([GOOD[1]]), encoding="utf-8")
    (d / "same-as-a.csv").symlink_to(d / "a.csv")
    (d / "sub" / "loop").symlink_to(d)  # in/sub/loop/sub/loop/... forever
    (d / "sub" / "self").symlink_to(d / "sub")
    (rec,), rows, _ = _run(tmp_path, "  - {name: f, path: 'in/**/*.csv', channel: review,"
                                     " columns: {text: text, created_at: time, id: id}}\n")
    assert rec.read == 2 and sorted(rows["text"]) == sorted([GOOD[0][1], GOOD[1][1]])


def test_a_source_outside_the_config_folder_needs_allow_outside(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "r.csv").write_text(_csv([GOOD[0]]), encoding="utf-8")
    conf = tmp_path / "conf"
    conf.mkdir()
    cfg = conf / "p.yaml"
    for path in ("../elsewhere/r.csv", str(outside / "r.csv"), "../elsewhere/*.csv", "inputs/*/../../../elsewhere/*.csv"):
        cfg.write_text(f"sources:\n  - {{name: s, path: '{path}', channel: review, columns: {{text: text}}}}\n",
                       encoding="utf-8")
        with pytest.raises(ConfigError, match="outside the config's folder.*allow_outside: true"):
            load_config(cfg)
    cfg.write_text("sources:\n  - {name: s, path: ../elsewhere/r.csv, allow_outside: true, channel: review,"
                   " columns: {text: text}}\n", encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        (rec,) = ingest_all(config, st, "r")
    assert rec.accepted == 1


def test_a_link_inside_the_folder_to_a_file_outside_is_quarantined_not_read(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("id,text\n1,somchai@example.com 0812345678\n", encoding="utf-8")
    conf = tmp_path / "conf"
    (conf / "in").mkdir(parents=True)
    (conf / "in" / "ok.csv").write_text(_csv([GOOD[0]]), encoding="utf-8")
    (conf / "in" / "sneaky.csv").symlink_to(secret)
    cfg = conf / "p.yaml"
    cfg.write_text("sources:\n  - {name: s, path: 'in/*.csv', channel: review, columns: {text: text}}\n",
                   encoding="utf-8")
    config = load_config(cfg)
    with open_store("duckdb", config.store_path) as st:
        (rec,) = ingest_all(config, st, "r")
        rows, q = st.read_table("records"), st.read_table("quarantine")
    assert rec.accepted == 1 and rec.quarantined == 1 and rec.balanced
    assert "outside the config's folder" in q["reason"].iloc[0]
    assert not rows["text"].str.contains("somchai").any()


def test_file_contents_never_appear_in_an_error(tmp_path):
    # a file without a header row: its first line is a customer's message, not column names
    (tmp_path / "r.csv").write_text("1,โทรหาผม 0812345678 หรือ somchai@example.com,2026-11-20\n"
                                    "2,second message,2026-11-21\n", encoding="utf-8")
    recs, _, _ = _run(tmp_path, "  - {name: s, path: r.csv, channel: review, columns: {text: text}}\n")
    assert recs[0].status == "failed" and "'text'" in recs[0].error
    assert "0812345678" not in recs[0].error and "somchai" not in recs[0].error
    assert "header row" in recs[0].error


def test_source_time_zones_are_checked_when_the_config_loads(tmp_path):
    cfg = tmp_path / "p.yaml"
    cfg.write_text("sources:\n  - {name: s, path: r.csv, channel: review, timezone: Asia/Bankok,"
                   " columns: {text: text}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\[s\]\.timezone.*unknown time zone 'Asia/Bankok'"):
        load_config(cfg)


def test_a_store_path_that_is_not_a_database_is_refused_untouched(tmp_path):
    from voc.store.duckdb_store import StoreOpenError

    f = tmp_path / "reviews.csv"
    f.write_text(_csv([GOOD[0]]), encoding="utf-8")
    before = f.read_bytes()
    with pytest.raises(StoreOpenError, match="not a DuckDB database") as e:
        open_store("duckdb", f)
    assert "\n" not in str(e.value) and f.read_bytes() == before
    with pytest.raises(StoreOpenError, match="is a folder"):
        open_store("duckdb", tmp_path)


# -- streaming ----------------------------------------------------------------------------------------


def test_chunked_ingest_counts_and_locations_match_a_single_chunk(tmp_path):
    """Bad rows, within-file duplicate ids and cross-chunk duplicates land the same at any chunk size."""
    from voc.ingest.run import ingest_source

    rows = []
    for i in range(5_000):
        when = "not a date" if i % 997 == 0 else f"2026-11-{16 + i % 7:02d} {i % 24:02d}:00"
        rid = f"r{i - 2500}" if i >= 4_990 else f"r{i}"  # the last 10 repeat ids from the middle of the file
        text = "same complaint" if i in (10, 4_000) else f"message {i} ส่งช้า"
        rows.append((rid, text, when))
    (tmp_path / "big.csv").write_text(_csv(rows), encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    results = []
    for chunk_rows in (5_000_000, 700):
        store = tmp_path / f"s{chunk_rows}.duckdb"
        cfg.write_text(f"store: {{path: {store.name}}}\nsources:\n  - {{name: big, path: big.csv, channel: review,"
                       " columns: {text: text, created_at: time, id: id}}\n", encoding="utf-8")
        config = load_config(cfg)
        with open_store("duckdb", config.store_path) as st:
            rec = ingest_source(config.sources[0], config, st, "r", chunk_rows=chunk_rows)
            q = sorted(st.read_table("quarantine")["location"].str.rsplit(" ", n=1).str[1].astype(int))
            n = st.status()
        results.append((rec.read, rec.accepted, rec.duplicates, rec.quarantined, q, n["records"], n["duplicates"]))
    assert results[0] == results[1]
    read, accepted, duplicates, quarantined, q_lines, _, _ = results[1]
    assert (read, quarantined) == (5_000, 6) and accepted + duplicates + quarantined == read
    assert q_lines == [i + 2 for i in range(0, 5_000, 997)]
    # 10 repeated ids; the same complaint twice on the same day without an author is two voices (issue #13)
    assert duplicates == 10


def test_big_files_are_read_in_bounded_chunks(tmp_path):
    f = tmp_path / "big.csv"
    f.write_text(_csv([(f"r{i}", f"text {i}", "2026-11-20") for i in range(2_345)]), encoding="utf-8")
    j = tmp_path / "big.jsonl"
    j.write_text(_jsonl([{"id": i, "text": f"t{i}"} for i in range(2_345)]), encoding="utf-8")
    for path in (f, j):
        sizes = [c.read for c in iter_file(path, chunk_rows=1_000)]
        assert sizes == [1_000, 1_000, 345]


def test_a_streamed_file_is_decoded_as_what_it_is_past_its_first_block(tmp_path, monkeypatch):
    """The encoding is chosen on the first block, then checked over the whole file as it streams."""
    import voc.ingest.encoding as encoding

    monkeypatch.setattr(encoding, "SAMPLE_BYTES", 1024)
    ascii_top = "id,text\n" + "".join(f"{i},hello number {i}\n" for i in range(200))
    thai = tmp_path / "thai-late.csv"
    thai.write_bytes((ascii_top + "999,ส่งของช้ามาก\n").encode("cp874"))
    latin = tmp_path / "latin-late.csv"
    latin.write_bytes(ascii_top.encode("utf-8") + "999,café crème\n".encode("latin-1"))
    long_line = tmp_path / "long-line.csv"
    long_line.write_text("id,text\n1," + "ก" * 2000 + "\n", encoding="utf-8")
    (rec_thai, rec_latin, rec_long), rows, q = _run(tmp_path, "".join(
        f"  - {{name: {p.stem.replace('-', '_')}, path: {p.name}, channel: review, columns: {{text: text}}}}\n"
        for p in (thai, latin, long_line)))
    assert rec_thai.accepted == 201 and "ส่งของช้ามาก" in set(rows["text"])
    assert rec_latin.quarantined == 1 and rec_latin.accepted == 0  # never stored as mojibake
    assert "does not decode as utf-8" in q["reason"].iloc[0]
    assert rec_long.accepted == 1


def test_a_missing_column_error_lists_thai_header_names(tmp_path):
    (tmp_path / "r.csv").write_text("รหัส,ข้อความ,วันที่\n1,ส่งของช้ามาก,2026-11-20\n", encoding="utf-8")
    (rec,), _, _ = _run(tmp_path, "  - {name: s, path: r.csv, channel: review, columns: {text: text}}\n")
    assert rec.status == "failed" and "the file has: ข้อความ, รหัส, วันที่" in rec.error
