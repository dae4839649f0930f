"""validate: the output table against the contract's schema (`schemas/contract.py`).

Every check runs (lazy validation) and every failure is listed with its file, page and row, for
`validation_report.csv` and `validation_report.md`. A failing row is kept and flagged for review,
never dropped. A failure of a whole column (missing, wrong type) is listed without a row and flags
none: it is the run's fault, not the row's. No file I/O here; the run writes the reports.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandas as pd

from .loading import libraries

FAILURE_COLUMNS = ("fichier_source", "page_debut", "ligne", "colonne", "controle", "valeur")

# Checks spanning several columns: the columns a failure is about, and its French name.
_CONTROLES_LIGNE = {
    "page_debut_avant_page_fin": (("page_debut", "page_fin"), "page de début après la page de fin"),
    "a_verifier_selon_motifs": (("a_verifier", "motifs_verification"), "a_verifier incohérent avec ses motifs"),
    "multiple_fields_uniqueness": (("fichier_source", "ligne"), "ligne en double dans le fichier"),
}
# Checks on one column, by the name pandera gives them (before any parenthesis).
_CONTROLES = {
    "synergie_non_vide": "synergie vide",
    "objectifs_du_vocabulaire": "objectifs hors vocabulaire ou dans le désordre",
    "isin": "valeur hors vocabulaire",
    "str_matches": "format invalide",
    "str_length": "texte vide",
    "not_nullable": "valeur manquante",
    "field_uniqueness": "valeur en double",
    "column_in_dataframe": "colonne manquante",
    "dtype": "type inattendu",
}
_APPEL = re.compile(r"^(\w+)\((.*)\)$")


def _controle(check: str) -> str:
    """The French name of a pandera check: 'in_range(0, 100)' -> 'hors de 0–100'."""
    name, args = (m.group(1), m.group(2)) if (m := _APPEL.match(check)) else (check, "")
    args = args.strip("'\"")
    if name == "in_range":
        low, high = (a.strip() for a in args.split(","))
        return f"hors de {low}–{high}"
    if name == "greater_than_or_equal_to":
        return f"inférieur à {args}"
    if name == "less_than_or_equal_to":
        return f"supérieur à {args}"
    if name == "dtype":
        return f"type attendu : {args}"
    return _CONTROLES.get(name, check)


def _texte(value: object) -> str:
    return "" if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else str(value)


@dataclass(frozen=True)
class Echec:
    """One failed check: on a row (its position) or on a whole column (position None)."""

    position: int | None
    colonnes: tuple[str, ...]
    controle: str
    valeur: str  # what pandera found, for column-level failures

    @property
    def colonne(self) -> str:
        return ", ".join(self.colonnes)

    @property
    def motif(self) -> str:
        return f"contrôle échoué : {self.controle} ({self.colonne})"


def echecs(cases: pd.DataFrame) -> list[Echec]:
    """pandera's failure cases, one per failing (row, check): a check on several columns
    (pages, uniqueness) is reported by pandera once per column of the row."""
    found: dict[tuple, Echec] = {}
    for case in cases.itertuples(index=False):
        check = str(case.check)
        position = None if case.index is None or pd.isna(case.index) else int(case.index)
        if check in _CONTROLES_LIGNE:
            colonnes, controle = _CONTROLES_LIGNE[check]
        elif check == "column_in_dataframe":  # pandera names the schema, the column is the case
            colonnes, controle = (_texte(case.failure_case),), _controle(check)
        else:
            colonnes, controle = (_texte(case.column),), _controle(check)
        valeur = "" if check == "column_in_dataframe" else _texte(case.failure_case)
        echec = Echec(position, colonnes, controle, valeur)
        found.setdefault((position, colonnes, controle), echec)
    return sorted(found.values(), key=lambda e: (-1 if e.position is None else e.position))


def _failures(frame: pd.DataFrame, found: list[Echec]) -> pd.DataFrame:
    """The failures table: file, page and row of each failing row, the check, the value."""
    records = []
    for e in found:
        if e.position is None or e.position >= len(frame):
            records.append(("", None, None, e.colonne, e.controle, e.valeur))
            continue
        row = frame.iloc[e.position]
        shown = (_texte(row.get(e.colonnes[0])) if len(e.colonnes) == 1
                 else ", ".join(f"{c}={_texte(row.get(c))}" for c in e.colonnes))
        records.append((_texte(row.get("fichier_source")), row.get("page_debut"), row.get("ligne"),
                        e.colonne, e.controle, shown))
    table = pd.DataFrame.from_records(records, columns=list(FAILURE_COLUMNS))
    for column in ("page_debut", "ligne"):
        table[column] = pd.array(pd.to_numeric(table[column], errors="coerce"), dtype="Int64")
    for column in ("fichier_source", "colonne", "controle", "valeur"):
        table[column] = table[column].astype(str)
    return table


def _flag(frame: pd.DataFrame, found: list[Echec]) -> pd.DataFrame:
    """The frame with the failing rows' a_verifier set and their motifs appended."""
    out = frame.copy()
    motifs = (out["motifs_verification"].fillna("").astype(str).tolist()
              if "motifs_verification" in out else [""] * len(out))
    flags = out["a_verifier"].fillna(False).astype(bool).tolist() if "a_verifier" in out else [False] * len(out)
    for e in found:
        if e.position is None or e.position >= len(out):
            continue
        known = [m for m in motifs[e.position].split("|") if m]
        motifs[e.position] = "|".join(dict.fromkeys([*known, e.motif]))
        flags[e.position] = True
    out["motifs_verification"] = pd.Series(motifs, index=out.index, dtype=str)
    # A note without the flag (or the reverse) is itself a failure: the flag follows the notes.
    out["a_verifier"] = pd.Series(flags, index=out.index, dtype=bool) | (out["motifs_verification"] != "")
    return out


