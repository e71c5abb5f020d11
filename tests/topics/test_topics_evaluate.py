"""``voc topics evaluate``: a topic config scored against known labels, without a store."""

from __future__ import annotations

import json
import re

import pandas as pd
import yaml
from typer.testing import CliRunner

from topics_synthetic import ENGLISH_THEMES, THAI_THEMES, corpus
from voc.topics.cli import app

runner = CliRunner()
FAST = {"embedding": {"name": "topics.embedding.lsa.v1"},
        "clustering": {"name": "topics.clustering.kmeans.v1", "params": {"n_topics": 4}}}


def test_planted_themes_give_nmi_1(tmp_path):
    _, texts, truth = corpus(THAI_THEMES, per_theme=30, seed=3)
    # customers' spelling: repeated characters, laughter, a phone number (redacted before quoting)
    texts = [t + (" ค่าาาา 555" if i % 3 == 0 else "") + (" โทร 081-234-5678" if i % 7 == 0 else "")
             for i, t in enumerate(texts)]
    data = tmp_path / "labelled.csv"
    pd.DataFrame({"comment": texts, "issue": truth}).to_csv(data, index=False)
    cfg = tmp_path / "voc.yaml"
    cfg.write_text(yaml.safe_dump({"topics": FAST}), encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "--config", str(cfg), "--data", str(data), "--text-column", "comment",
                              "--label-column", "issue", "--json", str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert "NMI 1.0000" in lines and "homogeneity 1.0000" in lines and "completeness 1.0000" in lines
    assert "topics 4, themes" in res.output and "share in 'other' 0.0%" in res.output
    figures = json.loads((tmp_path / "s.json").read_text())
    assert figures["n"] == 120 and figures["labels"] == 4 and figures["nmi"] == 1.0


def test_too_few_topics_show_in_completeness_not_homogeneity(tmp_path):
    _, texts, truth = corpus(ENGLISH_THEMES, per_theme=24, seed=5)  # five themes, two topics: merged labels
    data = tmp_path / "labelled.jsonl"
    pd.DataFrame({"text": texts, "label": truth}).to_json(data, orient="records", lines=True, force_ascii=False)
    cfg = tmp_path / "topics.yaml"  # the topics section alone
    cfg.write_text(yaml.safe_dump({**FAST, "clustering": {"name": "topics.clustering.kmeans.v1",
                                                          "params": {"n_topics": 2}}}), encoding="utf-8")
    res = runner.invoke(app, ["evaluate", "--config", str(cfg), "--data", str(data), "--text-column", "text",
                              "--label-column", "label"])
    assert res.exit_code == 0, res.output
    figures = {line.rsplit(" ", 1)[0]: line.rsplit(" ", 1)[1] for line in res.output.splitlines()
               if line.split(" ")[0] in ("NMI", "homogeneity", "completeness")}
    assert float(figures["NMI"]) < 0.9 and float(figures["homogeneity"]) < float(figures["completeness"])


def test_missing_label_column_is_one_line(tmp_path):
    data = tmp_path / "d.csv"
    pd.DataFrame({"text": ["แอปเด้ง", "app crash"]}).to_csv(data, index=False)
    res = runner.invoke(app, ["evaluate", "--data", str(data), "--text-column", "text", "--label-column", "topic"])
    flat = re.sub(r"[│╭╮╰╯─\s]+", " ", res.output)  # rich draws the error in a wrapped box
    assert res.exit_code != 0 and "has no column 'topic'" in flat and "Traceback" not in res.output


def test_a_pipeline_config_without_a_topics_section_means_the_defaults(tmp_path):
    # README: `voc topics evaluate --config F` fits the config's topics section; a pipeline config that
    # never set one runs `voc run` with the defaults, so evaluate takes the defaults too (it refused every key)
    import pytest
    import typer

    import voc.topics.cli as topics_cli
    from voc.topics.config import TopicsConfig

    cfg = tmp_path / "voc.yaml"
    cfg.write_text(yaml.safe_dump({"timezone": "Asia/Bangkok", "store": {"backend": "duckdb", "path": "v.duckdb"},
                                   "exports_dir": "exports", "insights": {"segment_fields": ["product"]},
                                   "sources": [{"name": "r", "path": "r.csv", "channel": "review",
                                                "columns": {"text": "t", "created_at": "c"}}]}), encoding="utf-8")
    assert topics_cli._load_config(cfg) == TopicsConfig()
    with_section = tmp_path / "with.yaml"
    with_section.write_text(yaml.safe_dump({"timezone": "Asia/Bangkok", "topics": FAST}), encoding="utf-8")
    assert topics_cli._load_config(with_section) == TopicsConfig.model_validate(FAST)
    typo = tmp_path / "typo.yaml"  # a topics-only file with a wrong key still names it
    typo.write_text(yaml.safe_dump({**FAST, "embeding": {}}), encoding="utf-8")
    with pytest.raises(typer.BadParameter, match="topics.embeding"):
        topics_cli._load_config(typo)
