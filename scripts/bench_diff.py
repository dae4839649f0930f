"""Time `diff_tables` on two years of 2,000 synergies each (issue 4: well under a second).

Run from the repository root:

    .venv/bin/python scripts/bench_diff.py

The synergies are synthetic, derived from the Mons reference rows: each copy gets a qualifier
(a place, a service) so that names stay distinct, and the second year is edited the way reports
are: some synergies dropped, some added, names corrected, achievements and statuses updated, rows
moved. Two layouts are timed: 2,000 synergies spread over many communes (a province's reports,
~35 per commune) and the worst case of one commune holding all 2,000 (one big matrix).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.diff import carry_ids, diff_tables  # noqa: E402
from pipeline.ids import synergy_id  # noqa: E402
from pipeline.settings import DiffSettings  # noqa: E402

REFERENCE = ROOT / "tests/reference/mons_synergies_reference.csv"
SIZE = 2000
PLACES = ["Jemappes", "Cuesmes", "Flénu", "Ghlin", "Nimy", "Obourg", "Havré", "Spiennes", "Hyon",
          "Mesvin", "Ciply", "Saint-Denis", "Maisières", "Harmignies", "Harveng", "Villers-Saint-Ghislain"]
SERVICES = ["crèches", "maisons de repos", "écoles", "bibliothèques", "piscines", "sports", "jeunesse",
            "seniors", "logement", "emploi", "santé", "culture", "mobilité", "énergie", "propreté"]
STATUS_TEXT = {"en_cours": "En cours", "realise": "Effectif", "a_developper": "A développer"}


def first_year(reference: pd.DataFrame, communes: list[str], rng: random.Random, size: int = SIZE) -> pd.DataFrame:
    """`size` synergies: reference rows with a qualifier each, dealt over the communes in turn."""
    rows = []
    for k in range(size):
        base = reference.iloc[k % len(reference)].to_dict()
        qualifier = f"{rng.choice(PLACES)} – {rng.choice(SERVICES)} {k // len(reference) + 1}"
        commune = communes[k * len(communes) // size]
        rows.append({**base, "commune": commune, "annee": 2020, "synergie": f"{base['synergie']} ({qualifier})"})
    frame = pd.DataFrame(rows)
    frame["ligne"] = frame.groupby("commune").cumcount() + 1
    frame["id_synergie"] = [synergy_id(c, s) for c, s in zip(frame["commune"], frame["synergie"])]
    return frame


def typo(text: str, rng: random.Random) -> str:
    """One letter doubled or an accent dropped, as in "Voierie" for "Voirie"."""
    i = rng.randrange(1, max(2, len(text) - 1))
    return text[:i] + text[i - 1] + text[i:] if rng.random() < 0.5 else text.replace("é", "e", 1)


def next_year(old: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
    """The same communes a year later: 3 % dropped, 10 % renamed, 15 % updated, 3 % new, some moved."""
    kept = old[[rng.random() > 0.03 for _ in range(len(old))]].copy()
    kept["annee"] = 2021
    for index in kept.index:
        draw = rng.random()
        if draw < 0.10:
            kept.at[index, "synergie"] = typo(kept.at[index, "synergie"], rng)
        elif draw < 0.25:
            status = rng.choice(list(STATUS_TEXT))
            kept.at[index, "realisation"] = f"{STATUS_TEXT[status]} : étape {rng.randint(1, 9)} franchie en 2021"
            kept.at[index, "statut_norm"] = status
    added = old.sample(n=len(old) - len(kept), random_state=rng.randrange(10**6)).copy()
    added["annee"] = 2021
    added["synergie"] = [f"Nouvelle synergie {rng.choice(SERVICES)} {rng.choice(PLACES)} {k}" for k in range(len(added))]
    added["objectif"] = "Objectif défini en 2021"
    frame = pd.concat([kept, added])
    order = list(range(len(frame)))
    for _ in range(len(frame) // 20):  # moved rows
        i, j = rng.randrange(len(order)), rng.randrange(len(order))
        order[i], order[j] = order[j], order[i]
    frame = frame.iloc[order].sort_values("commune", kind="stable").reset_index(drop=True)
    frame["ligne"] = frame.groupby("commune").cumcount() + 1
    frame["id_synergie"] = [synergy_id(c, s) for c, s in zip(frame["commune"], frame["synergie"])]
    return frame


def timed(label: str, old: pd.DataFrame, new: pd.DataFrame, settings: DiffSettings, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        diff = diff_tables(old, new, settings)
        best = min(best, time.perf_counter() - start)
    start = time.perf_counter()
    carry_ids(pd.concat([old, new], ignore_index=True), settings)
    carry = time.perf_counter() - start
    counts = diff["changement"].value_counts().to_dict()
    print(f"{label}: diff {best:.3f} s (best of {repeat}), carry_ids {carry:.3f} s — "
          f"{len(old)} → {len(new)} synergies, {counts}")


def main() -> None:
    rng = random.Random(2021)
    reference = pd.read_csv(REFERENCE, dtype=str, keep_default_na=False).drop(columns=["page_source"])
    settings = DiffSettings()
    communes = [f"Commune {n:02d}" for n in range(SIZE // len(reference) + 1)]
    old = first_year(reference, communes, rng)
    timed(f"{len(communes)} communes", old, next_year(old, rng), settings)
    old = first_year(reference, ["Mons"], rng)
    timed("1 commune", old, next_year(old, rng), settings)


if __name__ == "__main__":
    main()
