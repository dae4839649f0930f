"""synergies.duckdb: one file analysts query with SQL, every commune and year together.

Tables `synergies` (the run's table), `rejets`, `evolution` (when a commune has two years or
more) and `corrections` (when a corrections file exists); views `par_commune_annee` (counts by
status, mode and pilot, their columns following `vocabulaires.yaml`) and `stagnantes`
(synergies "en cours" in two years or more). Types are the contract's; an empty text is NULL,
since empty means unknown; `objectifs_norm` is a list. Written whole or not at all, like the
other outputs.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from . import export
from .corrections import read_corrections
from .normalise import canonical_values

NOM = "synergies.duckdb"


def _select(frame: pd.DataFrame, name: str) -> str:
    """SELECT over a registered frame: empty texts as NULL, the objectives as a list."""
    columns = []
    for column in frame.columns:
        quoted = f'"{column}"'
        if column == "objectifs_norm":
            # Cast first: in a run where every document was rejected the column has no text to type it.
            text = f"CAST({quoted} AS VARCHAR)"
            columns.append(f"CASE WHEN coalesce({text}, '') = '' THEN NULL "
                           f"ELSE string_split({text}, '|') END AS {quoted}")
        elif frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            columns.append(f"NULLIF(CAST({quoted} AS VARCHAR), '') AS {quoted}")
        else:
            columns.append(quoted)
    return f"SELECT {', '.join(columns)} FROM {name}"


def _counts(column: str, prefix: str) -> list[str]:
    """One count per canonical value of a label column, and one for the unknown."""
    counts = [f"count(*) FILTER (WHERE {column} = '{value}') AS {prefix}_{value}"
              for value in canonical_values(column)]
    return [*counts, f"count(*) FILTER (WHERE {column} IS NULL) AS {prefix}_inconnu"]


def _views(con: duckdb.DuckDBPyConnection) -> None:
    counts = [*_counts("statut_norm", "statut"), *_counts("mode_norm", "mode"), *_counts("pilote_norm", "pilote")]
    con.execute(f"""
        CREATE VIEW par_commune_annee AS
        SELECT commune, annee, count(*) AS synergies, {', '.join(counts)},
               count(*) FILTER (WHERE a_verifier) AS a_verifier
        FROM synergies GROUP BY commune, annee ORDER BY commune, annee""")
    con.execute("""
        CREATE VIEW stagnantes AS
        SELECT commune, id_synergie, arg_max(synergie, annee) AS synergie,
               count(DISTINCT annee) AS annees_en_cours, min(annee) AS depuis, max(annee) AS jusqu_a,
               list(DISTINCT annee ORDER BY annee) AS annees
        FROM synergies WHERE statut_norm = 'en_cours' AND annee IS NOT NULL
        GROUP BY commune, id_synergie HAVING count(DISTINCT annee) >= 2
        ORDER BY annees_en_cours DESC, commune, synergie""")


def write_duckdb(target: Path, synergies: pd.DataFrame, rejets: pd.DataFrame,
                 evolution: pd.DataFrame | None = None, corrections: pd.DataFrame | None = None) -> None:
    """The database file at `target`, replacing any previous one in one rename."""
    tables = {"synergies": synergies, "rejets": rejets, "evolution": evolution, "corrections": corrections}

    def build(tmp: Path) -> None:
        tmp.unlink()  # DuckDB creates its own file; an empty one is not a database
        # One thread: the tables are small, and a second thread only doubles the memory it takes.
        with duckdb.connect(str(tmp), config={"threads": 1}) as con:
            for name, frame in tables.items():
                if frame is None:
                    continue
                # As Arrow: DuckDB reads its columns in place, where a frame's text would be
                # copied out one Python string at a time.
                con.register(f"_{name}", pa.Table.from_pandas(frame, preserve_index=False))
                con.execute(f"CREATE TABLE {name} AS {_select(frame, f'_{name}')}")
                con.unregister(f"_{name}")
            _views(con)

    export.write_atomic(target, build)


def corrections_table(path: Path) -> pd.DataFrame | None:
    """The reviewers' corrections (`synergies revue`) when there are some, the year an integer."""
    frame = read_corrections(path)
    if frame.empty:
        return None
    frame["annee"] = pd.array(pd.to_numeric(frame["annee"].replace("", None)), dtype="Int64")
    return frame
