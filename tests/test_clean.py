from pipeline.clean import clean_text


def test_lines_joined_with_single_spaces():
    assert clean_text("Service  Technique CPAS/\n  Service Voierie\n\nVM ") == "Service Technique CPAS/ Service Voierie VM"


def test_word_hyphenated_at_line_end_is_rejoined():
    assert clean_text("rationa-\nliser les coûts") == "rationaliser les coûts"


def test_compound_broken_after_its_hyphen_keeps_the_hyphen():
    assert clean_text("Ville-\nCPAS") == "Ville-CPAS"


def test_dashes_and_leading_hyphens_are_left_alone():
    assert clean_text("2 Administrations –\nrationaliser") == "2 Administrations – rationaliser"
    assert clean_text("-nombreux marchés\n-chèques repas") == "-nombreux marchés -chèques repas"
