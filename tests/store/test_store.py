"""Store behaviour every backend must show (parametrized over the backends available here)."""

from __future__ import annotations

import pandas as pd
import pytest

from voc.schema import RECORD_COLUMNS
from voc.store import open_store

BACKENDS = ["duckdb", "postgres"]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "postgres":  # skips cleanly without $VOC_TEST_POSTGRES_URL
        yield request.getfixturevalue("postgres_store")
        return
    with open_store(request.param, tmp_path / "voc.duckdb") as st:
        yield st


def records(n: int, week: str = "2026-W47", text: str = "msg {i}", dedup: str = "k{i}") -> pd.DataFrame:
    rows = []
    for i in range(n):
        rows.append({
            "record_id": f"r{i}", "source": "s", "channel": "review",
            "created_at": pd.Timestamp("2026-11-17T03:00:00Z") + pd.Timedelta(minutes=i),
            "iso_week": week, "text": text.format(i=i), "rating": float(i % 5 + 1), "segments": "{}",
            "author_key": None, "metadata": "{}", "dedup_key": dedup.format(i=i), "duplicate_of": None, "run_id": "r",
        })
    return pd.DataFrame(rows, columns=list(RECORD_COLUMNS))


def test_upsert_is_idempotent_and_changed_text_is_updated_and_re_enriched(store):
    assert store.upsert_records(records(3)).new == 3
    res = store.upsert_records(records(3))
    assert (res.new, res.updated, res.unchanged) == (0, 0, 3)
    store.upsert_stage("record_text", pd.DataFrame({
        "record_id": ["r0", "r1", "r2"], "language": "en", "text_clean": "x", "tokens": "x", "topic_tokens": "x",
        "pii_types": "", "flags": "", "near_dup_of": None}))
    changed = records(3)
    changed.loc[1, "text"] = "edited"
    res = store.upsert_records(changed)
    assert (res.new, res.updated) == (0, 1)
    assert store.status()["records"] == 3
    assert store.records_missing("record_text")["record_id"].tolist() == ["r1"]


def test_exact_duplicates_keep_the_earliest_as_original(store):
    df = records(3, dedup="same")
    store.upsert_records(df)
    store.mark_duplicates(["same"])
    got = store.read_table("records").set_index("record_id")["duplicate_of"]
    assert got["r0"] is None or pd.isna(got["r0"])
    assert got["r1"] == "r0" and got["r2"] == "r0"
    assert store.count_duplicates(["r0", "r1", "r2"]) == 2


def test_weekly_rows_are_replaced_not_duplicated(store):
    t1 = pd.DataFrame({"iso_week": ["2026-W47"] * 2, "topic_id": ["T1", "T2"], "volume": [3, 4]})
    store.replace_week("topic_week", "2026-W47", t1)
    store.replace_week("topic_week", "2026-W46", t1.assign(iso_week="2026-W46"))
    store.replace_week("topic_week", "2026-W47", t1.assign(volume=[5, 6]))
    got = store.read_table("topic_week").sort_values(["iso_week", "topic_id"])
    assert got["volume"].tolist() == [3, 4, 5, 6]


def test_enriched_records_join_every_stage(store):
    store.upsert_records(records(2))
    store.upsert_stage("record_sentiment", pd.DataFrame({
        "record_id": ["r0"], "sentiment": ["negative"], "sentiment_confidence": [0.9], "p_positive": [0.05],
        "p_neutral": [0.05], "p_negative": [0.9], "p_question": [0.0], "sentiment_model": ["m@1"]}))
    got = store.enriched_records(["2026-W47"]).set_index("record_id")
    assert got.loc["r0", "sentiment"] == "negative" and pd.isna(got.loc["r1", "sentiment"])
    assert store.enriched_records(["2026-W01"]).empty


def test_meta_and_quarantine_are_kept_once(store):
    store.set_meta("k", "v1")
    store.set_meta("k", "v2")
    assert store.get_meta("k") == "v2" and store.get_meta("missing") is None
    q = pd.DataFrame({"run_id": ["a"], "source": ["s"], "location": ["f:line 2"], "reason": ["missing text"],
                      "raw": ["{}"], "quarantined_at": [pd.Timestamp.now(tz="UTC")]})
    store.add_quarantine(q)
    store.add_quarantine(q.assign(run_id="b"))
    assert store.status()["quarantined"] == 1


