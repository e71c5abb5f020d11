"""The customer-service evaluation sets written for issue #15 (imported by name: conftest is not unique).

``cs_eval.tsv`` (>= 300 messages) is only ever a test split: the model card's "customer service"
figure. ``cs_valid.tsv`` (a separate, smaller set) is a valid split that training may tune on.
Columns: label (positive / neutral / negative), kind (review, chat, call_note), text.
"""

from __future__ import annotations

from pathlib import Path

from voc.sentiment.config import DataFile
from voc.sentiment.data import LabelledData, read_labelled

DATA_DIR = Path(__file__).parent / "data"
CS_EVAL = DATA_DIR / "cs_eval.tsv"
CS_VALID = DATA_DIR / "cs_valid.tsv"


def cs_file(path: Path = CS_EVAL, name: str = "cs-eval") -> DataFile:
    """One of the sets as a ``DataFile`` (each text's language is read from its script)."""
    return DataFile(path=str(path), format="tsv", name=name)


def load_cs(path: Path = CS_EVAL, name: str = "cs-eval") -> LabelledData:
    return read_labelled([cs_file(path, name)])
