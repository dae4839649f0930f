"""domaine: the Mons report labelled by hand, the taxonomy's own examples, unclear rows flagged."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.domaine import assign_domaines, choisir, domaines
from pipeline.run import process_document
from pipeline.settings import DomaineSettings, NormaliseSettings, Settings
from pipeline.validate import validate
from pipeline.vocabulary import load

from .conftest import ROOT, SAMPLES
from .test_normalise import contract_frame

HAND_LABELS = ROOT / "tests" / "reference" / "mons_domaines.csv"
REQUIRED_AGREEMENT = 0.90


@pytest.fixture(scope="module")
def hand_labels() -> pd.DataFrame:
    return pd.read_csv(HAND_LABELS, dtype=str, keep_default_na=False)


def agreement(got: pd.Series, want: pd.Series) -> float:
    return float((got.reset_index(drop=True) == want.reset_index(drop=True)).mean())


def test_hand_labels_cover_the_reference_row_for_row(reference, hand_labels):
    assert list(hand_labels["synergie"]) == list(reference["synergie"])
    assert set(hand_labels["domaine"]) - {""} <= set(domaines())


def test_mons_report_agrees_with_the_hand_labels_through_the_whole_pipeline(hand_labels):
    table, _ = process_document(SAMPLES["regle"], Settings())
    assert list(table["synergie"]) == list(hand_labels["synergie"])
    assert agreement(table["domaine"], hand_labels["domaine"]) >= REQUIRED_AGREEMENT


def test_a_disagreement_is_never_a_wrong_domain_where_the_hand_label_is_clear(reference, hand_labels):
    """Where a person saw a clear domain, the code gives that domain or none (flagged), never another."""
    out = assign_domaines(contract_frame(reference), DomaineSettings(), NormaliseSettings())
    clear = hand_labels["domaine"] != ""
    got, want = out["domaine"][clear.values], hand_labels["domaine"][clear]
    wrong = [(g, w) for g, w in zip(got, want) if g and g != w]
    assert wrong == []
    assert out.loc[out["domaine"] == "", "a_verifier"].all()


def test_every_example_of_the_taxonomy_gets_its_own_domain():
    for domaine, spec in load("domaines.yaml")["domaines"].items():
        for example in spec["exemples"]:
            assert choisir(example).domaine == domaine, example


@pytest.mark.parametrize("name, objective, expected", [
    ("Servise informatiqe commun", "", "informatique"),              # typos in long words
    ("GRH SIPP commun Ville CPAS", "Moyens", "prevention_bien_etre"),  # the precise domain, not a rivalry
    ("Crèches", "Accueil de la petite enfance", "enfance"),
    ("Taxi social pour les aînés", "", ""),                          # mobility, social, elderly: unclear
])
def test_domain_from_name_and_objective(name, objective, expected):
    assert choisir(name, objective).domaine == expected


def test_no_domain_or_two_rivals_leave_it_empty_and_flagged(reference):
    frame = contract_frame(pd.DataFrame([
        {"synergie": "Gestion des associations", "objectif": "Moyens"},
        {"synergie": "GRH Cellule informatique commune", "objectif": "Moyens"},
        {"synergie": "Archives", "objectif": "Moyens"},
    ]))
    out = assign_domaines(frame, DomaineSettings(), NormaliseSettings())
    assert list(out["domaine"]) == ["", "", "archives"]
    assert out["motifs_verification"][0] == "domaine non reconnu"
    assert "plusieurs domaines possibles (ressources humaines, informatique)" in out["motifs_verification"][1]
    assert list(out["a_verifier"]) == [True, True, False]
    # Assigning twice notes each reason once.
    assert assign_domaines(out, DomaineSettings(), NormaliseSettings()).equals(out)


def test_weights_come_from_the_settings():
    """With the achievement ignored, its keywords no longer tip a tie."""
    name, objective = "Egalité des chances Cellule Communication", "Moyens"
    achievement = "Impression des brochures, insertion d'articles dans le journal"
    assert choisir(name, objective, achievement).domaine == "communication"
    assert choisir(name, objective, achievement, DomaineSettings(weight_realisation=0)).domaine == ""


def test_the_contract_accepts_only_the_taxonomy_s_domains(reference):
    frame = assign_domaines(contract_frame(reference.head(3)), DomaineSettings(), NormaliseSettings())
    frame.loc[0, "domaine"] = "sport"
    _, failures = validate(frame)
    assert "domaine" in set(failures["colonne"])
