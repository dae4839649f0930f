"""Time the whole run on every document of the layout zoo, one process, no cache (issue 9: name
the zoo's slowest document).

Run from the repository root:

    .venv/bin/python scripts/bench_zoo.py

Each document is read, assembled, normalised and validated alone (`pipeline.run.run`), best of 3;
the table printed is the one in BENCHMARKS.md (section "Layout zoo").
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import pypdfium2  # noqa: E402
from accuracy import ZOO, manifest  # noqa: E402
from pipeline.run import run  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

REPEATS = 3


def timed(document: Path, settings: Settings) -> float:
    """Best wall time of a few runs."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        run([document], settings, jobs=1)
        best = min(best, time.perf_counter() - start)
    return best


def pdf_pages(document: Path) -> int:
    """Pages of a PDF; 0 for a workbook or a DOCX (no pages to count)."""
    if document.suffix.lower() != ".pdf":
        return 0
    pdf = pypdfium2.PdfDocument(str(document))
    try:
        return len(pdf)
    finally:
        pdf.close()


def main() -> None:
    settings = Settings.load(ROOT / "params.yaml")
    rows = []
    for _, entry in manifest().iterrows():
        document = ZOO / entry["file"]
        rows.append((timed(document, settings), pdf_pages(document), entry["file"], entry["class"], entry["producer"]))
    total = sum(r[0] for r in rows)
    pdfs = [r for r in rows if r[1]]
    pages, pdf_seconds = sum(r[1] for r in pdfs), sum(r[0] for r in pdfs)
    print(f"{len(rows)} documents in {total:.2f} s ({total / len(rows) * 1000:.0f} ms per document); "
          f"the {len(pdfs)} PDFs: {pages} pages in {pdf_seconds:.2f} s ({pages / pdf_seconds:.0f} pages/s)\n")
    print("| document | class | producer | pages | time |\n|---|---|---|---|---|")
    for seconds, n, file, cls, producer in sorted(rows, reverse=True)[:5]:
        print(f"| `{file}` | {cls} | {producer} | {n or '—'} | {seconds * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
