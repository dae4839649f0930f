"""discover: the input files of a run, found without ever stopping on one odd entry.

A folder is walked entry by entry (`os.scandir`), following links to folders but never the same
folder twice (a link loop ends there). What cannot be a document is listed as a reject with its
reason rather than skipped in silence: a dangling link, a link loop, a pipe or a device named like
a document, a folder or file that cannot be read. A file name whose bytes are not UTF-8 is kept as
bytes (the path still opens the file) and shown escaped (`Namur_\\xe9t\\xe9_2020.pdf`).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .printable import escaped


@dataclass(frozen=True)
class Reject:
    fichier: str
    raison: str


def shown_path(path: Path) -> str:
    """The path relative to the working folder when it lies below it, as given otherwise; escaped.
    Links are not resolved: a link loop must not stop the run here."""
    absolute = Path(os.path.abspath(path))
    try:
        shown = absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = path.as_posix()
    return escaped(shown)


def why(err: OSError) -> str:
    """A file system error in plain French, with what to do when there is something to do."""
    reasons = {
        errno.ENOENT: "introuvable",
        errno.ELOOP: "lien symbolique en boucle : supprimez ou corrigez le lien",
        errno.EACCES: "accès refusé : donnez le droit de lecture (ou d'écriture) sur ce fichier ou dossier",
        errno.EPERM: "accès refusé : donnez le droit de lecture (ou d'écriture) sur ce fichier ou dossier",
        errno.ENOSPC: "disque plein : libérez de la place",
        errno.EROFS: "support en lecture seule",
        errno.EISDIR: "c'est un dossier, pas un fichier",
        errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    }
    return reasons.get(err.errno, f"erreur du système de fichiers ({err.strerror or err})")


def find_documents(inputs: list[Path], suffixes: set[str]) -> tuple[list[Path], list[Reject]]:
    """Files given, and documents found in folders given (recursively, in name order), with the
    entries that could not be taken and why."""
    found: list[Path] = []
    rejects: list[Reject] = []
    seen: set[tuple[int, int]] = set()

    def reject(path: Path, reason: str) -> None:
        rejects.append(Reject(shown_path(path), reason))

    def visit(path: Path, given: bool) -> None:
        wanted = given or path.suffix.lower() in suffixes
        try:
            info = os.stat(path)
        except FileNotFoundError:
            if not os.path.lexists(path):
                if given:
                    reject(path, "fichier ou dossier introuvable")
            elif wanted:
                reject(path, "lien symbolique cassé : la cible n'existe pas")
            return
        except OSError as err:
            reject(path, why(err))
            return
        if stat.S_ISDIR(info.st_mode):
            if (info.st_dev, info.st_ino) in seen:
                reject(path, "dossier déjà parcouru (lien symbolique en boucle) : ignoré")
                return
            seen.add((info.st_dev, info.st_ino))
            try:
                with os.scandir(path) as entries:
                    names = sorted(e.name for e in entries)
            except OSError as err:
                reject(path, why(err))
                return
            for name in names:
                if not name.startswith("."):
                    visit(path / name, False)
            return
        if not wanted:
            return
        if not stat.S_ISREG(info.st_mode):
            reject(path, "pas un fichier ordinaire (tube, socket ou périphérique) : ignoré")
            return
        found.append(path)

    for item in inputs:
        visit(item, True)
    return found, rejects
