"""Loading a run's libraries with the cyclic garbage collector off.

A run imports pandas, pyarrow, pandera and DuckDB: over 100,000 objects that live as long as the
process. While they load, the collector walks them again and again and frees nothing (about a
tenth of a second of CPU, a tenth of a small run). Once loaded they are frozen out of its reach:
the run's own collections skip them, and so do those of the reader workers forked from it (a
worker's collection would otherwise touch, and so copy, every memory page they stand on).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def libraries(module: str) -> Iterator[None]:
    """Imports made inside, with the collector off, when `module` (the last of them) is not
    loaded yet: once per process, so that a process running many commands (tests) freezes only
    what its first one loaded."""
    if module in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
