"""normalise: the free-text cells to the contract's labels, and the doubts a person should check.

Each labelled column reads one cell (`schemas/vocabulaires.yaml`, section `colonnes`). A cell and
every synonym go through the same preparation: `fold` (case, accents, punctuation), abbreviations
rewritten ("VM" -> "ville"), small words dropped. Synonyms are then looked for among the cell's
runs of consecutive words, compared without spaces with rapidfuzz, so "Co-opératif" or a typo
still match while short words (VM, DG, CPAS) must be exact.

A word cut short and closed by a dot ("Coopér.", "Dir. gén.", "Perf. adm.") stands for any
vocabulary word it begins: spreadsheet shorthand needs no entry of its own. In the responsible
column the value is a function's holder (the DG): a clause naming an administration with other
words but not that function ("Directrice financière du CPAS", "Chef de service RH Ville") names
someone else and gives no value, rather than the administration's DG as a guess.

Empty means unknown: a cell that names no value, or contradictory ones, gets an empty label and a
review note; a label is never the nearest guess. A match below the confident score is written
and noted. Everything here is pure; results per distinct cell text are cached, since the same
"Coopératif" or "Les deux" fills most rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .settings import NormaliseSettings
from .vocabulary import fold, load

VOCABULAIRE = "vocabulaires.yaml"

# Where a clause ends: sentence or list punctuation followed by a space, brackets, colons,
# semicolons, and a dash, plus or slash standing between spaces ("Coopératif + Délégatif").
# A dot inside "C.P.A.S." or a hyphen in "Ville-CPAS" does not end one.
_FIN_PROPOSITION = re.compile(r"[;:()\[\]\n]|[.,!?…](?=\s|$)|\s[-–—+/]\s|\s\+|\+\s")
_POURCENTAGE = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
_EXTRAIT = 40  # characters of a cell quoted in a review note
# A word closed by a dot may be cut short ("Coopér.", "Dir. gén."); when it begins a longer
# vocabulary word, its dot becomes `_POINT_ABREGE`, which ends no clause and marks the word.
_MOT_POINTE = re.compile(r"([^\W\d_]+)\.")
_POINT_ABREGE = "\u2024"
_JETON = re.compile(rf"[^\W_]+({_POINT_ABREGE})?")
_ABREGE = "."  # a prepared word still cut short keeps a dot, so matching takes it as a prefix


@dataclass(frozen=True)
class Colonne:
    """One labelled column of the contract and its vocabulary, prepared for matching."""

    sortie: str                     # objectifs_norm, mode_norm...
    source: str                     # the cell it reads
    nom: str                        # its name in review notes
    plusieurs: bool                 # several values in one cell (joined by "|")
    debut: bool                     # the value must open the cell
    texte_libre: bool               # descriptions are normal here: long unmatched cells not flagged
    valeurs: tuple[str, ...]        # canonical values, in output order
    synonymes: tuple[str, ...]      # prepared synonyms, words joined without spaces
    etiquettes: tuple[str, ...]     # the canonical value of each synonym
    mots: tuple[tuple[int, ...], ...]  # each synonym's words, as indices into `lexique`
    lexique: tuple[str, ...]        # every word of every synonym, once
    combinaisons: tuple[tuple[str, frozenset[str]], ...] = ()
    pourcentages: tuple[tuple[str, int, int], ...] = ()
    titulaire: str = ""             # the function the value names the holder of ("dg"); "" none
    neutres: frozenset[str] = frozenset()  # words naming no one besides the holder ("et")


Abreviation = tuple[tuple[str, ...], tuple[str, ...]]  # a written form's words -> the words meant


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key for the cell labels
class Vocabulaire:
    abreviations: tuple[Abreviation, ...]    # longest written forms first
    mots_vides: frozenset[str]
    mots: tuple[str, ...]                    # every word of the forms and synonyms: what "x." may begin
    marqueurs: tuple[tuple[str, ...], ...]   # "current state" words, as word sequences
    roles: tuple[tuple[str, ...], ...]       # "helper" words, as word sequences
    colonnes: dict[str, Colonne]


@dataclass(frozen=True)
class Match:
    """The label of one cell, how sure it is, and why a person should look (empty if no need)."""

    label: str                      # canonical value(s), "|"-joined for objectives; "" unknown
    score: float                    # weakest synonym match behind the label, 0-100; 0 if none
    motifs: tuple[str, ...] = ()
    avancement: int | None = None   # the percentage, statut only

    @property
    def reason(self) -> str:
        return "|".join(self.motifs)


@dataclass(frozen=True)
class Mention:
    """A synonym found in a cell: its value, its score and the words it covers [debut, fin)."""

    label: str
    score: float
    debut: int
    fin: int


# --- the vocabulary file ---------------------------------------------------------------------

def _sequences(words: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(fold(w).split()) for w in words if fold(w))


def _abreviations(data: dict) -> tuple[Abreviation, ...]:
    """Every written form as words, with the words it stands for; longest forms first."""
    forms = {tuple(fold(form).split()): tuple(fold(mot).split())
             for mot, written in (data or {}).items() for form in written or []}
    return tuple(sorted(((f, m) for f, m in forms.items() if f), key=lambda fm: (-len(fm[0]), -len("".join(fm[0])))))


def _marque_abreges(text: str, mots: tuple[str, ...], abrege_min: int) -> str:
    """The text with the dot of each shortened word ("Coopér.": at least `abrege_min` letters
    beginning a longer vocabulary word) marked, so that it ends no clause."""
    def marque(m: re.Match) -> str:
        debut = fold(m.group(1))
        if len(debut) >= abrege_min and any(len(w) > len(debut) and w.startswith(debut) for w in mots):
            return m.group(1) + _POINT_ABREGE
        return m.group(0)
    return _MOT_POINTE.sub(marque, text)


def _jetons(text: str) -> list[str]:
    """The text's folded words; a marked shortened word keeps a dot ("cooper.")."""
    words: list[str] = []
    for m in _JETON.finditer(text):
        parts = fold(m.group(0)).split()
        words.extend(parts)
        if parts and m.group(1):
            words[-1] += _ABREGE
    return words


