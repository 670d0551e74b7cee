"""The previous build's graph, kept beside the outputs so that a rebuild can patch it.

``out/.citegraph/graph.json`` holds a base model (``CitationGraph``: the graph
and what each article put into it) and ``out/.citegraph/journal.json`` what
the last build that published its outputs had changed since: the articles it
had that the base has not, or has otherwise (their records as they were
then), and those it no longer had. A build whose store changed in a few
articles loads the base, brings it to the last build's articles (replaying
the journal: one ``CitationGraph.patch``), patches it to the store's, and
writes a new journal; only when the journal has grown past a few percent of
the articles is the whole model saved again. Anything else (no cache, another
code or extractor version, a build that did not finish publishing, many
changed articles, a file that fails its checks) builds the graph from the
store as a clean build does. Either way the outputs are the same bytes
(``tests/test_incremental.py``).

The files are JSON, never code: each starts with a header line (format,
the versions the graph depends on, the digest of the store state it was made
from, and an HMAC-SHA256 of the header and the rest, keyed with this
machine's key, which is kept outside OUT: ``fsutil.local_key``), checked
before the rest is parsed. A file damaged, edited, or written by another
machine (an OUT folder handed over) fails the check and the graph is built
from the store.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import lazy
from ..fsutil import atomic_binary, compact_json_pieces, signed, signing
from ..records import Article, Citation
from .memo import Memo
from .model import ArticleNote, Change, CitationGraph, DocumentNote, OutletLookup

nx = lazy.load("networkx")

log = logging.getLogger(__name__)

FORMAT = "citegraph-graph-2"  # 2: signed with the local key (1 had a plain SHA-256)
CACHE_DIR = ".citegraph"
GRAPH_FILE = "graph.json"
JOURNAL_FILE = "journal.json"
MEMO_FILE = "memo.json"  # the last build's remembered layouts (``graph.memo``)
MEMO_DIGEST = "memo"  # a memo entry is keyed by its own inputs, whatever the store held
# Patch when at most PATCH_SHARE of the articles changed (or PATCH_MIN, on a small corpus; never more than
# PATCH_MAX): beyond, building the graph anew is about as quick.
PATCH_SHARE = 0.2
PATCH_MIN = 64
PATCH_MAX = 20_000
# The model is saved again when its journal holds more than JOURNAL_SHARE of the articles (at least
# JOURNAL_MIN); until then a build saves only the journal.
JOURNAL_SHARE = 0.02
JOURNAL_MIN = 64


@dataclass
class Journal:
    """What the graph of one build differs in from the base model in ``graph.json``.

    ``fingerprints``: article id -> its fingerprint in that build, None when
    the build did not have it, for every article whose fingerprint differs
    from the base's; ``records``: those articles' records (header and
    citations).
    """

    base: str  # the store digest the base model was made from
    fingerprints: dict[str, Any] = field(default_factory=dict)
    records: dict[str, tuple[Article, list[Citation]]] = field(default_factory=dict)


@dataclass
class Graph:
    """The graph of this build; ``change`` is None when it was built anew, else what the patch touched."""

    model: CitationGraph
    change: Change | None = None
    journal: Journal | None = None  # after a patch: what to save instead of the whole model, unless it grew too big

    @property
    def G(self) -> nx.DiGraph:
        return self.model.G


def cache_key(store, code: str) -> str:
    """What a cached graph depends on besides the articles: format, package code, reader and extractor keys."""
    return f"{FORMAT}:{code}:{store.get_meta('read_key')}:{store.get_meta('extraction_key')}"


def graph_for(store, out: Path, key: str, previous_digest: str | None, gazetteer: OutletLookup | None,
              fresh: list | None = None) -> Graph:
    """The graph of the store's articles: the previous build's patched, when it can be, else built anew.

    ``previous_digest`` is the store digest of the last build that finished
    publishing (None if the last one did not). ``fresh``: the articles this
    build stored, with their citations (``update_store``'s ``keep``); when
    they are all the store holds, a graph built anew is built from them,
    not read back. The list is emptied.
    """
    fingerprints = store.fingerprints()
    found = _load_previous(Path(out) / CACHE_DIR, key, previous_digest, gazetteer) if fingerprints else None
    if found is not None:
        model, journal = found
        base = _replay(model, journal)
        removed = {a for a, fp in model.fingerprints.items() if fingerprints.get(a) != fp}
        added = {a for a, fp in fingerprints.items() if model.fingerprints.get(a) != fp}
        changed = len(removed | added)
        if changed <= min(PATCH_MAX, max(PATCH_MIN, PATCH_SHARE * len(fingerprints))):
            records = store.records_for(added)
            change = model.patch(removed, records)
            model.fingerprints = fingerprints
            log.info("graph patched: %d article(s) removed, %d added", len(removed), len(added))
            return Graph(model, change, _next_journal(journal, base, model, records))
        log.info("%d of %d articles changed: building the graph anew", changed, len(fingerprints))
    if fresh and fingerprints is not None and len(fresh) == len(fingerprints) \
            and all(article.id in fingerprints for article, _ in fresh):  # this build stored every article
        model = CitationGraph.build((a for a, _ in fresh), (c for _, cs in fresh for c in cs), gazetteer)
    else:
        model = CitationGraph.build(store.article_heads(), store.citations(), gazetteer)
    if fresh is not None:
        fresh.clear()  # the graph holds what it needs of them
    model.fingerprints = dict(fingerprints or {})
    return Graph(model)


def save(graph: Graph, stage: Path, key: str, digest: str) -> None:
    """Save the journal from the base model, or (no journal) the whole model as the new base."""
    folder = Path(stage) / CACHE_DIR
    journal = graph.journal
    if journal is None:
        _write(folder / GRAPH_FILE, key, digest, _model_data(graph.model))
        journal = Journal(base=digest)
    _write(folder / JOURNAL_FILE, key, digest, _journal_data(journal))


def load_memo(out: Path, key: str) -> Memo:
    """The memo the last published build in ``out`` saved (empty when there is none or it fails its checks)."""
    data = _read(Path(out) / CACHE_DIR / MEMO_FILE, key, MEMO_DIGEST)
    if not isinstance(data, dict):
        return Memo()
    return Memo(data)


def save_memo(memo: Memo, stage: Path, key: str) -> None:
    """Save the entries this build used (a result JSON cannot hold is not saved: computed again next time)."""
    log.info("memo: %d step(s) remembered, %d computed", memo.hits, memo.misses)
    try:
        _write(Path(stage) / CACHE_DIR / MEMO_FILE, key, MEMO_DIGEST, memo.kept)
    except ValueError as err:
        log.warning("memo not saved (%s): its layouts are computed again next build", err)


# ---------------------------------------------------------------- replaying


def _load_previous(folder: Path, key: str, digest: str | None, gazetteer: OutletLookup | None
                   ) -> tuple[CitationGraph, Journal] | None:
    """The base model and the journal that brings it to the last published build, or None."""
    if digest is None:
        return None
    data = _read(folder / JOURNAL_FILE, key, digest)
    journal = _journal_of(data) if data is not None else Journal(base=digest)
    data = _read(folder / GRAPH_FILE, key, journal.base) if journal is not None else None
    if data is None:
        return None
    try:
        return _model_of(data, gazetteer), journal
    except (KeyError, TypeError, ValueError) as err:
        log.warning("cannot use %s (%s); building the graph anew", folder / GRAPH_FILE, err)
        return None


def _replay(model: CitationGraph, journal: Journal) -> dict[str, Any]:
    """Patch the base ``model`` to the build the journal describes; returns the base's fingerprints
    (what the next journal is measured from)."""
    base = dict(model.fingerprints)  # patching pops removed articles' fingerprints
    if journal.fingerprints:
        removed = {a for a in journal.fingerprints if a in model.fingerprints}
        model.patch(removed, list(journal.records.values()))
        for aid, fp in journal.fingerprints.items():
            if fp is not None:
                model.fingerprints[aid] = fp
    return base


def _next_journal(journal: Journal, base: dict[str, Any], model: CitationGraph,
                  records: list[tuple[Article, list[Citation]]]) -> Journal | None:
    """The journal from the base to ``model`` (patched with ``records``), or None when it has grown too
    big to be worth replaying (the whole model is saved instead)."""
    now = model.fingerprints
    fresh = {article.id: (article, citations) for article, citations in records}
    fingerprints: dict[str, Any] = {}
    for aid in sorted({*journal.fingerprints, *fresh, *(a for a in base if a not in now)}):
        if now.get(aid) != base.get(aid):
            fingerprints[aid] = now.get(aid)
    if len(fingerprints) > max(JOURNAL_MIN, JOURNAL_SHARE * len(now)):
        return None
    kept = {aid: fresh[aid] if aid in fresh else journal.records[aid] for aid, fp in fingerprints.items()
            if fp is not None}
    return Journal(journal.base, fingerprints, kept)


# ---------------------------------------------------------------- files


def _signed_part(header: dict[str, Any], body: bytes) -> bytes:
    """What the signature covers: the header's fields (but the signature) and the body."""
    fields = {k: header.get(k) for k in ("format", "key", "digest")}
    return json.dumps(fields, sort_keys=True).encode("ascii") + b"\n" + body


def _write(path: Path, key: str, digest: str, payload: Any) -> None:
    """The header line (with the signature of header and body), then the body: the body is encoded a
    piece at a time into a temporary file and signed as it goes, then copied in behind the header, so a
    large model is never one string in memory."""
    header = {"format": FORMAT, "key": key, "digest": digest}
    signer = signing(_signed_part(header, b""))
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=path.parent) as body:
        for piece in compact_json_pieces(payload):
            data = piece.encode("utf-8")
            signer.update(data)
            body.write(data)
        header["signature"] = signer.signature()
        body.seek(0)
        with atomic_binary(path) as fh:
            fh.write(json.dumps(header).encode("ascii") + b"\n")
            shutil.copyfileobj(body, fh, 1 << 20)


