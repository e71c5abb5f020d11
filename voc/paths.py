"""Where voc finds things that live outside a run's config: the repo, models, shared data."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """Public labelled data sets (``../shared/data`` beside the checkout, or $VOC_SHARED_DATA)."""
    env = os.environ.get("VOC_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def models_dir() -> Path:
    """Trained artifacts with model cards ($VOC_MODELS_DIR, default ``models/`` in the repo)."""
    env = os.environ.get("VOC_MODELS_DIR")
    return Path(env) if env else REPO_ROOT / "models"
