"""One report per commune and year: copies and other formats of a report are counted once."""

import shutil
from dataclasses import replace
import subprocess
import sys

import pandas as pd
import pytest

from pipeline.cache import ExtractionCache
from pipeline.duplicates import SCAN_RANK, Document, one_report_each
from pipeline.run import document_frame, extract_documents, synergy_rows
from pipeline.settings import DuplicateSettings, Settings

from .conftest import MONS, ROOT, SAMPLES


def synergies(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def read_csv(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_the_mons_pdf_and_docx_pair_gives_one_report(tmp_path):
    docx = MONS / "2020" / "mons_2020.docx"
    done = synergies("run", SAMPLES["regle"], docx, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    table = read_csv(tmp_path / "synergies.csv")
    assert len(table) == 35
    assert set(table["fichier_source"]) == {docx.relative_to(ROOT).as_posix()}  # the DOCX's own structure wins
    doublons = read_csv(tmp_path / "doublons.csv")
    assert doublons[["fichier", "fichier_garde"]].values.tolist() == [
        [SAMPLES["regle"].relative_to(ROOT).as_posix(), docx.relative_to(ROOT).as_posix()]]
    assert "même rapport" in doublons["raison"].iat[0]
    assert any(line.startswith("DOUBLON ") for line in done.stderr.splitlines())


def test_a_report_downloaded_twice_is_counted_once(tmp_path):
    folder = tmp_path / "mons" / "2020"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES["regle"], folder / "mons_2020.pdf")
    shutil.copy(SAMPLES["regle"], folder / "mons_2020 (1).pdf")
    out = tmp_path / "sortie"
    assert synergies("run", tmp_path / "mons", "--out", out).returncode == 0
    assert len(read_csv(out / "synergies.csv")) == 35
    doublons = read_csv(out / "doublons.csv")
    assert [name_of(p) for p in doublons["fichier"]] == ["mons_2020 (1).pdf"]
    assert [name_of(p) for p in doublons["fichier_garde"]] == ["mons_2020.pdf"]
    assert doublons["raison"].tolist() == ["copie identique (mêmes octets)"]


def name_of(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def test_two_different_reports_of_one_year_are_both_kept_flagged_and_named(tmp_path):
    folder = tmp_path / "mons" / "2020"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES["regle"], folder / "mons_2020.pdf")
    shutil.copy(MONS / "2021" / "mons_2021_regle.pdf", folder / "mons_2020_version_corrigee.pdf")  # a year of edits
    out = tmp_path / "sortie"
    done = synergies("run", tmp_path / "mons", "--out", out)
    assert done.returncode == 0, done.stderr
    table = read_csv(out / "synergies.csv")
    assert len(table) == 35 + 36 and len(read_csv(out / "doublons.csv")) == 0
    assert (table["a_verifier"] == "True").all()
    assert table["motifs_verification"].str.contains("autre rapport pour la même commune et la même année").all()
    warning = [line for line in done.stderr.splitlines() if line.startswith("ATTENTION")]
    assert len(warning) == 1 and "mons_2020.pdf" in warning[0] and "mons_2020_version_corrigee.pdf" in warning[0]


@pytest.fixture(scope="module")
def mons_2020_documents():
    """The Mons 2020 report in each of its formats, as the duplicate finder sees them."""
    settings = Settings()
    extracted, rejects = extract_documents([MONS / "2020"], settings, ExtractionCache(ROOT / "interim" / "cache"))
    assert not rejects
    return [Document.of(source.shown, source.sha256, "Mons", 2020,
                        document_frame(synergy_rows(extraction, settings), source, "Mons", 2020), bool(extraction.scans))
            for source, extraction in extracted]


def test_the_most_reliable_reading_is_kept(mons_2020_documents):
    ranks = {name_of(d.fichier): d.rank for d in mons_2020_documents}
    assert ranks == {"mons_2020.docx": 0, "mons_2020.odt": 0, "mons_2020_balise.pdf": 0, "mons_2020_regle.pdf": 1,
                     "mons_2020_sans_filets.pdf": 1, "mons_2020_scan.pdf": SCAN_RANK}
    for scan_first in (mons_2020_documents[::-1], mons_2020_documents):
        kept, duplicates, conflicts = one_report_each(scan_first, DuplicateSettings())
        assert [name_of(d.fichier) for d in kept] == ["mons_2020.docx"]
        assert len(duplicates) == 5 and not conflicts
    pdfs = [d for d in mons_2020_documents if d.fichier.endswith(".pdf") and d.rank]
    kept, _, _ = one_report_each(pdfs, DuplicateSettings())
    assert [name_of(d.fichier) for d in kept] == ["mons_2020_regle.pdf"]  # text PDF before the scan


def test_the_same_report_in_another_year_or_commune_is_not_a_duplicate(mons_2020_documents):
    docx = next(d for d in mons_2020_documents if d.fichier.endswith(".docx"))
    pdf = next(d for d in mons_2020_documents if d.fichier.endswith("regle.pdf"))
    later = replace(pdf, sha256=pdf.sha256 + "x", annee=2021, scanned=False)
    elsewhere = replace(pdf, sha256=pdf.sha256 + "y", commune="Namur", scanned=False)
    kept, duplicates, _ = one_report_each([docx, later, elsewhere], DuplicateSettings())
    assert len(kept) == 3 and not duplicates
