"""The previous build's graph, kept beside the outputs so that a rebuild can patch it.

``out/.citegraph/graph.pickle`` holds a ``GraphState`` (the base) and
``out/.citegraph/graph.journal`` what the last build that published its
outputs had changed since: the articles it had that the base has not, or has
otherwise (their records as they were then), and those it no longer had.
``out/.citegraph/exports.pickle`` holds the byte layout of its graph exports.
A build whose store changed in a few articles loads the base, brings it to
the last build's articles (replaying the journal: one ``GraphState.patch``),
patches it to the store's, rewrites only the changed pieces of the exports,
and writes a new journal; only when the journal has grown past a few percent
of the articles is the whole state pickled again (0.3–0.5 s at 10,000
articles; the journal takes milliseconds). Anything else (no cache,
another code or extractor version, a build that did not finish publishing,
many changed articles) builds the graph from the store as a clean build does.
Either way the outputs are the same bytes (``tests/test_incremental.py``).

Each file starts with a small header (format version, the versions the graph
depends on, and the digest of the store state it was made from), checked
before the rest is unpickled. The files are written by citegraph into its own
output folder and read back only by it; like the store, they are trusted as
the package code is: delete the folder to drop them.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .fsutil import atomic_binary
from .gcpause import collector_paused
from .graphstate import STATE_VERSION, Change, GraphState

log = logging.getLogger(__name__)

CACHE_DIR = ".citegraph"
GRAPH_FILE = "graph.pickle"
JOURNAL_FILE = "graph.journal"
EXPORTS_FILE = "exports.pickle"
RECORDS_FILE = "records.pickle"
# Patch when at most PATCH_SHARE of the articles changed (or PATCH_MIN, on a small corpus; never more than
# PATCH_MAX): beyond, building the graph anew is about as quick.
PATCH_SHARE = 0.2
PATCH_MIN = 64
PATCH_MAX = 20_000
# The state is pickled again when its journal holds more than JOURNAL_SHARE of the articles (at least
# JOURNAL_MIN): replaying 500 articles takes about 0.1 s at 10,000, pickling the state 0.4 s.
JOURNAL_SHARE = 0.02
JOURNAL_MIN = 64


@dataclass
class Journal:
    """What the state of one build differs in from the base state in ``graph.pickle``.

    ``fingerprints``: article id -> its fingerprint in that build, None when
    the build did not have it, for every article whose fingerprint differs from
    the base's; ``records``: those articles' records (header and citations);
    ``lookups``: outlet spellings looked up since the base, so that replaying
    needs no gazetteer.
    """

    base: str  # the store digest the base state was made from
    fingerprints: dict[str, Any] = field(default_factory=dict)
    records: dict[str, tuple[Any, list[Any]]] = field(default_factory=dict)
    lookups: dict[str, Any] = field(default_factory=dict)


@dataclass
class Graph:
    """The graph of this build; ``change`` is None when it was built anew, else what the patch touched."""

    state: GraphState | None
    G: Any
    change: Change | None = None
    articles: frozenset[str] = frozenset()  # after a patch: the ids of the articles removed, added or changed
    journal: Journal | None = None  # after a patch: what to save instead of the whole state, unless it grew too big


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
    found = _load_previous(Path(out) / CACHE_DIR, key, previous_digest) if fingerprints is not None else None
    if found is not None:
        state, journal = found
        base = _replay(state, journal, gazetteer)
        removed = {a for a, fp in state.fingerprints.items() if fingerprints.get(a) != fp}
        added = {a for a, fp in fingerprints.items() if state.fingerprints.get(a) != fp}
        changed = len(removed | added)
        if changed <= min(PATCH_MAX, max(PATCH_MIN, PATCH_SHARE * len(fingerprints))):
            records = store.records_for(added)
            change = state.patch(removed, records, gazetteer)
            state.fingerprints = fingerprints
            log.info("graph patched: %d article(s) removed, %d added", len(removed), len(added))
            return Graph(state, state.G, change, frozenset(removed | added),
                         _next_journal(journal, base, state, records))
        log.info("%d of %d articles changed: building the graph anew", changed, len(fingerprints))
    articles = list(store.article_heads())
    citations = list(store.citations())
    gaz = gazetteer()
    state = GraphState.build(articles, citations, gaz, fingerprints) if fingerprints is not None else None
    if state is None:
        from .graph import build_graph

        return Graph(None, build_graph(articles, citations, gaz))
    return Graph(state, state.G)


def _load_previous(folder: Path, key: str, digest: str | None) -> tuple[GraphState, Journal] | None:
    """The base state and the journal that brings it to the last published build, or None."""
    found = load_cached(folder / JOURNAL_FILE, {"key": key, "digest": digest})
    journal = found if isinstance(found, Journal) else Journal(base=digest or "")
    state = _load(folder / GRAPH_FILE, key, journal.base)
    return (state, journal) if state is not None else None


def _replay(state: GraphState, journal: Journal, gazetteer) -> tuple[dict[str, Any], set[str]]:
    """Patch the base ``state`` to the build the journal describes; returns the base's fingerprints and
    looked-up spellings (what the next journal is measured from)."""
    base = (dict(state.fingerprints), set(state.lookups))  # patching pops removed articles' fingerprints
    if journal.fingerprints:
        state.lookups.update(journal.lookups)
        removed = {a for a in journal.fingerprints if a in state.fingerprints}
        state.patch(removed, list(journal.records.values()), gazetteer)
        for aid, fp in journal.fingerprints.items():
            if fp is not None:
                state.fingerprints[aid] = fp
    return base


def _next_journal(journal: Journal, base: tuple[dict[str, Any], set[str]], state: GraphState,
                  records: list[tuple[Any, list[Any]]]) -> Journal | None:
    """The journal from the base to ``state`` (patched with ``records``), or None when it has grown too
    big to be worth replaying (the whole state is saved instead)."""
    base_fingerprints, base_lookups = base
    now = state.fingerprints
    fresh = {article.id: (article, citations) for article, citations in records}
    fingerprints: dict[str, Any] = {}
    for aid in sorted({*journal.fingerprints, *fresh, *(a for a in base_fingerprints if a not in now)}):
        if now.get(aid) != base_fingerprints.get(aid):
            fingerprints[aid] = now.get(aid)
    if len(fingerprints) > max(JOURNAL_MIN, JOURNAL_SHARE * len(now)):
        return None
    kept = {aid: fresh[aid] if aid in fresh else journal.records[aid] for aid, fp in fingerprints.items()
            if fp is not None}
    lookups = {name: found for name, found in state.lookups.items() if name not in base_lookups}
    return Journal(journal.base, fingerprints, kept, lookups)


def _load(path: Path, key: str, digest: str | None) -> GraphState | None:
    header = {"key": key, "digest": digest}
    found = load_cached(path, header)
    return found if isinstance(found, GraphState) else None


def load_cached(path: Path, header: dict[str, Any]) -> Any:
    """The object pickled in ``path`` after ``header``, or None when it is absent, broken or for another header."""
    if header.get("digest") is None:
        return None
    try:
        with open(path, "rb") as fh:
            if pickle.load(fh) != header:
                log.info("%s is for another build: not used", path)
                return None
            with collector_paused():  # unpickling creates a graph's worth of objects
                return pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as err:  # a damaged cache costs a full build, never the build
        log.warning("cannot use %s (%s: %s); building the graph anew", path, type(err).__name__, err)
        return None


def save_cached(path: Path, header: dict[str, Any], value: Any) -> Path:
    """Pickle ``header`` then ``value`` into ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_binary(path) as fh:
        pickle.dump(header, fh, protocol=5)
        pickle.dump(value, fh, protocol=5)
    return path


def save_state(state: GraphState, stage: Path, key: str, digest: str, journal: Journal | None = None) -> Path:
    """Save the journal from the base state, or (``journal`` None) the whole state as the new base."""
    folder = Path(stage) / CACHE_DIR
    header = {"key": key, "digest": digest}
    if journal is None:
        save_cached(folder / GRAPH_FILE, header, state)
        journal = Journal(base=digest)
    return save_cached(folder / JOURNAL_FILE, header, journal)


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
