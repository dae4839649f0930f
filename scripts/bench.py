"""Speed and memory of the pipeline, against the plain libraries, on the same pages, in one run.

    .venv/bin/python scripts/bench.py            # everything (a few minutes)
    .venv/bin/python scripts/bench.py --quick    # smaller corpora, for a smoke check

Each contender runs in its own process pinned to one core (peak memory is that process's maximum
resident size); its time includes importing its libraries, as a user's run does. Part 1: a corpus of >= 300 pages made of copies of the samples in tests/data/mons/2020:
the pipeline end to end (extract to export, no cache) versus pypdfium2 reading characters,
pdfplumber `extract_tables` and camelot lattice. Part 2: peak memory on one 320-page report.
Part 3: an incremental run after adding one document to a 200-document corpus. Part 4: the
scanned sample (OCR, Tesseract on one thread).
Needs camelot-py (pip install -e '.[bench]') for the camelot figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "tests/data/mons/2020/mons_2020_regle.pdf", ROOT / "tests/data/mons/2020/mons_2020_sans_filets.pdf"]
SCAN = ROOT / "tests/data/mons/2020/mons_2020_scan.pdf"


def make_corpus(folder: Path, documents: int) -> list[Path]:
    """`documents` distinct PDFs (each a sample with its own metadata title, so its own hash)."""
    from pypdf import PdfReader, PdfWriter

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(documents):
        writer = PdfWriter(clone_from=PdfReader(SAMPLES[i % len(SAMPLES)]))
        writer.add_metadata({"/Title": f"Rapport synergies commune {i} 2020"})
        path = folder / f"commune{i:04d}_2020.pdf"
        with open(path, "wb") as fh:
            writer.write(fh)
        paths.append(path)
    return paths


def communes_corpus(folder: Path, communes: int, years: tuple[int, ...]) -> list[Path]:
    """One report per commune and year, as users keep them (`<commune>/<year>/<commune>_<year>.pdf`):
    the samples with their title line removed, so each file's commune and year come from its
    path, and a metadata title of its own (its own hash). Every commune holds the same synergies
    each year, so year matching pairs them all."""
    import re

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    paths = []
    for i in range(communes):
        for year in years:
            writer = PdfWriter(clone_from=PdfReader(SAMPLES[(i + year) % len(SAMPLES)]))
            page = writer.pages[0]
            content = DecodedStreamObject()
            content.set_data(re.sub(rb"BT.*?ET", b"", page.get_contents().get_data(), count=1, flags=re.S))
            page[NameObject("/Contents")] = writer._add_object(content)
            writer.add_metadata({"/Title": f"Rapport synergies {i} {year}"})
            path = folder / f"commune_{i:03d}" / str(year) / f"commune_{i:03d}_{year}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as fh:
                writer.write(fh)
            paths.append(path)
    return paths


def merged_report(target: Path, copies: int) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for i in range(copies):
        writer.append(str(SAMPLES[i % len(SAMPLES)]))
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


# --- contenders, each run in a child process -------------------------------------------------

def run_pipeline(paths: list[Path], out: Path, cache: Path | None) -> int:
    from dataclasses import replace

    from pipeline.cache import ExtractionCache
    from pipeline.run import run
    from pipeline.settings import Settings
    from pipeline.stages import write_outputs

    # The copies are one report in many files: duplicate detection would read it once; a speed
    # measure reads every copy, so detection by content is off here (copies differ in bytes).
    settings = Settings()
    settings = replace(settings, doublons=replace(settings.doublons, same_report=101.0))
    result = run(paths, settings, cache=ExtractionCache(cache) if cache else None, jobs=1)
    write_outputs(result.table, result.rejects, result.failures, out)
    return sum(d.pages for d in result.documents)


def run_pdfium_chars(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        for page in pdf:
            text = page.get_textpage()
            for i in range(text.count_chars()):
                text.get_charbox(i, loose=True)
            pages += 1
        pdf.close()
    return pages


def run_pdfplumber(paths: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                pages += 1
                page.close()
    return pages


def run_camelot(paths: list[Path]) -> int:
    import camelot

    pages = 0
    for path in paths:
        camelot.read_pdf(str(path), pages="all", flavor="lattice")
        pages += _page_count(path)
    return pages


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


CONTENDERS = {
    "pipeline": lambda a: run_pipeline(a["paths"], Path(a["out"]), Path(a["cache"]) if a.get("cache") else None),
    "pypdfium2 chars": lambda a: run_pdfium_chars(a["paths"]),
    "pdfplumber extract_tables": lambda a: run_pdfplumber(a["paths"]),
    "camelot lattice": lambda a: run_camelot(a["paths"]),
}


def child(spec: str) -> None:
    args = json.loads(spec)
    args["paths"] = [Path(p) for p in args["paths"]]
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    start = time.perf_counter()
    pages = CONTENDERS[args["name"]](args)
    seconds = time.perf_counter() - start
    # The pipeline reads each document in a worker process (pipeline/worker.py): its peak counts too.
    peak_mb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    print(json.dumps({"pages": pages, "seconds": seconds, "peak_mb": peak_mb}))


def measure(name: str, paths: list[Path], **extra) -> dict:
    spec = json.dumps({"name": name, "paths": [str(p) for p in paths], **extra})
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, __file__, "--child", spec], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "échec"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-camelot", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    corpus_docs, incremental_docs, report_copies = (6, 20, 6) if args.quick else (40, 200, 40)
    print(f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
          f"Python {platform.python_version()}, un cœur par mesure\n")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = make_corpus(tmp / "corpus", corpus_docs)
        print(f"Partie 1 : {len(corpus)} documents, {8 * len(corpus)} pages (copies des exemples réglé et sans filets)\n")
        print("| outil | pages | secondes | pages/s | mémoire max (Mo) | pages/s du pipeline ÷ pages/s de l'outil |")
        print("|---|---|---|---|---|---|")
        results = {}
        for name in CONTENDERS:
            if name == "camelot lattice" and args.skip_camelot:
                continue
            results[name] = measure(name, corpus, out=str(tmp / "out"))
        base = results["pipeline"]
        for name, r in results.items():
            if "error" in r:
                print(f"| {name} | – | – | – | – | erreur : {r['error']} |")
                continue
            rate = r["pages"] / r["seconds"]
            ratio = (base["pages"] / base["seconds"]) / rate
            print(f"| {name} | {r['pages']} | {r['seconds']:.2f} | {rate:.1f} | {r['peak_mb']:.0f} | "
                  f"{'—' if name == 'pipeline' else f'{ratio:.2f}'} |")

        report = merged_report(tmp / "rapport_long.pdf", report_copies)
        r = measure("pipeline", [report], out=str(tmp / "out_long"))
        print(f"\nPartie 2 : un rapport de {r['pages']} pages : {r['seconds']:.2f} s, "
              f"{r['pages'] / r['seconds']:.1f} pages/s, mémoire max {r['peak_mb']:.0f} Mo")
        small = measure("pipeline", corpus[:2], out=str(tmp / "out_small"))
        print(f"  (pour comparer : 2 documents, mémoire max {small['peak_mb']:.0f} Mo ; "
              f"{len(corpus)} documents : {base['peak_mb']:.0f} Mo)")

        docs = make_corpus(tmp / "incremental", incremental_docs + 1)
        folder = tmp / "incremental_run"
        folder.mkdir()
        for p in docs[:-1]:
            p.rename(folder / p.name)
        cache = tmp / "cache"
        full = measure("pipeline", sorted(folder.iterdir()), out=str(tmp / "out_inc"), cache=str(cache))
        docs[-1].rename(folder / docs[-1].name)
        again = measure("pipeline", sorted(folder.iterdir()), out=str(tmp / "out_inc"), cache=str(cache))
        print(f"\nPartie 3 : corpus de {incremental_docs} documents ({full['pages']} pages) lu en "
              f"{full['seconds']:.1f} s ; après ajout d'un document, nouvelle exécution en {again['seconds']:.2f} s "
              f"({again['pages']} pages au total, une seule relue)")

        scan = measure("pipeline", [SCAN], out=str(tmp / "out_scan"))
        print(f"\nPartie 4 : PDF scanné, {scan['pages']} pages lues par OCR : {scan['seconds']:.1f} s, "
              f"{scan['pages'] / scan['seconds']:.2f} pages/s, mémoire max {scan['peak_mb']:.0f} Mo")


if __name__ == "__main__":
    main()
