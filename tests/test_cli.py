"""The command line on good and bad documents: one line per rejected file, the others processed."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader, PdfWriter

from .conftest import MONS, ROOT, SAMPLES


def synergies(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory) -> Path:
    """A folder mixing one good report with each kind of bad input."""
    folder = tmp_path_factory.mktemp("entrees")
    shutil.copy(SAMPLES["regle"], folder / "mons_2020.pdf")
    (folder / "vide.pdf").write_bytes(b"")
    (folder / "texte.pdf").write_text("Ceci n'est pas un PDF.\n", encoding="utf-8")
    data = SAMPLES["regle"].read_bytes()
    (folder / "tronque.pdf").write_bytes(data[: len(data) // 3])
    writer = PdfWriter(clone_from=PdfReader(SAMPLES["regle"]))
    writer.encrypt(user_password="secret", owner_password="secret")
    with open(folder / "protege.pdf", "wb") as fh:
        writer.write(fh)
    shutil.copy(ROOT / "tests" / "data" / "sans_tableau.pdf", folder / "sans_tableau.pdf")
    return folder


@pytest.fixture(scope="module")
def bad_run(bad_inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("sortie")
    return synergies("run", bad_inputs, "--out", out), out


def test_each_bad_document_is_rejected_with_its_reason(bad_run):
    done, out = bad_run
    rejects = pd.read_csv(out / "rejects.csv", dtype=str).set_index("fichier")["raison"]
    reasons = {Path(name).name: reason for name, reason in rejects.items()}
    assert set(reasons) == {"vide.pdf", "texte.pdf", "tronque.pdf", "protege.pdf", "sans_tableau.pdf"}
    assert "vide" in reasons["vide.pdf"]
    assert "pas un PDF" in reasons["texte.pdf"]
    assert "tronqué" in reasons["tronque.pdf"]
    assert "mot de passe" in reasons["protege.pdf"]
    assert "aucun tableau" in reasons["sans_tableau.pdf"]


def test_bad_documents_do_not_stop_the_good_one(bad_run):
    done, out = bad_run
    assert done.returncode == 1
    table = pd.read_csv(out / "synergies.csv")
    assert len(table) == 35 and set(table["fichier_source"].map(lambda p: Path(p).name)) == {"mons_2020.pdf"}
    assert (out / "synergies.parquet").exists()


def test_rejections_are_one_plain_line_each_without_traceback(bad_run):
    done, _ = bad_run
    assert "Traceback" not in done.stderr
    rejected = [line for line in done.stderr.splitlines() if line.startswith("REJETÉ")]
    assert len(rejected) == 5
    assert all(" : " in line for line in rejected)


def test_the_corpus_in_raw_gives_a_summary_per_document_and_its_duplicates(tmp_path):
    """The README's first command: every file of raw/ is either summarised or a listed duplicate."""
    done = synergies("run", "raw", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "raw").rglob("*") if p.is_file())
    summarised = [f for f in files if any(line.startswith(f + " : ") for line in done.stderr.splitlines())]
    doublons = pd.read_csv(tmp_path / "doublons.csv", dtype=str, keep_default_na=False)
    assert sorted(summarised + doublons["fichier"].tolist()) == files
    assert len(doublons) >= 2 and set(doublons["fichier_garde"]) <= set(summarised)
    parquet = pd.read_parquet(tmp_path / "synergies.parquet")
    csv = pd.read_csv(tmp_path / "synergies.csv", dtype=str, keep_default_na=False)
    assert set(csv["fichier_source"]) == set(summarised)
    assert csv["commune"].nunique() >= 3 and csv["annee"].nunique() >= 3
    assert parquet["synergie"].fillna("").tolist() == csv["synergie"].tolist()  # empty cells are nulls there


def test_usage_error_exits_two():
    done = synergies("run", "raw", "--sortie", "x")  # an unknown option
    assert done.returncode == 2


def test_debug_draws_the_detection_of_a_page(tmp_path):
    from PIL import Image

    target = tmp_path / "page7.png"
    done = synergies("debug", SAMPLES["sans_filets"], "--page", "7", "--out", target)
    assert done.returncode == 0, done.stderr
    assert "1 suite(s) fusionnée(s)" in done.stderr and "1 en-tête(s) ignorée(s)" in done.stderr
    image = Image.open(target).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 24)}
    assert (200, 0, 200) in colours and (230, 120, 0) in colours  # merge and dropped header drawn


def test_diff_of_two_runs_writes_the_changes_and_their_reports(tmp_path):
    old, new = tmp_path / "2020", tmp_path / "2021"
    assert synergies("run", SAMPLES["regle"], "--out", old, "--no-cache").returncode == 0
    assert synergies("run", MONS / "2021", "--out", new, "--no-cache").returncode == 0
    done = synergies("diff", old, new / "synergies.csv", "--out", tmp_path / "evolution.csv")
    assert done.returncode == 0, done.stderr
    changes = pd.read_csv(tmp_path / "evolution.csv", dtype=str, keep_default_na=False)
    assert set(changes["changement"]) == {"ajoutee", "supprimee", "modifiee", "inchangee"}
    html = (tmp_path / "evolution.html").read_text(encoding="utf-8")
    assert "<ins>" in html and "Voirie" in (tmp_path / "evolution.md").read_text(encoding="utf-8")


def test_a_run_over_several_years_keeps_a_reworded_synergy_s_id(tmp_path):
    done = synergies("run", SAMPLES["regle"], MONS / "2021", "--out", tmp_path, "--no-cache")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "synergies.csv", dtype=str, keep_default_na=False)
    voirie = table[table["synergie"].str.contains("Service Voi")].set_index("annee")
    assert voirie.loc["2020", "synergie"] != voirie.loc["2021", "synergie"]  # "Voierie" corrected
    assert voirie.loc["2020", "id_synergie"] == voirie.loc["2021", "id_synergie"]


def test_diff_of_something_else_is_a_one_line_usage_error(tmp_path):
    done = synergies("diff", ROOT / "pyproject.toml", ROOT / "raw", "--out", tmp_path / "x.csv")
    assert done.returncode == 2
    assert "n'est pas une sortie de `synergies run`" in done.stderr and "Traceback" not in done.stderr


def test_python_m_pipeline_works_from_a_python_without_the_libraries():
    """`python -m pipeline` run by the machine's own Python in the project folder (the contract's
    second spelling of the command) hands over to the project's .venv instead of failing on an
    import."""
    base = Path(sys.base_prefix) / "bin" / "python3"
    done = subprocess.run([str(base), "-m", "pipeline", "--version"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("synergies "), done.stdout
