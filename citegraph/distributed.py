"""Run reading and extraction on an existing Dask cluster (``--dask-scheduler``).

``DaskRunner(address)`` is a runner for ``parallel.update_store``: each batch
of files (or of stored articles to re-extract) becomes one
``dask.distributed`` task; results come back to this process, which commits
them to the same store and then writes the same outputs as a local build.
At most a few tasks per worker thread are in flight, so a corpus of any size
streams through. Workers read the input files themselves, so they must see
the same file system (paths are resolved against this process's working
folder), and they need citegraph installed. Each worker process builds its
``Extractor`` once (``parallel.worker_extractor``).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator

from .errors import BuildError
from .parallel import IN_FLIGHT_PER_WORKER, WorkContext, bounded

log = logging.getLogger(__name__)

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
