"""The citation graph of the last build, kept so that the next build can patch it.

A rebuild after a few changed articles should not rebuild a graph of every
article: ``GraphState`` holds the graph together with what each article put
into the tables its nodes are made from (outlet spellings, gazetteer hits,
"discovered" marks, what it says of each document), so that removing an
article and adding its new version touches only the nodes and edges they
share. ``patch`` gives exactly the graph ``graph.build_graph`` builds from the
new articles and citations (same nodes, edges, attributes and order; tested
on real corpora), and reports which nodes and edges may have changed, for the
outputs that are rewritten piece by piece.

How ``build_graph`` decides, and how the state follows it:

* an outlet key's node is named by the gazetteer name among its spellings, or
  its commonest spelling: spellings are counted per key, so a removal can
  undo an addition, and a key whose name changes moves its edges;
* a document's label, issuer, via and date come from the first citation (in
  citation order: article id first) that gives them: the state keeps, per
  document, each citing article's first values and takes them in id order;
* ``via`` and ``issued_by`` edges list the articles behind them: kept per
  document and article, too.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import networkx as nx

from .graph import (
    OutletLookup,
    _article_attrs,
    _cites_edge,
    _outlet_attrs,
    article_node,
    build_graph,
    canonical_spelling,
    outlet_key,
    outlet_node,
    source_node,
)
from .records import Article, Citation, CitationKind, Outlet

log = logging.getLogger(__name__)

STATE_VERSION = 1


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(slots=True)
class _Note:
    """What one article put into the shared tables."""

    spellings: tuple[tuple[str, str], ...]  # (outlet key, spelling) of its publisher, cited outlets and vias
    hits: tuple[str, ...]  # gazetteer names among them
    discovered: tuple[str, ...]  # keys of outlets it cites that the extractor discovered
    documents: tuple[str, ...]  # document nodes it cites


@dataclass(slots=True)
class _DocNote:
    """What one article's citations say of one document, first values first."""

    label: str
    issuer: str = ""
    via: str = ""  # an outlet key
    date: str = ""
    vias: set[str] = field(default_factory=set)  # outlet keys
    issuers: set[str] = field(default_factory=set)  # normalised issuer names


@dataclass(frozen=True)
class Change:
    """Nodes and edges a patch added or may have changed (removed ones are simply gone)."""

    nodes: frozenset[str]
    edges: frozenset[tuple[str, str]]


