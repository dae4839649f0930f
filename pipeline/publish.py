"""publish: a run's output files as one set, and one run at a time per output folder.

Every file of a run is written into a fresh folder beside `--out` (`.NOM.nouveau-*`), which then
takes the place of `--out` in one step (Linux `renameat2(RENAME_EXCHANGE)`; two renames where it is
missing): an interruption or a full disk leaves either the whole previous set or the whole new
one, never a new CSV beside an old Parquet. Files of the old folder that the run does not write
(an `evolution.csv`, a user's notes) are carried into the new one.

A lock file beside `--out` (`.NOM.verrou`, held with flock, released by the system even when the
process is killed) keeps a second run from writing the same folder at the same time.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .export import fsync_path, umask_mode

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class OutputBusy(Exception):
    """Another run holds the output folder."""


def misplaced_out(out: Path, inputs: list[Path]) -> str | None:
    """Why `out` cannot take a run's outputs, or None. The whole folder is replaced, so it must not
    hold the working folder or an input (`--out .` would swap the project itself); inside an input
    folder, its synergies.xlsx would be read as a report by the next run."""
    folder = Path(out).resolve()
    advice = "choisissez un dossier de sortie à part (par exemple --out output)"
    working = Path.cwd().resolve()
    if working == folder or folder in working.parents:
        return f"{out} : ce dossier contient le dossier de travail et serait remplacé en entier ; {advice}"
    for inside in inputs:
        place = Path(inside).resolve()
        if place == folder or folder in place.parents:
            return f"{out} : ce dossier contient {inside} et serait remplacé en entier ; {advice}"
        if place in folder.parents:
            return f"{out} : ce dossier est dans l'entrée {inside}, ses résultats seraient relus comme des rapports ; {advice}"
    return None


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold `out` for this process; OutputBusy (message in French) when another run holds it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = out.parent / f".{out.name}.verrou"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, umask_mode())
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(f"{out} : une autre exécution écrit déjà dans ce dossier ; attendez qu'elle "
                             "se termine ou choisissez un autre dossier avec --out") from None
        yield
    finally:
        os.close(fd)  # releases the lock; the empty file stays, harmless, for the next run


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def _carry_over(old: Path, new: Path) -> None:
    """Entries of the previous output folder that this run does not write, linked into the new one."""
    for entry in old.iterdir():
        target = new / entry.name
        if target.exists() or entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, target)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


@contextmanager
def output_set(out: Path) -> Iterator[Path]:
    """A new folder to write a run's files into; it becomes `out` when the block succeeds, and is
    removed (leaving `out` untouched) when it fails."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.nouveau-", dir=out.parent))
    try:
        os.chmod(staging, umask_mode(0o777))
        yield staging
        if out.is_dir():
            _carry_over(out, staging)
        fsync_path(staging)
        if not out.exists():
            os.rename(staging, out)
        elif _exchange(staging, out):
            pass  # staging now holds the previous set, removed below
        else:
            previous = staging.with_name(staging.name + ".ancien")
            os.rename(out, previous)
            os.rename(staging, out)
            staging = previous
        fsync_path(out.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
