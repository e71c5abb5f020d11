"""Write a week's insight tables as Parquet, CSV, an XLSX workbook and the HTML report.

Every file goes through :mod:`voc.fsutil`: written to a temporary file in the same folder and moved into place with
``os.replace``, so a crash never leaves a half-written export and a rerun replaces the files.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from voc.export.config import ExportConfig
from voc.export.i18n import Locale
from voc.export.report import render_report
from voc.export.workbook import write_pm_workbook
from voc.fsutil import atomic_path, atomic_write_text
from voc.tableio import FORMULA_STARTS, escape_formulas, is_formula_like, write_csv  # noqa: F401 (re-exported)

TABLE_ORDER = ("summary", "theme_week", "topic_week", "theme_segment_week", "theme_impact", "quote_week",
               "emerging_topics", "sentiment_week", "rating_week", "drivers", "data_quality", "sentiment_model_week")
"""The tables a week's export holds as Parquet and CSV (the workbook has its own sheets: ``voc.export.workbook``)."""


def fill_impact_scales(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Tables written before theme_impact kept ``rating_scale``: take each rating source's scale from ``drivers``."""
    imp, drivers = tables.get("theme_impact"), tables.get("drivers")
    if imp is None or "rating_scale" in imp or drivers is None or not {"source", "rating_scale"} <= set(drivers):
        return tables
    scales = drivers.dropna(subset=["rating_scale"]).drop_duplicates("source").set_index("source")["rating_scale"]
    return {**tables, "theme_impact": imp.assign(rating_scale=imp["rating_source"].map(scales))}


def write_exports(
    week: str,
    tables: dict[str, pd.DataFrame],
    out_dir: Path,
    config: ExportConfig,
    history: pd.DataFrame | None = None,
    links: dict[str, str] | None = None,
) -> list[Path]:
    """Write ``tables`` of ``week`` into ``out_dir`` in the configured formats; return the paths.

    Args:
        week: The report week, like ``2026-W47``.
        tables: Output of ``voc.insights.tables.build_weekly_tables``.
        out_dir: The week's export folder (``exports/<week>/``); created if missing.
        config: The ``export`` config section.
        history: Optional per week and topic ``volume`` of earlier weeks (``iso_week``,
            ``topic_id``, ``volume``; e.g. ``voc.insights.tables.topic_history`` or stored
            ``topic_week`` rows) for the report's trend charts.
        links: Per source name, its ``link_template`` (quotes link to the message at the source).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = redact_tables(tables)
    names = [n for n in TABLE_ORDER if n in safe] + sorted(set(safe) - set(TABLE_ORDER))
    written: list[Path] = []
    for name in names:
        df = safe[name]
        if "parquet" in config.formats:
            written.append(_atomic(out_dir / f"{name}.parquet", functools.partial(df.to_parquet, index=False)))
        if "csv" in config.formats:
            # UTF-8 with BOM (Excel reads Thai), text fields quoted (a bare \r stays in its row)
            written.append(_atomic(out_dir / f"{name}.csv", functools.partial(write_csv, df)))
    if "xlsx" in config.formats:
        loc = Locale(config.report_language, config.buddhist_era)
        written.append(_atomic(out_dir / f"voc-{week}.xlsx",
                               lambda p: write_pm_workbook(p, week, safe, loc, links)))
    if "html" in config.formats:
        page = render_report(week, safe, config, history, links)
        written.append(atomic_write_text(out_dir / "report.html", page))
    return written


def redact_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` with personal data redacted from every text cell (the last guard before files leave)."""
    # Upstream text is already redacted; this catches anything that slipped past (a label, a segment
    # value or a quote built from raw text, a rule added later), since exports leave the organisation.
    from voc.privacy import redact_frame

    return {name: redact_frame(df) for name, df in tables.items()}


def _atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` with ``write(temporary_path)`` through :func:`voc.fsutil.atomic_path` (mode 0644)."""
    with atomic_path(path) as tmp:
        write(tmp)
    return path
