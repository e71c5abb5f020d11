"""``voc text`` commands: run the text layer on a file and look at what it produced."""

from __future__ import annotations

from pathlib import Path

import typer

from voc.cli_io import check_format, read_input, write_output

app = typer.Typer(help="Thai/English text layer: normalize, redact, language id, tokens, flags.", no_args_is_help=True)

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

    check_format(output, "--output")
    if not input.is_file():
        raise typer.BadParameter(f"no such file: {input}", param_hint="--input")
    df = read_input(input)
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
    write_output(result, output)
    typer.echo(f"wrote {len(result)} rows to {output}")
