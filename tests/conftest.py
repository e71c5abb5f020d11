"""Session-wide test setup: no network, Prefect on a temporary home, tiny shared fixtures."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="voc-prefect-")
os.environ.setdefault("PREFECT_HOME", _PREFECT_HOME)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# models the tests train or promote go to a temporary folder, never the user's models folder or the checkout
os.environ["VOC_MODELS_DIR"] = tempfile.mkdtemp(prefix="voc-models-")


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect server for the whole session (starting one takes 15-20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    from voc.paths import shared_data_dir

    d = shared_data_dir()
    if not d.is_dir():
        pytest.skip(f"shared data not found at {d}")
    return d
