"""Heavy third-party modules, loaded when first used (importlib's ``LazyLoader``).

A module bound at the top of a stage module with ``name = lazy.load("name")``
is imported only when one of its attributes is first read. A rebuild with
nothing to do (the store says the outputs are current) then never pays for
importing trafilatura, pyvis or igraph (docs/SCALE.md has the figures). Use it
only for third-party packages; citegraph's own modules are imported as usual.

>>> json = load("json")
>>> json.dumps([1])
'[1]'
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def load(name: str) -> ModuleType:
    """The top-level module ``name``: already imported, or imported on first attribute access."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}; reinstall citegraph with its dependencies", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
