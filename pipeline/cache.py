"""The per-document cache: a document's extraction, kept under interim/ and reused while neither
the document's bytes nor the parameters that shape extraction change.

Entries are JSON files named by the document's sha256 and a hash of those parameters. They are
written atomically; an entry that does not parse (a crash, a truncated copy) is treated as missing
and rebuilt. Deleting the whole folder is always safe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from importlib import resources
from pathlib import Path

from .export import write_text
from .model import Extraction, Fragment, ScanSummary
from .settings import Settings

# Bump when the extraction code changes what it produces for the same document.
EXTRACTION_VERSION = 7  # 2: scans read by OCR; 3: their confidence kept; 4: headers found by wording; 5: PDF tags;
# 6: spreadsheets, paragraphs of DOCX/ODT as text fragments; 7: unruled fiches


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


def extraction_key(settings: Settings) -> str:
    """A hash of everything besides the document that shapes its extraction (OCR included)."""
    headings = resources.files("schemas").joinpath("colonnes.yaml").read_text(encoding="utf-8")
    material = json.dumps([EXTRACTION_VERSION, dataclasses.asdict(settings.extract),
                           dataclasses.asdict(settings.ocr), headings], sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:16]


class ExtractionCache:
    """Extractions stored as interim/cache/<sha256>-<parameters>.json."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str, key: str) -> Path:
        return self.folder / f"{sha256}-{key}.json"

    def get(self, sha256: str, key: str) -> Extraction | None:
        path = self.path(sha256, key)
        try:
            return from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)  # damaged: rebuilt by the caller
            return None

    def put(self, sha256: str, key: str, extraction: Extraction) -> None:
        write_text(to_json(extraction), self.path(sha256, key))
