"""Bring the store up to date: read and extract new or changed files, in parallel.

``update_store(store, options, runner, progress)`` scans the inputs, drops
what belongs to deleted files, reads and extracts new or changed files, and
re-extracts stored articles whose extractor (or outlet file) changed.

The work is cut into small batches that a *runner* maps over: ``InProcess``
(one core), ``LocalPool`` (a process pool, ``--jobs N``) or the Dask runner in
``distributed.py``. Runners stream: at most a few batches per worker are in
flight, so texts are never all in memory at once, and each batch is
committed to the store as soon as it comes back. Each worker process builds
its ``Extractor`` once and keeps it.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import dataclasses
import json
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

from . import regexcache
from .progress import Progress, ProgressHook
from .records import Article, Citation, Skip
from .store import FileResult, FileState, Store, extraction_key, read_key, sha256_file, stat_files

log = logging.getLogger(__name__)

FILES_PER_BATCH = 16
ARTICLES_PER_BATCH = 64
IN_FLIGHT_PER_WORKER = 4
# Below this many files a pool costs more to start than it saves.
MIN_FILES_FOR_POOL = 48
# Beside the store: the parsed built-in outlets (``Gazetteer.load``) and the extractor's compiled
# patterns (``regexcache``), which spare a rebuild after a few changed files most of the extractor's start-up.
OUTLET_CACHE = Path(".citegraph") / "outlets.json"
REGEX_CACHE = Path(".citegraph") / "regex.json"


@dataclass(frozen=True)
class WorkContext:
    """What a worker needs besides its batch; small and picklable."""

    max_bytes: int
    outlets_file: str | None  # absolute path, so a worker elsewhere finds it
    base: str  # the build's working folder: relative input paths are resolved against it


class Runner(Protocol):
    """Maps a function over batches, yielding results in order, with bounded work in flight."""

    def map(self, fn: Callable[[Any, WorkContext], Any], batches: Iterable[Any], ctx: WorkContext) -> Iterator[Any]: ...


# -- worker side -----------------------------------------------------------

_EXTRACTORS: dict[tuple, Any] = {}
_GAZETTEERS: dict[tuple, Any] = {}


def _outlets_key(outlets_file: str | None) -> tuple:
    """The outlet file and its size and mtime: an edited file is loaded again, even in a long-lived process."""
    if not outlets_file:
        return (None,)
    try:
        stat = os.stat(outlets_file)
    except OSError:
        return (outlets_file,)  # Gazetteer.load says what is wrong with it
    return (outlets_file, stat.st_size, stat.st_mtime_ns)


def cached_gazetteer(outlets_file: str | None, cache: Path | None = None) -> Any:
    """The process's ``Gazetteer`` (built-in outlets plus the user's file), loaded once per version of the file.

    ``cache`` is the build's file of parsed built-in outlets (``Gazetteer.load``).
    """
    key = _outlets_key(outlets_file)
    if key not in _GAZETTEERS:
        from .gazetteer import Gazetteer

        _GAZETTEERS.clear()
        _GAZETTEERS[key] = Gazetteer.load(Path(outlets_file) if outlets_file else None, cache)
    return _GAZETTEERS[key]


def worker_extractor(outlets_file: str | None) -> Any:
    """The process's ``Extractor`` for this outlet file, built on first use."""
    key = _outlets_key(outlets_file)
    if key not in _EXTRACTORS:
        from .extract import Extractor

        gazetteer = cached_gazetteer(outlets_file)
        _EXTRACTORS.clear()
        _EXTRACTORS[key] = Extractor(gazetteer)
    return _EXTRACTORS[key]


def read_file(state: FileState, ctx: WorkContext) -> tuple[list[Article], list[Skip]]:
    """The articles and skips of one file, as a whole-folder read gives them.

    Ids are made relative to the file's input root and paths are the ones
    given on the command line, wherever this worker runs.
    """
    from .read import ReadOptions, iter_articles

    path = Path(ctx.base) / state.path
    name, where = path.name, str(path)
    articles: list[Article] = []
    skips: list[Skip] = []
    try:
        for item in iter_articles([path], ReadOptions(max_bytes=ctx.max_bytes)):
            if isinstance(item, Skip):
                skips.append(Skip(path=state.path + item.path[len(where):], reason=item.reason))
            else:
                articles.append(dataclasses.replace(item, id=state.rel + item.id[len(name):], path=state.path))
    except OSError as err:
        skips.append(Skip(path=state.path, reason=f"cannot read the file ({err.strerror or err}); check it exists"))
    return articles, skips


