"""docs/revue.png: the first lines of the review workbook as a reviewer sees them, for the README.

Builds the review of a run's output with `synergies revue`'s own functions, keeps its first lines
and the columns a reviewer starts with, has LibreOffice print them to PDF and renders that page
with pypdfium2. Needs LibreOffice (`soffice`). From the project's root, after a run:

    .venv/bin/synergies run raw --out output
    .venv/bin/python scripts/make_revue_picture.py --depuis output --lignes 2
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageChops

from pipeline.diff import load_run_output
from pipeline.normalise import vocabulaire
from pipeline.revue import FIELDS, build_workbook, label_choices, rows_to_review, source_pictures
from pipeline.settings import Settings

LAST_COLUMN = "confirme"  # the picture shows the columns up to the decision


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depuis", type=Path, default=Path("output"))
    parser.add_argument("--lignes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("docs") / "revue.png")
    args = parser.parse_args()
    settings = Settings.load(Path("params.yaml")).revue
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = rows_to_review(load_run_output(args.depuis), everything=False)
        rows = rows[rows["fichier_source"].str.lower().str.endswith(".pdf")].head(args.lignes)  # lines with a picture
        book = build_workbook(rows, source_pictures(rows, folder, settings), label_choices(vocabulaire()), settings,
                              folder)
        sheet = book.active
        last = next(i for i, f in enumerate(FIELDS, start=1) if f.key == LAST_COLUMN)
        sheet.print_area = f"A1:{sheet.cell(1, last).column_letter}{len(rows) + 1}"
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        book.save(folder / "revue.xlsx")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(folder / "revue.xlsx")],
                       check=True, capture_output=True, timeout=300)
        pdf = pdfium.PdfDocument(folder / "revue.pdf")
        try:
            page = pdf[0].render(scale=3.0).to_pil().convert("RGB")
        finally:
            pdf.close()
    blank = page.copy()
    blank.paste((255, 255, 255), (0, 0, *page.size))
    box = ImageChops.difference(page, blank).getbbox()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    page.crop(box).save(args.out)
    print(f"{args.out} : {page.crop(box).size[0]}x{page.crop(box).size[1]} px")


if __name__ == "__main__":
    main()
