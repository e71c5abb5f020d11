"""Chat and call transcripts: keep only what the customer said, one record per conversation.

Two shapes arrive:
(a) JSON / JSONL conversations: ``{"id", "started_at", "turns": [{"speaker", "text", "time"}]}``
    (field names configurable);
(b) plain text with speaker prefixes (``Customer:`` / ``Agent:``, ``ลูกค้า:`` / ``พนักงาน:``), one
    conversation per file or several separated by a line of ``---``; header lines ``# id: ...`` and
    ``# time: ...`` name the conversation.
Agent and bot turns never reach VOC text; their count is kept in metadata.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from voc.ingest.config import TranscriptSource
from voc.ingest.encoding import read_text_file
from voc.ingest.files import RawRows, SourceError

TURN_SEPARATOR = "\n"
_PREFIX_RE = re.compile(r"^\s*(?:\[(?P<time>[^\]]{1,40})\]\s*)?(?P<speaker>[^:：\n]{1,40}?)\s*[:：]\s?(?P<text>.*)$")
_HEADER_RE = re.compile(r"^\s*#\s*(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*?)\s*$")


def _speaker_kind(speaker: str, src: TranscriptSource) -> str | None:
    s = speaker.strip().casefold()
    if s in {x.casefold() for x in src.customer_speakers}:
        return "customer"
    if s in {x.casefold() for x in src.agent_speakers}:
        return "agent"
    return None


def conversation_row(conv_id, started, turns: list[tuple[str, str, object]], src: TranscriptSource,
                     extra: dict | None = None) -> tuple[dict | None, str | None]:
    """One canonical raw row from (speaker, text, time) turns, or (None, reason)."""
    customer, agent, unknown = [], 0, []
    first_time = None
    for speaker, text, t in turns:
        kind = _speaker_kind(str(speaker or ""), src)
        if kind == "customer":
            if text and str(text).strip():
                customer.append(str(text).strip())
                if first_time is None and t:
                    first_time = t
        elif kind == "agent":
            agent += 1
        else:
            unknown.append(str(speaker))
    if unknown:
        return None, (
            f"unknown speaker(s) {sorted(set(unknown))[:5]}; add them to customer_speakers or agent_speakers"
        )
    if not customer:
        return None, "no customer turns"
    row = {
        "id": conv_id,
        "created_at": started or first_time,
        "text": TURN_SEPARATOR.join(customer),
        "metadata": {"customer_turns": len(customer), "agent_turns": agent, "turns": len(turns)},
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
    return out


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
    for i, line in enumerate(text.splitlines(), start=1):
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
        extra = {}
        if src.author_field and obj.get(src.author_field) is not None:
            extra["author"] = obj.get(src.author_field)
        for seg, field_name in src.segment_fields.items():
            if obj.get(field_name) is not None:
                extra.setdefault("segments", {})[seg] = obj.get(field_name)
        row, reason = conversation_row(obj.get(src.id_field), obj.get(src.time_field), turns, src, extra)
        if row is None:
            out.rejects.append((loc, reason, raw[:2000]))
            continue
        out.rows.append(row)
        out.locations.append(loc)


def _read_text_conversations(path: Path, text: str, src: TranscriptSource, out: RawRows) -> None:
    blocks: list[tuple[int, list[str]]] = []
    start, cur = 1, []
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "---":
            blocks.append((start, cur))
            start, cur = i + 1, []
        else:
            cur.append(line)
    blocks.append((start, cur))
    multi = len([b for b in blocks if any(x.strip() for x in b[1])]) > 1
    for n, (first_line, lines) in enumerate(blocks):
        if not any(x.strip() for x in lines):
            continue
        loc = f"{path}:line {first_line}"
        headers: dict[str, str] = {}
        turns: list[list] = []
        unparsed = None
        for line in lines:
            if not line.strip():
                continue
            h = _HEADER_RE.match(line)
            if h and not turns:
                headers[h.group("key").lower()] = h.group("value")
                continue
            m = _PREFIX_RE.match(line)
            if m and _speaker_kind(m.group("speaker"), src) is not None:
                turns.append([m.group("speaker"), m.group("text").strip(), m.group("time")])
            elif turns:
                turns[-1][1] = (turns[-1][1] + " " + line.strip()).strip()  # continued turn
            else:
                unparsed = line
                break
        raw = "\n".join(lines)[:2000]
        if unparsed is not None:
            out.rejects.append((loc, f"line without a known speaker prefix: {unparsed[:80]!r}", raw))
            continue
        conv_id = headers.get("id") or (f"{path.name}#{n}" if multi else path.name)
        extra = {}
        if headers.get("customer"):
            extra["author"] = headers["customer"]
        row, reason = conversation_row(conv_id, headers.get("time"), [tuple(t) for t in turns], src, extra)
        if row is None:
            out.rejects.append((loc, reason, raw))
            continue
        out.rows.append(row)
        out.locations.append(loc)
