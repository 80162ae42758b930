"""The design drawn as a PNG: zones as horizontal bands, components as labelled boxes, connections
as numbered arrows, and a legend listing each connection. Pillow only (no system binary), with the
DejaVu Sans font shipped in ir_app/static/fonts so Vietnamese diacritics render the same on every
machine. The same design always gives the same bytes."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

from ir_app.config import PACKAGE_DIR
from ir_app.services.design.model import CHANNELS, NODE_KINDS, ZONE_KINDS, Design, Link

FONT_DIR = PACKAGE_DIR / "static" / "fonts"
REGULAR, BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
WIDTH = 1600
MARGIN = 24
LABEL_WIDTH = 300
BOX_W, BOX_H, GAP = 270, 84, 36
BAND_PAD = 22
ZONE_COLOURS = {
    "internet": "#fde8e8", "gov_network": "#e3edfb", "provider": "#e6f4ea", "edge": "#fff4d6",
    "dmz": "#fde9d9", "server": "#efe6fb", "management": "#eceff1", "lan": "#e8f6f8",
}
CHANNEL_COLOURS = {"internet": "#c62828", "gov_network": "#1565c0", "vpn": "#6a1b9a", "lan": "#455a64",
                   "local": "#757575"}
INK, MUTED, BORDER = "#1b1b1b", "#555555", "#8a8a8a"


@lru_cache(maxsize=16)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont  # Pillow: loaded by the first diagram, not by every worker

    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    def edge_towards(self, x: float, y: float) -> tuple[float, float]:
        """Where a line from the centre towards (x, y) leaves the box."""
        cx, cy = self.centre
        dx, dy = x - cx, y - cy
        if dx == 0 and dy == 0:
            return cx, cy
        half_w, half_h = (self.right - self.left) / 2, (self.bottom - self.top) / 2
        scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
        return cx + dx * scale, cy + dy * scale


def _fit(text: str, size: int, width: float, lines: int, bold: bool = False) -> list[str]:
    """Words wrapped to ``width`` pixels as drawn in this font; an overlong last line ends with "…"."""
    face = font(size, bold)
    out: list[str] = []
    for word in text.split():
        if out and face.getlength(f"{out[-1]} {word}") <= width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = out[:lines]
        out[-1] += "…"
    for index, line in enumerate(out):
        while face.getlength(line) > width and len(line) > 1:  # one very long word
            line = line[:-2] + "…"
        out[index] = line
    return out or [""]


@dataclass
class _Layout:
    boxes: dict[str, Box]
    bands: list[tuple[Box, object]]
    height: int


def _layout(design: Design, top: int) -> _Layout:
    per_row = max(1, (WIDTH - 2 * MARGIN - LABEL_WIDTH - GAP) // (BOX_W + GAP))
    boxes: dict[str, Box] = {}
    bands = []
    y = top
    for zone in design.zones:
        nodes = design.nodes_in(zone.code)
        rows = max(1, math.ceil(len(nodes) / per_row))
        label_height = 28 + sum(step for _, _, step in _zone_label(zone))
        height = max(rows * BOX_H + (rows - 1) * GAP + 2 * BAND_PAD, 120, label_height)
        band = Box(MARGIN, y, WIDTH - MARGIN, y + height)
        bands.append((band, zone))
        boxes[zone.code] = Box(MARGIN, y, MARGIN + LABEL_WIDTH, y + height)
        for index, node in enumerate(nodes):
            row, column = divmod(index, per_row)
            left = MARGIN + LABEL_WIDTH + GAP + column * (BOX_W + GAP)
            box_top = y + BAND_PAD + row * (BOX_H + GAP)
            boxes[node.code] = Box(left, box_top, left + BOX_W, box_top + BOX_H)
        y += height + 14
    return _Layout(boxes, bands, y)


def _zone_label(zone) -> list[tuple[str, bool, int]]:
    """(text, bold, line height) of a band's label: its name, its kind unless the name says it, its note."""
    width = LABEL_WIDTH - 28
    lines = [(line, True, 25) for line in _fit(zone.name, 20, width, 3, bold=True)]
    kind = ZONE_KINDS.get(zone.kind, zone.kind)
    if kind.lower() not in zone.name.lower():
        lines += [(line, False, 20) for line in _fit(kind, 16, width, 2)]
    lines += [(line, False, 20) for line in _fit(zone.note, 16, width, 3) if line]
    return lines


def _legend_lines(design: Design) -> list[tuple[Link, str]]:
    lines = []
    for number, link in enumerate(design.links, start=1):
        parts = [f"{number}. {design.name_of(link.source)} → {design.name_of(link.target)}",
                 CHANNELS.get(link.channel, link.channel)]
        if link.protocol:
            parts.append(link.protocol)
        parts.append("mã hóa" if link.encrypted else "không mã hóa")
        if link.protection:
            parts.append(f"bảo vệ: {link.protection}")
        lines.append((link, " · ".join(parts)))
    return lines


