"""Sentiment commands: ``voc sentiment predict``, ``voc train sentiment``, ``voc evaluate sentiment``,
``voc models list|promote``. Thin: each calls the library and turns a user's error into one line."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

app = typer.Typer(help="Score sentiment with a trained model.", no_args_is_help=True)
models_app = typer.Typer(help="List and promote trained sentiment models.", no_args_is_help=True)


@app.callback()
def _sentiment_group() -> None:
    """Score sentiment with a trained model."""
    # a callback keeps ``app`` a group (``sentiment predict``) even while it has one command


def _echo_err(message: str) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)


def _fail(message: str) -> typer.Exit:
    """Print one line and give the exit to raise (code 1)."""
    _echo_err(message)
    return typer.Exit(1)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Errors a user can cause (bad file, config, name) end as one line and exit code 1."""
    from voc.registry import RegistryError

    try:
        yield
    except (ValueError, RegistryError, FileNotFoundError, ImportError) as e:
        _echo_err(str(e))
        raise typer.Exit(1) from None


def _read_input(path: Path, text_column: str):
    from voc.tableio import read_table

    if not path.is_file():
        raise _fail(f"input file not found: {path}")
    try:
        df = read_table(path)
    except ValueError as e:
        raise _fail(str(e)) from None
    if text_column not in df.columns:
        raise _fail(f"{path} has no column {text_column!r} (--text-column); columns: {', '.join(map(str, df.columns))}")
    return df


@app.command("predict")
def predict(
    input: Path = typer.Option(..., "--input", help="CSV, TSV, JSONL or Parquet file."),
    text_column: str = typer.Option(..., "--text-column", help="Column holding the text."),
    output: Path = typer.Option(..., "--output", help="Where to write (format by suffix)."),
    model: str = typer.Option("default", "--model", help="Model name under models/sentiment, or a path."),
    language_column: Optional[str] = typer.Option(None, help="Column holding each text's language."),
    batch_size: int = typer.Option(4096, min=1, help="Texts scored at once."),
) -> None:
    """Write every input column plus sentiment, sentiment_confidence, the four probabilities and sentiment_model."""
    import pandas as pd

    from voc.sentiment.catalog import load_model
    from voc.tableio import write_table

    df = _read_input(input, text_column)
    with _user_errors():
        scorer = load_model(model)
        texts = df[text_column].tolist()
        langs = df[language_column].tolist() if language_column else None
        parts = [
            scorer.predict(texts[i : i + batch_size], langs[i : i + batch_size] if langs else None)
            for i in range(0, len(texts), batch_size)
        ]
        scored = pd.concat(parts, ignore_index=True) if parts else scorer.predict([])
        out = df.drop(columns=[c for c in scored.columns if c in df.columns and c != text_column])
        out = pd.concat([out.reset_index(drop=True), scored], axis=1)
        write_table(out, output)
    shares = out["sentiment"].value_counts(normalize=True).round(3).to_dict() if len(out) else {}
    typer.echo(f"{len(out)} rows scored with {scorer.ref} -> {output}  {shares}")


def rescore(
    config: Path = typer.Option(..., "--config", help="Pipeline config YAML."),
    from_: str = typer.Option(..., "--from", help="First ISO week."),
    to: str = typer.Option(..., "--to", help="Last ISO week."),
    force: bool = typer.Option(False, "--force", help="Rescore every record, also those the model already scored."),
    set_: list[str] = typer.Option([], "--set", help="Override a config key: --set sentiment.model=NAME."),
) -> None:
    """Rescore stored records of the weeks with the configured sentiment model, then rewrite their tables."""
    from voc import pipeline
    from voc.config import load_config
    from voc.weeks import week_range

    cfg = load_config(config, set_)
    weeks = week_range(from_, to)
    with pipeline.open_pipeline_store(cfg) as store:
        result = pipeline.rescore_weeks(cfg, store, weeks, force=force)
    what = f"{result['rescored']} record(s) rescored" if result["rescored"] else "nothing to rescore"
    typer.echo(f"{what} with {result['model']} in {weeks[0]}..{weeks[-1]}"
               + (f"; tables rewritten for {len(weeks)} week(s)" if result["rescored"] else ""))


def train_sentiment(
    config: Path = typer.Option(..., "--config", help="Training YAML (see configs/train/)."),
    output_dir: Optional[Path] = typer.Option(None, help="Where the model directory goes (default models/sentiment)."),
) -> None:
    """Train a sentiment model from a config; writes a versioned model directory with its card."""
    from voc.sentiment.train import load_train_config, train_model

    with _user_errors():
        cfg = load_train_config(config)
        directory = train_model(cfg, output_dir)
    card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    typer.echo(f"model written: {directory}")
    for key, value in card["headline"].items():
        typer.echo(f"  {key}: {value:.4f}")
    typer.echo(f"make it the default with: voc models promote {directory.name}")


