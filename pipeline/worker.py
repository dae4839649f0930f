"""worker: every document read in its own process, bounded in time and in memory.

A damaged or hostile file can make a reading library loop or allocate without end. Each document
is therefore read in a worker process (also with `--jobs 1`) whose address space may grow by at
most `limites.memoire_document` (RLIMIT_AS) and which is killed past `limites.temps_document`
seconds; either way the document is rejected with the reason and the run goes on. A worker reads
one document after another until one fails or goes past a limit; a fresh worker then takes over.
Workers die with the main process (PR_SET_PDEATHSIG): `kill -9` of a run leaves no reader behind.

The worker reads the file's bytes once, hashes those bytes and parses those same bytes: the hash
that keys the cache is always the hash of what was parsed, even if the file is replaced meanwhile.

With several workers, a PDF's scanned pages are spread over them: the first reading lists the pages
without a text layer, each is read by OCR in whichever worker is free (its own task, in the same
bounded workers), and a last reading puts the document together with those pages, as one worker
reading it alone would. The document's time limit runs from its first reading to its last, and
its tasks go before documents not yet started. A page read from bytes that are no longer the
first reading's (the file was replaced) is left to the last reading, which reads it again.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING

from .discover import why
from .model import Extraction
from .read import DocumentError, OcrPending, ocr_pdf_page, read_document
from .settings import LimitSettings, Settings

if TYPE_CHECKING:
    from .read.scan import OcrPage

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


@dataclass(frozen=True)
class Task:
    """What a worker is asked: document `index` to read, or one of its pages to read by OCR."""

    index: int
    path: Path
    page: int | None = None  # a page to read by OCR, rather than the whole document
    sha256: str = ""  # what the document's first reading hashed (for its pages and its last reading)
    scanned: dict[int, OcrPage] = field(default_factory=dict)  # its pages already read by OCR, by number
    split: bool = False  # a PDF's scanned pages listed (`Pages`) rather than read by OCR in turn


@dataclass(frozen=True)
class Pages:
    """A PDF's first reading: its pages without a text layer, each to be read by OCR on its own."""

    sha256: str
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class PageRead:
    """A page read by OCR (an OcrPage), or None when the file's bytes are no longer those of the
    document's first reading: the last reading then reads the page itself."""

    number: int
    page: OcrPage | None


def perform(task: Task, settings: Settings) -> Read | Pages | PageRead | str:
    """A task done, or the reason it could not be: no exception leaves a document's reading."""
    limits = settings.limites
    try:
        with open(task.path, "rb") as fh:
            check_size(os.fstat(fh.fileno()).st_size, limits)
            data = fh.read(limits.taille_fichier * MB + 1)
        check_size(len(data), limits)  # grown since it was measured
        sha256 = hashlib.sha256(data).hexdigest()
        same = sha256 == task.sha256
        if task.page is not None:
            return PageRead(task.page, ocr_pdf_page(data, task.page, settings.extract, settings.ocr, limits) if same else None)
        try:
            return Read(sha256, read_document(task.path, settings, data, task.scanned if same else {}, task.split))
        except OcrPending as pending:
            return Pages(sha256, pending.numbers)
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
    """A worker's life: do the tasks it is sent, one at a time, until it is stopped."""
    _bound(settings)
    while True:
        try:
            task = tasks.recv()
        except EOFError:
            return
        results.send(perform(task, settings))


class _Worker:
    """A forked reader process and its two pipes; `task` is the task it is doing, if any."""

    def __init__(self, context, settings: Settings) -> None:
        tasks, self.tasks = context.Pipe(duplex=False)
        self.results, results = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(tasks, results, settings), daemon=True)
        self.process.start()
        tasks.close()
        results.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def give(self, task: Task, deadline: float) -> None:
        self.task, self.deadline = task, deadline
        self.tasks.send(task)

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.tasks.close()
        self.results.close()


