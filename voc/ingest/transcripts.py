"""Chat and call transcripts: keep only what the customer said, one record per conversation.

Two shapes arrive:
(a) JSON / JSONL conversations: ``{"id", "started_at", "turns": [{"speaker", "text", "time"}]}``
    (field names configurable);
(b) plain text with speaker prefixes (``Customer:`` / ``Agent:``, ``ลูกค้า:`` / ``พนักงาน:``, optionally after a
    time: ``[10:01] Customer: ...`` or ``10:01 Customer: ...``). Header lines ``# id: ...``, ``# time: ...``
    (or ``# date: ...``) and ``# customer: ...`` describe a conversation.

How plain text is cut into conversations (the README has the same rules):
- a ``# id:`` header, or a header repeated after turns, starts a new conversation;
- a line ``---`` separates conversations when the next non-blank line is a header or a speaker turn; any
  other ``---`` (a customer typing a line of dashes) is text of the turn it is in;
- a file with neither separators nor ``# id:`` headers is split where consecutive turn times are more than
  ``split_gap_minutes`` apart, and, for turns without times, where an agent greets again (``greetings``) after
  the customer has spoken;
- a conversation with more than ``max_turns`` turns is kept but flagged (metadata ``transcript_warning`` and
  a logged warning): its separators are probably missing.

Speakers: ``customer_speakers`` and ``agent_speakers`` name the roles (case-insensitive); a speaker in neither
list (``Admin:``, ``Bot:``, a phone number) counts as ``unknown_speakers`` (``agent`` by default: its words
never become VOC text). In plain text an unknown prefix is a speaker when it looks like a phone number or
starts at least two lines of the file; otherwise the line is text of the turn before. The conversation is
never quarantined for an unknown speaker: its customer turns are kept, and the unknown labels (redacted)
and turn counts go to metadata. Agent and bot turns never reach VOC text; their count is kept in metadata.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voc.ingest.config import TranscriptSource
from voc.ingest.encoding import read_text_file
from voc.ingest.files import RawRows, SourceError

log = logging.getLogger(__name__)

TURN_SEPARATOR = "\n"
_TIME = r"\d{1,2}[:.]\d{2}(?::\d{2})?"
_PREFIX_RE = re.compile(
    r"^\s*(?:\[(?P<time>[^\]]{1,40})\]\s*|(?P<bare_time>" + _TIME + r")\s+)?"
    r"(?P<speaker>[^:：\n]{1,40}?)\s*[:：]\s?(?P<text>.*)$"
)
_HEADER_RE = re.compile(r"^\s*#\s*(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_SEPARATOR_RE = re.compile(r"^\s*-{3,}\s*$")
_PHONE_LABEL_RE = re.compile(r"^\+?[\d\s\-().]{8,24}$")
_DATE_RE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAYFIRST_DATE_RE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")
_CLOCK_RE = re.compile(r"(?<!\d)(\d{1,2})[:.](\d{2})(?!\d)")


def _speaker_kind(speaker: str, src: TranscriptSource) -> str | None:
    s = speaker.strip().casefold()
    if s in {x.casefold() for x in src.customer_speakers}:
        return "customer"
    if s in {x.casefold() for x in src.agent_speakers}:
        return "agent"
    return None


def _shown_labels(labels: list[str]) -> list[str]:
    """Unknown speaker labels for metadata, redacted (a phone number is a common label)."""
    from voc.text.redact import redact

    shown = []
    for label in sorted(set(labels))[:5]:
        text = redact(label)[0]
        shown.append("<PHONE>" if _PHONE_LABEL_RE.match(text) else text)
    return sorted(set(shown))


def conversation_row(conv_id, started, turns: Sequence[tuple[object, object, object]], src: TranscriptSource,
                     extra: dict | None = None) -> tuple[dict | None, str | None]:
    """One canonical raw row from (speaker, text, time) turns, or (None, reason)."""
    customer: list[str] = []
    agent = 0
    unknown: list[str] = []
    first_time = None
    for speaker, text, t in turns:
        label = "" if speaker is None else str(speaker)
        kind = _speaker_kind(label, src)
        if kind is None:
            unknown.append(label)
            kind = src.unknown_speakers
        if kind == "customer":
            if text and str(text).strip():
                customer.append(str(text).strip())
                if first_time is None and t:
                    first_time = t
        else:
            agent += 1
    if not customer:
        return None, "no customer turns" + (f" (unknown speakers {_shown_labels(unknown)} count as "
                                            f"{src.unknown_speakers}; see customer_speakers)" if unknown else "")
    meta: dict[str, object] = {"customer_turns": len(customer), "agent_turns": agent, "turns": len(turns)}
    if unknown:
        meta["unknown_speaker_turns"] = len(unknown)
        meta["unknown_speakers"] = _shown_labels(unknown)
        meta["unknown_speakers_as"] = src.unknown_speakers
    if len(turns) > src.max_turns:
        meta["transcript_warning"] = (
            f"{len(turns)} turns in one conversation (max_turns {src.max_turns}): separators may be missing")
    row = {
        "id": conv_id,
        "created_at": started or first_time,
        "text": TURN_SEPARATOR.join(customer),
        "metadata": meta,
    }
    if extra:
        row.update(extra)
    return row, None


def read_transcripts(path: Path, src: TranscriptSource) -> RawRows:
    fmt = src.format or ("json" if path.suffix.lower() in (".json", ".jsonl", ".ndjson") else "text")
    out = RawRows(files=[str(path)])
    if path.stat().st_size == 0:
        return out
    text, _ = read_text_file(path, src.encoding)
    if fmt == "json":
        _read_json_conversations(path, text, src, out)
    else:
        _read_text_conversations(path, text, src, out)
    _warn_long(path, src, out)
    return out


def _warn_long(path: Path, src: TranscriptSource, out: RawRows) -> None:
    long = [(loc, row) for loc, row in zip(out.locations, out.rows, strict=True)
            if row.get("metadata", {}).get("transcript_warning")]
    if long:
        worst = max(row["metadata"]["turns"] for _, row in long)
        log.warning("%s: %d conversation(s) with more than %d turns (up to %d, first at %s): are the "
                    "conversation separators missing? See the transcript rules in the README.",
                    path, len(long), src.max_turns, worst, long[0][0])


def _json_objects(path: Path, text: str, out: RawRows):
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise SourceError(f"{path}: invalid JSON at line {e.lineno}: {e.msg}") from None
        for i, obj in enumerate(data):
            yield f"{path}:item {i}", obj, json.dumps(obj, ensure_ascii=False, default=str)
        return
    if stripped.startswith("{") and "\n{" not in stripped.strip():
        try:
            yield f"{path}:item 0", json.loads(text), text
            return
        except json.JSONDecodeError:
            pass  # fall through: JSONL
    # split on \n, \r\n or \r only: U+2028 inside a JSON string is text, not a line break
    for i, line in enumerate(_LINE_BREAK_RE.split(text), start=1):
        if not line.strip():
            continue
        try:
            yield f"{path}:line {i}", json.loads(line), line
        except json.JSONDecodeError as e:
            out.rejects.append((f"{path}:line {i}", f"invalid JSON: {e.msg}", line))


def _read_json_conversations(path: Path, text: str, src: TranscriptSource, out: RawRows) -> None:
    for loc, obj, raw in _json_objects(path, text, out):
        if not isinstance(obj, dict):
            out.rejects.append((loc, "wrong shape: expected a conversation object", raw[:2000]))
            continue
        turns_raw = obj.get(src.turns_field)
        if not isinstance(turns_raw, list):
            out.rejects.append((loc, f"wrong shape: `{src.turns_field}` is not a list of turns", raw[:2000]))
            continue
        turns = []
        bad = False
        for t in turns_raw:
            if not isinstance(t, dict) or not isinstance(t.get(src.turn_text_field, ""), (str, type(None))):
                bad = True
                break
            turns.append((t.get(src.speaker_field), t.get(src.turn_text_field), t.get(src.turn_time_field)))
        if bad:
            out.rejects.append((loc, "wrong shape: a turn is not {speaker, text, time}", raw[:2000]))
            continue
        extra: dict[str, Any] = {}
        if src.author_field and obj.get(src.author_field) is not None:
            extra["author"] = obj.get(src.author_field)
        for seg, field_name in src.segment_fields.items():
            if obj.get(field_name) is not None:
                extra.setdefault("segments", {})[seg] = obj.get(field_name)
        row, reason = conversation_row(obj.get(src.id_field), obj.get(src.time_field), turns, src, extra)
        if row is None:
            out.rejects.append((loc, reason or "unusable conversation", raw[:2000]))
            continue
        out.rows.append(row)
        out.locations.append(loc)


@dataclass
class _Turn:
    speaker: str
    role: str | None  # customer, agent, or None for a speaker in neither list
    text: str
    time: str | None


@dataclass
class _Conversation:
    first_line: int
    headers: dict[str, str] = field(default_factory=dict)
    turns: list[_Turn] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    unattributed: int = 0  # text lines before the first turn


def _label_like(label: str) -> bool:
    """Whether an unknown prefix reads as a speaker name (``Admin``, ``คุณนก``) rather than a sentence."""
    s = label.strip()
    if _PHONE_LABEL_RE.match(s):
        return sum(ch.isdigit() for ch in s) >= 8
    if not s or len(s) > 24 or len(s.split()) > 3 or not re.search(r"[^\W\d_]", s):
        return False
    return not re.search(r"[.,!?/\\\"'<>=]", s) and s.casefold() not in {"http", "https", "www"}


def _speaker_labels(lines: list[str], src: TranscriptSource) -> set[str]:
    """Casefolded prefixes that are speakers in this file: known ones, phone numbers, and label-like
    prefixes that start at least two lines (a one-off ``ps:`` inside a message stays text)."""
    counts: Counter[str] = Counter()
    speakers: set[str] = set()
    for line in lines:
        m = _PREFIX_RE.match(line)
        if not m or _HEADER_RE.match(line):
            continue
        label = m.group("speaker").strip()
        key = label.casefold()
        if _speaker_kind(label, src) is not None:
            speakers.add(key)
        elif _label_like(label):
            if _PHONE_LABEL_RE.match(label) or m.group("time") or m.group("bare_time"):
                speakers.add(key)
            counts[key] += 1
    return speakers | {k for k, n in counts.items() if n >= 2}


def _minutes(time_text: str | None) -> tuple[bool, int] | None:
    """(has a date, minutes) of a turn time: since 1970 with a date, since midnight without one."""
    if not time_text:
        return None
    clock = _CLOCK_RE.search(time_text)
    day = _DATE_RE.search(time_text)
    if not clock and not day:
        return None
    minutes = int(clock.group(1)) * 60 + int(clock.group(2)) if clock else 0
    if day:
        from datetime import date

        year = int(day.group(1))
        year = year - 543 if year >= 2400 else year
        try:
            ordinal = date(year, int(day.group(2)), int(day.group(3))).toordinal()
        except ValueError:
            return None
        return True, ordinal * 1440 + minutes
    return False, minutes


def _gap_minutes(before: tuple[bool, int], after: tuple[bool, int]) -> int:
    if before[0] and after[0]:
        return after[1] - before[1]
    return (after[1] - before[1]) % 1440  # clock times only: past midnight counts forward


def _is_greeting(text: str, greetings: list[str]) -> bool:
    t = text.strip().casefold()
    for g in greetings:
        g = g.casefold()
        if t.startswith(g):
            after = t[len(g):len(g) + 1]
            # a Latin greeting is a whole word ("hi" is not the start of "hide"); Thai has no spaces
            if not (g[-1:].isascii() and g[-1:].isalpha() and after.isalpha()):
                return True
    return False


def _starts_new(conv: _Conversation, turn: _Turn, src: TranscriptSource) -> bool:
    """Whether ``turn`` begins a new conversation in a file without separators (gap and greeting rules)."""
    if not conv.turns:
        return False
    now = _minutes(turn.time)
    if now is not None:
        if src.split_gap_minutes is None:
            return False
        before = next((m for m in (_minutes(t.time) for t in reversed(conv.turns)) if m is not None), None)
        return before is not None and _gap_minutes(before, now) > src.split_gap_minutes
    return (turn.role == "agent" and any(t.role == "customer" for t in conv.turns)
            and _is_greeting(turn.text, src.greetings))


def _read_text_conversations(path: Path, text: str, src: TranscriptSource, out: RawRows) -> None:
    # split on \n, \r\n or \r only: U+2028 or a form feed inside a message is text, not a new line
    lines = _LINE_BREAK_RE.split(text)
    speakers = _speaker_labels(lines, src)
    # (kind, value): the value's type follows the kind (a header's (key, value), a turn's _Turn, a line)
    kinds: list[tuple[str, Any]] = []
    for line in lines:
        h = _HEADER_RE.match(line)
        m = _PREFIX_RE.match(line)
        if not line.strip():
            kinds.append(("blank", None))
        elif h:
            kinds.append(("header", (h.group("key").lower(), h.group("value"))))
        elif _SEPARATOR_RE.match(line):
            kinds.append(("dashes", line.strip()))
        elif m and m.group("speaker").strip().casefold() in speakers:
            label = m.group("speaker").strip()
            kinds.append(("turn", _Turn(label, _speaker_kind(label, src), m.group("text").strip(),
                                        m.group("time") or m.group("bare_time"))))
        else:
            kinds.append(("text", line.strip()))
    # a line of dashes separates conversations only when a header or a turn follows it
    for i, (kind, value) in enumerate(kinds):
        if kind == "dashes":
            nxt = next((k for k, _ in kinds[i + 1:] if k != "blank"), None)
            kinds[i] = ("separator", None) if nxt in ("header", "turn", None) else ("text", value)
    explicit = any(k == "separator" or (k == "header" and v[0] == "id") for k, v in kinds)

    conversations: list[_Conversation] = []
    cur = _Conversation(first_line=1)
    for n, (kind, value) in enumerate(kinds, start=1):
        if kind == "separator":
            conversations.append(cur)
            cur = _Conversation(first_line=n + 1)
            continue
        if kind == "header":
            key, val = value
            if cur.turns and (key == "id" or key in cur.headers):
                conversations.append(cur)
                cur = _Conversation(first_line=n)
            cur.headers[key] = val
        elif kind == "turn":
            if not explicit and _starts_new(cur, value, src):
                conversations.append(cur)
                # the file's date (and, without turn times, its time) still describe the next conversation
                kept = ("date",) if value.time else ("date", "time")
                cur = _Conversation(first_line=n, headers={k: v for k, v in cur.headers.items() if k in kept})
            cur.turns.append(value)
        elif kind == "text":
            if cur.turns:
                cur.turns[-1].text = (cur.turns[-1].text + " " + value).strip()  # a continued turn
            else:
                cur.unattributed += 1
        cur.lines.append(lines[n - 1])
    conversations.append(cur)

    multi = sum(1 for c in conversations if c.turns or c.headers) > 1
    for n, conv in enumerate(conversations):
        if not conv.turns and not conv.headers and not conv.unattributed:
            continue
        loc = f"{path}:line {conv.first_line}"
        raw = "\n".join(conv.lines)[:2000]
        if not conv.turns:
            out.rejects.append((loc, "no speaker turns: no line starts with a known speaker prefix "
                                     "(customer_speakers / agent_speakers)", raw))
            continue
        conv_id = conv.headers.get("id") or (f"{path.name}#{n}" if multi else path.name)
        extra: dict[str, Any] = {}
        if conv.headers.get("customer"):
            extra["author"] = conv.headers["customer"]
        started = conv.headers.get("time")
        if not started and conv.headers.get("date"):
            first = next((t.time for t in conv.turns if t.time), None)
            if first and (_DATE_RE.search(first) or _DAYFIRST_DATE_RE.search(first)):
                started = first  # the turn's time already names its day: the header adds nothing
            else:
                started = f"{conv.headers['date']} {first or ''}".strip()
        turns = [(t.speaker, t.text, t.time) for t in conv.turns]
        row, reason = conversation_row(conv_id, started, turns, src, extra)
        if row is None:
            out.rejects.append((loc, reason or "unusable conversation", raw))
            continue
        if conv.unattributed:
            row["metadata"]["unattributed_lines"] = conv.unattributed
        out.rows.append(row)
        out.locations.append(loc)
