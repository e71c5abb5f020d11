"""The ``voc`` command: thin wrappers over the library; errors a user can meet are one clear line."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(help="voc: Voice-of-Customer text mining for Thai and English.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console(stderr=True)
out = Console()

train_app = typer.Typer(help="Train models from a config.", no_args_is_help=True)
evaluate_app = typer.Typer(help="Evaluate models on labelled data.", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(evaluate_app, name="evaluate")


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _check_store(cfg) -> None:
    """Open and close the configured store, so a store in use fails in one line before a server starts."""
    from voc import pipeline

    with pipeline.open_pipeline_store(cfg):
        pass


@contextlib.contextmanager
def _prefect_server():
    """The Prefect server this command's flow runs report to.

    The one in ``PREFECT_API_URL`` (env or profile) when set; else a temporary local server that this
    command starts in its own process group and stops on exit, and that a watchdog stops if this
    process is killed (:mod:`voc.server`). Either way, what a killed run left behind is removed first.
    """
    from prefect.settings import PREFECT_API_URL

    from voc.server import local_server, remove_stale_servers

    remove_stale_servers()
    if PREFECT_API_URL.value():
        yield
        return
    with local_server(services=False):  # one run needs the API only, not the scheduler
        yield


def _print_reconciliation(recs, week: str | None = None, compact: bool = False) -> None:
    """The per-source counts as a table; each error in full below it (a cell would cut paths at 80 columns).

    ``compact`` (backfill, one table per week) draws no outer border and names the week in the title.
    """
    import textwrap

    from rich import box
    from rich.measure import Measurement
    from rich.table import Table

    from voc.privacy import redact_pii

    rows, errors = [], []
    for r in recs:
        d = redact_pii(r if isinstance(r, dict) else r.as_dict())  # names and errors can quote a file's data
        status = d["status"]
        if d.get("error"):
            errors.append((d["source"], str(d["error"])))
            status += f" [{len(errors)}]"
        rows.append((d["source"], str(d["read"]), str(d["accepted"]), str(d["duplicates"]), str(d["quarantined"]),
                     status, "yes" if d["balanced"] else "NO"))

    def build(compact: bool) -> Table:
        if compact:
            title = f"{week} reconciliation (read = accepted + dupl. + quar.)" if week else (
                "Reconciliation (read = accepted + dupl. + quar.)")
            t = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, title_justify="left")
        else:
            t = Table(title="Reconciliation (read = accepted + duplicates + quarantined)")
        t.add_column("source", overflow="fold")  # the one column that gives way in a narrow terminal
        names = ("read", "accepted", "dupl", "quar", "status", "balanced") if compact else (
            "read", "accepted", "duplicates", "quarantined", "status", "balanced")
        for c in names:
            t.add_column(c, no_wrap=True, justify="right" if compact and c not in ("status", "balanced") else "left")
        for row in rows:
            t.add_row(*row)
        return t

    t = build(compact)
    if not compact and Measurement.get(out, out.options.update(width=10_000), t).maximum > out.width:
        t = build(True)  # the full table would fold the source names in this terminal: shorter headers, no border
    out.print(t)
    width = max(40, min(out.width, 100))
    for n, (source, error) in enumerate(errors, start=1):
        # plain text, wrapped at spaces only: a path stays whole on its line, so it can be copied
        lines = textwrap.wrap(f"[{n}] {source}: {error}", width=width, subsequent_indent="    ",
                              break_long_words=False, break_on_hyphens=False)
        for line in lines:
            out.print(line, markup=False, highlight=False, soft_wrap=True)


@app.command()
def ingest(
    path: Path | None = typer.Argument(None, help="A file to load ad hoc (CSV, TSV, JSONL, JSON, Parquet, XLSX)."),
    config: Path | None = typer.Option(None, "--config", help="Load every source of a pipeline config."),
    channel: str | None = typer.Option(None, help="Channel of the file's messages (review, forum, chat, ...)."),
    text_column: str | None = typer.Option(None, help="Column holding the customer text."),
    time_column: str | None = typer.Option(None, help="Column holding the message time."),
    id_column: str | None = typer.Option(None, help="Column holding the source's own message id."),
    store: Path = typer.Option(Path("voc.duckdb"), help="Store file for ad hoc loads."),
    timezone: str = typer.Option("Asia/Bangkok", help="Zone of naive times in the file."),
    years: str = typer.Option("auto", help="Two-digit years: auto, buddhist (24/11/69 is 2569 BE) or gregorian."),
    assume_now: bool = typer.Option(False, "--assume-now",
                                    help="Without --time-column: date every row with the ingest time."),
) -> None:
    """Load messages into the store and print the reconciliation."""
    from voc.ingest.run import ingest_file, new_run_id
    from voc.store import open_store

    if config is not None:
        from voc import pipeline
        from voc.config import load_config

        cfg = load_config(config)
        with pipeline.open_pipeline_store(cfg) as st:
            recs = pipeline.ingest_all(cfg, st, new_run_id())
        _print_reconciliation(recs)
        where = cfg.store_path if cfg.store.backend == "duckdb" else f"{cfg.store.backend} (${cfg.store.url_env})"
        out.print(f"store: {where}", markup=False, highlight=False, soft_wrap=True)
        if any(r.quarantined for r in recs):
            out.print(f"quarantined rows: voc quarantine list --config {config}", markup=False, highlight=False,
                      soft_wrap=True)
        if any(r.status != "ok" for r in recs):
            raise typer.Exit(1)
        return
    if path is None or not channel or not text_column:
        raise typer.BadParameter("give PATH with --channel and --text-column, or --config FILE")
    if years not in ("auto", "buddhist", "gregorian"):
        raise typer.BadParameter(f"--years {years!r}: use auto, buddhist or gregorian")
    if time_column is None and not assume_now:
        raise typer.BadParameter(
            "give --time-column COL (the column with each message's time), or --assume-now to date every row "
            "with the ingest time (old messages would then count in this week)")
    with open_store("duckdb", store) as st:
        rec = ingest_file(path, st, channel, text_column, time_column, id_column, timezone, years=years)
    _print_reconciliation([rec])
    out.print(f"store: {store}", markup=False, highlight=False, soft_wrap=True)


def _store_path(workdir: Path | None, store: Path | None, config: Path | None) -> Path:
    if store:
        return store
    if config:
        from voc.config import load_config

        return load_config(config).store_path
    if workdir is None:
        raise typer.BadParameter(
            "say which store to read: --config FILE (a pipeline config), --store FILE (a DuckDB store) "
            "or --workdir DIR (a folder with voc.duckdb, e.g. --workdir voc-demo after `voc demo`)")
    return workdir / "voc.duckdb"


@app.command()
def status(
    workdir: Path | None = typer.Option(None, help="A demo/work folder holding voc.duckdb."),
    store: Path | None = typer.Option(None, help="The store file."),
    config: Path | None = typer.Option(None, help="A pipeline config (its store is read)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts in the store: records by channel and week, quarantined, duplicates."""
    notice, cfg = None, None
    if config is not None:
        from voc.config import load_config

        cfg = load_config(config)
    if cfg is not None and cfg.store.backend != "duckdb":
        from voc import pipeline

        with pipeline.open_pipeline_store(cfg) as st:
            s = st.status()
    else:
        from voc.store.duckdb_store import status_or_snapshot

        path = cfg.store_path if cfg is not None else _store_path(workdir, store, None)
        if not path.exists():
            raise typer.BadParameter(f"no store at {path}; run `voc demo` or `voc ingest` first")
        s, notice = status_or_snapshot(path)  # a store in use by a run: figures from a copy, said in one line
    if notice:
        console.print(f"[yellow]{notice}[/yellow]", highlight=False, soft_wrap=True)
    if as_json:
        print(json.dumps(s, ensure_ascii=False))
    else:
        out.print(s)