def process_files(batch: Sequence[FileState], ctx: WorkContext) -> list[FileResult]:
    """Hash, read and extract each file of ``batch`` (a worker task)."""
    extractor = worker_extractor(ctx.outlets_file)
    results = []
    for state in batch:
        try:
            state = state._replace(sha256=sha256_file(Path(ctx.base) / state.path))
        except OSError:
            pass
        articles, skips = read_file(state, ctx)
        pairs = tuple((a, tuple(extractor.extract(a))) for a in articles)
        results.append(FileResult(file=state, articles=pairs, skips=tuple(sorted(skips))))
    return results


def extract_records(batch: Sequence[tuple[int, str]], ctx: WorkContext) -> list[tuple[int, tuple[Citation, ...]]]:
    """Re-extract stored articles, given as ``(rowid, article JSON)`` (a worker task)."""
    extractor = worker_extractor(ctx.outlets_file)
    return [(rowid, tuple(extractor.extract(Article.from_dict(json.loads(record))))) for rowid, record in batch]


# -- runners ---------------------------------------------------------------


class InProcess:
    """Runs every batch in this process, one after another."""

    def map(self, fn: Callable, batches: Iterable[Any], ctx: WorkContext) -> Iterator[Any]:
        for batch in batches:
            yield fn(batch, ctx)


