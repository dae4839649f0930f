"""Build the spreadsheet samples: the Mons 2020 reference rows kept in a workbook.

Run from the repository root (needs LibreOffice for the .ods):

    .venv/bin/python scripts/make_sheets.py

Writes tests/data/tableurs/mons_2020.xlsx (openpyxl) and mons_2020.ods (LibreOffice Calc's
conversion of it), both committed: tests never need LibreOffice. The workbook is laid out as a
commune would keep it: a budget sheet first, then the synergy sheet with two title rows (one
merged across the table) above the header, cells broken on several lines, "100%" as the number 1
formatted as a percentage, a hidden row (a synergy dropped from the report) and a hidden column
(internal comments), a note below the table after an empty row, last year's table in a hidden
sheet, and a staff list sheet last.
Joining each cell's lines with spaces gives back the reference exactly.
"""
from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import BUDGET, FIELDS, ROOT, cell_paragraphs, convert, load_rows, shown  # noqa: E402

OUT = ROOT / "tests/data/tableurs"
HEADINGS = ("Synergie ou groupe de synergies", "Objectif", "Mode opératoire", "Administration pilote",
            "Responsable administratif")
HIDDEN_COLUMN = 4  # 0-based position of the hidden "Commentaire interne" column among the sheet's columns
HIDDEN_AFTER = 7  # the hidden synergy row comes after this reference row


def cell_text(row: dict, field: str) -> str:
    """The cell's lines as the report lays them out, one paragraph break or line break = one "\\n"."""
    lines = [line for paragraph in cell_paragraphs(row["ligne"], field, row[field]) for line in paragraph]
    return "\n".join(line for line in lines if line.strip())


def build_workbook(rows: list[dict]) -> Workbook:
    book = Workbook()
    budget = book.active
    budget.title = "Budget 2020"
    budget.append(("Poste", "Budget 2019", "Budget 2020"))
    for poste, before, now in BUDGET:
        budget.append((poste, before, now))

    sheet = book.create_sheet("Synergies 2020")
    sheet.append(["Ville de Mons – CPAS de Mons"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    sheet.append(["Rapport sur les synergies entre la commune et le CPAS – Année 2020"])
    sheet.append([])
    header = [*HEADINGS, rows[0]["entete_derniere_colonne"]]
    header.insert(HIDDEN_COLUMN, "Commentaire interne")
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        values: list = [cell_text(row, f) for f in FIELDS]
        if values[-1] == "100%":
            values[-1] = 1  # typed as a number, shown as a percentage
        values.insert(HIDDEN_COLUMN, "à revoir" if row["ligne"] % 3 == 0 else "")
        sheet.append(values)
        if isinstance(values[-1], int):
            sheet.cell(sheet.max_row, len(values)).number_format = "0%"
        if row["ligne"] == HIDDEN_AFTER:
            sheet.append(["Synergie abandonnée en 2019", "Moyens", "Coopératif", "Ville", "", "DG Ville", "Abandonnée"])
            sheet.row_dimensions[sheet.max_row].hidden = True
    for line in sheet.iter_rows(min_row=5):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["E"].hidden = True  # the comment column
    sheet.append([])
    sheet.append(["Rapport présenté au comité de concertation du 14 décembre 2020."])

    archive = book.create_sheet("Synergies 2019")  # last year's table, hidden: not part of the report
    archive.append(header)
    archive.append(["Synergie abandonnée en 2019", "Moyens", "Coopératif", "Ville", "", "DG Ville", "Abandonnée"])
    archive.sheet_state = "hidden"

    staff = book.create_sheet("Personnel")
    staff.append(("Service", "Agents Ville", "Agents CPAS"))
    staff.append(("Accueil", 4, 3))
    staff.append(("Informatique", 9, 0))
    book.properties.title = "Rapport synergies Ville-CPAS Mons 2020"
    return book


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    xlsx = OUT / "mons_2020.xlsx"
    build_workbook(load_rows()).save(xlsx)
    convert(xlsx, "ods", OUT / "mons_2020.ods")
    for path in (xlsx, OUT / "mons_2020.ods"):
        print(f"{shown(path)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