def read_documents(paths: list[Path], settings: Settings, jobs: int,
                   done: Callable[[int, Read | str], None], meanwhile: Callable[[], object] | None = None,
                   started: Callable[[], object] | None = None) -> None:
    """Read `paths` in at most `jobs` bounded worker processes; `done(i, outcome)` for each, in the
    order they finish. A worker that went past a limit or failed on a document is replaced by a
    fresh one. `jobs=0` reads them in this process, unbounded: for tests that replace a reader's
    function, and for debugging. `meanwhile` and `started` are work of this process's own, done
    while the workers read rather than before or after: `started` once the first documents are
    handed out (documents from the cache), `meanwhile` as soon as every worker has a task
    (imports: before, a scan's pages are still being listed). Both are done, at the latest, once
    everything is read."""
    if jobs == 0:
        for later in (started, meanwhile):
            if later is not None:
                later()
        for index, path in enumerate(paths):
            done(index, perform(Task(index, path), settings))
        return
    limits = settings.limites
    # Forked: a worker starts at once with the libraries loaded (a spawned or forkserver child
    # re-imports the program's main module: seconds per worker for the `synergies` script).
    # Workers only read and answer through their pipes, never print: a lock held by a thread of
    # the main process (progress bar) at fork time is never needed in them.
    context = multiprocessing.get_context("fork")
    # With one worker a scan's pages are read in turn anyway: no need to list them first.
    waiting = deque(Task(index, path, split=jobs > 1) for index, path in enumerate(paths))
    workers: list[_Worker] = []
    deadlines: dict[int, float] = {}  # documents started, and when their time is up
    scans: dict[int, tuple[str, set[int], dict[int, OcrPage]]] = {}  # documents whose pages are read by OCR

    def retire(worker: _Worker) -> None:
        worker.stop()
        workers.remove(worker)

    def finish(index: int, outcome: Read | str) -> None:
        """A document's end, good or bad: whatever else was done or planned for it is dropped."""
        del deadlines[index]
        scans.pop(index, None)
        for task in [t for t in waiting if t.index == index]:
            waiting.remove(task)
        for worker in [w for w in workers if w.task is not None and w.task.index == index]:
            retire(worker)
        done(index, outcome)

    def answer(task: Task, outcome: Read | Pages | PageRead | str) -> None:
        if isinstance(outcome, Pages):
            scans[task.index] = (outcome.sha256, set(outcome.numbers), {})
            waiting.extendleft(Task(task.index, task.path, n, outcome.sha256) for n in reversed(outcome.numbers))
        elif isinstance(outcome, PageRead):
            sha256, left, scanned = scans[task.index]
            left.discard(outcome.number)
            if outcome.page is not None:
                scanned[outcome.number] = outcome.page
            if not left:  # every page read: the document put together, before any other
                del scans[task.index]
                waiting.appendleft(Task(task.index, task.path, sha256=sha256, scanned=scanned))
        else:
            finish(task.index, outcome)

    try:
        while waiting or any(w.task is not None for w in workers):
            for worker in [w for w in workers if w.task is None] + [None] * (jobs - len(workers)):
                if not waiting:
                    break
                if worker is None:
                    worker = _Worker(context, settings)
                    workers.append(worker)
                task = waiting.popleft()
                worker.give(task, deadlines.setdefault(task.index, time.monotonic() + limits.temps_document))
            busy = {w.results: w for w in workers if w.task is not None}
            if started is not None:
                started()
                started = None
            if meanwhile is not None and len(busy) == jobs:
                meanwhile()
                meanwhile = None
            timeout = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
            for conn in wait(list(busy), timeout):
                worker = busy[conn]
                if worker not in workers:  # stopped meanwhile: its document failed in another worker
                    continue
                try:
                    outcome = conn.recv()
                except (EOFError, OSError):  # died without an answer: killed by the kernel, or crashed
                    outcome = None
                except MemoryError:
                    outcome = too_heavy(limits)
                task, worker.task = worker.task, None
                if not isinstance(outcome, (Read, Pages, PageRead)):  # a failed reading may leave a library in a bad state
                    retire(worker)
                    outcome = outcome if outcome is not None else _died(worker.process.exitcode, limits)
                answer(task, outcome)
            for worker in [w for w in workers if w.task is not None and time.monotonic() >= w.deadline]:
                if worker in workers:
                    finish(worker.task.index, f"document trop long à lire : plus de {limits.temps_document:g} s "
                                              "(limites.temps_document dans params.yaml) ; le fichier est peut-être abîmé")
        for later in (started, meanwhile):  # not done yet: nothing or little to read
            if later is not None:
                later()
    finally:
        for worker in workers:
            worker.stop()


def _died(exitcode: int | None, limits: LimitSettings) -> str:
    signal_name = f"signal {-exitcode}" if exitcode and exitcode < 0 else f"code {exitcode}"
    return (f"la lecture s'est arrêtée net ({signal_name}) : mémoire dépassée (limite {limits.memoire_document} Mo) "
            "ou fichier qui fait échouer le lecteur ; signalez-le avec ce fichier")