@app.command()
def run(
    config: Path = typer.Option(..., help="Pipeline config YAML."),
    week: str | None = typer.Option(None, help="ISO week like 2026-W47 (default: the last complete week)."),
    set_: list[str] = typer.Option([], "--set", help="Override a config key: --set sentiment.model=NAME."),
) -> None:
    """Run the weekly flow once (no Prefect server needed: a temporary one starts and stops with the run)."""
    _quiet_prefect()
    from voc.config import load_config
    from voc.weeks import check_started, parse_week

    cfg = load_config(config, set_)  # fail fast, before a Prefect server starts
    if week is not None:
        parse_week(week)
        check_started(week, cfg.timezone)
    _check_store(cfg)
    with _prefect_server():
        from voc.flows import weekly_voc

        summary = weekly_voc(str(config), week, set_ or None)
    _print_week(summary)
    if summary["partial"]:
        raise typer.Exit(2)


def _print_week(summary: dict, compact: bool = False) -> None:
    """One week's outcome as `voc run` and `voc backfill` print it: reconciliation, warnings, exports, alert."""
    _print_reconciliation(summary["reconciliation"], summary["week"] if compact else None, compact)
    for warning in summary.get("warnings", []):
        console.print(f"[yellow]warning: {warning}", highlight=False)
    out.print(f"week {summary['week']}: exports in {Path(summary['exports'][0]).parent if summary['exports'] else '-'}")
    _print_alert(summary.get("alerts") or {})
    if summary["partial"]:
        from voc.privacy import redact_message

        console.print(f"[yellow]partial week: source(s) failed: {redact_message(', '.join(summary['failed_sources']))}")