def test_bad_table_names_are_refused(store):
    with pytest.raises(ValueError):
        store.read_table("records; drop table records")


# -- the declaration ------------------------------------------------------------------------------
def test_an_undeclared_table_is_refused_with_its_name(store):
    from voc.store import UndeclaredTableError

    weekly = pd.DataFrame({"iso_week": ["2026-W47"], "topic_id": ["T1"], "volume": [3]})
    with pytest.raises(UndeclaredTableError, match="topic_weak"):
        store.replace_week("topic_weak", "2026-W47", weekly)
    with pytest.raises(UndeclaredTableError, match="record_emotion"):
        store.upsert_stage("record_emotion", pd.DataFrame({"record_id": ["r0"]}))
    with pytest.raises(UndeclaredTableError, match="not declared"):
        store.read_table("scratch")
    # a declared table of another kind is refused by the method that does not write it
    with pytest.raises(UndeclaredTableError, match="records"):
        store.replace_week("records", "2026-W47", records(1))
    with pytest.raises(UndeclaredTableError, match="topic_week"):
        store.upsert_stage("topic_week", weekly)
    assert store.status()["records"] == 0


def test_an_undeclared_column_is_an_error_not_dropped(store):
    from voc.store import UndeclaredColumnError

    weekly = pd.DataFrame({"iso_week": ["2026-W47"], "topic_id": ["T1"], "volume": [3], "volume_smoothed": [2.5]})
    with pytest.raises(UndeclaredColumnError, match="'topic_week'.*'volume_smoothed'"):
        store.replace_week("topic_week", "2026-W47", weekly)
    assert store.weekly_table("topic_week").empty
    with pytest.raises(UndeclaredColumnError, match="'records'.*'sentiment'"):
        store.upsert_records(records(2).assign(sentiment="negative"))
    assert store.status()["records"] == 0
    q = pd.DataFrame({"run_id": ["a"], "source": ["s"], "location": ["f:2"], "reason": ["x"], "raw": ["{}"],
                      "email": ["somchai@example.com"]})
    with pytest.raises(UndeclaredColumnError) as err:
        store.add_quarantine(q)
    assert "somchai@example.com" not in str(err.value)  # names the column, never echoes its values
    assert store.quarantine().empty


def test_missing_declared_columns_are_stored_as_null(store):
    from voc.schema import TOPIC_WEEK_COLUMNS

    store.replace_week("topic_week", "2026-W47", pd.DataFrame({"topic_id": ["T1"], "volume": [3]}))
    got = store.weekly_table("topic_week", "2026-W47")
    assert list(got.columns) == list(TOPIC_WEEK_COLUMNS)
    assert got["iso_week"].tolist() == ["2026-W47"]  # rows without a week get the replaced week
    assert got["volume"].tolist() == [3]
    assert got[["topic_label", "share_pct", "quote_1", "is_new"]].isna().all().all()


def test_values_of_the_wrong_type_are_refused_before_anything_changes(store):
    from voc.store import StoreError

    good = pd.DataFrame({"iso_week": ["2026-W47"] * 2, "topic_id": ["T1", "T2"], "volume": [3, 4]})
    store.replace_week("topic_week", "2026-W47", good)
    for column, value in (("volume", "lots"), ("volume", 2.5), ("is_new", "yes"), ("share_pct", "12%")):
        bad = good.assign(**{column: [value, value]})
        with pytest.raises(StoreError, match=f"'topic_week' column '{column}'"):
            store.replace_week("topic_week", "2026-W47", bad)
    with pytest.raises(StoreError, match="created_at"):
        store.upsert_records(records(1).assign(created_at="last Tuesday"))
    assert store.weekly_table("topic_week", "2026-W47")["volume"].tolist() == [3, 4]
    # whole floats and numpy booleans are what pandas gives after a merge: they are fine
    store.replace_week("topic_week", "2026-W47", good.assign(volume=[5.0, float("nan")], is_new=[True, None]))
    got = store.weekly_table("topic_week", "2026-W47").sort_values("topic_id")
    assert got["volume"].iloc[0] == 5 and pd.isna(got["volume"].iloc[1])


def test_a_week_replacement_refuses_rows_of_other_weeks_and_repeated_keys(store):
    from voc.store import StoreError

    rows = pd.DataFrame({"iso_week": ["2026-W47", "2026-W46"], "topic_id": ["T1", "T1"], "volume": [3, 4]})
    with pytest.raises(StoreError, match="2026-W46"):
        store.replace_week("topic_week", "2026-W47", rows)
    with pytest.raises(StoreError, match="share a key"):
        store.replace_week("topic_week", "2026-W47", rows.assign(iso_week="2026-W47"))
    assert store.weekly_table("topic_week").empty


