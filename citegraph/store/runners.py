"""Runners: where reading and extraction run. Each maps a function over batches of work.

``InProcess`` (one core), ``LocalPool`` (a process pool, ``--jobs N``) and
``DaskRunner`` (the workers of an existing Dask cluster, ``--dask-scheduler``).
All stream: at most a few batches per worker are in flight, so texts are
never all in memory at once, and results come back in order.

Dask runs: each batch becomes one ``dask.distributed`` task; workers read the
input files themselves, so they must see the same file system (paths are
resolved against this process's working folder), and they need citegraph
installed.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import logging
import multiprocessing
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Protocol

from ..errors import BuildError
from ..read.metadata import MetadataSpec

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 4
# Below this many files a pool costs more to start than it saves.
MIN_FILES_FOR_POOL = 48


@dataclass(frozen=True)
class WorkContext:
    """What a worker needs besides its batch; small and picklable."""

    max_bytes: int
    outlets_file: str | None  # absolute path, so a worker elsewhere finds it
    base: str  # the build's working folder: relative input paths are resolved against it
    metadata: MetadataSpec = MetadataSpec()  # sidecars and --publisher rules (absolute paths)
    file_timeout: float = 0.0  # seconds to read and extract one file (0: no limit)


class Runner(Protocol):
    """Maps a function over batches, yielding results in order, with bounded work in flight."""

    def map(self, fn: Callable[[Any, WorkContext], Any], batches: Iterable[Any], ctx: WorkContext) -> Iterator[Any]: ...


class InProcess:
    """Runs every batch in this process, one after another."""

    def map(self, fn: Callable, batches: Iterable[Any], ctx: WorkContext) -> Iterator[Any]:
        for batch in batches:
            yield fn(batch, ctx)


class LocalPool:
    """A process pool of ``jobs`` workers with at most ``IN_FLIGHT_PER_WORKER`` batches each in flight.

    ``warm`` runs once in each worker as it starts (to build what every batch uses).
    """

    def __init__(self, jobs: int, warm: Callable[[WorkContext], None] | None = None) -> None:
        self.jobs = jobs
        self.warm = warm

    def map(self, fn: Callable, batches: Iterable[Any], ctx: WorkContext) -> Iterator[Any]:
        # fork: workers inherit the warm extractor and need no ``__main__`` guard in the caller.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        warm = {"initializer": self.warm, "initargs": (ctx,)} if self.warm else {}
        with cf.ProcessPoolExecutor(self.jobs, mp_context=context, **warm) as pool:

            def submit(f: Callable, batch: Any, c: WorkContext) -> cf.Future:
                future = pool.submit(f, batch, c)
                future.batch = batch  # type: ignore[attr-defined]  # named if its worker dies
                return future

            yield from bounded(submit, fn, batches, ctx, self.jobs * IN_FLIGHT_PER_WORKER, _pool_result)


def _pool_result(future: cf.Future) -> Any:
    """A pool batch's result; a worker that died (killed, out of memory, a crash in C code) is a ``BuildError``."""
    batch = getattr(future, "batch", ())
    try:
        return future.result()
    except cf.process.BrokenProcessPool as err:
        raise BuildError(
            f"a worker process died while reading and extracting {_describe(batch)} (killed, perhaps out of "
            "memory, or crashed); what was read before is kept in the store: run the build again, with --jobs 1 "
            "to see which file stops it"
        ) from err


def _describe(batch: Any) -> str:
    """The files of a batch of ``FileState`` ("sub/a.txt and 15 more"), else its size."""
    names = [getattr(item, "rel", None) for item in batch] if isinstance(batch, (list, tuple)) else []
    if names and all(names):
        return names[0] if len(names) == 1 else f"{names[0]} or one of {len(names) - 1} file(s) after it"
    return f"a batch of {len(batch)} stored article(s)" if isinstance(batch, (list, tuple)) else "a batch"


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


def choose_runner(jobs: int, files: int, dask_scheduler: str | None = None,
                  warm: Callable[[WorkContext], None] | None = None) -> Runner:
    """Dask when a scheduler is given, a pool when there is enough work, else this process."""
    if dask_scheduler:
        return DaskRunner(dask_scheduler)
    jobs = resolve_jobs(jobs)
    if jobs == 1 or files < MIN_FILES_FOR_POOL:
        return InProcess()
    return LocalPool(jobs, warm)


CONNECT_TIMEOUT = "20s"


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError as err:
        raise BuildError(
            "--dask-scheduler needs dask.distributed, which is not installed: "
            "pip install 'citegraph[dask]' (or drop --dask-scheduler to build on this machine)."
        ) from err
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise BuildError(
            f"cannot reach the Dask scheduler at {address} ({err}); start one with "
            "`dask scheduler` and workers with `dask worker ADDRESS`, or check the address."
        ) from err


class DaskRunner:
    """Maps batches over the workers of the Dask cluster at ``address``."""

    def __init__(self, address: str) -> None:
        self.address = address

    def map(self, fn: Callable, batches: Iterable[Any], ctx: WorkContext) -> Iterator[Any]:
        client = _client(self.address)
        try:
            threads = sum(client.nthreads().values())
            if threads == 0:
                raise BuildError(f"the Dask cluster at {self.address} has no workers; start some with `dask worker {self.address}`.")
            log.info("dask: %d worker thread(s) at %s", threads, self.address)

            def submit(f: Callable, batch: Any, c: WorkContext) -> Any:
                return client.submit(f, batch, c, pure=False)

            yield from bounded(submit, fn, batches, ctx, threads * IN_FLIGHT_PER_WORKER, _result)
        finally:
            client.close()


def _result(future: Any) -> Any:
    return future.result()
