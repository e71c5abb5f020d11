"""Weekly exports: Parquet, CSV (UTF-8 with BOM), an XLSX workbook and a self-contained HTML report."""

from voc.export.config import ExportConfig

__all__ = ["ExportConfig"]