def test_every_weekly_table_of_a_real_week_fits_its_declaration(store):
    """The insight tables the pipeline builds, with the most quotes the config allows, store as they are."""
    from voc.insights.config import InsightsConfig
    from voc.insights.synthetic import (
        planted_records,
        planted_run_log,
        planted_topic_registry,
    )
    from voc.insights.tables import build_weekly_tables
    from voc.schema import TABLES, TOPIC_WEEK_QUOTES, WEEKLY_TABLES

    week = "2026-W47"
    recs = planted_records(week, seed=3)
    config = InsightsConfig(quotes_per_topic=TOPIC_WEEK_QUOTES)
    tables = build_weekly_tables(week, recs, planted_topic_registry(week), planted_run_log(week, recs), config)
    assert all(len(df) for df in tables.values())
    assert set(tables) <= set(WEEKLY_TABLES)
    for name, df in tables.items():
        # a declared column no builder fills would be NULL in every row: drop it from the declaration
        assert set(df.columns) == set(TABLES[name].columns), name
        store.replace_week(name, week, df)
        got = store.weekly_table(name, week)
        assert len(got) == len(df), name
        assert got[list(df.columns)].notna().sum().to_dict() == df.notna().sum().to_dict(), name
    with pytest.raises(ValueError, match="quotes_per_topic"):
        InsightsConfig(quotes_per_topic=TOPIC_WEEK_QUOTES + 1)  # more quotes than columns declared


def test_domain_reads(store):
    log = pd.DataFrame({"run_id": ["a", "a", "b"], "source": ["s", "t", "s"], "iso_week": ["2026-W47"] * 3,
                        "read": [3, 2, 1], "status": ["ok", "failed", "ok"]})
    store.log_run(log)
    assert sorted(store.run_log("a")["source"]) == ["s", "t"] and len(store.run_log()) == 3
    assert store.run_log("zzz").empty and "read" in store.run_log("zzz").columns
    assert list(store.topic_registry().columns)[:2] == ["topic_id", "label"] and store.topic_registry().empty
    registry = pd.DataFrame({"topic_id": ["T0001", "T0002"], "label": ["ส่งของช้า", "login"], "status": "active",
                             "size_last_fit": [12, 7]})
    store.replace_topic_registry(registry)
    store.replace_topic_registry(registry.iloc[:1])  # replaced whole, not appended
    got = store.topic_registry()
    assert got["label"].tolist() == ["ส่งของช้า"] and got["size_last_fit"].tolist() == [12]
    q = pd.DataFrame({"run_id": ["a", "b"], "source": ["s", "s"], "location": ["f:2", "f:3"], "reason": ["x", "y"],
                      "raw": ["{}", "{}"], "quarantined_at": [pd.Timestamp.now(tz="UTC")] * 2})
    store.add_quarantine(q)
    assert store.quarantine("b")["location"].tolist() == ["f:3"] and len(store.quarantine()) == 2


def _old_store(request, tmp_path, ddl: list[str]):
    """Run ``ddl`` (tables as an earlier voc version left them), then open the store over it."""
    if request.param == "postgres":
        from sqlalchemy import create_engine

        from voc.store.postgres_store import PostgresStore

        url = request.getfixturevalue("postgres_url")
        schema = request.getfixturevalue("postgres_schema")
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as con:
            con.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            for statement in ddl:  # the PostgreSQL store always keyed records by record_id
                statement = statement.replace("{pk}", ", PRIMARY KEY (record_id)")
                con.exec_driver_sql(statement.replace("TABLE ", f'TABLE "{schema}".', 1).replace("INTO ", f'INTO "{schema}".', 1))
        engine.dispose()
        return PostgresStore(url, schema=schema)
    import duckdb

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    for statement in ddl:
        con.execute(statement.replace("DOUBLE PRECISION", "DOUBLE").replace("{pk}", ""))
    con.close()
    return open_store("duckdb", tmp_path / "old.duckdb")


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request


