"""Charts as inline SVG drawn on the server: no script, no CDN. Every label is escaped."""
from markupsafe import Markup, escape

COLOURS = ["#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2"]


def line_chart(labels: list[str], series: list[tuple[str, list[float]]], width: int = 720, height: int = 240) -> Markup:
    """Lines over a shared x axis (e.g. tickets per day), with a legend."""
    left, right, top, bottom = 36, 12, 24, 36
    peak = max([1.0] + [v for _, values in series for v in values])
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + plot_h - v / peak * plot_h

    parts = [_axes(left, top, plot_w, plot_h, peak)]
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == len(labels) - 1:
            x, _ = xy(i, 0)
            parts.append(f'<text x="{x:.1f}" y="{height - 14}" class="tick" text-anchor="middle">{escape(label)}</text>')
    for n, (name, values) in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        points = " ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        parts.append(f'<rect x="{left + n * 110}" y="4" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{left + n * 110 + 16}" y="14" class="legend">{escape(name)}</text>')
    return _svg(width, height, "".join(parts))


def bar_chart(items: list[tuple[str, float]], width: int = 420, unit: str = "") -> Markup:
    """Horizontal bars with their values (e.g. tickets per category)."""
    row, left = 22, 130
    height = max(row, row * len(items)) + 8
    peak = max([1.0] + [v for _, v in items])
    parts = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        length = (width - left - 60) * value / peak
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<text x="{left - 6}" y="{y + 14}" class="tick" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="14" fill="{colour}"/>'
                     f'<text x="{left + length + 4:.1f}" y="{y + 14}" class="tick">{value:g}{escape(unit)}</text>')
    return _svg(width, height, "".join(parts))


def grouped_bars(groups: list[str], series: list[tuple[str, list[float | None]]], width: int = 720,
                 height: int = 260) -> Markup:
    """Vertical bars of rates (0-1) per group (e.g. per grid), one colour per rate."""
    left, right, top, bottom = 36, 12, 24, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(1, len(groups))
    bar = slot * 0.8 / max(1, len(series))
    parts = [_axes(left, top, plot_w, plot_h, 1.0, percent=True)]
    for g, label in enumerate(groups):
        x0 = left + g * slot + slot * 0.1
        parts.append(f'<text x="{x0 + slot * 0.4:.1f}" y="{height - 24}" class="tick" '
                     f'text-anchor="middle">{escape(label)}</text>')
        for s, (_, values) in enumerate(series):
            value = values[g]
            if value is None:
                continue
            h = plot_h * value
            parts.append(f'<rect x="{x0 + s * bar:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 2:.1f}" '
                         f'height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(label)} '
                         f'{value * 100:.1f}%</title></rect>')
    for s, (name, _) in enumerate(series):
        parts.append(f'<rect x="{left + s * 110}" y="4" width="12" height="12" fill="{COLOURS[s % len(COLOURS)]}"/>'
                     f'<text x="{left + s * 110 + 16}" y="14" class="legend">{escape(name)}</text>')
    return _svg(width, height, "".join(parts))


def _axes(left: float, top: float, w: float, h: float, peak: float, percent: bool = False) -> str:
    lines = []
    for k in range(5):
        y = top + h - h * k / 4
        value = f"{k * 25}%" if percent else f"{peak * k / 4:.0f}"
        lines.append(f'<line x1="{left}" x2="{left + w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" class="tick" text-anchor="end">{value}</text>')
    return "".join(lines)


def _svg(width: int, height: int, body: str) -> Markup:
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
                  f'xmlns="http://www.w3.org/2000/svg">{body}</svg>')
