"""Sentiment commands: ``voc sentiment predict``, ``voc train sentiment``, ``voc evaluate sentiment``
(``voc models list|promote`` are in ``models_cli``).

Thin: each calls the library and turns a user's error into one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

app = typer.Typer(help="Score sentiment with a trained model.", no_args_is_help=True)
MODEL_HELP = "Model name (your models first, then the shipped ones; default: the promoted one), or a path."
label_app = typer.Typer(
    help="The labelling loop: export uncertain records, import people's labels.", no_args_is_help=True
)


@app.callback()
def _sentiment_group() -> None:
    """Score sentiment with a trained model."""
    # a callback keeps ``app`` a group (``sentiment predict``) even while it has one command


def _echo_err(message: str) -> None:
    from voc.privacy import redact_message

    # an error can quote a cell or a column name of the user's file: personal data in it is redacted
    typer.secho(f"error: {redact_message(message)}", err=True, fg=typer.colors.RED)


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


def _note_unread_sheets(path: Path) -> None:
    """Say on stderr which sheets of a workbook were not read (only the first one is)."""
    from voc.privacy import redact_message
    from voc.tableio import unread_sheets

    others = unread_sheets(path)
    if others:
        shown = ", ".join(repr(o) for o in others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        note = f"note: {path} has {len(others) + 1} sheets; only the first was read (not read: {shown})"
        typer.echo(redact_message(note), err=True)  # a sheet name can hold personal data like any cell


def _read_input(path: Path, text_column: str):
    from voc.tableio import read_table

    if not path.is_file():
        raise _fail(f"input file not found: {path}")
    try:
        df = read_table(path, text_columns=(text_column,))
    except ValueError as e:
        raise _fail(f"{path}: {e}" if str(path) not in str(e) else str(e)) from None
    if text_column not in df.columns:
        raise _fail(f"{path} has no column {text_column!r} (--text-column); columns: {', '.join(map(str, df.columns))}")
    _note_unread_sheets(path)
    dupes = sorted({str(c) for c in df.columns if str(c).rsplit(".", 1)[0] == text_column and str(c) != text_column})
    if dupes:
        raise _fail(f"{path}: more than one column is named {text_column!r} (read as {', '.join(dupes)} too); "
                    "rename them so the text column is one")
    return df


@app.command("predict")
def predict(
    input: Path = typer.Option(..., "--input", help="CSV, TSV, JSONL, JSON, Parquet or XLSX file (first sheet)."),
    text_column: str = typer.Option(..., "--text-column", help="Column holding the text (read as written)."),
    output: Path = typer.Option(..., "--output", help="Where to write: .csv, .tsv, .jsonl, .json, .parquet or .xlsx."),
    model: str = typer.Option("default", "--model", help=MODEL_HELP),
    language_column: str | None = typer.Option(None, help="Column holding each text's language."),
    batch_size: int = typer.Option(4096, min=1, help="Texts scored at once."),
) -> None:
    """Write every input column plus sentiment, sentiment_confidence, the four probabilities and sentiment_model."""
    import pandas as pd

    from voc.sentiment.catalog import load_model
    from voc.tableio import READABLE, write_table

    # the output is checked before scoring, so a bad path does not cost the scoring time
    if output.is_dir():
        raise _fail(f"--output {output} is a folder; give a file name such as {output / 'scored.csv'}")
    if output.suffix.lower() not in READABLE:
        raise _fail(f"--output {output}: unsupported file type {output.suffix or '(none)'!r}; "
                    f"use one of {', '.join(READABLE)}")
    if not output.parent.is_dir():
        raise _fail(f"--output {output}: the folder {output.parent} does not exist")
    if input.exists() and output.exists() and output.resolve() == input.resolve():
        raise _fail(f"--output {output} is the --input file: writing would replace the texts it was read from; "
                    f"give another name such as {output.with_name(output.stem + '.scored' + output.suffix)}")
    df = _read_input(input, text_column)
    if language_column and language_column not in df.columns:
        raise _fail(f"{input} has no column {language_column!r} (--language-column); "
                    f"columns: {', '.join(map(str, df.columns))}")
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
    from voc.sentiment.features import normalize

    empty = sum(1 for t in texts if not normalize(t))  # what every model reads: nothing left to read
    if empty:
        typer.echo(f"note: {empty} row(s) have no text in {text_column!r}; their label is only the model's guess "
                   "for an empty message (the weekly pipeline quarantines such records)")


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
    config: Path | None = typer.Option(
        None, "--config", help="Training YAML (see configs/train/); with --from-store, the base data (default: "
        "the default model's own train_config.yaml)."
    ),
    output_dir: Path | None = typer.Option(
        None, help="Where the model directory goes (default: the config's output_dir, else <models_dir>/sentiment)."),
    from_store: bool = typer.Option(
        False, "--from-store", help="Add weak labels from the store's rated records; the gate decides promotion."
    ),
    pipeline_config: Path | None = typer.Option(
        None, "--pipeline", help="With --from-store: the pipeline config whose store is read."
    ),
) -> None:
    """Train a sentiment model from a config; writes a versioned model directory with its card."""
    from voc.sentiment.train import load_train_config, train_model

    if from_store:
        _train_from_store(config, output_dir, pipeline_config)
        return
    if config is None:
        raise _fail("give --config TRAIN.yaml (or --from-store --pipeline PIPELINE.yaml)")
    with _user_errors():
        cfg = load_train_config(config)
        directory = train_model(cfg, output_dir)
    card = json.loads((directory / "card.json").read_text(encoding="utf-8"))
    typer.echo(f"model written: {directory}")
    for key, value in card["headline"].items():
        typer.echo(f"  {key}: {value:.4f}")
    if cfg.tracking is not None:
        typer.echo(f"logged to MLflow: {cfg.tracking.uri} (experiment {cfg.tracking.experiment})")
    typer.echo(f"make it the default with: voc models promote {directory.name}")


def _pipeline(pipeline_config: Path | None):
    from voc.config import load_config

    if pipeline_config is None:
        raise _fail("give --pipeline PIPELINE.yaml: the pipeline config whose store holds the records")
    return load_config(pipeline_config)


def _train_from_store(config: Path | None, output_dir: Path | None, pipeline_config: Path | None) -> None:
    from voc.pipeline import open_pipeline_store
    from voc.sentiment.adapt import train_from_store
    from voc.sentiment.catalog import resolve_model_dir
    from voc.sentiment.train import load_train_config

    cfg = _pipeline(pipeline_config)
    with _user_errors():
        base_path = config or resolve_model_dir(cfg.sentiment.model, cfg.models_dir) / "train_config.yaml"
        base = load_train_config(base_path)
        with open_pipeline_store(cfg) as store:
            result = train_from_store(store, Path(cfg.base_dir), base, output_dir, cfg.sentiment.promotion,
                                      models_dir=cfg.models_dir)
    typer.echo(
        f"weak labels from the store: {result.weak_train} training, {result.weak_holdout} held out"
        + (f"; human labels: {result.human_train} training, {result.human_holdout} held out" if result.human_train
           or result.human_holdout else "")
    )
    typer.echo(f"challenger written: {result.challenger}")
    if result.promoted:
        was = f", was {result.champion}: {result.champion_score:.4f}" if result.champion_score is not None else ""
        typer.echo(
            f"promoted: {result.challenger.name} is the default ({result.metric} {result.challenger_score:.4f}{was})"
        )
    else:
        typer.echo(f"not promoted: {result.reason}")


@label_app.command("export")
def label_export(
    pipeline_config: Path = typer.Option(..., "--config", help="Pipeline config whose store is read."),
    output: Path = typer.Option(..., "--output", help="CSV or XLSX to write (Thai stays readable in Excel)."),
    n: int = typer.Option(200, "--n", min=1, help="How many records (the least sure first)."),
    week: list[str] = typer.Option([], "--week", help="Only records of this ISO week (repeatable)."),
) -> None:
    """Write the records the model is least sure about, with an empty label column for people to fill."""
    from voc.pipeline import open_pipeline_store
    from voc.sentiment.adapt import export_for_labelling

    cfg = _pipeline(pipeline_config)
    with _user_errors(), open_pipeline_store(cfg) as store:
        count = export_for_labelling(store, output, n, week or None)
    typer.echo(f"{count} records to label -> {output} (fill the label column: positive, neutral or negative)")


@label_app.command("import")
def label_import(
    pipeline_config: Path = typer.Option(..., "--config", help="Pipeline config (labels are kept beside it)."),
    input: Path = typer.Option(..., "--input", help="The labelled CSV or XLSX written by `voc label export`."),
) -> None:
    """Read people's labels back as a training and evaluation set for `voc train sentiment --from-store`."""
    from voc.sentiment.adapt import import_labels

    cfg = _pipeline(pipeline_config)
    with _user_errors():
        info = import_labels(input, Path(cfg.base_dir))
    typer.echo(
        f"{info['read']} labels read; {info['total']} in all ({info['train']} training, {info['eval']} evaluation) "
        f"-> {info['path']}"
    )


