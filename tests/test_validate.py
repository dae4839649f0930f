"""validate: the contract schema accepts a good table and rejects, row by row, each kind of bad one."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
import yaml

from pipeline.model import CELL_COLUMNS, LABEL_COLUMNS, OUTPUT_COLUMNS
from pipeline.normalise import normalise
from pipeline.run import typed
from pipeline.settings import NormaliseSettings
from pipeline.validate import FAILURE_COLUMNS, report_markdown, validate
from schemas.contract import SynergiesContract

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests/reference/mons_synergies_reference.csv"
VOCABULARY = yaml.safe_load((ROOT / "schemas/vocabulaires.yaml").read_text(encoding="utf-8"))
SOURCE = "raw/mons/2020/mons_2020.pdf"


def good_frame() -> pd.DataFrame:
    """The reference rows as the run produces them, normalised: a table that honours the contract."""
    ref = pd.read_csv(REFERENCE, dtype=str, keep_default_na=False)
    records = []
    for number, row in enumerate(ref.to_dict("records"), start=1):
        page = int(row["page_source"])
        records.append({
            **dict.fromkeys(OUTPUT_COLUMNS, ""),
            "commune": "Mons", "annee": 2020, "fichier_source": SOURCE, "empreinte_source": "ab" * 32,
            "page_debut": page, "page_fin": page, "ligne": number, "id_synergie": f"{number:012x}",
            **{c: row[c] for c in CELL_COLUMNS}, **dict.fromkeys(LABEL_COLUMNS, ""),
            "avancement_pct": None, "a_verifier": False, "motifs_verification": "",
        })
    frame = typed(pd.DataFrame.from_records(records, columns=list(OUTPUT_COLUMNS)))
    return normalise(frame, NormaliseSettings())


@pytest.fixture(scope="module")
def good() -> pd.DataFrame:
    return good_frame()


def test_a_good_table_passes_unchanged(good):
    checked, failures = validate(good)
    assert failures.empty
    assert list(failures.columns) == list(FAILURE_COLUMNS)
    pd.testing.assert_frame_equal(checked, good)


@pytest.mark.parametrize("column", ["mode_norm", "pilote_norm", "responsable_norm", "statut_norm", "objectifs_norm"])
def test_every_canonical_value_is_allowed(good, column):
    """The allowed values are the vocabulary file's: none is forgotten by the schema."""
    for value in VOCABULARY["colonnes"][column]["valeurs"]:
        frame = good.copy()
        frame[column] = value
        assert validate(frame)[1].empty, (column, value)


def test_several_objectives_in_order_are_allowed(good):
    frame = good.copy()
    frame["objectifs_norm"] = "|".join(VOCABULARY["colonnes"]["objectifs_norm"]["valeurs"])
    assert validate(frame)[1].empty


def _set(column, value):
    def change(frame: pd.DataFrame) -> None:
        frame.loc[3, column] = value
    return change


def _duplicate_line(frame: pd.DataFrame) -> None:
    frame.loc[3, "ligne"] = frame.loc[2, "ligne"]


def _flag_without_reason(frame: pd.DataFrame) -> None:
    frame.loc[3, ["a_verifier", "motifs_verification"]] = [True, ""]


def _reason_without_flag(frame: pd.DataFrame) -> None:
    frame.loc[3, ["a_verifier", "motifs_verification"]] = [False, "pilote non reconnu : « X »"]


def _pages_reversed(frame: pd.DataFrame) -> None:
    frame.loc[3, ["page_debut", "page_fin"]] = [5, 4]


# (what is wrong, how to make row 4 (position 3) wrong, column reported, check reported)
BAD_ROWS = [
    ("unknown mode", _set("mode_norm", "mutualisation"), "mode_norm", "valeur hors vocabulaire"),
    ("unknown pilot", _set("pilote_norm", "Ville"), "pilote_norm", "valeur hors vocabulaire"),
    ("unknown responsible", _set("responsable_norm", "dg"), "responsable_norm", "valeur hors vocabulaire"),
    ("unknown status", _set("statut_norm", "termine"), "statut_norm", "valeur hors vocabulaire"),
    ("unknown objective", _set("objectifs_norm", "moyens|economies"), "objectifs_norm",
     "objectifs hors vocabulaire ou dans le désordre"),
    ("objectives out of order", _set("objectifs_norm", "moyens|satisfaction_citoyen"), "objectifs_norm",
     "objectifs hors vocabulaire ou dans le désordre"),
    ("objective repeated", _set("objectifs_norm", "moyens|moyens"), "objectifs_norm",
     "objectifs hors vocabulaire ou dans le désordre"),
    ("progress above 100", _set("avancement_pct", 101), "avancement_pct", "hors de 0–100"),
    ("progress below 0", _set("avancement_pct", -1), "avancement_pct", "hors de 0–100"),
    ("pages reversed", _pages_reversed, "page_debut, page_fin", "page de début après la page de fin"),
    ("page zero", _set("page_fin", 0), "page_fin", "inférieur à 1"),
    ("line zero", _set("ligne", 0), "ligne", "inférieur à 1"),
    ("line twice in a file", _duplicate_line, "fichier_source, ligne", "ligne en double dans le fichier"),
    ("empty synergy", _set("synergie", ""), "synergie", "synergie vide"),
    ("blank synergy", _set("synergie", "   "), "synergie", "synergie vide"),
    ("flag without reason", _flag_without_reason, "a_verifier, motifs_verification",
     "a_verifier incohérent avec ses motifs"),
    ("reason without flag", _reason_without_flag, "a_verifier, motifs_verification",
     "a_verifier incohérent avec ses motifs"),
    ("bad hash", _set("empreinte_source", "not-a-sha256"), "empreinte_source", "format invalide"),
    ("no source file", _set("fichier_source", ""), "fichier_source", "texte vide"),
    ("no id", _set("id_synergie", ""), "id_synergie", "texte vide"),
]


