"""Labelled data for training and evaluation: read, map labels, and say exactly what is wrong."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from voc.errors import DataError
from voc.sentiment.config import CANONICAL_LABELS, SHARED_DATA_TOKEN, DataFile


class TrainingDataError(DataError):
    """Labelled data that cannot be used; the message names the file and the row."""


@dataclass
class LabelledData:
    """Texts with canonical labels, their language and the file each came from."""

    texts: list[str]
    labels: np.ndarray  # canonical label strings
    languages: list[str]
    sources: list[str]
    files: list[dict] = field(default_factory=list)  # name, path, rows, sha256

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, mask: np.ndarray) -> LabelledData:
        idx = np.flatnonzero(mask)
        return LabelledData(
            [self.texts[i] for i in idx],
            self.labels[idx],
            [self.languages[i] for i in idx],
            [self.sources[i] for i in idx],
            self.files,
        )


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _format(spec: DataFile, path: Path) -> str:
    if spec.format != "auto":
        return spec.format
    suffix = path.suffix.lower()
    known = {".csv": "csv", ".tsv": "tsv", ".txt": "tsv", ".jsonl": "jsonl", ".parquet": "parquet", ".xlsx": "xlsx"}
    if suffix not in known:
        raise TrainingDataError(
            f"{path}: cannot tell the format from {suffix!r}; use a .csv, .tsv, .jsonl, .parquet or .xlsx file "
            "(in a training config, or set format: csv, tsv, jsonl, parquet or xlsx)"
        )
    return known[suffix]


def read_frame(spec: DataFile) -> tuple[pd.DataFrame, Path]:
    """The file as a table of strings (labels like ``1`` stay ``"1"``)."""
    path = spec.resolved_path()
    if not path.is_file():
        hint = ""
        if spec.path.startswith(SHARED_DATA_TOKEN):
            hint = "; {shared_data} is $VOC_SHARED_DATA, else ../shared/data beside the checkout"
        elif not Path(spec.path).expanduser().is_absolute():
            hint = "; a relative path in a config file is relative to that file"
        raise TrainingDataError(f"{path}: data file not found (from path {spec.path!r}{hint})")
    fmt = _format(spec, path)
    header = None if spec.columns else "infer"
    try:
        if fmt in ("csv", "tsv"):
            from voc.tableio import read_delimited

            df = read_delimited(
                path,
                "," if fmt == "csv" else "\t",
                quoting=3 if fmt == "tsv" else 0,  # TSV review files carry bare quotes
                header=0 if header else None,
                **({"names": spec.columns} if spec.columns else {}),
                dtype=str,
                keep_default_na=False,
            )
        elif fmt == "jsonl":
            rows = []
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise TrainingDataError(f"{path}: line {n}: not valid JSON ({e.msg})") from None
            df = pd.DataFrame(rows)
        elif fmt == "xlsx":  # the first sheet, every cell as its text
            try:
                df = pd.read_excel(path, header=0 if header else None, names=spec.columns, dtype=str,
                                   keep_default_na=False)
            except ValueError as e:  # not an XLSX workbook (openpyxl/zipfile say so as ValueError or BadZipFile)
                raise TrainingDataError(f"{path}: cannot read as xlsx: {e}") from None
        else:
            df = pd.read_parquet(path)
    except TrainingDataError:
        raise
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as e:
        message = str(e) if str(path) in str(e) else f"{path}: cannot read as {fmt}: {e}"
        raise TrainingDataError(message) from None
    return df, path


def _as_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def read_labelled(specs: list[DataFile]) -> LabelledData:
    """Read every file of a split; a bad row stops with its file and row number (1 = first data row)."""
    texts: list[str] = []
    labels: list[str] = []
    languages: list[str] = []
    sources: list[str] = []
    files: list[dict] = []
    for spec in specs:
        df, path = read_frame(spec)
        needed = [spec.text_column, spec.label_column] + ([spec.language_column] if spec.language_column else [])
        missing = [c for c in needed if c not in df.columns]
        if missing:
            raise TrainingDataError(
                f"{path}: missing column {', '.join(map(repr, missing))}; columns are: "
                f"{', '.join(map(str, df.columns))} (set text_column / label_column / columns in the config)"
            )
        mapping = {**{c: c for c in CANONICAL_LABELS}, **spec.label_map}
        raw_texts = [_as_text(v) for v in df[spec.text_column].tolist()]
        raw_labels = [_as_text(v).strip() for v in df[spec.label_column].tolist()]
        drop = set(spec.drop_labels)
        # script: a head's own share of a file (the routed model's English assist trains on texts without Thai)
        want_thai = spec.script == "thai"
        keep = [i for i, (text, raw) in enumerate(zip(raw_texts, raw_labels, strict=True))
                if raw not in drop and (spec.script == "any" or bool(_THAI_RE.search(text)) == want_thai)]
        if len(keep) < len(raw_texts):
            df = df.iloc[keep].reset_index(drop=True)
            raw_texts = [raw_texts[i] for i in keep]
            raw_labels = [raw_labels[i] for i in keep]
        for i, (text, raw) in enumerate(zip(raw_texts, raw_labels, strict=True)):
            if not text.strip():
                raise TrainingDataError(f"{path}: row {i + 1}: empty text in column {spec.text_column!r}")
            if raw not in mapping and raw.lower() in CANONICAL_LABELS:
                raw = raw.lower()  # "Positive", "NEGATIVE": the canonical names in any case
            if raw not in mapping and spec.default_label:
                labels.append(spec.default_label)
                continue
            if raw not in mapping:
                known = ", ".join(sorted(mapping))
                raise TrainingDataError(
                    f"{path}: row {i + 1}: unknown label {raw!r} in column {spec.label_column!r}; "
                    f"known: {known} (add it to label_map)"
                )
            labels.append(mapping[raw])
        if spec.language_column:
            file_languages = [_as_text(v) or "other" for v in df[spec.language_column].tolist()]
        else:
            # each text's own language, not the file's: wisesight has English and code-mixed posts
            file_languages = guess_languages(raw_texts)
        if spec.repeat > 1:  # the labels of this file were appended once above
            file_labels = labels[len(texts) :]
            labels.extend(file_labels * (spec.repeat - 1))
        texts.extend(raw_texts * spec.repeat)
        languages.extend(file_languages * spec.repeat)
        sources.extend([spec.display_name] * (len(raw_texts) * spec.repeat))
        entry = {"name": spec.display_name, "path": spec.path, "rows": len(raw_texts), "sha256": file_sha256(path)}
        if spec.repeat > 1:
            entry["repeat"] = spec.repeat
        files.append(entry)
    return LabelledData(texts, np.asarray(labels, dtype=object), languages, sources, files)


_THAI_RE = re.compile("[\u0e01-\u0e5b]")
_LATIN_WORD_RE = re.compile("[A-Za-z]{2,}")


def text_language(text: str) -> str:
    """``th`` (Thai script only), ``mixed`` (Thai and a Latin word), or ``en`` (no Thai script)."""
    if _THAI_RE.search(text):
        return "mixed" if _LATIN_WORD_RE.search(text) else "th"
    return "en"


def guess_languages(texts: list[str]) -> list[str]:
    """Each text's language by its script (enough to split metrics by language)."""
    return [text_language(t) for t in texts]
