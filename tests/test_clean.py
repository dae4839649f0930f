import re
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.assemble import assemble
from pipeline.clean import clean_row, clean_text, document_words, french_dictionary, vocabulary_words
from pipeline.model import CELL_COLUMNS
from pipeline.read import read_document
from pipeline.run import process_document
from pipeline.score import score
from pipeline.settings import CleanSettings, Settings

from .conftest import ROOT, SAMPLES, VARIANTS

NO_DICTIONARY = CleanSettings(dictionary="xx_AUCUN")  # no such dictionary: the document's evidence only
# The Mons 2020 rows in another commune's layout, hyphenated automatically by LibreOffice
# (scripts/make_samples.py cesures): 59 lines end in a hyphen.
HYPHENATED = ROOT / "tests/data/variantes/mons_2020_portrait_cesures.pdf"
HYPHENATED_WORD = re.compile(r"[^\W\d_]+-[^\W\d_]+")


def test_lines_joined_with_single_spaces():
    assert clean_text("Service  Technique CPAS/\n  Service Voierie\n\nVM ") == "Service Technique CPAS/ Service Voierie VM"


def test_word_broken_after_its_hyphen_is_rejoined_with_its_hyphen():
    assert clean_text("Code du Bien-\nêtre") == "Code du Bien-être"
    assert clean_text("Ville-\nCPAS") == "Ville-CPAS"


def test_dashes_and_leading_hyphens_are_left_alone():
    assert clean_text("2 Administrations –\nrationaliser") == "2 Administrations – rationaliser"
    assert clean_text("-nombreux marchés\n-chèques repas") == "-nombreux marchés -chèques repas"


# What Word and LibreOffice write when told to hyphenate, and the compounds they break after their
# own hyphen: the decision for each, from the French dictionary alone.
@pytest.mark.parametrize("broken, expected", [
    ("Plan de coordi-\nnation", "Plan de coordination"),
    ("Service infor-\nmatique", "Service informatique"),
    ("l’infor-\nmatique,", "l’informatique,"),
    ("Réa-\nlisé", "Réalisé"),
    ("COORDI-\nNATION", "COORDINATION"),
    ("en-\nsemble", "ensemble"),        # both pieces are words, yet only the whole is one word
    ("dé-\nmarche", "démarche"),
    ("Bien-\nêtre", "Bien-être"),        # compounds keep their hyphen
    ("Ville-\nCPAS", "Ville-CPAS"),
    ("porte-\nparole", "porte-parole"),
    ("porte-\nmonnaie", "porte-monnaie"),  # classical spelling: "portemonnaie" is no word
    ("sous-\ntraitance", "sous-traitance"),
    ("c’est-à-\ndire", "c’est-à-dire"),
    ("Saint-\nGhislain", "Saint-Ghislain"),
    ("mutualisa\ntion des moyens", "mutualisation des moyens"),  # too wide for its cell, no hyphen
    ("MUTUALISA\nTION", "MUTUALISATION"),
    ("Commun\ne", "Commune"),            # a lone letter is no word of its own
    ("L’implémentation\ns’étendra", "L’implémentation s’étendra"),  # an elided word opens a word
    ("du\nper-\nsonnel", "du personnel"),  # not "duper": "per" is the start of a broken word
    ("trai-\nte-\nment", "traitement"),
    ("res-\ntau-\nra-\ntion sco-\nlaire", "restauration scolaire"),  # a narrow column
    ("Télé-\npho-\nnie et\nré-\nseau", "Téléphonie et réseau"),
    ("É\nco-\nno-\nmat\ncom-\nmun", "Économat commun"),
    ("Bien-\nêtre au\ntravail", "Bien-être au travail"),
    ("Conjointe\nment", "Conjointe ment"),  # two real words: only geometry could tell
    ("en\ncours", "en cours"),            # two real words are never joined ("encours" is one too)
    ("de\nmain", "de main"),
    ("informa\ntique", "informa tique"),  # "informa" and "tique" are words: no join without evidence
    ("la\nville", "la ville"),
    ("Mutualisa\nTion", "Mutualisa Tion"),  # a capital opens a new word
])
def test_hyphenation_decisions(broken, expected):
    assert clean_text(broken) == expected


