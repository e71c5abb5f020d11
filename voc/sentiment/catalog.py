"""The trained models under ``models/sentiment``: resolve names, list, promote champion/challenger.

``registry.json`` beside the model directories names the current default and keeps the history
of promotions; promoting never deletes a model, so the previous default stays loadable by name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voc.errors import ModelError
from voc.fsutil import atomic_write_text
from voc.sentiment.base import MANIFEST_FILE, ModelNotFoundError, SentimentModel, read_manifest
from voc.sentiment.config import PromotionConfig

REGISTRY_FILE = "registry.json"
CARD_FILE = "card.json"
_VERSIONED = re.compile(r"^(?P<name>.+)-v(?P<n>\d+)$")


def models_root() -> Path:
    """``models/sentiment`` (or ``$VOC_MODELS_DIR/sentiment``)."""
    from voc.paths import models_dir

    return models_dir() / "sentiment"


def read_registry(root: Path | None = None) -> dict[str, Any]:
    path = (root or models_root()) / REGISTRY_FILE
    if not path.is_file():
        return {"default": None, "history": []}
    return json.loads(path.read_text(encoding="utf-8"))


def write_registry(registry: dict[str, Any], root: Path | None = None) -> Path:
    """Write ``registry.json`` atomically (a crash leaves the old file, never half a file)."""
    root = root or models_root()
    # 0644: the registry is a shared, committed file
    return atomic_write_text(root / REGISTRY_FILE, json.dumps(registry, indent=1, ensure_ascii=False) + "\n")


def _model_dirs(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / MANIFEST_FILE).is_file())


def _entry_dir(entry: str, root: Path) -> Path:
    p = Path(entry)
    return p if p.is_absolute() else root / p


def resolve_model_dir(name_or_path: str, root: Path | None = None) -> Path:
    """The directory of a model: a path, ``default``, a directory name, or a name (its latest version)."""
    root = root or models_root()
    as_path = Path(name_or_path).expanduser()
    if (as_path / MANIFEST_FILE).is_file():
        return as_path
    if name_or_path == "default":
        default = read_registry(root).get("default")
        if not default:
            raise ModelNotFoundError(
                f"no default sentiment model in {root / REGISTRY_FILE}; train one "
                "(voc train sentiment --config ...) and run `voc models promote NAME`"
            )
        directory = _entry_dir(default, root)
        if not (directory / MANIFEST_FILE).is_file():
            raise ModelNotFoundError(f"the default sentiment model {default!r} is missing from {root}")
        return directory
    if (root / name_or_path / MANIFEST_FILE).is_file():
        return root / name_or_path
    versions = [
        (int(m["n"]), d) for d in _model_dirs(root) if (m := _VERSIONED.match(d.name)) and m["name"] == name_or_path
    ]
    if versions:
        return max(versions)[1]
    known = ", ".join(d.name for d in _model_dirs(root)) or "(none)"
    raise ModelNotFoundError(
        f"no sentiment model {name_or_path!r}: not a model directory path, nor a model in {root}; known: {known}"
    )


def load_model(name_or_path: str | Path) -> SentimentModel:
    """A model by name under ``models/sentiment`` (``default``: the promoted one) or by directory path."""
    from voc.sentiment.registrations import backends

    directory = resolve_model_dir(str(name_or_path))
    manifest = read_manifest(directory)
    model = backends.get(manifest["backend"]).load(directory, manifest)
    model.path = directory
    return model


def next_version_dir(name: str, root: Path) -> Path:
    """``<name>-v<N>`` with N one more than the highest present."""
    taken = [int(m["n"]) for d in root.glob(f"{name}-v*") if (m := _VERSIONED.match(d.name)) and m["name"] == name]
    return root / f"{name}-v{max(taken, default=0) + 1}"


def list_models(root: Path | None = None) -> list[dict[str, Any]]:
    """Every model with its backend, date and headline figures; ``default`` marks the promoted one."""
    root = root or models_root()
    default = read_registry(root).get("default")
    default_dir = _entry_dir(default, root).resolve() if default else None
    rows = []
    for d in _model_dirs(root):
        manifest = json.loads((d / MANIFEST_FILE).read_text(encoding="utf-8"))
        card = json.loads((d / CARD_FILE).read_text(encoding="utf-8")) if (d / CARD_FILE).is_file() else {}
        headline = card.get("headline", {})
        rows.append(
            {
                "model": d.name,
                "ref": f"{manifest['name']}@{manifest['version']}",
                "backend": manifest["backend"],
                "created": card.get("created", ""),
                "default": d.resolve() == default_dir,
                **headline,
            }
        )
    return rows


class PromotionRefused(ModelError):
    """The challenger scores worse than the champion by more than the tolerance."""


@dataclass
class Promotion:
    challenger: str
    champion: str | None
    metric: str
    challenger_score: float
    champion_score: float | None
    promoted: bool


def promote(
    name: str, config: PromotionConfig | None = None, force: bool = False, root: Path | None = None
) -> Promotion:
    """Make ``name`` the default if it is not worse than the current default beyond the tolerance.

    Both models are scored now on the configured reference set, so the comparison is fair even
    when their cards were written with other data.
    """
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    config = config or PromotionConfig()
    root = root or models_root()
    challenger_dir = resolve_model_dir(name, root).resolve()
    registry = read_registry(root)
    champion_entry = registry.get("default")
    champion_dir = _entry_dir(champion_entry, root).resolve() if champion_entry else None
    entry = challenger_dir.name if challenger_dir.parent == root.resolve() else str(challenger_dir)
    if champion_dir == challenger_dir:
        return Promotion(entry, champion_entry, config.metric, float("nan"), None, promoted=False)

    reference = read_labelled(config.reference)
    challenger_score = evaluate_model(load_model(challenger_dir), reference)[config.metric]
    champion_score = None
    if champion_dir is not None and (champion_dir / MANIFEST_FILE).is_file():
        champion_score = evaluate_model(load_model(champion_dir), reference)[config.metric]
        if challenger_score < champion_score - config.tolerance and not force:
            raise PromotionRefused(
                f"{entry} scores {config.metric} {challenger_score:.4f} on the reference set, below the default "
                f"{champion_entry} ({champion_score:.4f}) by more than the tolerance {config.tolerance}; "
                "not promoted (use --force to promote anyway)"
            )
    registry["default"] = entry
    registry.setdefault("history", []).append(
        {
            "model": entry,
            "previous": champion_entry,
            "promoted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "metric": config.metric,
            "score": round(challenger_score, 6),
            "previous_score": None if champion_score is None else round(champion_score, 6),
            "reference": [f.path for f in config.reference],
            "forced": bool(
                force and champion_score is not None and challenger_score < champion_score - config.tolerance
            ),
        }
    )
    write_registry(registry, root)
    return Promotion(entry, champion_entry, config.metric, challenger_score, champion_score, promoted=True)
