"""Bring the store up to date: read and extract new or changed files, in parallel.

``update_store(store, options, progress, runner)`` scans the inputs, drops
what belongs to deleted files, reads and extracts new or changed files, and
re-extracts stored articles whose extractor (or outlet file) changed.

The work is cut into small batches that a *runner* (``runners.py``) maps
over: this process, a local process pool or a Dask cluster. Runners stream: at most a few batches per worker are in
flight, so texts are never all in memory at once, and each batch is
committed to the store as soon as it comes back. Each worker process builds
its ``Extractor`` once and keeps it.

One file never stops the batch: reading never raises (``read.read_one``), an
article the extractor fails on is skipped with the error, and a file whose
reading and extraction take over ``file_timeout`` seconds is skipped with
that reason (a timer, ``SIGALRM``, in this process or a pool worker; Dask
runs tasks in threads, where no timer can interrupt them).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..extract import Extractor, Gazetteer
from ..read import ReadOptions, discover, read_one
from ..read.metadata import MetadataSpec
from ..records import Article, Citation, Skip
from .db import FileResult, FileState, ScanPlan, Store, article_head, sha256_file, stat_files
from .keys import extraction_key, extractor_version, read_key
from .progress import Progress, ProgressHook
from .runners import Runner, WorkContext, choose_runner

log = logging.getLogger(__name__)

FILES_PER_BATCH = 16
ARTICLES_PER_BATCH = 64


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


def cached_gazetteer(outlets_file: str | None) -> Gazetteer:
    """The process's ``Gazetteer`` (built-in outlets plus the user's file), loaded once per version of the file."""
    key = _outlets_key(outlets_file)
    if key not in _GAZETTEERS:
        _GAZETTEERS.clear()
        _GAZETTEERS[key] = Gazetteer.load(Path(outlets_file) if outlets_file else None)
    return _GAZETTEERS[key]


def worker_extractor(outlets_file: str | None) -> Any:
    """The process's ``Extractor`` for this outlet file, built on first use."""
    key = _outlets_key(outlets_file)
    if key not in _EXTRACTORS:
        gazetteer = cached_gazetteer(outlets_file)
        _EXTRACTORS.clear()
        _EXTRACTORS[key] = Extractor(gazetteer)
    return _EXTRACTORS[key]


def read_file(state: FileState, ctx: WorkContext) -> tuple[list[Article], list[Skip]]:
    """The articles and skips of one file, as a whole-folder read gives them (ids from ``state.rel``),
    wherever this worker runs."""
    options = ReadOptions(max_bytes=ctx.max_bytes, metadata=ctx.metadata)
    items = read_one(os.path.join(ctx.base, state.path), state.rel, options)
    return [a for a in items if isinstance(a, Article)], [s for s in items if isinstance(s, Skip)]


