"""registry: the synergies known so far, so that ids hold across runs.

`registre/synergies.csv` lists every synergy ever seen, one line each: its commune and id, the
names it was given (" | "-joined), the years it was seen in, and its latest cells. A run matches its
rows against it with the matching of `synergies diff` (pipeline/diff.py): the registry's synergies
stand as a year before all others, so a row of any year takes the id of the known synergy it
matches, and a synergy seen for the first time keeps its own id and is added. Running 2020 alone
and then 2021 alone gives the same ids as running both together. Nothing is ever removed: a
synergy absent from a run keeps its line. A match under `DiffSettings.certain` gives the id but
flags the row for review. Pure functions; the CLI and the DVC stage read and write the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .diff import carried_ids
from .export import write_csv
from .model import CELL_COLUMNS
from .settings import DiffSettings
from .vocabulary import fold, fold_each

NAMES_SEPARATOR = " | "
YEARS_SEPARATOR = " "
COLUMNS = ("commune", "id_synergie", "noms", "annees", *CELL_COLUMNS)
# The registry's synergies are matched as if seen in this year, before any report's.
_BEFORE_ALL_YEARS = 0
_REGISTRY_SOURCE = "registre"


def empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS), dtype=str)


def load(path: Path) -> pd.DataFrame:
    """The registry at `path`, empty when it does not exist yet; ValueError (French) when the file
    is not a registry."""
    if not path.exists():
        return empty()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError) as error:
        raise ValueError(f"{path} : registre illisible ({error})") from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path} n'est pas un registre de synergies : colonnes manquantes : {', '.join(missing)}")
    return frame[list(COLUMNS)]


def save(registry: pd.DataFrame, path: Path) -> None:
    write_csv(registry, path)


def assign_ids(table: pd.DataFrame, registry: pd.DataFrame, settings: DiffSettings
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with the registry's ids (uncertain matches flagged) and the registry extended."""
    table = table.reset_index(drop=True)
    if table.empty:
        return table, registry
    known = registry.assign(annee=_BEFORE_ALL_YEARS, fichier_source=_REGISTRY_SOURCE)
    combined = pd.concat([known, table], ignore_index=True)
    ids, scores = carried_ids(combined, settings)
    out = table.copy()
    out["id_synergie"] = ids[len(known):]
    out = _flag_uncertain(out, scores[len(known):], combined, ids, len(known), settings)
    return out, extended(registry, out)


def _flag_uncertain(table: pd.DataFrame, scores: np.ndarray, combined: pd.DataFrame, ids: np.ndarray,
                    offset: int, settings: DiffSettings) -> pd.DataFrame:
    """Rows that took a known id by a match under `certain`: flagged, naming the synergy matched."""
    uncertain = [row for row, score in enumerate(scores) if not np.isnan(score) and score < settings.certain]
    if not uncertain:
        return table
    first_name = {}
    for identifier, name in zip(ids, combined["synergie"].astype(str)):
        first_name.setdefault(identifier, name)
    out = table.copy()
    motifs = out["motifs_verification"].tolist()
    flags = out["a_verifier"].tolist()
    for row in uncertain:
        motif = (f"identifiant repris de « {first_name[ids[offset + row]]} » sur une ressemblance "
                 f"incertaine ({scores[row]:.0f}/100) : vérifier qu'il s'agit de la même synergie")
        motifs[row] = "|".join(m for m in (motifs[row], motif) if m)
        flags[row] = True
    out["motifs_verification"] = motifs
    out["a_verifier"] = pd.Series(flags, index=out.index, dtype=bool)
    return out


def extended(registry: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """The registry with the table's synergies: new ids added, new names and years recorded, the
    latest year's cells kept. No line is ever removed; a row without a name is not a synergy to
    remember."""
    entries = {values[1]: dict(zip(COLUMNS, values)) for values in zip(*(registry[c].tolist() for c in COLUMNS))}
    # Each entry a row touches, parsed once: its names, their folded forms, its years.
    names: dict[str, list[str]] = {}
    folded: dict[str, set[str]] = {}
    years: dict[str, set[int]] = {}
    columns = ("id_synergie", "commune", "synergie", "_annee", *CELL_COLUMNS)
    dated = table[list(dict.fromkeys(c for c in columns if c != "_annee"))].assign(
        _annee=pd.to_numeric(table["annee"], errors="coerce"))
    dated = dated.sort_values("_annee", kind="stable", na_position="first")
    rows = zip(fold_each(dated["synergie"].tolist()), *(dated[c].tolist() for c in columns))
    for name, key, commune, synergie, annee, *cells in rows:
        if not synergie.strip():
            continue  # a row without a name (a misread table, flagged by validation) names no synergy
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = {"commune": commune, "id_synergie": key, "noms": "", "annees": ""}
        if key not in names:
            names[key] = [n for n in entry["noms"].split(NAMES_SEPARATOR) if n]
            folded[key] = {fold(n) for n in names[key]}
            years[key] = {int(y) for y in entry["annees"].split(YEARS_SEPARATOR) if y}
        if name not in folded[key]:
            folded[key].add(name)
            names[key].append(synergie)
        year = None if pd.isna(annee) else int(annee)
        if year is None or not years[key] or year >= max(years[key]):
            entry.update(zip(CELL_COLUMNS, cells))
        if year is not None:
            years[key].add(year)
    for key in names:
        entries[key]["noms"] = NAMES_SEPARATOR.join(names[key])
        entries[key]["annees"] = YEARS_SEPARATOR.join(map(str, sorted(years[key])))
    return pd.DataFrame(list(entries.values()), columns=list(COLUMNS)).fillna("").astype(str)
