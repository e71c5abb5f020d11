"""``voc export`` commands: re-render a week's exports from its stored Parquet tables."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Weekly exports (Parquet, CSV, XLSX, HTML report).", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Weekly exports."""
    # A callback keeps this a command group even with one command, so it mounts as
    # ``voc <group> <command>`` and later commands do not change how it is called.


@app.command("render")
def render(
    folder: Path = typer.Argument(..., help="A week's export folder holding <table>.parquet files."),
    fmt: list[str] = typer.Option([], "--format", help="parquet, csv, xlsx or html (repeatable; default all)."),
    title: str = typer.Option(None, "--title", help="Report title."),
    language: str = typer.Option(None, "--language", help="Report language: en or th."),
) -> None:
    """Rewrite CSV, XLSX and the HTML report from a week's Parquet tables (after a config change)."""
    import pandas as pd
    from pydantic import ValidationError

    from voc.export.config import ExportConfig
    from voc.export.writers import TABLE_ORDER, fill_impact_scales, write_exports
    from voc.weeks import parse_week

    if not folder.is_dir():
        raise typer.BadParameter(f"not a folder: {folder}", param_hint="FOLDER")
    week = folder.name
    try:
        parse_week(week)
    except ValueError:
        raise typer.BadParameter(
            f"folder name {week!r} is not an ISO week; pass exports/<week>, like exports/2026-W47",
            param_hint="FOLDER") from None
    tables = {n: pd.read_parquet(folder / f"{n}.parquet") for n in TABLE_ORDER
              if (folder / f"{n}.parquet").exists()}
    if "summary" not in tables:
        raise typer.BadParameter(f"{folder} has no summary.parquet: build the week first", param_hint="FOLDER")
    settings: dict = {}
    if fmt:
        settings["formats"] = fmt
    if title:
        settings["report_title"] = title
    if language:
        settings["report_language"] = language
    try:
        config = ExportConfig(**settings)
    except ValidationError as exc:
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise typer.BadParameter(msg) from None
    paths = write_exports(week, fill_impact_scales(tables), folder, config)
    typer.echo(f"wrote {len(paths)} files to {folder}")