@pytest.mark.parametrize("name, spoil, column, check", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_schema_rejects_bad_row(good, name, spoil, column, check):
    frame = good.copy()
    spoil(frame)
    with pytest.raises(pa.errors.SchemaErrors):
        SynergiesContract.validate(frame, lazy=True)

    checked, failures = validate(frame)
    # Reported with the row's file, page and line.
    hit = failures[(failures["colonne"] == column) & (failures["controle"] == check)]
    assert len(hit) >= 1, failures
    row = frame.iloc[3]
    assert (hit["fichier_source"] == row["fichier_source"]).any()
    assert (hit["ligne"] == row["ligne"]).any()
    assert (hit["page_debut"] == row["page_debut"]).any()
    # Kept and flagged, never dropped; the other rows untouched.
    assert len(checked) == len(frame)
    assert checked.loc[3, "a_verifier"]
    assert f"contrôle échoué : {check} ({column})" in checked.loc[3, "motifs_verification"].split("|")
    others = [i for i in range(len(frame)) if i != 3 and not (name == "line twice in a file" and i == 2)]
    pd.testing.assert_frame_equal(checked.iloc[others], frame.iloc[others])
    # Flagging makes the row consistent again: a_verifier follows the motifs.
    assert (checked["a_verifier"] == (checked["motifs_verification"] != "")).all()


def test_both_duplicate_rows_are_flagged(good):
    frame = good.copy()
    _duplicate_line(frame)
    checked, failures = validate(frame)
    assert checked.loc[[2, 3], "a_verifier"].all()
    assert len(failures) == 2  # one line per row, not one per column of the key


def test_earlier_motifs_are_kept_when_flagging(good):
    frame = good.copy()
    frame.loc[0, "mode_norm"] = "bidon"
    before = frame.loc[0, "motifs_verification"]
    assert before  # the reference row 1 already has the normaliser's doubt
    checked, _ = validate(frame)
    assert checked.loc[0, "motifs_verification"].startswith(before + "|contrôle échoué")


@pytest.mark.parametrize("spoil, column, check", [
    (lambda f: f.__setitem__("annee", f["annee"].astype("float64")), "annee", "type attendu : Int64"),
    (lambda f: f.__setitem__("a_verifier", f["a_verifier"].astype(object)), "a_verifier", "type attendu : bool"),
])
def test_wrong_column_type_is_reported_without_a_row(good, spoil, column, check):
    frame = good.copy()
    spoil(frame)
    checked, failures = validate(frame)
    hit = failures[(failures["colonne"] == column) & (failures["controle"] == check)]
    assert len(hit) == 1 and pd.isna(hit["ligne"].iloc[0])
    assert len(checked) == len(frame)


def test_missing_column_is_reported(good):
    checked, failures = validate(good.drop(columns=["statut_norm"]))
    assert ((failures["colonne"] == "statut_norm") & (failures["controle"] == "colonne manquante")).any()
    assert len(checked) == len(good)


def test_extra_columns_are_allowed(good):
    frame = good.assign(note_interne="x")
    assert validate(frame)[1].empty


def test_index_is_kept(good):
    frame = good.copy()
    frame.index = range(100, 100 + len(frame))
    frame.loc[103, "statut_norm"] = "fini"
    checked, failures = validate(frame)
    assert list(checked.index) == list(frame.index)
    assert checked.loc[103, "a_verifier"] and len(failures) == 1


def test_report_lists_every_failure_with_file_page_and_row(good):
    frame = good.copy()
    frame.loc[3, "statut_norm"] = "fini|x"
    frame.loc[7, "avancement_pct"] = 250
    _, failures = validate(frame)
    report = report_markdown(failures)
    assert report.startswith("# Rapport de validation")
    assert "2 contrôle(s) échoué(s), sur 2 ligne(s)" in report
    body = [line for line in report.splitlines() if line.startswith(f"| {SOURCE} |")]
    assert len(body) == len(failures) == 2
    page4, line4 = frame.loc[3, "page_debut"], frame.loc[3, "ligne"]
    assert f"| {SOURCE} | {page4} | {line4} | statut_norm | valeur hors vocabulaire | fini/x |" in body
    assert any("| avancement_pct | hors de 0–100 | 250 |" in line for line in body)


def test_report_of_a_clean_run(good):
    _, failures = validate(good)
    report = report_markdown(failures)
    assert "aucune ligne à signaler" in report
    assert "|" not in report
