"""Reading labelled data: formats, label maps and clear errors for bad rows."""

from __future__ import annotations

import pandas as pd
import pytest

from voc.sentiment.config import DataFile
from voc.sentiment.data import TrainingDataError, read_labelled


def _frame():
    return pd.DataFrame({"review": ["ดีมาก", "แย่มาก", "ok"], "stars": ["good", "bad", "meh"]})


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_reads_csv_jsonl_parquet_with_label_map(tmp_path, suffix):
    path = tmp_path / f"data{suffix}"
    df = _frame()
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix == ".jsonl":
        df.to_json(path, orient="records", lines=True, force_ascii=False)
    else:
        df.to_parquet(path)
    spec = DataFile(path=str(path), text_column="review", label_column="stars",
                    label_map={"good": "positive", "bad": "negative", "meh": "neutral"})
    data = read_labelled([spec])
    assert data.texts == ["ดีมาก", "แย่มาก", "ok"]
    assert list(data.labels) == ["positive", "negative", "neutral"]
    assert data.languages == ["th", "th", "en"]
    assert data.files[0]["rows"] == 3 and len(data.files[0]["sha256"]) == 64


def test_headerless_tsv_with_numeric_labels(tmp_path):
    path = tmp_path / "uci.txt"
    path.write_text('Great "phone".\t1\nBroke in a week.\t0\n', encoding="utf-8")
    spec = DataFile(path=str(path), columns=["text", "label"], label_map={"0": "negative", "1": "positive"})
    data = read_labelled([spec])
    assert data.texts == ['Great "phone".', "Broke in a week."]
    assert list(data.labels) == ["positive", "negative"]


def test_unknown_label_names_file_and_row(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"text": ["a", "b", "c"], "label": ["pos", "neg", "angry"]}).to_csv(path, index=False)
    spec = DataFile(path=str(path), label_map={"pos": "positive", "neg": "negative"})
    with pytest.raises(TrainingDataError, match=r"bad\.csv: row 3: unknown label 'angry'"):
        read_labelled([spec])


def test_default_label_covers_unmapped_labels(tmp_path):
    path = tmp_path / "intents.csv"
    pd.DataFrame({"text": ["card lost", "top up"], "category": ["lost_card", "top_up"]}).to_csv(path, index=False)
    spec = DataFile(path=str(path), label_column="category", default_label="neutral")
    assert list(read_labelled([spec]).labels) == ["neutral", "neutral"]


def test_empty_text_names_file_and_row(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text('{"text": "ดี", "label": "positive"}\n{"text": "   ", "label": "negative"}\n', encoding="utf-8")
    with pytest.raises(TrainingDataError, match=r"empty\.jsonl: row 2: empty text"):
        read_labelled([DataFile(path=str(path))])


def test_missing_column_names_file_and_columns(tmp_path):
    path = tmp_path / "cols.csv"
    pd.DataFrame({"body": ["x"], "label": ["positive"]}).to_csv(path, index=False)
    with pytest.raises(TrainingDataError, match=r"cols\.csv: missing column 'text'; columns are: body, label"):
        read_labelled([DataFile(path=str(path))])


def test_missing_file_is_named(tmp_path):
    with pytest.raises(TrainingDataError, match="nope.csv: data file not found"):
        read_labelled([DataFile(path=str(tmp_path / "nope.csv"))])


def test_label_map_targets_are_checked():
    with pytest.raises(ValueError, match="label_map targets"):
        DataFile(path="x.csv", label_map={"pos": "happy"})


def test_repeat_reads_a_training_file_that_many_times(tmp_path):
    small = tmp_path / "cs.tsv"
    small.write_text("label\ttext\nnegative\tโดนหักเงินเบิ้ลค่ะ\nneutral\tส่งของวันไหนคะ\n", encoding="utf-8")
    big = tmp_path / "big.tsv"
    big.write_text("label\ttext\npositive\tgreat app\n", encoding="utf-8")
    data = read_labelled([DataFile(path=str(big)), DataFile(path=str(small), repeat=3, name="cs")])
    assert len(data) == 7 and data.texts.count("โดนหักเงินเบิ้ลค่ะ") == 3
    assert list(data.labels) == ["positive"] + ["negative", "neutral"] * 3
    assert data.sources.count("cs") == 6 and len(data.languages) == 7
    assert data.files[1]["rows"] == 2 and data.files[1]["repeat"] == 3 and "repeat" not in data.files[0]


def test_repeat_is_refused_outside_training_files():
    from pydantic import ValidationError

    from voc.sentiment.config import DataConfig

    train = DataFile(path="a.tsv", repeat=4)
    assert DataConfig(train=[train]).train[0].repeat == 4
    with pytest.raises(ValidationError, match="training files only"):
        DataConfig(train=[train], valid=[DataFile(path="v.tsv", repeat=2, name="v")])
    with pytest.raises(ValidationError):
        DataFile(path="a.tsv", repeat=0)


def test_an_xlsx_labelled_file_is_read_cell_by_cell_as_text(tmp_path):
    path = tmp_path / "labels.xlsx"
    pd.DataFrame({"msg": ["แย่มาก", "NULL", 12], "lab": ["negative", "neutral", "neutral"]}).to_excel(path, index=False)
    data = read_labelled([DataFile(path=str(path), text_column="msg", label_column="lab")])
    assert data.texts == ["แย่มาก", "NULL", "12"] and list(data.labels) == ["negative", "neutral", "neutral"]
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    with pytest.raises(TrainingDataError, match="bad.xlsx: cannot read as xlsx"):
        read_labelled([DataFile(path=str(bad))])


def test_canonical_label_names_are_read_in_any_case(tmp_path):
    path = tmp_path / "l.csv"
    pd.DataFrame({"text": ["a", "b", "c"], "label": ["Positive", "NEGATIVE", " neutral "]}).to_csv(path, index=False)
    assert list(read_labelled([DataFile(path=str(path))]).labels) == ["positive", "negative", "neutral"]
    pd.DataFrame({"text": ["a"], "label": ["Posi"]}).to_csv(path, index=False)
    with pytest.raises(TrainingDataError, match="unknown label 'Posi'"):
        read_labelled([DataFile(path=str(path))])
