"""Where the memory of a warm corpus run goes (issue 14, goal 2): the run's steps one after the
other in one process, its resident memory after each and the most it reached during each.

Run from the repository root (the first run builds the corpus and fills its cache: about a minute
on two cores; later runs reuse them):

    .venv/bin/python scripts/bench_memory.py /tmp/corpus_memoire

The corpus is `scripts/bench.py`'s: 250 communes x 4 years of born-digital samples. The steps are
those of `synergies run --jobs 1` with every document in the cache (`pipeline.run.run`, then each
output file of `pipeline.stages.write_outputs` in its order); then the output files again, written
by a fresh process from the run's own synergies.parquet: what writing them takes with nothing but
the table and the libraries in memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"  # as the command line sets it


def resident_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Steps:
    """Prints each step's seconds, the resident memory at its end and the most it reached (sampled
    every 5 ms by a thread: a shorter peak may be missed)."""

    def __init__(self) -> None:
        self.peak = resident_mb()
        self.last = time.perf_counter()
        threading.Thread(target=self._sample, daemon=True).start()
        print("| étape | secondes | mémoire à la fin (Mo) | maximum pendant l'étape (Mo) |\n|---|---|---|---|")

    def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, resident_mb())
            time.sleep(0.005)

    def done(self, name: str) -> None:
        now, resident = time.perf_counter(), resident_mb()
        print(f"| {name} | {now - self.last:.2f} | {resident:.0f} | {max(self.peak, resident):.0f} |", flush=True)
        self.last, self.peak = now, resident


def corpus(folder: Path) -> tuple[Path, Path]:
    """The corpus and its filled cache in `folder`, built on the first call."""
    from bench import communes_corpus

    documents, cache = folder / "corpus", folder / "cache"
    if not documents.exists():
        communes_corpus(documents, 250, (2019, 2020, 2021, 2022))
    subprocess.run([str(Path(sys.executable).parent / "synergies"), "run", str(documents), "--out", str(folder / "sortie"),
                    "--cache", str(cache), "--jobs", "2", "--registre", str(folder / "registre.csv")],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return documents, cache


def main() -> None:
    folder = Path(sys.argv[1])
    if len(sys.argv) > 2:  # the fresh process: the output files from the table alone
        return writers_alone(folder)
    documents, cache_folder = corpus(folder)
    steps = Steps()
    from pipeline.loading import libraries

    with libraries("pipeline.stages"):
        import pandas as pd

        from pipeline import excel, export, registry, stages
        from pipeline.cache import ExtractionCache
        from pipeline.duckdb_export import write_duckdb
        from pipeline.run import run
        from pipeline.settings import Settings
    steps.done("bibliothèques")
    settings = Settings()
    result = run([documents], settings, cache=ExtractionCache(cache_folder), jobs=1,
                 registre=registry.load(folder / "registre.csv"))
    steps.done(f"exécution (documents du cache, identifiants, libellés, validation) : {len(result.table)} lignes")
    table, out = result.table, folder / "sorties"
    out.mkdir(exist_ok=True)
    rejects = pd.DataFrame(columns=["fichier", "raison"])
    export.write_csv(table, out / "synergies.csv")
    steps.done("synergies.csv")
    export.write_parquet(table, out / "synergies.parquet")
    steps.done("synergies.parquet")
    excel.write_xlsx(table, rejects, out / "synergies.xlsx")
    steps.done("synergies.xlsx")
    evolution = stages._evolution(table, settings)
    steps.done("évolution (années comparées)")
    write_duckdb(out / "synergies.duckdb", table, rejects, evolution)
    steps.done("synergies.duckdb")
    subprocess.run([sys.executable, __file__, str(folder), "seul"], check=True)


def writers_alone(folder: Path) -> None:
    steps = Steps()
    from pipeline.loading import libraries

    with libraries("pipeline.stages"):
        import pandas as pd

        from pipeline import stages
        from pipeline.diff import load_run_output
        from pipeline.settings import Settings
    table = load_run_output(folder / "sorties" / "synergies.parquet")
    table = table.astype({c: "str" for c in table.columns if table[c].dtype == object})
    steps.done(f"processus neuf : bibliothèques et la table seule ({len(table)} lignes)")
    stages.write_outputs(table, [], pd.DataFrame(), folder / "sorties_seules", Settings())
    steps.done("processus neuf : tous les fichiers de sortie")


if __name__ == "__main__":
    main()
