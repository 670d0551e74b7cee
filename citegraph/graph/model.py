"""The citation graph: one model that builds a graph from scratch and patches it after a change.

``CitationGraph`` holds a ``networkx.DiGraph`` together with what each article
put into the tables its nodes are made from (outlet spellings, gazetteer
hits, "discovered" marks, what it says of each document). Building is
patching an empty model: every article is added, so the rules below are
stated once. A rebuild after a few changed articles removes them and adds
their new versions, touching only the nodes and edges they share; the graph
is then the same, node for node and byte for byte, as one built anew.

The rules (the schema is in docs/ARCHITECTURE.md):

* node ids carry a kind prefix (``article:``, ``outlet:``, ``document:``,
  ``person:``, ``organization:``, ``anonymous:``) and every edge has
  ``relation`` and ``count``; missing values are ``""``, never ``None``;
* an outlet's spellings (publishers, cited outlets, ``via``) meet in one node
  per outlet key (``extract.names.outlet_key`` of the gazetteer name, or of
  the spelling); the node is named by the gazetteer name among its spellings,
  else by its commonest spelling;
* a document's label, issuer, via and date come from the first citation (in
  citation order: article id first) that gives them; ``via`` and
  ``issued_by`` edges list the articles behind them;
* nodes, and each node's neighbours, are kept in id order.

>>> from citegraph.records import Article, Citation, CitationKind, Evidence
>>> a = Article(id="a.txt", title="T", body="As CNN reported.", publisher="Example News")
>>> c = Citation("a.txt", CitationKind.OUTLET, "CNN", "reported", (Evidence("As CNN reported.", 0, 16),))
>>> sorted(build_graph([a], [c]).edges())
[('article:a.txt', 'outlet:CNN'), ('outlet:Example News', 'article:a.txt')]
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol, Sequence

from .. import lazy
from ..extract.names import outlet_key
from ..records import Article, Citation, CitationKind, Outlet

nx = lazy.load("networkx")

log = logging.getLogger(__name__)

# The attributes every node of a kind, and every edge of a relation, carries
# (docs/ARCHITECTURE.md); readers of flat exports use them to restore "" values.
NODE_FIELDS = {
    "article": ("kind", "label", "title", "publisher", "published", "url", "byline"),
    "outlet": ("kind", "label", "country", "outlet_kind", "known", "discovered", "domains"),
    "document": ("kind", "label", "doc_type", "issuer", "via", "date"),
    "person": ("kind", "label"),
    "organization": ("kind", "label"),
    "anonymous": ("kind", "label"),
}
EDGE_FIELDS = {
    "published": ("relation", "count"),
    "cites": ("relation", "count", "cues", "evidence"),
    "via": ("relation", "count", "articles"),
    "issued_by": ("relation", "count", "articles"),
}
_LEAF_KINDS = frozenset({"person", "organization", "anonymous"})


class OutletLookup(Protocol):
    """What the model needs from a gazetteer: ``extract.gazetteer.Gazetteer`` has it."""

    def lookup(self, name: str) -> Outlet | None: ...

    def lookup_domain(self, url: str) -> Outlet | None: ...


# ---------------------------------------------------------------- node ids and lookups


def label_key(label: str) -> str:
    """A document label normalised for its node id: lower case, single spaces."""
    return " ".join(label.casefold().split())


def article_node(article_id: str) -> str:
    return f"article:{article_id}"


def outlet_node(name: str) -> str:
    return f"outlet:{name}"


def source_node(citation: Citation, outlet_name: str | None = None) -> str:
    """The node id a citation points to (``outlet_name``: the outlet's node name)."""
    kind = citation.kind
    if kind is CitationKind.OUTLET:
        return outlet_node(outlet_name or citation.name)
    if kind is CitationKind.DOCUMENT:
        return document_node(citation)
    if kind is CitationKind.ANONYMOUS:
        return f"anonymous:{citation.article}:{citation.name}"
    return f"{kind.value}:{citation.name}"


# Words of a document's label that do not tell one document from another of its kind.
_GENERIC_WORDS = frozenset(
    """a an the this that these those his her its their our my your of to in on at by for from with and or
    new latest recent earlier later previous separate second third first final full draft formal brief short
    long written internal leaked classified confidential secret private public official joint open unsigned
    signed sealed unsealed redacted detailed lengthy scathing strongly worded annual quarterly weekly daily
    monthly statewide nationwide online exit tracking opinion press news earnings editor's editors""".split()
)
# The nouns that say what kind of document it is: the type says that already.
_DOC_NOUNS = frozenset(
    """memo memos memorandum memoranda cable cables letter letters report reports poll polls survey surveys
    study studies data figures statement statements resolution resolutions ruling rulings filing filings lawsuit
    suit complaint indictment opinion order affidavit motion brief post posts tweet tweets email emails message
    messages text texts note notes document documents documents transcript readout release analysis paper
    court_filing social_post other""".split()
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SPOKEN_TYPES = frozenset({"statement", "social_post"})


def _key_words(text: str) -> list[str]:
    return [w.casefold().replace("’", "'") for w in _WORD.findall(text)]


_PLURAL_END = re.compile(r"(?:s|data|media)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def document_node(c: Citation) -> str:
    """The node of the document a citation names: one node per real document.

    Articles meet at a document when they name it alike: the same type, the
    same issuer and proper words of its label ("the State Department dissent
    memo"), and the same anchor, the outlet it came through or the day it is
    dated ("obtained by Axios", "released Friday"). Anything less could be
    another document of the same issuer (Gallup runs a poll a week), so the
    document stays the citing article's own node; so do a bare mention ("a
    statement", "the report"), a collection ("FEC records", "emails") and a
    statement or a post, each one occasion's words.
    """
    doc_type = c.doc_type.value if c.doc_type else "other"
    label = re.sub(r"\s*\(\d+\)$", "", c.name)  # "statement (2)": the second in its article
    head = label.split(" by ", 1)[0].split()
    issuer = [w.removesuffix("'s") for w in _key_words(c.issuer or "") if w not in _GENERIC_WORDS]
    words = [w.removesuffix("'s") for w in _key_words(" ".join(head))]  # "State Department dissent memo"
    proper = [w for w in words if w not in _GENERIC_WORDS and w not in _DOC_NOUNS and (len(w) > 2 or w.isdigit())]
    signature = sorted({w for w in issuer + proper if w})
    via = outlet_key(c.via) if c.via else ""
    made_by_via = bool(via) and any(w in via for w in signature)  # "a Bloomberg poll": the outlet made it
    date = c.date if c.date and _ISO_DATE.match(c.date) else ""
    anchor = date or (via if not made_by_via else "")
    collection = bool(head) and bool(_PLURAL_END.search(head[-1].casefold())) and head[-1].casefold() not in ("news", "analysis")
    if doc_type in _SPOKEN_TYPES or collection or not signature or not anchor:
        return f"document:{doc_type}:{c.article}:{label_key(c.name)}"
    return f"document:{doc_type}:{' '.join(signature)}|{via}|{date}"


def nodes_of_kind(G: nx.DiGraph, kind: str) -> list[str]:
    """Node ids of one ``kind``, sorted."""
    return sorted(n for n, k in G.nodes(data="kind") if k == kind)


def cited_sources(G: nx.DiGraph, article: str) -> list[str]:
    """The nodes an article node cites, sorted."""
    return sorted(v for v, data in G.succ[article].items() if data.get("relation") == "cites")


def publisher_of(G: nx.DiGraph, article: str) -> str | None:
    """The outlet node that published an article node, if any."""
    for u, data in G.pred[article].items():
        if data.get("relation") == "published":
            return u
    return None


def canonical_spelling(counts: Counter, is_known) -> str:
    """The name an outlet node takes among its spellings (name -> count): the first known to the
    gazetteer (``is_known(name)``), else the commonest, ties to the first in order."""
    known = sorted(n for n in counts if is_known(n))
    if known:
        return known[0]
    return min(counts, key=lambda n: (-counts[n], n))


# ---------------------------------------------------------------- attributes


def _norm(text: str) -> str:
    return " ".join(text.split())


def article_attrs(a: Article, publisher: str) -> dict[str, Any]:
    return {
        "kind": "article",
        "label": a.title or a.id,
        "title": a.title or "",
        "publisher": publisher,
        "published": a.published or "",
        "url": a.url or "",
        "byline": a.byline or "",
    }


def outlet_attrs(name: str, outlet: Outlet | None, discovered: bool) -> dict[str, Any]:
    return {
        "kind": "outlet",
        "label": name,
        "country": outlet.country if outlet else "",
        "outlet_kind": outlet.kind if outlet else "",
        "known": outlet is not None,
        "discovered": discovered and outlet is None,
        "domains": sorted(outlet.domains) if outlet else [],
    }


def _source_attrs(c: Citation) -> dict[str, Any]:
    if c.kind is CitationKind.DOCUMENT:
        doc_type = c.doc_type.value if c.doc_type else "other"
        return {"kind": "document", "label": c.name, "doc_type": doc_type, "issuer": "", "via": "", "date": ""}
    return {"kind": c.kind.value, "label": c.name}


def cites_edge(group: list[Citation]) -> dict[str, Any]:
    """The ``cites`` edge of one (article, source) pair: its citations' cues, and their evidence
    without repeats (by field and offsets, the first text kept), body first, in reading order."""
    evidence: dict[tuple[str, int, int], dict[str, Any]] = {}
    for c in group:
        for e in c.evidence:
            key = (e.field, e.start, e.end)
            if key not in evidence:
                evidence[key] = e.to_dict()
            elif e.url and "url" not in evidence[key]:  # the sentence also links to the source
                evidence[key].update(url=e.url, anchor=e.anchor)
    ordered = [evidence[k] for k in sorted(evidence, key=lambda k: (k[0] != "body", k))]
    return {"relation": "cites", "count": max(1, len(ordered)), "cues": sorted({c.cue for c in group if c.cue}),
            "evidence": ordered}


# ---------------------------------------------------------------- what each article puts in


@dataclass(slots=True)
class ArticleNote:
    """What one article put into the shared tables."""

    spellings: tuple[tuple[str, str], ...]  # (outlet key, spelling) of its publisher, cited outlets and vias
    hits: tuple[str, ...]  # gazetteer names among them
    discovered: tuple[str, ...]  # keys of outlets it cites that the extractor discovered
    documents: tuple[str, ...]  # document nodes it cites


@dataclass(slots=True)
class DocumentNote:
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


def by_article(articles: Iterable[Article], citations: Iterable[Citation]) -> list[tuple[Article, list[Citation]]]:
    """``(article, its citations in citation order)`` for each article id, sorted by id.

    Citations that name no known article are dropped (with a warning). An id
    given twice (the same file name under two input folders) is one article:
    the last header, every citation.
    """
    heads = {a.id: a for a in sorted(articles, key=lambda a: a.id)}
    groups: dict[str, list[Citation]] = {aid: [] for aid in heads}
    dropped = []
    for c in citations:
        group = groups.get(c.article)
        if group is None:
            dropped.append(c)
        else:
            group.append(c)
    if dropped:
        log.warning("%d citation(s) name no known article, first %s; ignored", len(dropped), dropped[0].article)
    return [(heads[aid], sorted(groups[aid], key=Citation.sort_key)) for aid in heads]


class CitationGraph:
    """A citation graph (``G``) and the per-article tables that let it be patched.

    ``fingerprints`` is whatever the caller uses to tell an article changed
    (kept here, with the graph it describes).
    """

    def __init__(self, gazetteer: OutletLookup | None = None) -> None:
        self.G = nx.DiGraph()
        self.gazetteer = gazetteer
        self.fingerprints: dict[str, Any] = {}
        self.notes: dict[str, ArticleNote] = {}
        self.spell: dict[str, Counter] = {}  # outlet key -> spelling -> count
        self.hits: Counter = Counter()  # gazetteer names among the spellings
        self.discovered: Counter = Counter()  # outlet keys cited as discovered
        self.names: dict[str, str] = {}  # outlet key -> its node's name
        self.docs: dict[str, dict[str, DocumentNote]] = {}  # document node -> article id -> note
        self._lookups: dict[str, tuple[str, Outlet | None]] = {}

    @classmethod
    def build(cls, articles: Iterable[Article], citations: Iterable[Citation],
              gazetteer: OutletLookup | None = None) -> CitationGraph:
        """The graph of ``articles`` and their ``citations``."""
        model = cls(gazetteer)
        model.patch((), by_article(articles, citations))
        return model

    # ------------------------------------------------------------ patching

    def patch(self, removed: Iterable[str], added: Sequence[tuple[Article, Sequence[Citation]]]) -> Change:
        """Remove the articles ``removed`` (ids), add ``added`` (each with its citations in citation order).

        A changed article is removed and added. Returns the nodes and edges
        added or touched.
        """
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
        """``(outlet key, gazetteer outlet or None)`` of a spelling."""
        found = self._lookups.get(name)
        if found is None:
            hit = self.gazetteer.lookup(name) if self.gazetteer is not None else None
            found = self._lookups[name] = (outlet_key(hit.name), hit) if hit else (outlet_key(name), None)
        return found

    def _spelling(self, name: str, spellings: list, hits: list) -> str:
        name = _norm(name)
        key, hit = self.key_of(name)
        if hit is not None:
            hits.append(hit.name)
        spellings.append((key, hit.name if hit else name))
        return key

    def _add_note(self, article: Article, citations: Sequence[Citation], keys: set, docs: set) -> None:
        spellings: list[tuple[str, str]] = []
        hits: list[str] = []
        discovered: list[str] = []
        notes: dict[str, DocumentNote] = {}
        publisher = self.publisher_spelling(article)
        if publisher:
            self._spelling(publisher, spellings, hits)
        for c in citations:
            if c.kind is CitationKind.OUTLET:
                key = self._spelling(c.name, spellings, hits)
                if c.discovered:
                    discovered.append(key)
            elif c.kind is CitationKind.DOCUMENT:
                via = self._spelling(c.via, spellings, hits) if c.via else ""
                _note_document(notes, source_node(c), c, via)
        note = ArticleNote(tuple(spellings), tuple(hits), tuple(discovered), tuple(notes))
        self.notes[article.id] = note
        self._count(note, 1, keys)
        for doc, doc_note in notes.items():
            self.docs.setdefault(doc, {})[article.id] = doc_note
            docs.add(doc)

    def _count(self, note: ArticleNote, sign: int, keys: set) -> None:
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

    def publisher_spelling(self, article: Article) -> str:
        """The article's publisher as given, else the outlet its URL's domain belongs to (else "")."""
        if article.publisher and article.publisher.strip():
            return article.publisher
        if article.url and self.gazetteer is not None:
            outlet = self.gazetteer.lookup_domain(article.url)
            if outlet is not None:
                return outlet.name
        return ""

    def canonical(self, key: str) -> str:
        """The node name of an outlet key: the gazetteer name, else the commonest spelling."""
        return canonical_spelling(self.spell[key], self.hits.__contains__)

    def outlet_attrs(self, key: str) -> dict[str, Any]:
        name = self.names[key]
        outlet = self.key_of(name)[1] if name in self.hits else None
        return outlet_attrs(name, outlet, key in self.discovered)


def build_graph(articles: Iterable[Article], citations: Iterable[Citation],
                gazetteer: OutletLookup | None = None) -> nx.DiGraph:
    """The citation graph of ``articles`` and ``citations`` (``CitationGraph.build(...).G``)."""
    return CitationGraph.build(articles, citations, gazetteer).G


def _bump(counts: Counter, name: str, sign: int) -> None:
    value = counts[name] + sign
    if value < 0:
        raise ValueError(f"graph model out of step: count of {name!r} below zero")
    if value:
        counts[name] = value
    else:
        del counts[name]


def _note_document(notes: dict[str, DocumentNote], doc: str, c: Citation, via: str) -> None:
    note = notes.get(doc)
    if note is None:
        note = notes[doc] = DocumentNote(label=c.name)
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


class _Patch:
    """One patch of a ``CitationGraph``: what it touched, to settle and to report."""

    def __init__(self, model: CitationGraph) -> None:
        self.model = model
        self.G = model.G
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
        """Take an article out; with ``keep_node`` (it comes back changed) only its edges go."""
        model, G = self.model, self.G
        note = model.notes.pop(aid, None)
        if note is None:
            raise ValueError(f"article {aid!r} is not in the graph")
        model._count(note, -1, self.keys)
        for doc in note.documents:
            del model.docs[doc][aid]
            self.docs.add(doc)
        node = article_node(aid)
        self.orphans.update(G.succ[node])
        if keep_node:
            G.remove_edges_from([*G.in_edges(node), *G.out_edges(node)])
        else:
            G.remove_node(node)
        model.fingerprints.pop(aid, None)

    def add_article(self, article: Article, citations: Sequence[Citation]) -> None:
        model = self.model
        names = model.names
        node = article_node(article.id)
        publisher = model.publisher_spelling(article)
        if publisher:
            publisher = names[model.key_of(_norm(publisher))[0]]
        self._add_node(node, article_attrs(article, publisher))
        if publisher:
            self._set_edge(outlet_node(publisher), node, {"relation": "published", "count": 1})
        groups: dict[str, list[Citation]] = {}
        for c in citations:
            name = names[model.key_of(_norm(c.name))[0]] if c.kind is CitationKind.OUTLET else None
            target = source_node(c, name)
            if target not in self.G:
                self._add_node(target, _source_attrs(c))
            groups.setdefault(target, []).append(c)
        for target, group in groups.items():
            self._set_edge(node, target, cites_edge(group))

    # -- outlets
    def rename_outlets(self) -> None:
        """Name every touched outlet key anew; move the edges of a renamed node; refresh attributes."""
        model = self.model
        for key in sorted(self.keys):
            old = model.names.get(key)
            new = model.canonical(key) if key in model.spell else None
            if new is None:
                model.names.pop(key, None)
            else:
                model.names[key] = new
            if old is not None and old != new:
                self._retire_outlet(outlet_node(old), outlet_node(new) if new else None)
            if new is not None:
                self._add_node(outlet_node(new), model.outlet_attrs(key))

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
        model, G = self.model, self.G
        for doc in sorted(self.docs):
            notes = model.docs.get(doc)
            if not notes:
                model.docs.pop(doc, None)
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

    def _document_attrs(self, doc: str, ordered: list[DocumentNote]) -> dict[str, Any]:
        names = self.model.names
        via = next((n.via for n in ordered if n.via), "")
        return {
            "kind": "document",
            "label": ordered[0].label,
            "doc_type": doc.split(":", 2)[1],
            "issuer": next((n.issuer for n in ordered if n.issuer), ""),
            "via": _norm(names[via]) if via else "",
            "date": next((n.date for n in ordered if n.date), ""),
        }

    def _document_edges(self, doc: str, notes: dict[str, DocumentNote]) -> dict[tuple[str, str], dict[str, Any]]:
        names = self.model.names
        articles: dict[tuple[str, str], tuple[str, list[str]]] = {}
        for aid in sorted(notes):
            note = notes[aid]
            for key in sorted(note.vias):
                articles.setdefault((doc, outlet_node(names[key])), ("via", []))[1].append(aid)
            for issuer in sorted(note.issuers):
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
                raise ValueError(f"graph model out of step: {node!r} has no spelling left but still has edges")
            self.G.remove_node(node)

    def drop_orphans(self) -> None:
        """Person, organisation and anonymous nodes that no edge reaches any more."""
        G = self.G
        for node in sorted(self.orphans):
            if node in G and node.split(":", 1)[0] in _LEAF_KINDS and not G.in_degree(node):
                G.remove_node(node)

    def restore_order(self) -> None:
        """Nodes in id order, each adjacency in id order."""
        G = self.G
        if self.new_nodes:
            for table in (G._node, G._succ, G._pred):
                _sort_dict(table)
        for node in self.unsorted:
            if node in G:
                _sort_dict(G._succ[node])
                _sort_dict(G._pred[node])


def _sort_dict(table: dict) -> None:
    """Reorder ``table`` by key, in place (views of it stay valid)."""
    keys = list(table)
    if all(a < b for a, b in zip(keys, keys[1:])):
        return
    items = sorted(table.items())
    table.clear()
    table.update(items)
