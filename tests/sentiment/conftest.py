"""Fixtures for the sentiment tests: isolated models folders and a tiny trained model."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment_data import labelled_rows, tiny_train_config, write_jsonl  # noqa: F401


@pytest.fixture
def models_root(tmp_path, monkeypatch) -> Path:
    """An empty models folder used by name resolution, listing and promotion."""
    root = tmp_path / "models"
    monkeypatch.setenv("VOC_MODELS_DIR", str(root))
    return root / "sentiment"


@pytest.fixture
def no_shipped_models(tmp_path, monkeypatch) -> Path:
    """Hide the shipped models, so a test sees only the user's folder."""
    import voc.sentiment.catalog as catalog

    empty = tmp_path / "no-shipped"
    empty.mkdir()
    monkeypatch.setattr(catalog, "shipped_root", lambda: empty)
    return empty


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """One tiny linear model trained once for the session."""
    from voc.sentiment.config import TrainConfig
    from voc.sentiment.train import train_model

    base = tmp_path_factory.mktemp("tiny")
    cfg = TrainConfig.model_validate(tiny_train_config(base))
    return train_model(cfg, base / "out")
