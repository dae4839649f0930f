"""Build the fiche samples: the Mons 2020 reference rows written as one small table per synergy.

Run from the repository root (needs LibreOffice for the PDF and the ODT):

    .venv/bin/python scripts/make_fiches.py

Writes, under tests/data/fiches/ (committed: tests never need LibreOffice):
  mons_2020_fiches.docx        python-docx: title, prose, then the synergies grouped under five
                               section titles, each a "Fiche n° k" heading over a ruled
                               label | value table (A4 portrait, so that some fiches run over a
                               page end), a sentence of prose between some fiches
  mons_2020_fiches.pdf         LibreOffice's PDF export of it
  mons_2020_fiches.odt         LibreOffice's OpenDocument conversion of it
  mons_2020_fiches_sans_filets.pdf   the same fiches drawn without any rule, as PDF
  mons_2020_fiches.truth.csv   rubrique + the six cells of each fiche, in order (the reference's)
"""
from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import (FIELDS, ROOT, Style, add_prose, add_row, cell_paragraphs, convert,  # noqa: E402
                          docx_to_pdf, load_rows, make_table, new_document, shown)

OUT = ROOT / "tests/data/fiches"
STYLE = Style(page_w=21.0, page_h=29.7, margin=2.0, size=10.0)
# Sections of the report: (first reference row, title).
SECTIONS = [(1, "Axe 1 – Services transversaux"), (11, "Axe 2 – Action sociale"),
            (14, "Axe 3 – Ressources humaines"), (21, "Axe 4 – Accueil et égalité des chances"),
            (29, "Axe 5 – Informatique et données")]
# The labels as this commune words them (any wording of schemas/colonnes.yaml).
LABELS = ["Intitulé de la synergie", "Objectif poursuivi", "Mode opératoire", "Administration pilote",
          "Responsable administratif"]
WIDTHS = [4.5, 12.5]


def section_of(ligne: int) -> str:
    return [title for first, title in SECTIONS if first <= ligne][-1]


def build(rows: list[dict], ruled: bool = True):
    doc = new_document(STYLE, "Rapport synergies Ville-CPAS Mons 2020 (fiches)")
    add_prose(doc, "Ville de Mons – CPAS de Mons", size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    add_prose(doc, "Rapport sur les synergies entre la commune et le CPAS – Année 2020", size=14, bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER, after=18)
    add_prose(doc, "Chaque synergie fait l’objet d’une fiche reprenant son objectif, son mode opératoire, "
              "l’administration pilote, le responsable administratif et l’état de sa réalisation. Les fiches "
              "sont regroupées par axe du programme stratégique transversal.", after=10)
    section = ""
    for number, row in enumerate(rows, start=1):
        if section_of(row["ligne"]) != section:
            section = section_of(row["ligne"])
            add_prose(doc, section, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=8)
        add_prose(doc, f"Fiche n° {number}", size=11, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=4)
        table = make_table(doc, 2, WIDTHS, ruled=ruled)
        labels = [*LABELS, row["entete_derniere_colonne"]]
        for label, field in zip(labels, FIELDS):
            add_row(table, WIDTHS, [[[label]], cell_paragraphs(row["ligne"], field, row[field])], ruled=ruled)
        if number % 4 == 0:
            add_prose(doc, "Cette fiche sera mise à jour lors du prochain comité de concertation.", after=10)
        else:
            add_prose(doc, "", after=6)
    return doc


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = load_rows()
    docx = OUT / "mons_2020_fiches.docx"
    build(rows).save(docx)
    docx_to_pdf(docx, OUT / "mons_2020_fiches.pdf")
    convert(docx, "odt", OUT / "mons_2020_fiches.odt")
    with tempfile.TemporaryDirectory() as tmp:  # the same fiches drawn without any rule
        unruled = Path(tmp) / "mons_2020_fiches_sans_filets.docx"
        build(rows, ruled=False).save(unruled)
        docx_to_pdf(unruled, OUT / "mons_2020_fiches_sans_filets.pdf")
    truth = OUT / "mons_2020_fiches.truth.csv"
    with open(truth, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["rubrique", "entete_derniere_colonne", *FIELDS])
        for row in rows:
            writer.writerow([section_of(row["ligne"]), row["entete_derniere_colonne"], *(row[c] for c in FIELDS)])
    for path in (docx, OUT / "mons_2020_fiches.pdf", OUT / "mons_2020_fiches.odt",
                 OUT / "mons_2020_fiches_sans_filets.pdf", truth):
        print(f"{shown(path)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
