"""synergies.duckdb: written by run, the contract's types, NULL for unknown, views that add up."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.diff import carry_ids
from pipeline.ids import synergy_id
from pipeline.run import Reject, label_table
from pipeline.settings import DiffSettings, Settings
from pipeline.stages import write_outputs

from .conftest import REFERENCE, ROOT, SAMPLES
from .test_cli import synergies
from .test_normalise import contract_frame

REFERENCE_2021 = ROOT / "tests" / "reference" / "mons_2021_reference.csv"


def year_table(reference: Path, annee: int) -> pd.DataFrame:
    """A reference report as `run` outputs it for one year."""
    frame = contract_frame(pd.read_csv(reference, dtype=str, keep_default_na=False))
    frame["annee"] = pd.array([annee] * len(frame), dtype="Int64")
    frame["fichier_source"] = f"raw/mons/{annee}/mons_{annee}.pdf"
    frame["id_synergie"] = [synergy_id("Mons", s) for s in frame["synergie"]]
    return label_table(frame, Settings())


@pytest.fixture(scope="module")
def two_years() -> pd.DataFrame:
    table = pd.concat([year_table(REFERENCE, 2020), year_table(REFERENCE_2021, 2021)], ignore_index=True)
    return carry_ids(table, DiffSettings())


@pytest.fixture(scope="module")
def database(two_years, tmp_path_factory) -> duckdb.DuckDBPyConnection:
    out = tmp_path_factory.mktemp("sortie")
    corrections = out / "corrections.csv"
    corrections.write_text(
        "commune,annee,empreinte_source,id_synergie,colonne,valeur_avant,valeur_apres,commentaire,date\n"
        "Mons,2020,abc,x1,pilote_norm,,cpas,vu avec le DG,2026-11-30\n", encoding="utf-8")
    write_outputs(two_years, [Reject("raw/x.pdf", "pas un PDF")], pd.DataFrame(), out, Settings(), corrections)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    return duckdb.connect(str(out / "synergies.duckdb"), read_only=True)


def test_tables_and_views(database):
    names = {row[0] for row in database.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert names == {"synergies", "rejets", "evolution", "corrections", "par_commune_annee", "stagnantes"}
    assert database.execute("SELECT fichier, raison FROM rejets").fetchall() == [("raw/x.pdf", "pas un PDF")]
    assert database.execute("SELECT annee, valeur_apres FROM corrections").fetchall() == [(2020, "cpas")]


def test_types_are_the_contract_s_and_unknown_is_null(database, two_years):
    types = dict(database.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_name = 'synergies'").fetchall())
    assert types["annee"] == "BIGINT" and types["avancement_pct"] == "BIGINT"
    assert types["a_verifier"] == "BOOLEAN" and types["objectifs_norm"] == "VARCHAR[]"
    assert types["domaine"] == "VARCHAR"
    unknown = int((two_years["statut_norm"] == "").sum())
    assert unknown > 0
    assert database.execute("SELECT count(*) FROM synergies WHERE statut_norm IS NULL").fetchone()[0] == unknown
    assert database.execute("SELECT count(*) FROM synergies WHERE statut_norm = ''").fetchone()[0] == 0
    moyens = two_years["objectifs_norm"].str.split("|").map(lambda v: "moyens" in v).sum()
    assert database.execute("SELECT count(*) FROM synergies WHERE list_contains(objectifs_norm, 'moyens')"
                        ).fetchone()[0] == moyens


def test_counts_by_commune_and_year_match_the_table(database, two_years):
    view = database.execute("SELECT * FROM par_commune_annee ORDER BY annee").df().set_index("annee")
    for annee, rows in two_years.groupby("annee"):
        assert view.loc[annee, "synergies"] == len(rows)
        assert view.loc[annee, "statut_realise"] == (rows["statut_norm"] == "realise").sum()
        assert view.loc[annee, "pilote_les_deux"] == (rows["pilote_norm"] == "les_deux").sum()
        assert view.loc[annee, "mode_inconnu"] == (rows["mode_norm"] == "").sum()
        assert view.loc[annee, "a_verifier"] == rows["a_verifier"].sum()


def test_stagnant_synergies_are_en_cours_both_years(database, two_years):
    en_cours = two_years[two_years["statut_norm"] == "en_cours"]
    both = en_cours.groupby("id_synergie")["annee"].nunique()
    expected = set(both[both >= 2].index)
    assert expected  # the sample has some
    assert {r[0] for r in database.execute("SELECT id_synergie FROM stagnantes").fetchall()} == expected


def test_evolution_table_is_the_year_over_year_diff(database):
    changes = dict(database.execute("SELECT changement, count(*) FROM evolution GROUP BY ALL").fetchall())
    expected = pd.read_csv(ROOT / "tests" / "reference" / "mons_2020_2021_diff_attendu.csv", dtype=str)
    assert changes == expected["changement"].value_counts().to_dict()


def test_run_writes_the_database_without_evolution_for_one_year(tmp_path):
    done = synergies("run", SAMPLES["regle"], "--out", tmp_path, "--no-cache", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(tmp_path / "synergies.duckdb"), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "evolution" not in names and "corrections" not in names
        assert con.execute("SELECT count(*) FROM synergies").fetchone()[0] == 35
