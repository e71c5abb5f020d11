"""The sentiment commands as a user runs them."""

from __future__ import annotations

import json

import pandas as pd
import typer
from typer.testing import CliRunner

from sentiment_data import labelled_rows, tiny_train_config
from voc.sentiment.cli import app, evaluate_sentiment, train_sentiment
from voc.sentiment.models_cli import models_app

runner = CliRunner()


def _single(command) -> typer.Typer:
    t = typer.Typer()
    t.command()(command)
    return t


def test_predict_keeps_input_columns_and_adds_scores(tiny_model_dir, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"id": [1, 2], "comment": ["ดีมาก ชอบมาก", "แย่มาก ไม่ชอบ"], "branch": ["a", "b"]}).to_csv(src, index=False)
    for suffix in (".parquet", ".jsonl", ".csv"):
        out = tmp_path / f"out{suffix}"
        res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "comment", "--output", str(out),
                                  "--model", str(tiny_model_dir)])
        assert res.exit_code == 0, res.output
        assert "2 rows scored with tiny@v1" in res.output
    df = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert list(df.columns[:3]) == ["id", "comment", "branch"]
    assert {"sentiment", "sentiment_confidence", "p_positive", "p_neutral", "p_negative", "p_question"} <= set(df.columns)
    assert list(df["sentiment"]) == ["positive", "negative"]


def test_predict_missing_column_is_one_clear_error(tiny_model_dir, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"body": ["x"]}).to_csv(src, index=False)
    res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "comment", "--output",
                              str(tmp_path / "o.csv"), "--model", str(tiny_model_dir)])
    assert res.exit_code != 0 and "has no column 'comment'" in res.output
    assert "Traceback" not in res.output


def test_predict_unknown_model_exits_1(tmp_path, models_root):
    src = tmp_path / "in.csv"
    pd.DataFrame({"t": ["x"]}).to_csv(src, index=False)
    res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "t", "--output", str(tmp_path / "o.csv"),
                              "--model", "nope"])
    assert res.exit_code == 1 and "no sentiment model 'nope'" in res.output


