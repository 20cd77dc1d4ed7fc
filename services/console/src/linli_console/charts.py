"""Server-side SVG charts: pure functions from numbers to markup.

Every label is escaped, every chart carries <title>/<desc> and writes each value as text beside
its mark, so nothing is told by colour or length alone and a screen reader reads the figures.
"""

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

_ROW = 26  # px per bar row
_LABEL_W = 150
_BAR_W = 300
_VALUE_W = 170
# Presentation attributes, not CSS: a chart served as an image of its own looks the same. Dark ink on white
# and a mid blue bar both pass 4.5:1; the value is always written too.
INK, BAR, TRACK = "#1f2933", "#2f5f98", "#e4e7eb"


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    cid = escape(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-size="13" fill="{INK}">'
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(chart_id: str, title: str, desc: str, bars: Sequence[tuple[str, int | float]]) -> Markup:
    """Horizontal bars, one per (label, value), each value written at the bar's end."""
    top = max((v for _, v in bars), default=0) or 1
    body = []
    for i, (label, value) in enumerate(bars):
        y = i * _ROW
        w = round(_BAR_W * max(value, 0) / top)
        body.append(
            f'<g class="bar"><text x="{_LABEL_W - 6}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{_LABEL_W}" y="{y + 4}" width="{w}" height="{_ROW - 8}" fill="{BAR}"/>'
            f'<text class="value" x="{_LABEL_W + w + 6}" y="{y + 17}">{escape(_number(value))}</text></g>'
        )
    return _frame(chart_id, title, desc, _LABEL_W + _BAR_W + _VALUE_W, max(len(bars), 1) * _ROW, body)


def coverage_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, float, float]],
    met_word: str,
    short_word: str,
) -> Markup:
    """Coverage (0..1) per group against its target (0..1): a bar, a target tick, and the words
    "82% / 90% short" written out, so a group below target is told in text, not by colour."""
    body = []
    for i, (label, covered, target) in enumerate(rows):
        y = i * _ROW
        w = round(_BAR_W * min(max(covered, 0.0), 1.0))
        tx = _LABEL_W + round(_BAR_W * min(max(target, 0.0), 1.0))
        met = covered >= target
        verdict = met_word if met else short_word
        body.append(
            f'<g class="coverage {"met" if met else "short"}">'
            f'<text x="{_LABEL_W - 6}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="track" x="{_LABEL_W}" y="{y + 4}" width="{_BAR_W}" height="{_ROW - 8}" fill="{TRACK}"/>'
            f'<rect x="{_LABEL_W}" y="{y + 4}" width="{w}" height="{_ROW - 8}" fill="{BAR}"/>'
            f'<line class="target" x1="{tx}" x2="{tx}" y1="{y + 1}" y2="{y + _ROW - 1}" stroke="{INK}" '
            f'stroke-width="3"/>'
            f'<text class="value" x="{_LABEL_W + _BAR_W + 6}" y="{y + 17}">'
            f"{_percent(covered)} / {_percent(target)} {escape(verdict)}</text></g>"
        )
    return _frame(chart_id, title, desc, _LABEL_W + _BAR_W + _VALUE_W, max(len(rows), 1) * _ROW, body)


def _percent(ratio: float) -> str:
    return f"{round(ratio * 100)}%"


def line_chart(chart_id: str, title: str, desc: str, points: Sequence[tuple[str, int | float]]) -> Markup:
    """A month-by-month line: one point per (label, value), the value written above each point
    and the label below it."""
    step, height, pad = 60, 160, 24
    top = max((v for _, v in points), default=0) or 1
    xy = [(pad + i * step, pad + round((height - 2 * pad) * (1 - max(v, 0) / top))) for i, (_, v) in enumerate(points)]
    body = []
    if len(xy) > 1:
        body.append(f'<polyline class="line" fill="none" stroke="{BAR}" stroke-width="2" points="'
                    + " ".join(f"{x},{y}" for x, y in xy) + '"/>')
    for (label, value), (x, y) in zip(points, xy, strict=True):
        body.append(
            f'<g class="point"><circle cx="{x}" cy="{y}" r="4" fill="{BAR}"/>'
            f'<text class="value" x="{x}" y="{y - 8}" text-anchor="middle">{escape(_number(value))}</text>'
            f'<text x="{x}" y="{height + 14}" text-anchor="middle">{escape(label)}</text></g>'
        )
    return _frame(chart_id, title, desc, max(len(points), 1) * step + pad, height + 20, body)
