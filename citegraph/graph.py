"""Assemble articles and citations into one citation graph.

``build_graph(articles, citations, gazetteer)`` is the single builder every
output uses (metrics, report, exports, explorer). The schema is documented in
docs/ARCHITECTURE.md; in short, node ids carry a kind prefix
(``article:``, ``outlet:``, ``document:``, ``person:``, ``organization:``,
``anonymous:``) and every edge has ``relation`` and ``count``.

Missing values are stored as ``""`` (never ``None``) so that GraphML and GEXF
can hold them; list-valued attributes stay lists here and are serialised by
the exporters.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

import networkx as nx

from .records import Article, Citation, CitationKind, Outlet

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


class OutletLookup(Protocol):
    """What the builder needs from a gazetteer: ``gazetteer.Gazetteer`` has it."""

    def lookup(self, name: str) -> Outlet | None: ...


def outlet_key(name: str) -> str:
    """The comparison key of an outlet name, as in the gold FORMAT.md.

    >>> outlet_key("The New York Times") == outlet_key("new york times")
    True
    """
    lowered = name.casefold().strip()
    lowered = re.sub(r"^the\s+", "", lowered)
    return re.sub(r"[\W_]+", "", lowered)


def label_key(label: str) -> str:
    """A document label normalised for its node id: lower case, single spaces."""
    return " ".join(label.casefold().split())


def article_node(article_id: str) -> str:
    return f"article:{article_id}"


def outlet_node(name: str) -> str:
    return f"outlet:{name}"


def source_node(citation: Citation, outlet_name: str | None = None) -> str:
    """The node id a citation points to (``outlet_name``: the resolved outlet)."""
    kind = citation.kind
    if kind is CitationKind.OUTLET:
        return outlet_node(outlet_name or citation.name)
    if kind is CitationKind.DOCUMENT:
        doc_type = citation.doc_type.value if citation.doc_type else "other"
        return f"document:{doc_type}:{label_key(citation.name)}"
    if kind is CitationKind.ANONYMOUS:
        return f"anonymous:{citation.article}:{citation.name}"
    return f"{kind.value}:{citation.name}"


@dataclass
class _Outlets:
    """Resolves outlet names (publishers, cited outlets, ``via``) to one node each."""

    gazetteer: OutletLookup | None
    known: dict[str, Outlet] = field(default_factory=dict)  # canonical name -> Outlet
    spellings: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def key(self, name: str) -> tuple[str, Outlet | None]:
        hit = self.gazetteer.lookup(name) if self.gazetteer is not None else None
        if hit is not None:
            self.known[hit.name] = hit
            return outlet_key(hit.name), hit
        return outlet_key(name), None

    def add(self, name: str) -> str:
        """Register a spelling; return its comparison key."""
        name = " ".join(name.split())
        key, hit = self.key(name)
        self.spellings[key][hit.name if hit else name] += 1
        return key

    def canonical(self, key: str) -> str:
        """The display name for a key: the gazetteer name, else the commonest spelling."""
        return canonical_spelling(self.spellings[key], self.known.__contains__)


def canonical_spelling(counts: Counter, is_known) -> str:
    """The name an outlet node takes among its spellings (name -> count): the first known to the
    gazetteer (``is_known(name)``), else the commonest, ties to the first in order."""
    known = sorted(n for n in counts if is_known(n))
    if known:
        return known[0]
    return min(counts, key=lambda n: (-counts[n], n))


def build_graph(
    articles: Iterable[Article],
    citations: Iterable[Citation],
    gazetteer: OutletLookup | None = None,
) -> nx.DiGraph:
    """Build the citation graph; nodes and edges are inserted in sorted order.

    >>> from citegraph.records import Evidence
    >>> a = Article(id="a.txt", title="T", body="As CNN reported.", publisher="Example News")
    >>> c = Citation("a.txt", CitationKind.OUTLET, "CNN", "reported", (Evidence("As CNN reported.", 0, 16),))
    >>> G = build_graph([a], [c])
    >>> sorted(G.edges())
    [('article:a.txt', 'outlet:CNN'), ('outlet:Example News', 'article:a.txt')]
    """
    articles = sorted(articles, key=lambda a: a.id)
    citations = sorted(citations, key=Citation.sort_key)
    known_ids = {a.id for a in articles}
    dropped = [c for c in citations if c.article not in known_ids]
    if dropped:
        log.warning("%d citation(s) name no known article, first %s; ignored", len(dropped), dropped[0].article)
        citations = [c for c in citations if c.article in known_ids]

    outlets = _Outlets(gazetteer)
    publisher_key = {a.id: outlets.add(a.publisher) for a in articles if a.publisher and a.publisher.strip()}
    cited_key: dict[int, str] = {}
    via_key: dict[int, str] = {}
    for i, c in enumerate(citations):
        if c.kind is CitationKind.OUTLET:
            cited_key[i] = outlets.add(c.name)
        if c.kind is CitationKind.DOCUMENT and c.via:
            via_key[i] = outlets.add(c.via)
    discovered = {cited_key[i] for i, c in enumerate(citations) if i in cited_key and c.discovered}
    names = {key: outlets.canonical(key) for key in outlets.spellings}

    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for key, name in names.items():
        nodes[outlet_node(name)] = _outlet_attrs(name, outlets.known.get(name), key in discovered)
    for a in articles:
        nodes[article_node(a.id)] = _article_attrs(a, names.get(publisher_key.get(a.id, ""), ""))
        if a.id in publisher_key:
            edges[(outlet_node(names[publisher_key[a.id]]), article_node(a.id))] = {"relation": "published", "count": 1}
    cites: dict[tuple[str, str], list[Citation]] = {}
    for i, c in enumerate(citations):
        target = source_node(c, names.get(cited_key.get(i, ""), None))
        _add_source_node(nodes, target, c)
        cites.setdefault((article_node(c.article), target), []).append(c)
        if c.kind is CitationKind.DOCUMENT:
            via = names[via_key[i]] if i in via_key else ""
            _note_document(nodes[target], c, via)
            if via:
                _add_article_edge(edges, target, outlet_node(via), "via", c.article)
            if c.issuer:
                issuer = f"organization:{' '.join(c.issuer.split())}"
                nodes.setdefault(issuer, {"kind": "organization", "label": issuer.split(":", 1)[1]})
                _add_article_edge(edges, target, issuer, "issued_by", c.article)
    edges.update((pair, _cites_edge(group)) for pair, group in cites.items())
    return _assemble(nodes, edges)


def _article_attrs(a: Article, publisher: str) -> dict[str, Any]:
    return {
        "kind": "article",
        "label": a.title or a.id,
        "title": a.title or "",
        "publisher": publisher,
        "published": a.published or "",
        "url": a.url or "",
        "byline": a.byline or "",
    }


def _outlet_attrs(name: str, outlet: Outlet | None, discovered: bool) -> dict[str, Any]:
    return {
        "kind": "outlet",
        "label": name,
        "country": outlet.country if outlet else "",
        "outlet_kind": outlet.kind if outlet else "",
        "known": outlet is not None,
        "discovered": discovered and outlet is None,
        "domains": sorted(outlet.domains) if outlet else [],
    }


def _add_source_node(nodes: dict[str, dict[str, Any]], node: str, c: Citation) -> None:
    if node in nodes:
        return
    kind = c.kind.value
    if c.kind is CitationKind.DOCUMENT:
        doc_type = c.doc_type.value if c.doc_type else "other"
        nodes[node] = {"kind": kind, "label": c.name, "doc_type": doc_type, "issuer": "", "via": "", "date": ""}
    else:
        nodes[node] = {"kind": kind, "label": c.name}


def _note_document(attrs: dict[str, Any], c: Citation, via: str) -> None:
    """Fill a document's issuer, via and date from the first citation that knows them."""
    for name, value in (("issuer", c.issuer), ("via", via), ("date", c.date)):
        if value and not attrs[name]:
            attrs[name] = " ".join(value.split())


