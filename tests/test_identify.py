from pathlib import PurePath

from pipeline.identify import identify


def test_commune_and_year_from_the_title_page():
    title = "Ville de La Louvière – CPAS\nRapport annuel sur les synergies – Année 2021"
    assert identify(PurePath("rapport.pdf"), title, "") == ("La Louvière", 2021)


def test_year_and_commune_from_the_path_when_the_document_is_silent():
    assert identify(PurePath("raw/namur/2019/annexe.pdf"), "Synergies", "") == ("Namur", 2019)
    assert identify(PurePath("raw/mons_2020.pdf"), "", "") == ("Mons", 2020)


def test_nothing_said_leaves_them_empty():
    assert identify(PurePath("annexe.pdf"), "Tableau", "") == ("", None)
