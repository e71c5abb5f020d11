"""Domain adaptation from the user's own data: weak labels from ratings, and a human labelling loop.

``train_from_store`` turns the store's rated records into weakly labelled data (per rating scale),
holds out a split by record id, trains a challenger on the shipped training data plus these, and
lets the champion/challenger gate (``catalog.promote``) decide on the held-out split.
``export_for_labelling`` writes the records the model is least sure of for people to label;
``import_labels`` reads their labels back into a labelled set (train and eval parts) that the
next ``train_from_store`` uses. Texts are the store's redacted clean text, never the raw input.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from voc.errors import DataError
from voc.sentiment.config import DataFile, PromotionConfig, TrainConfig

WEAK_DIR = "sentiment-from-store"
LABELS_DIR = "sentiment-labels"
LABELS_FILE = "labels.jsonl"
HOLDOUT_SHARE = 0.2
"""Share of the weakly labelled (and of the human-labelled) records held out for the gate."""
_CUSTOM_RE = re.compile(r"^custom_(-?\d+(?:\.\d+)?)_(-?\d+(?:\.\d+)?)$")
LABEL_ALIASES = {
    "positive": "positive", "pos": "positive", "+": "positive", "บวก": "positive", "ดี": "positive",
    "neutral": "neutral", "neu": "neutral", "0": "neutral", "กลาง": "neutral", "เฉย": "neutral", "เฉยๆ": "neutral",
    "negative": "negative", "neg": "negative", "-": "negative", "ลบ": "negative", "แย่": "negative",
}
"""What a person may type in the ``label`` column (case and spaces ignored)."""


class LabelFileError(DataError):
    """A labelled file that cannot be read back; the message names the file and the row."""


def weak_label(rating: object, scale: object) -> str | None:
    """positive / negative from a rating on its scale, None when it says neither (or is unknown).

    stars/CSAT 1-5: 1-2 negative, 4-5 positive; NPS 0-10: 0-6 negative (detractors), 9-10 positive
    (promoters); ``custom_<min>_<max>``: the bottom 40% of the range negative, the top 40% positive.
    """
    try:
        r = float(rating)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if np.isnan(r) or not isinstance(scale, str):
        return None
    if scale in ("stars_1_5", "csat_1_5"):
        return "negative" if 1 <= r <= 2 else "positive" if 4 <= r <= 5 else None
    if scale == "nps_0_10":
        return "negative" if 0 <= r <= 6 else "positive" if 9 <= r <= 10 else None
    m = _CUSTOM_RE.match(scale)
    if m:
        lo, hi = float(m[1]), float(m[2])
        if hi <= lo or not lo <= r <= hi:
            return None
        share = (r - lo) / (hi - lo)
        return "negative" if share <= 0.4 else "positive" if share >= 0.6 else None
    return None


def in_holdout(record_id: str, share: float = HOLDOUT_SHARE) -> bool:
    """Whether a record belongs to the held-out split (by a hash of its id: stable across runs)."""
    h = int(hashlib.sha1(str(record_id).encode("utf-8")).hexdigest()[:8], 16)
    return h / 0xFFFFFFFF < share


def _store_texts(store) -> pd.DataFrame:
    """record_id, text (the redacted clean text, else the stored text), rating, rating_scale, duplicate_of."""
    records = store.read_table("records")
    text = store.read_table("record_text")[["record_id", "text_clean"]]
    df = records.merge(text, on="record_id", how="left")
    df["text"] = df["text_clean"].where(df["text_clean"].notna() & (df["text_clean"] != ""), df["text"])
    return df


def weak_labelled(store) -> pd.DataFrame:
    """The store's rated, non-duplicate records with a weak label: record_id, text, label, split."""
    df = _store_texts(store)
    df = df[df["duplicate_of"].isna()]
    labels = [weak_label(r, s) for r, s in zip(df["rating"], df["rating_scale"], strict=True)]
    out = pd.DataFrame({"record_id": df["record_id"].to_numpy(), "text": df["text"].to_numpy(), "label": labels})
    out = out[out["label"].notna() & out["text"].fillna("").str.strip().ne("")].reset_index(drop=True)
    out["split"] = ["holdout" if in_holdout(i) else "train" for i in out["record_id"]]
    return out


