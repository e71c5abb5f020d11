"""A corpus of hostile input files (for the reliability test and benchmark): each must be parsed or quarantined."""

from __future__ import annotations

import json
from pathlib import Path

HEADER = "id,text,time\n"
HOSTILE_SOURCES_YAML = """\
  - {{name: hostile_files, path: '{csv_glob}', channel: review, columns: {{text: text, created_at: time, id: id}}}}
  - {{name: hostile_json, path: '{json_glob}', channel: forum, columns: {{text: text, created_at: time, id: id}}}}
"""


def write_hostile_corpus(folder: Path, week_day: str = "2026-11-20") -> dict[str, Path]:
    """Write malformed, mis-encoded, binary, empty, huge and oddly dated files; returns the two globs' folders."""
    csv_dir, json_dir = folder / "hostile_csv", folder / "hostile_json"
    csv_dir.mkdir(parents=True, exist_ok=True)
    json_dir.mkdir(parents=True, exist_ok=True)
    d = week_day
    (csv_dir / "ragged.csv").write_text(HEADER + f"h1,ok,{d}\nh2,a,b,c,d\nh3\n", encoding="utf-8")
    (csv_dir / "quotes.csv").write_text(
        HEADER + f'h4,"never closed,{d}\nh5,after the bad quote,{d}\n', encoding="utf-8"
    )
    (csv_dir / "nul.csv").write_bytes((HEADER + f"h6,fine row,{d}\nh7,bad\x00row,{d}\nh8,fine too,{d}\n"
                                       + "".join(f"h{100 + i},filler row {i},{d}\n" for i in range(40))).encode())
    (csv_dir / "tis620.csv").write_bytes((HEADER + f"h9,ส่งของช้ามาก,{d}\n").encode("cp874"))
    (csv_dir / "utf16.csv").write_bytes((HEADER + f"h10,บริการดี,{d}\n").encode("utf-16"))
    (csv_dir / "binary.csv").write_bytes(bytes(range(256)) * 20)
    (csv_dir / "empty.csv").write_bytes(b"")
    (csv_dir / "long.csv").write_text(HEADER + "h11," + "ก" * 1_000_000 + f",{d}\nh12," + "x" * 100_000 + f",{d}\n",
                                      encoding="utf-8")
    (csv_dir / "dates.csv").write_text(
        HEADER + "h13,พ.ศ. ไทย,20/11/2569\nh14,thai month,20 พฤศจิกายน 2569 10:30\nh15,impossible,2026-02-30\n"
        "h16,not a date,yesterday-ish\n", encoding="utf-8")
    (csv_dir / "odd_text.csv").write_text(HEADER + f"h17,😡😡😡,{d}\nh18,\u200b\u200c\u200d,{d}\nh19,   ,{d}\n",
                                          encoding="utf-8")
    (json_dir / "wrong_types.jsonl").write_text(
        "\n".join([json.dumps({"id": "j1", "text": ["a", "list"], "time": d}),
                   json.dumps({"id": "j2", "text": 12345, "time": d}),
                   json.dumps({"id": "j3", "text": "fine", "time": {"nested": True}}),
                   "[1, 2, 3]", "{not json", json.dumps({"id": "j4", "text": "ok json", "time": d})]) + "\n",
        encoding="utf-8")
    return {"csv": csv_dir, "json": json_dir}


def hostile_sources_yaml(folder: Path, base: Path) -> str:
    """Source entries (YAML list items) reading the corpus written by :func:`write_hostile_corpus`."""
    rel = folder.relative_to(base) if folder.is_relative_to(base) else folder
    return HOSTILE_SOURCES_YAML.format(csv_glob=f"{rel}/hostile_csv/*.csv", json_glob=f"{rel}/hostile_json/*.jsonl")
