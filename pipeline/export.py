"""export: the output files, each written whole or not at all.

Every file is written to a temporary name in the same folder, flushed to disk and then renamed
over the target, so a crash, Ctrl-C or a power cut leaves the previous version, never half a file.
Files get the permissions the user's umask gives a new file (0644 under umask 022), not the
owner-only mode of a temporary file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas and pyarrow are imported by the writers that need them (start-up time)
    import pandas as pd


def umask_mode(mode: int = 0o666) -> int:
    """`mode` less the process's umask: what open() would give a new file (0o777 for a folder)."""
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def fsync_path(path: Path) -> None:
    """Flush a file's (or a folder's entries') content to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path):
    """A temporary path next to `target`, flushed and renamed to it when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, umask_mode())  # mkstemp's 0600 would hide the results from colleagues
        fsync_path(Path(tmp))
        os.replace(tmp, target)
        fsync_path(target.parent)  # the rename itself survives a power cut
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(target: Path, write: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        write(tmp)


def write_csv(frame: pd.DataFrame, target: Path) -> None:
    """UTF-8, comma-separated, minimal quoting, "\n" line ends: what pandas' `to_csv` writes,
    built by Arrow (`csv_bytes`) when every column is text, a number or a boolean."""
    pieces = csv_bytes(frame)
    if pieces is None:
        write_atomic(target, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))
    else:
        write_atomic(target, lambda tmp: _write_pieces(pieces, tmp))


# What makes pandas' CSV writer (Python's csv module, minimal quoting) put a cell in quotes.
_QUOTED = r'[,"\n]'


def csv_bytes(frame: pd.DataFrame) -> list | None:
    """The table as pandas' `to_csv` writes it, byte for byte, in pieces to write one after the
    other; None for a table it does not cover (a column of another type, one column only, names
    repeated). Built by Arrow a column at a time: pandas makes a Python string of each of a
    corpus' million cells and quotes it character by character, four times slower."""
    import csv
    import io

    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    kinds = (pd.api.types.is_string_dtype, pd.api.types.is_integer_dtype, pd.api.types.is_float_dtype,
             pd.api.types.is_bool_dtype)
    if (len(frame.columns) < 2 or not frame.columns.is_unique
            or not all(any(kind(frame[name]) and frame[name].dtype != object for kind in kinds) for name in frame.columns)):
        return None  # a row of one empty cell is written '""'; object columns hold anything
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(frame.columns)
    if frame.empty:
        return [header.getvalue().encode("utf-8")]
    text = pa.large_string()
    empty, quote, comma, newline = (pa.scalar(s, text) for s in ("", '"', ",", "\n"))
    cells = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column):  # written True / False
            values = pa.array(column.map({True: "True", False: "False"}), text, from_pandas=True).fill_null("")
        elif pd.api.types.is_float_dtype(column):  # Python's shortest repr, as pandas writes a float
            floats = column.to_numpy(dtype="float64", na_value=float("nan")).tolist()
            values = pa.array([repr(v) if v == v else "" for v in floats], text)
        else:
            values = pa.array(column).cast(text).fill_null("")
        if isinstance(values, pa.ChunkedArray):  # a column kept in Arrow is in pieces
            values = values.combine_chunks()
        quoted = pc.match_substring_regex(values, _QUOTED)
        if pc.any(quoted).as_py():
            doubled = pc.replace_substring(values, '"', '""')
            values = pc.if_else(quoted, pc.binary_join_element_wise(empty, doubled, empty, quote), values)
        cells.append(values)
    rows = pc.binary_join_element_wise(*cells, comma)
    body = pc.binary_join(pa.LargeListArray.from_arrays(pa.array([0, len(rows)], pa.int64()), rows), newline)
    return [header.getvalue().encode("utf-8"), body[0].as_buffer(), b"\n"]


def _write_pieces(pieces: list, path: Path) -> None:
    with open(path, "wb") as out:
        for piece in pieces:
            out.write(piece)


def with_nulls(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with null where the CSV has an empty cell: empty means unknown, and Parquet
    and DuckDB readers expect unknown as null (`statut_norm IS NULL`), not as ""."""
    import pandas as pd

    table = frame.copy()
    for column in table.columns:
        if pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].astype(object).mask(table[column] == "", None)
    return table


def write_parquet(frame: pd.DataFrame, target: Path) -> None:
    """Parquet with nulls for unknown values and objectifs_norm as a list of strings, as the
    contract allows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = with_nulls(frame)
    if "objectifs_norm" in table:
        table["objectifs_norm"] = [v.split("|") if isinstance(v, str) else None for v in table["objectifs_norm"]]
    write_atomic(target, lambda tmp: pq.write_table(pa.Table.from_pandas(table, preserve_index=False), tmp))


def write_text(text: str, target: Path) -> None:
    write_atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bytes(data: bytes, target: Path) -> None:
    write_atomic(target, lambda tmp: tmp.write_bytes(data))
