"""Issue 5: the DVC pipeline and the per-document cache give the same table as `synergies run`,
re-read only what changed, and do not depend on the number of worker processes."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from pipeline.cache import ExtractionCache, extraction_key
from pipeline.run import extract_documents
from pipeline.settings import Settings

from .conftest import ROOT, SAMPLES

BIN = Path(sys.executable).parent
SAMPLE_PDFS = sorted(SAMPLES.values())


def synergies(*args, cwd=ROOT):
    done = subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    return done


def variant_of(sample: Path, target: Path, title: str) -> Path:
    """The same report with other bytes (another metadata title): a new document for the cache."""
    writer = PdfWriter(clone_from=PdfReader(sample))
    writer.add_metadata({"/Title": title})
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """The project's files (no environment, no outputs) in a fresh git repository."""
    copy = tmp_path_factory.mktemp("copie") / "projet"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "interim", "output", "debug", "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info"))
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    return copy


def dvc_repro(cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(BIN / "dvc"), "repro"], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.skipif(not (BIN / "dvc").exists(), reason="dvc n'est pas installé (pip install -e '.[test]')")
def test_dvc_repro_matches_run_and_second_repro_does_nothing(project_copy, tmp_path):
    known = tmp_path / "registre.csv"  # both start from the project's registry
    shutil.copy(project_copy / "registre" / "synergies.csv", known)
    first = dvc_repro(project_copy)
    assert first.returncode == 0, first.stdout + first.stderr
    direct = synergies("run", "raw", "--out", tmp_path / "sortie", "--no-cache", "--registre", known, cwd=project_copy)
    assert direct.returncode in (0, 1), direct.stderr
    tmp_path = tmp_path / "sortie"
    for name in ("synergies.csv", "rejects.csv", "doublons.csv"):
        assert (project_copy / "output" / name).read_bytes() == (tmp_path / name).read_bytes(), name
    second = dvc_repro(project_copy)
    assert second.returncode == 0
    assert "Data and pipelines are up to date" in second.stdout + second.stderr
    assert "Running stage" not in second.stdout + second.stderr


def test_adding_a_document_reads_only_that_one(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, sample in enumerate(SAMPLE_PDFS):
        shutil.copy(sample, corpus / f"commune{i}_2020.pdf")
    cache = ExtractionCache(tmp_path / "cache")
    settings = Settings()
    extract_documents([corpus], settings, cache)
    before = {p.name: p.stat().st_mtime_ns for p in cache.folder.iterdir()}
    variant_of(SAMPLES["regle"], corpus / "nouvelle_2021.pdf", "Rapport synergies 2021")

    read = []
    extracted, _ = extract_documents([corpus], settings, cache, progress=read.append)
    after = {p.name: p.stat().st_mtime_ns for p in cache.folder.iterdir()}
    assert len(extracted) == len(SAMPLE_PDFS) + 1
    assert set(after) - set(before) != set() and len(after) == len(before) + 1
    assert all(after[name] == mtime for name, mtime in before.items()), "cached documents were rewritten"


def test_a_truncated_cache_entry_is_detected_and_rebuilt(tmp_path):
    cache = ExtractionCache(tmp_path / "cache")
    settings = Settings()
    first, _ = extract_documents([SAMPLES["regle"]], settings, cache)
    entry = next(cache.folder.iterdir())
    entry.write_bytes(entry.read_bytes()[:500])
    assert cache.get(first[0][0].sha256, extraction_key(settings)) is None
    again, rejects = extract_documents([SAMPLES["regle"]], settings, cache)
    assert rejects == [] and again[0][1] == first[0][1]
    assert cache.get(first[0][0].sha256, extraction_key(settings)) == first[0][1]


def test_results_do_not_depend_on_the_number_of_jobs(tmp_path):
    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        done = synergies("run", *SAMPLE_PDFS, "--out", out, "--jobs", jobs, "--no-cache")
        assert done.returncode == 0, done.stderr
        outputs[jobs] = {name: (out / name).read_bytes() for name in ("synergies.csv", "synergies.parquet")}
    assert outputs[1] == outputs[2]
