"""Scale-out: the per-chunk stages on a Dask LocalCluster (2 workers) through prefect-dask equal a local run."""

from __future__ import annotations

import pandas as pd
import pytest
from prefect import flow

from voc import pipeline
from voc.config import load_config
from voc.demo.generate import write_demo

WEEK = "2026-W47"


def _stage_tables(cfg_path, overrides):
    from voc.flows import PrefectStageRunner, task_runner_for

    config = load_config(cfg_path, overrides)

    @flow(name="voc-chunk-stages-test", task_runner=task_runner_for(config.execution))
    def stages():
        weeks = pipeline.window_weeks(WEEK, 3)
        runner = PrefectStageRunner()
        with pipeline.open_pipeline_store(config) as st:
            pipeline.ingest_all(config, st, "r")
            pipeline.enrich_text(config, st, weeks, runner.map)
            pipeline.score_sentiment(config, st, weeks, runner.map)
            text = st.read_table("record_text").sort_values("record_id").reset_index(drop=True)
            sent = st.read_table("record_sentiment").sort_values("record_id").reset_index(drop=True)
        return text, sent

    return stages()


def test_dask_runner_gives_the_same_results_as_local(tmp_path, prefect_harness):
    pytest.importorskip("prefect_dask")
    cfg = write_demo(tmp_path / "a", WEEK, n_weeks=3, total=900, seed=11)
    local_text, local_sent = _stage_tables(cfg, ["execution.chunk_size=200"])
    cfg_b = write_demo(tmp_path / "b", WEEK, n_weeks=3, total=900, seed=11)
    dask_text, dask_sent = _stage_tables(
        cfg_b, ["execution.runner=dask", "execution.dask_workers=2", "execution.chunk_size=200"])
    assert len(local_text) > 800
    pd.testing.assert_frame_equal(local_text, dask_text)
    pd.testing.assert_frame_equal(local_sent, dask_sent)