def render_png(design: Design, title: str) -> bytes:
    """The diagram as PNG bytes (an explanatory picture even for an empty design)."""
    from PIL import Image, ImageDraw

    title_font, label_font, small = font(30, True), font(19), font(16)
    layout = _layout(design, MARGIN + 56)
    legend = [(link, line) for link, text in _legend_lines(design) for line in _fit(text, 16, WIDTH - 2 * MARGIN, 3)]
    legend_top = layout.height + 10
    height = legend_top + 60 + 24 * (len(legend) + 3)
    image = Image.new("RGB", (WIDTH, int(height)), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), _fit(title, 30, WIDTH - 2 * MARGIN, 1, bold=True)[0], font=title_font, fill=INK)
    if not design.zones:
        draw.text((MARGIN, MARGIN + 70), "Chưa có vùng mạng nào.", font=label_font, fill=MUTED)
    for band, zone in layout.bands:
        draw.rounded_rectangle((band.left, band.top, band.right, band.bottom), 12,
                               fill=ZONE_COLOURS.get(zone.kind, "#f5f5f5"), outline=BORDER, width=2)
        y = band.top + 14
        for line, bold, step in _zone_label(zone):
            draw.text((band.left + 14, y), line, font=font(20, True) if bold else small, fill=INK if bold else MUTED)
            y += step
    _draw_links(draw, design, layout)
    for node in design.nodes:
        _draw_node(draw, layout.boxes[node.code], node.name, NODE_KINDS.get(node.kind, node.kind), label_font, small)
    _draw_link_numbers(draw, design, layout)
    _draw_legend(draw, legend, legend_top, small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _draw_node(draw: ImageDraw.ImageDraw, box: Box, name: str, kind: str, label_font, small) -> None:
    draw.rounded_rectangle((box.left, box.top, box.right, box.bottom), 8, fill="white", outline="#37474f", width=2)
    y = box.top + 8
    for line in _fit(name, 19, BOX_W - 20, 2):
        draw.text((box.left + 10, y), line, font=label_font, fill=INK)
        y += 23
    draw.text((box.left + 10, box.bottom - 24), _fit(kind, 16, BOX_W - 20, 1)[0], font=small, fill=MUTED)


def _ends(layout: _Layout, link: Link) -> tuple[tuple[float, float], tuple[float, float]] | None:
    source, target = layout.boxes.get(link.source), layout.boxes.get(link.target)
    if source is None or target is None:
        return None
    return source.edge_towards(*target.centre), target.edge_towards(*source.centre)


def _draw_links(draw: ImageDraw.ImageDraw, design: Design, layout: _Layout) -> None:
    for link in design.links:
        ends = _ends(layout, link)
        if ends is None:
            continue
        (x1, y1), (x2, y2) = ends
        colour = CHANNEL_COLOURS.get(link.channel, INK)
        if link.encrypted:
            draw.line((x1, y1, x2, y2), fill=colour, width=4)
        else:
            _dashed(draw, x1, y1, x2, y2, colour)
        _arrow_head(draw, x1, y1, x2, y2, colour)


def _dashed(draw: ImageDraw.ImageDraw, x1: float, y1: float, x2: float, y2: float, colour: str) -> None:
    length = math.hypot(x2 - x1, y2 - y1)
    steps = max(1, int(length // 14))
    for step in range(0, steps, 2):
        a, b = step / steps, min(1.0, (step + 1) / steps)
        draw.line((x1 + (x2 - x1) * a, y1 + (y2 - y1) * a, x1 + (x2 - x1) * b, y1 + (y2 - y1) * b),
                  fill=colour, width=3)


def _arrow_head(draw: ImageDraw.ImageDraw, x1: float, y1: float, x2: float, y2: float, colour: str) -> None:
    angle = math.atan2(y2 - y1, x2 - x1)
    size = 16
    left = (x2 - size * math.cos(angle - 0.4), y2 - size * math.sin(angle - 0.4))
    right = (x2 - size * math.cos(angle + 0.4), y2 - size * math.sin(angle + 0.4))
    draw.polygon([(x2, y2), left, right], fill=colour)


def _draw_link_numbers(draw: ImageDraw.ImageDraw, design: Design, layout: _Layout) -> None:
    for number, link in enumerate(design.links, start=1):
        ends = _ends(layout, link)
        if ends is None:
            continue
        (x1, y1), (x2, y2) = ends
        x, y = x1 + (x2 - x1) * 0.45, y1 + (y2 - y1) * 0.45
        colour = CHANNEL_COLOURS.get(link.channel, INK)
        draw.ellipse((x - 15, y - 15, x + 15, y + 15), fill="white", outline=colour, width=3)
        draw.text((x, y), str(number), font=font(16, True), fill=colour, anchor="mm")


def _draw_legend(draw: ImageDraw.ImageDraw, legend: list[tuple[Link, str]], top: float, small) -> None:
    draw.text((MARGIN, top), "Chú giải", font=font(20, True), fill=INK)
    x, y = MARGIN, top + 32
    for channel, label in CHANNELS.items():
        colour = CHANNEL_COLOURS[channel]
        draw.line((x, y + 10, x + 40, y + 10), fill=colour, width=4)
        draw.text((x + 48, y), label, font=small, fill=INK)
        x += 60 + int(draw.textlength(label, font=small)) + 24
    y += 26
    _dashed(draw, MARGIN, y + 10, MARGIN + 40, y + 10, INK)
    draw.text((MARGIN + 48, y), "nét đứt: kết nối không mã hóa; nét liền: có mã hóa; mũi tên: chiều khởi tạo "
              "kết nối", font=small, fill=INK)
    y += 30
    for link, line in legend:
        draw.text((MARGIN, y), line, font=small, fill=CHANNEL_COLOURS.get(link.channel, INK))
        y += 24
