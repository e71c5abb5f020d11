"""Issue #13 part 3: a promoted or pinned sentiment model takes effect on the weeks a run writes."""

from __future__ import annotations

import json

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from voc import pipeline
from voc.config import load_config
from voc.demo.generate import write_demo
from voc.paths import REPO_ROOT

WEEK = "2026-W47"


def _models(tmp_path, default: str):
    root = tmp_path / "models" / "sentiment"
    root.mkdir(parents=True, exist_ok=True)
    for other in (REPO_ROOT / "models").iterdir():  # topic embeddings and the rest, as shipped
        if other.is_dir() and other.name != "sentiment" and not (root.parent / other.name).exists():
            (root.parent / other.name).symlink_to(other, target_is_directory=True)
    for name in ("default-linear-v1", "default-linear-v2"):
        if not (root / name).exists():
            (root / name).symlink_to(REPO_ROOT / "models" / "sentiment" / name, target_is_directory=True)
    (root / "registry.json").write_text(json.dumps({"default": default, "history": []}), encoding="utf-8")


def _week_models(config, week: str) -> set[str]:
    with pipeline.open_pipeline_store(config) as st:
        rec = st.enriched_records(pipeline.enrich_weeks(config, week))
    return set(rec["sentiment_model"])


def _summary_models(tmp_path, week: str) -> str:
    summary = pd.read_parquet(tmp_path / "exports" / week / "summary.parquet")
    return str(summary.at[0, "sentiment_models"])


def _xlsx_text(tmp_path, week: str) -> str:
    """The first sheet of the PM workbook: the week's summary in the report language."""
    wb = load_workbook(tmp_path / "exports" / week / f"voc-{week}.xlsx", read_only=True)
    return " ".join(str(c) for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c is not None)


def test_promoting_a_model_then_rerunning_a_week_rescores_it_and_rescore_does_it_on_demand(tmp_path, monkeypatch):
    from voc.cli import app

    monkeypatch.setenv("VOC_MODELS_DIR", str(tmp_path / "models"))
    _models(tmp_path, "default-linear-v1")
    cfg = write_demo(tmp_path, WEEK, n_weeks=3, total=300, seed=5)
    config = load_config(cfg)
    with pipeline.open_pipeline_store(config) as st:
        first = pipeline.run_week(config, st, WEEK)
    assert first["sentiment_scored"] > 0 and _week_models(config, WEEK) == {"default-linear@v1"}
    assert _summary_models(tmp_path, WEEK) == "default-linear@v1"

    _models(tmp_path, "default-linear-v2")  # what `voc models promote default-linear-v2` records
    with pipeline.open_pipeline_store(config) as st:
        second = pipeline.run_week(config, st, WEEK)
    assert second["sentiment_scored"] == first["sentiment_scored"]  # every record of the weeks, again
    assert _week_models(config, WEEK) == {"default-linear@v2"}
    assert _summary_models(tmp_path, WEEK) == "default-linear@v2" and "default-linear@v2" in _xlsx_text(tmp_path, WEEK)

    # pin the older model for one week on demand: only that week's records change
    res = CliRunner().invoke(app, ["rescore", "--config", str(cfg), "--from", WEEK, "--to", WEEK,
                                   "--set", "sentiment.model=default-linear-v1"])
    assert res.exit_code == 0, res.output
    assert "rescored with default-linear@v1" in res.output
    with pipeline.open_pipeline_store(config) as st:
        rec = st.enriched_records(pipeline.enrich_weeks(config, WEEK))
    by_week = rec.groupby("iso_week")["sentiment_model"].agg(lambda s: set(s)).to_dict()
    assert by_week[WEEK] == {"default-linear@v1"}
    assert all(m == {"default-linear@v2"} for w, m in by_week.items() if w != WEEK)
    assert _summary_models(tmp_path, WEEK) == "default-linear@v1"
    again = CliRunner().invoke(app, ["rescore", "--config", str(cfg), "--from", WEEK, "--to", WEEK,
                                     "--set", "sentiment.model=default-linear-v1"])
    assert again.exit_code == 0 and "nothing to rescore" in again.output