def _commence(mot: str, forme: str) -> bool:
    """A word is the form's word, or that word cut short ("gen." for "general")."""
    return mot == forme or (mot.endswith(_ABREGE) and forme.startswith(mot[:-1]))


def _mots(text: str, abreviations: tuple[Abreviation, ...], mots_vides: frozenset[str]) -> list[str]:
    """The prepared words: folded, written forms rewritten to what they stand for (a shortened
    word standing for the form's word it begins), small words dropped."""
    words = _jetons(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        for forme, mots in abreviations:
            n = len(forme)
            if i + n <= len(words) and all(_commence(w, f) for w, f in zip(words[i:i + n], forme)):
                out.extend(mots)
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return [w for w in out if w.rstrip(_ABREGE) not in mots_vides]


def _colonne(sortie: str, spec: dict, prepare) -> Colonne:
    valeurs = tuple(spec["valeurs"])
    prepared = [(prepare(s), label) for label in valeurs for s in spec["valeurs"][label] or []]
    prepared = [(words, label) for words, label in prepared if words]
    lexique = tuple(dict.fromkeys(w for words, _ in prepared for w in words))
    position = {w: i for i, w in enumerate(lexique)}
    return Colonne(
        sortie=sortie, source=spec["source"], nom=spec.get("nom", sortie),
        plusieurs=bool(spec.get("plusieurs", False)), debut=spec.get("recherche") == "debut",
        texte_libre=bool(spec.get("texte_libre", False)), valeurs=valeurs,
        synonymes=tuple("".join(words) for words, _ in prepared),
        etiquettes=tuple(label for _, label in prepared),
        mots=tuple(tuple(position[w] for w in words) for words, _ in prepared), lexique=lexique,
        combinaisons=tuple((k, frozenset(v)) for k, v in (spec.get("combinaisons") or {}).items()),
        pourcentages=tuple((k, int(lo), int(hi)) for k, (lo, hi) in (spec.get("pourcentages") or {}).items()),
        titulaire=fold(spec.get("titulaire") or ""),
        neutres=frozenset(fold(w) for w in spec.get("mots_neutres") or []),
    )


def parse_vocabulaire(data: dict) -> Vocabulaire:
    """The vocabulary file's content, prepared for matching (pure: tests may pass their own)."""
    abreviations = _abreviations(data.get("abreviations"))
    mots_vides = frozenset(fold(w) for w in data.get("mots_vides") or [])

    def prepare(text: str) -> list[str]:
        return _mots(text, abreviations, mots_vides)

    colonnes = {k: _colonne(k, v, prepare) for k, v in data["colonnes"].items()}
    mots = {w for forme, sens in abreviations for w in (*forme, *sens)}
    mots.update(w for c in colonnes.values() for w in c.lexique)
    return Vocabulaire(
        abreviations=abreviations, mots_vides=mots_vides, mots=tuple(sorted(mots)),
        marqueurs=_sequences(data.get("marqueurs_etat_actuel") or []),
        roles=_sequences(data.get("roles_secondaires") or []),
        colonnes=colonnes,
    )


def colonne_mots_cles(sortie: str, valeurs: dict[str, list[str]], vocab: Vocabulaire) -> Colonne:
    """Keywords of another taxonomy (`domaines.yaml`) prepared exactly as the labels' synonyms,
    so that `mentions` finds them with the same tolerance."""
    return _colonne(sortie, {"source": sortie, "valeurs": valeurs},
                    lambda text: _mots(text, vocab.abreviations, vocab.mots_vides))


def mots(text: str, vocab: Vocabulaire, settings: NormaliseSettings = NormaliseSettings()) -> list[str]:
    """A cell's words as `mentions` reads them (clauses joined)."""
    return [w for clause in _propositions(text, vocab, settings) for w in clause]


@lru_cache(maxsize=4)
def vocabulaire(name: str = VOCABULAIRE) -> Vocabulaire:
    """The shipped vocabulary file, prepared once."""
    return parse_vocabulaire(load(name))


def canonical_values(column: str, name: str = VOCABULAIRE) -> tuple[str, ...]:
    """The canonical values of a labelled column (objectifs_norm, mode_norm...)."""
    return vocabulaire(name).colonnes[column].valeurs


# --- finding synonyms in a cell --------------------------------------------------------------

def _contient(words: list[str], sequence: tuple[str, ...]) -> int:
    """End index of the last occurrence of a word sequence in words, -1 if absent."""
    n = len(sequence)
    for start in range(len(words) - n, -1, -1):
        if tuple(words[start:start + n]) == sequence:
            return start + n
    return -1


def mentions(words: list[str], colonne: Colonne, settings: NormaliseSettings) -> list[Mention]:
    """Synonyms named by runs of consecutive words, best first, no two sharing a word.

    A run matches a synonym of as many words when every word matches its counterpart (the score
    is the weakest word's: "mutualisation des coûts" is not "mutualisation des moyens"); words of
    at most `exact_length` letters must be exact, and a shortened word ("coop.") matches every word
    it begins. A one-word synonym also matches two words
    written together without the space ("Co-opératif"). At the cell's start only when the
    column says so.
    """
    if not words or not colonne.synonymes:
        return []
    abreges = [i for i, w in enumerate(words) if w.endswith(_ABREGE)]
    words = [w.rstrip(_ABREGE) for w in words]
    n_words = len(words)
    scores = process.cdist(words, colonne.lexique, scorer=fuzz.ratio, score_cutoff=settings.min_score)
    short = np.array([len(w) <= settings.exact_length for w in colonne.lexique])
    scores[:, short] = np.where(scores[:, short] >= 100, scores[:, short], 0)
    for i in abreges:  # a shortened word is every vocabulary word it begins
        scores[i, [j for j, w in enumerate(colonne.lexique) if w.startswith(words[i])]] = 100
    present = scores.any(axis=0).tolist()  # a synonym with a word found nowhere cannot match
    found: list[Mention] = []
    for label, indices in zip(colonne.etiquettes, colonne.mots):
        if not all(present[u] for u in indices):
            continue
        size = len(indices)
        starts = min(1, n_words - size + 1) if colonne.debut else n_words - size + 1
        if starts <= 0:
            continue
        run = np.min(np.stack([scores[i:i + starts, u] for i, u in enumerate(indices)]), axis=0)
        found.extend(Mention(label, float(run[s]), int(s), int(s) + size) for s in np.flatnonzero(run))
    singles = [j for j, indices in enumerate(colonne.mots) if len(indices) == 1]
    if n_words >= 2 and singles:
        pairs = [words[s] + words[s + 1] for s in range(1 if colonne.debut else n_words - 1)]
        joined = process.cdist(pairs, [colonne.synonymes[j] for j in singles], scorer=fuzz.ratio,
                               score_cutoff=settings.min_score)
        for s, k in zip(*joined.nonzero()):
            j, score = singles[k], float(joined[s, k])
            if len(colonne.synonymes[j]) > settings.exact_length or score >= 100:
                found.append(Mention(colonne.etiquettes[j], score, int(s), int(s) + 2))
    found.sort(key=lambda m: (-m.score, -(m.fin - m.debut), m.debut))
    kept: list[Mention] = []
    for m in found:
        if all(m.fin <= k.debut or m.debut >= k.fin for k in kept):
            kept.append(m)
    return kept


def _prepares(text: str, vocab: Vocabulaire, settings: NormaliseSettings) -> list[str]:
    text = _marque_abreges(text, vocab.mots, settings.abbreviation_min_letters)
    return _mots(text, vocab.abreviations, vocab.mots_vides)


def _propositions(text: str, vocab: Vocabulaire, settings: NormaliseSettings) -> list[list[str]]:
    """The cell's clauses as prepared words."""
    text = _marque_abreges(text, vocab.mots, settings.abbreviation_min_letters)
    parts = (_mots(part, vocab.abreviations, vocab.mots_vides)
             for part in _FIN_PROPOSITION.split(text))
    return [words for words in parts if words]


def _autre_personne(clause: list[str], colonne: Colonne, settings: NormaliseSettings) -> bool:
    """A clause naming an administration with words of its own but not the column's function
    names someone else: "Directrice financière du CPAS" is not the CPAS's DG."""
    if not colonne.titulaire or colonne.titulaire in clause:
        return False
    found = mentions(clause, colonne, settings)
    if not found:
        return False
    covered = {i for m in found for i in range(m.debut, m.fin)}
    return any(i not in covered and w not in colonne.neutres for i, w in enumerate(clause))


def _meilleurs(found: list[Mention]) -> dict[str, float]:
    """Each value named, with its best score."""
    best: dict[str, float] = {}
    for m in found:
        best[m.label] = max(best.get(m.label, 0.0), m.score)
    return best


def _combiner(best: dict[str, float], colonne: Colonne) -> dict[str, float]:
    """Parts named together make their combination ("Ville et CPAS" -> les_deux); a combination
    named outright covers its parts ("Les deux (Ville et CPAS)" -> les_deux)."""
    best = dict(best)
    for combo, parts in colonne.combinaisons:
        if parts <= best.keys():
            score = min(best.pop(p) for p in parts)
            best[combo] = max(best.get(combo, 0.0), score)
    for combo, parts in colonne.combinaisons:
        if combo in best:
            for p in parts:
                best.pop(p, None)
    return best


# --- labelling one cell ----------------------------------------------------------------------

def _extrait(text: str) -> str:
    text = " ".join(text.split()).replace("|", "/")
    if len(text) <= _EXTRAIT:
        return text
    return text[:_EXTRAIT].rsplit(" ", 1)[0] + "…"


def _non_reconnu(text: str, colonne: Colonne, settings: NormaliseSettings) -> tuple[str, ...]:
    """The note for a cell that names nothing, unless it is a description where one is normal."""
    if colonne.texte_libre and len(fold(text).split()) > settings.short_cell_words:
        return ()
    return (f"{colonne.nom} non reconnu : « {_extrait(text)} »",)


def _incertain(colonne: Colonne, score: float, settings: NormaliseSettings) -> tuple[str, ...]:
    if score >= settings.confident_score:
        return ()
    return (f"{colonne.nom} : correspondance incertaine (score {round(score)})",)


def _contradiction(colonne: Colonne, labels) -> str:
    return f"{colonne.nom} : valeurs contradictoires ({', '.join(labels)})"


def _objectifs(text: str, colonne: Colonne, vocab: Vocabulaire, settings: NormaliseSettings) -> Match:
    """Every value the cell names, in the vocabulary's order."""
    words = mots(text, vocab, settings)
    best = _combiner(_meilleurs(mentions(words, colonne, settings)), colonne)
    if not best:
        return Match("", 0.0, _non_reconnu(text, colonne, settings))
    score = min(best.values())
    label = "|".join(v for v in colonne.valeurs if v in best)
    return Match(label, score, _incertain(colonne, score, settings))


def _unique(text: str, colonne: Colonne, vocab: Vocabulaire, settings: NormaliseSettings) -> Match:
    """One value: helpers' clauses set aside, the state after "ensuite" preferred."""
    clauses = [c for c in _propositions(text, vocab, settings) if not any(_contient(c, r) >= 0 for r in vocab.roles)]
    autres = [c for c in clauses if _autre_personne(c, colonne, settings)]
    words = [w for clause in clauses if clause not in autres for w in clause]
    found = mentions(words, colonne, settings)
    motifs: list[str] = []
    if autres and not found:
        return Match("", 0.0, (f"{colonne.nom} : autre fonction que {colonne.titulaire.upper()} « {_extrait(text)} »",))
    cut = max((_contient(words, m) for m in vocab.marqueurs), default=-1)
    after = [m for m in found if m.debut >= cut] if cut >= 0 else []
    if after:
        before = _combiner(_meilleurs([m for m in found if m.debut < cut]), colonne)
        if before.keys() - _combiner(_meilleurs(after), colonne).keys():
            motifs.append(f"{colonne.nom} : valeur changeante, dernier état retenu")
        found = after
    best = _combiner(_meilleurs(found), colonne)
    if not best:
        return Match("", 0.0, _non_reconnu(text, colonne, settings))
    if len(best) > 1:
        ordered = [v for v in colonne.valeurs if v in best]
        return Match("", max(best.values()), (*motifs, _contradiction(colonne, ordered)))
    (label, score), = best.items()
    return Match(label, score, (*motifs, *_incertain(colonne, score, settings)))


def _avancement(text: str, settings: NormaliseSettings) -> tuple[int | None, tuple[str, ...]]:
    """The percentage opening the cell, and notes when it is impossible or not unique."""
    values = []
    for m in _POURCENTAGE.finditer(text):
        if len(fold(text[:m.start()]).split()) <= settings.percent_lead_words:
            values.append(int(float(m.group(1).replace(",", ".")) + 0.5))  # 12,5 % -> 13
    impossible = sorted({v for v in values if v > 100})
    possible = sorted(set(values) - set(impossible))
    notes = tuple(f"avancement : pourcentage impossible ({v} %)" for v in impossible)
    if len(possible) > 1:
        shown = ", ".join(f"{v} %" for v in possible)
        return None, (*notes, f"avancement : pourcentages contradictoires ({shown})")
    return (possible[0] if possible else None), notes


def _statut(text: str, colonne: Colonne, vocab: Vocabulaire, settings: NormaliseSettings) -> Match:
    """The status opening the last column; a stated percentage is the more precise statement."""
    words = _prepares(text, vocab, settings)
    found = mentions(words, colonne, settings)
    pct, notes = _avancement(text, settings)
    from_pct = next((k for k, lo, hi in colonne.pourcentages if pct is not None and lo <= pct <= hi), "")
    if from_pct:
        motifs = list(notes)
        worded = found[0].label if found else ""
        if worded and worded != from_pct:
            motifs.append(f"{colonne.nom} : valeurs contradictoires ({worded}, {pct} %)")
        return Match(from_pct, 100.0, tuple(motifs), pct)
    if not found:  # an impossible percentage already says why the status is unknown
        return Match("", 0.0, notes or _non_reconnu(text, colonne, settings), pct)
    best = found[0]
    return Match(best.label, best.score, (*notes, *_incertain(colonne, best.score, settings)), pct)


@lru_cache(maxsize=65536)
def _label(column: str, text: str, settings: NormaliseSettings, vocab: Vocabulaire) -> Match:
    colonne = vocab.colonnes[column]
    if not fold(text):
        return Match("", 0.0)
    if colonne.pourcentages or colonne.debut:
        return _statut(text, colonne, vocab, settings)
    if colonne.plusieurs:
        return _objectifs(text, colonne, vocab, settings)
    return _unique(text, colonne, vocab, settings)


def label(column: str, text: str, settings: NormaliseSettings = NormaliseSettings(),
          vocab: Vocabulaire | None = None) -> Match:
    """The label of one cell for a labelled column (objectifs_norm, mode_norm, ... statut_norm),
    against the shipped vocabulary unless another is given."""
    return _label(column, text or "", settings, vocab or vocabulaire())


def label_objectifs(text: str, settings: NormaliseSettings = NormaliseSettings()) -> Match:
    return label("objectifs_norm", text, settings)


def label_mode(text: str, settings: NormaliseSettings = NormaliseSettings()) -> Match:
    return label("mode_norm", text, settings)


def label_pilote(text: str, settings: NormaliseSettings = NormaliseSettings()) -> Match:
    return label("pilote_norm", text, settings)


def label_responsable(text: str, settings: NormaliseSettings = NormaliseSettings()) -> Match:
    return label("responsable_norm", text, settings)


def label_statut(text: str, settings: NormaliseSettings = NormaliseSettings()) -> Match:
    """statut_norm, with the percentage in `avancement`."""
    return label("statut_norm", text, settings)


# --- the table -------------------------------------------------------------------------------

def _motifs_existants(value: object) -> list[str]:
    return [m for m in str(value).split("|") if m] if isinstance(value, str) else []


@dataclass
class Labels:
    """What the cells of some rows say once labelled, kept apart from the rows' own review notes so
    that it can be found once per document (and cached) and merged after the corpus-wide steps."""

    values: dict[str, list]     # each label column (avancement_pct included), one value per row
    notes: list[list[str]]      # per row, the notes the labels add, after the row's own
    empty_name: list[bool]      # per row, an empty name: "synergie vide" goes before every note


def find_labels(frame: pd.DataFrame, settings: NormaliseSettings, vocab: Vocabulaire | None = None) -> Labels:
    """The labels of every row's cells and the notes they add (pure: the frame is not changed)."""
    vocab = vocab or vocabulaire()
    values: dict[str, list] = {}
    notes: list[list[str]] = [[] for _ in range(len(frame))]
    for column, colonne in vocab.colonnes.items():
        texts = frame[colonne.source].fillna("").astype(str)
        cache = {t: label(column, t, settings, vocab) for t in texts.unique()}
        matches = [cache[t] for t in texts]
        values[column] = [m.label for m in matches]
        if colonne.pourcentages:
            values["avancement_pct"] = [m.avancement for m in matches]
        for row_notes, m in zip(notes, matches):
            row_notes.extend(m.motifs)
    empty = [not fold(synergie) for synergie in frame["synergie"].fillna("").astype(str)]
    return Labels(values, notes, empty)


def with_labels(frame: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """The frame with its labels and avancement_pct set and their notes merged into its review
    flags. The row's own notes are kept; new ones are appended once each, so labelling twice
    gives the same frame."""
    out = frame.copy()
    for column, values in labels.values.items():
        out[column] = pd.array(values, dtype="Int64") if column == "avancement_pct" else values
    existing = out.get("motifs_verification", pd.Series([""] * len(out)))
    joined = ["|".join(dict.fromkeys(["synergie vide"] * empty + _motifs_existants(own) + added))
              for own, added, empty in zip(existing, labels.notes, labels.empty_name)]
    before = out["a_verifier"].fillna(False).astype(bool) if "a_verifier" in out else False
    out["motifs_verification"] = pd.Series(joined, index=out.index, dtype=str)
    out["a_verifier"] = (out["motifs_verification"] != "") | before
    return out


def normalise(frame: pd.DataFrame, settings: NormaliseSettings, vocab: Vocabulaire | None = None) -> pd.DataFrame:
    """The frame with its labels, avancement_pct and review flags filled.

    Doubts already noted (the assembler's) are kept; new ones are appended once each, so
    normalising twice gives the same frame.
    """
    return with_labels(frame, find_labels(frame, settings, vocab))
