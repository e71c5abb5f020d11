"""Fuzz the ingest parsers and the text layer with generated inputs (hypothesis).

Every input must either parse (rows or quarantine entries) or raise the designed, user-facing errors
(SourceError / EncodingError for a whole unreadable file). Anything else is an unhandled exception.
Usage: python benchmarks/fuzz.py [--examples 10000] [--json bench-results/fuzz.json]
Exit status 1 if any unhandled exception was found.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _common import write_json

PIECES = ["ลูกค้า:", "พนักงาน:", "Customer:", "Agent:", "\n", "\r\n", ",", '"', "\t", "\x00", "---", "# id: x",
          "# time: 2026-11-20", "2026-11-20 10:00", "29/11/2569", "พ.ศ. 2569", "555", "ดีมากกกก", "😡", "\u200b",
          "{", "}", "[", "]", ":", "081-234-5678", "a@b.co", "1-1017-00123-45-6", "<b>", "&amp;", "๑๒๓"]
texty = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map("".join)
jsonish = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(
        ["id", "text", "time", "turns", "speaker", "started_at", "body"]), children, max_size=5),
    max_leaves=20,
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp874", "latin-1"]
# raw JSON fragments json.dumps never writes: lone surrogates, deep nesting, huge numbers, odd line breaks
JSON_PIECES = ['"\\ud800"', '"\\udfff x"', '"a\u2028b"', '"c\u0085d"', '"\\u0000"', "1e400", "-1e400", "9" * 5000,
               "[" * 3000 + "]" * 3000, '"2999-01-01"', '"99999-01-01"', "1e300", '"2026-11-20 10:00"', "NaN"]
json_value = st.one_of(st.sampled_from(JSON_PIECES), jsonish.map(lambda v: json.dumps(v, default=str)))


class Fuzzer:
    def __init__(self, tmp: Path) -> None:
        from voc.ingest.config import ColumnMap, TranscriptSource
        from voc.ingest.records import MapContext

        self.tmp = tmp
        self.cols = ColumnMap(text="text", created_at="time", id="id")
        self.ctx = MapContext("fuzz", "r", "Asia/Bangkok", "Asia/Bangkok", "review", {}, "salt")
        self.transcripts = TranscriptSource(name="t", kind="transcript", path="x", channel="chat")
        self.tried = 0
        self.failures: list[dict] = []

    def check(self, kind: str, payload, fn) -> None:
        from voc.ingest.encoding import EncodingError
        from voc.ingest.files import SourceError

        self.tried += 1
        try:
            fn()
        except (SourceError, EncodingError):
            pass  # the designed answer for a whole unreadable file
        except Exception as e:  # noqa: BLE001 - this is what we are hunting
            if len(self.failures) < 20:
                self.failures.append({"kind": kind, "input": repr(payload)[:300], "error": f"{type(e).__name__}: {e}",
                                      "trace": traceback.format_exc()[-1500:]})

    def file(self, suffix: str, data: bytes) -> None:
        from voc.ingest.files import read_file
        from voc.ingest.records import map_rows

        p = self.tmp / f"in{suffix}"
        p.write_bytes(data)

        def run():
            raw = read_file(p)
            map_rows(raw, self.cols, self.ctx)

        self.check(suffix, data, run)

    def parquet(self, columns: dict) -> None:
        import pandas as pd

        from voc.ingest.files import read_file
        from voc.ingest.records import map_rows

        p = self.tmp / "in.parquet"
        try:
            pd.DataFrame(columns).to_parquet(p)
        except Exception:  # noqa: BLE001 - pyarrow refuses the mix: not an input voc can meet
            return
        self.check(".parquet", columns, lambda: map_rows(read_file(p), self.cols, self.ctx))

    def transcript(self, fmt: str, data: bytes) -> None:
        from voc.ingest.records import map_rows
        from voc.ingest.run import TRANSCRIPT_COLUMNS
        from voc.ingest.transcripts import read_transcripts

        p = self.tmp / ("t.jsonl" if fmt == "json" else "t.txt")
        p.write_bytes(data)
        src = self.transcripts.model_copy(update={"format": fmt})
        self.check(f"transcript-{fmt}", data, lambda: map_rows(read_transcripts(p, src), TRANSCRIPT_COLUMNS, self.ctx))

    def text(self, s: str) -> None:
        from voc.text.pipeline import process_texts

        def run():
            out = process_texts([s])
            assert len(out) == 1

        self.check("text", s, run)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--examples", type=int, default=10_000, help="inputs in all (split over 8 generators)")
    ap.add_argument("--json", default="bench-results/fuzz.json")
    args = ap.parse_args()
    per = max(1, args.examples // 8)
    cfg = settings(max_examples=per, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as d:
        fz = Fuzzer(Path(d))

        @cfg
        @given(body=texty, enc=st.sampled_from(ENCODINGS))
        def csv_files(body, enc):
            fz.file(".csv", ("id,text,time\n" + body).encode(enc, errors="replace"))

        @cfg
        @given(data=st.binary(max_size=400))
        def raw_bytes(data):
            fz.file(".csv", data)

        @cfg
        @given(items=st.lists(jsonish, max_size=6))
        def jsonl_files(items):
            lines = [json.dumps(i, ensure_ascii=False, default=str) if n % 3 else str(i) for n, i in enumerate(items)]
            fz.file(".jsonl", "\n".join(lines).encode("utf-8"))
            fz.file(".json", json.dumps(items, default=str).encode("utf-8"))

        @cfg
        @given(lines=st.lists(st.fixed_dictionaries({}, optional={"id": json_value, "text": json_value,
                                                                  "time": json_value}), max_size=6))
        def jsonl_hostile(lines):
            body = "\n".join("{" + ", ".join(f'"{k}": {v}' for k, v in d.items()) + "}" for d in lines)
            fz.file(".jsonl", body.encode("utf-8", errors="surrogatepass"))

        cell = st.one_of(st.none(), st.binary(max_size=12), texty, st.integers(-2**63, 2**63 - 1), st.floats())
        @cfg
        @given(n=st.integers(1, 5), data=st.data())
        def parquet_files(n, data):
            cols = {c: data.draw(st.lists(cell, min_size=n, max_size=n)) for c in ("id", "text", "time")}
            fz.parquet(cols)

        @cfg
        @given(body=texty)
        def text_transcripts(body):
            fz.transcript("text", body.encode("utf-8", errors="replace"))

        @cfg
        @given(items=st.lists(jsonish, max_size=4))
        def json_transcripts(items):
            fz.transcript("json", "\n".join(json.dumps(i, default=str) for i in items).encode("utf-8"))

        @cfg
        @given(s=st.one_of(texty, st.text(max_size=200)))
        def texts(s):
            fz.text(s)

        for gen in (csv_files, raw_bytes, jsonl_files, jsonl_hostile, parquet_files, text_transcripts,
                    json_transcripts, texts):
            gen()
    secs = time.perf_counter() - t0
    figures = {"inputs_tried": fz.tried, "unhandled_exceptions": len(fz.failures), "seconds": round(secs, 1),
               "failures": fz.failures}
    print(f"fuzz: {fz.tried} inputs through the ingest parsers and the text layer in {secs:.0f} s; "
          f"unhandled exceptions: {len(fz.failures)}")
    for f in fz.failures[:5]:
        print(f"  {f['kind']}: {f['error']}\n    input: {f['input'][:160]}")
    write_json(args.json, figures)
    return 1 if fz.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