class GraphState:
    """A citation graph and the per-article tables that let it be patched.

    ``G`` is the graph ``build_graph`` gives for the articles in ``notes``;
    ``fingerprints`` is whatever the caller uses to tell an article changed.
    """

    def __init__(self, G: nx.DiGraph) -> None:
        self.G = G
        self.fingerprints: dict[str, Any] = {}
        self.notes: dict[str, _Note] = {}
        self.spell: dict[str, Counter] = {}
        self.hits: Counter = Counter()
        self.outlets: dict[str, Outlet] = {}
        self.discovered: Counter = Counter()
        self.names: dict[str, str] = {}
        self.docs: dict[str, dict[str, _DocNote]] = {}
        self.lookups: dict[str, tuple[str, Outlet | None]] = {}
        self._gazetteer: OutletLookup | None = None
        self._load_gazetteer: Callable[[], OutletLookup | None] | None = None  # set by ``patch``

    # ------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        articles: Sequence[Article],
        citations: Sequence[Citation],
        gazetteer: OutletLookup | None,
        fingerprints: dict[str, Any] | None = None,
    ) -> GraphState | None:
        """The graph of ``articles`` and ``citations`` with its tables; None when ids repeat (not patchable)."""
        ids = [a.id for a in articles]
        if len(set(ids)) != len(ids):
            return None
        state = cls(build_graph(articles, citations, gazetteer))
        state.fingerprints = dict(fingerprints or {})
        state._gazetteer = gazetteer
        for article, group in _by_article(sorted(articles, key=lambda a: a.id), citations):
            state._add_note(article, group, set(), set())
        state.names = {key: state._canonical(key) for key in state.spell}
        return state

    def __getstate__(self) -> dict[str, Any]:
        state = {k: getattr(self, k) for k in ("G", "fingerprints", "notes", "spell", "hits", "outlets",
                                               "discovered", "names", "docs", "lookups")}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._gazetteer = None
        self._load_gazetteer = None

    # ------------------------------------------------------------ patching

    def patch(
        self,
        removed: Iterable[str],
        added: Sequence[tuple[Article, Sequence[Citation]]],
        gazetteer: Callable[[], OutletLookup | None],
    ) -> Change:
        """Remove the articles ``removed`` (ids), add ``added`` (each with its citations in citation order).

        A changed article is removed and added. ``gazetteer`` is called
        only if a spelling was never looked up before. Returns the nodes and
        edges added or touched.
        """
        self._load_gazetteer = gazetteer
        patch = _Patch(self)
        ordered = sorted(added, key=lambda item: item[0].id)
        again = {article.id for article, _ in ordered}
        for aid in sorted(set(removed)):
            patch.remove_article(aid, keep_node=aid in again)
        for article, citations in ordered:
            if article.id in self.notes:
                raise ValueError(f"article {article.id!r} is added twice or was not removed first")
            self._add_note(article, citations, patch.keys, patch.docs)
        patch.rename_outlets()
        for article, citations in ordered:
            patch.add_article(article, citations)
        patch.settle_documents()
        patch.drop_outlets()
        patch.drop_orphans()
        patch.restore_order()
        return Change(frozenset(n for n in patch.dirty_nodes if n in self.G),
                      frozenset(e for e in patch.dirty_edges if self.G.has_edge(*e)))

    # ------------------------------------------------------------ tables

    def key_of(self, name: str) -> tuple[str, Outlet | None]:
        """``(outlet key, gazetteer outlet or None)`` of a spelling, as ``graph._Outlets.key`` gives it."""
        found = self.lookups.get(name)
        if found is None:
            gazetteer = self._gazetteer
            if gazetteer is None and self._load_gazetteer is not None:
                gazetteer = self._gazetteer = self._load_gazetteer()
            hit = gazetteer.lookup(name) if gazetteer is not None else None
            found = self.lookups[name] = (outlet_key(hit.name), hit) if hit else (outlet_key(name), None)
        return found

    def _spelling(self, name: str, spellings: list, hits: list) -> str:
        name = _norm(name)
        key, hit = self.key_of(name)
        if hit is not None:
            self.outlets[hit.name] = hit
            hits.append(hit.name)
        spellings.append((key, hit.name if hit else name))
        return key

    def _add_note(self, article: Article, citations: Sequence[Citation], keys: set, docs: set) -> None:
        spellings: list[tuple[str, str]] = []
        hits: list[str] = []
        discovered: list[str] = []
        notes: dict[str, _DocNote] = {}
        if article.publisher and article.publisher.strip():
            self._spelling(article.publisher, spellings, hits)
        for c in citations:
            if c.kind is CitationKind.OUTLET:
                key = self._spelling(c.name, spellings, hits)
                if c.discovered:
                    discovered.append(key)
            elif c.kind is CitationKind.DOCUMENT:
                via = self._spelling(c.via, spellings, hits) if c.via else ""
                _note_document(notes, source_node(c), c, via)
        note = _Note(tuple(spellings), tuple(hits), tuple(discovered), tuple(notes))
        self.notes[article.id] = note
        self._count(note, 1, keys)
        for doc, doc_note in notes.items():
            self.docs.setdefault(doc, {})[article.id] = doc_note
            docs.add(doc)

    def _count(self, note: _Note, sign: int, keys: set) -> None:
        for key, name in note.spellings:
            counts = self.spell.setdefault(key, Counter())
            _bump(counts, name, sign)
            if not counts:
                del self.spell[key]
            keys.add(key)
        for name in note.hits:
            _bump(self.hits, name, sign)
        for key in note.discovered:
            _bump(self.discovered, key, sign)

    def _canonical(self, key: str) -> str:
        """``graph._Outlets.canonical``: the gazetteer name, else the commonest spelling."""
        return canonical_spelling(self.spell[key], self.hits.__contains__)

    def outlet_attrs(self, key: str) -> dict[str, Any]:
        name = self.names[key]
        return _outlet_attrs(name, self.outlets.get(name) if name in self.hits else None, key in self.discovered)


def _bump(counts: Counter, name: str, sign: int) -> None:
    value = counts[name] + sign
    if value < 0:
        raise ValueError(f"graph state out of step: count of {name!r} below zero")
    if value:
        counts[name] = value
    else:
        del counts[name]


