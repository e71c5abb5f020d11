"""PostgreSQL store behaviour beyond the shared store tests: secrets, schemas, awkward text, several workers."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from voc.schema import RECORD_COLUMNS
from voc.store import stores
from voc.store.errors import StoreError


def records(n: int, week: str = "2026-W47", start: int = 0) -> pd.DataFrame:
    rows = []
    for i in range(start, start + n):
        rows.append({
            "record_id": f"r{i}", "source": "s", "channel": "review",
            "created_at": pd.Timestamp("2026-11-17T03:00:00Z") + pd.Timedelta(minutes=i),
            "iso_week": week, "text": f"msg {i}", "rating": float(i % 5 + 1), "segments": "{}",
            "author_key": None, "metadata": "{}", "dedup_key": f"k{i}", "duplicate_of": None, "run_id": "r",
        })
    return pd.DataFrame(rows, columns=list(RECORD_COLUMNS))


def _plain(df: pd.DataFrame) -> list[dict]:
    """Rows with every missing value as None, so two backends' frames compare by content."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


# -- no server needed ----------------------------------------------------------------------------
def test_the_backend_is_registered_as_postgres():
    import voc.store.postgres_store as pg

    assert stores.get("postgres") is pg.PostgresStore


def test_a_masked_url_hides_the_password():
    from voc.store.postgres_store import mask_url

    masked = mask_url("postgresql+psycopg://voc:s3cr3t-pw@db.example:5432/voc")
    assert "s3cr3t-pw" not in masked
    assert masked.startswith("postgresql+psycopg://voc:") and "db.example:5432/voc" in masked


def test_a_url_of_another_database_is_refused_without_showing_its_password():
    from voc.store.postgres_store import PostgresStore

    with pytest.raises(ValueError) as err:
        PostgresStore("mysql://voc:s3cr3t-pw@db.example/voc")
    assert "PostgreSQL" in str(err.value) and "s3cr3t-pw" not in str(err.value)


def test_an_unreachable_server_fails_with_one_line_and_no_password():
    from voc.store.postgres_store import PostgresStore

    pytest.importorskip("psycopg")
    # port 1 on loopback: refused at once, no network needed
    with pytest.raises(RuntimeError) as err:
        PostgresStore("postgresql+psycopg://voc:s3cr3t-pw@127.0.0.1:1/voc?connect_timeout=2")
    msg = str(err.value)
    assert "s3cr3t-pw" not in msg and "127.0.0.1:1" in msg and "\n" not in msg


# -- against the server named by VOC_TEST_POSTGRES_URL ---------------------------------------------
def test_a_wrong_password_is_reported_without_it(postgres_url):
    from sqlalchemy.engine import make_url

    from voc.store.postgres_store import PostgresStore

    bad = make_url(postgres_url).set(password="not-the-password-xyz").render_as_string(hide_password=False)
    with pytest.raises(RuntimeError) as err:
        PostgresStore(bad)
    assert "not-the-password-xyz" not in str(err.value) and "cannot open store" in str(err.value)


def test_schemas_keep_pipelines_apart_and_data_outlives_the_connection(postgres_url, postgres_schema):
    from voc.store.postgres_store import PostgresStore

    other = postgres_schema + "_b"
    try:
        with PostgresStore(postgres_url, schema=postgres_schema) as a, PostgresStore(postgres_url, schema=other) as b:
            a.upsert_records(records(3))
            b.upsert_records(records(1))
            a.set_meta("author_salt", "A")
            assert (a.status()["records"], b.status()["records"]) == (3, 1)
            assert b.get_meta("author_salt") is None
        with PostgresStore(postgres_url, schema=postgres_schema) as again:
            assert again.status()["records"] == 3 and again.get_meta("author_salt") == "A"
    finally:
        with PostgresStore(postgres_url, schema=other) as b:
            with b._cursor() as cur:
                cur.execute(f'DROP SCHEMA "{other}" CASCADE')


def test_awkward_text_round_trips_exactly(postgres_store):
    awkward = ["tab\there", "line\nbreak\r\nwindows", "back\\slash", r"\N", "", "ดีมากกกก 555 👍",
               "zero\u200bwidth", "quote ' and \" and %s and ?", "x" * 100_000]
    df = records(len(awkward))
    df["text"] = awkward
    df.loc[0, "author_key"] = ""  # empty text is not NULL
    postgres_store.upsert_records(df)
    got = postgres_store.read_table("records").set_index("record_id").loc[df["record_id"]]
    assert got["text"].tolist() == awkward
    assert got["author_key"].tolist() == [""] + [None] * (len(awkward) - 1)
    # reloading the same rows changes nothing: the stored values compare equal to the incoming ones
    res = postgres_store.upsert_records(df)
    assert (res.new, res.updated, res.unchanged) == (0, 0, len(awkward))
    # PostgreSQL text cannot hold NUL: the character is dropped rather than the whole batch failing
    nul = records(1, start=100).assign(text="before\x00after")
    assert postgres_store.upsert_records(nul).new == 1
    stored = postgres_store.read_table("records").set_index("record_id")
    assert stored.loc["r100", "text"] == "beforeafter"