def _cites_edge(group: list[Citation]) -> dict[str, Any]:
    """The ``cites`` edge of one (article, source) pair: its citations' cues, and their evidence
    without repeats (by field and offsets, the first text kept), body first, in reading order."""
    evidence: dict[tuple[str, int, int], dict[str, Any]] = {}
    for c in group:
        for e in c.evidence:
            key = (e.field, e.start, e.end)
            if key not in evidence:
                evidence[key] = {"text": e.text, "start": e.start, "end": e.end, "field": e.field}
    ordered = [evidence[k] for k in sorted(evidence, key=lambda k: (k[0] != "body", k))]
    return {"relation": "cites", "count": max(1, len(ordered)), "cues": sorted({c.cue for c in group if c.cue}),
            "evidence": ordered}


def _add_article_edge(edges: dict, source: str, target: str, relation: str, article_id: str) -> None:
    data = edges.setdefault((source, target), {"relation": relation, "count": 0, "articles": []})
    if article_id not in data["articles"]:
        data["articles"] = sorted(data["articles"] + [article_id])
    data["count"] = len(data["articles"])


def _assemble(nodes: dict[str, dict[str, Any]], edges: dict[tuple[str, str], dict[str, Any]]) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from((n, nodes[n]) for n in sorted(nodes))
    G.add_edges_from((u, v, edges[(u, v)]) for u, v in sorted(edges))
    return G


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
