"""``voc insights`` commands: build a week's tables from files (the flow does this from the store)."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Weekly insight tables.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Weekly insight tables."""
    # A callback keeps this a command group even with one command, so it mounts as
    # ``voc <group> <command>`` and later commands do not change how it is called.


def _read_frame(path: Path, what: str):
    """Read a Parquet or CSV table; a bad path is a user error, not a traceback."""
    import pandas as pd

    if not path.exists():
        raise typer.BadParameter(f"{what} file not found: {path}")
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        if path.suffix.lower() == ".csv":
            return pd.read_csv(path, encoding="utf-8-sig")
    except Exception as exc:  # pandas/pyarrow raise many types for a broken file
        raise typer.BadParameter(f"cannot read {what} file {path}: {exc}") from None
    raise typer.BadParameter(f"{what} file must be .parquet or .csv: {path}")


@app.command("build")
def build(
    week: str = typer.Option(..., "--week", help="ISO week to report, like 2026-W47."),
    records: Path = typer.Option(
        ..., "--records", help="Enriched records (.parquet/.csv) of the week and trailing weeks."
    ),
    topics: Path = typer.Option(None, "--topics", help="Topic registry (.parquet/.csv)."),
    run_log: Path = typer.Option(None, "--run-log", help="The week's run log (.parquet/.csv)."),
    out: Path = typer.Option(Path("exports"), "--out", help="Export root; files go to <out>/<week>/."),
    segment: list[str] = typer.Option([], "--segment", help="Segment field to break down by (repeatable)."),
) -> None:
    """Build the week's insight tables from files and write every export."""
    import pandas as pd

    from voc.export.config import ExportConfig
    from voc.export.writers import write_exports
    from voc.insights.config import InsightsConfig
    from voc.insights.tables import build_weekly_tables, topic_history
    from voc.weeks import parse_week

    try:
        parse_week(week)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--week") from None
    recs = _read_frame(records, "records")
    if "iso_week" not in recs.columns:
        raise typer.BadParameter(f"records file {records} has no iso_week column", param_hint="--records")
    reg = _read_frame(topics, "topics") if topics else pd.DataFrame()
    log = _read_frame(run_log, "run log") if run_log else pd.DataFrame()
    cfg = InsightsConfig(segment_fields=segment)
    tables = build_weekly_tables(week, recs, reg, log, cfg)
    paths = write_exports(week, tables, out / week, ExportConfig(),
                          history=topic_history(week, recs, reg, cfg))
    summary = tables["summary"].iloc[0]
    typer.echo(f"{week}: {summary['records']} records, {summary['emerging_topics']} emerging topics, "
               f"status {summary['data_status']}{' (PARTIAL)' if summary['is_partial'] else ''}")
    typer.echo(f"wrote {len(paths)} files to {out / week}")
