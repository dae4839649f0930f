"""Tagged PDFs (issue 6): the table read from the structure tree, rows broken by a page end read
whole, and the page geometry whenever the tree is absent or does not fit the pages."""

import subprocess
import sys
from dataclasses import replace

import pytest

import pipeline.read.tagged as tagged
from pipeline.assemble import assemble
from pipeline.cache import from_json, to_json
from pipeline.model import PageContent, Segment
from pipeline.read.pdf import read_pdf
from pipeline.read import read_document
from pipeline.run import process_document
from pipeline.score import score
from pipeline.settings import Settings
from pipeline.read.tagged import TaggedCell, tagged_fragments

from .conftest import MONS, ROOT, SAMPLES, VARIANTS

TAGGED = MONS / "2020" / "mons_2020_balise.pdf"
# The rows of the sample that a page end breaks, with their pages (scripts/make_samples.py prints them).
BROKEN_ROWS = {12: (3, 4), 19: (4, 5), 24: (5, 6), 31: (6, 7), 33: (7, 8)}
HEADER = ("Synergie", "Objectif", "Mode opératoire", "Administration pilote", "Responsable administratif",
          "Réalisation")


@pytest.fixture(scope="module")
def tagged_run():
    return process_document(TAGGED, Settings())


def test_the_tagged_sample_is_read_through_its_structure(tagged_run, reference):
    frame, report = tagged_run
    result = score(frame, reference)
    assert result.found_rows == result.matched_rows == len(reference) == 35, result.summary()
    assert result.in_order, result.summary()
    assert result.cell_accuracy >= 0.99, (result.summary(), result.mismatches[:5])
    assert set(frame["strategie"]) == {"balise"}
    assert report.balise and report.pages == 8 and report.lignes == 35
    assert frame["entete_derniere_colonne"].tolist() == reference["entete_derniere_colonne"].tolist()


def test_a_row_broken_by_a_page_end_is_one_row_of_the_tree(tagged_run):
    frame, report = tagged_run
    spanning = frame[frame["page_fin"] > frame["page_debut"]]
    assert {r.ligne: (r.page_debut, r.page_fin) for r in spanning.itertuples()} == BROKEN_ROWS
    # The tree says which row goes on: nothing is guessed, so nothing is flagged for it.
    assert not any("continué" in w for w in report.avertissements), report.avertissements


def test_the_committed_geometry_samples_are_not_tagged():
    """They test the geometry: regenerated with tags, they would silently stop doing so."""
    for path in [*SAMPLES.values(), *VARIANTS.values(), MONS / "2021" / "mons_2021_regle.pdf"]:
        assert not read_pdf(path, Settings().extract).tagged, path
    assert read_pdf(TAGGED, Settings().extract).tagged


def test_an_untagged_pdf_is_read_by_its_geometry():
    frame, report = process_document(SAMPLES["sans_filets"], Settings())
    assert set(frame["strategie"]) == {"sans_filets"} and not report.balise and len(frame) == 35


def test_a_tree_that_leaves_table_text_out_falls_back_to_the_geometry(monkeypatch, reference):
    """One cell of page 4 loses its text in the tree: the table no longer holds the text of its
    area, so the whole document is read by its geometry, rows intact."""
    read_page = tagged._page_cells

    def losing_a_cell(page, number, height, s, limit):
        cells = read_page(page, number, height, s, limit)
        if number == 4:
            cells = [replace(c, pieces=()) if c.index == 5 and c.pieces else c for c in cells]
        return cells

    monkeypatch.setattr(tagged, "_page_cells", losing_a_cell)
    frame, report = process_document(TAGGED, Settings())
    assert set(frame["strategie"]) == {"sans_filets"} and not report.balise
    assert score(frame, reference).found_rows == 35


