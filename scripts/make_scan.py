"""Build the scanned sample: an image-only copy of the ruled Mons 2020 report, as a scanner makes it.

Run from the repository root:

    .venv/bin/python scripts/make_scan.py

Each page of tests/data/mons/2020/mons_2020_regle.pdf is rendered in grey at 200 dpi, turned by a
fraction of a degree (a sheet never lies perfectly straight on the glass), speckled with light
noise (sensor grain and dust), and stored as a JPEG; the pages are rebuilt into
tests/data/mons/2020/mons_2020_scan.pdf, which has no text layer at all. The random draws are seeded and
the PDF dates fixed, so running it again writes the same bytes. The PDF is committed; the tests
never need this script.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests/data/mons/2020/mons_2020_regle.pdf"
TARGET = ROOT / "tests/data/mons/2020/mons_2020_scan.pdf"

DPI = 200
SEED = 2020
SKEW_DEGREES = (0.3, 0.7)  # magnitude of the tilt, either direction
GRAIN_SIGMA = 6.0  # gaussian noise, grey levels
SPECKLE_SHARE = 0.001  # share of pixels turned black or white (salt and pepper)
JPEG_QUALITY = 75
FIXED_DATE = time.gmtime(1615802400)  # 2021-03-15 10:00 UTC: the PDF's dates, for stable bytes


def render(page: pdfium.PdfPage) -> Image.Image:
    """The page as a grey image at the scan resolution."""
    return page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")


def scanned(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The page as it comes out of a scanner: slightly turned, grainy, with a few specks."""
    angle = rng.uniform(*SKEW_DEGREES) * rng.choice((-1, 1))
    turned = image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    pixels = np.asarray(turned, dtype=np.float32)
    pixels = pixels + rng.normal(0.0, GRAIN_SIGMA, pixels.shape)
    specks = rng.random(pixels.shape)
    pixels[specks < SPECKLE_SHARE / 2] = 0
    pixels[specks > 1 - SPECKLE_SHARE / 2] = 255
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def main() -> None:
    rng = np.random.default_rng(SEED)
    pdf = pdfium.PdfDocument(SOURCE)
    try:
        pages = [scanned(render(pdf[i]), rng) for i in range(len(pdf))]
    finally:
        pdf.close()
    pages[0].save(
        TARGET, save_all=True, append_images=pages[1:], resolution=DPI, quality=JPEG_QUALITY,
        title="Rapport sur les synergies (copie scannée)", creationDate=FIXED_DATE, modDate=FIXED_DATE,
    )
    print(f"{TARGET.relative_to(ROOT)}: {len(pages)} pages, {TARGET.stat().st_size / 1e6:.1f} Mo")


if __name__ == "__main__":
    main()