@functools.cache
def contract() -> type:
    """The contract's schema, its checks ready. pandera (0.17 s to import) and its checks for
    pandas (with hypothesis when installed, 0.15 s, which pandera would load at the first
    validation) are loaded here rather than with this module, with the collector off like the
    run's other libraries (`pipeline.loading`): a run loads them while its workers read
    (`worker.read_documents`), not before the first page or after the last."""
    with libraries("pandera.backends.pandas.builtin_checks"):
        import pandera.backends.pandas.builtin_checks  # noqa: F401

        from schemas.contract import SynergiesContract
    return SynergiesContract


def validate(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The frame with failing rows flagged, and the table of failures (empty when all pass)."""
    from pandera.errors import SchemaErrors

    positional = frame.reset_index(drop=True)
    try:
        contract().validate(positional, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
    else:
        cases = pd.DataFrame(columns=["check", "column", "failure_case", "index"])
    found = echecs(cases)
    failures = _failures(positional, found)
    flagged = _flag(positional, found)
    flagged.index = frame.index
    return flagged, failures


def _cellule(value: object) -> str:
    """A value as a Markdown table cell: no pipe, no line break, not too long."""
    text = " ".join(_texte(value).replace("|", "/").split())
    return text if len(text) <= 80 else text[:79] + "…"


def report_markdown(failures: pd.DataFrame) -> str:
    """validation_report.md: how many checks failed, then every failure with file, page, row."""
    lines = ["# Rapport de validation", ""]
    if failures.empty:
        lines.append("Tous les contrôles du contrat sont passés : aucune ligne à signaler.")
        return "\n".join(lines) + "\n"
    rows = failures.dropna(subset=["ligne"])
    by_row = rows[["fichier_source", "ligne"]].drop_duplicates()
    table_level = len(failures) - len(rows)
    summary = f"{len(failures)} contrôle(s) échoué(s), sur {len(by_row)} ligne(s)"
    if table_level:
        summary += f" et {table_level} colonne(s) entière(s)"
    lines += [summary + ". Les lignes concernées sont gardées, marquées `a_verifier`.", "",
              "| Fichier | Page | Ligne | Colonne | Contrôle | Valeur |",
              "|---|---|---|---|---|---|"]
    for f in failures.itertuples(index=False):
        cells = (f.fichier_source, f.page_debut, f.ligne, f.colonne, f.controle, f.valeur)
        lines.append("| " + " | ".join(_cellule(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
