"""diff: the synergies of two years side by side, and ids that survive a rewording.

The same synergy is often reworded or corrected from one report to the next ("Service Voierie" ->
"Service Voirie", "Pole accueil" -> "Pôle accueil"), moved or split differently across pages, so
rows are paired by content, never by position or by exact name. Within one commune, every old row
is compared with every new one: similarity of the names (token order ignored), helped by the other
five cells; then one optimal one-to-one assignment keeps the pairs above the thresholds of
`DiffSettings`. Because the assignment is global, two different synergies with close names
("Pole accueil Gestion des associations", "Egalité des chances Gestion des associations") each
keep their own partner when both exist in both years.

Everything here is pure except `load_run_output`, the only reader of files.
"""

from __future__ import annotations

import csv
from itertools import permutations
from math import perm
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from .model import CELL_COLUMNS, LABEL_COLUMNS
from .score import comparable
from .settings import DiffSettings
from .vocabulary import fold_each

CHANGES = ("ajoutee", "supprimee", "modifiee", "inchangee")
# Columns a change is looked for in: the six cells and the labels normalise gives them.
COMPARED_COLUMNS = (*CELL_COLUMNS, *LABEL_COLUMNS)
# What a table must hold to be taken for the output of `synergies run`.
REQUIRED_COLUMNS = ("commune", "annee", "ligne", "id_synergie", *CELL_COLUMNS)
TEXT_COLUMNS = ("commune", "id_synergie", "fichier_source", *CELL_COLUMNS,
                *(c for c in LABEL_COLUMNS if c != "avancement_pct"))
# The diff's columns: the contract's, then the before/after values of the other compared columns
# (synergie, the first, already has its pair), then where each row comes from.
DIFF_COLUMNS = (
    "changement", "id_avant", "id_apres", "synergie_avant", "synergie_apres", "score_appariement",
    "champs_modifies",
    *(f"{c}_{side}" for c in COMPARED_COLUMNS[1:] for side in ("avant", "apres")),
    "commune", "annee_avant", "annee_apres", "ligne_avant", "ligne_apres",
)
# Ties between equally good partners (a name repeated in both years) go to the closest position;
# small enough never to outweigh a real difference of score, even summed over thousands of rows.
_POSITION_TIEBREAK = 1e-6
# A group of look-alikes is paired by trying every way of pairing it when there are at most this
# many ways (8 x 8: 40,320) and the best total beats every other set of pairs by more than `_TIE`
# (far above rounding, far below a position tie-break); otherwise scipy's solver decides, as it
# always has: its choice among near-equal totals is the one the results follow.
_MOST_WAYS = 40_320
_TIE = 1e-9
# Groups of one shape are tried together, this many entries (groups x ways x rows) at a time.
_WAYS_AT_ONCE = 2_000_000


# ---------------------------------------------------------------- inputs
def missing_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in REQUIRED_COLUMNS if c not in frame.columns]


