"""Charts drawn as inline SVG on the server: no JavaScript library, no network resource.

Each function returns safe markup for a ``<svg role="img">`` carrying a ``<title>`` and a
``<desc>`` (its text alternative, read by screen readers); pages put a table of the same
figures next to it. Money is integer fen throughout and printed with ``format_yuan``;
floats are used only for pixel positions, never for amounts shown to people.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from shop.common.money import format_yuan

PALETTE = ["#1b7a3e", "#d9480f", "#1c64b4", "#b08900", "#7048a8", "#0b7285", "#c2255c", "#5c6b73"]
_ids = itertools.count(1)


def _chart_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def _num(value: float) -> str:
    """A compact pixel coordinate."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(*, width: int, height: int, title: str, desc: str, css: str) -> tuple[str, str]:
    uid = _chart_id("chart")
    head = format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>',
        css, width, height, uid, uid, uid, title, uid, desc,
    )
    return head, uid


def _describe(items: Sequence[tuple[str, int]]) -> str:
    return "; ".join(f"{label}: {format_yuan(amount)}" for label, amount in items) or _("No purchases yet.")


def cumulative_chart(
    *, points: Sequence[tuple[str, int | None]], target_fen: int, title: str, css: str = ""
) -> SafeString:
    """Cumulative amount by month (a line with dots) against the target (a dashed line).

    ``points`` lists every month of the campaign; months still to come carry ``None`` and
    keep their place on the axis without a dot, so the line shows how far along the
    campaign is as well as how far along the money is."""
    width, height = 720, 320
    left, right, top, bottom = 56, 16, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for _m, v in points if v is not None]
    ceiling = max([target_fen, *known, 1]) * 1.08
    floor = min([0, *known])
    span = ceiling - floor

    def y(value: float) -> float:
        return top + plot_h - (value - floor) * plot_h / span

    def x(index: int) -> float:
        return left + (index + 0.5) * plot_w / max(len(points), 1)

    last = [(m, v) for m, v in points if v is not None]
    desc = _("Target %(target)s.") % {"target": format_yuan(target_fen)} + " " + _describe(last)
    head, _uid = _open(width=width, height=height, title=title, desc=desc, css=css)
    parts = [head]
    # Grid lines at 0, 25, 50, 75 and 100 % of the target, labelled in percent.
    for quarter in range(5):
        value = target_fen * quarter / 4
        parts.append(format_html(
            '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
            '<text class="axis" x="{}" y="{}" text-anchor="end">{}%</text>',
            left, width - right, _num(y(value)), _num(y(value)), left - 6, _num(y(value) + 4), quarter * 25,
        ))
    target_y = _num(y(target_fen))
    parts.append(format_html(
        '<line class="target" x1="{}" x2="{}" y1="{}" y2="{}" stroke-dasharray="8 6"/>'
        '<text class="target-label" x="{}" y="{}" text-anchor="end">{}</text>',
        left, width - right, target_y, target_y, width - right, _num(y(target_fen) - 6),
        _("Target %(target)s") % {"target": format_yuan(target_fen)},
    ))
    step = -(-len(points) // 12) or 1  # at most about twelve month labels
    for index, (month, _value) in enumerate(points):
        if index % step == 0 or index == len(points) - 1:
            parts.append(format_html(
                '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                _num(x(index)), height - bottom + 18, month[2:] if len(points) > 6 else month,
            ))
    coords = [(x(i), y(v)) for i, (_m, v) in enumerate(points) if v is not None]
    if coords:
        parts.append(format_html(
            '<polyline class="series" fill="none" points="{}"/>',
            " ".join(f"{_num(px)},{_num(py)}" for px, py in coords),
        ))
        for (px, py), (month, value) in zip(coords, last, strict=True):
            parts.append(format_html(
                '<circle class="dot" cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
                _num(px), _num(py), month, format_yuan(value),
            ))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every piece is escaped above


def bar_chart(*, items: Sequence[tuple[str, int]], title: str, css: str = "") -> SafeString:
    """Horizontal bars, one per item, the amount printed at the end of each bar."""
    row_h, gap = 34, 12
    width = 380
    label_w, value_w = 96, 124
    height = max(1, len(items)) * (row_h + gap) + gap
    head, _uid = _open(width=width, height=height, title=title, desc=_describe(items), css=css)
    parts = [head]
    largest = max([abs(a) for _l, a in items] + [1])
    bar_space = width - label_w - value_w - 16
    if not items:
        parts.append(format_html('<text class="axis" x="{}" y="{}">{}</text>', 8, 26, _("No purchases yet.")))
    for index, (label, amount) in enumerate(items):
        top = gap + index * (row_h + gap)
        length = max(0, amount) * bar_space / largest
        parts.append(format_html(
            '<text class="label" x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}"><title>{}: {}</title></rect>'
            '<text class="value" x="{}" y="{}">{}</text>',
            label_w - 8, top + row_h * 0.66, _short(label, 6),
            label_w, top, _num(max(length, 1)), row_h, PALETTE[index % len(PALETTE)], label, format_yuan(amount),
            _num(label_w + max(length, 1) + 6), top + row_h * 0.66, format_yuan(amount),
        ))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308


def donut_chart(*, items: Sequence[tuple[str, int]], title: str, css: str = "") -> SafeString:
    """A ring split by share (circles with dash arrays, so a single 100 % share works too),
    with a legend beside it."""
    width, height = 480, 260
    cx, cy, radius, stroke = 115, 130, 85, 40
    circumference = 2 * 3.141592653589793 * radius
    positive = [(label, amount) for label, amount in items if amount > 0]
    total = sum(amount for _l, amount in positive)
    head, _uid = _open(width=width, height=height, title=title, desc=_describe(items), css=css)
    parts = [head, format_html(
        '<circle class="ring" cx="{}" cy="{}" r="{}" fill="none" stroke-width="{}"/>', cx, cy, radius, stroke
    )]
    offset = 0.0
    for index, (label, amount) in enumerate(positive):
        length = amount * circumference / total
        parts.append(format_html(
            '<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{}" stroke-width="{}" '
            'stroke-dasharray="{} {}" stroke-dashoffset="{}" transform="rotate(-90 {} {})">'
            "<title>{}: {}</title></circle>",
            cx, cy, radius, PALETTE[index % len(PALETTE)], stroke, _num(length), _num(circumference - length),
            _num(-offset), cx, cy, label, format_yuan(amount),
        ))
        offset += length
    for index, (label, amount) in enumerate(items[:5]):
        top = 24 + index * 46
        percent = amount * 100 / total if total and amount > 0 else 0
        parts.append(format_html(
            '<rect x="{}" y="{}" width="14" height="14" rx="3" fill="{}"/>'
            '<text class="label" x="{}" y="{}">{}</text>'
            '<text class="value" x="{}" y="{}">{} · {}%</text>',
            230, top, PALETTE[index % len(PALETTE)], 250, top + 12, _short(label, 12),
            250, top + 30, format_yuan(amount), f"{percent:.1f}",
        ))
    if not positive:
        parts.append(format_html('<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>', cx, cy + 5, _("No purchases yet.")))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308


def column_chart(*, items: Sequence[tuple[str, int]], title: str, css: str = "") -> SafeString:
    """Vertical columns (e.g. amount per month); negative months (refunds larger than the
    month's purchases) hang below the zero line."""
    width, height = 720, 260
    left, right, top, bottom = 16, 16, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [a for _l, a in items]
    high, low = max([0, *values]), min([0, *values])
    span = (high - low) or 1

    def y(value: float) -> float:
        return top + (high - value) * plot_h / span

    head, _uid = _open(width=width, height=height, title=title, desc=_describe(items), css=css)
    parts = [head, format_html(
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>', left, width - right, _num(y(0)), _num(y(0))
    )]
    slot = plot_w / max(len(items), 1)
    for index, (label, amount) in enumerate(items):
        bar_w = min(slot * 0.7, 90)
        x0 = left + index * slot + (slot - bar_w) / 2
        y0, y1 = sorted((y(0), y(amount)))
        parts.append(format_html(
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"><title>{}: {}</title></rect>'
            '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
            _num(x0), _num(y0), _num(bar_w), _num(max(y1 - y0, 1 if amount else 0)),
            PALETTE[0] if amount >= 0 else PALETTE[1], label, format_yuan(amount),
            _num(x0 + bar_w / 2), height - bottom + 18, label[2:] if len(items) > 6 else label,
        ))
    if not items:
        parts.append(format_html('<text class="axis" x="{}" y="{}">{}</text>', left, top + 20, _("No purchases yet.")))
    parts.append("</svg>")
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308


def _short(label: str, limit: int) -> str:
    """Long names are cut on the chart (the full name is in its title and table)."""
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


__all__ = ["bar_chart", "column_chart", "cumulative_chart", "donut_chart"]