class LocalPool:
    """A process pool of ``jobs`` workers with at most ``IN_FLIGHT_PER_WORKER`` batches each in flight."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def map(self, fn: Callable, batches: Iterable[Any], ctx: WorkContext) -> Iterator[Any]:
        # fork: workers inherit the warm extractor and need no ``__main__`` guard in the caller.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with cf.ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_warm, initargs=(ctx,)) as pool:
            yield from bounded(pool.submit, fn, batches, ctx, self.jobs * IN_FLIGHT_PER_WORKER, cf.Future.result)


def _warm(ctx: WorkContext) -> None:
    worker_extractor(ctx.outlets_file)


def bounded(submit: Callable, fn: Callable, batches: Iterable[Any], ctx: WorkContext, window: int,
            result: Callable[[Any], Any]) -> Iterator[Any]:
    """Submit batches keeping at most ``window`` in flight; yield results in submission order."""
    pending: collections.deque = collections.deque()
    for batch in batches:
        pending.append(submit(fn, batch, ctx))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def resolve_jobs(jobs: int) -> int:
    """``jobs`` workers, 0 meaning every core this process may use."""
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def choose_runner(jobs: int, files: int, dask_scheduler: str | None = None) -> Runner:
    """Dask when a scheduler is given, a pool when there is enough work, else this process."""
    if dask_scheduler:
        from .distributed import DaskRunner

        return DaskRunner(dask_scheduler)
    jobs = resolve_jobs(jobs)
    if jobs == 1 or files < MIN_FILES_FOR_POOL:
        return InProcess()
    return LocalPool(jobs)


# -- the driver ------------------------------------------------------------


@dataclass(frozen=True)
class UpdateOptions:
    """How to update the store (the subset of ``BuildOptions`` this stage uses)."""

    inputs: tuple[Path, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    outlets_file: Path | None = None
    max_bytes: int = 20 * 1024 * 1024
    jobs: int = 0
    dask_scheduler: str | None = None


@dataclass(frozen=True)
class UpdateSummary:
    """What ``update_store`` did."""

    files: int  # files found
    read: int  # files (re)read
    deleted: int  # files gone since the last build
    reextracted: int  # stored articles extracted again
    seconds: float


def scan(options: UpdateOptions) -> list[FileState]:
    from .read import ReadOptions, discover

    read_opts = ReadOptions(include=options.include, exclude=options.exclude, max_bytes=options.max_bytes)
    return stat_files((s.path, s.rel) for s in discover(list(options.inputs), read_opts))


def update_store(store: Store, options: UpdateOptions, progress: ProgressHook | None = None,
                 runner: Runner | None = None) -> UpdateSummary:
    """Bring ``store`` up to date with the inputs; see the module docstring."""
    started = time.perf_counter()
    scan_ns = time.time_ns()
    found = scan(options)
    plan = store.plan(found, read_key(options.max_bytes), scan_ns)
    if plan.deleted:
        log.info("dropping %d deleted file(s)", len(plan.deleted))
        store.delete_files(plan.deleted)
    key = extraction_key(options.outlets_file)
    stale = store.stale_count(key)
    log.info("%d file(s): %d to read, %d unchanged; %d stored article(s) to re-extract",
             len(found), len(plan.to_read), plan.unchanged, stale)
    outlets = str(Path(options.outlets_file).resolve()) if options.outlets_file else None
    ctx = WorkContext(options.max_bytes, outlets, os.getcwd())
    folder = Path(store.path).parent
    if plan.to_read or stale:
        regexcache.load(folder / REGEX_CACHE)
        cached_gazetteer(ctx.outlets_file, folder / OUTLET_CACHE)
        worker_extractor(ctx.outlets_file)  # a bad --outlets file fails here, before any worker starts
        runner = runner or choose_runner(options.jobs, len(plan.to_read) + stale // 4, options.dask_scheduler)
    tracker = _Tracker(progress, total=len(plan.to_read) + stale)
    if plan.to_read:
        _read_new(store, plan.to_read, key, runner, ctx, tracker)
    if stale:
        _reextract(store, key, runner, ctx, tracker)
    if plan.to_read or stale:
        regexcache.save(folder / REGEX_CACHE)  # the patterns this process compiled, for the next build
    _note_versions(store, options, key)
    return UpdateSummary(len(found), len(plan.to_read), len(plan.deleted), stale, time.perf_counter() - started)


def _read_new(store: Store, states: Sequence[FileState], key: str, runner: Runner, ctx: WorkContext,
              tracker: _Tracker) -> None:
    batches = (states[i : i + FILES_PER_BATCH] for i in range(0, len(states), FILES_PER_BATCH))
    for results in runner.map(process_files, batches, ctx):
        store.put_files(results, key)
        for r in results:
            tracker.advance(read=len(r.articles), extracted=len(r.articles), skipped=len(r.skips))


def _reextract(store: Store, key: str, runner: Runner, ctx: WorkContext, tracker: _Tracker) -> None:
    # Materialise the rowids first: the store changes under the iteration.
    batches = list(store.iter_stale_ids(key, ARTICLES_PER_BATCH))
    records = (store.records_of(batch) for batch in batches)
    for results in runner.map(extract_records, records, ctx):
        store.put_citations(results, key)
        tracker.advance(extracted=len(results), units=len(results))


def _note_versions(store: Store, options: UpdateOptions, key: str) -> None:
    from .store import EXTRACTOR_VERSION

    outlets = sha256_file(Path(options.outlets_file)) if options.outlets_file else ""
    with store.transaction():
        store.set_meta("extractor_version", EXTRACTOR_VERSION)
        store.set_meta("outlets_sha256", outlets)
        store.set_meta("extraction_key", key)


class _Tracker:
    """Counts work done and reports it through the progress hook."""

    def __init__(self, hook: ProgressHook | None, total: int) -> None:
        self.hook = hook
        self.state = Progress(total=total, done=0, read=0, extracted=0, skipped=0)
        self._emit()

    def advance(self, read: int = 0, extracted: int = 0, skipped: int = 0, units: int | None = None) -> None:
        s = self.state
        self.state = dataclasses.replace(
            s, done=s.done + (1 if units is None else units), read=s.read + read,
            extracted=s.extracted + extracted, skipped=s.skipped + skipped,
        )
        self._emit()

    def _emit(self) -> None:
        if self.hook is not None:
            self.hook(self.state)
