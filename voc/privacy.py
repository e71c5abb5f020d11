"""The one guard on personal data: every string voc stores, exports, prints or logs passes through it.

The text layer redacts customer text with the source's settings; this guard is the last line on every
write path, whatever the string is (a metadata value, a segment, a source id, a file name in a
location, a quarantine reason, a run-log error, a log record bound for Prefect). It uses the default
recognizers of :func:`voc.text.redact.redact` (emails, phones, Thai IDs, cards, URL query strings),
so a type switched off for the text layer is still kept out of the store, the exports and the logs.

- :func:`redact_pii` takes any value: strings are redacted, lists and dicts are walked (keys too),
  JSON text (``metadata``, ``segments``, quotes) is parsed, redacted and written back only if it changed.
- :func:`redact_frame` guards a DataFrame before a store write or an export.
- :class:`PiiLogFilter` / :func:`install_log_redaction` guard log records (voc's and Prefect's).
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

import pandas as pd

from voc.text.redact import DIGIT_CLUSTER_RE, redact

KEY_COLUMNS = frozenset({"record_id", "author_key", "dedup_key", "duplicate_of", "near_dup_of", "run_id"})
"""Columns of hex digests and run ids: made by voc, never personal, and left alone (a hex digest can
hold a digit run that passes Luhn, and redacting it would break the joins)."""


MAX_DEPTH = 64
"""Nesting deeper than this is redacted as its JSON text (walking it would exhaust the stack)."""


def number_pii(value: Any, redact_text=None) -> str | None:
    """The placeholder for a number that is personal data, else None.

    A spreadsheet or a JSON export stores a phone as a number and drops its leading zero (0812345678
    becomes 812345678); a Thai ID or a card number can be a number too. Such a number is read as its
    digits, and, for 8-9 digits, also with the zero put back.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not (value == value and abs(value) < 1e20 and float(value).is_integer()):
            return None
        value = int(value)
    if abs(value) >= 10**20:
        return None  # longer than any phone, ID or card (and str() of a huge int can raise)
    digits = str(abs(value))
    if len(digits) < 8:
        return None
    if len(digits) == 8 and _looks_like_yyyymmdd(digits):
        return None  # 20261117: a date an export wrote as a number, not a Bangkok line 02-026-1117
    redact_text = redact_text or _redact_plain
    for candidate in (digits, "0" + digits) if len(digits) <= 9 else (digits,):
        out = redact_text(candidate)
        if out != candidate:
            return out
    return None


def _looks_like_yyyymmdd(digits: str) -> bool:
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    return 1900 <= year <= 2700 and 1 <= month <= 12 and 1 <= day <= 31  # 2700: Buddhist-era years too


def redact_pii(value: Any, _depth: int = 0) -> Any:
    """``value`` with personal data replaced in every string it holds, and a number that is personal data
    (a phone stored as a number) replaced by its placeholder; other values as they are."""
    if isinstance(value, str):
        return _redact_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        found = number_pii(value)
        return value if found is None else found
    if isinstance(value, (dict, list, tuple)) and _depth >= MAX_DEPTH:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (RecursionError, ValueError):
            return "<NESTED_TOO_DEEP>"
        redacted = _redact_plain(text) if _may_hold_pii(text) else text
        return value if redacted == text else redacted
    if isinstance(value, dict):
        return {redact_pii(k) if isinstance(k, str) else k: redact_pii(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)([redact_pii(v, _depth + 1) for v in value])
    return value


def redact_message(text: str) -> str:
    """A message (an error, a console line, a log line) with personal data replaced."""
    return _redact_text(text) if isinstance(text, str) else text


def _redact_text(text: str) -> str:
    if not text or not _may_hold_pii(text):
        return text
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") and len(text) < 1_000_000:
        redacted = _redact_json(text)
        if redacted is not None:
            return redacted
    if len(text) <= 200:
        return _redact_short(text)
    return _redact_plain(text)


def _may_hold_pii(text: str) -> bool:
    """Cheap test that lets most strings (and most JSON) skip parsing and redaction altogether: a URL
    query ("?", "#"), an email's "@" in any spelling, a JSON escape, or seven digits close together."""
    return ("?" in text or "#" in text or "@" in text or "&" in text or "\uff20" in text or "\\u" in text
            or DIGIT_CLUSTER_RE.search(text) is not None)


@functools.lru_cache(maxsize=65536)
def _redact_short(text: str) -> str:
    # Short strings repeat (segment values, labels, locations, reasons): remember their redaction.
    return _redact_plain(text)


def _redact_plain(text: str) -> str:
    return redact(text)[0]


def _redact_json(text: str) -> str | None:
    """Redacted JSON text (valid JSON in, valid JSON out), or None if ``text`` is not JSON."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(obj, (dict, list)):
        return None
    try:
        clean = redact_pii(obj)
    except RecursionError:  # nested deeper than Python walks: redact it as plain text
        return None
    if clean == obj:
        return text
    compact = ", " not in text and ": " not in text
    return json.dumps(clean, ensure_ascii=False, separators=(",", ":") if compact else None, default=str)


def _is_text_column(series: pd.Series) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype) or str(series.dtype) == "str"


def redact_frame(df: pd.DataFrame, skip: frozenset[str] = KEY_COLUMNS) -> pd.DataFrame:
    """``df`` with personal data replaced in every text cell (JSON text stays valid JSON).

    Columns in ``skip`` (hash keys, run ids) and non-text columns are kept as they are. Returns
    ``df`` itself when nothing changed, else a copy.
    """
    out = None
    hint = _may_hold_pii
    for col in df.columns:
        if col in skip or not _is_text_column(df[col]):
            continue
        values = df[col].tolist()
        changed = {}
        for i, v in enumerate(values):
            if (isinstance(v, str) and hint(v)) or isinstance(v, (dict, list, tuple)):
                new = redact_pii(v)
                if new != v:
                    changed[i] = new
        if changed:
            for i, new in changed.items():
                values[i] = new
            if out is None:
                out = df.copy()
            dtype = df[col].dtype
            out[col] = pd.Series(values, index=df.index, dtype=object if pd.api.types.is_object_dtype(dtype) else dtype)
    return df if out is None else out


_RECORD_NAME_FIELDS = ("flow_run_name", "task_run_name", "flow_name", "task_name")


class PiiLogFilter(logging.Filter):
    """Replaces personal data in a log record's message, arguments and traceback; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in _RECORD_NAME_FIELDS:  # Prefect's run names, added to the record after it is made
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, redact_message(value))
        if getattr(record, "_voc_redacted", False):
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # arguments that do not fit the format: keep it as logged
            message = str(record.msg)
        record.msg = redact_message(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_message(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_message(record.stack_info)
        record._voc_redacted = True
        return True


_FILTER = PiiLogFilter()
GUARDED_LOGGERS = ("voc", "prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.engine",
                   "prefect.flow_engine", "prefect.task_engine")


def install_log_redaction() -> None:
    """Guard every log record of this process: the filter on voc's and Prefect's loggers and handlers,
    and on each new record (so child loggers and handlers added later are covered too). Idempotent."""
    for name in GUARDED_LOGGERS + ("",):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_voc_guard", False):
        return

    def guarded_factory(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    guarded_factory._voc_guard = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(guarded_factory)
