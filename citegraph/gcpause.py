"""Python's cyclic garbage collector paused while a graph's worth of objects is made or walked.

Loading the graph state, making the outputs and rendering the explorer
allocate a few million dicts and lists that hold no reference cycles and stay
alive to the end; each full collection their number sets off walks all of
them and finds nothing to free (0.2 s of a rebuild after one changed article
at 10,000 articles). What they drop is freed by reference counting.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for the ``with`` body, then as it was (forked children inherit the pause)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