DEFAULT_LABEL_MAP = {"pos": "positive", "neu": "neutral", "neg": "negative", "q": "question"}


def evaluate_sentiment(
    model: str = typer.Option(..., "--model", help="Model name under models/sentiment, or a path."),
    data: Path = typer.Option(..., "--data", help="Labelled CSV, TSV, JSONL or Parquet file."),
    text_column: str = typer.Option(..., "--text-column"),
    label_column: str = typer.Option(..., "--label-column"),
    label_map: Optional[str] = typer.Option(
        None, "--label-map",
        help='JSON mapping raw labels to positive/neutral/negative/question, e.g. \'{"0": "negative", "1": "positive"}\' '
        "(default: wisesight's pos/neu/neg/q and the canonical names).",
    ),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write all figures as JSON here."),
) -> None:
    """Print micro-F1, macro-F1 and the confusion matrix of a model on labelled data."""
    from voc.sentiment.catalog import load_model
    from voc.sentiment.config import DataFile
    from voc.sentiment.data import read_labelled
    from voc.sentiment.evaluate import evaluate_model

    try:
        mapping = json.loads(label_map) if label_map else DEFAULT_LABEL_MAP
    except json.JSONDecodeError as e:
        raise _fail(f"--label-map is not valid JSON: {e}") from None
    if not isinstance(mapping, dict):
        raise _fail('--label-map must be a JSON object like {"pos": "positive"}')
    with _user_errors():
        spec = DataFile(path=str(data), text_column=text_column, label_column=label_column,
                        label_map={str(k): v for k, v in mapping.items()})
        labelled = read_labelled([spec])
        scorer = load_model(model)
        scores = evaluate_model(scorer, labelled)
    typer.echo(f"model {scorer.ref} on {data} ({scores['n']} rows)")
    typer.echo(f"micro-F1 {scores['micro_f1']:.4f}")
    typer.echo(f"macro-F1 {scores['macro_f1']:.4f}")
    if "polarity_accuracy" in scores:
        typer.echo(f"polarity accuracy (positive vs negative only) {scores['polarity_accuracy']:.4f}")
    labels = scores["confusion"]["labels"]
    width = max(len(x) for x in labels + ["gold\\pred"]) + 2
    typer.echo("confusion matrix (rows gold, columns predicted):")
    typer.echo("gold\\pred".ljust(width) + "".join(x.rjust(width) for x in labels))
    for label, row in zip(labels, scores["confusion"]["matrix"]):
        typer.echo(label.ljust(width) + "".join(str(v).rjust(width) for v in row))
    if json_out:
        json_out.write_text(json.dumps(scores, indent=1, ensure_ascii=False), encoding="utf-8")


@models_app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Trained sentiment models; * marks the default."""
    from voc.sentiment.catalog import list_models, models_root

    rows = list_models()
    if as_json:
        typer.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    if not rows:
        typer.echo(f"no sentiment models in {models_root()}")
        return
    for r in rows:
        figures = "  ".join(f"{k} {v:.4f}" for k, v in r.items() if k.endswith("_f1"))
        typer.echo(f"{'*' if r['default'] else ' '} {r['model']:<28} {r['backend']:<26} {r['created']:<26} {figures}")


def _promotion_config(config: Optional[Path]):
    from voc.sentiment.config import SentimentConfig

    if config is None:
        return SentimentConfig().promotion
    import yaml
    from pydantic import ValidationError

    if not config.is_file():
        raise _fail(f"config file not found: {config}")
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    try:
        return SentimentConfig.model_validate(data.get("sentiment") or {}).promotion
    except ValidationError as e:
        where = "; ".join(".".join(map(str, err["loc"])) + ": " + err["msg"] for err in e.errors())
        raise _fail(f"{config}: sentiment: {where}") from None


@models_app.command("promote")
def promote_command(
    name: str = typer.Argument(..., help="Model directory name (or path) to make the default."),
    config: Optional[Path] = typer.Option(None, help="Pipeline config whose sentiment.promotion sets the reference set and tolerance."),
    force: bool = typer.Option(False, help="Promote even when the model scores worse."),
) -> None:
    """Make a model the default if it is not worse than the current one beyond the tolerance."""
    from voc.sentiment.catalog import promote

    promotion = _promotion_config(config)
    with _user_errors():
        result = promote(name, promotion, force=force)
    if not result.promoted:
        typer.echo(f"{result.challenger} is already the default")
        return
    before = "" if result.champion_score is None else f" (was {result.champion}: {result.champion_score:.4f})"
    typer.echo(f"default sentiment model is now {result.challenger}: {result.metric} {result.challenger_score:.4f}{before}")
