"""``voc topics`` commands: fit topics on a file, evaluate a topic config on labelled data."""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(help="Topics: fit a topic model on a file, label topics, pick quotes.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Topics: fit a topic model on a file, label topics, pick quotes."""


@app.command()
def fit(
    input: Path = typer.Option(..., "--input", help="CSV, JSONL or Parquet file with a text column."),
    text_column: str = typer.Option(..., "--text-column", help="Name of the column holding the text."),
    output: Path = typer.Option(
        ..., "--output", help="Input rows plus topic_id and topic_label (CSV, JSONL, Parquet)."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="YAML: a pipeline config with a 'topics' section, or the section alone."
    ),
    topics_output: Path | None = typer.Option(
        None, "--topics-output", help="Topic table: id, label, size, top words, quotes."
    ),
) -> None:
    """Write every input column plus topic_id and topic_label; optionally the topic table."""
    import pandas as pd

    from voc.cli_io import check_format, read_input, write_output
    from voc.text.pipeline import process_texts
    from voc.topics.model import fit_topics
    from voc.topics.registry import update_registry

    check_format(output, "--output")
    if topics_output is not None:
        check_format(topics_output, "--topics-output")
    cfg = _load_config(config)
    if not input.is_file():
        raise typer.BadParameter(f"no such file: {input}", param_hint="--input")
    df = read_input(input)
    if text_column not in df.columns:
        known = ", ".join(map(str, df.columns)) or "(none)"
        raise typer.BadParameter(
            f"{input} has no column {text_column!r}; columns are: {known}", param_hint="--text-column"
        )
    # Quotes come from text_clean: normalized and redacted, so no phone number reaches a report.
    layer = process_texts(df[text_column].tolist())
    result = fit_topics(layer.topic_tokens.tolist(), layer.text_clean.tolist(), cfg, tokenize_config=None)
    update = update_registry(result, None, "ad-hoc", cfg)
    topic_ids = [update.local_to_topic_id[int(a)] for a in result.assignments]
    out = df.drop(columns=[c for c in ("topic_id", "topic_label", "theme_id", "theme_label") if c in df.columns])
    out = out.reset_index(drop=True)
    out["topic_id"] = topic_ids
    out["topic_label"] = [update.label_of(t) for t in topic_ids]
    out["theme_id"] = [update.theme_of(t)[0] for t in topic_ids]
    out["theme_label"] = [update.theme_of(t)[1] for t in topic_ids]
    write_output(out, output)
    typer.echo(
        f"wrote {len(out)} rows to {output}: {len(result.themes)} themes, {len(result.topics)} topics, "
        f"{100 * result.outlier_share:.1f}% in 'other'"
    )
    for note in result.notes:
        typer.echo(f"note: {note}")
    if topics_output is not None:
        table = pd.DataFrame(
            {
                "topic_id": [update.local_to_topic_id[int(t)] for t in result.topics.local_id],
                "label": result.topics.label,
                "theme_id": [update.theme_of(update.local_to_topic_id[int(t)])[0] for t in result.topics.local_id],
                "theme_label": [update.theme_of(update.local_to_topic_id[int(t)])[1] for t in result.topics.local_id],
                "size": result.topics["size"].astype(int),
                "top_words": [json.dumps(list(w), ensure_ascii=False) for w in result.topics.top_words],
                "quotes": [json.dumps(list(q), ensure_ascii=False) for q in result.topics.quotes],
            }
        )
        write_output(table, topics_output)
        typer.echo(f"wrote {len(table)} topics to {topics_output}")


@app.command()
def evaluate(
    data: Path = typer.Option(..., "--data", help="Labelled CSV, JSONL or Parquet file."),
    text_column: str = typer.Option(..., "--text-column", help="Column holding the text."),
    label_column: str = typer.Option(..., "--label-column", help="Column holding each text's known topic."),
    config: Path | None = typer.Option(
        None, "--config", help="YAML: a pipeline config with a 'topics' section, or the section alone."),
    json_out: Path | None = typer.Option(None, "--json", help="Also write the figures as JSON here."),
) -> None:
    """Fit a topic config on labelled texts and print NMI, homogeneity, completeness, topics, themes, share in 'other'.

    Touches no store: a way to compare topic settings on your own data before a weekly run uses them.
    """
    from voc.cli_io import read_input
    from voc.topics.evaluate import evaluate_topics

    cfg = _load_config(config)
    if not data.is_file():
        raise typer.BadParameter(f"no such file: {data}", param_hint="--data")
    df = read_input(data)
    for option, column in (("--text-column", text_column), ("--label-column", label_column)):
        if column not in df.columns:
            known = ", ".join(map(str, df.columns)) or "(none)"
            raise typer.BadParameter(f"{data} has no column {column!r}; columns are: {known}", param_hint=option)
    labelled = df[df[label_column].notna() & (df[label_column].astype(str).str.strip() != "")]
    if labelled.empty:
        raise typer.BadParameter(f"{data}: no row has a label in {label_column!r}", param_hint="--label-column")
    skipped = len(df) - len(labelled)
    result = evaluate_topics(labelled[text_column].tolist(), labelled[label_column].astype(str).tolist(), cfg)
    skipped_note = f" ({skipped} rows without a label skipped)" if skipped else ""
    typer.echo(f"{result.n} labelled texts, {result.labels} labels{skipped_note}")
    typer.echo(f"NMI {result.nmi:.4f}")
    typer.echo(f"homogeneity {result.homogeneity:.4f}")
    typer.echo(f"completeness {result.completeness:.4f}")
    typer.echo(f"theme NMI {result.theme_nmi:.4f}")
    typer.echo(f"topics {result.topics}, themes {result.themes}")
    typer.echo(f"share in 'other' {100 * result.other_share:.1f}%")
    for note in result.notes:
        typer.echo(f"note: {note}")
    if json_out is not None:
        json_out.write_text(json.dumps(result.as_dict(), indent=1, ensure_ascii=False), encoding="utf-8")


def _pipeline_keys() -> set[str]:
    """Top-level keys of a pipeline config other than ``topics`` (none of them is a topics setting)."""
    from voc.config import PipelineConfig
    from voc.topics.config import TopicsConfig

    return set(PipelineConfig.model_fields) - {"topics"} - set(TopicsConfig.model_fields)


def _load_config(path: Path | None):
    """The topics section of a YAML file; errors name the file and the bad key, no traceback."""
    import yaml
    from pydantic import ValidationError

    from voc.topics.config import TopicsConfig

    if path is None:
        return TopicsConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise typer.BadParameter(f"no such file: {path}", param_hint="--config") from None
    except yaml.YAMLError as exc:
        raise typer.BadParameter(f"{path} is not valid YAML: {exc}", param_hint="--config") from None
    if isinstance(raw, dict) and "topics" not in raw and raw and set(raw) <= _pipeline_keys():
        return TopicsConfig()  # a pipeline config without a topics section: the defaults, as `voc run` uses
    section = raw.get("topics", raw) if isinstance(raw, dict) else raw
    if not isinstance(section, dict):
        raise typer.BadParameter(f"{path}: expected a mapping (the topics section)", param_hint="--config")
    try:
        return TopicsConfig.model_validate(section)
    except ValidationError as exc:
        problems = "; ".join(
            f"topics.{'.'.join(map(str, e['loc'])) or '(section)'}: {e['msg']}" for e in exc.errors()
        )
        raise typer.BadParameter(f"{path}: {problems}", param_hint="--config") from None