def _print_alert(alert: dict) -> None:
    """One line on the week's alert (the run summary's ``alerts`` entry); silent when none is configured."""
    if not alert.get("configured"):
        return
    if alert.get("sent"):
        out.print(f"alert sent through {alert['block']} ({', '.join(alert.get('reasons', []))})")
    elif alert.get("needed"):
        console.print(f"[yellow]alert NOT sent through {alert['block']} after {alert.get('attempts', 0)} "
                      f"attempt(s): {alert.get('error')} (the week's outputs are complete)")
    else:
        out.print("alert: nothing crossed a threshold, none sent")


@app.command()
def backfill(
    config: Path = typer.Option(..., help="Pipeline config YAML."),
    from_: str = typer.Option(..., "--from", help="First ISO week."),
    to: str = typer.Option(..., "--to", help="Last ISO week."),
    set_: list[str] = typer.Option([], "--set", help="Override a config key: --set sentiment.model=NAME."),
) -> None:
    """Run the weekly flow for every week in a range (each week reads its sources and gets its own run log)."""
    _quiet_prefect()
    from voc.config import load_config
    from voc.weeks import check_started, week_range

    cfg = load_config(config, set_)
    week_range(from_, to)
    check_started(to, cfg.timezone)
    _check_store(cfg)
    with _prefect_server():
        from voc.flows import backfill_voc

        summaries = backfill_voc(str(config), from_, to, set_ or None)
    for s in summaries:
        _print_week(s, compact=True)
    partial = [s["week"] for s in summaries if s["partial"]]
    out.print(f"backfill {from_} – {to}: {len(summaries)} week(s), "
              + (f"partial: {', '.join(partial)}" if partial else "none partial"))
    if any(s["partial"] for s in summaries):
        raise typer.Exit(2)


