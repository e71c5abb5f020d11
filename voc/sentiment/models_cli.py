"""``voc models list|promote``: the user's trained sentiment models beside the shipped ones.

Thin: each command calls :mod:`voc.sentiment.catalog`; a user's error is one line (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

models_app = typer.Typer(help="List and promote trained sentiment models.", no_args_is_help=True)

MODELS_DIR_HELP = (
    "The user's models folder (default: the config's models_dir, else $VOC_MODELS_DIR, else ~/.local/share/voc/models)."
)


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _config_settings(config: Path | None) -> tuple[Any, str | None]:
    """The promotion settings and ``models_dir`` of a pipeline config (paths relative to it), or the defaults."""
    from voc.errors import VocError
    from voc.sentiment.config import SentimentConfig

    if config is None:
        return SentimentConfig().promotion, None
    from pydantic import ValidationError

    from voc.configfile import read_yaml

    try:
        data = read_yaml(config)
    except VocError as e:
        raise _fail(str(e)) from None
    base = config.resolve().parent
    try:
        promotion = SentimentConfig.model_validate(data.get("sentiment") or {}).promotion
    except ValidationError as e:
        where = "; ".join(".".join(map(str, err["loc"])) + ": " + err["msg"] for err in e.errors())
        raise _fail(f"{config}: sentiment: {where}") from None
    promotion.reference = [f.relative_to_config(base) for f in promotion.reference]
    models_dir = data.get("models_dir")
    if models_dir is not None and not isinstance(models_dir, str):
        raise _fail(f"{config}: models_dir: expected a folder path")
    return promotion, str(base / Path(models_dir).expanduser()) if models_dir else None


def _figures(row: dict[str, Any]) -> str:
    """``file micro/macro`` for each evaluation file of the card's headline."""
    parts = []
    for key, micro in row.items():
        if key.endswith("_micro_f1"):
            source = key.removesuffix("_micro_f1")
            macro = row.get(f"{source}_macro_f1")
            parts.append(f"{source} {micro:.4f}" + (f"/{macro:.4f}" if macro is not None else ""))
    return ", ".join(parts) or "-"


def models_table(rows: list[dict[str, Any]]) -> list[str]:
    """The lines of ``voc models list``: a header, then one model a line, ``*`` on the default."""
    columns = [
        ("", lambda r: "*" if r["default"] else ""),
        ("model", lambda r: r["model"]),
        ("where", lambda r: r["location"]),
        ("backend", lambda r: r["backend"]),
        ("created", lambda r: r["created"][:19].replace("T", " ") if r["created"] else "-"),
        ("key figures (micro/macro-F1 per file)", _figures),
    ]
    cells = [[fn(r) for _, fn in columns] for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, (h, _) in enumerate(columns)]
    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()
    return [line([h for h, _ in columns]), *(line(c) for c in cells)]


@models_app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    config: Path | None = typer.Option(None, "--config", help="A pipeline config (its models_dir)."),
    models_dir: Path | None = typer.Option(None, "--models-dir", help=MODELS_DIR_HELP),
) -> None:
    """Trained sentiment models (the user's, then the shipped ones); * marks the default."""
    from voc.errors import VocError
    from voc.sentiment.catalog import list_models, search_roots

    _, configured = _config_settings(config)
    where = str(models_dir) if models_dir else configured
    try:
        rows = list_models(where)
    except VocError as e:
        raise _fail(str(e)) from None
    if as_json:
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    if not rows:
        typer.echo(f"no sentiment models in {' or '.join(map(str, search_roots(where)))}")
        return
    for text in models_table(rows):
        typer.echo(text)
    typer.echo(f"user models: {search_roots(where)[0]}")


@models_app.command("promote")
def promote_command(
    name: str = typer.Argument(..., help="Model name (or folder path) to make the default."),
    config: Path | None = typer.Option(
        None, help="Pipeline config whose sentiment.promotion sets the reference set and tolerance, and models_dir."),
    models_dir: Path | None = typer.Option(None, "--models-dir", help=MODELS_DIR_HELP),
    force: bool = typer.Option(False, help="Promote even when the model scores worse."),
) -> None:
    """Make a model the default if it is not worse than the current one beyond the tolerance.

    Writes only the registry in the user's models folder; the shipped models stay as they are.
    """
    from voc.errors import VocError
    from voc.sentiment.catalog import models_root, promote

    promotion, configured = _config_settings(config)
    where = str(models_dir) if models_dir else configured
    try:
        result = promote(name, promotion, force=force, models_dir=where)
    except (VocError, FileNotFoundError) as e:
        raise _fail(str(e)) from None
    if not result.promoted:
        typer.echo(f"{result.challenger} is already the default")
        return
    before = "" if result.champion_score is None else f" (was {result.champion}: {result.champion_score:.4f})"
    figure = f"{result.metric} {result.challenger_score:.4f}"
    typer.echo(f"default sentiment model is now {result.challenger}: {figure}{before}")
    typer.echo(f"registry: {models_root(where) / 'registry.json'}")
