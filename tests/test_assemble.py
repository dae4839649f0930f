"""The assembler's decisions on hand-made fragments: what is merged across a page and what is not."""

from pipeline.assemble import assemble
from pipeline.model import Fragment
from pipeline.settings import Settings

COLUMNS = tuple((100.0 * i, 100.0 * (i + 1)) for i in range(6))
HEADER = ("Synergie ou groupe de synergies", "Objectif", "Mode opératoire", "Administration pilote",
          "Responsable administratif", "Réalisation")


def fragment(page, cells, top=100.0, ends_page=False):
    return Fragment(page, tuple(cells), COLUMNS, top, top + 20, "regle", ends_page)


def rows(*fragments):
    return assemble(list(fragments), Settings()).rows


def test_empty_name_at_top_of_next_page_continues_the_row():
    result = rows(
        fragment(1, HEADER, 50),
        fragment(1, ("GRH", "Moyens", "Coopératif", "Ville", "DG Ville", "En cours de"), ends_page=True),
        fragment(2, HEADER, 50),
        fragment(2, ("", "", "", "", "", "réalisation"), 80),
    )
    assert len(result) == 1
    assert result[0].cells["realisation"] == "En cours de\nréalisation"
    assert (result[0].page_debut, result[0].page_fin, result[0].doutes) == (1, 2, [])


def test_new_row_at_top_of_next_page_is_not_merged():
    result = rows(
        fragment(1, HEADER, 50),
        fragment(1, ("GRH", "Moyens", "Coopératif", "Ville", "DG Ville", "100%"), ends_page=True),
        fragment(2, ("Archives", "Moyens", "coopératif", "CPAS", "DG CPAS", "effectif"), 80),
    )
    assert [r.cells["synergie"] for r in result] == ["GRH", "Archives"]


def test_name_going_on_in_lower_case_is_merged_with_a_doubt():
    result = rows(
        fragment(1, HEADER, 50),
        fragment(1, ("Social / Gardiens de la paix : présence", "Instaurer", "Coopératif", "Ville-CPAS",
                     "DG Ville", "L’agressivité"), ends_page=True),
        fragment(2, ("salle d’attente du CPAS", "", "", "", "", "est réduite"), 80),
    )
    assert len(result) == 1 and result[0].doutes


def test_no_merge_when_the_previous_row_did_not_reach_the_page_end():
    result = rows(
        fragment(1, HEADER, 50),
        fragment(1, ("GRH", "Moyens", "Coopératif", "Ville", "DG Ville", "100%"), ends_page=False),
        fragment(2, ("", "Moyens", "Délégatif", "CPAS", "DG CPAS", "effectif"), 80),
    )
    assert len(result) == 2


def test_fragments_outside_a_recognised_table_are_ignored():
    budget = Fragment(1, ("Poste", "Budget 2020"), ((0.0, 300.0), (300.0, 600.0)), 10, 20, "regle")
    result = assemble([budget, fragment(1, ("Informatique", "Moyens", "", "", "", ""))], Settings())
    assert result.rows == []
    assert [d for _, d in result.decisions] == ["ignore", "ignore"]


def test_header_synonyms_are_recognised_and_dropped():
    synonyms = ("Intitulé de la synergie", "Objectifs", "Mode opératoire", "Pilote", "Responsable",
                "État d'avancement")
    result = assemble([fragment(1, synonyms, 50), fragment(1, ("Archives", "", "", "", "", "Effectif"))], Settings())
    assert [d for _, d in result.decisions] == ["entete", "ligne"]
    assert result.rows[0].entete_derniere_colonne == "État d'avancement"
    assert result.rows[0].cells["realisation"] == "Effectif"


def test_a_note_alone_at_the_top_of_the_next_page_is_neither_a_continuation_nor_a_row():
    result = rows(
        fragment(1, HEADER, 50),
        fragment(1, ("GRH Mises à disposition de personnel", "Moyens", "Coopératif", "Ville", "DG Ville", "100%"),
                 ends_page=True),
        fragment(2, ("Note : les pourcentages donnent l'avancement estimé.", "", "", "", "", ""), 80),
    )
    assert [r.cells["synergie"] for r in result] == ["GRH Mises à disposition de personnel"]
