"""Write the demo's input files: reviews, forum posts, chat transcripts (two formats) and call notes."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from voc.demo.themes import (
    AGENT_LINES,
    AREAS,
    AREAS_EN,
    BRANCHES,
    CLOSERS,
    CONTEXTS,
    NOTE_ACTIONS,
    NOTE_TEMPLATES,
    OPENERS,
    PHONES,
    THEME_PRODUCT,
    THEMES,
)
from voc.weeks import shift_week, week_start

TZ = ZoneInfo("Asia/Bangkok")
CHANNEL_SHARE = {"review": 0.35, "forum": 0.25, "chat": 0.25, "call_note": 0.15}
LANG_SHARE = {"th": 0.55, "en": 0.25, "mix": 0.20}
PLANTED = {
    "emerging": "login_otp",  # a complaint that grows in the last two weeks
    "launch": "launch_5g_pro",  # appears from week 5 on
    "seasonal": "rainy_outage",  # a bump in the middle weeks
    "quiet": "roaming",  # steady throughout
}


def theme_weights(week_index: int, n_weeks: int) -> dict[str, float]:
    """How much each theme is talked about in a week (the planted patterns live here)."""
    w = {"login_otp": 0.03, "fiber_install": 0.14, "billing": 0.18, "network_speed": 0.18,
         "staff_service": 0.16, "roaming": 0.06, "launch_5g_pro": 0.0, "rainy_outage": 0.02}
    if week_index >= 4:
        w["launch_5g_pro"] = 0.12
    mid = n_weeks // 2
    if week_index in (mid - 1, mid):
        w["rainy_outage"] = 0.15
    if week_index == n_weeks - 2:
        w["login_otp"] = 0.14
    if week_index == n_weeks - 1:
        w["login_otp"] = 0.24
    return w


def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def thai_id(rng: random.Random) -> str:
    digits = [rng.randint(1, 8)] + [rng.randint(0, 9) for _ in range(11)]
    check = (11 - sum(d * (13 - i) for i, d in enumerate(digits)) % 11) % 10
    s = "".join(map(str, digits + [check]))
    return f"{s[0]}-{s[1:5]}-{s[5:10]}-{s[10:12]}-{s[12]}"


def pii_snippet(rng: random.Random, lang: str) -> str:
    kind = rng.choice(["phone", "email", "id"])
    if kind == "phone":
        num = f"0{rng.choice('689')}{rng.randint(1, 9)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
        return f" ติดต่อกลับเบอร์ {num}" if lang != "en" else f" call me back on {num}"
    if kind == "email":
        addr = f"{rng.choice(['nok', 'somchai', 'jane', 'ploy', 'tom'])}{rng.randint(1, 999)}@example.com"
        return f" อีเมล {addr}" if lang != "en" else f" my email is {addr}"
    return f" เลขบัตรประชาชน {thai_id(rng)}" if lang != "en" else f" my ID card is {thai_id(rng)}"


@dataclass
class Message:
    theme: str
    lang: str
    tone: str
    channel: str
    at: datetime
    text: str
    author: str
    rating: float | None
    clauses: list[str]


def compose(rng: random.Random, theme: str, lang: str, tone: str, with_pii: bool) -> tuple[str, list[str]]:
    pool = THEMES[theme][lang]
    clauses = [rng.choice(pool)]
    if rng.random() < 0.3 and len(pool) > 1:
        clauses.append(rng.choice([c for c in pool if c != clauses[0]]))
    filled = [c.format(n=rng.randint(2, 9), amount=rng.choice([120, 250, 399, 560, 899]),
                       branch=rng.choice(BRANCHES)) for c in clauses]
    sep = " " if lang != "en" else ", "
    if rng.random() < 0.85:
        context = rng.choice(CONTEXTS[lang]).format(
            h=rng.randint(1, 12), d=rng.randint(1, 28), y=rng.randint(1, 15), n=rng.randint(2, 9),
            area=rng.choice(AREAS), area_en=rng.choice(AREAS_EN), phone=rng.choice(PHONES),
            amount=rng.choice([299, 399, 499, 599, 799, 999, 1299]))
        filled.insert(rng.randint(0, len(filled)), context)
    text = rng.choice(OPENERS[lang]) + sep.join(filled) + rng.choice(CLOSERS[tone][lang])
    if with_pii:
        text += pii_snippet(rng, lang)
    return text.strip(), filled


def generate_messages(end_week: str, n_weeks: int, total: int, seed: int) -> list[Message]:
    rng = random.Random(seed)
    weeks = [shift_week(end_week, i - n_weeks + 1) for i in range(n_weeks)]
    per_week = total / n_weeks
    authors = [f"user{i:05d}" for i in range(max(50, total // 3))]
    out: list[Message] = []
    for wi, week in enumerate(weeks):
        start = week_start(week, "Asia/Bangkok")
        n = int(per_week * rng.uniform(0.93, 1.07)) + (30 if wi == n_weeks - 1 else 0)
        weights = theme_weights(wi, n_weeks)
        for _ in range(n):
            theme = _pick(rng, weights)
            lang = _pick(rng, LANG_SHARE)
            tone = _pick(rng, dict(zip(("positive", "neutral", "negative"), THEMES[theme]["tone"], strict=True)))
            channel = _pick(rng, CHANNEL_SHARE)
            at = start + timedelta(seconds=rng.randint(0, 7 * 86400 - 1))
            text, clauses = compose(rng, theme, lang, tone, with_pii=rng.random() < 0.03)
            rating = None
            if channel == "review":
                base = THEMES[theme]["rating"] + {"positive": 1.0, "neutral": 0.0, "negative": -0.8}[tone]
                rating = float(min(5, max(1, round(rng.gauss(base, 0.7)))))
            out.append(Message(theme, lang, tone, channel, at, text, rng.choice(authors), rating, clauses))
    return out


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_inputs(inputs: Path, messages: list[Message], seed: int) -> dict[str, int]:
    """Write every channel's files under ``inputs``; returns rows written per file kind."""
    rng = random.Random(seed + 1)
    by = {c: [m for m in messages if m.channel == c] for c in CHANNEL_SHARE}
    counts = {}

    # reviews: an Excel-style CSV in UTF-8 with BOM, day-first dates, a few broken rows
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["review_id", "review_text", "posted_at", "stars", "user", "product"])
    for i, m in enumerate(by["review"]):
        when = m.at.strftime("%d/%m/%Y %H:%M") if i % 2 else m.at.isoformat(timespec="seconds")
        stars = "" if m.rating is None else int(m.rating)  # every review is rated; no stars would stay blank
        w.writerow([f"R{i:06d}", m.text, when, stars, m.author, THEME_PRODUCT[m.theme]])
    w.writerow(["R-bad-1", "", by["review"][0].at.isoformat(), 3, "user_x", "NJ App"])  # missing text
    w.writerow(["R-bad-2", "แอปใช้ดีครับ", "เมื่อวานนี้", 5, "user_y", "NJ App"])  # unreadable date
    _write_bytes(inputs / "reviews.csv", buf.getvalue().encode("utf-8-sig"))
    counts["reviews"] = len(by["review"]) + 2

    # forum: one JSONL file per week (a folder read by glob), offsets in the times, some reposts
    forum_rows: dict[str, list[str]] = {}
    for i, m in enumerate(by["forum"]):
        post = {"post_id": f"F{i:06d}", "body": m.text, "created": m.at.isoformat(timespec="seconds"),
                "author": m.author, "board": THEME_PRODUCT[m.theme]}
        week = m.at.strftime("%G-W%V")
        forum_rows.setdefault(week, []).append(json.dumps(post, ensure_ascii=False))
        if rng.random() < 0.02:  # the same customer posts the same thing again the same day
            later = (m.at + timedelta(minutes=7)).isoformat(timespec="seconds")
            again = dict(post, post_id=f"F{i:06d}-re", created=later)
            forum_rows[week].append(json.dumps(again, ensure_ascii=False))
    for week, rows in forum_rows.items():
        _write_bytes(inputs / "forum" / f"posts-{week}.jsonl", ("\n".join(rows) + "\n").encode("utf-8"))
    counts["forum"] = sum(len(r) for r in forum_rows.values())

    # chats: JSONL conversations (format a) and prefixed text transcripts (format b)
    json_lines, text_blocks = [], []
    for i, m in enumerate(by["chat"]):
        alang = "en" if m.lang == "en" else "th"
        turns = [{"speaker": "agent", "text": AGENT_LINES[alang][0], "time": m.at.isoformat(timespec="seconds")}]
        parts = m.text.split(", ") if m.lang == "en" else [m.text]
        for j, part in enumerate(parts):
            t = (m.at + timedelta(minutes=j + 1)).isoformat(timespec="seconds")
            turns.append({"speaker": "customer", "text": part, "time": t})
            turns.append({"speaker": "agent", "text": rng.choice(AGENT_LINES[alang][1:]), "time": t})
        if i % 5 < 3:
            json_lines.append(json.dumps({"id": f"C{i:06d}", "started_at": m.at.isoformat(timespec="seconds"),
                                          "customer_id": m.author, "turns": turns}, ensure_ascii=False))
        else:
            who = ("Customer", "Agent") if m.lang == "en" else ("ลูกค้า", "พนักงาน")
            lines = [f"# id: T{i:06d}", f"# time: {m.at.isoformat(timespec='seconds')}", f"# customer: {m.author}"]
            lines += [f"{who[0] if t['speaker'] == 'customer' else who[1]}: {t['text']}" for t in turns]
            text_blocks.append("\n".join(lines))
    _write_bytes(inputs / "chats" / "conversations.jsonl", ("\n".join(json_lines) + "\n").encode("utf-8"))
    for k in range(0, len(text_blocks), 200):
        chunk = "\n---\n".join(text_blocks[k : k + 200]) + "\n"
        _write_bytes(inputs / "chat_transcripts" / f"transcripts-{k // 200:03d}.txt", chunk.encode("utf-8"))
    counts["chats"] = len(json_lines) + len(text_blocks)

    # call notes: agent-written summaries, exported by an old Windows tool in TIS-620 (cp874)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["note_id", "call_time", "agent_note", "branch"])
    for i, m in enumerate(by["call_note"]):
        lang = "en" if m.lang == "en" else "th"
        issue = THEMES[m.theme][lang][0].format(n=3, amount=250, branch="สยาม")
        note = rng.choice(NOTE_TEMPLATES[lang]).format(issue=issue, action=rng.choice(NOTE_ACTIONS[lang]))
        w.writerow([f"N{i:06d}", m.at.strftime("%Y-%m-%d %H:%M:%S"), note, rng.choice(BRANCHES[:5])])
    _write_bytes(inputs / "call_notes.csv", buf.getvalue().encode("cp874", errors="replace"))
    counts["call_notes"] = len(by["call_note"])
    return counts


