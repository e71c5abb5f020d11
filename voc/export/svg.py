"""Static inline SVG charts for the HTML report: no script, no external request, Thai via CSS fonts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

POSITIVE, NEUTRAL, NEGATIVE = "#2e9d5b", "#b8bec6", "#d1495b"
BAR, LINE, MUTED = "#3b6ea8", "#e07b00", "#8a929c"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def sentiment_bar(pos: float, neu: float, neg: float, width: int = 160, height: int = 14, title: str = "") -> str:
    """One stacked bar of % positive / neutral / negative."""
    if any(_missing(v) for v in (pos, neu, neg)) or (pos + neu + neg) <= 0:
        return (
            f'<svg class="bar" width="{width}" height="{height}" role="img"><title>{escape(title)}</title>'
            f'<rect width="{width}" height="{height}" fill="#eef0f2"/></svg>'
        )
    total = pos + neu + neg
    parts, x = [], 0.0
    for value, colour in ((pos, POSITIVE), (neu, NEUTRAL), (neg, NEGATIVE)):
        w = width * value / total
        parts.append(f'<rect x="{_num(x)}" width="{_num(w)}" height="{height}" fill="{colour}"/>')
        x += w
    return (
        f'<svg class="bar" width="{width}" height="{height}" role="img">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def week_bars(
    values: Sequence[float],
    weeks: Sequence[str],
    title: str,
    width: int = 220,
    height: int = 90,
    highlight_last: bool = True,
) -> str:
    """A small bar chart of weekly values with the first and last week named."""
    n = max(len(values), 1)
    top, bottom = 16, 16
    plot_h = height - top - bottom
    vmax = max([v for v in values if not _missing(v)] + [1])
    step = width / n
    bar_w = max(step * 0.7, 1)
    parts = [f'<text x="0" y="11" class="t">{escape(title)}</text>']
    for i, v in enumerate(values):
        v = 0 if _missing(v) else v
        h = plot_h * v / vmax
        colour = LINE if (highlight_last and i == n - 1) else BAR
        x = i * step + (step - bar_w) / 2
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(top + plot_h - h)}" width="{_num(bar_w)}" '
            f'height="{_num(h)}" fill="{colour}"><title>{escape(weeks[i])}: {_num(v)}</title></rect>'
        )
    if values:
        last = 0 if _missing(values[-1]) else values[-1]
        parts.append(f'<text x="{width}" y="11" class="v" text-anchor="end">{_num(last)}</text>')
        parts.append(f'<text x="0" y="{height - 3}" class="a">{escape(weeks[0])}</text>')
        parts.append(f'<text x="{width}" y="{height - 3}" class="a" text-anchor="end">{escape(weeks[-1])}</text>')
    return f'<svg class="chart" width="{width}" height="{height}" role="img">{"".join(parts)}</svg>'


def week_line(
    values: Sequence[float | None],
    weeks: Sequence[str],
    title: str,
    lo: float = -100,
    hi: float = 100,
    width: int = 460,
    height: int = 120,
) -> str:
    """A line of a weekly value on a fixed scale (net sentiment), gaps where a week has none."""
    top, bottom, left = 18, 18, 30
    plot_h, plot_w = height - top - bottom, width - left - 10
    n = max(len(values), 1)

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    parts = [
        f'<text x="0" y="12" class="t">{escape(title)}</text>',
        f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y(0))}" y2="{_num(y(0))}" '
        f'stroke="{MUTED}" stroke-dasharray="3 3"/>',
        f'<text x="{left - 4}" y="{_num(y(hi) + 4)}" class="a" text-anchor="end">{_num(hi)}</text>',
        f'<text x="{left - 4}" y="{_num(y(0) + 4)}" class="a" text-anchor="end">0</text>',
        f'<text x="{left - 4}" y="{_num(y(lo) + 4)}" class="a" text-anchor="end">{_num(lo)}</text>',
    ]
    segment: list[str] = []
    for i, v in enumerate(list(values) + [None]):
        if v is None or _missing(v):
            if len(segment) > 1:
                parts.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="{" ".join(segment)}"/>')
            segment = []
            continue
        segment.append(f"{_num(x(i))},{_num(y(v))}")
        parts.append(
            f'<circle cx="{_num(x(i))}" cy="{_num(y(v))}" r="3" fill="{LINE}">'
            f"<title>{escape(weeks[i])}: {_num(v)}</title></circle>"
        )
    if weeks:
        parts.append(f'<text x="{left}" y="{height - 3}" class="a">{escape(weeks[0])}</text>')
        parts.append(
            f'<text x="{left + plot_w}" y="{height - 3}" class="a" text-anchor="end">{escape(weeks[-1])}</text>'
        )
    return f'<svg class="chart" width="{width}" height="{height}" role="img">{"".join(parts)}</svg>'


def effect_interval(effect: float, low: float, high: float, span: float, width: int = 220, height: int = 18) -> str:
    """A point with its interval on a scale centred at zero (rating drivers)."""
    span = span or 1.0

    def x(v: float) -> float:
        return width / 2 + (width / 2 - 6) * max(-1.0, min(1.0, v / span))

    colour = NEGATIVE if high < 0 else POSITIVE if low > 0 else MUTED
    return (
        f'<svg class="bar" width="{width}" height="{height}" role="img">'
        f"<title>{_num(effect)} [{_num(low)}, {_num(high)}]</title>"
        f'<line x1="{width / 2}" x2="{width / 2}" y1="0" y2="{height}" stroke="{MUTED}"/>'
        f'<line x1="{_num(x(low))}" x2="{_num(x(high))}" y1="{height / 2}" y2="{height / 2}" '
        f'stroke="{colour}" stroke-width="2"/>'
        f'<circle cx="{_num(x(effect))}" cy="{height / 2}" r="4" fill="{colour}"/></svg>'
    )


def impact_scatter(
    points: Sequence[tuple[str, float, float, str]], x_title: str, y_title: str, width: int = 560, height: int = 300,
    effect_texts: Sequence[str] | None = None,
) -> str:
    """Themes as dots: messages (x) against effect on the rating (y, zero line dashed).

    ``points`` are ``(label, volume, effect, direction)``; a dot is red when the theme clearly pulls
    the rating down, green when it clearly lifts it, grey when unclear. ``effect_texts`` (one per point)
    write each effect with its unit in the dot's tooltip (``+5.4 NPS pts``); without them it is a bare number.
    """
    left, right, top, bottom = 44, 16, 14, 34
    pw, ph = width - left - right, height - top - bottom
    xmax = max([p[1] for p in points] + [1.0])
    span = max([abs(p[2]) for p in points if not _missing(p[2])] + [0.5]) * 1.15

    def x(v: float) -> float:
        return left + pw * v / xmax

    def y(v: float) -> float:
        return top + ph * (span - v) / (2 * span)

    parts = [
        f'<line x1="{left}" x2="{left + pw}" y1="{_num(y(0))}" y2="{_num(y(0))}" stroke="{MUTED}" stroke-dasharray="3 3"/>',
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="{MUTED}"/>',
        f'<text x="{left - 4}" y="{_num(y(span) + 8)}" class="a" text-anchor="end">+{_num(span)}</text>',
        f'<text x="{left - 4}" y="{_num(y(0) + 4)}" class="a" text-anchor="end">0</text>',
        f'<text x="{left - 4}" y="{_num(y(-span))}" class="a" text-anchor="end">−{_num(span)}</text>',
        f'<text x="{left + pw}" y="{height - 4}" class="a" text-anchor="end">{escape(x_title)} → {_num(xmax)}</text>',
        f'<text x="{left}" y="{height - 4}" class="a">{escape(y_title)}</text>',
    ]
    for i, (label, volume, effect, direction) in enumerate(points):
        if _missing(effect):
            continue
        colour = NEGATIVE if direction == "pulls down" else POSITIVE if direction == "lifts" else MUTED
        short = label if len(label) <= 22 else label[:21] + "…"
        anchor = "end" if x(volume) > left + pw * 0.7 else "start"
        dx = -7 if anchor == "end" else 7
        effect_text = effect_texts[i] if effect_texts is not None else f"{effect:+.2f}"
        parts.append(
            f'<circle cx="{_num(x(volume))}" cy="{_num(y(effect))}" r="5" fill="{colour}">'
            f"<title>{escape(label)}: {_num(volume)}, {escape(effect_text)}</title></circle>"
            f'<text x="{_num(x(volume) + dx)}" y="{_num(y(effect) + 4)}" class="v" '
            f'text-anchor="{anchor}">{escape(short)}</text>'
        )
    return f'<svg class="chart" width="{width}" height="{height}" role="img">{"".join(parts)}</svg>'