class OverTime(BaseException):
    """A file's reading and extraction ran past its time limit (a ``BaseException``: no reader's
    ``except Exception`` may swallow it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``OverTime`` in this block after ``seconds`` (0: no limit; no limit outside the main thread)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise OverTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


OVER_TIME = "the time limit for one file"  # in the reason of every file skipped for time (``Store.timed_out``)


def _over_time(seconds: float) -> str:
    return (f"reading and extracting it took over {seconds:g} s, {OVER_TIME}; it may be made "
            "to stall citegraph: --exclude it, or raise the limit with --file-timeout")


def process_files(batch: Sequence[FileState], ctx: WorkContext) -> list[FileResult]:
    """Hash, read and extract each file of ``batch`` (a worker task)."""
    extractor = worker_extractor(ctx.outlets_file)
    results = []
    for state in batch:
        try:
            state = state._replace(sha256=sha256_file(Path(ctx.base) / state.path))
        except OSError:
            pass
        try:
            with time_limit(ctx.file_timeout):
                articles, skips = read_file(state, ctx)
                pairs, failed = _extract_each(extractor, articles)
        except OverTime:
            pairs, skips, failed = (), [Skip(state.rel, _over_time(ctx.file_timeout))], []
        if failed:  # stored with no size or hash: the next build reads the file again, and its outputs follow
            state = state._replace(size=-1, sha256="")
        results.append(FileResult(file=state, articles=pairs, skips=tuple(sorted(skips + failed))))
    return results


def _extract_each(extractor: Any, articles: list[Article]) -> tuple[tuple[tuple[Article, tuple[Citation, ...]], ...], list[Skip]]:
    """Each article with its citations; an article the extractor fails on is a ``Skip`` with the error."""
    pairs, failed = [], []
    for article in articles:
        try:
            pairs.append((article, tuple(extractor.extract(article))))
        except Exception as err:  # noqa: BLE001 - one bad article must not stop the batch
            log.debug("extractor failed on %s", article.id, exc_info=True)
            failed.append(Skip(article.id, f"extractor failed ({type(err).__name__}: {err}); please report this file"))
    return tuple(pairs), failed


def extract_records(batch: Sequence[tuple[int, str]], ctx: WorkContext) -> list[tuple[int, tuple[Citation, ...] | str]]:
    """Re-extract stored articles, given as ``(rowid, article JSON)`` (a worker task); an article that
    fails (or runs past the time limit) gives the reason instead of its citations."""
    extractor = worker_extractor(ctx.outlets_file)
    results: list[tuple[int, tuple[Citation, ...] | str]] = []
    for rowid, record in batch:
        try:
            with time_limit(ctx.file_timeout):
                results.append((rowid, tuple(extractor.extract(Article.from_dict(json.loads(record))))))
        except OverTime:
            results.append((rowid, _over_time(ctx.file_timeout)))
        except Exception as err:  # noqa: BLE001 - one bad article must not stop the batch
            results.append((rowid, f"extractor failed ({type(err).__name__}: {err}); please report this file"))
    return results


def _warm(ctx: WorkContext) -> None:
    worker_extractor(ctx.outlets_file)


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
    metadata: MetadataSpec = MetadataSpec()
    file_timeout: float = 60.0  # seconds to read and extract one file (0: no limit)
    skip_folders: tuple[str, ...] = ()  # never read from (the build's own output folder)


@dataclass(frozen=True)
class UpdateSummary:
    """What ``update_store`` did."""

    files: int  # files found
    read: int  # files (re)read
    deleted: int  # files gone since the last build
    reextracted: int  # stored articles extracted again
    seconds: float


def scan(options: UpdateOptions) -> list[FileState]:
    read_opts = ReadOptions(include=options.include, exclude=options.exclude, max_bytes=options.max_bytes,
                            metadata=options.metadata, skip_folders=options.skip_folders)
    return stat_files((s.path, s.rel) for s in discover(list(options.inputs), read_opts))


def update_store(store: Store, options: UpdateOptions, progress: ProgressHook | None = None,
                 runner: Runner | None = None, keep: list | None = None) -> UpdateSummary:
    """Bring ``store`` up to date with the inputs; see the module docstring.

    ``keep``: a list that gets each article stored by this update, header only (as
    ``Store.article_heads`` gives it), with its citations, so that the graph of a collection read
    whole need not be read back from the store (``graph.cache.graph_for``). It is filled only when
    every file is read and no stored article is extracted again: otherwise the store holds
    articles the list would not, and the graph reads them back all the same.
    """
    started = time.perf_counter()
    scan_ns = time.time_ns()
    found = scan(options)
    key = extraction_key(options.outlets_file)
    try:
        plan, stale = _plan(store, found, options, key, scan_ns)
        changes = bool(plan.writes or stale or _versions_changed(store, options, key))
    except sqlite3.DatabaseError as err:  # unreadable: damaged, unless the store was checked already
        if isinstance(err, sqlite3.OperationalError) or store.verify() is False:
            raise
        changes = True
    if changes and store.verify():
        plan, stale = _plan(store, found, options, key, scan_ns)  # the store was damaged and is empty now
    if plan.deleted:
        log.info("dropping %d deleted file(s)", len(plan.deleted))
    store.apply(plan)
    log.info("%d file(s): %d to read, %d unchanged; %d stored article(s) to re-extract",
             len(found), len(plan.to_read), plan.unchanged, stale)
    outlets = str(Path(options.outlets_file).resolve()) if options.outlets_file else None
    ctx = WorkContext(options.max_bytes, outlets, os.getcwd(), metadata=options.metadata, file_timeout=options.file_timeout)
    if plan.to_read or stale:
        cached_gazetteer(ctx.outlets_file)
        worker_extractor(ctx.outlets_file)  # a bad --outlets file fails here, before any worker starts
        runner = runner or choose_runner(options.jobs, len(plan.to_read) + stale // 4, options.dask_scheduler, _warm)
    tracker = _Tracker(progress, total=len(plan.to_read) + stale)
    if plan.to_read:
        _read_new(store, plan.to_read, key, runner, ctx, tracker, keep if not (plan.unchanged or stale) else None)
    if stale:
        _reextract(store, key, runner, ctx, tracker)
    _note_versions(store, options, key)
    return UpdateSummary(len(found), len(plan.to_read), len(plan.deleted), stale, time.perf_counter() - started)


def _read_new(store: Store, states: Sequence[FileState], key: str, runner: Runner, ctx: WorkContext,
              tracker: _Tracker, keep: list | None = None) -> None:
    batches = (states[i : i + FILES_PER_BATCH] for i in range(0, len(states), FILES_PER_BATCH))
    for results in runner.map(process_files, batches, ctx):
        stored = store.put_files(results, key)
        if keep is not None:
            keep.extend((article_head(a, r.file.rel), citations) for r in stored for a, citations in r.articles)
        for r in results:
            tracker.advance(read=len(r.articles), extracted=len(r.articles), skipped=len(r.skips))


def _reextract(store: Store, key: str, runner: Runner, ctx: WorkContext, tracker: _Tracker) -> None:
    # Materialise the rowids first: the store changes under the iteration.
    batches = list(store.iter_stale_ids(key, ARTICLES_PER_BATCH))
    records = (store.records_of(batch) for batch in batches)
    for results in runner.map(extract_records, records, ctx):
        store.put_citations(results, key)
        tracker.advance(extracted=len(results), units=len(results))


def _plan(store: Store, found: list[FileState], options: UpdateOptions, key: str, scan_ns: int) -> tuple[ScanPlan, int]:
    """The scan plan, and how many stored articles were extracted with another key.

    A new extractor also reads again the files skipped for time (the new code may be quicker).
    """
    plan = store.plan(found, read_key(options.max_bytes, options.metadata.digest), scan_ns)
    stale = store.stale_count(key)
    if stale and not plan.fresh:
        timed_out = store.timed_out() - {s.path for s in plan.to_read}
        if timed_out:
            again = tuple(s for s in found if s.path in timed_out)
            plan = dataclasses.replace(plan, to_read=plan.to_read + again, unchanged=plan.unchanged - len(again),
                                       scan_ns=scan_ns)
    return plan, stale


def _versions(options: UpdateOptions, key: str) -> dict[str, str]:
    outlets = sha256_file(Path(options.outlets_file)) if options.outlets_file else ""
    return {"extractor_version": extractor_version(), "outlets_sha256": outlets, "extraction_key": key}


def _versions_changed(store: Store, options: UpdateOptions, key: str) -> bool:
    return any(store.get_meta(name) != value for name, value in _versions(options, key).items())


def _note_versions(store: Store, options: UpdateOptions, key: str) -> None:
    if _versions_changed(store, options, key):
        with store.transaction():
            for name, value in _versions(options, key).items():
                store.set_meta(name, value)


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