def _note_document(notes: dict[str, _DocNote], doc: str, c: Citation, via: str) -> None:
    note = notes.get(doc)
    if note is None:
        note = notes[doc] = _DocNote(label=c.name)
    if c.issuer:
        note.issuers.add(_norm(c.issuer))
        if not note.issuer:
            note.issuer = _norm(c.issuer)
    if via:
        note.vias.add(via)
        if not note.via:
            note.via = via
    if c.date and not note.date:
        note.date = _norm(c.date)


def _by_article(articles: Sequence[Article], citations: Iterable[Citation]):
    """``(article, its citations)`` for every article, citations (sorted by article) grouped."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.article, []).append(c)
    for article in articles:
        yield article, sorted(groups.get(article.id, ()), key=Citation.sort_key)


class _Patch:
    """One patch of a ``GraphState``: what it touched, to settle and to report."""

    def __init__(self, state: GraphState) -> None:
        self.state = state
        self.G = state.G
        self.keys: set[str] = set()  # outlet keys whose spellings changed
        self.docs: set[str] = set()  # documents whose citing articles changed
        self.orphans: set[str] = set()  # nodes that lost an edge
        self.dirty_nodes: set[str] = set()
        self.dirty_edges: set[tuple[str, str]] = set()
        self.new_nodes = False
        self.gone: list[str] = []  # outlet nodes whose key lost its last spelling
        self.unsorted: set[str] = set()  # nodes with an edge added to their adjacency

    # -- articles
    def remove_article(self, aid: str, keep_node: bool = False) -> None:
        """Take an article out; with ``keep_node`` (it comes back changed) only its edges go, so that its
        node keeps its place in the order."""
        state, G = self.state, self.G
        note = state.notes.pop(aid, None)
        if note is None:
            raise ValueError(f"article {aid!r} is not in the graph state")
        state._count(note, -1, self.keys)
        for doc in note.documents:
            del state.docs[doc][aid]
            self.docs.add(doc)
        node = article_node(aid)
        self.orphans.update(G.succ[node])
        if keep_node:
            G.remove_edges_from([*G.in_edges(node), *G.out_edges(node)])
        else:
            G.remove_node(node)
        state.fingerprints.pop(aid, None)

    def add_article(self, article: Article, citations: Sequence[Citation]) -> None:
        state = self.state
        names = state.names
        node = article_node(article.id)
        publisher = ""
        if article.publisher and article.publisher.strip():
            publisher = names[state.key_of(_norm(article.publisher))[0]]
        self._add_node(node, _article_attrs(article, publisher))
        if publisher:
            self._set_edge(outlet_node(publisher), node, {"relation": "published", "count": 1})
        groups: dict[str, list[Citation]] = {}
        for c in citations:
            name = names[state.key_of(_norm(c.name))[0]] if c.kind is CitationKind.OUTLET else None
            target = source_node(c, name)
            if target not in self.G:
                self._add_node(target, _source_attrs(c))
            groups.setdefault(target, []).append(c)
        for target, group in groups.items():
            self._set_edge(node, target, _cites_edge(group))

    # -- outlets
    def rename_outlets(self) -> None:
        """Name every touched outlet key anew; move the edges of a renamed node; refresh attributes."""
        state, G = self.state, self.G
        for key in sorted(self.keys):
            old = state.names.get(key)
            new = state._canonical(key) if key in state.spell else None
            if new is None:
                state.names.pop(key, None)
            else:
                state.names[key] = new
            if old is not None and old != new:
                self._retire_outlet(outlet_node(old), outlet_node(new) if new else None)
            if new is not None:
                self._add_node(outlet_node(new), state.outlet_attrs(key))

    def _retire_outlet(self, old: str, new: str | None) -> None:
        G = self.G
        if new is None:
            self.gone.append(old)  # its last via edges go when the documents are settled
            return
        new_name = new.split(":", 1)[1]
        self._add_node(new, dict(G.nodes[old]))
        for v, data in list(G.succ[old].items()):  # published: the articles name their publisher
            G.nodes[v]["publisher"] = new_name
            self.dirty_nodes.add(v)
            self._set_edge(new, v, data)
        for u, data in list(G.pred[old].items()):  # cites and via
            if data.get("relation") == "via":
                self.docs.add(u)
            self._set_edge(u, new, data)
        G.remove_node(old)

    # -- documents
    def settle_documents(self) -> None:
        state, G = self.state, self.G
        for doc in sorted(self.docs):
            notes = state.docs.get(doc)
            if not notes:
                state.docs.pop(doc, None)
                if doc in G:
                    self.orphans.update(G.succ[doc])
                    G.remove_node(doc)
                continue
            ordered = [notes[a] for a in sorted(notes)]
            self._add_node(doc, self._document_attrs(doc, ordered))
            wanted = self._document_edges(doc, notes)
            for target in [t for t in G.succ[doc] if (doc, t) not in wanted]:
                G.remove_edge(doc, target)
                self.orphans.add(target)
            for (u, v), data in wanted.items():
                if v not in G:
                    self._add_node(v, {"kind": "organization", "label": v.split(":", 1)[1]})
                self._set_edge(u, v, data)

    def _document_attrs(self, doc: str, ordered: list[_DocNote]) -> dict[str, Any]:
        names = self.state.names
        via = next((n.via for n in ordered if n.via), "")
        return {
            "kind": "document",
            "label": ordered[0].label,
            "doc_type": doc.split(":", 2)[1],
            "issuer": next((n.issuer for n in ordered if n.issuer), ""),
            "via": _norm(names[via]) if via else "",
            "date": next((n.date for n in ordered if n.date), ""),
        }

    def _document_edges(self, doc: str, notes: dict[str, _DocNote]) -> dict[tuple[str, str], dict[str, Any]]:
        names = self.state.names
        articles: dict[tuple[str, str], tuple[str, list[str]]] = {}
        for aid in sorted(notes):
            note = notes[aid]
            for key in note.vias:
                articles.setdefault((doc, outlet_node(names[key])), ("via", []))[1].append(aid)
            for issuer in note.issuers:
                articles.setdefault((doc, f"organization:{issuer}"), ("issued_by", []))[1].append(aid)
        return {pair: {"relation": rel, "count": len(ids), "articles": ids} for pair, (rel, ids) in articles.items()}

    # -- graph edits
    def _add_node(self, node: str, attrs: dict[str, Any]) -> None:
        G = self.G
        if node not in G:
            G.add_node(node)
            G.nodes[node].update(attrs)
            self.new_nodes = True
            self.dirty_nodes.add(node)
        elif G.nodes[node] != attrs:
            current = G.nodes[node]
            current.clear()
            current.update(attrs)
            self.dirty_nodes.add(node)

    def _set_edge(self, u: str, v: str, data: dict[str, Any]) -> None:
        G = self.G
        if G.has_edge(u, v):
            current = G.edges[u, v]
            if current == data and list(current) == list(data):
                return
            current.clear()
            current.update(data)
        else:
            G.add_edge(u, v)
            G.edges[u, v].update(data)
            self.unsorted.update((u, v))
        self.dirty_edges.add((u, v))

    def drop_outlets(self) -> None:
        for node in self.gone:
            if self.G.degree(node):
                raise ValueError(f"graph state out of step: {node!r} has no spelling left but still has edges")
            self.G.remove_node(node)

    def drop_orphans(self) -> None:
        """Person, organisation and anonymous nodes that no edge reaches any more."""
        G = self.G
        for node in sorted(self.orphans):
            if node in G and node.split(":", 1)[0] in _LEAF_KINDS and not G.in_degree(node):
                G.remove_node(node)

    def restore_order(self) -> None:
        """Nodes in id order, each adjacency in id order: the order ``graph._assemble`` inserts them in."""
        G = self.G
        if self.new_nodes:
            for table in (G._node, G._succ, G._pred):
                _sort_dict(table)
        for node in self.unsorted:
            if node in G:
                _sort_dict(G._succ[node])
                _sort_dict(G._pred[node])


_LEAF_KINDS = frozenset({"person", "organization", "anonymous"})


def _source_attrs(c: Citation) -> dict[str, Any]:
    if c.kind is CitationKind.DOCUMENT:
        doc_type = c.doc_type.value if c.doc_type else "other"
        return {"kind": "document", "label": c.name, "doc_type": doc_type, "issuer": "", "via": "", "date": ""}
    return {"kind": c.kind.value, "label": c.name}


def _sort_dict(table: dict) -> None:
    """Reorder ``table`` by key, in place (views of it stay valid)."""
    keys = list(table)
    if all(a < b for a, b in zip(keys, keys[1:])):
        return
    items = sorted(table.items())
    table.clear()
    table.update(items)