@app.command()
def serve(
    config: Path = typer.Option(..., help="Pipeline config YAML."),
    set_: list[str] = typer.Option([], "--set", help="Override a config key: --set sentiment.model=NAME."),
    home: Path | None = typer.Option(None, help="PREFECT_HOME of the server (default: $PREFECT_HOME or ~/.prefect)."),
) -> None:
    """Serve the weekly deployment on its schedule, with a local Prefect server this command starts and stops."""
    _quiet_prefect()
    import signal

    from voc.config import load_config

    cfg = load_config(config, set_)
    home = home or Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    from voc.flows import WEEKLY_CRON, serve_weekly
    from voc.server import local_server

    def _stop(signum, frame):  # SIGTERM stops cleanly, like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    console.print("starting a local Prefect server...")
    with local_server(home=home, ui=True) as url:
        console.print(f"Prefect server at {url.removesuffix('/api')} (UI); serving weekly-voc "
                      f"({WEEKLY_CRON}, {cfg.timezone}) and voc-backfill; Ctrl-C stops both", highlight=False)
        try:
            serve_weekly(str(config.resolve()), set_ or None)
        except KeyboardInterrupt:
            pass


@app.command()
def demo(
    workdir: Path = typer.Option(Path("voc-demo"), help="Where inputs, store and exports go."),
    messages: int = typer.Option(6000, min=100, help="How many messages to generate."),
    weeks: int = typer.Option(10, min=3, help="How many weeks of data."),
    end_week: str | None = typer.Option(None, help="Last week of the sample (default: last complete week)."),
    seed: int = typer.Option(7),
) -> None:
    """Write a multi-channel Thai/English sample and run the weekly flow on it."""
    _quiet_prefect()
    from voc.demo.generate import write_demo
    from voc.weeks import last_complete_week, parse_week

    end_week = end_week or last_complete_week("Asia/Bangkok")
    parse_week(end_week)
    with console.status("writing demo inputs..."):
        cfg = write_demo(workdir, end_week, weeks, messages, seed)
    out.print(f"inputs written under {workdir / 'inputs'}; config {cfg}")
    with console.status(f"running the weekly flow for {end_week} (starts a temporary Prefect server)..."):
        with _prefect_server():
            from voc.flows import weekly_voc

            summary = weekly_voc(str(cfg), end_week)
    _print_reconciliation(summary["reconciliation"])
    exp = workdir / "exports" / end_week
    out.print(f"[bold]store:[/bold] {workdir / 'voc.duckdb'}")
    out.print(f"[bold]exports:[/bold] {exp}  (open {exp / 'report.html'})")


def _mount_stage_commands() -> None:
    from voc.export.cli import app as export_app
    from voc.ingest.quarantine_cli import app as quarantine_app
    from voc.insights.cli import app as insights_app
    from voc.sentiment.cli import app as sentiment_app
    from voc.sentiment.cli import evaluate_sentiment, label_app, rescore, train_sentiment
    from voc.sentiment.models_cli import models_app
    from voc.text.cli import app as text_app
    from voc.topics.cli import app as topics_app

    app.add_typer(text_app, name="text", help="Text layer: inspect normalization, language, tokens, PII.")
    app.add_typer(sentiment_app, name="sentiment", help="Score sentiment with a trained model.")
    app.add_typer(topics_app, name="topics", help="Fit topics on a file.")
    app.add_typer(models_app, name="models", help="List and promote trained models.")
    app.add_typer(label_app, name="label", help="Export uncertain records for labelling; import the labels.")
    app.add_typer(insights_app, name="insights", help="Build weekly insight tables from files.")
    app.add_typer(export_app, name="export", help="Re-render a week's exports.")
    app.add_typer(quarantine_app, name="quarantine", help="Rows ingest quarantined: where they were and why.")
    train_app.command("sentiment")(train_sentiment)
    evaluate_app.command("sentiment")(evaluate_sentiment)
    app.command("rescore")(rescore)


_mount_stage_commands()


def main() -> None:
    """Entry point: a :class:`~voc.errors.VocError` (a problem the user can fix) is one red line and exit 1;
    any other exception is a bug and shows its traceback."""
    from voc.errors import VocError
    from voc.privacy import install_log_redaction, redact_message

    install_log_redaction()
    try:
        app()
    except VocError as e:
        console.print(f"[red]error:[/red] {redact_message(str(e))}", highlight=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