def test_postgres_returns_what_duckdb_returns(postgres_store, tmp_path):
    """Same calls on both backends give the same enriched rows, columns, order and column kinds."""
    from voc.store import open_store

    df = records(4)
    df.loc[2, "rating"] = None
    df.loc[3, "created_at"] = pd.Timestamp("2026-11-16T23:30:00+07:00")  # another zone: stored as UTC
    sentiment = pd.DataFrame({
        "record_id": ["r1", "r3"], "sentiment": ["negative", "positive"], "sentiment_confidence": [0.9, 0.6],
        "p_positive": [0.05, 0.6], "p_neutral": [0.05, 0.3], "p_negative": [0.9, 0.1], "p_question": [0.0, 0.0],
        "sentiment_model": ["m@1", "m@1"]})
    text = pd.DataFrame({"record_id": ["r0"], "language": ["th"], "text_clean": ["x"], "tokens": ["x"],
                         "topic_tokens": ["x"], "pii_types": [""], "flags": [""], "near_dup_of": [None]})
    weekly = pd.DataFrame({"iso_week": ["2026-W47"] * 2, "topic_id": ["T1", "T2"], "volume": [3, 4],
                           "share_pct": [0.25, 0.75], "is_emerging": [True, False]})
    log = pd.DataFrame({"run_id": ["a", "a"], "source": ["s", "t"], "iso_week": ["2026-W47", None], "read": [3, 0],
                        "status": ["ok", "failed"], "started_at": pd.to_datetime(["2026-11-17", None], utc=True)})
    with open_store("duckdb", tmp_path / "voc.duckdb") as duck:
        got = {}
        for name, st in (("duckdb", duck), ("postgres", postgres_store)):
            st.upsert_records(df)
            st.upsert_stage("record_sentiment", sentiment)
            st.upsert_stage("record_text", text)
            st.replace_week("topic_week", "2026-W47", weekly)
            st.log_run(log)
            got[name] = (st.enriched_records(["2026-W47"]), st.weekly_table("topic_week", "2026-W47"), st.status(),
                         st.run_log("a"))
    (e_duck, w_duck, s_duck, l_duck), (e_pg, w_pg, s_pg, l_pg) = got["duckdb"], got["postgres"]
    assert list(e_pg.columns) == list(e_duck.columns)
    assert e_pg["record_id"].tolist() == ["r3", "r0", "r1", "r2"]  # by created_at, as DuckDB orders them
    assert _plain(e_pg) == _plain(e_duck)
    assert str(e_pg["created_at"].dtype) == "datetime64[us, UTC]"
    assert e_pg.loc[e_pg["record_id"] == "r0", "sentiment"].iloc[0] is None  # NULL text is None, not NaN
    assert _plain(w_pg) == _plain(w_duck)
    assert list(w_pg.columns) == list(w_duck.columns)  # every declared column, the missing ones NULL
    assert w_pg[["iso_week", "topic_id", "volume", "share_pct", "is_emerging"]].dtypes.astype(str).to_dict() == {
        "iso_week": "object", "topic_id": "object", "volume": "int64", "share_pct": "float64", "is_emerging": "bool"}
    assert w_pg["quote_1"].isna().all() and w_duck["quote_1"].isna().all()
    assert _plain(l_pg.sort_values("source")) == _plain(l_duck.sort_values("source"))
    assert str(l_pg["started_at"].dtype) == "datetime64[us, UTC]"
    assert s_pg == s_duck


def test_domain_reads_take_awkward_values_as_values(postgres_store):
    """A run id or week holding ?, %s, quotes or % is a value to match, never SQL."""
    odd = "it's 100% ? %s \" done"
    log = pd.DataFrame({"run_id": [odd, "plain"], "source": ["s", "s"], "iso_week": ["2026-W47", "2026-W47"]})
    postgres_store.log_run(log)
    assert postgres_store.run_log(odd)["run_id"].tolist() == [odd]
    assert postgres_store.run_log("it's 100%").empty
    assert len(postgres_store.run_log()) == 2


def test_workers_loading_the_same_batch_at_once_store_each_record_once(postgres_url, postgres_schema):
    from voc.store.postgres_store import PostgresStore

    batch = records(2000)
    results, errors = [], []

    def worker():
        try:
            with PostgresStore(postgres_url, schema=postgres_schema) as st:
                results.append(st.upsert_records(batch))
                st.add_quarantine(pd.DataFrame({
                    "run_id": ["x"], "source": ["s"], "location": ["f:line 2"], "reason": ["missing text"],
                    "raw": ["{}"], "quarantined_at": [pd.Timestamp.now(tz="UTC")]}))
                st.replace_week("topic_week", "2026-W47", pd.DataFrame({"iso_week": ["2026-W47"], "topic_id": ["T1"], "volume": [1]}))
        except Exception as e:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sum(r.new for r in results) == 2000 and all(r.new + r.unchanged == 2000 for r in results)
    with PostgresStore(postgres_url, schema=postgres_schema) as st:
        s = st.status()
        assert (s["records"], s["quarantined"]) == (2000, 1)
        assert len(st.read_table("topic_week")) == 1


def test_a_failed_weekly_replacement_leaves_the_week_as_it_was(postgres_store):
    old = pd.DataFrame({"iso_week": ["2026-W47"] * 2, "topic_id": ["T1", "T2"], "volume": [3, 4]})
    postgres_store.replace_week("topic_week", "2026-W47", old)
    bad = pd.DataFrame({"iso_week": ["2026-W47"], "topic_id": ["T1"], "volume": ["not a number"]})
    with pytest.raises(StoreError):
        postgres_store.replace_week("topic_week", "2026-W47", bad)
    assert postgres_store.read_table("topic_week")["volume"].tolist() == [3, 4]
