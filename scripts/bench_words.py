"""The page reader's hot path alone (pipeline/read/pdf.py: words and their boxes), timed.

    .venv/bin/python scripts/bench_words.py [--rounds 5] [--copies 20]

Reads the born-digital samples `--copies` times each with `read_pdf` (text layer, rules, no OCR),
in this process, and prints the best of `--rounds` timings in pages per second. Run it from two
checkouts to compare a change to the reader (BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.read.pdf import read_pdf  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

NAMES = ("mons_2020_regle.pdf", "mons_2020_sans_filets.pdf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    data = [sorted(p for folder in ("raw", "tests/data") for p in (ROOT / folder).rglob(name))[0] for name in NAMES]
    settings = Settings().extract
    best = float("inf")
    pages = 0
    for _ in range(args.rounds):
        start = time.perf_counter()
        pages = sum(len(read_pdf(d, settings).pages) for _ in range(args.copies) for d in data)
        best = min(best, time.perf_counter() - start)
    print(f"{pages} pages : {best:.2f} s, {pages / best:.0f} pages/s (meilleur de {args.rounds})")


if __name__ == "__main__":
    main()
