"""Charts drawn on the server as SVG, for the PDFs (WeasyPrint renders inline SVG; no browser needed)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

FONT = "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Zen Hei, sans-serif"
COLOURS = ("#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#b7791f")


def _nice_max(value: float) -> float:
    """Round a maximum up to 1, 2 or 5 times a power of ten, so the axis reads well."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    width: int = 680,
    height: int = 240,
) -> str:
    """Return an SVG line chart of one or more series over the same x labels."""
    left, right, top, bottom = 52, 12, 34, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for _, values in series for v in values), default=0))
    n = max(len(x_labels), 1)
    x_at = (lambda i: left + plot_w / 2) if n == 1 else (lambda i: left + i * plot_w / (n - 1))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="11">',
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for k in range(6):
        value = top_value * k / 5
        y = top + plot_h - plot_h * k / 5
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{_fmt(value)}</text>')
    every = max(1, n // 10)
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle" fill="#555">{escape(label)}</text>'
            )
    for s, (name, values) in enumerate(series):
        colour = COLOURS[s % len(COLOURS)]
        points = " ".join(f"{x_at(i):.1f},{top + plot_h - plot_h * (v / top_value):.1f}" for i, v in enumerate(values))
        if len(values) == 1:
            cx, cy = points.split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        elif values:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        lx = left + s * 150
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="12" height="8" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="{height - 6}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(*, title: str, labels: Sequence[str], values: Sequence[float], width: int = 680, unit: str = "") -> str:
    """Return an SVG chart of horizontal bars, one per label."""
    left, right, top, row = 170, 70, 30, 22
    height = top + row * max(len(labels), 1) + 8
    plot_w = width - left - right
    top_value = _nice_max(max(values, default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="11">',
        f'<text x="4" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row
        w = plot_w * (value / top_value) if top_value else 0
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(label[:18])}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{colour}"/>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}" fill="#333">{_fmt(value)}{escape(unit)}</text>')
    if not labels:
        parts.append(f'<text x="{left}" y="{top + 14}" fill="#777">—</text>')
    parts.append("</svg>")
    return "".join(parts)
