"""`voc ingest FILE` as a user runs it: one source per file path, the channel kept, errors readable."""

from typer.testing import CliRunner

from voc.cli import app
from voc.store import open_store

runner = CliRunner()


def _ingest(path, store, channel="review", *extra):
    return runner.invoke(app, ["ingest", str(path), "--channel", channel, "--text-column", "text",
                               "--time-column", "time", "--id-column", "id", "--store", str(store), *extra],
                         env={"COLUMNS": "80"})


def test_two_exports_with_the_same_name_from_different_folders_are_two_sources(tmp_path):
    for folder, text in (("shop_a", "สินค้าดีมาก"), ("shop_b", "delivery was late")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "export.csv").write_text(f"id,text,time\n1,{text},2026-11-20 10:00\n", encoding="utf-8")
    store = tmp_path / "voc.duckdb"
    for folder in ("shop_a", "shop_b"):
        result = _ingest(tmp_path / folder / "export.csv", store)
        assert result.exit_code == 0, result.output
    with open_store("duckdb", store) as st:
        records = st.read_table("records")
    assert sorted(records["text"]) == ["delivery was late", "สินค้าดีมาก"]  # same id "1", nothing overwritten
    assert records["source"].nunique() == 2 and all(s.startswith("export-") for s in records["source"])
    # a reload of the same file is the same source: nothing new
    again = _ingest(tmp_path / "shop_a" / "export.csv", store)
    assert again.exit_code == 0
    with open_store("duckdb", store) as st:
        assert len(st.read_table("records")) == 2


def test_a_later_ingest_with_another_channel_is_refused_with_a_message(tmp_path):
    f = tmp_path / "ไฟล์ลูกค้า.csv"  # a Thai file name still gives a valid source name
    f.write_text("id,text,time\n1,แชทหลุดบ่อย,2026-11-20 10:00\n", encoding="utf-8")
    store = tmp_path / "voc.duckdb"
    assert _ingest(f, store, "chat").exit_code == 0
    refused = _ingest(f, store, "review")
    assert refused.exit_code != 0
    assert "was loaded before as channel 'chat'" in str(refused.exception)
    with open_store("duckdb", store) as st:
        records = st.read_table("records")
    assert list(records["channel"]) == ["chat"]
    assert _ingest(f, store, "chat").exit_code == 0


def test_reconciliation_errors_are_printed_whole_below_the_table_at_80_columns(tmp_path):
    deep = tmp_path / "exports_from_the_crm_system" / "november_2026" / "branch_siam_paragon"
    deep.mkdir(parents=True)
    (deep / "reviews.csv").write_text("id,body,time\n1,ดีมาก,2026-11-20 10:00\n", encoding="utf-8")
    cfg = tmp_path / "p.yaml"
    cfg.write_text(f"sources:\n  - {{name: crm_reviews, path: '{deep}/reviews.csv', channel: review, "
                   "columns: {text: text, created_at: time}}\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", "--config", str(cfg)], env={"COLUMNS": "80"})
    assert result.exit_code == 1
    lines = result.output.splitlines()
    table = [line for line in lines if "crm_reviews" in line and not line.startswith("[")]  # the table's row
    assert len(table) == 1 and all(len(line) <= 80 for line in table)  # the name whole on one row
    path = str(deep / "reviews.csv")
    assert any(line.strip().rstrip(":") == path for line in lines)  # on a line of its own, never cut
    assert any("column(s) 'text' not found" in line for line in lines)
    assert any("failed [1]" in line for line in table)
