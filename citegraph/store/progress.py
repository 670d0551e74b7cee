"""Progress of a build, reported through a callback so the core never prints.

The core calls ``hook(Progress(...))`` after each batch; the CLI renders it as
a progress bar on stderr when that is a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Progress:
    """Counts so far in this build.

    ``total`` and ``done`` count units of work (files to read, then stored
    articles to re-extract); the others count articles read and extracted and
    files or lines skipped.
    """

    total: int
    done: int
    read: int
    extracted: int
    skipped: int


ProgressHook = Callable[[Progress], None]