def test_evaluate_prints_f1_and_confusion(tiny_model_dir, tmp_path):
    data = tmp_path / "eval.csv"
    pd.DataFrame(labelled_rows()).rename(columns={"label": "gold"}).to_csv(data, index=False)
    res = runner.invoke(_single(evaluate_sentiment), ["--model", str(tiny_model_dir), "--data", str(data),
                                                      "--text-column", "text", "--label-column", "gold",
                                                      "--json", str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    assert "micro-F1" in res.output and "macro-F1" in res.output and "confusion matrix" in res.output
    scores = json.loads((tmp_path / "s.json").read_text())
    assert f"micro-F1 {scores['micro_f1']:.4f}" in res.output


def test_evaluate_with_label_map_and_unknown_label(tiny_model_dir, tmp_path):
    data = tmp_path / "uci.csv"
    pd.DataFrame({"s": ["love it", "hate it", "meh"], "y": ["1", "0", "2"]}).to_csv(data, index=False)
    args = ["--model", str(tiny_model_dir), "--data", str(data), "--text-column", "s", "--label-column", "y",
            "--label-map", '{"0": "negative", "1": "positive"}']
    res = runner.invoke(_single(evaluate_sentiment), args)
    assert res.exit_code == 1 and "row 3: unknown label '2'" in res.output


def test_train_then_list_and_promote(tmp_path, models_root, no_shipped_models):
    import yaml

    cfg_path = tmp_path / "train.yaml"
    cfg_path.write_text(yaml.safe_dump(tiny_train_config(tmp_path, name="cli")), encoding="utf-8")
    res = runner.invoke(_single(train_sentiment), ["--config", str(cfg_path)])
    assert res.exit_code == 0, res.output
    assert (models_root / "cli-v1" / "model_card.md").is_file()
    pipeline = tmp_path / "pipeline.yaml"
    ref = {"path": str(tmp_path / "valid.jsonl"),
           "label_map": {"pos": "positive", "neu": "neutral", "neg": "negative", "q": "question"}}
    pipeline.write_text(yaml.safe_dump({"sentiment": {"model": "default", "promotion": {"reference": [ref]}}}))
    res = runner.invoke(models_app, ["promote", "cli-v1", "--config", str(pipeline)])
    assert res.exit_code == 0, res.output
    assert "default sentiment model is now cli-v1" in res.output
    res = runner.invoke(models_app, ["list"])
    assert res.exit_code == 0, res.output
    header, first = res.output.splitlines()[:2]
    assert header.split()[:5] == ["model", "where", "backend", "created", "key"]
    assert first.startswith("*  cli-v1") and " user " in first


def test_train_with_unknown_key_exits_1_naming_it(tmp_path):
    cfg_path = tmp_path / "bad.yaml"
    cfg_path.write_text("name: x\nseed: 1\nepochs: 3\ndata: {train: [{path: a.csv}]}\n", encoding="utf-8")
    res = runner.invoke(_single(train_sentiment), ["--config", str(cfg_path)])
    assert res.exit_code == 1 and "bad.yaml: epochs: unknown key" in res.output


def test_predict_reads_the_text_column_as_written(tiny_model_dir, tmp_path):
    """Words pandas takes for missing stay text; number, date and boolean cells become their text; the other
    columns pass through as written (an id 007 stays 007)."""
    src = tmp_path / "in.csv"
    src.write_text("id,comment,score\n001,NULL,NA\n2,N/A,3\n3,nan,\n4,,5\n5,None,1\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "comment", "--output", str(out),
                              "--model", str(tiny_model_dir)])
    assert res.exit_code == 0, res.output
    got = pd.read_json(out, lines=True, dtype=False)
    assert list(got["comment"]) == ["NULL", "N/A", "nan", "", "None"]
    assert list(got["score"]) == ["NA", "3", "", "5", "1"] and list(got["id"]) == ["001", "2", "3", "4", "5"]
    assert "1 row(s) have no text in 'comment'" in res.output
    sheet = tmp_path / "in.xlsx"
    pd.DataFrame({"comment": [12345, 3.5, True, pd.Timestamp("2026-12-01"), "แย่มาก"]}).to_excel(sheet, index=False)
    res = runner.invoke(app, ["predict", "--input", str(sheet), "--text-column", "comment", "--output",
                              str(tmp_path / "x.csv"), "--model", str(tiny_model_dir)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(got["comment"]) == ["12345", "3.5", "TRUE", "2026-12-01", "แย่มาก"]


def test_predict_reads_thai_legacy_and_utf16_csv(tiny_model_dir, tmp_path):
    for encoding in ("cp874", "utf-16"):
        src = tmp_path / f"{encoding}.csv"
        src.write_bytes("comment\nแย่มาก ไม่ชอบ\nดีมาก\n".encode(encoding))
        out = tmp_path / f"{encoding}.jsonl"
        res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "comment", "--output", str(out),
                                  "--model", str(tiny_model_dir)])
        assert res.exit_code == 0, res.output
        assert list(pd.read_json(out, lines=True)["comment"]) == ["แย่มาก ไม่ชอบ", "ดีมาก"]


def test_predict_checks_the_output_before_scoring(tiny_model_dir, tmp_path, monkeypatch):
    import voc.sentiment.catalog as catalog

    src = tmp_path / "in.csv"
    pd.DataFrame({"t": ["x"]}).to_csv(src, index=False)
    monkeypatch.setattr(catalog, "load_model", lambda *a, **k: (_ for _ in ()).throw(AssertionError("MODEL-LOADED")))
    for output, message in ((tmp_path, "is a folder"), (tmp_path / "o.txt", "unsupported file type '.txt'"),
                            (tmp_path / "nope" / "o.csv", "does not exist")):
        res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "t", "--output", str(output),
                                  "--model", str(tiny_model_dir)])
        assert res.exit_code != 0 and message in res.output, res.output
        assert "Traceback" not in res.output and "MODEL-LOADED" not in res.output


def test_predict_refuses_to_write_over_its_input(tiny_model_dir, tmp_path):
    src = tmp_path / "in.csv"
    pd.DataFrame({"t": ["แย่มาก", "ok"]}).to_csv(src, index=False)
    before = src.read_bytes()
    same = tmp_path / "." / "in.csv"  # the same file, written another way
    res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "t", "--output", str(same),
                              "--model", str(tiny_model_dir)])
    assert res.exit_code != 0 and "is the --input file" in res.output and "in.scored.csv" in res.output, res.output
    assert src.read_bytes() == before


def test_predict_and_evaluate_say_which_sheets_of_a_workbook_were_not_read(tiny_model_dir, tmp_path):
    src = tmp_path / "book.xlsx"
    with pd.ExcelWriter(src) as writer:
        pd.DataFrame({"t": ["ดีมาก ชอบมาก"], "label": ["positive"]}).to_excel(writer, sheet_name="june", index=False)
        pd.DataFrame({"t": ["แย่มาก"], "label": ["negative"]}).to_excel(writer, sheet_name="july", index=False)
        pd.DataFrame({"t": ["x"], "label": ["neutral"]}).to_excel(writer, sheet_name="call 081-234-5678", index=False)
    res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "t", "--output",
                              str(tmp_path / "o.csv"), "--model", str(tiny_model_dir)])
    assert res.exit_code == 0 and "1 rows scored" in res.output, res.output
    assert "has 3 sheets; only the first was read (not read: 'july', 'call <PHONE>')" in res.output, res.output
    res = runner.invoke(_single(evaluate_sentiment), ["--model", str(tiny_model_dir), "--data", str(src),
                                                      "--text-column", "t", "--label-column", "label"])
    assert res.exit_code == 0 and "only the first was read" in res.output and "081-234" not in res.output, res.output
    one = tmp_path / "one.xlsx"
    pd.DataFrame({"t": ["ok"]}).to_excel(one, index=False)
    res = runner.invoke(app, ["predict", "--input", str(one), "--text-column", "t", "--output",
                              str(tmp_path / "o2.csv"), "--model", str(tiny_model_dir)])
    assert res.exit_code == 0 and "sheets" not in res.output, res.output