def test_the_document_s_own_words_decide_first():
    words = document_words(["Permanences décentralisées à Buisseret", "Le Pôle Ville-CPAS de Mons"])
    assert {"buisseret", "ville-cpas", "permanences"} <= words
    assert clean_text("à Buis-\nseret", words) == "à Buisseret"  # a name no dictionary knows
    assert clean_text("à Buis-\nseret") == "à Buis-seret"
    assert clean_text("Projet extra-\nordinaire", document_words(["Un conseil extra-ordinaire"])) == \
        "Projet extra-ordinaire"
    assert clean_text("Projet extra-\nordinaire") == "Projet extraordinaire"
    assert clean_text("coordi-\nnation", document_words(["Cellule de coordination"]), NO_DICTIONARY) == "coordination"
    assert clean_text("coordi-\nnation", frozenset(), NO_DICTIONARY) == "coordi-nation"  # the author's text kept


def test_a_pair_broken_after_its_slash_is_rejoined_when_the_document_writes_it_so():
    words = document_words(["demandes d’accueil (structures Ville/CPAS)"])
    assert clean_text("site internet Ville/\nCPAS / Fb", words) == "site internet Ville/CPAS / Fb"
    assert clean_text("Service Technique CPAS/\nService Voierie", words) == "Service Technique CPAS/ Service Voierie"


def test_a_lone_letter_is_a_word_when_the_document_writes_it_alone():
    assert clean_text("Tâches pour la ville\na l’accueil") == "Tâches pour la ville a l’accueil"  # "villea"
    words = document_words(["Un agent e Ville"])
    assert clean_text("Commun\ne", words) == "Commun e"


def test_pieces_of_a_broken_word_are_no_evidence():
    """A piece at a line break ("tion") is not taken as a word the document writes."""
    words = document_words(["La mutualisa\ntion des moyens", "coordi-\nnation"])
    assert "tion" not in words and "coordi-" not in words and "coordi" not in words
    assert {"la", "des", "moyens"} <= words
    assert clean_text("La mutualisa\ntion des moyens", words) == "La mutualisation des moyens"


@pytest.mark.parametrize("path", [*SAMPLES.values(), *VARIANTS.values()], ids=[*SAMPLES, *VARIANTS])
def test_mons_cells_are_joined_as_before(path):
    """Reports not hyphenated (Word's and LibreOffice's default) keep every cell as the plain
    line join gives it: the dictionary changes nothing there."""
    settings = Settings()
    rows = assemble(list(read_document(Path(path), settings).fragments), settings).rows
    words = document_words(t for r in rows for t in r.cells.values())
    for row in rows:
        plain = {c: clean_text(row.cells.get(c, ""), frozenset(), NO_DICTIONARY) for c in CELL_COLUMNS}
        assert clean_row(row, words, settings.clean).cells == plain


def test_a_report_hyphenated_automatically_reads_as_written(reference):
    """The hyphenator's hyphens go, the authors' stay: what is left hyphenated and not in the
    reference is a word neither the dictionary nor the document knows whole (a place name)."""
    frame, _ = process_document(HYPHENATED, Settings())
    result = score(frame, reference)
    assert result.cell_accuracy >= 0.95, (result.summary(), result.mismatches[:5])
    written = {w for c in CELL_COLUMNS for text in reference[c] for w in HYPHENATED_WORD.findall(text)}
    read = {w for c in CELL_COLUMNS for text in frame[c] for w in HYPHENATED_WORD.findall(text)}
    assert written <= read  # "Bien-être", "Ville-CPAS", "celles-ci" keep their hyphen
    left = read - written
    known = french_dictionary(Settings().clean.dictionary)
    assert not any(known(w.replace("-", "")) for w in left), left
    plain, _ = process_document(HYPHENATED, replace(Settings(), clean=NO_DICTIONARY))
    assert score(plain, reference).cell_accuracy < result.cell_accuracy - 0.1


def test_the_vocabularies_words_are_known_whole():
    """"Délégative" is missing from the French dictionary but is a term of the vocabularies: a narrow
    column breaking it with no hyphen ("Délégativ⏎e") is re-joined; two vocabulary words stay two."""
    words = vocabulary_words()
    assert "délégative" in words and "c" not in words  # initials of "C.P.A.S." are no words
    assert clean_text("Délégativ\ne") == "Délégativ e"  # without the vocabularies: no evidence
    assert clean_text("Délégativ\ne", words) == "Délégative"
    assert clean_text("Ville et\nCPAS", words) == "Ville et CPAS"
