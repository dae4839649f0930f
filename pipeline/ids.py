"""Keys for synergies: the same commune and the same synergy give the same id."""

from __future__ import annotations

import hashlib

from .vocabulary import fold


def synergy_id(commune: str, synergie: str) -> str:
    """A short hash of the folded commune and synergy name (case, accents, spacing ignored)."""
    key = f"{fold(commune)}|{fold(synergie)}".encode()
    return hashlib.sha256(key).hexdigest()[:12]
