"""Speed and memory of the pipeline, against the plain libraries, on the same pages, in one run.

    .venv/bin/python scripts/bench.py            # everything (a quarter of an hour)
    .venv/bin/python scripts/bench.py --quick    # smaller corpora, for a smoke check
    .venv/bin/python scripts/bench.py --only corpus,startup,years   # some sections only

Sections: `pages` (parts 1-4 below), `corpus` (a corpus of 1,000 reports, 250 communes x 4 years:
cold, then adding one report, min/median of 3, and the peak memory of the whole process tree with
--jobs 1 and 2), `startup` (`synergies --help` and `run` on one small PDF, one core, min/median of
3), `years` (`synergies diff` of 20,000 vs 20,000 synergies over 250 communes, whole process,
min/median of 3), `rapport` (one 320-page report on one core against pdfplumber and pypdfium2,
min/median of --runs), `scan` (the scanned sample with --jobs 1 on one core and --jobs 2 on two,
min/median of --runs, outputs compared; then one --jobs 2 run's timeline in CPU seconds, which
does not depend on the machine's load, and the wall time it predicts on two idle cores). The sections of issue 14 run `synergies` as a user does,
in its own process (`rapport` and `scan`: the pipeline's `run` in a child process, as part 1).

Each contender runs in its own process pinned to one core (peak memory is that process's maximum
resident size); its time includes importing its libraries, as a user's run does. Part 1: a corpus of >= 300 pages made of copies of the samples in tests/data/mons/2020:
the pipeline end to end (extract to export, no cache) versus pypdfium2 reading characters,
pdfplumber `extract_tables` and camelot lattice. Part 2: peak memory on one 320-page report.
Part 3: an incremental run after adding one document to a 200-document corpus. Part 4: the
scanned sample (OCR, Tesseract on one thread).
Needs camelot-py (pip install -e '.[bench]') for the camelot figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "tests/data/mons/2020/mons_2020_regle.pdf", ROOT / "tests/data/mons/2020/mons_2020_sans_filets.pdf"]
SCAN = ROOT / "tests/data/mons/2020/mons_2020_scan.pdf"


def make_corpus(folder: Path, documents: int) -> list[Path]:
    """`documents` distinct PDFs (each a sample with its own metadata title, so its own hash)."""
    from pypdf import PdfReader, PdfWriter

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(documents):
        writer = PdfWriter(clone_from=PdfReader(SAMPLES[i % len(SAMPLES)]))
        writer.add_metadata({"/Title": f"Rapport synergies commune {i} 2020"})
        path = folder / f"commune{i:04d}_2020.pdf"
        with open(path, "wb") as fh:
            writer.write(fh)
        paths.append(path)
    return paths


def communes_corpus(folder: Path, communes: int, years: tuple[int, ...]) -> list[Path]:
    """One report per commune and year, as users keep them (`<commune>/<year>/<commune>_<year>.pdf`):
    the samples with their title line removed, so each file's commune and year come from its
    path, and a metadata title of its own (its own hash). Every commune holds the same synergies
    each year, so year matching pairs them all."""
    import re

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    paths = []
    for i in range(communes):
        for year in years:
            writer = PdfWriter(clone_from=PdfReader(SAMPLES[(i + year) % len(SAMPLES)]))
            page = writer.pages[0]
            content = DecodedStreamObject()
            content.set_data(re.sub(rb"BT.*?ET", b"", page.get_contents().get_data(), count=1, flags=re.S))
            page[NameObject("/Contents")] = writer._add_object(content)
            writer.add_metadata({"/Title": f"Rapport synergies {i} {year}"})
            path = folder / f"commune_{i:03d}" / str(year) / f"commune_{i:03d}_{year}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as fh:
                writer.write(fh)
            paths.append(path)
    return paths


def merged_report(target: Path, copies: int) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for i in range(copies):
        writer.append(str(SAMPLES[i % len(SAMPLES)]))
    with open(target, "wb") as fh:
        writer.write(fh)
    return target


# --- contenders, each run in a child process -------------------------------------------------

def run_pipeline(paths: list[Path], out: Path, cache: Path | None, jobs: int = 1) -> int:
    from dataclasses import replace

    from pipeline.loading import libraries

    with libraries("pipeline.stages"):  # as `synergies run` loads them
        from pipeline.cache import ExtractionCache
        from pipeline.run import run
        from pipeline.settings import Settings
        from pipeline.stages import write_outputs

    # The copies are one report in many files: duplicate detection would read it once; a speed
    # measure reads every copy, so detection by content is off here (copies differ in bytes).
    settings = Settings()
    settings = replace(settings, doublons=replace(settings.doublons, same_report=101.0))
    result = run(paths, settings, cache=ExtractionCache(cache) if cache else None, jobs=jobs)
    write_outputs(result.table, result.rejects, result.failures, out)
    return sum(d.pages for d in result.documents)


def run_timeline(paths: list[Path], out: Path, record: Path) -> int:
    """The pipeline with `--jobs 2`, its CPU time written down as it goes (`record`, JSON lines):
    the main process's when it hands a task out and when it is done, each worker's for each task."""
    from pipeline import worker

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def write(entry: dict) -> None:
        with open(record, "a") as fh:
            fh.write(json.dumps(entry) + "\n")

    def kind(task) -> str:
        return "page" if task.page is not None else "last" if task.scanned else "first"

    perform, give = worker.perform, worker._Worker.give

    def timed_perform(task, settings):  # in the workers (forked: they run the patched code)
        start = cpu()
        try:
            return perform(task, settings)
        finally:
            write({"task": kind(task), "pid": os.getpid(), "cpu": cpu() - start})

    def timed_give(self, task, deadline) -> None:
        write({"give": kind(task), "cpu": cpu()})
        give(self, task, deadline)

    write({"start": cpu()})
    worker.perform, worker._Worker.give = timed_perform, timed_give
    pages = run_pipeline(paths, out, None, jobs=2)
    write({"end": cpu()})
    return pages


def timeline_figures(record: Path) -> dict[str, float]:
    """What the two cores do in `run_timeline`'s record, in CPU seconds (the same on a loaded
    machine): the main process alone before the first page is read by OCR (`head`: imports, the
    document's first reading) and after the last (`tail`: the last reading, rows, validation,
    output files), the pages in each worker, the main process's work while they read; and the
    wall time this predicts on two idle cores."""
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    start, end = (next(e[key] for e in lines if key in e) for key in ("start", "end"))
    first_page, last = (next(e["cpu"] for e in lines if e.get("give") == key) for key in ("page", "last"))
    tasks = [e for e in lines if "task" in e]
    workers: dict[int, float] = {}
    for e in tasks:
        if e["task"] == "page":
            workers[e["pid"]] = workers.get(e["pid"], 0.0) + e["cpu"]
    reading = {k: sum(e["cpu"] for e in tasks if e["task"] == k) for k in ("first", "last")}
    head = first_page - start + reading["first"]
    meanwhile = last - first_page
    tail = end - last + reading["last"]
    # While both workers read, the main process's own work takes its share of the two cores.
    span = max(max(workers.values()), (sum(workers.values()) + meanwhile) / 2)
    return {"head": head, "tail": tail, "meanwhile": meanwhile, "workers": sorted(workers.values()),
            "predicted": head + span + tail}


def run_pdfium_chars(paths: list[Path]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        for page in pdf:
            text = page.get_textpage()
            for i in range(text.count_chars()):
                text.get_charbox(i, loose=True)
            pages += 1
        pdf.close()
    return pages


def run_pdfplumber(paths: list[Path]) -> int:
    import pdfplumber

    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                pages += 1
                page.close()
    return pages


def run_camelot(paths: list[Path]) -> int:
    import camelot

    pages = 0
    for path in paths:
        camelot.read_pdf(str(path), pages="all", flavor="lattice")
        pages += _page_count(path)
    return pages


def _page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


CONTENDERS = {
    "pipeline": lambda a: run_pipeline(a["paths"], Path(a["out"]), Path(a["cache"]) if a.get("cache") else None,
                                       a.get("jobs", 1)),
    "pipeline timeline": lambda a: run_timeline(a["paths"], Path(a["out"]), Path(a["record"])),
    "pypdfium2 chars": lambda a: run_pdfium_chars(a["paths"]),
    "pdfplumber extract_tables": lambda a: run_pdfplumber(a["paths"]),
    "camelot lattice": lambda a: run_camelot(a["paths"]),
}


def child(spec: str) -> None:
    args = json.loads(spec)
    args["paths"] = [Path(p) for p in args["paths"]]
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:args.get("cores", 1)]))
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    pages = CONTENDERS[args["name"]](args)
    seconds = time.perf_counter() - start
    print(json.dumps({"pages": pages, "seconds": seconds, "cpu": _cpu_seconds() - cpu_start}))


def _cpu_seconds() -> float:
    """CPU time of this process and of the workers it has waited for: steadier than wall time on a
    shared machine."""
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def measure(name: str, paths: list[Path], **extra) -> dict:
    """One contender in its own process; its peak memory is its process tree's (the pipeline's
    reader workers included), sampled from outside: a child's own maximum resident size would
    count this script's memory, which Linux carries over the fork into the child's figure."""
    spec = json.dumps({"name": name, "paths": [str(p) for p in paths], **extra})
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    with tempfile.TemporaryFile("w+") as output, tempfile.TemporaryFile("w+") as messages:
        proc = subprocess.Popen([sys.executable, __file__, "--child", spec], stdout=output, stderr=messages,
                                text=True, env=env)
        peak = peak_while_running(proc)
        output.seek(0), messages.seek(0)
        lines, errors = output.read().strip().splitlines(), messages.read().strip().splitlines()
    if proc.returncode != 0:
        return {"error": errors[-1] if errors else "échec"}
    return {**json.loads(lines[-1]), "peak_mb": peak}


def bench_report(args) -> None:
    """Issue 14, goal 4: one 320-page born-digital report end to end on one core, against
    pdfplumber `extract_tables` and pypdfium2's characters on the same pages, runs interleaved.
    CPU time too (the process and the workers it waited for): on a shared machine the wall time
    also counts the waits for the core."""
    names = ("pipeline", "pdfplumber extract_tables", "pypdfium2 chars")
    seconds: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    peaks: dict[str, float] = dict.fromkeys(names, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        report = merged_report(Path(tmp) / "rapport_320.pdf", 40)
        for _ in range(args.runs):
            for name in names:
                r = measure(name, [report], out=str(Path(tmp) / "out"))
                if "error" in r:
                    raise SystemExit(f"{name} : {r['error']}")
                seconds[name].append(r["seconds"])
                cpu[name].append(r["cpu"])
                peaks[name] = max(peaks[name], r["peak_mb"])
                pages = r["pages"]
    print(f"\nRapport de {pages} pages, un cœur, {args.runs} exécutions (min / médiane)\n")
    print("| outil | secondes | pages/s | CPU s | mémoire max (Mo) | outil ÷ pipeline (secondes, médianes) | "
          "outil ÷ pipeline (CPU, médianes) |")
    print("|---|---|---|---|---|---|---|")
    for name in names:
        rates = [pages / s for s in seconds[name]]
        ratio = statistics.median(seconds[name]) / statistics.median(seconds["pipeline"])
        cpu_ratio = statistics.median(cpu[name]) / statistics.median(cpu["pipeline"])
        print(f"| {name} | {min_median(seconds[name])} | {max(rates):.1f} / {statistics.median(rates):.1f} | "
              f"{min_median(cpu[name])} | {peaks[name]:.0f} | {'—' if name == 'pipeline' else f'{ratio:.1f}×'} | "
              f"{'—' if name == 'pipeline' else f'{cpu_ratio:.1f}×'} |")


def bench_scan(args) -> None:
    """Issue 14, goal 5: the scanned sample read by OCR with `--jobs 1` on one core and `--jobs 2`
    on two, runs interleaved; the two runs' synergies.csv must be the same bytes."""
    seconds: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    peaks = {1: 0.0, 2: 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        out = {jobs: Path(tmp) / f"out_{jobs}" for jobs in seconds}
        for _ in range(args.runs):
            for jobs in seconds:
                r = measure("pipeline", [SCAN], out=str(out[jobs]), jobs=jobs, cores=jobs)
                if "error" in r:
                    raise SystemExit(f"--jobs {jobs} : {r['error']}")
                seconds[jobs].append(r["seconds"])
                cpu[jobs].append(r["cpu"])
                peaks[jobs] = max(peaks[jobs], r["peak_mb"])
                pages = r["pages"]
        same = (out[1] / "synergies.csv").read_bytes() == (out[2] / "synergies.csv").read_bytes()
        record = Path(tmp) / "chronologie.jsonl"
        if "error" in (r := measure("pipeline timeline", [SCAN], out=str(out[2]), record=str(record), cores=2)):
            raise SystemExit(f"chronologie : {r['error']}")
        timeline = timeline_figures(record)
    print(f"\nPDF scanné, {pages} pages lues par OCR, {args.runs} exécutions (min / médiane)\n")
    print("| exécution | secondes | pages/s | secondes CPU (processus et lecteurs) | mémoire max (Mo) |")
    print("|---|---|---|---|---|")
    for jobs, label in ((1, "--jobs 1, un cœur"), (2, "--jobs 2, deux cœurs")):
        rates = [pages / s for s in seconds[jobs]]
        print(f"| {label} | {min_median(seconds[jobs])} | {max(rates):.2f} / {statistics.median(rates):.2f} | "
              f"{min_median(cpu[jobs])} | {peaks[jobs]:.0f} |")
    speedup = statistics.median(seconds[1]) / statistics.median(seconds[2])
    print(f"\nAccélération sur deux cœurs (médianes) : {speedup:.2f}× ; synergies.csv identiques : {'oui' if same else 'NON'}")
    # Wall times on two cores mean little on a shared machine; CPU seconds do not depend on the load.
    print(f"\nChronologie d'un --jobs 2 en secondes CPU : processus principal seul avant la première page "
          f"{timeline['head']:.2f} s, après la dernière {timeline['tail']:.2f} s, pendant la lecture "
          f"{timeline['meanwhile']:.2f} s ; pages par lecteur {' / '.join(f'{w:.2f}' for w in timeline['workers'])} s. "
          f"Prévu sur deux cœurs libres : {timeline['predicted']:.2f} s, soit "
          f"{statistics.median(cpu[1]) / timeline['predicted']:.2f}× le --jobs 1 (ses secondes CPU, médiane)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-camelot", action="store_true")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections, parmi : {', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure in the rapport and scan sections")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    print(f"Machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
          f"Python {platform.python_version()}, charge moyenne {os.getloadavg()[0]:.1f}\n")
    # The program as installed (scripts/setup.sh): its bytecode compiled, not compiled again by
    # each measured run, as it is wherever PYTHONDONTWRITEBYTECODE keeps Python from saving it (here).
    subprocess.run([sys.executable, "-m", "compileall", "-q", "pipeline", "schemas"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    for name in args.only.split(","):
        SECTIONS[name](args)


def bench_pages(args) -> None:
    """Parts 1-4: pages per second against the peers, memory on one long report, the older
    incremental figure, the scanned sample; each contender pinned to one core."""
    corpus_docs, incremental_docs, report_copies = (6, 20, 6) if args.quick else (40, 200, 40)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = make_corpus(tmp / "corpus", corpus_docs)
        print(f"Partie 1 : {len(corpus)} documents, {8 * len(corpus)} pages (copies des exemples réglé et sans filets)\n")
        print("| outil | pages | secondes | pages/s | mémoire max (Mo) | pages/s du pipeline ÷ pages/s de l'outil |")
        print("|---|---|---|---|---|---|")
        results = {}
        for name in CONTENDERS:
            if name == "camelot lattice" and args.skip_camelot:
                continue
            results[name] = measure(name, corpus, out=str(tmp / "out"))
        base = results["pipeline"]
        for name, r in results.items():
            if "error" in r:
                print(f"| {name} | – | – | – | – | erreur : {r['error']} |")
                continue
            rate = r["pages"] / r["seconds"]
            ratio = (base["pages"] / base["seconds"]) / rate
            print(f"| {name} | {r['pages']} | {r['seconds']:.2f} | {rate:.1f} | {r['peak_mb']:.0f} | "
                  f"{'—' if name == 'pipeline' else f'{ratio:.2f}'} |")

        report = merged_report(tmp / "rapport_long.pdf", report_copies)
        r = measure("pipeline", [report], out=str(tmp / "out_long"))
        print(f"\nPartie 2 : un rapport de {r['pages']} pages : {r['seconds']:.2f} s, "
              f"{r['pages'] / r['seconds']:.1f} pages/s, mémoire max {r['peak_mb']:.0f} Mo")
        small = measure("pipeline", corpus[:2], out=str(tmp / "out_small"))
        print(f"  (pour comparer : 2 documents, mémoire max {small['peak_mb']:.0f} Mo ; "
              f"{len(corpus)} documents : {base['peak_mb']:.0f} Mo)")

        docs = make_corpus(tmp / "incremental", incremental_docs + 1)
        folder = tmp / "incremental_run"
        folder.mkdir()
        for p in docs[:-1]:
            p.rename(folder / p.name)
        cache = tmp / "cache"
        full = measure("pipeline", sorted(folder.iterdir()), out=str(tmp / "out_inc"), cache=str(cache))
        docs[-1].rename(folder / docs[-1].name)
        again = measure("pipeline", sorted(folder.iterdir()), out=str(tmp / "out_inc"), cache=str(cache))
        print(f"\nPartie 3 : corpus de {incremental_docs} documents ({full['pages']} pages) lu en "
              f"{full['seconds']:.1f} s ; après ajout d'un document, nouvelle exécution en {again['seconds']:.2f} s "
              f"({again['pages']} pages au total, une seule relue)")

        scan = measure("pipeline", [SCAN], out=str(tmp / "out_scan"))
        print(f"\nPartie 4 : PDF scanné, {scan['pages']} pages lues par OCR : {scan['seconds']:.1f} s, "
              f"{scan['pages'] / scan['seconds']:.2f} pages/s, mémoire max {scan['peak_mb']:.0f} Mo")


# --- issue 14: corpus scale, start-up, year matching; `synergies` run as a user runs it -------

def peak_while_running(proc: subprocess.Popen) -> float:
    """The peak memory of a process tree until it ends (MB, sampled every 20 ms: a short-lived peak
    may be missed)."""
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.02)
    return peak


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (MB), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21])
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def synergies(args: list[str], cwd: Path, cores: set[int] | None = None) -> dict:
    """`synergies ARGS` in its own process: wall seconds, CPU seconds of its process tree (user +
    system) and the tree's peak memory (sampled every 20 ms: a short-lived peak may be missed)."""
    command = [str(Path(sys.executable).parent / "synergies"), *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Its messages go to a file: a pipe nobody reads until the end would fill and block it.
    with tempfile.TemporaryFile("w+") as messages:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=messages, text=True,
                                preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None)
        peak = peak_while_running(proc)
        seconds = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            messages.seek(0)
            raise SystemExit(f"synergies {' '.join(args)} : code {proc.returncode}\n{messages.read()[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak}


def min_median(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f}"


def bench_corpus(args) -> None:
    """Goals 1 and 2 of issue 14: a corpus of reports as users keep them, read once with the cache,
    then run again after each of three new reports arrives (one read, the rest from the cache);
    memory of the cached run over a quarter of the corpus and over all of it (is it flat?); the
    whole corpus read anew with one worker and with two. CPU is the process tree's user + system
    time: on a shared machine the wall time also counts the waits for a core."""
    communes, years = (25, (2019, 2020, 2021, 2022)) if args.quick else (250, (2019, 2020, 2021, 2022))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = communes_corpus(work / "corpus", communes, years)
        extra = communes_corpus(work / "nouveaux", 3, (2023,))
        pages = 8 * len(corpus)
        print(f"Corpus : {len(corpus)} rapports ({communes} communes x {len(years)} années, {pages} pages)\n")
        print("| mesure | secondes (min / médiane) | CPU s | pic mémoire de l'arbre de processus |\n|---|---|---|---|")
        run = ["run", "corpus", "--out", "sortie", "--cache", "cache"]

        def row(label: str, measures: list[dict]) -> None:
            print(f"| {label} | {min_median([m['seconds'] for m in measures])} | "
                  f"{min_median([m['cpu'] for m in measures])} | {max(m['peak_mb'] for m in measures):.0f} Mo |")

        row("à froid, tout lu et mis en cache, --jobs 2", [synergies([*run, "--jobs", "2"], work)])
        warm = []
        for path in extra:
            target = work / "corpus" / path.relative_to(work / "nouveaux")
            target.parent.mkdir(parents=True, exist_ok=True)
            path.rename(target)
            warm.append(synergies([*run, "--jobs", "2"], work))
        row("un rapport ajouté au corpus en cache, --jobs 2 (3 fois)", warm)
        quarter = [str(Path("corpus") / f"commune_{i:03d}") for i in range(communes // 4)]
        row(f"le quart du corpus ({4 * len(quarter)} rapports), tout en cache, --jobs 1",
            [synergies(["run", *quarter, "--out", "sortie_quart", "--cache", "cache", "--jobs", "1"], work)])
        row(f"tout le corpus ({len(corpus) + len(extra)} rapports), tout en cache, --jobs 1", [synergies([*run, "--jobs", "1"], work)])
        for jobs in (1, 2):
            row(f"tout relu sans cache, --jobs {jobs}", [synergies([*run, "--jobs", str(jobs), "--no-cache"], work)])


def bench_startup(args) -> None:
    """Goal 3 of issue 14: start-up on one core, min/median of 3, wall and CPU seconds (the process
    and its reader worker)."""
    small = ROOT / "raw" / "bois_ferrand" / "2020" / "bois_ferrand_2020.pdf"
    one = {min(os.sched_getaffinity(0))}
    with tempfile.TemporaryDirectory() as tmp:
        helps = [synergies(["--help"], Path(tmp), one) for _ in range(3)]
        runs = [synergies(["run", str(small), "--out", "sortie", "--no-cache", "--jobs", "1"], Path(tmp), one)
                for _ in range(3)]
    print("| commande | secondes | CPU s |\n|---|---|---|")
    for label, measures in (("synergies --help", helps), (f"synergies run sur {small.name} (3 pages), sans cache", runs)):
        print(f"| {label} | {min_median([m['seconds'] for m in measures])} | {min_median([m['cpu'] for m in measures])} |")


def bench_years(args) -> None:
    """Goal 6 of issue 14: `synergies diff` of two years of 20,000 synergies over 250 communes,
    whole process on one core, min/median of 3."""
    import random

    import pandas as pd

    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_diff import REFERENCE, first_year, next_year

    size, communes = (2000, 25) if args.quick else (20000, 250)
    rng = random.Random(2021)
    reference = pd.read_csv(REFERENCE, dtype=str, keep_default_na=False).drop(columns=["page_source"])
    old = first_year(reference, [f"Commune {n:03d}" for n in range(communes)], rng, size)
    new = next_year(old, rng)
    one = {min(os.sched_getaffinity(0))}
    with tempfile.TemporaryDirectory() as tmp:
        old.to_csv(Path(tmp) / "avant.csv", index=False)
        new.to_csv(Path(tmp) / "apres.csv", index=False)
        times, cpu = [], []
        for _ in range(3):
            # The process's CPU time (user + system) beside its wall time: on a shared machine the
            # wall time also counts the waits for the core, the CPU time does not.
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append(synergies(["diff", "avant.csv", "apres.csv", "--out", "evolution.csv"], Path(tmp), one)["seconds"])
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(f"| synergies diff, {len(old)} contre {len(new)} synergies, {communes} communes "
          f"| {min_median(times)} s (CPU {min_median(cpu)} s) |")
    # The same matching inside every `synergies run`: ids carried from year to year, the evolution.
    from pipeline.diff import carried_ids, year_over_year
    from pipeline.settings import DiffSettings

    both = pd.concat([old, new], ignore_index=True)
    for name, step in (("carried_ids", carried_ids), ("year_over_year", year_over_year)):
        cpu = []
        for _ in range(3):
            start = time.process_time()
            step(both, DiffSettings())
            cpu.append(time.process_time() - start)
        print(f"| {name} des deux années ({len(both)} lignes), dans le processus, CPU | {min_median(cpu)} s |")


SECTIONS = {"pages": bench_pages, "corpus": bench_corpus, "startup": bench_startup, "years": bench_years,
            "rapport": bench_report, "scan": bench_scan}


if __name__ == "__main__":
    main()
