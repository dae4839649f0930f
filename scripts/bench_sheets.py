"""Time and memory of reading hostile workbooks, each read by `synergies run` in its own process.

Run from the repository root:

    .venv/bin/python scripts/bench_sheets.py

Builds, from the committed Mons workbook (tests/data/tableurs/), workbooks a careless or hostile
sender could send: a sheet of 100,000 formatted empty rows (beside the synergy sheet, or the
synergy sheet itself), the same 100,000 rows in an .ods written out one by one or repeated as
Calc writes them, a zip bomb (60 MB of blanks zipped to 60 kB) as .xlsx and .ods. Prints, per
file, the time of the run (imports apart), the peak memory of its process, the rows found or the
reason of the rejection
(BENCHMARKS.md, section "Classeurs hostiles"). tests/test_sheets.py builds its cases with the same
functions.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLEURS = ROOT / "tests" / "data" / "tableurs"


def with_member(source: Path, target: Path, name: str, data: bytes) -> None:
    """A copy of an archive with one member replaced (or added)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != name:
                new.writestr(info, old.read(info.filename))
        new.writestr(name, data)


def formatted_empty_rows(count: int) -> bytes:
    """An .xlsx sheet part whose only content is `count` formatted empty rows of six cells."""
    rows = "".join(f'<row r="{r}" s="1" customFormat="1">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in "ABCDEF")
                   + "</row>" for r in range(1, count + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>').encode()


def ods_with_empty_rows(target: Path, count: int, repeated: bool) -> None:
    """The Mons .ods with `count` formatted empty rows under its synergy table."""
    with zipfile.ZipFile(TABLEURS / "mons_2020.ods") as archive:
        content = archive.read("content.xml").decode()
    cell = '<table:table-cell table:style-name="ce1" table:number-columns-repeated="7"/>'
    rows = (f'<table:table-row table:number-rows-repeated="{count}">{cell}</table:table-row>' if repeated
            else f"<table:table-row>{cell}</table:table-row>" * count)
    end = content.index("</table:table>", content.index('table:name="Synergies 2020"'))
    with_member(TABLEURS / "mons_2020.ods", target, "content.xml", (content[:end] + rows + content[end:]).encode())


def build(folder: Path) -> list[Path]:
    xlsx, ods = TABLEURS / "mons_2020.xlsx", TABLEURS / "mons_2020.ods"
    cases = {
        "feuille_budget_100000_lignes_vides.xlsx": lambda p: with_member(xlsx, p, "xl/worksheets/sheet1.xml",
                                                                         formatted_empty_rows(100_000)),
        "feuille_synergies_100000_lignes_vides.xlsx": lambda p: with_member(xlsx, p, "xl/worksheets/sheet2.xml",
                                                                            formatted_empty_rows(100_000)),
        "100000_lignes_vides_repetees.ods": lambda p: ods_with_empty_rows(p, 100_000, repeated=True),
        "100000_lignes_vides_une_a_une.ods": lambda p: ods_with_empty_rows(p, 100_000, repeated=False),
        "bombe.xlsx": lambda p: with_member(xlsx, p, "xl/worksheets/sheet2.xml", b" " * 60_000_000),
        "bombe.ods": lambda p: with_member(ods, p, "content.xml", b" " * 60_000_000),
        "reference_mons_2020.xlsx": lambda p: p.write_bytes(xlsx.read_bytes()),
    }
    paths = []
    for name, make in cases.items():
        make(folder / name)
        paths.append(folder / name)
    return paths


# One workbook through `pipeline.run.run` (read, assemble, normalise, validate) in a fresh process:
# its time without the imports, and the process's peak memory.
CHILD = """
import json, resource, sys, time
from pathlib import Path
from pipeline.run import run
from pipeline.settings import Settings
start = time.perf_counter()
result = run([Path(sys.argv[1])], Settings())
seconds = time.perf_counter() - start
print(json.dumps({"secondes": seconds, "memoire": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "lignes": len(result.table), "rejet": [r.raison for r in result.rejects],
                  "remarques": [n for d in result.documents for n in d.remarques]}))
"""


def measure(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print("| classeur | taille | secondes (hors imports) | mémoire max. du processus (Mo) | résultat |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for path in build(Path(tmp)):
            m = measure(path)
            result = (f"rejeté : {m['rejet'][0]}" if m["rejet"] else
                      f"{m['lignes']} lignes" + "".join(f" ; {note}" for note in m["remarques"]))
            print(f"| `{path.name}` | {path.stat().st_size / 1e3:.0f} ko | {m['secondes']:.2f} | {m['memoire']:.0f} | {result} |")


if __name__ == "__main__":
    main()