def test_predict_writes_xlsx_from_text_with_control_characters(tiny_model_dir, tmp_path):
    src = tmp_path / "in.jsonl"
    pd.DataFrame({"t": ["\x07bell \x1b esc แย่มาก", "ok"]}).to_json(src, orient="records", lines=True)
    out = tmp_path / "o.xlsx"
    res = runner.invoke(app, ["predict", "--input", str(src), "--text-column", "t", "--output", str(out),
                              "--model", str(tiny_model_dir)])
    assert res.exit_code == 0, res.output
    assert list(pd.read_excel(out)["t"]) == ["bell  esc แย่มาก", "ok"]


def test_a_model_can_be_named_as_outputs_show_it(tiny_model_dir):
    from voc.sentiment.catalog import load_model, resolve_model_dir

    assert resolve_model_dir("default-routed@v2").name == "default-routed-v2"
    assert load_model("default-routed@v2").ref == "default-routed@v2"


def _predict(model_dir, src, out, *extra):
    return runner.invoke(app, ["predict", "--input", str(src), "--text-column", "text", "--output", str(out),
                               "--model", str(model_dir), *extra])


def test_predict_refuses_what_would_shift_or_mix_up_columns(tiny_model_dir, tmp_path):
    shifted = tmp_path / "shift.csv"
    shifted.write_text("id,text\n1,ดีมาก,extra\n2,แย่มาก,extra\n", encoding="utf-8")
    res = _predict(tiny_model_dir, shifted, tmp_path / "o.csv")
    assert res.exit_code != 0 and "line 2: 3 fields, but the header has 2" in res.output
    dup = tmp_path / "dup.csv"
    dup.write_text("id,text,text\n1,a,b\n", encoding="utf-8")
    res = _predict(tiny_model_dir, dup, tmp_path / "o.csv")
    assert res.exit_code != 0 and "more than one column is named 'text'" in res.output
    ok = tmp_path / "ok.csv"
    ok.write_text("id,text\n1,ดีมาก\n", encoding="utf-8")
    res = _predict(tiny_model_dir, ok, tmp_path / "o.csv", "--language-column", "lang")
    assert res.exit_code != 0 and "no column 'lang' (--language-column)" in res.output
    assert "Traceback" not in res.output


def test_predict_keeps_xlsx_words_json_strings_and_writes_readable_xlsx(tiny_model_dir, tmp_path):
    sheet = tmp_path / "in.xlsx"
    pd.DataFrame({"text": ["NULL", "N/A", "nan", "ok"]}).to_excel(sheet, index=False)
    res = _predict(tiny_model_dir, sheet, tmp_path / "o.jsonl")
    assert res.exit_code == 0, res.output
    assert list(pd.read_json(tmp_path / "o.jsonl", lines=True, dtype=False)["text"]) == ["NULL", "N/A", "nan", "ok"]
    numbers = tmp_path / "n.jsonl"
    numbers.write_text('{"text": "00042"}\n{"text": "1e5"}\n', encoding="utf-8")
    res = _predict(tiny_model_dir, numbers, tmp_path / "n-out.jsonl")
    assert res.exit_code == 0, res.output
    assert list(pd.read_json(tmp_path / "n-out.jsonl", lines=True, dtype=False)["text"]) == ["00042", "1e5"]
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"text": "a\\uffff b\\ufffe"}\n', encoding="utf-8")
    res = _predict(tiny_model_dir, odd, tmp_path / "odd.xlsx")
    assert res.exit_code == 0, res.output
    assert list(pd.read_excel(tmp_path / "odd.xlsx")["text"]) == ["a b"]  # the workbook opens


def test_evaluate_errors_are_one_line_before_scoring_and_without_personal_data(tmp_path):
    lab = tmp_path / "lab.csv"
    lab.write_text("text,label\nดีมาก,positive\nแย่,john@example.com 0812345678\n", encoding="utf-8")

    def run(*args):
        return runner.invoke(_single(evaluate_sentiment), ["--model", "default", "--text-column", "text",
                                                           "--label-column", "label", *args])

    res = run("--data", str(lab))
    assert res.exit_code != 0 and "unknown label" in res.output
    assert "john@example.com" not in res.output and "0812345678" not in res.output
    res = run("--data", str(lab), "--json", str(tmp_path))
    assert res.exit_code != 0 and "is a folder" in res.output
    res = run("--data", str(lab), "--label-map", '{"x": "happy"}')
    assert res.exit_code != 0 and "--label-map" in res.output and "pydantic" not in res.output
    header_only = tmp_path / "h.csv"
    header_only.write_text("text,label\n", encoding="utf-8")
    res = run("--data", str(header_only))
    assert res.exit_code != 0 and "no labelled rows" in res.output
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes("text,label\nดีมาก ชอบมาก,positive\n".encode("utf-16"))
    res = run("--data", str(utf16))
    assert res.exit_code == 0, res.output
