"""domaine: the field a synergy pools (ressources humaines, informatique...), from its own words.

The taxonomy is data (`schemas/domaines.yaml`): each domain lists keywords. They are found in the
synergy's name, objective and achievement by the normaliser's matcher (`normalise.mentions`:
folding, abbreviations, rapidfuzz with short words exact), so a typo or "Informatiques" still
counts. A domain scores, for each distinct keyword found, the weight of the cell it is in (the
name weighs most); a domain more precise than another one also found (`parent`) replaces it. The best domain
is kept only when it leads the next by the settings' margin.

Empty means unknown: no keyword, or two domains tied, leaves `domaine` empty and the row flagged
with the reason; never the nearest guess. Pure: a table in, the table with `domaine` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .normalise import Colonne, Vocabulaire, colonne_mots_cles, mentions, mots, vocabulaire
from .settings import DomaineSettings, NormaliseSettings
from .vocabulary import load

DOMAINES = "domaines.yaml"
COLONNE = "domaine"


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key
class Taxonomie:
    colonne: Colonne                  # keywords prepared for `mentions`
    libelles: dict[str, str]          # domain -> its French name
    parents: dict[str, str]           # domain -> the broader domain it refines
    vocab: Vocabulaire


def parse_taxonomie(data: dict, vocab: Vocabulaire) -> Taxonomie:
    """The domains file's content, prepared for matching (tests may pass their own)."""
    domaines = data["domaines"]
    return Taxonomie(
        colonne=colonne_mots_cles(COLONNE, {d: spec["mots_cles"] for d, spec in domaines.items()}, vocab),
        libelles={d: spec["libelle"] for d, spec in domaines.items()},
        parents={d: spec["parent"] for d, spec in domaines.items() if spec.get("parent")},
        vocab=vocab,
    )


@lru_cache(maxsize=2)
def taxonomie(name: str = DOMAINES) -> Taxonomie:
    """The shipped taxonomy, prepared once."""
    return parse_taxonomie(load(name), vocabulaire())


def domaines(name: str = DOMAINES) -> dict[str, str]:
    """Every domain and its French name, in the file's order."""
    return dict(taxonomie(name).libelles)


@dataclass(frozen=True)
class Choix:
    domaine: str  # "" unknown
    motif: str    # why a person should look; "" when the domain is clear


@lru_cache(maxsize=65536)
def _nommes(text: str, tax: Taxonomie, ns: NormaliseSettings) -> frozenset[tuple[str, tuple[str, ...]]]:
    """The domains a cell names, with the words naming each: every distinct keyword counts
    ("Voiries, cimetières" names works twice). Cached: "Moyens" or "100 %" fill many cells."""
    words = mots(text, tax.vocab, ns)
    return frozenset((m.label, tuple(words[m.debut:m.fin])) for m in mentions(words, tax.colonne, ns))


def _points(cells: dict[str, str], tax: Taxonomie, s: DomaineSettings, ns: NormaliseSettings) -> dict[str, float]:
    """Each domain named, with the summed weight of the cells naming it."""
    weights = {"synergie": s.weight_synergie, "objectif": s.weight_objectif, "realisation": s.weight_realisation}
    points: dict[str, float] = {}
    for column, weight in weights.items():
        for domaine, _ in _nommes(cells.get(column, ""), tax, ns):
            points[domaine] = points.get(domaine, 0.0) + weight
    for domaine, parent in tax.parents.items():
        if domaine in points and parent in points:
            points[domaine] += points.pop(parent)
    return points


@lru_cache(maxsize=65536)
def _choisir(synergie: str, objectif: str, realisation: str, tax: Taxonomie, s: DomaineSettings,
             ns: NormaliseSettings) -> Choix:
    points = _points({"synergie": synergie, "objectif": objectif, "realisation": realisation}, tax, s, ns)
    if not points:
        return Choix("", "domaine non reconnu")
    order = list(tax.libelles)  # ties listed in the file's order, whatever the set's
    ranked = sorted(points.items(), key=lambda kv: (-kv[1], order.index(kv[0])))
    best, score = ranked[0]
    rivals = [d for d, p in ranked[1:] if score - p < s.margin]
    if rivals:
        names = ", ".join(tax.libelles[d].lower() for d in (best, *rivals))
        return Choix("", f"domaine : plusieurs domaines possibles ({names})")
    return Choix(best, "")


def choisir(synergie: str, objectif: str = "", realisation: str = "", s: DomaineSettings = DomaineSettings(),
            ns: NormaliseSettings = NormaliseSettings(), tax: Taxonomie | None = None) -> Choix:
    """The domain of one synergy from its name, objective and achievement."""
    return _choisir(synergie or "", objectif or "", realisation or "", tax or taxonomie(), s, ns)


def find_domaines(frame: pd.DataFrame, s: DomaineSettings, ns: NormaliseSettings,
                  tax: Taxonomie | None = None) -> list[Choix]:
    """Each row's domain, from its name, objective and achievement."""
    tax = tax or taxonomie()
    columns = [frame[c].fillna("").astype(str) for c in ("synergie", "objectif", "realisation")]
    return [choisir(n, o, r, s, ns, tax) for n, o, r in zip(*columns)]


def with_domaines(frame: pd.DataFrame, choices: list[Choix]) -> pd.DataFrame:
    """The table with `domaine` set; a row whose domain is unclear is flagged with why (the reason
    appended once)."""
    out = frame.copy()
    out[COLONNE] = pd.Series([c.domaine for c in choices], index=out.index, dtype=str)
    motifs = []
    for existing, choice in zip(out["motifs_verification"].fillna("").astype(str), choices):
        notes = [m for m in existing.split("|") if m]
        if choice.motif and choice.motif not in notes:
            notes.append(choice.motif)
        motifs.append("|".join(notes))
    out["motifs_verification"] = pd.Series(motifs, index=out.index, dtype=str)
    out["a_verifier"] = out["a_verifier"].fillna(False).astype(bool) | (out["motifs_verification"] != "")
    return out


def assign_domaines(frame: pd.DataFrame, s: DomaineSettings, ns: NormaliseSettings,
                    tax: Taxonomie | None = None) -> pd.DataFrame:
    """The table with `domaine` filled; a row whose domain is unclear is flagged with why.
    Assigning twice gives the same table (a reason is appended once)."""
    return with_domaines(frame, find_domaines(frame, s, ns, tax))
