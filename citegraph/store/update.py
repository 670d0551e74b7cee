"""Bring the store up to date: read and extract new or changed files, in parallel.

``update_store(store, options, progress, runner)`` scans the inputs, drops
what belongs to deleted files, reads and extracts new or changed files, and
re-extracts stored articles whose extractor (or outlet file) changed.

The work is cut into small batches that a *runner* (``runners.py``) maps
over: this process, a local process pool or a Dask cluster. Runners stream: at most a few batches per worker are in
flight, so texts are never all in memory at once, and each batch is
committed to the store as soon as it comes back. Each worker process builds
its ``Extractor`` once and keeps it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..extract import Extractor, Gazetteer
from ..read import ReadOptions, discover, iter_articles
from ..read.metadata import MetadataSpec
from ..records import Article, Citation, Skip
from .db import FileResult, FileState, Store, sha256_file, stat_files
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
    """The articles and skips of one file, as a whole-folder read gives them.

    Ids are made relative to the file's input root and paths are the ones
    given on the command line, wherever this worker runs.
    """
    path = Path(ctx.base) / state.path
    name, where = path.name, str(path)
    articles: list[Article] = []
    skips: list[Skip] = []
    try:
        for item in iter_articles([path], ReadOptions(max_bytes=ctx.max_bytes, metadata=ctx.metadata)):
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
                            metadata=options.metadata)
    return stat_files((s.path, s.rel) for s in discover(list(options.inputs), read_opts))


def update_store(store: Store, options: UpdateOptions, progress: ProgressHook | None = None,
                 runner: Runner | None = None) -> UpdateSummary:
    """Bring ``store`` up to date with the inputs; see the module docstring."""
    started = time.perf_counter()
    scan_ns = time.time_ns()
    found = scan(options)
    plan = store.plan(found, read_key(options.max_bytes, options.metadata.digest), scan_ns)
    if plan.deleted:
        log.info("dropping %d deleted file(s)", len(plan.deleted))
        store.delete_files(plan.deleted)
    key = extraction_key(options.outlets_file)
    stale = store.stale_count(key)
    log.info("%d file(s): %d to read, %d unchanged; %d stored article(s) to re-extract",
             len(found), len(plan.to_read), plan.unchanged, stale)
    outlets = str(Path(options.outlets_file).resolve()) if options.outlets_file else None
    ctx = WorkContext(options.max_bytes, outlets, os.getcwd(), options.metadata)
    if plan.to_read or stale:
        cached_gazetteer(ctx.outlets_file)
        worker_extractor(ctx.outlets_file)  # a bad --outlets file fails here, before any worker starts
        runner = runner or choose_runner(options.jobs, len(plan.to_read) + stale // 4, options.dask_scheduler, _warm)
    tracker = _Tracker(progress, total=len(plan.to_read) + stale)
    if plan.to_read:
        _read_new(store, plan.to_read, key, runner, ctx, tracker)
    if stale:
        _reextract(store, key, runner, ctx, tracker)
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
    outlets = sha256_file(Path(options.outlets_file)) if options.outlets_file else ""
    with store.transaction():
        store.set_meta("extractor_version", extractor_version())
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