DEFAULT_LABEL_MAP = {"pos": "positive", "neu": "neutral", "neg": "negative", "q": "question"}


def evaluate_sentiment(
    model: str = typer.Option(..., "--model", help=MODEL_HELP),
    data: Path = typer.Option(..., "--data", help="Labelled CSV, TSV, JSONL, Parquet or XLSX file (first sheet)."),
    text_column: str = typer.Option(..., "--text-column"),
    label_column: str = typer.Option(..., "--label-column"),
    label_map: str | None = typer.Option(
        None, "--label-map",
        help="JSON mapping raw labels to positive/neutral/negative/question, "
        'e.g. \'{"0": "negative", "1": "positive"}\' '
        "(default: wisesight's pos/neu/neg/q and the canonical names).",
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Also write all figures as JSON here."),
    config: Path | None = typer.Option(
        None, "--config", help="A pipeline or training config: its models_dir and tracking (MLflow) sections."),
    courtesy: bool = typer.Option(
        False, "--courtesy/--as-written",
        help="Score as the pipeline does, greetings and thanks left out (--courtesy), or the texts as written, "
        "as model cards report (the default)."),
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
    if json_out is not None and json_out.is_dir():
        raise _fail(f"--json {json_out} is a folder; give a file name such as {json_out / 'scores.json'}")
    if json_out is not None and not json_out.parent.is_dir():
        raise _fail(f"--json {json_out}: the folder {json_out.parent} does not exist")
    from pydantic import ValidationError

    try:
        spec = DataFile(path=str(data), text_column=text_column, label_column=label_column,
                        label_map={str(k): v for k, v in mapping.items()})
    except ValidationError as e:
        problems = "; ".join(err["msg"] for err in e.errors())
        raise _fail(f"--label-map: {problems} (values: positive, neutral, negative or question)") from None
    with _user_errors():
        labelled = read_labelled([spec])
        if not len(labelled):
            raise _fail(f"{data} has no labelled rows (only a header?)")
        _note_unread_sheets(data)
        tracking, models_dir = evaluation_settings(config)
        scorer = load_model(model, models_dir)
        scores = evaluate_model(scorer, labelled, courtesy=courtesy)
    typer.echo(f"model {scorer.ref} on {data} ({scores['n']} rows"
               f"{', greetings and thanks left out' if courtesy else ', as written'})")
    typer.echo(f"micro-F1 {scores['micro_f1']:.4f}")
    typer.echo(f"macro-F1 {scores['macro_f1']:.4f}")
    if "polarity_accuracy" in scores:
        typer.echo(f"polarity accuracy (positive vs negative only) {scores['polarity_accuracy']:.4f}")
    labels = scores["confusion"]["labels"]
    width = max(len(x) for x in labels + ["gold\\pred"]) + 2
    typer.echo("confusion matrix (rows gold, columns predicted):")
    typer.echo("gold\\pred".ljust(width) + "".join(x.rjust(width) for x in labels))
    for label, row in zip(labels, scores["confusion"]["matrix"], strict=True):
        typer.echo(label.ljust(width) + "".join(str(v).rjust(width) for v in row))
    if json_out:
        from voc.fsutil import atomic_write_text

        atomic_write_text(json_out, json.dumps(scores, indent=1, ensure_ascii=False))
    if tracking is not None:
        from voc.tracking import log_evaluation

        run_id = log_evaluation(tracking, scorer.ref, scorer.path, labelled.files, scores)
        typer.echo(f"logged to MLflow: {tracking.uri} (experiment {tracking.experiment}, run {run_id})")


def evaluation_settings(config: Path | None):
    """The ``tracking`` section and ``models_dir`` of a config file, paths relative to it (None, None without one)."""
    if config is None:
        return None, None
    from voc.configfile import read_yaml
    from voc.errors import ConfigError
    from voc.tracking import TrackingConfig

    data = read_yaml(config)
    base = config.resolve().parent
    tracking = None
    if data.get("tracking") is not None:
        from pydantic import ValidationError

        try:
            tracking = TrackingConfig.model_validate(data["tracking"]).resolved(base)
        except ValidationError as e:
            from voc.configfile import format_validation_error

            raise ConfigError(format_validation_error(e, f"{config}: tracking")) from None
    models_dir = data.get("models_dir")
    return tracking, str(base / Path(str(models_dir)).expanduser()) if models_dir else None
