"""Sources with personal data planted in every field voc reads, and scanners that look for any of it.

``write_planted_sources`` writes files into ``<work>/inputs/planted/`` and returns the YAML source entries
to append to a pipeline config. Personal data sits in: file names, message text (every written form),
ids, segment columns and constant segments, metadata columns, a JSON ``metadata`` object, bad rows
(their raw row and the value quoted in the reason), a broken JSON line, a text whose card straddles
the text-length cut, a failing source's name and its column names (the run-log error and the log).
Formula-like texts and segment values (``=HYPERLINK(...)``, ``@SUM``, ``+cmd``) ride along for the
formula-injection check. Used by tests/privacy and benchmarks/reliability.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

PHONES = ("089-765-4321", "+66 (0)81 555 0199", "02 987 6543", "0861234567", "๐๘๒-๓๓๓-๔๔๔๔", "0 8 9 1 1 1 2 2 2 2")
EMAILS = ("leak.somchai@example.com", "สมหญิงลับ@ตัวอย่าง.ไทย", "josé.leakmüller@firma.de", "meta.leak&#64;example.org",
          "owner.leak@example.net", "file.leak@example.com", "column.leak@example.com")
THAI_IDS = ("1-1037-02071-83-8", "110 3702 0718 38")
CARDS = ("4556 7375 8689 9855", "4111-1111-1111-1111", "5500\n0000\n0000\n0004")
FORMULAS = ("=HYPERLINK(\"http://evil.example/x\",\"click\")", "=1+2", "@SUM(A1:A9)", "+cmd|'/C calc'!A0",
            "-2+3+cmd", "\t=tab-led", "\r=cr-led")
WEEK_DAY = "2026-11-20"  # inside 2026-W47

# The same text with every planted value: each message of a source carries some of them.
_TEXT_TEMPLATES = (
    "โทรหาฉันที่ {phone} หรืออีเมล {email} ได้เลยค่ะ ส่งของช้ามาก",
    "My card {card} was charged twice, call {phone} please. Refund is slow",
    "เลขบัตรประชาชน {thai_id} ค่ะ แอปเด้งออกตลอด ติดต่อ {email}",
    "Delivery late again. Contact {email} / {phone}. ID {thai_id}",
)


def planted_values() -> list[str]:
    return [*PHONES, *EMAILS, *THAI_IDS, *CARDS]


def _digits_pattern(value: str) -> str:
    digits = [str(int(ch)) for ch in value if ch.isdigit()]
    return r"(?<![0-9])" + r"[^0-9A-Za-z\u0e00-\u0e4f\u0e5a-\u0e7f<>]{0,3}".join(digits) + r"(?![0-9])"


def _email_pattern(value: str) -> str:
    local = re.split(r"@|&#64;", value)[0]
    return re.escape(local)


_PLANTED_RE = re.compile(
    "|".join(
        [_digits_pattern(v) for v in (*PHONES, *THAI_IDS, *CARDS)] + [_email_pattern(v) for v in EMAILS]
    ),
    re.IGNORECASE,
)
_THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def find_planted(text: str) -> list[str]:
    """Every piece of planted personal data in ``text`` (digits in any script, any separators)."""
    return [m.group() for m in _PLANTED_RE.finditer(text.translate(_THAI_TO_ARABIC))]


def _message(i: int) -> str:
    return _TEXT_TEMPLATES[i % len(_TEXT_TEMPLATES)].format(
        phone=PHONES[i % len(PHONES)], email=EMAILS[i % len(EMAILS)], card=CARDS[i % len(CARDS)],
        thai_id=THAI_IDS[i % len(THAI_IDS)],
    )


def write_planted_sources(work: Path, long_text_chars: int = 20_000) -> str:
    """Write the planted sources under ``work/inputs/planted`` and return their YAML source entries."""
    import pandas as pd

    folder = work / "inputs" / "planted"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(90):
        text = f"{_message(i)} ครั้งที่ {i}"
        if i % 6 == 5:  # a bare "\r" is left out of the CSV: pandas writes it unquoted (the row would split)
            text = FORMULAS[(i // 6) % 6] + " " + text
        rows.append({
            "msg_id": f"{PHONES[i % len(PHONES)]}-{i}" if i % 2 else f"{EMAILS[i % len(EMAILS)]}#{i}",
            "body": text,
            "posted": f"{WEEK_DAY} {9 + i % 8:02d}:{i % 60:02d}",
            "stars": 1 + i % 5,
            "who": EMAILS[i % len(EMAILS)],
            "branch": f"สาขา โทร {PHONES[i % 3]}" if i % 3 else FORMULAS[1 + (i // 3) % 2],  # =1+2, @SUM
            "contact_note": f"call {PHONES[(i + 1) % len(PHONES)]} or {EMAILS[(i + 2) % len(EMAILS)]}",
        })
    # the card straddles the text-length cut: its first digits fall before it, the rest after
    card = CARDS[0]
    rows.append({"msg_id": "long-1", "body": "ก" * (long_text_chars - 9) + " " + card + " จบ", "posted": WEEK_DAY,
                 "stars": 2, "who": "x", "branch": "ok", "contact_note": "long"})
    # bad rows: PII in the unparseable date (quoted in the reason) and in the raw row
    rows.append({"msg_id": "bad-1", "body": "ส่งช้า", "posted": f"โทร {PHONES[0]}", "stars": 1, "who": EMAILS[0],
                 "branch": "x", "contact_note": CARDS[1]})
    rows.append({"msg_id": "bad-2", "body": "", "posted": WEEK_DAY, "stars": 1, "who": EMAILS[1],
                 "branch": PHONES[1], "contact_note": THAI_IDS[0]})
    pd.DataFrame(rows).to_csv(folder / f"reviews_{PHONES[3]}_{EMAILS[5]}.csv", index=False, encoding="utf-8")

    lines = []
    for i in range(24):
        lines.append(json.dumps({
            "id": f"{THAI_IDS[i % 2]}/{i}", "text": f"{_message(i + 1)} โพสต์ที่ {i}", "created": f"{WEEK_DAY}T10:{i:02d}:00+07:00",
            "metadata": {"customer": EMAILS[(i + 3) % len(EMAILS)], "tel": PHONES[i % len(PHONES)]},
            "segments": {"branch": f"ห้าง {PHONES[2]}" if i % 2 else FORMULAS[(i + 1) % len(FORMULAS)]},
        }, ensure_ascii=False))
    lines.append(json.dumps({"id": "bad-json-type", "text": {"phone": PHONES[4], "mail": EMAILS[2]},
                             "created": WEEK_DAY}, ensure_ascii=False))
    lines.append('{"id": "broken", "text": "โทร ' + PHONES[0] + ' ' + EMAILS[3] + '", "created": ')
    (folder / f"forum_{EMAILS[6]}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # a source whose file lacks the configured text column: the error names the file and its columns
    pd.DataFrame({f"note {PHONES[0]}": ["x"], EMAILS[6]: ["y"]}).to_csv(folder / f"crm_{CARDS[1]}.csv", index=False)
    return f"""\
  - name: planted_reviews
    path: inputs/planted/reviews_*.csv
    channel: review
    rating_scale: stars_1_5
    columns:
      text: body
      created_at: posted
      id: msg_id
      rating: stars
      author: who
      segments: {{branch: branch}}
      metadata: [contact_note]
    segments: {{owner: "{EMAILS[4]}"}}
  - name: planted_forum
    path: inputs/planted/forum_*.jsonl
    channel: forum
    columns: {{text: text, created_at: created, id: id}}
  - name: crm_export
    path: inputs/planted/crm_*.csv
    channel: survey
    columns: {{text: answer, created_at: answered_at}}
