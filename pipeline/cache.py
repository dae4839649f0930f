"""The per-document cache: a document's extraction, kept under interim/ and reused while neither
the document's bytes nor the parameters that shape extraction change.

Entries are JSON files named by the document's sha256 and a key: a hash of those parameters and
of the extraction code itself (every module of `pipeline/read/` and `pipeline/extract/` and the
project modules they import), so a change to that code is never served stale and nobody has to
remember to bump a version. An entry starts with the sha256 of its content: an entry that does not
match it (a crash, a truncated or altered copy) is treated as missing and rebuilt. Entries are
written atomically; deleting the whole folder is always safe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .export import write_bytes
from .model import Extraction, Fragment, ScanSummary
from .settings import Settings

PACKAGE = Path(__file__).parent
EXTRACTION_CODE = ("read", "extract")  # the packages whose output the cache keeps


def to_json(extraction: Extraction) -> str:
    return json.dumps(dataclasses.asdict(extraction), ensure_ascii=False)


def from_json(text: str) -> Extraction:
    data = json.loads(text)
    fragments = tuple(
        Fragment(**{**f, "cells": tuple(f["cells"]), "columns": tuple(tuple(c) for c in f["columns"])})
        for f in data["fragments"]
    )
    scans = tuple(ScanSummary(s["page"], s["mean_confidence"], tuple(s["unsure_words"])) for s in data["scans"])
    return Extraction(data["pages"], fragments, data["title"], data["metadata_title"], scans, tuple(data["notes"]))


# `from X import a, b` statements (parenthesised or continued too), found by a pattern rather than
# by parsing each module with ast, which took a tenth of a second of every run. Comments are taken
# out first; a match inside a string can only add a module to the hash, never leave one out.
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|(?:[^\n\\]|\\\n)*)", re.M)
_COMMENT = re.compile(r"#[^\n]*")


def _project_imports(module: Path) -> set[Path]:
    """The modules of this package that a module imports (relative or `pipeline.` imports)."""
    found = set()
    for dots, name, names in _FROM_IMPORT.findall(_COMMENT.sub("", module.read_text(encoding="utf-8"))):
        if dots:
            base = module.parent
            for _ in range(len(dots) - 1):
                base = base.parent
        elif name.split(".")[0] == PACKAGE.name:
            base = PACKAGE.parent
        else:
            continue
        target = base.joinpath(*name.split(".")) if name else base
        imported = (n.split()[0] for n in names.strip("()").replace("\\\n", " ").split(",") if n.strip())
        candidates = [target / f"{n}.py" for n in imported] + [target.with_suffix(".py"), target / "__init__.py"]
        found.update(c for c in candidates if c.is_file())
    return found


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the extraction code: the modules of `pipeline/read/` and `pipeline/extract/` and,
    transitively, every project module they import (model, settings, headers ...)."""
    return _fingerprint(tuple(m for folder in EXTRACTION_CODE for m in (PACKAGE / folder).glob("*.py")))


def _fingerprint(modules: tuple[Path, ...]) -> str:
    """A hash of some modules and, transitively, of every project module they import."""
    todo = list(modules)
    seen: set[Path] = set()
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_project_imports(module))
    digest = hashlib.sha256()
    for module in sorted(seen):
        digest.update(module.relative_to(PACKAGE).as_posix().encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def extraction_key(settings: Settings) -> str:
    """A hash of everything besides the document that shapes its extraction: the extraction code,
    its settings (OCR and limits included) and the accepted column headings."""
    headings = resources.files("schemas").joinpath("colonnes.yaml").read_text(encoding="utf-8")
    material = json.dumps([code_fingerprint(), dataclasses.asdict(settings.extract), dataclasses.asdict(settings.ocr),
                           dataclasses.asdict(settings.limites), headings], sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:16]


# The modules that take an extraction to a document's labelled rows (`pipeline.run.prepare`).
ROWS_CODE = ("assemble", "clean", "fiches", "rubriques", "identify", "ids", "normalise", "domaine", "duplicates")


@lru_cache(maxsize=1)
def rows_fingerprint() -> str:
    """A hash of the code from an extraction to a document's labelled rows: `pipeline/run.py`
    itself and, transitively, the modules of `ROWS_CODE` (not the corpus-wide steps run.py also
    imports: a change to the registry or the diff leaves the prepared documents valid)."""
    own = hashlib.sha256((PACKAGE / "run.py").read_bytes()).hexdigest()
    return own + _fingerprint(tuple(PACKAGE / f"{m}.py" for m in ROWS_CODE))


def rows_base(settings: Settings, extraction: str) -> str:
    """What shapes every document's labelled rows in a run: its extraction key (`extraction_key`),
    the code and every setting, the vocabularies (computed once per run, not once per document)."""
    vocabularies = [resources.files("schemas").joinpath(name).read_text(encoding="utf-8")
                    for name in ("vocabulaires.yaml", "domaines.yaml")]
    material = json.dumps([extraction, rows_fingerprint(), dataclasses.asdict(settings), vocabularies],
                          sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()


def rows_key(base: str, shown: str, commune: str | None, annee: int | None) -> str:
    """A document's labelled-rows key: the run's `rows_base` and what names the document (its path
    as shown, the commune and year the user gave)."""
    return hashlib.sha256(json.dumps([base, shown, commune, annee]).encode()).hexdigest()[:16]


ROWS = ".lignes.arrow"  # the kind of entry holding a document's prepared rows


class ExtractionCache:
    """Extractions stored as interim/cache/<sha256>-<parameters>.json, and each document's labelled
    rows beside them (<sha256>-<parameters>.lignes.arrow, an Arrow stream: `pipeline.run.Prepared`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str, key: str, kind: str = ".json") -> Path:
        return self.folder / f"{sha256}-{key}{kind}"

    def _read(self, path: Path, parse):
        try:
            data = path.read_bytes()
            checksum, payload = data[:64], memoryview(data)[65:]  # no copy of the payload
            if hashlib.sha256(payload).hexdigest().encode() != checksum:
                raise ValueError("contenu altéré")
            return parse(payload)
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, OSError):
            path.unlink(missing_ok=True)  # damaged: rebuilt by the caller
            return None

    def _write(self, path: Path, payload: bytes) -> None:
        write_bytes(hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload, path)

    def holds(self, sha256: str, key: str, kind: str = ".json") -> bool:
        """Whether an entry is there (it may still be found damaged when read)."""
        return self.path(sha256, key, kind).is_file()

    def get(self, sha256: str, key: str) -> Extraction | None:
        return self._read(self.path(sha256, key), lambda payload: from_json(str(payload, "utf-8")))

    def put(self, sha256: str, key: str, extraction: Extraction) -> None:
        self._write(self.path(sha256, key), to_json(extraction).encode())

    def get_rows(self, sha256: str, key: str, parse):
        """A document's prepared rows, `parse`d from their bytes; None when missing or damaged."""
        return self._read(self.path(sha256, key, ROWS), parse)

    def put_rows(self, sha256: str, key: str, rows: bytes) -> None:
        self._write(self.path(sha256, key, ROWS), rows)
