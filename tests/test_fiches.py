"""Fiche reports: one small label | value table per synergy, grouped under section titles, read from
DOCX, ODT and PDF (ruled, and drawn without any rule) and scored against their truth (the Mons
reference with its sections)."""

from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from pipeline.model import CELL_COLUMNS
from pipeline.read import read_document
from pipeline.run import process_document, run, synergy_rows
from pipeline.score import score
from pipeline.settings import Settings

FICHES = Path(__file__).resolve().parent / "data" / "fiches"
TRUTH = FICHES / "mons_2020_fiches.truth.csv"
ROOT_ZOO = Path(__file__).resolve().parent / "data" / "zoo" / "dev"


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return pd.read_csv(TRUTH, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module", params=["mons_2020_fiches.docx", "mons_2020_fiches.odt", "mons_2020_fiches.pdf",
                                        "mons_2020_fiches_sans_filets.pdf"])
def fiches_run(request):
    table, report = process_document(FICHES / request.param, Settings())
    return request.param, table, report


def test_every_fiche_is_one_synergy_with_every_cell(fiches_run, truth):
    kind, table, _ = fiches_run
    result = score(table, truth, columns=("rubrique", *CELL_COLUMNS))  # section titles too, PDFs included
    assert result.found_rows == result.matched_rows == 35 and result.in_order, result.summary()
    assert result.cell_accuracy == 1.0, result.mismatches[:5]
    assert table["entete_derniere_colonne"].tolist() == truth["entete_derniere_colonne"].tolist()


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_section_titles_fill_rubrique_fiche_headings_and_prose_do_not(kind, truth):
    table, _ = process_document(FICHES / f"mons_2020_fiches.{kind}", Settings())
    assert table["rubrique"].tolist() == truth["rubrique"].tolist()
    # Provenance: the fiche's table in the document, its first row.
    assert table["page_debut"].tolist() == list(range(1, 36)) and (table["ligne_source"] == 1).all()
    assert set(table["strategie"]) == {kind}


@pytest.mark.parametrize("name", ["mons_2020_fiches.pdf", "mons_2020_fiches_sans_filets.pdf"])
def test_a_fiche_broken_by_a_page_end_is_one_synergy(truth, name):
    table, _ = process_document(FICHES / name, Settings())
    broken = table[table["page_debut"] < table["page_fin"]]
    assert len(broken) >= 1  # the A4 portrait layout runs at least one fiche over a page end
    for _, row in broken.iterrows():
        expected = truth[truth["synergie"] == row["synergie"]].iloc[0]
        assert [row[c] for c in CELL_COLUMNS] == [expected[c] for c in CELL_COLUMNS]
    assert table["ligne_source"].isna().all()  # a PDF has no row numbers of its own


def test_short_labels_on_consecutive_lines_are_each_their_own_row():
    """Unruled fiches with abbreviated labels set line under line ("Obj." then "Mode opér."): read
    together the two may name a column, but each names one of its own, so each keeps its value
    (a development document of the zoo's generator, seed 40010)."""
    table, _ = process_document(FICHES / "fiches_libelles_abreges_sans_filets.pdf", Settings())
    expected = pd.read_csv(FICHES / "fiches_libelles_abreges_sans_filets.truth.csv", dtype=str, keep_default_na=False)
    result = score(table, expected, columns=("rubrique", *CELL_COLUMNS))
    assert result.found_rows == result.matched_rows == len(expected), result.summary()
    assert result.cell_accuracy == 1.0, result.mismatches[:5]


def test_a_capital_with_an_accent_stays_in_its_word():
    """At 12 pt an "É" reaches 2.6 pt above its word's other letters; it is still the same line
    and the same word ("Économie", not "É conomie")."""
    extraction = read_document(ROOT_ZOO / "zoo_9906_fiches_pdf.pdf", Settings())
    cells = [c for f in extraction.fragments for c in f.cells]
    assert "Économie de moyens" in cells
    assert not any("É " in c for c in cells)


def test_two_column_tables_naming_few_headings_are_no_fiches(tmp_path):
    doc = Document()
    doc.add_paragraph("Glossaire")
    glossary = doc.add_table(rows=3, cols=2)
    for r, (term, meaning) in enumerate((("Objectif", "Ce que la synergie vise"),
                                         ("Pilote", "L'administration qui la conduit"),
                                         ("PST", "Programme stratégique transversal"))):
        glossary.cell(r, 0).text, glossary.cell(r, 1).text = term, meaning
    path = tmp_path / "glossaire.docx"
    doc.save(path)
    extraction = read_document(path, Settings())
    assert synergy_rows(extraction, Settings()).rows == []
    assert run([path], Settings()).rejects[0].raison.startswith("aucun tableau de synergies")
