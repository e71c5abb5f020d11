"""Trained sentiment models: resolve names, list, promote champion/challenger.

Two folders hold models. The user's models folder (``models_dir`` in a config, else
``$VOC_MODELS_DIR``, else ``~/.local/share/voc/models``; see :func:`voc.paths.user_models_dir`)
keeps what ``voc train`` writes and a ``sentiment/registry.json`` naming the user's default. The
models shipped in the checkout's ``models/sentiment`` are read-only defaults. A name resolves in
the user's folder first, then in the shipped one; ``default`` is the user's promoted model, else
the shipped default. Promoting writes only the user's registry (one atomic replace) and never
deletes a model, so the previous default stays loadable by name.
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
_REF = re.compile(r"^(?P<name>[^@/\\]+)@v(?P<n>\d+)$")


def models_root(models_dir: str | Path | None = None) -> Path:
    """The user's sentiment models: ``<models_dir>/sentiment`` (where training and promotion write)."""
    from voc.paths import user_models_dir

    return user_models_dir(models_dir) / "sentiment"


def shipped_root() -> Path:
    """The sentiment models shipped with voc (``models/sentiment`` in the checkout), never written."""
    from voc.paths import models_dir

    return models_dir() / "sentiment"


def search_roots(models_dir: str | Path | None = None) -> list[Path]:
    """Where names resolve, in order: the user's folder, then the shipped one."""
    roots = [models_root(models_dir)]
    shipped = shipped_root()
    if shipped.resolve() != roots[0].resolve():
        roots.append(shipped)
    return roots


def read_registry(root: Path | None = None) -> dict[str, Any]:
    path = (root or models_root()) / REGISTRY_FILE
    if not path.is_file():
        return {"default": None, "history": []}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ModelError(f"{path}: not valid JSON ({e.msg}); fix or remove it") from None


def write_registry(registry: dict[str, Any], root: Path | None = None) -> Path:
    """Write ``registry.json`` atomically (a crash leaves the old file, never half a file)."""
    root = root or models_root()
    return atomic_write_text(root / REGISTRY_FILE, json.dumps(registry, indent=1, ensure_ascii=False) + "\n")


def _model_dirs(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / MANIFEST_FILE).is_file())


def _find(name: str, roots: list[Path]) -> Path | None:
    for root in roots:
        if (root / name / MANIFEST_FILE).is_file():
            return root / name
    return None


def _entry_dir(entry: str, roots: list[Path]) -> Path:
    """The folder a registry entry names: an absolute path, or a model name looked up in ``roots``."""
    p = Path(entry)
    if p.is_absolute():
        return p
    return _find(entry, roots) or roots[0] / entry


def default_model_dir(models_dir: str | Path | None = None) -> tuple[Path, str] | None:
    """The default model's folder and its registry entry: the user's promoted model, else the shipped default."""
    roots = search_roots(models_dir)
    for root in roots:
        entry = read_registry(root).get("default")
        if not entry:
            continue
        directory = _entry_dir(entry, roots if root == roots[0] else [root])
        if not (directory / MANIFEST_FILE).is_file():
            raise ModelNotFoundError(
                f"the default sentiment model {entry!r} named in {root / REGISTRY_FILE} is missing; "
                "promote another (voc models promote NAME) or restore it"
            )
        return directory, entry
    return None


def resolve_model_dir(name_or_path: str, models_dir: str | Path | None = None) -> Path:
    """The directory of a model: a path, ``default``, a directory name, or a name (its latest version)."""
    roots = search_roots(models_dir)
    as_path = Path(name_or_path).expanduser()
    if (as_path / MANIFEST_FILE).is_file():
        return as_path
    if name_or_path == "default":
        found = default_model_dir(models_dir)
        if found is None:
            raise ModelNotFoundError(
                f"no default sentiment model in {roots[0] / REGISTRY_FILE} nor among the shipped models; train one "
                "(voc train sentiment --config ...) and run `voc models promote NAME`"
            )
        return found[0]
    if (direct := _find(name_or_path, roots)) is not None:
        return direct
    if (m := _REF.match(name_or_path)) is not None:  # "name@v2", as outputs and cards show a model
        if (direct := _find(f"{m['name']}-v{m['n']}", roots)) is not None:
            return direct
    for root in roots:  # a bare name: its latest version, in the first folder that has one
        versions = [
            (int(m["n"]), d) for d in _model_dirs(root) if (m := _VERSIONED.match(d.name)) and m["name"] == name_or_path
        ]
        if versions:
            return max(versions)[1]
    known = ", ".join(sorted({d.name for root in roots for d in _model_dirs(root)})) or "(none)"
    raise ModelNotFoundError(
        f"no sentiment model {name_or_path!r}: not a model directory path, nor a model in "
        f"{' or '.join(map(str, roots))}; known: {known}"
    )


