"""Spreadsheets (.xlsx, .ods) read from their cells: the Mons reference kept in a workbook, cells as
displayed, hidden rows and columns, workbooks without a synergy sheet, hostile and damaged files."""

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.model import LABEL_COLUMNS
from pipeline.read import DocumentError, read_document
from pipeline.run import process_document, run
from pipeline.score import score
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_sheets", ROOT / "scripts" / "bench_sheets.py")
hostile = importlib.util.module_from_spec(_spec)  # the hostile workbooks the benchmark times
_spec.loader.exec_module(hostile)
TABLEURS = ROOT / "tests" / "data" / "tableurs"
HEADER = ("Synergie", "Objectif", "Mode opératoire", "Administration pilote", "Responsable administratif",
          "Réalisation")


@pytest.fixture(scope="module", params=["xlsx", "ods"])
def mons(request):
    path = TABLEURS / f"mons_2020.{request.param}"
    table, report = process_document(path, Settings())
    return request.param, table, report


def test_mons_workbook_gives_every_cell_and_label_of_the_reference(mons, reference):
    _, table, _ = mons
    cells = score(table, reference)
    assert cells.found_rows == cells.matched_rows == 35 and cells.in_order, cells.summary()
    assert cells.cell_accuracy == 1.0, cells.mismatches[:5]
    labels = score(table, reference, columns=LABEL_COLUMNS)
    assert labels.cell_accuracy == 1.0, labels.mismatches[:5]
    assert table["avancement_pct"].dropna().tolist() == [100] * 5  # the number 1 shown "100%"
    assert set(table["entete_derniere_colonne"]) == {"Réalisation"}  # the sheet's one header


def test_mons_workbook_provenance_is_the_sheet_and_its_row_numbers(mons):
    kind, table, report = mons
    # Header on row 4 under two title rows; the synergy hidden on row 12 is left out.
    assert table["ligne_source"].tolist() == [*range(5, 12), *range(13, 41)]
    assert set(table["page_debut"]) == set(table["page_fin"]) == {2}  # second sheet, after the budget
    assert set(table["strategie"]) == {kind}
    assert (table["commune"].unique().tolist(), table["annee"].unique().tolist()) == (["Mons"], [2020])
    assert report.pages == 4
    assert report.remarques == ("feuille(s) masquée(s) ignorée(s) : « Synergies 2019 »",
                                "1 ligne(s) et 1 colonne(s) masquée(s) ignorée(s)")
    assert not table["realisation"].str.contains("Abandonnée|à revoir").any()
    assert not table["synergie"].str.contains("comité de concertation").any()  # the note under the table


