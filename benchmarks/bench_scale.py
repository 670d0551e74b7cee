"""Scale benchmark: cold build, no-op rebuild and one-article rebuild at 10k and 100k articles.

Builds scale corpora from the real texts in ../shared/corpora (every article
file the reader takes: text dumps, HTML, gzipped HTML), copied round-robin
into numbered folders until there are N articles with distinct ids, in a
temporary folder outside the repo. For each size it runs ``citegraph build``
as a subprocess and prints:

* cold build time and articles per second (the median of three cold builds
  up to 20,000 articles, each into an empty output folder; one above),
* no-op rebuild time (median of three runs),
* rebuild time after changing one article (median of three runs, each
  changing another article: the first patches the base state, the next ones
  replay the graph journal first, as a user's day-to-day rebuilds do),
* where the one-article rebuild spends its time (in-process, per stage),
* peak memory of the whole process tree (the CLI and its workers) in a second
  cold build, sampled every 50 ms with psutil: PSS summed (pages shared
  copy-on-write by a forked child counted once) and, beside it, RSS summed
  (shared pages counted in each process).

The timed builds run unobserved. Reading a process's PSS walks its page
tables (``/proc/PID/smaps_rollup``), and doing so every 50 ms for the CLI
and its workers slowed the build it measured: at 10,000 articles the same
cold build took 33.9 s (51 CPU s) sampled and 24.5 s (41 CPU s) unsampled.
So memory has its own build, whose time is printed only to show that cost.

The machine check (``benchmarks/machine.py``) is printed before the first
size and after the last: this machine's speed drifts within the hour.

Usage: python benchmarks/bench_scale.py [--sizes 10000 100000] [--jobs 0] [--cold-runs N] [--work DIR] [--keep] [--no-memory]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

import machine  # benchmarks/machine.py: how fast the machine is right now

REPO = Path(__file__).resolve().parents[1]
# The citegraph measured is this checkout's, in the builds (run from REPO: ``python -m`` looks in the current
# folder first) and in the stage split (imported here), whatever is installed and wherever this is run from.
sys.path.insert(0, str(REPO))
CORPORA = REPO.parent / "shared" / "corpora"
ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".html.gz", ".htm.gz")


def source_pool() -> list[tuple[Path, str]]:
    """Every article file of the shared corpora, with its path relative to the corpora folder."""
    pool = []
    for path in sorted(CORPORA.rglob("*")):
        rel = path.relative_to(CORPORA).as_posix()
        if not path.is_file() or not rel.lower().endswith(ARTICLE_SUFFIXES):
            continue
        if path.name.upper().startswith(("README", "SOURCE")) or path.name == "expected.html":
            continue  # documentation and readability's expected output are not articles
        pool.append((path, rel))
    return pool


def make_corpus(root: Path, size: int, pool: list[tuple[Path, str]]) -> None:
    """``size`` real articles copied round-robin into ``root/cNNN/<corpus path>``."""
    for i in range(size):
        src, rel = pool[i % len(pool)]
        dest = root / f"c{i // len(pool):03d}" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)


class PeakMemory:
    """Samples the memory of a process and all its descendants: summed RSS and summed PSS.

    RSS counts a page shared by two processes (a forked child reading its
    parent's graph, copy-on-write) twice; PSS (proportional set size) splits it
    between them, so summed PSS is the memory the build really takes.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.peak_pss = 0
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = pss = 0
                for p in procs:
                    try:
                        info = p.memory_full_info()
                        rss, pss = rss + info.rss, pss + getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, rss)
                self.peak_pss = max(self.peak_pss, pss)
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak, self.peak_pss


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(corpus: Path, out: Path, jobs: int, sample: bool = False) -> tuple[float, tuple[int, int], str, float]:
    """Seconds, peak tree (RSS, PSS) in bytes (0, 0 unless ``sample``), the CLI's summary line, and CPU
    seconds of the process tree.

    CPU seconds (user + system of the CLI and its workers) are what the build
    costs even when other work shares the cores; wall time is not.
    """
    cpu = _children_cpu()
    cmd = [sys.executable, "-m", "citegraph.cli", "build", str(corpus), "--out", str(out), "--jobs", str(jobs), "--no-progress"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    sampler = PeakMemory(proc.pid) if sample else None
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    peak = sampler.stop() if sampler else (0, 0)
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}):\n{stderr[-3000:]}")
    return seconds, peak, stdout.splitlines()[0] if stdout else "", _children_cpu() - cpu


