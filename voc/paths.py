"""Where voc finds things that live outside a run's config: the repo, models, shared data."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """Public labelled data sets (``../shared/data`` beside the checkout, or $VOC_SHARED_DATA)."""
    env = os.environ.get("VOC_SHARED_DATA")
    return Path(env).expanduser() if env else REPO_ROOT.parent / "shared" / "data"


def models_dir() -> Path:
    """The models shipped with voc (``models/`` in the checkout): read-only defaults, never written by a command."""
    return REPO_ROOT / "models"


def default_user_models_dir() -> Path:
    """``$XDG_DATA_HOME/voc/models`` (``~/.local/share/voc/models``): outside the package and any checkout."""
    data_home = os.environ.get("XDG_DATA_HOME") or "~/.local/share"
    return Path(data_home).expanduser() / "voc" / "models"


def user_models_dir(configured: str | Path | None = None) -> Path:
    """Where the user's trained models and their registry live.

    A config's ``models_dir`` (already absolute, relative to its config file) when given, else
    ``$VOC_MODELS_DIR``, else :func:`default_user_models_dir`.
    """
    if configured:
        return Path(configured).expanduser()
    env = os.environ.get("VOC_MODELS_DIR")
    return Path(env).expanduser() if env else default_user_models_dir()