DEMO_CONFIG = """\
# voc demo pipeline: four channels, embedded DuckDB store, exports per ISO week.
timezone: Asia/Bangkok
store:
  backend: duckdb
  path: voc.duckdb
exports_dir: exports
sentiment:
  # `default` is the model promoted in models/sentiment/registry.json (voc models list); a name
  # (default-linear-v1) or a path pins one. Each scored record stores the model's name@version.
  model: default
insights:
  segment_fields: [product]
sources:
  - name: app_reviews
    path: inputs/reviews.csv
    channel: review
    rating_scale: stars_1_5
    columns:
      text: review_text
      created_at: posted_at
      id: review_id
      rating: stars
      author: user
      segments: {product: product}
    link_template: https://reviews.example/app/{id}  # quotes in the report link to the message
  - name: community_forum
    path: inputs/forum/*.jsonl
    channel: forum
    columns:
      text: body
      created_at: created
      id: post_id
      author: author
      segments: {product: board}
  - name: chat_json
    kind: transcript
    path: inputs/chats/*.jsonl
    format: json
    channel: chat
  - name: chat_text
    kind: transcript
    path: inputs/chat_transcripts/*.txt
    format: text
    channel: chat
  - name: call_center_notes
    path: inputs/call_notes.csv
    channel: call_note
    columns:
      text: agent_note
      created_at: call_time
      id: note_id
      metadata: [branch]
    link_template: https://crm.example/tickets/{id}
"""


def write_demo(workdir: Path, end_week: str, n_weeks: int = 10, total: int = 6000, seed: int = 7) -> Path:
    """Write inputs and a pipeline config into ``workdir``; returns the config path."""
    workdir.mkdir(parents=True, exist_ok=True)
    messages = generate_messages(end_week, n_weeks, total, seed)
    write_inputs(workdir / "inputs", messages, seed)
    cfg = workdir / "voc.yaml"
    cfg.write_text(DEMO_CONFIG, encoding="utf-8")
    return cfg
