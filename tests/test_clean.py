from pipeline.clean import clean_text


def test_lines_joined_with_single_spaces():
    assert clean_text("Service  Technique CPAS/\n  Service Voierie\n\nVM ") == "Service Technique CPAS/ Service Voierie VM"


def test_word_broken_after_its_hyphen_is_rejoined_with_its_hyphen():
    assert clean_text("Code du Bien-\nêtre") == "Code du Bien-être"
    assert clean_text("Ville-\nCPAS") == "Ville-CPAS"


def test_dashes_and_leading_hyphens_are_left_alone():
    assert clean_text("2 Administrations –\nrationaliser") == "2 Administrations – rationaliser"
    assert clean_text("-nombreux marchés\n-chèques repas") == "-nombreux marchés -chèques repas"
