"""The previous build's graph, kept beside the outputs so that a rebuild can patch it.

``out/.citegraph/graph.pickle`` holds the ``GraphState`` of the last build that
published its outputs; ``out/.citegraph/exports.pickle`` the byte layout of
its graph exports. A build whose store changed in a few articles loads the
state, patches it (``GraphState.patch``) and rewrites only the changed
pieces of the exports; anything else (no cache, another code or extractor
version, a build that did not finish publishing, many changed articles)
builds the graph from the store as a clean build does. Either way the outputs
are the same bytes (``tests/test_incremental.py``).

Each file starts with a small header (format version, the versions the graph
depends on, and the digest of the store state it was made from), checked
before the rest is unpickled. The files are written by citegraph into its own
output folder and read back only by it; like the store, they are trusted as
the package code is: delete the folder to drop them.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fsutil import atomic_binary
from .graphstate import STATE_VERSION, Change, GraphState

log = logging.getLogger(__name__)

CACHE_DIR = ".citegraph"
GRAPH_FILE = "graph.pickle"
EXPORTS_FILE = "exports.pickle"
RECORDS_FILE = "records.pickle"
# Patch when at most PATCH_SHARE of the articles changed (or PATCH_MIN, on a small corpus; never more than
# PATCH_MAX): beyond, building the graph anew is about as quick.
PATCH_SHARE = 0.2
PATCH_MIN = 64
PATCH_MAX = 20_000


@dataclass
class Graph:
    """The graph of this build; ``change`` is None when it was built anew, else what the patch touched."""

    state: GraphState | None
    G: Any
    change: Change | None = None
    articles: frozenset[str] = frozenset()  # after a patch: the ids of the articles removed, added or changed


def cache_key(store, code: str) -> str:
    """What a cached graph depends on besides the articles: format, package code, reader and extractor keys."""
    return f"{STATE_VERSION}:{code}:{store.get_meta('read_key')}:{store.get_meta('extraction_key')}"


def graph_for(store, out: Path, key: str, previous_digest: str | None, gazetteer) -> Graph:
    """The graph of the store's articles: the previous build's patched, when it can be, else built anew.

    ``previous_digest`` is the store digest of the last build that finished
    publishing (None if the last one did not); ``gazetteer`` is a callable
    giving the outlet gazetteer.
    """
    fingerprints = store.fingerprints()
    state = _load(Path(out) / CACHE_DIR / GRAPH_FILE, key, previous_digest) if fingerprints is not None else None
    if state is not None:
        removed = {a for a, fp in state.fingerprints.items() if fingerprints.get(a) != fp}
        added = {a for a, fp in fingerprints.items() if state.fingerprints.get(a) != fp}
        changed = len(removed | added)
        if changed <= min(PATCH_MAX, max(PATCH_MIN, PATCH_SHARE * len(fingerprints))):
            change = state.patch(removed, store.records_for(added), gazetteer)
            state.fingerprints = fingerprints
            log.info("graph patched: %d article(s) removed, %d added", len(removed), len(added))
            return Graph(state, state.G, change, frozenset(removed | added))
        log.info("%d of %d articles changed: building the graph anew", changed, len(fingerprints))
    articles = list(store.article_heads())
    citations = list(store.citations())
    gaz = gazetteer()
    state = GraphState.build(articles, citations, gaz, fingerprints) if fingerprints is not None else None
    if state is None:
        from .graph import build_graph

        return Graph(None, build_graph(articles, citations, gaz))
    return Graph(state, state.G)


def _load(path: Path, key: str, digest: str | None) -> GraphState | None:
    header = {"key": key, "digest": digest}
    found = load_cached(path, header)
    return found if isinstance(found, GraphState) else None


def load_cached(path: Path, header: dict[str, Any]) -> Any:
    """The object pickled in ``path`` after ``header``, or None when it is absent, broken or for another header."""
    if header.get("digest") is None:
        return None
    collecting = gc.isenabled()
    try:
        with open(path, "rb") as fh:
            if pickle.load(fh) != header:
                log.info("%s is for another build: not used", path)
                return None
            gc.disable()  # unpickling creates a graph's worth of objects: collections midway only cost time
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as err:  # a damaged cache costs a full build, never the build
        log.warning("cannot use %s (%s: %s); building the graph anew", path, type(err).__name__, err)
        return None
    finally:
        if collecting:
            gc.enable()


def save_cached(path: Path, header: dict[str, Any], value: Any) -> Path:
    """Pickle ``header`` then ``value`` into ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_binary(path) as fh:
        pickle.dump(header, fh, protocol=5)
        pickle.dump(value, fh, protocol=5)
    return path


def save_state(state: GraphState, stage: Path, key: str, digest: str) -> Path:
    return save_cached(Path(stage) / CACHE_DIR / GRAPH_FILE, {"key": key, "digest": digest}, state)


def previous_exports(out: Path, key: str, digest: str | None):
    """The ``splice.ExportIndex`` of the exports in ``out``, without the files changed since (size or mtime)."""
    found = _load_index(Path(out), EXPORTS_FILE, key, digest)
    if found is None:
        return None
    index, changed = found
    return dataclasses.replace(index, files={k: None if k in changed else v for k, v in index.files.items()})


def previous_records(out: Path, key: str, digest: str | None):
    """The ``recordfiles.RecordIndex`` of the record files in ``out``, or None (none, or files changed since)."""
    found = _load_index(Path(out), RECORDS_FILE, key, digest)
    return found[0] if found is not None and not found[1] else None


def save_exports(index, stage: Path, key: str, digest: str) -> Path:
    return _save_index(Path(stage), EXPORTS_FILE, index, list(index.files), key, digest)


def save_records(index, stage: Path, key: str, digest: str) -> Path:
    from .recordfiles import FILES

    return _save_index(Path(stage), RECORDS_FILE, index, FILES, key, digest)


def _save_index(stage: Path, name: str, index: Any, files: list[str], key: str, digest: str) -> Path:
    """An index of output files, with each file's size and mtime as written (publishing moves, keeping both)."""
    stats = {}
    for file in files:
        st = os.stat(stage / file)
        stats[file] = (st.st_size, st.st_mtime_ns)
    return save_cached(stage / CACHE_DIR / name, {"key": key, "digest": digest}, (index, stats))


def _load_index(out: Path, name: str, key: str, digest: str | None) -> tuple[Any, set[str]] | None:
    """``(index, names of the files it describes that were changed or removed since)``, or None."""
    found = load_cached(out / CACHE_DIR / name, {"key": key, "digest": digest})
    if found is None:
        return None
    index, stats = found
    changed = set()
    for file, stat in stats.items():
        try:
            now = os.stat(out / file)
        except OSError:
            now = None
        if now is None or (now.st_size, now.st_mtime_ns) != tuple(stat):
            changed.add(file)
    return index, changed
