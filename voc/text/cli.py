"""``voc text`` commands: run the text layer on a file and look at what it produced."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Thai/English text layer: normalize, redact, language id, tokens, flags.", no_args_is_help=True)

_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet"}
INSPECT_COLUMNS = ["language", "text_clean", "tokens", "pii_types", "flags"]


@app.callback()
def _group() -> None:
    """Thai/English text layer: normalize, redact, language id, tokens, flags."""


@app.command()
def inspect(
    input: Path = typer.Option(..., "--input", help="CSV, JSONL or Parquet file with a text column."),
    text_column: str = typer.Option(..., "--text-column", help="Name of the column holding the text."),
    output: Path = typer.Option(..., "--output", help="Where to write (CSV, JSONL or Parquet, by suffix)."),
) -> None:
    """Write every input column plus language, text_clean, tokens, pii_types and flags."""
    import pandas as pd

    from voc.text.pipeline import process_texts

    _format_of(output, "--output")
    if not input.is_file():
        raise typer.BadParameter(f"no such file: {input}", param_hint="--input")
    df = _read(input)
    if text_column not in df.columns:
        known = ", ".join(map(str, df.columns)) or "(none)"
        raise typer.BadParameter(
            f"{input} has no column {text_column!r}; columns are: {known}", param_hint="--text-column"
        )
    layer = process_texts(df[text_column].tolist())
    # The raw text column may hold PII; the output keeps it as the user asked for every input
    # column, and text_clean beside it is the redacted form to share.
    kept = df.drop(columns=[c for c in INSPECT_COLUMNS if c in df.columns]).reset_index(drop=True)
    result = pd.concat([kept, layer[INSPECT_COLUMNS]], axis=1)
    _write(result, output)
    typer.echo(f"wrote {len(result)} rows to {output}")


def _format_of(path: Path, option: str) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise typer.BadParameter(
            f"{path}: unknown file type {path.suffix or '(none)'!r}; use .csv, .jsonl or .parquet", param_hint=option
        )
    return fmt


def _read(path: Path):
    import pandas as pd

    fmt = _format_of(path, "--input")
    try:
        if fmt == "csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False)
        if fmt == "jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        return pd.read_parquet(path)
    except Exception as exc:  # any parser error is the user's file, not a voc bug
        raise typer.BadParameter(f"cannot read {path} as {fmt}: {exc}", param_hint="--input") from None


def _write(df, path: Path) -> None:
    fmt = _format_of(path, "--output")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(path, index=False)
    elif fmt == "jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        df.to_parquet(path, index=False)