def _read(path: Path, key: str, digest: str) -> Any:
    """The payload of ``path`` when its header is for ``key`` and ``digest`` and its signature holds, else None."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        log.warning("cannot read %s (%s); building the graph anew", path, err)
        return None
    head, _, body = data.partition(b"\n")
    try:
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError("not a citegraph graph cache")
        if header.get("key") != key or header.get("digest") != digest:
            log.info("%s is for another build: not used", path)
            return None
        if not signed(_signed_part(header, body), header.get("signature")):
            raise ValueError("its signature does not match: it was changed, damaged or made on another machine")
        return json.loads(body)
    except (ValueError, TypeError, AttributeError) as err:
        log.warning("cannot use %s (%s); building the graph anew", path, err)
        return None


def _fingerprint(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _model_data(model: CitationGraph) -> dict[str, Any]:
    G = model.G
    return {
        "nodes": [[n, attrs] for n, attrs in G.nodes(data=True)],
        "edges": [[u, v, attrs] for u, v, attrs in G.edges(data=True)],
        "notes": {aid: [note.spellings, note.hits, note.discovered, note.documents] for aid, note in model.notes.items()},
        "docs": {doc: {aid: [n.label, n.issuer, n.via, n.date, sorted(n.vias), sorted(n.issuers)]
                       for aid, n in notes.items()} for doc, notes in model.docs.items()},
        "fingerprints": model.fingerprints,
    }


def _model_of(data: dict[str, Any], gazetteer: OutletLookup | None) -> CitationGraph:
    model = CitationGraph(gazetteer)
    G = model.G
    G.add_nodes_from((n, attrs) for n, attrs in data["nodes"])
    G.add_edges_from((u, v, attrs) for u, v, attrs in data["edges"])
    for aid, (spellings, hits, discovered, documents) in data["notes"].items():
        note = ArticleNote(tuple(map(tuple, spellings)), tuple(hits), tuple(discovered), tuple(documents))
        model.notes[aid] = note
        model._count(note, 1, set())
    model.names = {key: model.canonical(key) for key in model.spell}
    model.docs = {doc: {aid: DocumentNote(label, issuer, via, date, set(vias), set(issuers))
                        for aid, (label, issuer, via, date, vias, issuers) in notes.items()}
                  for doc, notes in data["docs"].items()}
    model.fingerprints = {aid: _fingerprint(fp) for aid, fp in data["fingerprints"].items()}
    return model


def _journal_data(journal: Journal) -> dict[str, Any]:
    return {
        "base": journal.base,
        "fingerprints": journal.fingerprints,
        "records": {aid: [article.to_dict(), [c.to_dict() for c in citations]]
                    for aid, (article, citations) in journal.records.items()},
    }


def _journal_of(data: Any) -> Journal | None:
    try:
        return Journal(
            base=data["base"],
            fingerprints={aid: _fingerprint(fp) for aid, fp in data["fingerprints"].items()},
            records={aid: (Article.from_dict(article), [Citation.from_dict(c) for c in citations])
                     for aid, (article, citations) in data["records"].items()},
        )
    except (KeyError, TypeError, ValueError) as err:
        log.warning("cannot use the graph journal (%s); building the graph anew", err)
        return None
