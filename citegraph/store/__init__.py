"""The build store and its upkeep: what was read and extracted, kept between builds.

``db.Store`` is the SQLite file ``OUT/citegraph.sqlite``; ``update.update_store``
brings it up to date with the inputs (reading and extracting only what
changed) through a runner (``runners``: this process, a process pool or a Dask
cluster); ``keys`` says what stored rows depend on; ``progress`` reports
how far an update has got.
"""

from .db import STORE_NAME, Store
from .progress import Progress, ProgressHook
from .update import UpdateOptions, UpdateSummary, update_store

__all__ = ["STORE_NAME", "Progress", "ProgressHook", "Store", "UpdateOptions", "UpdateSummary", "update_store"]