def test_a_store_of_the_previous_version_gets_the_declared_columns(backend, tmp_path):
    """Tables made from pandas dtypes (some declared columns missing, one extra) open and keep working."""
    old = [
        "CREATE TABLE records (record_id TEXT, source TEXT, channel TEXT, created_at TIMESTAMPTZ, iso_week TEXT, "
        "text TEXT, rating DOUBLE PRECISION, segments TEXT, author_key TEXT, metadata TEXT, dedup_key TEXT, "
        "duplicate_of TEXT{pk})",
        "INSERT INTO records VALUES ('old1', 's', 'review', '2026-11-16 01:00:00+00', '2026-W47', 'เก่า', 4, '{}', "
        "NULL, '{}', 'k-old', NULL)",
        "CREATE TABLE topic_week (iso_week TEXT, topic_id TEXT, volume BIGINT, share DOUBLE PRECISION)",
        "INSERT INTO topic_week VALUES ('2026-W46', 'T1', 7, 0.5)",
    ]
    with _old_store(backend, tmp_path, old) as st:
        got = st.read_table("records")
        assert list(got.columns) == list(RECORD_COLUMNS)  # run_id added from the declaration
        assert got["text"].tolist() == ["เก่า"] and pd.isna(got["run_id"].iloc[0])
        assert st.upsert_records(records(2)).new == 2
        assert st.read_table("records").set_index("record_id").loc["r1", "run_id"] == "r"
        week = st.weekly_table("topic_week", "2026-W46")
        assert week["volume"].tolist() == [7] and "share" not in week.columns  # the undeclared column is not read
        st.replace_week("topic_week", "2026-W47", pd.DataFrame({"topic_id": ["T1"], "volume": [3], "share_pct": [1.0]}))
        assert st.weekly_table("topic_week", "2026-W47")["share_pct"].tolist() == [1.0]
        assert st.enriched_records(["2026-W47"])["record_id"].tolist() == ["old1", "r0", "r1"]


def test_a_week_replacement_that_fails_midway_leaves_the_week_as_it_was(store, monkeypatch):
    """The old rows are deleted and the new ones loaded in one transaction: a failed load undoes the delete."""
    old = pd.DataFrame({"iso_week": ["2026-W47"] * 2, "topic_id": ["T1", "T2"], "volume": [3, 4]})
    store.replace_week("topic_week", "2026-W47", old)

    def load_fails(*args, **kwargs):
        raise OSError("disk full")

    # the bulk load each backend runs after deleting the week's rows
    monkeypatch.setattr(store, "_insert" if hasattr(store, "con") else "_copy", load_fails)
    with pytest.raises(OSError, match="disk full"):
        store.replace_week("topic_week", "2026-W47", old.assign(volume=[5, 6]))
    monkeypatch.undo()
    assert sorted(store.weekly_table("topic_week", "2026-W47")["volume"]) == [3, 4]


def test_the_topic_tables_are_declared_as_the_topic_stage_writes_them():
    from voc.schema import TOPIC_EVENT_COLUMNS, TOPIC_REGISTRY_COLUMNS
    from voc.topics.registry import EVENT_COLUMNS, REGISTRY_COLUMNS

    assert REGISTRY_COLUMNS == list(TOPIC_REGISTRY_COLUMNS)
    assert EVENT_COLUMNS + ["iso_week"] == list(TOPIC_EVENT_COLUMNS)  # the week is added when stored


def test_stage_rows_reads_only_the_records_of_the_weeks_asked(store):
    """The weekly tables read the clauses of their window's records, not the whole history."""
    store.upsert_records(pd.concat([records(2, week="2026-W46"),
                                    records(2, week="2026-W47").assign(record_id=["s0", "s1"],
                                                                       dedup_key=["m0", "m1"])]))
    store.upsert_stage("record_clauses", pd.DataFrame({
        "record_id": ["r0", "r1", "s0", "s1"], "n_clauses": [0, 0, 1, 0], "clause_version": 1, "sentiment_model": "m@v1",
        "clauses": ["[]", "[]", '[{"text": "a"}]', "[]"]}))
    got = store.stage_rows("record_clauses", ["2026-W47"])
    assert sorted(got["record_id"]) == ["s0", "s1"]
    assert list(got.columns) == list(store.read_table("record_clauses").columns)
    assert got.set_index("record_id").loc["s0", "clauses"] == '[{"text": "a"}]'
    assert store.stage_rows("record_clauses", []).empty
    assert len(store.stage_rows("record_clauses", ["2026-W46", "2026-W47"])) == 4
