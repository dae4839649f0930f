"""vignettes: a row's picture as its source document shows it, cut from the PDF page.

A row carries its extent from assemble (`haut_debut` on `page_debut`, `bas_fin` on `page_fin`, PDF
points from the page top). Each page it spans gives one band, the page's full width, rendered by
pypdfium2 at the review's scale; a row broken by a page end is its bands one above the other. A
reviewer sees what the document says without opening it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

_SEPARATOR_PX = 4  # grey gap between the bands of a row across a page end
_SEPARATOR = (160, 160, 160)


@dataclass(frozen=True)
class Band:
    """The part of one page a row stands on, in points from the page top."""

    page: int
    top: float
    bottom: float


def row_bands(page_debut: int, page_fin: int, haut: float | None, bas: float | None,
              heights: Sequence[float], margin: float) -> list[Band]:
    """The bands of a row: from its top on its first page to its bottom on its last, whole pages
    between; an unknown end (None) reaches the page's edge. `heights` are the pages' heights."""
    bands = []
    for page in range(page_debut, page_fin + 1):
        height = heights[page - 1]
        top = haut - margin if page == page_debut and haut is not None else 0.0
        bottom = bas + margin if page == page_fin and bas is not None else height
        bands.append(Band(page, max(0.0, top), min(height, bottom)))
    return bands


def page_heights(pdf: pdfium.PdfDocument) -> list[float]:
    return [pdf.get_page_size(i)[1] for i in range(len(pdf))]


def render_bands(pdf: pdfium.PdfDocument, bands: list[Band], scale: float) -> Image.Image:
    """The bands rendered at `scale` pixels per point, stacked top to bottom."""
    strips = []
    for band in bands:
        page = pdf[band.page - 1]
        try:
            height = page.get_height()
            # crop: points taken off the left, bottom, right and top edges
            bitmap = page.render(scale=scale, crop=(0, height - band.bottom, 0, band.top))
            strips.append(bitmap.to_pil().convert("RGB"))
        finally:
            page.close()
    width = max(s.width for s in strips)
    picture = Image.new("RGB", (width, sum(s.height for s in strips) + _SEPARATOR_PX * (len(strips) - 1)), _SEPARATOR)
    y = 0
    for strip in strips:
        picture.paste(strip, (0, y))
        y += strip.height + _SEPARATOR_PX
    return picture