def test_the_summary_line_says_the_structure_was_used(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(TAGGED), "--out", str(tmp_path), "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "mons_2020_balise.pdf : 35 lignes, 8 pages (structure balisée)," in done.stderr, done.stderr


def test_a_row_across_pages_survives_the_cache():
    extraction = read_document(TAGGED, Settings())
    again = from_json(to_json(extraction))
    assert again == extraction
    assert sum(f.last_page is not None for f in again.fragments) == len(BROKEN_ROWS)


# --------------------------------------------------------------- the structure, built by hand

def cell(row: int, index: int, text: str, page: int = 1, *, top: float = 0.0, size: int = 6,
         colspan: int = 1, rowspan: int = 1) -> TaggedCell:
    """A cell of table (0, 1), row `row`, whose text stands in its grid column at height `top`."""
    x0 = 100.0 * index
    pieces = tuple(Segment(line, x0, top + 10 * i, x0 + 5 * len(line), top + 10 * i + 8)
                   for i, line in enumerate(text.split("\n")) if line)
    return TaggedCell((0, 1), (0, 1, row), size, index, colspan, rowspan, page, pieces)


def pages_of(cells: list[TaggedCell], count: int, extra: dict[int, list[Segment]] | None = None) -> list[PageContent]:
    """The pages as `read_pdf` would have read them: the cells' text, and `extra` text."""
    return [PageContent(n, 842.0, 595.0, tuple(p for c in cells if c.page == n for p in c.pieces)
                        + tuple((extra or {}).get(n, ())), ()) for n in range(1, count + 1)]


def table(*rows: tuple[str, ...]) -> list[TaggedCell]:
    return [cell(r, i, text, top=100.0 + 40 * r) for r, texts in enumerate(rows) for i, text in enumerate(texts)]


ROW = ("Archives", "Moyens", "Coopératif", "Ville", "DG Ville", "Réalisé")


def test_header_rows_and_a_row_across_two_pages():
    cells = table(HEADER, ROW) + [
        cell(2, 0, "Informatique\nAchats", 1, top=500.0), cell(2, 1, "Moyens", 1, top=500.0),
        cell(2, 0, "groupés", 2, top=50.0), cell(2, 5, "En cours", 2, top=50.0),  # the rest of row 2, page 2
    ]
    fragments = tagged_fragments(cells, pages_of(cells, 2), {1, 2}, Settings().extract)
    assert [f.cells for f in fragments] == [
        HEADER, ROW, ("Informatique\nAchats\ngroupés", "Moyens", "", "", "", "En cours")]
    assert [(f.page, f.last_page, f.strategy) for f in fragments] == [(1, None, "balise")] * 2 + [(1, 2, "balise")]
    assert fragments[2].top == 500.0 and fragments[1].columns == tuple((i * 100.0, i * 100.0 + 100) for i in range(6))
    rows = assemble(fragments, Settings()).rows
    assert [(r.page_debut, r.page_fin) for r in rows] == [(1, 1), (1, 2)]


def test_spans_place_cells_on_the_grid():
    """A name spanning two rows and a cell spanning two columns, as LibreOffice tags them."""
    cells = table(HEADER) + [
        cell(1, 0, "GRH", top=140.0, rowspan=2), *(cell(1, i, t, top=140.0) for i, t in enumerate(ROW[1:], 1)),
        cell(2, 0, "Moyens", top=180.0, size=4, colspan=2), cell(2, 1, "Ville", top=180.0, size=4),
        cell(2, 2, "DG", top=180.0, size=4), cell(2, 3, "Réalisé", top=180.0, size=4),
    ]
    fragments = tagged_fragments(cells, pages_of(cells, 1), {1}, Settings().extract)
    assert [f.cells for f in fragments][1:] == [("GRH", *ROW[1:]), ("", "Moyens", "", "Ville", "DG", "Réalisé")]


def test_rows_covering_different_numbers_of_columns_are_not_used():
    cells = table(HEADER, ROW, ROW[:5])
    cells = [replace(c, row_cells=5) if c.row == (0, 1, 2) else c for c in cells]
    assert tagged_fragments(cells, pages_of(cells, 1), {1}, Settings().extract) is None
    whole = table(HEADER, ROW, ROW)
    assert tagged_fragments(whole, pages_of(whole, 1), {1}, Settings().extract) is not None


def test_text_in_the_table_area_that_no_cell_holds_means_the_tree_is_not_used():
    cells = table(HEADER, ROW, ROW)
    stray = Segment("Texte oublié par les balises de la page", 120.0, 150.0, 300.0, 158.0)
    assert tagged_fragments(cells, pages_of(cells, 1, {1: [stray]}), {1}, Settings().extract) is None
    beside = replace(stray, top=20.0, bottom=28.0)  # above the table: a title, not the table's
    assert tagged_fragments(cells, pages_of(cells, 1, {1: [beside]}), {1}, Settings().extract) is not None


def test_an_untagged_page_or_no_synergy_table_means_the_geometry():
    cells = table(HEADER, ROW)
    annex = {2: [Segment("Annexe non balisée", 50.0, 100.0, 150.0, 108.0)]}
    assert tagged_fragments(cells, pages_of(cells, 2, annex), {1}, Settings().extract) is None
    assert tagged_fragments(cells, pages_of(cells, 2), {1}, Settings().extract) is not None  # page 2 is blank
    budget = table(("Poste", "Budget 2019", "Budget 2020"), ("Dotation", "1 €", "2 €"))
    assert tagged_fragments(budget, pages_of(budget, 1), {1}, Settings().extract) is None


CHROMIUM = ROOT / "tests" / "data" / "chromium"


def _chromium_score(name: str):
    from pipeline.score import score_document
    import pandas as pd

    frame, report = process_document(CHROMIUM / f"{name}.pdf", Settings())
    truth = pd.read_csv(CHROMIUM / f"{name}.truth.csv", dtype=str, keep_default_na=False)
    return score_document(frame, truth, 0.5), frame, report


def test_a_chromium_table_is_read_whole_through_its_structure():
    """Chromium draws each glyph as its own text object (the ink of an "l" stands apart from its
    neighbours) and tags the header row it repeats at the top of page 2 as the same row: every
    word stays whole and the header is read once."""
    result, frame, report = _chromium_score("zoo_9614_producteurs")
    assert report.balise and set(frame["strategie"]) == {"balise"}
    assert result.matched_rows == result.truth_rows == result.output_rows == 11
    assert not result.mismatches, result.mismatches[:3]


@pytest.mark.parametrize("name", ["zoo_9670_producteurs", "zoo_9750_producteurs"])
def test_chromium_tables_read_by_their_geometry(monkeypatch, name):
    """The same reports with their structure tree set aside: headings closer than a gutter are
    told apart at the body's column edges (9670), and one-line rows with 3 pt of padding are rows
    although the line pitch inside a cell is the smaller step (9750)."""
    monkeypatch.setattr("pipeline.read.read_tagged", lambda *args, **kwargs: None)
    result, frame, _ = _chromium_score(name)
    assert set(frame["strategie"]) == {"sans_filets"}
    assert result.matched_rows == result.truth_rows == result.output_rows
    assert not result.mismatches, result.mismatches[:3]