def load_model(name_or_path: str | Path, models_dir: str | Path | None = None) -> SentimentModel:
    """A model by name (the user's models first, then the shipped ones; ``default``: the promoted one) or path."""
    from voc.sentiment.registrations import backends

    directory = resolve_model_dir(str(name_or_path), models_dir)
    manifest = read_manifest(directory)
    model = backends.get(manifest["backend"]).load(directory, manifest)
    model.path = directory
    return model


def next_version_dir(name: str, root: Path) -> Path:
    """``root/<name>-v<N>``, N one more than the highest in ``root`` and among the shipped models.

    Counting the shipped versions too means a model retrained from a shipped config never takes
    the name of a shipped model (which it would shadow).
    """
    taken = [
        int(m["n"])
        for folder in {root, shipped_root()}
        for d in folder.glob(f"{name}-v*")
        if (m := _VERSIONED.match(d.name)) and m["name"] == name
    ]
    return root / f"{name}-v{max(taken, default=0) + 1}"


def list_models(models_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Every model with where it is, its backend, date and headline figures; ``default`` marks the default.

    A user model with the name of a shipped one hides it (names resolve to the user's first).
    """
    roots = search_roots(models_dir)
    try:
        found = default_model_dir(models_dir)
    except ModelNotFoundError:  # a registry naming a removed model: still list what is there
        found = None
    default_dir = found[0].resolve() if found else None
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for root, location in zip(roots, ("user", "shipped"), strict=False):
        for d in _model_dirs(root):
            if d.name in seen:
                continue
            seen.add(d.name)
            manifest = json.loads((d / MANIFEST_FILE).read_text(encoding="utf-8"))
            card = json.loads((d / CARD_FILE).read_text(encoding="utf-8")) if (d / CARD_FILE).is_file() else {}
            rows.append(
                {
                    "model": d.name,
                    "ref": f"{manifest['name']}@{manifest['version']}",
                    "backend": manifest["backend"],
                    "created": card.get("created", ""),
                    "default": d.resolve() == default_dir,
                    "location": location,
                    "path": str(d),
                    **card.get("headline", {}),
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
    name: str,
    config: PromotionConfig | None = None,
    force: bool = False,
    models_dir: str | Path | None = None,
) -> Promotion:
    """Make ``name`` the user's default if it is not worse than the current default beyond the tolerance.

    Both models are scored now on the configured reference set, so the comparison is fair even
    when their cards were written with other data. Only the user's ``registry.json`` is written.
    """
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    config = config or PromotionConfig()
    roots = search_roots(models_dir)
    user_root = roots[0]
    challenger_dir = resolve_model_dir(name, models_dir).resolve()
    registry = read_registry(user_root)
    found = default_model_dir(models_dir)
    champion_dir, champion_entry = (found[0].resolve(), found[1]) if found else (None, None)
    by_name = _find(challenger_dir.name, roots)
    entry = challenger_dir.name if by_name is not None and by_name.resolve() == challenger_dir else str(challenger_dir)
    if champion_dir == challenger_dir:
        return Promotion(entry, champion_entry, config.metric, float("nan"), None, promoted=False)

    reference = read_labelled(config.reference)
    challenger_score = evaluate_model(load_model(challenger_dir), reference)[config.metric]
    champion_score = None
    if champion_dir is not None:
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
    write_registry(registry, user_root)
    return Promotion(entry, champion_entry, config.metric, challenger_score, champion_score, promoted=True)
