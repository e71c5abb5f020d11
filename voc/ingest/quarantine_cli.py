"""``voc quarantine list``: the rows ingest could not take, with where they were and why (redacted)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Rows ingest quarantined: where they were and why.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Rows ingest quarantined: where they were and why."""


def _read_quarantine(config: Path | None, store: Path | None, week: str | None, source: str | None):
    """The rows, the store's name for the user, and a notice when the store was in use (a snapshot was read)."""
    from voc.ingest.quarantine import quarantined_rows

    path: Path | None = store
    if config is not None:
        from voc.config import load_config

        cfg = load_config(config)
        if cfg.store.backend != "duckdb":
            from voc import pipeline

            with pipeline.open_pipeline_store(cfg) as st:
                return quarantined_rows(st, week, source), f"{cfg.store.backend} store", None
        path = cfg.store_path
    if path is None:
        raise typer.BadParameter("give --config FILE (a pipeline config) or --store FILE (a DuckDB store)")
    if not path.exists():
        raise typer.BadParameter(f"no store at {path}; run `voc ingest --config ...` or `voc run` first")
    from voc.store.duckdb_store import read_or_snapshot

    rows, notice = read_or_snapshot(path, lambda st: quarantined_rows(st, week, source))
    return rows, str(path), notice


@app.command("list")
def list_quarantine(
    config: Path | None = typer.Option(None, "--config", help="Pipeline config (its store is read)."),
    store: Path | None = typer.Option(None, "--store", help="A DuckDB store file (instead of --config)."),
    week: str | None = typer.Option(None, "--week", help="Only rows quarantined by this week's runs (2026-W47)."),
    source: str | None = typer.Option(None, "--source", help="Only this source's rows."),
    output: Path | None = typer.Option(
        None, "--output", help="Write every row, raw included (CSV, XLSX, Parquet, JSONL)."),
    limit: int = typer.Option(50, min=0, help="Rows printed (the output file gets all)."),
) -> None:
    """Print quarantined rows (week, source, location, reason); --output exports them with the raw row."""
    from voc.tableio import write_table

    rows, where, notice = _read_quarantine(config, store, week, source)
    if notice:
        typer.secho(notice, err=True, fg=typer.colors.YELLOW)
    scope = "".join([f" in week {week}" if week else "", f" from source {source!r}" if source else ""])
    typer.echo(f"{len(rows)} quarantined rows{scope} in {where}")
    if len(rows) and limit:
        shown = rows.head(limit)
        headers = ["week", "source", "location", "reason"]
        cells = [[str(r.iso_week or "-"), str(r.source), str(r.location), str(r.reason)] for r in shown.itertuples()]
        widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers[:-1])]
        for values in [headers, *cells]:
            # the reason last and whole: a path or a message stays on its line, so it can be copied
            typer.echo("  ".join(v.ljust(w) for v, w in zip(values[:-1], widths, strict=True)) + "  " + values[-1])
        if len(rows) > limit:
            typer.echo(f"... {len(rows) - limit} more (--limit, or --output FILE for all)")
    if output is not None:
        try:
            write_table(rows, output)
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="--output") from None
        typer.echo(f"wrote {len(rows)} rows to {output}")
