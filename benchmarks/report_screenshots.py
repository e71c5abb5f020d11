"""Screenshots of a week's report in English and Thai, for a reviewer to look at.

Re-renders the report from a week's stored tables (``exports/<week>/*.parquet``, e.g. what
``voc demo`` wrote) in each language and photographs the whole page with headless Chromium:

    python benchmarks/report_screenshots.py voc-demo/exports/2026-W48 [--config voc-demo/voc.yaml]
        [--out bench-results/report] [--chromium /usr/bin/chromium]

Writes ``report-<week>-<lang>.html`` and ``report-<week>-<lang>.png`` under ``--out``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from voc.export.config import ExportConfig
from voc.export.writers import TABLE_ORDER, write_exports


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path, help="a week's export folder holding <table>.parquet files")
    ap.add_argument("--config", type=Path, help="the pipeline YAML (for the sources' link_template)")
    ap.add_argument("--out", type=Path, default=Path("bench-results/report"))
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    ap.add_argument("--height", type=int, default=7000, help="page height photographed (pixels)")
    args = ap.parse_args()

    week = args.folder.resolve().name
    tables = {n: pd.read_parquet(args.folder / f"{n}.parquet") for n in TABLE_ORDER
              if (args.folder / f"{n}.parquet").exists()}
    links: dict[str, str] = {}
    if args.config:
        from voc.config import load_config

        links = {s.name: s.link_template for s in load_config(args.config).sources if s.link_template}
    args.out.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "th"):
        with tempfile.TemporaryDirectory() as tmp:
            write_exports(week, tables, Path(tmp), ExportConfig(formats=["html"], report_language=lang), links=links)
            page = args.out / f"report-{week}-{lang}.html"
            shutil.copy(Path(tmp) / "report.html", page)
        shot = args.out / f"report-{week}-{lang}.png"
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--user-data-dir={profile}", f"--window-size=1280,{args.height}",
                            f"--screenshot={shot.resolve()}", page.resolve().as_uri()],
                           check=True, capture_output=True, timeout=120)
        print(f"{lang}: {shot} ({shot.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