def stage_times(corpus: Path, out: Path, jobs: int) -> dict[str, float]:
    """Seconds per pipeline stage of one build run here with ``--jobs 1`` (so that every stage runs in this
    process, one after the other, and is timed), by wrapping the stage functions."""
    from citegraph import pipeline
    from citegraph.graph import cache as graph_cache

    times: dict[str, float] = {}
    names = ["_update", "write_records", "metrics_in_two", "write_metrics", "write_report", "write_explorer"]
    originals = {n: getattr(pipeline, n) for n in names if hasattr(pipeline, n)}
    graph_for = graph_cache.graph_for

    def wrap(name, fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - t

        return timed

    for name, fn in originals.items():
        setattr(pipeline, name, wrap(name, fn))
    graph_cache.graph_for = wrap("graph_for", graph_for)
    try:
        t = time.perf_counter()
        pipeline.build(pipeline.BuildOptions(inputs=(corpus,), out=out, jobs=1))
        times["total"] = time.perf_counter() - t
    finally:
        for name, fn in originals.items():
            setattr(pipeline, name, fn)
        graph_cache.graph_for = graph_for
    return times


def change_one(corpus: Path, round_: int) -> Path:
    """Append a paragraph to one article (a different one each round)."""
    files = sorted(p for p in (corpus / "c000").rglob("*.txt"))
    target = files[round_ * 7 % len(files)]
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(f"\n\nThe figures were updated in revision {round_}, Reuters reported.\n")
    return target


REPEATS = 3  # no-op and one-changed rebuilds are short: each is run this many times and the median reported
COLD_REPEATS_UP_TO = 20_000  # cold builds are repeated as often up to this many articles (one above: 100,000 take minutes)


def _median(runs: list[tuple]) -> tuple:
    """The run with the median time (the CPU seconds and peak memory reported are that run's)."""
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


def _mib(peak: tuple[int, int]) -> str:
    rss, pss = peak
    if not rss:
        return "not measured"
    return f"{pss / 2**20:.0f} MiB PSS ({rss / 2**20:.0f} MiB RSS)"


def cold_runs(size: int, asked: int | None) -> int:
    """How many cold builds to time: ``asked``, else ``REPEATS`` up to ``COLD_REPEATS_UP_TO`` articles and one above."""
    if asked is not None:
        return max(1, asked)
    return REPEATS if size <= COLD_REPEATS_UP_TO else 1


def run_size(size: int, work: Path, jobs: int, pool: list[tuple[Path, str]], memory: bool,
             colds: int | None = None) -> dict[str, float]:
    corpus, out = work / f"corpus-{size}", work / f"out-{size}"
    for leftover in (corpus, out, work / f"out-{size}-memory"):  # a --work folder used before: start cold
        if leftover.exists():
            print(f"[{size}] removing {leftover}, left by an earlier run", flush=True)
            shutil.rmtree(leftover)
    t = time.perf_counter()
    make_corpus(corpus, size, pool)
    print(f"[{size}] corpus of {size} files made in {time.perf_counter() - t:.1f} s", flush=True)
    load = psutil.getloadavg()[0]
    runs = []
    for i in range(cold_runs(size, colds)):
        if i:
            shutil.rmtree(out)  # cold again: no store, no outputs
        runs.append(timed_build(corpus, out, jobs))
    cold, _, summary, cold_cpu = _median(runs)
    print(f"[{size}] cold {cold:.1f} s ({cold_cpu:.1f} CPU s)"
          + (", median of " + ", ".join(f"{r[0]:.1f} s ({r[3]:.1f} CPU s)" for r in runs) if len(runs) > 1 else "")
          + f": {summary}", flush=True)
    noops = [timed_build(corpus, out, jobs) for _ in range(REPEATS)]
    noop, _, _, noop_cpu = _median(noops)
    print(f"[{size}] no-op {noop:.2f} s ({noop_cpu:.2f} CPU s), median of "
          + ", ".join(f"{r[0]:.2f}" for r in noops), flush=True)
    ones = []
    for round_ in range(1, REPEATS + 1):
        change_one(corpus, round_)
        ones.append(timed_build(corpus, out, jobs))
    one, _, _, one_cpu = _median(ones)
    print(f"[{size}] one changed {one:.2f} s ({one_cpu:.2f} CPU s), median of "
          + ", ".join(f"{r[0]:.2f} s ({r[3]:.2f} CPU s)" for r in ones), flush=True)
    change_one(corpus, REPEATS + 1)
    stages = stage_times(corpus, out, jobs)
    print(f"[{size}] one changed, stages run one after another (--jobs 1): " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()), flush=True)
    peak = (0, 0)
    if memory:
        observed, peak, _, observed_cpu = timed_build(corpus, work / f"out-{size}-memory", jobs, sample=True)
        print(f"[{size}] peak memory of a second cold build {_mib(peak)} (that build, observed: "
              f"{observed:.1f} s, {observed_cpu:.1f} CPU s)", flush=True)
    return {"size": size, "cold": cold, "rate": size / cold, "peak": peak, "noop": noop, "one": one,
            "cold_cpu": cold_cpu, "noop_cpu": noop_cpu, "one_cpu": one_cpu, "load": load}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--jobs", type=int, default=0, help="--jobs for citegraph build (0: all cores)")
    parser.add_argument("--cold-runs", type=int, default=None,
                        help=f"cold builds per size, the median reported (default: {REPEATS} up to "
                             f"{COLD_REPEATS_UP_TO:,} articles, 1 above)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a new temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--no-memory", dest="memory", action="store_false",
                        help="skip the second cold build that samples peak memory")
    args = parser.parse_args()
    print(machine.describe(), flush=True)
    if not CORPORA.is_dir():
        raise SystemExit(f"{CORPORA} is absent: the benchmark needs ../shared/corpora beside the repo")
    pool = source_pool()
    work = (args.work or Path(tempfile.mkdtemp(prefix="citegraph-bench-"))).resolve()  # the builds run in REPO
    print(f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.1f} GiB; "
          f"{len(pool)} source articles; scratch {work}", flush=True)
    rows = []
    try:
        for size in args.sizes:
            rows.append(run_size(size, work, args.jobs, pool, args.memory, args.cold_runs))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(machine.describe() + " (after the runs)", flush=True)
    print("\n| articles | cold build | articles/s | peak memory, PSS (RSS) | no-op rebuild | one changed | CPU s cold / no-op / one | load before |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['size']:,} | {r['cold']:.1f} s | {r['rate']:.0f} | {_mib(r['peak'])} "
              f"| {r['noop']:.2f} s | {r['one']:.2f} s | {r['cold_cpu']:.0f} / {r['noop_cpu']:.1f} / {r['one_cpu']:.1f} "
              f"| {r['load']:.1f} |")


if __name__ == "__main__":
    main()
