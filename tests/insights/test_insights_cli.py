"""``voc insights build`` and ``voc export render`` from files, and their user errors."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from voc.export.cli import app as export_app
from voc.insights.cli import app as insights_app
from voc.insights.synthetic import planted_records, planted_run_log, planted_topic_registry

WEEK = "2026-W10"
runner = CliRunner()


def test_build_then_render_from_files(tmp_path):
    records = planted_records(WEEK, seed=0)
    records.to_parquet(tmp_path / "records.parquet")
    planted_topic_registry(WEEK).to_parquet(tmp_path / "topics.parquet")
    planted_run_log(WEEK, records).to_csv(tmp_path / "run_log.csv", index=False)
    args = ["build", "--week", WEEK, "--records", str(tmp_path / "records.parquet"),
            "--topics", str(tmp_path / "topics.parquet"), "--run-log", str(tmp_path / "run_log.csv"),
            "--out", str(tmp_path / "exports"), "--segment", "product"]
    result = runner.invoke(insights_app, args)
    assert result.exit_code == 0, result.output
    assert "3 emerging topics" in result.output
    week_dir = tmp_path / "exports" / WEEK
    assert (week_dir / "report.html").exists() and (week_dir / f"voc-{WEEK}.xlsx").exists()

    (week_dir / "report.html").unlink()
    result = runner.invoke(export_app, ["render", str(week_dir), "--format", "html", "--language", "th"])
    assert result.exit_code == 0, result.output
    page = (week_dir / "report.html").read_text(encoding="utf-8")
    assert "สัปดาห์นี้มีอะไรเปลี่ยนไป" in page and "What changed" not in page


def test_user_errors_are_one_clear_message(tmp_path):
    result = runner.invoke(insights_app, ["build", "--week", "2026-47", "--records", "x.parquet"])
    assert result.exit_code != 0 and "not an ISO week" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(insights_app, ["build", "--week", WEEK, "--records", str(tmp_path / "nope.parquet")])
    assert result.exit_code != 0 and "not found" in result.output
    result = runner.invoke(export_app, ["render", str(tmp_path)])
    assert result.exit_code != 0 and "not an ISO week" in result.output
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "r.parquet")
    result = runner.invoke(insights_app, ["build", "--week", WEEK, "--records", str(tmp_path / "r.parquet")])
    assert result.exit_code != 0 and "iso_week" in result.output
