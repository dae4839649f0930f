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
    write_atomic(target, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))


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
