"""export: the output files, each written whole or not at all.

Every file is written to a temporary name in the same folder and then renamed over the target,
so a crash or Ctrl-C leaves the previous version, never half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


@contextmanager
def atomic_path(target: Path):
    """A temporary path next to `target`, renamed to it when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(target: Path, write: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        write(tmp)


def write_csv(frame: pd.DataFrame, target: Path) -> None:
    write_atomic(target, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))


def write_parquet(frame: pd.DataFrame, target: Path) -> None:
    """Parquet with objectifs_norm as a list of strings, as the contract allows."""
    table = frame.copy()
    if "objectifs_norm" in table:
        table["objectifs_norm"] = [v.split("|") if v else [] for v in table["objectifs_norm"].fillna("")]
    write_atomic(target, lambda tmp: pq.write_table(pa.Table.from_pandas(table, preserve_index=False), tmp))


def write_text(text: str, target: Path) -> None:
    write_atomic(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
