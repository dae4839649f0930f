"""Issue 14: making runs faster changes no output. `synergies run` on raw/ and on the Mons 2020
folder gives the files kept in tests/data/sorties_figees/, read anew or from the cache, one
worker process or two. Each run starts from an empty registry and no correction.

The text files are compared byte for byte. The workbook and the DuckDB file hold their creation
time, so their content is compared instead: every sheet's cells, every table's rows, digested.
Regenerate (only for a change meant to alter outputs, and say so in the commit):

    .venv/bin/python -m tests.test_sorties_figees
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MONS, RAW, ROOT

EXPECTED = ROOT / "tests" / "data" / "sorties_figees"
SETS = {"raw": RAW, "mons": MONS / "2020"}
TEXT_FILES = ("synergies.csv", "doublons.csv", "rejects.csv", "validation_report.csv", "validation_report.md",
              "corrections_en_attente.csv")
DIGESTS = "empreintes.json"
# The scanned Mons report is read by OCR: without Tesseract it would be a reject, not a duplicate.
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract n'est pas installé")


def run(inputs: Path, out: Path, *options: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(inputs.relative_to(ROOT)), "--out", str(out),
                           "--registre", str(out.parent / f"{out.name}_registre.csv"),
                           "--corrections", str(out.parent / "aucune_correction.csv"), *options],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr


def content_digests(out: Path) -> dict[str, str]:
    """sha256 of each binary output's content: the parquet file's bytes, the workbook's cells
    sheet by sheet, the DuckDB tables' rows."""
    import duckdb
    from openpyxl import load_workbook

    def digest(value) -> str:
        return hashlib.sha256(json.dumps(value, ensure_ascii=False, default=str).encode()).hexdigest()

    def number(value):  # a cell's number as Excel shows it: writers spell 2 as "2" or "2.0"
        return int(value) if isinstance(value, float) and value.is_integer() else value

    book = load_workbook(out / "synergies.xlsx")
    sheets = {s.title: [[number(v) for v in r] for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    with duckdb.connect(str(out / "synergies.duckdb"), read_only=True) as con:
        names = [n for (n,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        tables = {n: con.execute(f'SELECT * FROM "{n}"').fetchall() for n in names}
    return {"synergies.parquet": hashlib.sha256((out / "synergies.parquet").read_bytes()).hexdigest(),
            "synergies.xlsx": digest(sheets), "synergies.duckdb": digest(tables)}


def assert_same_outputs(name: str, out: Path) -> None:
    for file in TEXT_FILES:
        assert (out / file).read_bytes() == (EXPECTED / name / file).read_bytes(), f"{name} : {file} a changé"
    assert content_digests(out) == json.loads((EXPECTED / name / DIGESTS).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", [pytest.param("raw"), pytest.param("mons", marks=needs_tesseract)])
def test_outputs_unchanged_whatever_the_cache_and_workers(name, tmp_path):
    cache = tmp_path / "cache"
    run(SETS[name], tmp_path / "lu", "--no-cache", "--jobs", "1")
    assert_same_outputs(name, tmp_path / "lu")
    run(SETS[name], tmp_path / "froid", "--cache", str(cache), "--jobs", "2")  # fills the cache
    assert_same_outputs(name, tmp_path / "froid")
    run(SETS[name], tmp_path / "chaud", "--cache", str(cache), "--jobs", "1")  # everything from the cache
    assert_same_outputs(name, tmp_path / "chaud")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, inputs in SETS.items():
            out = Path(tmp) / name
            run(inputs, out, "--no-cache", "--jobs", "1")
            (EXPECTED / name).mkdir(parents=True, exist_ok=True)
            for file in TEXT_FILES:
                shutil.copy(out / file, EXPECTED / name / file)
            (EXPECTED / name / DIGESTS).write_text(json.dumps(content_digests(out), indent=1) + "\n", encoding="utf-8")
