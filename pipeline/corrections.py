"""corrections: what people decided in review, applied to the table on every run.

`corrections/corrections.csv` holds one line per decision, written by `synergies revue --importer`
or by hand: the row (commune, annee, empreinte_source, id_synergie), the column, the value the
person saw (`valeur_avant`) and the one they set (`valeur_apres`), a comment and a date. The
column `confirme` records "right as it is": `valeur_avant` is then the fingerprint of the row's six
cells (`cells_fingerprint`), `valeur_apres` "oui".

`apply_corrections` is pure: table x corrections -> corrected table + corrections left pending.
Lines apply in file order, so a later decision on the same cell builds on an earlier one. A value
correction applies when its row is found (same document, else the same commune, year and synergy
in a replaced document) and still holds `valeur_avant`: the value is set, the review notes about
that column are dropped, and `corrige` names the column. A confirmation applies only while the
document (its sha256) and the six cells are the ones the person saw; it drops every note. Anything
else is pending, never applied silently, with the reason.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd

from .export import write_text
from .ids import synergy_id
from .model import CELL_COLUMNS, LABEL_COLUMNS
from .normalise import Vocabulaire, vocabulaire
from .vocabulary import fold

DEFAULT_FILE = Path("corrections") / "corrections.csv"  # relative to where `synergies` is run
COLUMNS = ("commune", "annee", "empreinte_source", "id_synergie", "colonne", "valeur_avant", "valeur_apres",
           "commentaire", "date")
PENDING_COLUMNS = (*COLUMNS, "raison")
CONFIRMATION = "confirme"
CONFIRMED = "oui"
# The columns a person may set: the six cells, the labels and the domain.
EDITABLE = (*CELL_COLUMNS, *LABEL_COLUMNS, "domaine")
# Review notes about the row's name (assemble, normalise), cleared when a person sets the name.
_NAME_NOTES = ("synergie vide", "nom de synergie")


class CorrectionsError(Exception):
    """A corrections file that cannot be used; the message names the file and the reason."""


def text_value(value: object) -> str:
    """A table value as the text a person reads and writes: '' for unknown, 80 for 80.0."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cells_fingerprint(cells: list[str]) -> str:
    """A short hash of a row's six cells, which a confirmation holds on to."""
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:16]


def row_fingerprints(table: pd.DataFrame) -> list[str]:
    return [cells_fingerprint([text_value(v) for v in row]) for row in table[list(CELL_COLUMNS)].itertuples(index=False)]


def note_columns(note: str, vocab: Vocabulaire) -> set[str]:
    """The columns a review note is about: a person setting one of them settles it. Notes about
    the whole row (a merge across pages, OCR) name none: only a confirmation settles them."""
    if note.startswith(_NAME_NOTES):
        return {"synergie"}
    if note.startswith("avancement"):
        return {"avancement_pct"}
    if note.startswith("domaine"):
        return {"domaine"}
    return {c.sortie for c in vocab.colonnes.values() if note.startswith((f"{c.nom} ", f"{c.nom}:"))}


def empty_corrections() -> pd.DataFrame:
    return pd.DataFrame(columns=list(COLUMNS), dtype=str)


def empty_pending() -> pd.DataFrame:
    return pd.DataFrame(columns=list(PENDING_COLUMNS), dtype=str)


class RowFinder:
    """Finds the row a correction is about, by the ids the table has and by each row's own id
    (the id of its extracted name: the same whichever years the run was given)."""

    def __init__(self, table: pd.DataFrame):
        self.ids = list(zip(table["id_synergie"], (synergy_id(c, s) for c, s in zip(table["commune"], table["synergie"]))))
        self.by_document: dict[str, list[int]] = {}
        self.by_year: dict[tuple[str, str], list[int]] = {}
        for p, (sha, commune, annee) in enumerate(zip(table["empreinte_source"], table["commune"], table["annee"])):
            self.by_document.setdefault(sha, []).append(p)
            self.by_year.setdefault((fold(commune), text_value(annee)), []).append(p)

    def find(self, line) -> tuple[list[int], bool]:
        """Rows matching the line, and whether they are in the very document it was made on; in
        the run's other documents of that commune and year only when that one is not in the run
        (it was replaced)."""
        if line.empreinte_source in self.by_document:
            return [p for p in self.by_document[line.empreinte_source] if line.id_synergie in self.ids[p]], True
        others = self.by_year.get((fold(line.commune), line.annee), [])
        return [p for p in others if line.id_synergie in self.ids[p]], False


def _shown(value: str) -> str:
    return f"« {value} »" if value else "(vide)"


def _valid(column: str, value: str) -> bool:
    if column != "avancement_pct" or value == "":
        return True
    return value.isdigit() and 0 <= int(value) <= 100


