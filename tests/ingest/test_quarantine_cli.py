"""A data engineer sees what was quarantined and why without opening DuckDB; `voc status` asks for its store."""

from __future__ import annotations

import re

import pandas as pd
import yaml
from typer.testing import CliRunner

from voc import pipeline
from voc.cli import app
from voc.config import load_config

runner = CliRunner()


def _flat(text: str) -> str:
    return re.sub(r"[│╭╮╰╯─\s]+", " ", text)  # rich draws usage errors in a wrapped box


def _project(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "app.csv").write_text(
        "id,body,at\n"
        "m1,แอปเด้งบ่อยมากกก 555,2026-11-17 10:00\n"
        "m2,โทรหาผมที่ 081-234-5678 ด่วน,เมื่อวาน\n"  # a relative date: no calendar date
        "m3,\u200b\u200b,2026-11-18 09:00\n"  # zero-width only: empty after cleaning
        "m4,great service thx!!,2026-11-19 20:00\n",
        encoding="utf-8",
    )
    pd.DataFrame({"ticket": ["t1", "t2"], "msg": ["รอคิวนานมาก", "refund please"],
                  "ts": ["2026-11-18 08:00", "31/02/2026 10:00"]}).to_csv(tmp_path / "in" / "desk.csv", index=False)
    cfg = {"store": {"path": "data/voc.duckdb"}, "sources": [
        {"name": "app", "path": "in/app.csv", "channel": "review", "columns": {"text": "body", "created_at": "at", "id": "id"}},
        {"name": "desk", "path": "in/desk.csv", "channel": "email", "columns": {"text": "msg", "created_at": "ts", "id": "ticket"}},
    ]}
    path = tmp_path / "voc.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    (tmp_path / "data").mkdir()
    return path


def test_ingest_prints_the_store_and_quarantine_list_shows_each_reason(tmp_path, monkeypatch):
    cfg = _project(tmp_path)
    monkeypatch.chdir(tmp_path / "in")  # commands work from any folder: paths are the config's
    res = runner.invoke(app, ["ingest", "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    assert f"store: {tmp_path / 'data' / 'voc.duckdb'}" in res.output
    assert "voc quarantine list --config" in res.output

    res = runner.invoke(app, ["quarantine", "list", "--config", str(cfg), "--output", str(tmp_path / "q.csv")])
    assert res.exit_code == 0, res.output
    assert "3 quarantined rows in" in res.output
    lines = res.output.splitlines()
    relative = next(line for line in lines if "app.csv:line 3" in line)
    assert "relative date 'เมื่อวาน' has no calendar date" in relative
    assert any("app.csv:line 4" in line and "empty after cleaning" in line for line in lines)
    assert any("desk.csv" in line and "desk" in line for line in lines)
    assert "081-234-5678" not in res.output
    exported = pd.read_csv(tmp_path / "q.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(exported.columns[:4]) == ["iso_week", "source", "location", "reason"]
    assert len(exported) == 3 and exported["raw"].str.contains("<PHONE>").any()
    assert not exported["raw"].str.contains("081-234-5678").any()

    res = runner.invoke(app, ["quarantine", "list", "--config", str(cfg), "--source", "desk"])
    assert res.exit_code == 0 and "1 quarantined rows from source 'desk'" in res.output
    assert "app.csv" not in res.output


def test_week_filter_uses_the_week_of_the_run(tmp_path):
    cfg_path = _project(tmp_path)
    cfg = load_config(cfg_path)
    with pipeline.open_pipeline_store(cfg) as st:
        pipeline.ingest_all(cfg, st, "run-w47", week="2026-W47")
    res = runner.invoke(app, ["quarantine", "list", "--config", str(cfg_path), "--week", "2026-W47"])
    assert res.exit_code == 0, res.output
    assert "3 quarantined rows in week 2026-W47" in res.output
    assert all(line.startswith("2026-W47") for line in res.output.splitlines()[2:])
    res = runner.invoke(app, ["quarantine", "list", "--config", str(cfg_path), "--week", "2026-W48"])
    assert res.exit_code == 0 and res.output.startswith("0 quarantined rows in week 2026-W48")
    res = runner.invoke(app, ["quarantine", "list", "--config", str(cfg_path), "--week", "2026-48"])
    assert res.exit_code != 0 and "not an ISO week" in str(res.exception) + res.output


def test_quarantine_list_and_status_say_what_they_need(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "voc-demo").mkdir()  # a demo folder here is not read silently
    res = runner.invoke(app, ["status"])
    assert res.exit_code != 0 and "say which store to read: --config FILE" in _flat(res.output)
    res = runner.invoke(app, ["quarantine", "list"])
    assert res.exit_code != 0 and "give --config FILE" in _flat(res.output)
    res = runner.invoke(app, ["quarantine", "list", "--store", str(tmp_path / "none.duckdb")])
    assert res.exit_code != 0 and "no store at" in _flat(res.output)
    assert not (tmp_path / "none.duckdb").exists()
