"""A picture of what was detected on one page, for maintainers fitting a new commune's layout.

Drawn on the rendered page: text segments (grey), ruling lines (blue), and each table-row
fragment with its cells, coloured by what the assembler decided: a synergy row (green), a
dropped header (orange), a continuation merged into the row above (magenta), ignored (grey).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from .assemble import Assembly
from .model import PageContent

COLOURS = {"ligne": (0, 150, 0), "entete": (230, 120, 0), "suite": (200, 0, 200), "rubrique": (0, 120, 200),
           "ignore": (150, 150, 150)}
LABELS = {"ligne": "ligne", "entete": "en-tête ignorée", "suite": "suite fusionnée", "rubrique": "rubrique",
          "ignore": "ignoré"}


def render_page(path: Path, number: int, scale: float) -> Image.Image:
    pdf = pdfium.PdfDocument(path)
    try:
        return pdf[number - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()


def draw_detection(image: Image.Image, page: PageContent, assembly: Assembly, scale: float) -> Image.Image:
    """The page picture with the detection drawn over it."""
    canvas = image.copy()
    draw = ImageDraw.Draw(canvas, "RGBA")

    def box(x0: float, top: float, x1: float, bottom: float) -> list[float]:
        return [x0 * scale, top * scale, x1 * scale, bottom * scale]

    for seg in page.segments:
        draw.rectangle(box(seg.x0, seg.top, seg.x1, seg.bottom), outline=(120, 120, 120, 160))
    for seg in page.furniture:
        draw.rectangle(box(seg.x0, seg.top, seg.x1, seg.bottom), outline=(150, 150, 150), fill=(150, 150, 150, 60))
    for rule in page.rules:
        draw.rectangle(box(rule.x0, rule.top, rule.x1, rule.bottom), outline=(0, 90, 255), width=2)
    for fragment, decision in assembly.decisions:
        if fragment.page != page.number:
            continue
        colour = COLOURS[decision]
        left, right = fragment.columns[0][0], fragment.columns[-1][1]
        draw.rectangle(box(left, fragment.top, right, fragment.bottom), outline=colour + (255,),
                       fill=colour + (28,), width=3)
        for x0, _ in fragment.columns[1:]:
            draw.line(box(x0, fragment.top, x0, fragment.bottom), fill=colour + (255,), width=2)
        draw.text((left * scale + 4, fragment.top * scale + 2), LABELS[decision], fill=colour + (255,))
    return canvas