def test_cells_as_displayed_merged_once_and_lines_kept(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Synergies"
    sheet.append(["Commune de Florival – rapport synergies 2022"])
    sheet.append(list(HEADER))
    sheet.append(["Marchés publics", "Moyens", "Coopératif", "Les deux", "DG Ville", 0.75])
    sheet.append(["Archives\ncommunes", "Performance", "Délégatif", "", "DG CPAS", dt.datetime(2022, 3, 15)])
    sheet.append(["Accueil", "Citoyen", "Coopératif", "CPAS", "DG CPAS", "Réalisé"])
    sheet["F3"].number_format = "0%"
    sheet["F4"].number_format = "dd/mm/yyyy"
    sheet.merge_cells("D3:D4")  # the pilot written once for two synergies: the pilot of both
    path = tmp_path / "florival.xlsx"
    book.save(path)

    table, report = process_document(path, Settings())
    assert table["realisation"].tolist() == ["75%", "15/03/2022", "Réalisé"]
    assert table["avancement_pct"].tolist()[0] == 75
    assert table["administration_pilote"].tolist() == ["Les deux", "Les deux", "CPAS"]
    assert table["synergie"].tolist()[1] == "Archives communes"
    assert table["ligne_source"].tolist() == [3, 4, 5]
    assert (table["commune"][0], table["annee"][0]) == ("Florival", 2022)
    fragments = read_document(path, Settings()).fragments
    assert ("Archives\ncommunes", "Performance", "Délégatif", "Les deux", "DG CPAS", "15/03/2022") in [f.cells for f in fragments]
    assert report.remarques == ()


def test_section_rows_fill_rubrique_and_notes_are_left_out(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Synergies Commune – CPAS de Valmorée"])
    sheet.append(["Situation au 31 décembre 2023"])
    sheet.append(list(HEADER))
    for row in (["Axe 1 – Ressources humaines"], ["Formations", "Moyens", "Coopératif", "Les deux", "DG Ville", "Réalisé"],
                ["Axe 2 – Informatique et données"], ["Serveurs", "Moyens", "Délégatif", "CPAS", "DG CPAS", "En cours"],
                ["Logiciels", "Moyens", "Délégatif", "CPAS", "DG CPAS", "En cours"], [],
                ["Note : les pourcentages donnent l'avancement estimé."]):
        sheet.append(row)
    sheet.merge_cells("A4:F4")
    sheet.merge_cells("A6:F6")
    path = tmp_path / "valmoree_2023.xlsx"
    book.save(path)
    table, _ = process_document(path, Settings())
    assert table["synergie"].tolist() == ["Formations", "Serveurs", "Logiciels"]
    assert table["rubrique"].tolist() == ["Axe 1 – Ressources humaines"] + ["Axe 2 – Informatique et données"] * 2
    assert table["ligne_source"].tolist() == [5, 7, 8]


@pytest.mark.parametrize("seed", [9800, 9804])
def test_printed_sheet_gives_the_rows_of_its_cells_not_its_notes(seed):
    """Calc's PDF export of a workbook (gridlines printed, a title above the header, notes under
    the table in the grid): the rows read are the workbook's own, no note becomes a synergy."""
    zoo = ROOT / "tests" / "data" / "zoo" / "dev"
    printed, _ = process_document(zoo / f"zoo_{seed}_tableur_pdf.pdf", Settings())
    cells, _ = process_document(zoo / f"zoo_{seed}_tableur.xlsx", Settings())
    assert printed["synergie"].tolist() == cells["synergie"].tolist()
    assert not printed["synergie"].str.startswith(("Note", "Source")).any()


@pytest.mark.parametrize("name", ["zoo_10000_tableur_fusions.xlsx", "zoo_10000_tableur_fusions_ods.ods",
                                  "zoo_10000_tableur_fusions_pdf.pdf"])
def test_two_row_header_and_names_merged_down_are_read(name):
    """A header over two rows ("Organisation" merged across three sub-headings, the other headings
    merged down both rows) and synergy names merged down beside the rows of their group: every
    row read, each with the name beside it, from the cells and from Calc's PDF export alike."""
    path = ROOT / "tests" / "data" / "zoo" / "dev" / name
    truth = pd.read_csv(path.with_name(path.name.rsplit(".", 1)[0] + ".truth.csv"), dtype=str, keep_default_na=False)
    assert truth["synergie"].duplicated().any()  # the document has names shared by a run of rows
    table, _ = process_document(path, Settings())
    assert table["synergie"].tolist() == truth["synergie"].tolist()
    result = score(table, truth)
    assert result.cell_accuracy == 1.0, result.mismatches[:5]


def test_workbook_without_synergy_sheet_is_rejected_naming_its_sheets(tmp_path):
    book = Workbook()
    book.active.title = "Budget"
    book.active.append(["Poste", "Montant"])
    book.create_sheet("Personnel").append(["Service", "Agents"])
    path = tmp_path / "budget.xlsx"
    book.save(path)
    with pytest.raises(DocumentError, match="aucune feuille de synergies.*feuilles vues : « Budget », « Personnel »"):
        read_document(path, Settings())


def test_a_run_whose_only_workbook_is_rejected_says_why_in_one_line(tmp_path):
    book = Workbook()
    book.active.title = "Budget"
    path = tmp_path / "budget.xlsx"
    book.save(path)
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "budget.xlsx : aucune feuille de synergies" in result.output
    assert (tmp_path / "out" / "rejects.csv").exists()


def test_formula_only_sheet_is_not_a_synergy_sheet(tmp_path):
    book = Workbook()
    book.active.title = "Calculs"
    for r in range(1, 200):
        book.active.append([f"=ROW()*{c}" for c in range(1, 7)])  # never computed: no saved values
    path = tmp_path / "formules.xlsx"
    book.save(path)
    result = run([path], Settings())
    assert result.rejects[0].raison.startswith("aucune feuille de synergies") and "« Calculs »" in result.rejects[0].raison


def test_sheet_of_100000_empty_formatted_rows_is_set_aside_and_the_others_read(tmp_path):
    # mons_2020.xlsx: the budget sheet (sheet1.xml) turned into 100,000 formatted empty rows.
    path = tmp_path / "lignes_vides.xlsx"
    hostile.with_member(TABLEURS / "mons_2020.xlsx", path, "xl/worksheets/sheet1.xml", hostile.formatted_empty_rows(100_000))
    table, report = process_document(path, Settings())
    assert len(table) == 35
    assert report.remarques[0].startswith("feuille « Budget 2020 » non lue : trop grande (")
    assert len(report.remarques) == 3  # and the hidden sheet, the hidden row and column


def test_synergy_sheet_too_large_is_rejected_with_what_to_do(tmp_path):
    path = tmp_path / "trop_grand.xlsx"
    hostile.with_member(TABLEURS / "mons_2020.xlsx", path, "xl/worksheets/sheet2.xml", hostile.formatted_empty_rows(100_000))
    with pytest.raises(DocumentError, match="« Synergies 2020 » non lue : trop grande .*supprimez ses lignes vides"):
        read_document(path, Settings())


@pytest.mark.parametrize("kind, member", [("xlsx", "xl/worksheets/sheet2.xml"), ("ods", "content.xml")])
def test_zip_bomb_is_refused_before_inflating(tmp_path, kind, member):
    path = tmp_path / f"bombe.{kind}"
    hostile.with_member(TABLEURS / f"mons_2020.{kind}", path, member, b" " * 60_000_000)  # 60 MB, 60 kB zipped
    assert path.stat().st_size < 1_000_000
    result = run([path], Settings())
    assert "suspect : 60 Mo une fois décompressé (limite 50 Mo)" in result.rejects[0].raison


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_damaged_workbooks_are_rejected_with_a_reason(tmp_path, kind):
    data = (TABLEURS / f"mons_2020.{kind}").read_bytes()
    cut = tmp_path / f"tronque.{kind}"
    cut.write_bytes(data[: len(data) // 2])
    foreign = tmp_path / f"rapport.{kind}"
    shutil.copyfile(ROOT / "tests" / "data" / "mons" / "2020" / ("mons_2020.odt" if kind == "xlsx" else "mons_2020.docx"), foreign)
    result = run([cut, foreign], Settings())
    reasons = {Path(r.fichier).name: r.raison for r in result.rejects}
    assert "illisible ou corrompu" in reasons[cut.name]
    assert reasons[foreign.name].startswith("ce n'est pas un classeur")


def test_run_on_a_folder_mixing_every_format_gives_one_table(tmp_path):
    """The same report in five formats: each one read, the report counted once (the DOCX kept,
    read in its own structure), the four others listed as duplicates."""
    folder = tmp_path / "mons" / "2020"
    folder.mkdir(parents=True)
    sources = (TABLEURS / "mons_2020.xlsx", TABLEURS / "mons_2020.ods", ROOT / "tests/data/mons/2020/mons_2020.docx",
               ROOT / "tests/data/mons/2020/mons_2020.odt", ROOT / "tests/data/mons/2020/mons_2020_regle.pdf")
    for source in sources:
        shutil.copyfile(source, folder / source.name)
    cache = ["--cache", str(tmp_path / "cache"), "--jobs", "1"]
    for _ in range(2):  # read, then from the cache: the same table, duplicates and summary
        result = CliRunner().invoke(app, ["run", str(tmp_path / "mons"), "--out", str(tmp_path / "out"), *cache])
        assert result.exit_code == 0, result.output
        table = pd.read_csv(tmp_path / "out" / "synergies.csv", dtype=str, keep_default_na=False)
        assert table.groupby("strategie").size().to_dict() == {"docx": 35}
        doublons = pd.read_csv(tmp_path / "out" / "doublons.csv", dtype=str, keep_default_na=False)
        assert sorted(Path(f).name for f in doublons["fichier"]) == sorted(s.name for s in sources if s.suffix != ".docx")
        assert {Path(f).name for f in doublons["fichier_garde"]} == {"mons_2020.docx"}
        alone = CliRunner().invoke(app, ["run", str(folder / "mons_2020.xlsx"), "--out", str(tmp_path / "seul"), *cache])
        assert "mons_2020.xlsx : 35 lignes, 4 feuilles" in alone.output
        assert "1 ligne(s) et 1 colonne(s) masquée(s) ignorée(s)" in alone.output