def apply_corrections(table: pd.DataFrame, corrections: pd.DataFrame, vocab: Vocabulaire | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with the applicable corrections applied, and the pending ones with their reason."""
    vocab = vocab or vocabulaire()
    out = table.reset_index(drop=True).copy()
    lines = corrections[list(COLUMNS)].fillna("").astype(str).map(str.strip)
    # Only the rows a line is about are touched one by one: a corpus has tens of thousands.
    set_values: dict[str, dict[int, str]] = {c: {} for c in EDITABLE}
    motifs = out["motifs_verification"].fillna("").astype(str).tolist()
    notes: dict[int, list[str]] = {}
    corrected: dict[int, list[str]] = {}
    confirmed: set[int] = set()
    rows = RowFinder(out) if len(lines) else None
    pending = []

    def value(column: str, p: int) -> str:
        return set_values[column].get(p, text_value(out[column].iat[p]))

    def row_notes(p: int) -> list[str]:
        return notes.setdefault(p, [m for m in motifs[p].split("|") if m])

    for line in lines.itertuples(index=False):
        column = line.colonne
        candidates, same_document = rows.find(line)
        reason = ""
        if column != CONFIRMATION and column not in EDITABLE:
            reason = f"colonne inconnue « {column} » (possibles : {CONFIRMATION}, {', '.join(EDITABLE)})"
        elif not _valid(column, line.valeur_apres):
            reason = f"valeur impossible pour {column} : « {line.valeur_apres} » (un entier de 0 à 100)"
        elif not candidates:
            reason = "ligne introuvable : document retiré, ou synergie absente de cette extraction"
        elif column == CONFIRMATION:
            matching = [p for p in candidates if not line.valeur_avant or
                        cells_fingerprint([value(c, p) for c in CELL_COLUMNS]) == line.valeur_avant]
            if not same_document:
                reason = "document remplacé depuis la confirmation : ligne à revoir"
            elif not matching:
                reason = "texte de la ligne changé depuis la confirmation : ligne à revoir"
            elif len(matching) > 1:
                reason = "plusieurs lignes correspondent à cette synergie dans le document"
            else:
                confirmed.add(matching[0])
                corrected.setdefault(matching[0], []).append("a_verifier")
        else:
            matching = [p for p in candidates if value(column, p) in (line.valeur_avant, line.valeur_apres)]
            if len(matching) == 1:
                p = matching[0]
                set_values[column][p] = line.valeur_apres
                notes[p] = [n for n in row_notes(p) if column not in note_columns(n, vocab)]
                corrected.setdefault(p, []).append(column)
            elif matching:
                reason = "plusieurs lignes correspondent à cette synergie dans le document"
            elif len(candidates) == 1:
                reason = (f"valeur changée : {_shown(value(column, candidates[0]))} au lieu de {_shown(line.valeur_avant)}"
                          + ("" if same_document else " (document remplacé)"))
            else:
                reason = "plusieurs lignes correspondent à cette synergie, aucune avec la valeur d'avant"
        if reason:
            pending.append((*line, reason))
    for p in confirmed:
        notes[p] = []
    for column, changed in set_values.items():
        if column == "avancement_pct" and changed:
            texts = [changed.get(p, text_value(v)) for p, v in enumerate(out[column])]
            out[column] = pd.array(pd.to_numeric(pd.Series(texts).replace("", None)), dtype="Int64")
        elif changed:
            out.loc[list(changed), column] = list(changed.values())
    for p, kept in notes.items():
        motifs[p] = "|".join(kept)
    # A note list is written without empty notes, whether or not a line touched its row.
    out["motifs_verification"] = pd.Series(motifs, dtype=str).str.replace(r"\|{2,}", "|", regex=True).str.strip("|")
    out["a_verifier"] = out["motifs_verification"] != ""
    out["corrige"] = pd.Series([""] * len(out), dtype=str)
    if corrected:
        out.loc[list(corrected), "corrige"] = ["|".join(dict.fromkeys(c)) for c in corrected.values()]
    out.index = table.index
    pending_frame = pd.DataFrame.from_records(pending, columns=list(PENDING_COLUMNS)) if pending else empty_pending()
    return out, pending_frame


# --- the file, at the edges ------------------------------------------------------------------

def read_corrections(path: Path) -> pd.DataFrame:
    """The corrections file; none yet is no correction. CorrectionsError if it cannot be used."""
    if not path.exists():
        return empty_corrections()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, OSError) as error:
        raise CorrectionsError(f"{path} : fichier de corrections illisible ({error}) ; corrigez la ligne en cause") from error
    except pd.errors.EmptyDataError:
        return empty_corrections()
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise CorrectionsError(f"{path} : colonnes manquantes ({', '.join(missing)}) ; la première ligne doit être : "
                               + ",".join(COLUMNS))
    return frame[list(COLUMNS)]


def new_decisions(existing: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """The lines not already recorded (same row, column and values): importing twice adds nothing."""
    key = ["empreinte_source", "id_synergie", "colonne", "valeur_avant", "valeur_apres"]
    known = set(existing[key].astype(str).itertuples(index=False, name=None))
    keep = [tuple(k) not in known for k in lines[key].astype(str).itertuples(index=False, name=None)]
    return lines[keep]


def append_corrections(path: Path, lines: pd.DataFrame) -> int:
    """Add the new decisions at the end of the file (rewritten whole, atomically; the lines
    already there are kept byte for byte, hand-written ones included). How many were added."""
    fresh = new_decisions(read_corrections(path), lines)
    if fresh.empty:
        return 0
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    buffer = io.StringIO()
    fresh[list(COLUMNS)].to_csv(buffer, index=False, header=not before.strip(), lineterminator="\n")
    write_text(before + buffer.getvalue(), path)
    return len(fresh)
