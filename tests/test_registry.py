"""Ids that hold across runs: the registry of known synergies, matched and extended by every run."""

import subprocess
import sys

import pandas as pd
import pytest

from pipeline import registry
from pipeline.settings import DiffSettings

from .conftest import MONS, ROOT, SAMPLES

EXPECTED_PAIRS = ROOT / "tests" / "reference" / "mons_2020_2021_diff_attendu.csv"


def synergies(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def read_csv(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def yearly_runs(tmp_path_factory):
    """Mons 2020 run alone, then Mons 2021 alone, with one registry; and both years in one run."""
    base = tmp_path_factory.mktemp("registre")
    known = base / "registre" / "synergies.csv"
    runs = {}
    for name, inputs in (("2020", [SAMPLES["regle"]]), ("2021", [MONS / "2021"])):
        done = synergies("run", *inputs, "--out", base / name, "--registre", known)
        assert done.returncode == 0, done.stderr
        runs[name] = read_csv(base / name / "synergies.csv")
        runs[f"registre_{name}"] = read_csv(known)
    done = synergies("run", SAMPLES["regle"], MONS / "2021", "--out", base / "ensemble", "--registre", base / "r2.csv")
    assert done.returncode == 0, done.stderr
    runs["ensemble"] = read_csv(base / "ensemble" / "synergies.csv")
    return runs


def test_separate_yearly_runs_give_every_matched_synergy_its_2020_id(yearly_runs):
    old, new = yearly_runs["2020"], yearly_runs["2021"]
    pairs = read_csv(EXPECTED_PAIRS)
    pairs = pairs[pairs["changement"].isin(["inchangee", "modifiee"])]
    assert len(pairs) == 33 and (pairs["synergie_avant"] != pairs["synergie_apres"]).sum() >= 3  # renamed ones
    old_ids = old.set_index(old["ligne"])["id_synergie"]
    new_ids = new.set_index(new["ligne"])["id_synergie"]
    for before, after in zip(pairs["ligne_avant"], pairs["ligne_apres"]):
        assert new_ids[after] == old_ids[before], (before, after)
    added = read_csv(EXPECTED_PAIRS).query("changement == 'ajoutee'")["ligne_apres"]
    assert not set(new_ids[added]) & set(old_ids)


def test_separate_runs_give_the_ids_of_one_run_over_both_years(yearly_runs):
    together = yearly_runs["ensemble"]
    for year in ("2020", "2021"):
        assert together[together["annee"] == year]["id_synergie"].tolist() == yearly_runs[year]["id_synergie"].tolist()


def test_the_registry_never_loses_an_id_and_records_names_and_years(yearly_runs, tmp_path):
    first, second = yearly_runs["registre_2020"], yearly_runs["registre_2021"]
    assert set(first["id_synergie"]) <= set(second["id_synergie"])
    assert len(second) == 35 + 3  # the 2020 synergies (two dropped in 2021 kept) and the three new ones
    voirie = second[second["noms"].str.contains("Voierie")]
    assert len(voirie) == 1 and "Service Voirie" in voirie["noms"].iat[0] and voirie["annees"].iat[0] == "2020 2021"
    dropped = second[second["annees"] == "2020"]
    assert len(dropped) == 2
    known = tmp_path / "synergies.csv"
    yearly_runs["registre_2021"].to_csv(known, index=False)
    again = synergies("run", SAMPLES["regle"], "--out", tmp_path / "sortie", "--registre", known)
    assert again.returncode == 0, again.stderr
    assert read_csv(tmp_path / "sortie" / "synergies.csv")["id_synergie"].tolist() == yearly_runs["2020"]["id_synergie"].tolist()
    assert len(read_csv(known)) == len(second)


def test_an_uncertain_match_keeps_the_id_and_is_flagged(yearly_runs, tmp_path):
    # On the Mons samples the loosest match ("GRH Mises à disposition de personnel", whose cells
    # changed) scores 87: with `certain` at 90 it is the one flagged, the others are not.
    known = tmp_path / "synergies.csv"
    yearly_runs["registre_2020"].to_csv(known, index=False)
    (tmp_path / "params.yaml").write_text("diff:\n  certain: 90.0\n", encoding="utf-8")
    done = synergies("run", MONS / "2021", "--out", tmp_path / "sortie", "--registre", known,
                     "--params", tmp_path / "params.yaml")
    assert done.returncode == 0, done.stderr
    table = read_csv(tmp_path / "sortie" / "synergies.csv")
    flagged = table[table["motifs_verification"].str.contains("identifiant repris de")]
    assert flagged["synergie"].tolist() == ["GRH Mises à disposition de personnel"]
    assert (flagged["a_verifier"] == "True").all()
    assert table["id_synergie"].tolist() == yearly_runs["2021"]["id_synergie"].tolist()  # the id is still given
    assert not yearly_runs["2021"]["motifs_verification"].str.contains("identifiant repris de").any()


def test_assign_ids_starts_a_registry_and_flags_below_the_certain_score(yearly_runs):
    old = yearly_runs["2020"].assign(annee=2020)
    table, known = registry.assign_ids(old, registry.empty(), DiffSettings())
    assert table["id_synergie"].tolist() == old["id_synergie"].tolist()
    assert list(known.columns) == list(registry.COLUMNS) and len(known) == 35
    reworded = old.iloc[[0]].assign(annee=2021, synergie="Service communication et relations publiques")
    strict = DiffSettings(certain=100.0)
    again, _ = registry.assign_ids(reworded, known, strict)
    assert again["id_synergie"].iat[0] == old["id_synergie"].iat[0]
    assert "identifiant repris de « Service communication »" in again["motifs_verification"].iat[0]


def test_a_damaged_registry_is_one_line_and_exit_two(tmp_path):
    bad = tmp_path / "registre.csv"
    bad.write_text("nom,autre\nx,y\n", encoding="utf-8")
    done = synergies("run", SAMPLES["regle"], "--out", tmp_path / "sortie", "--registre", bad)
    assert done.returncode == 2 and "n'est pas un registre de synergies" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "sortie").exists()