"""


def plant_into_config(config_path: Path) -> None:
    """Append the planted sources to a pipeline config and break sentiment down by ``branch`` too."""
    text = config_path.read_text(encoding="utf-8")
    text = text.replace("segment_fields: [product]", "segment_fields: [product, branch]")
    config_path.write_text(text + write_planted_sources(config_path.parent), encoding="utf-8")


def scan_store(path: Path) -> dict[str, list[str]]:
    """Planted PII per ``table.column`` in every table and column of a DuckDB store."""
    import duckdb

    hits: dict[str, list[str]] = {}
    con = duckdb.connect(str(path), read_only=True)
    try:
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            df = con.execute(f'SELECT * FROM "{table}"').df()
            for col in df.columns:
                found = find_planted("\n".join(str(v) for v in df[col].tolist()))
                if found:
                    hits[f"{table}.{col}"] = found
    finally:
        con.close()
    return hits


def export_cells(path: Path) -> list[object]:
    """Every cell value of an export file (CSV, Parquet, XLSX) as read back; HTML as one string."""
    import pandas as pd

    if path.suffix == ".csv":
        import csv

        with path.open(encoding="utf-8-sig", newline="") as f:
            return [cell for row in csv.reader(f) for cell in row]
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
        return list(df.columns) + [v for col in df.columns for v in df[col].tolist()]
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    return [path.read_text(encoding="utf-8")]


def scan_exports(folder: Path) -> dict[str, list[str]]:
    """Planted PII per export file under ``folder`` (recursively)."""
    hits: dict[str, list[str]] = {}
    for f in sorted(folder.rglob("*")):
        if f.is_file() and f.suffix in (".csv", ".parquet", ".xlsx", ".html"):
            found = find_planted("\n".join(str(v) for v in export_cells(f)))
            if found:
                hits[f.name] = found
    return hits


def scan_lines(lines: list[str]) -> list[str]:
    return [hit for line in lines for hit in find_planted(line)]