def _plain_text(series: pd.Series) -> pd.Series:
    """Cells as plain strings: missing -> "", a Parquet list (objectifs_norm) -> "|"-joined text."""
    if series.dtype == "str" and not series.hasnans:  # a CSV read as text: already so
        return series
    values = series.to_numpy(dtype=object, na_value="")
    if series.name == "objectifs_norm":  # the only column Parquet may hold as lists
        values = ["|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v for v in values]
    return pd.Series(values, index=series.index, dtype=object).astype(str)


def prepared(frame: pd.DataFrame) -> pd.DataFrame:
    """A run output with plain text cells ("" for missing), nullable integers, positions 0..n-1.

    Label columns absent from an older output are added empty; a Parquet `objectifs_norm` list
    becomes the CSV's "|"-joined text, so both formats diff the same.
    """
    frame = frame.reset_index(drop=True).copy()
    for column in TEXT_COLUMNS:
        frame[column] = _plain_text(frame[column]) if column in frame else ""
    for column in ("annee", "ligne", "avancement_pct"):
        if column not in frame:
            frame[column] = pd.NA
        frame[column] = pd.array(pd.to_numeric(frame[column].replace("", pd.NA), errors="coerce"), dtype="Int64")
    return frame


def read_text_csv(path: Path) -> pd.DataFrame:
    """`pd.read_csv(path, dtype=str, keep_default_na=False)`: every cell as text, "" for an empty one.

    Read by Arrow, three times faster than pandas' parser. A file Arrow does not read as a plain
    table (rows of uneven length, a cell over a block) or whose names are repeated or empty is read
    by pandas, whose own rules (short rows filled, names numbered) then decide as they always did.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    with open(path, encoding="utf-8-sig", newline="") as text:  # the names, to read every column as text
        names = next(csv.reader(text), [])
    if all(names) and len(set(names)) == len(names) > 0:
        try:
            return pa_csv.read_csv(path, parse_options=pa_csv.ParseOptions(newlines_in_values=True),
                                   convert_options=pa_csv.ConvertOptions(
                                       column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False),
                                   ).to_pandas()
        except pa.ArrowInvalid:
            pass
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_run_output(path: Path) -> pd.DataFrame:
    """The synergies of a `synergies run` output: synergies.csv, synergies.parquet, or the run's folder.

    Raises ValueError, in French for the user, when the path holds anything else.
    """
    path = Path(path)
    if path.is_dir():
        for name in ("synergies.parquet", "synergies.csv"):
            if (path / name).is_file():
                return load_run_output(path / name)
        raise ValueError(f"{path} n'est pas une sortie de `synergies run` : "
                         "ni synergies.parquet ni synergies.csv dans ce dossier")
    if not path.is_file():
        raise ValueError(f"{path} : fichier ou dossier introuvable")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ValueError(f"{path} n'est pas une sortie de `synergies run` : attendu synergies.csv, "
                         "synergies.parquet ou le dossier d'une exécution")
    try:
        frame = read_text_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    except (ValueError, OSError) as error:  # pandas' parser errors and pyarrow's ArrowInvalid are ValueErrors
        raise ValueError(f"{path} n'est pas une sortie de `synergies run` : fichier illisible ({error})") from None
    missing = missing_columns(frame)
    if missing:
        raise ValueError(f"{path} n'est pas une sortie de `synergies run` : colonnes manquantes : {', '.join(missing)}")
    return prepared(frame)


# ---------------------------------------------------------------- matching
Keys = dict[str, np.ndarray]
# Groups of rows matched each on its own: (positions in the old table, positions in the new one).
Blocks = list[tuple[np.ndarray, np.ndarray]]


def match_keys(frame: pd.DataFrame, memo: dict[str, str] | None = None) -> Keys:
    """What rows are matched on, per column: the folded commune and cells, the name's words sorted.

    Sorting the name's words makes "Gestion des associations – Pôle accueil" its own reordering.
    Each distinct text is folded once: short cells repeat on many rows, and two years share most
    of their texts (pass both tables the same `memo`, text -> folded text).
    """
    memo = {} if memo is None else memo

    def folded(column: str) -> np.ndarray:
        codes, texts = pd.factorize(frame[column])  # prepared: no missing cell, so no code -1
        keys = fold_each(texts.tolist(), memo)
        if column == "synergie":
            keys = [" ".join(sorted(k.split())) for k in keys]
        return np.array(keys, dtype=object)[codes]

    return {column: folded(column) for column in ("commune", *CELL_COLUMNS)}


def _name_similarity(old: np.ndarray, new: np.ndarray, threshold: float) -> np.ndarray:
    """fuzz.ratio (0-100) of every old name against every new one, each distinct name compared once;
    a score under `threshold` is 0 (rapidfuzz stops computing it early)."""
    old_codes, old_values = pd.factorize(old)
    new_codes, new_values = pd.factorize(new)
    # Threads pay off on big matrices only; a commune's 35 x 35 is faster on one.
    workers = -1 if len(old_values) * len(new_values) > 200_000 else 1
    scores = process.cdist(list(old_values), list(new_values), scorer=fuzz.ratio, dtype=np.float32,
                           workers=workers, score_cutoff=threshold)
    return scores[np.ix_(old_codes, new_codes)]


def _specificity(codes: np.ndarray, empty: np.ndarray, block: np.ndarray) -> np.ndarray:
    """1 / how many rows of the same block hold the same text (0 for an empty cell), per row, the
    texts given by their codes (`pd.factorize`) and whether they are empty.

    A cell shared by several rows of one report ("Moyens", "Coopératif", "Les deux") says little
    about which row is which; a long objective found once says a lot; an empty cell says nothing.
    """
    same, _ = pd.factorize(block * (codes.max(initial=0) + 1) + codes)
    counts = np.bincount(same)[same]
    return np.where(empty, 0.0, 1.0 / np.maximum(counts, 1))


def _cell_similarity(old_codes: np.ndarray, old_values: np.ndarray, new_codes: np.ndarray, new_values: np.ndarray
                     ) -> np.ndarray:
    """fuzz.ratio (0-100) of old_values[old_codes[k]] against new_values[new_codes[k]] for every k,
    each distinct pair of texts once: short cells ("Coopératif", "Les deux") repeat on many pairs."""
    which, pairs = pd.factorize(old_codes.astype(np.int64) * len(new_values) + new_codes)
    workers = -1 if len(pairs) > 200_000 else 1
    scores = process.cpdist(list(old_values[pairs // len(new_values)]), list(new_values[pairs % len(new_values)]),
                            scorer=fuzz.ratio, dtype=np.float32, workers=workers)
    return scores[which]


class Candidates(NamedTuple):
    """Pairs that may be the same synergy, one entry per pair: its block, the old and new rows'
    indexes in the block's position arrays, their positions in the tables, the combined score."""
    block: np.ndarray
    i: np.ndarray
    j: np.ndarray
    old: np.ndarray
    new: np.ndarray
    score: np.ndarray

    def take(self, keep: np.ndarray) -> Candidates:
        return Candidates(*(values[keep] for values in self))


def candidate_pairs(old: Keys, new: Keys, blocks: Blocks, settings: DiffSettings) -> Candidates:
    """The pairs of rows that may be the same synergy, within each block (old positions, new
    positions) separately: every old name of a block is compared with every new one there.

    Only pairs whose names are close enough (`name_threshold`) have their other cells compared.
    Each of those is weighted by its weight in the settings times how specific the old row's text
    is among the block's old rows (`_specificity`); the combined score is the weighted mean, so a
    pair whose other cells are all generic is judged on its name alone. Pairs under `threshold`
    are left out. All blocks are scored together: one call per column, however many blocks.
    """
    weights = settings.weights()
    found: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    for number, (old_rows, new_rows) in enumerate(blocks):
        if len(old_rows) and len(new_rows):
            name = _name_similarity(old["synergie"][old_rows], new["synergie"][new_rows], settings.name_threshold)
            i, j = np.nonzero(name >= settings.name_threshold)
            found.append((number, i, j, name[i, j]))
    if not found:
        empty = np.zeros(0, dtype=int)
        return Candidates(empty, empty, empty, empty, empty, np.zeros(0))
    block = np.concatenate([np.full(len(i), number) for number, i, _, _ in found])
    i = np.concatenate([i for _, i, _, _ in found])
    j = np.concatenate([j for _, _, j, _ in found])
    old_start = np.cumsum([0, *(len(rows) for rows, _ in blocks)])
    members = np.concatenate([rows for rows, _ in blocks]).astype(int)  # old rows, block after block
    member_block = np.repeat(np.arange(len(blocks)), np.diff(old_start))
    old_at = members[old_start[block] + i]
    new_at = np.concatenate([blocks[number][1][j] for number, _, j, _ in found]).astype(int)
    total = weights["synergie"] * np.concatenate([s for _, _, _, s in found]).astype(np.float64)
    weight_sum = np.full(len(i), weights["synergie"])
    for column in CELL_COLUMNS[1:]:
        if weights[column] and len(i):
            old_codes, old_values = pd.factorize(old[column])
            new_codes, new_values = (old_codes, old_values) if new is old else pd.factorize(new[column])
            specific = _specificity(old_codes[members], old[column][members] == "", member_block)
            weight = weights[column] * specific[old_start[block] + i]
            total += weight * _cell_similarity(old_codes[old_at], old_values, new_codes[new_at], new_values)
            weight_sum += weight
    combined = total / weight_sum
    keep = combined >= settings.threshold
    return Candidates(block, i, j, old_at, new_at, combined).take(keep)


def _ranks(group: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Per entry, the rank of its member among the distinct members of its group (0, 1, ...)."""
    order = np.lexsort((member, group))
    g, m = group[order], member[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (m[1:] != m[:-1])
    rank = np.cumsum(new) - 1
    first = np.ones(len(order), dtype=bool)
    first[1:] = g[1:] != g[:-1]
    ranks = np.empty(len(order), dtype=int)
    ranks[order] = rank - np.maximum.accumulate(np.where(first, rank, 0))
    return ranks


def _components(a: np.ndarray, b: np.ndarray, nodes: int) -> np.ndarray:
    """The connected component of each node of the graph whose edges are a[k]-b[k], named by one of
    its nodes: each edge's ends take the smaller name until they agree (few rounds: groups are small)."""
    name = np.arange(nodes)
    while (name[a] != name[b]).any():
        low = np.minimum(name[a], name[b])
        np.minimum.at(name, a, low)
        np.minimum.at(name, b, low)
        name = name[name]  # a node takes its name's name: long chains settle in few rounds
    return name


def _best_ways(gain: np.ndarray, edge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Groups of one shape (groups, k, m), k <= m, each paired by trying every way of giving its k
    rows distinct columns. Returns the chosen edges per group (k each, -1 where a row's column is no
    candidate) and whether the best way is clear: no way with other pairs comes within `_TIE`."""
    groups, k, m = gain.shape
    ways = np.array(list(permutations(range(m), k)))
    rows, every = np.arange(k), np.arange(groups)
    totals = gain[:, rows, ways].sum(axis=2)
    taken = edge[:, rows, ways]
    which = (np.where(taken >= 0, ways + 1, 0) * (m + 1) ** rows).sum(axis=2)  # the pairs a way keeps
    best = totals.argmax(axis=1)
    close = totals >= totals[every, best][:, None] - _TIE
    clear = ~(close & (which != which[every, best][:, None])).any(axis=1)
    return taken[every, best], clear


def assign(candidates: Candidates, blocks: Blocks) -> Candidates:
    """The one-to-one pairs of greatest total score among the candidates, block by block.

    The candidates split into independent groups (a synergy and its look-alikes); a group of one
    candidate is a pair. The others are solved each on its own small matrix (its old rows, then its
    new rows, in block order): by trying every way when there are few and one is best by more than
    `_TIE`, otherwise by scipy's linear_sum_assignment, whose choice between equals is kept.
    Between equally good partners (a name repeated in both years) the closest position in the
    block wins.
    """
    if len(candidates.score) == 0:
        return candidates
    n_old = np.array([len(rows) for rows, _ in blocks])
    n_new = np.array([len(rows) for _, rows in blocks])
    block, i, j = candidates.block, candidates.i, candidates.j
    old_node = np.cumsum(n_old)[block] - n_old[block] + i
    new_node = n_old.sum() + np.cumsum(n_new)[block] - n_new[block] + j
    edge_group = _components(old_node, new_node, int(n_old.sum() + n_new.sum()))[old_node]
    alone = np.bincount(edge_group)[edge_group] == 1
    kept = [np.flatnonzero(alone)]
    tiebreak = _POSITION_TIEBREAK * np.abs(i / np.maximum(n_old[block], 1) - j / np.maximum(n_new[block], 1))
    gain = candidates.score - tiebreak
    crowded = np.flatnonzero(~alone)
    crowded = crowded[np.argsort(edge_group[crowded], kind="stable")]
    rows, cols = _ranks(edge_group[crowded], old_node[crowded]), _ranks(edge_group[crowded], new_node[crowded])
    starts = np.flatnonzero(np.r_[True, np.diff(edge_group[crowded]) != 0]) if len(crowded) else np.zeros(0, int)
    group = np.cumsum(np.r_[False, np.diff(edge_group[crowded]) != 0]) if len(crowded) else crowded
    height = np.maximum.reduceat(rows, starts) + 1 if len(crowded) else starts
    width = np.maximum.reduceat(cols, starts) + 1 if len(crowded) else starts
    hard = []
    for shape in set(zip(height.tolist(), width.tolist())):
        ones = np.flatnonzero((height == shape[0]) & (width == shape[1]))
        if perm(max(shape), min(shape)) > _MOST_WAYS:
            hard += ones.tolist()
            continue
        at = np.searchsorted(ones, group)
        mine = (at < len(ones)) & (ones[np.minimum(at, len(ones) - 1)] == group)
        matrix, edge = np.zeros((len(ones), *shape)), np.full((len(ones), *shape), -1)
        matrix[at[mine], rows[mine], cols[mine]] = gain[crowded[mine]]
        edge[at[mine], rows[mine], cols[mine]] = crowded[mine]
        if shape[0] > shape[1]:
            matrix, edge = matrix.transpose(0, 2, 1), edge.transpose(0, 2, 1)
        step = max(1, _WAYS_AT_ONCE // (perm(max(shape), min(shape)) * min(shape)))
        for first in range(0, len(ones), step):
            chosen, clear = _best_ways(matrix[first:first + step], edge[first:first + step])
            kept.append(chosen[clear][chosen[clear] >= 0])
            hard += ones[first:first + step][~clear].tolist()
    if hard:
        # scipy is imported only here, for a big or tied group: it is most of a small run's start-up.
        from scipy.optimize import linear_sum_assignment

        ends = np.r_[starts[1:], len(crowded)]
        for g in hard:
            edges, r, c = crowded[starts[g]:ends[g]], rows[starts[g]:ends[g]], cols[starts[g]:ends[g]]
            matrix = np.zeros((height[g], width[g]))
            matrix[r, c] = gain[edges]
            edge = np.full(matrix.shape, -1)
            edge[r, c] = edges
            chosen = edge[linear_sum_assignment(matrix, maximize=True)]
            kept.append(chosen[chosen >= 0])
    return candidates.take(np.sort(np.concatenate(kept)))


def _positions(values: np.ndarray) -> dict[object, np.ndarray]:
    """Each distinct value's positions (ascending), values in order of first appearance. One sort
    for the whole column: comparing the column with each value in turn is quadratic."""
    codes, uniques = pd.factorize(values)
    order = np.argsort(codes, kind="stable")
    return dict(zip(uniques, np.split(order, np.flatnonzero(np.diff(codes[order])) + 1)))


def pairs(old: Keys, new: Keys, blocks: Blocks, settings: DiffSettings) -> Candidates:
    """The pairs of the same synergy within each block (old positions, new positions), of every
    block at once: candidates, then the one-to-one assignment."""
    return assign(candidate_pairs(old, new, blocks, settings), blocks)


def _by_commune(old: Keys, new: Keys, blocks: Blocks) -> tuple[Blocks, np.ndarray, np.ndarray, np.ndarray]:
    """Each block cut into its communes: the cut blocks, the block each comes from, and where each
    cut block's old and new rows stand in their block's arrays (concatenated, cut after cut)."""
    cut: Blocks = []
    source, at_old, at_new = [], [], []
    for number, (old_rows, new_rows) in enumerate(blocks):
        old_by_commune = _positions(old["commune"][old_rows])
        for commune, in_new in _positions(new["commune"][new_rows]).items():
            in_old = old_by_commune.get(commune)
            if in_old is not None:
                cut.append((old_rows[in_old], new_rows[in_new]))
                source.append(number)
                at_old.append(in_old)
                at_new.append(in_new)
    join = lambda parts: np.concatenate(parts) if parts else np.zeros(0, dtype=int)  # noqa: E731
    return cut, np.array(source, dtype=int), join(at_old), join(at_new)


def _matched(old: Keys, new: Keys, blocks: Blocks, settings: DiffSettings) -> Candidates:
    """The pairs of `match_keyed` within each block, cut by commune: `block` the given block's
    number, `i` and `j` indexes in its position arrays; ordered by block, then new row."""
    cut, source, at_old, at_new = _by_commune(old, new, blocks)
    found = pairs(old, new, cut, settings)
    starts_old = np.cumsum([0, *(len(rows) for rows, _ in cut)])
    starts_new = np.cumsum([0, *(len(rows) for _, rows in cut)])
    found = found._replace(i=at_old[starts_old[found.block] + found.i], j=at_new[starts_new[found.block] + found.j],
                           block=source[found.block] if len(found.block) else found.block)
    return found.take(np.lexsort((found.j, found.block)))


def match_keyed(old: Keys, new: Keys, settings: DiffSettings) -> pd.DataFrame:
    """`match_synergies` on the keys of both tables."""
    found = _matched(old, new, [(np.arange(len(old["commune"])), np.arange(len(new["commune"])))], settings)
    result = pd.DataFrame({"avant": found.old, "apres": found.new, "score": found.score})
    return result.astype({"avant": int, "apres": int, "score": float})


def match_synergies(old: pd.DataFrame, new: pd.DataFrame, settings: DiffSettings) -> pd.DataFrame:
    """Pairs of the same synergy in two tables, within each commune only.

    Returns columns `avant` and `apres` (positions in `old` and `new`, 0-based) and `score` (0-100),
    in the order of `new`. Rows of either side in no pair were added or removed.
    """
    memo: dict[str, str] = {}
    return match_keyed(match_keys(prepared(old), memo), match_keys(prepared(new), memo), settings)


# ---------------------------------------------------------------- stable ids
def carry_ids(table: pd.DataFrame, settings: DiffSettings) -> pd.DataFrame:
    """The table with each synergy's id carried over from its first year to every later one."""
    out = table.reset_index(drop=True).copy()
    if not out.empty:
        out["id_synergie"], _ = carried_ids(out, settings)
    return out


def carried_ids(table: pd.DataFrame, settings: DiffSettings) -> tuple[np.ndarray, np.ndarray]:
    """Each row's id, carried over from its synergy's first year, and the score of the match it
    came by (NaN for a row that keeps its own id).

    Per commune, years are taken in order; each document of a year is matched against the latest
    version of every synergy seen so far (so one absent for a year still finds its id back), and
    a matched row takes that synergy's id. Unmatched rows keep their own id: the id of a synergy is
    the one of its first appearance. Rows without a year are left as they are.
    """
    text = prepared(table)
    keys = match_keys(text)
    ids = text["id_synergie"].to_numpy(dtype=object).copy()
    scores = np.full(len(text), np.nan)
    years = text["annee"].to_numpy(dtype=float, na_value=np.nan)
    documents = text["fichier_source"].to_numpy(dtype=object)
    steps: list[list[tuple[np.ndarray, bool]]] = []  # per commune: each document's rows, whether its year ends
    for in_commune in _positions(keys["commune"]).values():
        steps.append([])
        for year in np.unique(years[in_commune][~np.isnan(years[in_commune])]):
            in_year = in_commune[years[in_commune] == year]
            in_order = pd.unique(documents[in_year])
            steps[-1] += [(in_year[documents[in_year] == d], d == in_order[-1]) for d in in_order]
    known: list[dict[str, int]] = [{} for _ in steps]  # per commune: id -> position of its latest version
    latest: list[dict[str, int]] = [{} for _ in steps]
    # Communes are independent: the n-th document of every commune is matched in one go.
    for step in range(max(map(len, steps), default=0)):
        active = [c for c, documents_of in enumerate(steps) if step < len(documents_of)]
        found = pairs(keys, keys, [(np.fromiter(known[c].values(), dtype=int), steps[c][step][0]) for c in active],
                      settings)
        ids[found.new], scores[found.new] = ids[found.old], found.score
        for c in active:
            rows, year_ends = steps[c][step]
            for row in rows:
                latest[c].setdefault(ids[row], int(row))  # the year's first document stands for it
            if year_ends:
                known[c].update(latest[c])
                latest[c] = {}
    return ids, scores


# ---------------------------------------------------------------- the diff table
def labels_present(frame: pd.DataFrame) -> bool:
    """False for a run made before normalisation existed: all label columns empty."""
    return bool(len(frame)) and any(
        frame[c].notna().any() if c == "avancement_pct" else (frame[c] != "").any() for c in LABEL_COLUMNS)


def compared_columns(old: pd.DataFrame, new: pd.DataFrame) -> tuple[str, ...]:
    """The six cells, and the labels unless one side has no label at all (nothing to compare with)."""
    if labels_present(old) and labels_present(new):
        return COMPARED_COLUMNS
    return CELL_COLUMNS


def _differs(before: pa.Array, after: pa.Array) -> np.ndarray:
    """Which pairs of values differ, once spaces, quotes and dashes are unified (missing = "")."""
    before, after = (values.cast(pa.large_string()).fill_null("") for values in (before, after))
    differ = pc.not_equal(before, after).to_numpy(zero_copy_only=False)
    unequal = np.flatnonzero(differ)  # the rare unequal pairs only: most cells do not change
    a, b = pc.take(before, unequal).to_pylist(), pc.take(after, unequal).to_pylist()
    differ[unequal] = [comparable(x) != comparable(y) for x, y in zip(a, b)]
    return differ


# The columns each side of a diff row shows, under their short names, and the integer ones.
_SIDE_COLUMNS = {"id_synergie": "id", **{c: c for c in COMPARED_COLUMNS}, "annee": "annee", "ligne": "ligne"}
_INTEGER_COLUMNS = ("annee", "ligne", "avancement_pct")


def _arrow_columns(frame: pd.DataFrame) -> dict[str, pa.Array]:
    """The columns a diff row shows, as Arrow arrays: rows are taken from them and the diff's
    columns built without a Python object per cell."""
    return {c: pa.array(frame[c]) for c in ("commune", *_SIDE_COLUMNS)}


def diff_tables(old: pd.DataFrame, new: pd.DataFrame, settings: DiffSettings) -> pd.DataFrame:
    """One row per synergy of either table: added, removed, modified or unchanged, with the values.

    A modified row lists its changed columns in `champs_modifies`, in the contract's column order.
    Rows follow the new document, each removed row placed after the row that preceded it in the old.
    """
    for frame in (old, new):
        missing = missing_columns(frame)
        if missing:
            raise ValueError(f"la table n'est pas une sortie de `synergies run` : colonnes manquantes : {', '.join(missing)}")
    old, new = prepared(old), prepared(new)
    memo: dict[str, str] = {}
    return _diff(old, new, match_keys(old, memo), match_keys(new, memo), [(np.arange(len(old)), np.arange(len(new)))],
                 settings)


def _labelled(frame: pd.DataFrame) -> np.ndarray:
    """Per row, whether any label is filled (`labels_present` of a table is any of its rows')."""
    filled = [frame[c].notna().to_numpy() if c == "avancement_pct" else (frame[c] != "").to_numpy()
              for c in LABEL_COLUMNS]
    return np.logical_or.reduce(filled) if len(frame) else np.zeros(0, dtype=bool)


def _diff(old: pd.DataFrame, new: pd.DataFrame, old_keys: Keys, new_keys: Keys,
          blocks: Blocks, settings: DiffSettings) -> pd.DataFrame:
    """`diff_tables` of some rows of `old` against some rows of `new`, block after block (each a
    pair of position arrays): one table built once, however many blocks (a corpus's years)."""
    old_labelled, new_labelled = _labelled(old), _labelled(new)
    columns = ("_bloc", "_position", "_avant", "_score", "_labels", "_commune", "_ordre", "_apres", "_ancien")
    kinds = ("paire", "ajoutee", "supprimee")
    parts: dict[str, dict[str, list[np.ndarray]]] = {k: {c: [] for c in columns} for k in kinds}
    found = _matched(old_keys, new_keys, blocks, settings)
    in_block = np.split(np.arange(len(found.block)), np.searchsorted(found.block, np.arange(1, len(blocks))))
    for number, (old_rows, new_rows) in enumerate(blocks):
        old_communes, new_communes = old_keys["commune"][old_rows], new_keys["commune"][new_rows]
        avant, apres = found.i[in_block[number]], found.j[in_block[number]]
        removed = np.setdiff1d(np.arange(len(old_rows)), avant)
        added = np.setdiff1d(np.arange(len(new_rows)), apres)
        # Order: communes as they come, then the new table's order; a removed row goes after the new
        # partner of the row that preceded it in the old table, within its commune (first when none did).
        communes = {c: i for i, c in enumerate(dict.fromkeys([*new_communes, *old_communes]))}
        partner = dict(zip(avant.tolist(), apres.tolist()))
        anchor, last = np.full(len(old_rows), -1.0), {}
        for i, commune in enumerate(old_communes):
            last[commune] = partner.get(i, last.get(commune, -1))
            anchor[i] = last[commune]
        labels = bool(old_labelled[old_rows].any() and new_labelled[new_rows].any())
        for kind, side, rows, local, order, after, partners, scores in (
            ("paire", "apres", new_rows[apres], apres, apres, 0, old_rows[avant], found.score[in_block[number]]),
            ("ajoutee", "apres", new_rows[added], added, added, 0, -1, np.nan),
            ("supprimee", "avant", old_rows[removed], removed, anchor[removed], 1, -1, np.nan),
        ):
            n = len(rows)
            values = {"_bloc": number, "_position": rows, "_avant": partners, "_score": scores, "_labels": labels,
                      "_commune": [communes[c] for c in (new_communes if side == "apres" else old_communes)[local]],
                      "_ordre": order, "_apres": after,
                      "_ancien": local if after else -1}
            for column, value in values.items():
                parts[kind][column].append(np.broadcast_to(np.asarray(value, dtype=float), n) if n else np.zeros(0))
    if not blocks:
        return _empty_diff()
    paired, added, gone = ({c: np.concatenate(v) for c, v in parts[k].items()} for k in kinds)
    if not len(paired["_bloc"]) + len(added["_bloc"]) + len(gone["_bloc"]):
        return _empty_diff()
    old_source = _arrow_columns(old)
    new_source = old_source if new is old else _arrow_columns(new)
    # The pairs first: which of their columns changed.
    pair_old, pair_new = paired["_avant"].astype(np.int64), paired["_position"].astype(np.int64)
    changed = np.column_stack([_differs(old_source[c].take(pair_old), new_source[c].take(pair_new))
                               for c in COMPARED_COLUMNS])
    # The labels are compared only when both sides of the block have some (older outputs have none).
    changed[paired["_labels"] == 0, len(CELL_COLUMNS):] = False
    modified = changed.any(axis=1)
    fields = np.full(len(changed), "", dtype=object)
    fields[modified] = ["|".join(c for c, hit in zip(COMPARED_COLUMNS, row) if hit) for row in changed[modified]]
    # Then every row in its place: pairs, added rows, removed rows, sorted (stably) by block, commune,
    # position in the new table, after it for a removed row, position in the old table.
    order = ("_bloc", "_commune", "_ordre", "_apres", "_ancien")
    keys = [np.concatenate([paired[k], added[k], gone[k]]) for k in order]
    rank = np.lexsort([np.arange(len(keys[0])), *keys[::-1]])
    no_old, no_new = np.full(len(added["_bloc"]), -1), np.full(len(gone["_bloc"]), -1)
    unpaired = len(no_old) + len(no_new)
    old_at = np.concatenate([pair_old, no_old, gone["_position"].astype(np.int64)])[rank]
    new_at = np.concatenate([pair_new, added["_position"].astype(np.int64), no_new])[rank]
    kind = np.concatenate([np.where(modified, "modifiee", "inchangee"), np.full(len(no_old), "ajoutee"),
                           np.full(len(no_new), "supprimee")])[rank]
    score = np.concatenate([paired["_score"].round(1), np.full(unpaired, np.nan)])[rank]
    old_rows, new_rows = pa.array(old_at, mask=old_at < 0), pa.array(new_at, mask=new_at < 0)
    text = pa.large_string()
    table = {"changement": pa.array(kind, text), "score_appariement": pa.array(score, mask=np.isnan(score)),
             "champs_modifies": pa.array(np.concatenate([fields, np.full(unpaired, "")])[rank], text),
             "commune": pc.coalesce(new_source["commune"].take(new_rows), old_source["commune"].take(old_rows))}
    for column, short in _SIDE_COLUMNS.items():
        for side, source, rows in (("avant", old_source, old_rows), ("apres", new_source, new_rows)):
            values = source[column].take(rows)
            table[f"{short}_{side}"] = values if column in _INTEGER_COLUMNS else values.fill_null("")
    return pa.table({c: table[c] for c in DIFF_COLUMNS}).to_pandas(
        types_mapper={pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype()}.get)


def _empty_diff() -> pd.DataFrame:
    return typed_diff(pd.DataFrame(columns=list(DIFF_COLUMNS)))


def typed_diff(frame: pd.DataFrame) -> pd.DataFrame:
    """The diff's columns in order: integers nullable, the score a nullable float, the rest text."""
    frame = frame.reindex(columns=list(DIFF_COLUMNS))
    for column in DIFF_COLUMNS:
        if column.startswith(("annee_", "ligne_", "avancement_pct_")):
            frame[column] = frame[column].astype("Int64")
        elif column == "score_appariement":
            frame[column] = frame[column].astype("Float64")
        else:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "").astype(str)
    return frame


def year_over_year(table: pd.DataFrame, settings: DiffSettings) -> pd.DataFrame:
    """The diff of each commune's consecutive years in one run's table.

    A year holding several documents (the same report as PDF and Word, say) is represented by the
    first of them in name order, so that one report is compared with one report. The table is
    prepared and folded once, and the diff built once for every commune and year.
    """
    text = prepared(table)
    keys = match_keys(text)
    years = text["annee"].to_numpy(dtype=float, na_value=np.nan)
    files = text["fichier_source"].to_numpy(dtype=object)
    blocks = []
    dated = ~np.isnan(years)
    by_commune = _positions(keys["commune"][dated])
    for commune in sorted(by_commune):
        rows = np.flatnonzero(dated)[by_commune[commune]]
        reports = []
        for year in np.unique(years[rows]):
            in_year = rows[years[rows] == year]
            reports.append(in_year[files[in_year] == min(files[in_year])])
        blocks.extend(zip(reports, reports[1:]))
    return _diff(text, text, keys, keys, blocks, settings) if blocks else _empty_diff()