def _write_jsonl(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for row in df[["record_id", "text", "label"]].itertuples(index=False):
            f.write(json.dumps({"record_id": row.record_id, "text": row.text, "label": row.label}, ensure_ascii=False))
            f.write("\n")
    return path


@dataclass
class FromStoreResult:
    challenger: Path
    weak_train: int
    weak_holdout: int
    human_train: int
    human_holdout: int
    promoted: bool
    champion: str | None
    challenger_score: float
    champion_score: float | None
    metric: str
    reason: str


def train_from_store(
    store,
    work_dir: Path,
    base: TrainConfig,
    output_root: Path | None = None,
    promotion: PromotionConfig | None = None,
    min_records: int = 20,
    models_dir: str | Path | None = None,
) -> FromStoreResult:
    """Train a challenger on ``base``'s data plus the store's weak (and human) labels; the gate decides.

    ``work_dir`` keeps the derived labelled files (beside the store, never in the repository). The
    gate scores champion and challenger on the held-out store split (plus human-labelled held-out
    records, if any) and promotes the challenger only if it is not worse beyond the tolerance.
    """
    from voc.sentiment.catalog import PromotionRefused, models_root, promote
    from voc.sentiment.train import train_model

    weak = weak_labelled(store)
    if len(weak) < min_records:
        raise DataError(
            f"the store has {len(weak)} rated records with a clear rating (need {min_records}); ratings need "
            "rating_scale stars_1_5, csat_1_5, nps_0_10 or custom_<min>_<max>"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = Path(work_dir) / WEAK_DIR / stamp
    train_part, hold_part = weak[weak["split"] == "train"], weak[weak["split"] == "holdout"]
    if train_part.empty or hold_part.empty:
        raise DataError(f"{len(weak)} weakly labelled records do not fill both a training and a held-out split")
    extra_train = [DataFile(path=str(_write_jsonl(train_part, folder / "weak_train.jsonl")), name="store-weak-train")]
    reference = [DataFile(path=str(_write_jsonl(hold_part, folder / "weak_holdout.jsonl")), name="store-weak-holdout")]
    human = read_human_labels(work_dir)
    h_train = h_hold = 0
    if human is not None:
        hold = np.array([in_holdout(i) for i in human["record_id"]], dtype=bool)
        h_train, h_hold = int((~hold).sum()), int(hold.sum())
        if h_train:
            path = _write_jsonl(human[~hold], folder / "human_train.jsonl")
            extra_train.append(DataFile(path=str(path), name="store-human-train"))
        if h_hold:
            path = _write_jsonl(human[hold], folder / "human_holdout.jsonl")
            reference.append(DataFile(path=str(path), name="store-human-holdout"))
    data = base.data.model_copy(
        update={"train": [*base.data.train, *extra_train], "test": [*base.data.test, *reference]}
    )
    config = base.model_copy(
        update={
            "name": f"{base.name}-store",
            "description": (base.description + " Adapted with the store's rated records (weak labels).").strip(),
            "data": data,
        }
    )
    # the challenger goes to the user's models folder (never the package); the gate writes the user's registry
    challenger = train_model(config, Path(output_root) if output_root else models_root(models_dir))
    gate = (promotion or PromotionConfig()).model_copy(update={"reference": reference})
    try:
        result = promote(str(challenger), gate, models_dir=models_dir)
        promoted, reason = result.promoted, "promoted: not worse than the champion on the held-out store records"
        champion, c_score, ch_score = result.champion, result.challenger_score, result.champion_score
    except PromotionRefused as e:
        promoted, reason = False, str(e)
        champion, c_score, ch_score = None, float("nan"), None
        scores = re.findall(r"(\d+\.\d{4})", str(e))
        if len(scores) >= 2:
            c_score, ch_score = float(scores[0]), float(scores[1])
    return FromStoreResult(
        challenger, len(train_part), len(hold_part), h_train, h_hold, promoted, champion, c_score, ch_score,
        gate.metric, reason,
    )


# -- the labelling loop ----------------------------------------------------------------------------
EXPORT_COLUMNS = ["record_id", "text", "language", "model_label", "confidence", "label", "note"]


def least_sure(store, n: int, weeks: list[str] | None = None) -> pd.DataFrame:
    """The ``n`` scored records whose sentiment the model is least sure of (smallest top-two margin)."""
    df = _store_texts(store)
    if weeks:
        df = df[df["iso_week"].isin(weeks)]
    scores = store.read_table("record_sentiment")
    lang = store.read_table("record_text")[["record_id", "language"]]
    df = df[df["duplicate_of"].isna()].merge(scores, on="record_id").merge(lang, on="record_id", how="left")
    if df.empty:
        return pd.DataFrame(columns=EXPORT_COLUMNS)
    three = np.stack([df["p_positive"], df["p_neutral"] + df["p_question"], df["p_negative"]], axis=1).astype(float)
    top2 = np.sort(three, axis=1)[:, -2:]
    df = df.assign(_margin=top2[:, 1] - top2[:, 0]).sort_values(["_margin", "record_id"]).head(n)
    return pd.DataFrame(
        {
            "record_id": df["record_id"].to_numpy(),
            "text": df["text"].to_numpy(),
            "language": df["language"].to_numpy(),
            "model_label": df["sentiment"].to_numpy(),
            "confidence": df["sentiment_confidence"].astype(float).round(3).to_numpy(),
            "label": "",
            "note": "",
        }
    )


def export_for_labelling(store, path: Path, n: int = 200, weeks: list[str] | None = None) -> int:
    """Write the least-sure records to CSV (UTF-8 with BOM, so Excel shows Thai) or XLSX; returns how many."""
    from voc.tableio import write_csv, write_table

    rows = least_sure(store, n, weeks)
    path = Path(path)
    if path.suffix.lower() == ".csv":
        write_csv(rows, path)
    elif path.suffix.lower() == ".xlsx":
        write_table(rows, path)
    else:
        raise LabelFileError(f"{path}: write labels to a .csv or .xlsx file")
    return len(rows)


def import_labels(path: Path, work_dir: Path) -> dict[str, Any]:
    """Read people's labels back; merge into ``<work_dir>/sentiment-labels/labels.jsonl`` (latest wins).

    Rows with an empty label are skipped (not labelled yet); an unknown label stops with its row.
    """
    from voc.tableio import read_table

    path = Path(path)
    if not path.is_file():
        raise LabelFileError(f"{path}: label file not found")
    try:
        df = read_table(path, text_columns=("text", "label"))  # "NULL" or "N/A" in a message stays text
    except ValueError as e:
        raise LabelFileError(f"{path}: {e}") from None
    missing = [c for c in ("record_id", "text", "label") if c not in df.columns]
    if missing:
        raise LabelFileError(f"{path}: missing column {', '.join(missing)} (export with `voc label export`)")
    rows = []
    for i, (rid, text, raw) in enumerate(zip(df["record_id"], df["text"], df["label"], strict=True), start=2):
        value = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw).strip().lower()
        if not value:
            continue
        if value not in LABEL_ALIASES:
            raise LabelFileError(
                f"{path}: row {i}: unknown label {raw!r}; use positive, neutral or negative (or ดี / เฉยๆ / แย่)"
            )
        if not isinstance(text, str) or not text.strip():
            raise LabelFileError(f"{path}: row {i}: empty text")
        rows.append({"record_id": str(rid), "text": text, "label": LABEL_ALIASES[value]})
    new = pd.DataFrame(rows, columns=["record_id", "text", "label"])
    old = read_human_labels(work_dir)
    merged = pd.concat([old, new]) if old is not None else new
    merged = merged.drop_duplicates("record_id", keep="last").reset_index(drop=True)
    target = _write_jsonl(merged, Path(work_dir) / LABELS_DIR / LABELS_FILE)
    hold = sum(in_holdout(i) for i in merged["record_id"])
    return {"read": len(new), "total": len(merged), "train": len(merged) - hold, "eval": hold, "path": target}


def read_human_labels(work_dir: Path) -> pd.DataFrame | None:
    """Every human label imported so far (record_id, text, label), or None."""
    path = Path(work_dir) / LABELS_DIR / LABELS_FILE
    if not path.is_file():
        return None
    return pd.read_json(path, lines=True, dtype={"record_id": str})


def human_label_sets(work_dir: Path) -> tuple[DataFile, DataFile] | None:
    """The imported labels as a training and an evaluation file (split by record id), for a training config."""
    human = read_human_labels(work_dir)
    if human is None or human.empty:
        return None
    hold = np.array([in_holdout(i) for i in human["record_id"]], dtype=bool)
    folder = Path(work_dir) / LABELS_DIR
    train = _write_jsonl(human[~hold], folder / "labels_train.jsonl")
    evaluation = _write_jsonl(human[hold], folder / "labels_eval.jsonl")
    return DataFile(path=str(train), name="human-train"), DataFile(path=str(evaluation), name="human-eval")
