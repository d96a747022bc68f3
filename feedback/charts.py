"""Charts for the admin's scoreboard, drawn as inline SVG on the server (no script, no CDN)."""

from dataclasses import dataclass

from django.utils.html import escape

WIDTH, HEIGHT, PAD = 640, 180, 32


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.1f}%" if percent else f"{value:.1f}"


def line_chart(title: str, points: list[tuple[str, float | None]], *, percent: bool = True) -> Chart:
    """A line over days; days without a value leave a gap."""
    known = [v for _label, v in points if v is not None]
    if not known:
        return Chart(title, "")
    low, high = min(known), max(known)
    if high == low:
        low, high = low - 1 if not percent else max(0.0, low - 0.05), high + (1 if not percent else 0.05)
    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)

    def y(v: float) -> float:
        return HEIGHT - PAD - (v - low) / (high - low) * (HEIGHT - 2 * PAD)

    segments, current = [], []
    for i, (_label, v) in enumerate(points):
        if v is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(f"{PAD + i * step:.1f},{y(v):.1f}")
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline fill="none" stroke="#b4372b" stroke-width="2" points="{" ".join(s)}"/>' for s in segments
    )
    dots = "".join(
        f'<circle cx="{PAD + i * step:.1f}" cy="{y(v):.1f}" r="2.5" fill="#b4372b"><title>{escape(label)}: {_fmt(v, percent)}</title></circle>'
        for i, (label, v) in enumerate(points)
        if v is not None
    )
    axis = (
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#ccc"/>'
        f'<text x="4" y="{PAD}" font-size="11" fill="#555">{_fmt(high, percent)}</text>'
        f'<text x="4" y="{HEIGHT - PAD}" font-size="11" fill="#555">{_fmt(low, percent)}</text>'
        f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="11" fill="#555">{escape(points[0][0])}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="11" fill="#555" text-anchor="end">{escape(points[-1][0])}</text>'
    )
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">{axis}{lines}{dots}</svg>'
    )
    return Chart(title, svg)


def bar_chart(title: str, bars: list[tuple[str, float | None]], *, percent: bool = True) -> Chart:
    """Horizontal bars, one per label (a touchpoint)."""
    shown = [(label, v) for label, v in bars if v is not None]
    if not shown:
        return Chart(title, "")
    top = max(max(abs(v) for _l, v in shown), 1e-9)
    row, label_w = 24, 200
    height = row * len(shown) + 8
    parts = []
    for i, (label, v) in enumerate(shown):
        w = (WIDTH - label_w - 80) * abs(v) / top
        y0 = 4 + i * row
        color = "#b4372b" if v >= 0 else "#6b7280"
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + 15}" font-size="12" text-anchor="end" fill="#333">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y0 + 3}" width="{w:.1f}" height="16" fill="{color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y0 + 15}" font-size="12" fill="#333">{_fmt(v, percent)}</text>'
        )
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"{''.join(parts)}</svg>"
    )
    return Chart(title, svg)
