"""Charts of a daily series as inline SVG, drawn on the server (no script, no third-party library,
no style attribute: the strict CSP allows SVG presentation attributes and our stylesheet's classes).

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (the desc says
the total, the highest day and the latest day); each bar or point has a ``<title>`` with its day and
value. Pages show the numbers beside the chart as a table too (see staff/dashboard.html).
"""

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from snshelper.core import dates

WIDTH = 600
HEIGHT = 220
LEFT = 48  # room for the y-axis labels
BOTTOM = 28  # room for the x-axis labels
TOP = 12
RIGHT = 8

Number = int | Decimal
Series = Sequence[tuple[date, Number]]


def _short(day: date) -> str:
    return dates.on_screen(day, "day")


def _scale_max(values: Sequence[Number]) -> Number:
    """A round ceiling for the y axis (1, 2 or 5 × 10ⁿ), at least 1."""
    top = max([*values, 1])
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= top:
                return step * factor
        step *= 10


def _label(x, y, text, anchor="end") -> str:
    return format_html(
        '<text class="chart-label" x="{}" y="{}" text-anchor="{}" font-size="12" fill="#4b5563">{}</text>',
        x,
        y,
        anchor,
        text,
    )


def _frame(*, chart_id: str, title: str, desc: str, body: list[str], y_max: Number, fmt) -> SafeString:
    plot_h = HEIGHT - TOP - BOTTOM
    axis = [
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9ca3af"/>',
            LEFT,
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
        ),
        format_html(
            '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e5e7eb"/>',
            LEFT,
            TOP,
            WIDTH - RIGHT,
            TOP,
        ),
        _label(LEFT - 6, TOP + 4, fmt(y_max)),
        _label(LEFT - 6, TOP + plot_h + 4, fmt(0)),
    ]
    return format_html(
        '<svg class="chart" id="{id}" role="img" viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMid meet"'
        ' aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{axis}{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=HEIGHT,
        title=title,
        desc=desc,
        axis=mark_safe("".join(axis)),  # noqa: S308 - built with format_html above
        body=mark_safe("".join(body)),  # noqa: S308 - built with format_html below
    )


def _x_labels(series: Series, x_of: Callable[[int], float]) -> list[str]:
    """First, middle and last day under the axis (more would crowd a phone screen)."""
    if not series:
        return []
    picks = sorted({0, len(series) // 2, len(series) - 1})
    anchors = {0: "start", len(series) - 1: "end"}
    return [
        _label(f"{x_of(i):.1f}", HEIGHT - 8, _short(series[i][0]), anchors.get(i, "middle")) for i in picks
    ]


def _point_title(day: date, value: Number, fmt) -> str:
    return f"{dates.on_screen(day, 'date')}: {fmt(value)}"


def bar_chart(
    series: Series, *, chart_id: str, title: str, desc: str, fmt: Callable[[Number], str] = str
) -> SafeString:
    """One bar per day; ``desc`` should summarise the series in words."""
    y_max = _scale_max([value for _day, value in series])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(series), 1)
    bar_w = max(slot * 0.7, 1)

    def x_of(i: int) -> float:
        return LEFT + slot * i + slot / 2

    body = []
    for i, (day, value) in enumerate(series):
        h = float(value) / float(y_max) * plot_h
        body.append(
            format_html(
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="#1d4ed8">'
                "<title>{}</title></rect>",
                f"{x_of(i) - bar_w / 2:.1f}",
                f"{TOP + plot_h - h:.1f}",
                f"{bar_w:.1f}",
                f"{h:.1f}",
                _point_title(day, value, fmt),
            )
        )
    body += _x_labels(series, x_of)
    return _frame(chart_id=chart_id, title=title, desc=desc, body=body, y_max=y_max, fmt=fmt)


def line_chart(
    series: Series, *, chart_id: str, title: str, desc: str, fmt: Callable[[Number], str] = str
) -> SafeString:
    """A line through each day's value, a dot per day."""
    y_max = _scale_max([value for _day, value in series])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(series) - 1, 1)

    def x_of(i: int) -> float:
        return LEFT + step * i

    def y_of(value: Number) -> float:
        return TOP + plot_h - float(value) / float(y_max) * plot_h

    points = " ".join(f"{x_of(i):.1f},{y_of(value):.1f}" for i, (_day, value) in enumerate(series))
    body = [
        format_html(
            '<polyline class="chart-line" points="{}" fill="none" stroke="#166534" stroke-width="2"/>', points
        )
    ]
    for i, (day, value) in enumerate(series):
        body.append(
            format_html(
                '<circle class="chart-dot" cx="{}" cy="{}" r="3" fill="#166534"><title>{}</title></circle>',
                f"{x_of(i):.1f}",
                f"{y_of(value):.1f}",
                _point_title(day, value, fmt),
            )
        )
    body += _x_labels(series, x_of)
    return _frame(chart_id=chart_id, title=title, desc=desc, body=body, y_max=y_max, fmt=fmt)
