"""Build the overview site for 250 communes × 5 years and measure it (issue 15: under 30 s, largest
page under 2 MB).

Run from the repository root:

    .venv/bin/python scripts/bench_apercu.py [--communes 250] [--annees 5] [--garder DOSSIER]

The corpus is generated, not committed: each fictional commune (invented names) gets 25 to 40
synergies sampled from the Mons reference rows (2020 and 2021), each with a qualifier so names
differ between communes; from one year to the next a few synergies are dropped or added, some
names corrected, and statuses advance (à développer → en cours → réalisé), some staying "en
cours". The rows go through the real normalisation, domains and ids (`label_table`,
`carry_ids`), the run's outputs are written as `synergies run` writes them, and the year-over-year
diff as the DVC `evolution` stage writes it. Only then is `synergies apercu` timed, as a user
runs it (a new process, imports included). A page's weight is its HTML plus every local file it
loads (scripts, style sheet, data).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import export  # noqa: E402
from pipeline.diff import carry_ids, year_over_year  # noqa: E402
from pipeline.ids import synergy_id  # noqa: E402
from pipeline.model import LABEL_COLUMNS, OUTPUT_COLUMNS  # noqa: E402
from pipeline.run import label_table, typed  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.stages import write_outputs  # noqa: E402

REFERENCES = [ROOT / "tests/reference/mons_synergies_reference.csv", ROOT / "tests/reference/mons_2021_reference.csv"]
SYLLABES = ["bel", "mar", "chan", "vil", "ro", "sau", "mont", "lie", "ber", "gne", "flo", "ren", "val", "hau",
            "ter", "bois", "fon", "ta", "ne", "cour", "lan", "gi", "sart", "moi"]
SUFFIXES = ["", "", "", "-sur-Ostre", "-le-Haut", "-Saint-Pierre", "-en-Condroz"]
QUALIFS = ["crèches", "maisons de repos", "écoles", "bibliothèque", "piscine", "sports", "jeunesse", "seniors",
           "logement", "emploi", "santé", "culture", "mobilité", "énergie", "propreté", "accueil"]
STATUTS = ["A développer", "En cours", "Réalisé"]


def commune_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        word = "".join(rng.choice(SYLLABES) for _ in range(rng.randint(2, 3)))
        names.add(word.capitalize() + rng.choice(SUFFIXES))
    return sorted(names)


def corpus(n_communes: int, n_years: int, seed: int = 15) -> pd.DataFrame:
    rng = random.Random(seed)
    pool = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in REFERENCES], ignore_index=True)
    records = []
    for commune in commune_names(n_communes, rng):
        current = []
        for _ in range(rng.randint(25, 40)):
            base = pool.iloc[rng.randrange(len(pool))].to_dict()
            current.append({**base, "synergie": f"{base['synergie']} – {rng.choice(QUALIFS)}",
                            "etape": rng.randrange(3)})
        for year in range(2019, 2019 + n_years):
            if year > 2019:
                for _ in range(rng.randint(0, 3)):
                    current.pop(rng.randrange(len(current)))
                for _ in range(rng.randint(0, 3)):
                    base = pool.iloc[rng.randrange(len(pool))].to_dict()
                    current.append({**base, "synergie": f"{base['synergie']} – {rng.choice(QUALIFS)}", "etape": 0})
                for row in current:
                    if rng.random() < 0.35:
                        row["etape"] = min(2, row["etape"] + 1)
                    if rng.random() < 0.05:
                        row["synergie"] = row["synergie"].replace("–", "-", 1)  # a corrected dash
            for number, row in enumerate(current, start=1):
                records.append({
                    **dict.fromkeys(OUTPUT_COLUMNS, ""), "commune": commune, "annee": year,
                    "fichier_source": f"raw/{commune.lower()}/{year}/rapport_{year}.pdf", "empreinte_source": "0" * 64,
                    "page_debut": 1 + number // 6, "page_fin": 1 + number // 6, "ligne": number,
                    "id_synergie": synergy_id(commune, row["synergie"]), "synergie": row["synergie"],
                    "objectif": row["objectif"], "mode_operatoire": row["mode_operatoire"],
                    "administration_pilote": row["administration_pilote"],
                    "responsable_administratif": row["responsable_administratif"],
                    "realisation": f"{STATUTS[row['etape']]} – {row['realisation']}".strip(" –"),
                    **dict.fromkeys(LABEL_COLUMNS, ""), "avancement_pct": None, "a_verifier": False,
                    "motifs_verification": "", "ligne_source": None,
                })
    table = typed(pd.DataFrame.from_records(records, columns=list(OUTPUT_COLUMNS)))
    return carry_ids(label_table(table, Settings()), Settings().diff)


def page_weight(page: Path) -> int:
    """The HTML's bytes and those of every local file it loads."""
    text = page.read_text(encoding="utf-8")
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"#]+\.(?:js|css))"', text)
    return len(text.encode()) + sum((page.parent / a).stat().st_size for a in assets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--communes", type=int, default=250)
    parser.add_argument("--annees", type=int, default=5)
    parser.add_argument("--garder", type=Path, help="Dossier où garder la sortie et le site (défaut : temporaire).")
    args = parser.parse_args()
    folder = args.garder or Path(tempfile.mkdtemp(prefix="bench_apercu_"))

    started = time.perf_counter()
    table = corpus(args.communes, args.annees)
    write_outputs(table, [], pd.DataFrame(), folder, Settings())
    export.write_csv(year_over_year(table, Settings().diff), folder / "evolution.csv")
    print(f"corpus : {table['commune'].nunique()} communes × {table['annee'].nunique()} années, "
          f"{len(table)} synergies ({time.perf_counter() - started:.1f} s pour le produire)")

    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "pipeline", "apercu", "--depuis", str(folder), "--out", str(folder)],
                          cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        sys.exit(done.stderr)
    site = folder / "apercu"
    pages = sorted(site.rglob("*.html"))
    heaviest = max(pages, key=page_weight)
    largest_html = max(pages, key=lambda p: p.stat().st_size)
    print(f"synergies apercu : {elapsed:.1f} s écoulées, {cpu:.1f} s de processeur, {len(pages)} pages, "
          f"mémoire max {after.ru_maxrss / 1024:.0f} MB")
    print(f"page la plus lourde avec ce qu'elle charge : {heaviest.relative_to(site)} "
          f"{page_weight(heaviest) / 1e6:.2f} MB")
    print(f"plus gros fichier HTML : {largest_html.relative_to(site)} {largest_html.stat().st_size / 1e6:.2f} MB")
    print(f"données du tableau complet (donnees/synergies.js) : {(site / 'donnees/synergies.js').stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
