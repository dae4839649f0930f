"""worker: every document read in its own process, bounded in time and in memory.

A damaged or hostile file can make a reading library loop or allocate without end. Each document
is therefore read in a worker process (also with `--jobs 1`) whose address space may grow by at
most `limites.memoire_document` (RLIMIT_AS) and which is killed past `limites.temps_document`
seconds; either way the document is rejected with the reason and the run goes on. A worker reads
one document after another until one fails or goes past a limit; a fresh worker then takes over.
Workers die with the main process (PR_SET_PDEATHSIG): `kill -9` of a run leaves no reader behind.

The worker reads the file's bytes once, hashes those bytes and parses those same bytes: the hash
that keys the cache is always the hash of what was parsed, even if the file is replaced meanwhile.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

from .discover import why
from .model import Extraction
from .read import DocumentError, read_document
from .settings import LimitSettings, Settings

MB = 1024 * 1024
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Read:
    """A document read: the sha256 of the bytes parsed, and what was found in them."""

    sha256: str
    extraction: Extraction


def check_size(size: int, limits: LimitSettings) -> None:
    """Reject a file too large to be a report before a byte of it is read."""
    if size > limits.taille_fichier * MB:
        raise DocumentError(f"fichier trop volumineux ({size / MB:,.0f} Mo, limite {limits.taille_fichier} Mo : "
                            "limites.taille_fichier dans params.yaml) : vérifiez que c'est bien un rapport")


def hash_file(path: Path, limits: LimitSettings) -> str:
    """The sha256 of a file, read as a stream (for the cache lookup, never the whole file in memory)."""
    with open(path, "rb") as fh:
        check_size(os.fstat(fh.fileno()).st_size, limits)
        return hashlib.file_digest(fh, "sha256").hexdigest()


def read_file(path: Path, settings: Settings) -> Read | str:
    """A document read, or the reason it could not be: no exception leaves a document's reading."""
    limits = settings.limites
    try:
        with open(path, "rb") as fh:
            check_size(os.fstat(fh.fileno()).st_size, limits)
            data = fh.read(limits.taille_fichier * MB + 1)
        check_size(len(data), limits)  # grown since it was measured
        return Read(hashlib.sha256(data).hexdigest(), read_document(path, settings, data))
    except DocumentError as err:
        return str(err)
    except MemoryError:
        return too_heavy(limits)
    except OSError as err:
        return why(err)
    except Exception as err:  # a document from the wild can trip any library: never stop the others
        return f"erreur inattendue pendant la lecture ({type(err).__name__}: {err}) ; signalez-la avec ce fichier"


def too_heavy(limits: LimitSettings) -> str:
    return (f"document trop lourd à lire : plus de {limits.memoire_document} Mo de mémoire "
            "(limites.memoire_document dans params.yaml) ; le fichier est peut-être abîmé")


def _bound(settings: Settings) -> None:
    """A worker's bounds: deaf to Ctrl-C (the main process reports it), dead with its parent, and
    an address space that may grow by `limites.memoire_document` at most."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the time limit still ends a stuck reader
        pass
    memory = _address_space() + settings.limites.memoire_document * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _address_space() -> int:
    """The process's current address space in bytes (what it inherited from the main process)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _serve(tasks, results, settings: Settings) -> None:
    """A worker's life: read the documents it is sent, one at a time, until it is stopped."""
    _bound(settings)
    while True:
        try:
            path = tasks.recv()
        except EOFError:
            return
        results.send(read_file(path, settings))


class _Worker:
    """A forked reader process and its two pipes; `task` is the index it is reading, if any."""

    def __init__(self, context, settings: Settings) -> None:
        tasks, self.tasks = context.Pipe(duplex=False)
        self.results, results = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(tasks, results, settings), daemon=True)
        self.process.start()
        tasks.close()
        results.close()
        self.task: int | None = None
        self.deadline = 0.0

    def give(self, index: int, path: Path, seconds: float) -> None:
        self.task, self.deadline = index, time.monotonic() + seconds
        self.tasks.send(path)

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.tasks.close()
        self.results.close()


def read_documents(paths: list[Path], settings: Settings, jobs: int,
                   done: Callable[[int, Read | str], None]) -> None:
    """Read `paths` in at most `jobs` bounded worker processes; `done(i, outcome)` for each, in the
    order they finish. A worker that went past a limit or failed on a document is replaced by a
    fresh one. `jobs=0` reads them in this process, unbounded: for tests that replace a reader's
    function, and for debugging."""
    if jobs == 0:
        for index, path in enumerate(paths):
            done(index, read_file(path, settings))
        return
    limits = settings.limites
    # Forked: a worker starts at once with the libraries loaded (a spawned or forkserver child
    # re-imports the program's main module: seconds per worker for the `synergies` script).
    # Workers only read and answer through their pipes, never print: a lock held by a thread of
    # the main process (progress bar) at fork time is never needed in them.
    context = multiprocessing.get_context("fork")
    waiting = list(enumerate(paths))
    workers: list[_Worker] = []

    def retire(worker: _Worker) -> None:
        worker.stop()
        workers.remove(worker)

    try:
        while waiting or any(w.task is not None for w in workers):
            for worker in [w for w in workers if w.task is None] + [None] * (jobs - len(workers)):
                if not waiting:
                    break
                if worker is None:
                    worker = _Worker(context, settings)
                    workers.append(worker)
                index, path = waiting.pop(0)
                worker.give(index, path, limits.temps_document)
            busy = {w.results: w for w in workers if w.task is not None}
            timeout = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            for conn in wait(list(busy), timeout):
                worker = busy[conn]
                try:
                    outcome = conn.recv()
                except (EOFError, OSError):  # died without an answer: killed by the kernel, or crashed
                    outcome = None
                except MemoryError:
                    outcome = too_heavy(limits)
                index, worker.task = worker.task, None
                if not isinstance(outcome, Read):  # a failed reading may leave a library in a bad state
                    retire(worker)
                    outcome = outcome if outcome is not None else _died(worker.process.exitcode, limits)
                done(index, outcome)
            for worker in [w for w in workers if w.task is not None and time.monotonic() >= w.deadline]:
                index = worker.task
                retire(worker)
                done(index, f"document trop long à lire : plus de {limits.temps_document:g} s "
                            "(limites.temps_document dans params.yaml) ; le fichier est peut-être abîmé")
    finally:
        for worker in workers:
            worker.stop()


def _died(exitcode: int | None, limits: LimitSettings) -> str:
    signal_name = f"signal {-exitcode}" if exitcode and exitcode < 0 else f"code {exitcode}"
    return (f"la lecture s'est arrêtée net ({signal_name}) : mémoire dépassée (limite {limits.memoire_document} Mo) "
            "ou fichier qui fait échouer le lecteur ; signalez-le avec ce fichier")
