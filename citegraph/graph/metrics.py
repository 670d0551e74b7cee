"""What the citation graph says, as plain, JSON-ready dicts.

Every function follows networkx conventions: the graph from
``graph.build_graph`` comes first, it is never mutated, the result is a plain
dict keyed by node id, and a graph of the wrong kind is rejected with a
``BuildError`` saying how to build the right one. Randomised algorithms
(Louvain communities, sampled betweenness) use a fixed seed, so the same graph
always gives the same numbers. ``compute_metrics`` gathers them all.
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Callable

from .. import lazy
from .memo import remember
from .projections import outlet_projection, outlet_projection_of, require_citation_graph

nx = lazy.load("networkx")

log = logging.getLogger(__name__)
igraph = lazy.load("igraph")

RANKED_KINDS = ("outlet", "document", "person", "organization")


@dataclass(frozen=True)
class MetricsOptions:
    """Knobs of ``compute_metrics``; the defaults keep runs reproducible."""

    seed: int = 42
    sample_above: int = 2000  # nodes in the outlet projection before betweenness is sampled
    sample_k: int = 500
    digits: int = 6  # floats are rounded so that metrics.json is byte-stable


def _aid(node: str) -> str:
    return node.split(":", 1)[1]


@dataclass(frozen=True)
class _Index:
    """What every metric asks of each article, read off the graph once.

    ``citing`` maps each cited node to the articles citing it, ``mentions``
    to the sum of those citations' ``count``, ``via`` each document to the
    outlets it came through, ``of_kind`` each kind to its nodes, ``label``
    each node to its label; all lists are
    sorted. ``succ`` is the graph's adjacency (node ->
    neighbour -> edge data), read, never written.
    """

    articles: list[str]
    publisher: dict[str, str | None]
    cited: dict[str, list[str]]
    citing: dict[str, list[str]]
    kind: dict[str, str]
    via: dict[str, list[str]]
    of_kind: dict[str, list[str]]
    succ: dict[str, dict[str, dict[str, Any]]]
    mentions: dict[str, int]
    label: dict[str, str]
    doc_noun: dict[str, str]

    @classmethod
    def of(cls, G: nx.DiGraph) -> _Index:
        require_citation_graph(G)
        succ, pred = G.succ, G.pred
        kind = dict(G.nodes(data="kind"))
        of_kind: dict[str, list[str]] = defaultdict(list)
        for n, k in kind.items():
            of_kind[k].append(n)
        for group in of_kind.values():
            group.sort()
        articles = of_kind.get("article", [])
        publisher: dict[str, str | None] = {}
        cited: dict[str, list[str]] = {}
        citing: dict[str, list[str]] = defaultdict(list)
        mentions: dict[str, int] = defaultdict(int)
        for article in articles:
            publisher[article] = _first(pred[article], "published") if pred[article] else None
            edges = succ[article]
            sources = sorted([v for v, d in edges.items() if d.get("relation") == "cites"])
            cited[article] = sources
            for source in sources:
                citing[source].append(article)
                mentions[source] += edges[source].get("count", 1)
        via = {d: sorted([v for v, data in succ[d].items() if data.get("relation") == "via"])
               for d in of_kind.get("document", ())}
        return cls(articles, publisher, cited, dict(citing), kind, via, dict(of_kind), succ, dict(mentions),
                   dict(G.nodes(data="label", default="")),
                   {d: _noun(G.nodes[d].get("label", "")) for d in of_kind.get("document", ())})

    def outlets_of(self, article: str) -> set[str]:
        """As ``projections.article_outlets``: outlets cited, directly or as a cited document's ``via``."""
        found: set[str] = set()
        for node in self.cited[article]:
            kind = self.kind[node]
            if kind == "outlet":
                found.add(node)
            elif kind == "document":
                found.update(self.via[node])
        return found


def _noun(label: str) -> str:
    """The head noun of a document's label ("the Oman cable (2)": "cable"), singular."""
    words = re.sub(r"\s*\(\d+\)$", "", label).split()
    return words[-1].casefold().removesuffix("s") if words else ""


def _first(neighbours: dict[str, dict[str, Any]], relation: str) -> str | None:
    """The first neighbour joined by an edge of ``relation`` (``graph.publisher_of``'s rule)."""
    for node, data in neighbours.items():
        if data.get("relation") == relation:
            return node
    return None


def most_cited(G: nx.DiGraph, kind: str = "outlet") -> dict[str, dict[str, int]]:
    """Sources of one kind -> ``in_degree`` (citing articles), ``publishers``, ``mentions``.

    ``publishers`` counts the distinct outlets that published the citing
    articles; ``mentions`` sums the evidence sentences. An outlet's citations
    by its own articles are left out (``self_citation`` lists them): a corpus
    of one site's pages would otherwise rank the site itself first.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> arts = [Article("a", "T", "", publisher="X"), Article("b", "T", "", publisher="Y")]
    >>> G = build_graph(arts, [Citation(x, CitationKind.OUTLET, "CNN", "said", ()) for x in "ab"])
    >>> most_cited(G)["outlet:CNN"]
    {'in_degree': 2, 'publishers': 2, 'mentions': 2}
    """
    return _most_cited(G, _Index.of(G), kind)


def _most_cited(G: nx.DiGraph, index: _Index, kind: str) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    publisher, succ = index.publisher, index.succ
    publishing = set(publisher.values())
    for node in index.of_kind.get(kind, ()):
        citing = index.citing.get(node)
        if not citing:
            continue
        if node in publishing:  # leave out the node's own articles
            citing = [a for a in citing if publisher[a] != node]
            if not citing:
                continue
            mentions = sum([succ[a][node].get("count", 1) for a in citing])
        else:
            mentions = index.mentions[node]
        publishers = {publisher[a] for a in citing}
        publishers.discard(None)
        result[node] = {"in_degree": len(citing), "publishers": len(publishers), "mentions": mentions}
    return result


def outlet_pagerank(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, float]:
    """PageRank of each outlet on the outlet projection (edges weighted by articles).

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> G = build_graph([Article("a", "T", "", publisher="X")], [Citation("a", CitationKind.OUTLET, "CNN", "", ())])
    >>> pr = outlet_pagerank(G); pr["outlet:CNN"] > pr["outlet:X"]
    True
    """
    return _pagerank(outlet_projection(G), options)


def _pagerank(P: nx.DiGraph, options: MetricsOptions) -> dict[str, float]:
    """networkx's PageRank (edges weighted by articles), rounded."""
    if P.number_of_nodes() == 0:
        return {}
    values = nx.pagerank(P, weight="weight")
    return {node: round(values[node], options.digits) for node in sorted(values)}


def outlet_betweenness(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, float]:
    """Betweenness centrality of each outlet on the outlet projection.

    Exact up to ``options.sample_above`` outlets; above, estimated from
    ``options.sample_k`` sources drawn with ``options.seed``.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> arts = [Article("a", "T", "", publisher="X"), Article("b", "T", "", publisher="CNN")]
    >>> cits = [Citation("a", CitationKind.OUTLET, "CNN", "", ()), Citation("b", CitationKind.OUTLET, "AP", "", ())]
    >>> outlet_betweenness(build_graph(arts, cits))["outlet:CNN"]
    0.5
    """
    return _betweenness(outlet_projection(G), options)


def _betweenness(P: nx.DiGraph, options: MetricsOptions) -> dict[str, float]:
    n = P.number_of_nodes()
    if n == 0:
        return {}
    sample = {"k": options.sample_k, "seed": options.seed} if n > options.sample_above else {}
    values = nx.betweenness_centrality(P, **sample)
    return {node: round(values[node], options.digits) for node in sorted(values)}


def _sorted_communities(parts: list[set[str]]) -> list[list[str]]:
    groups = [sorted(p) for p in parts if len(p) > 1]
    return sorted(groups, key=lambda g: (-len(g), g))


def communities(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, list[list[str]]]:
    """Louvain communities (seeded) of outlets and of co-cited sources.

    ``outlets``: on the undirected outlet projection; ``sources``: on the
    co-citation graph of the sources cited by at least two articles (a source
    cited once would only form a group with the rest of its one article).
    Singletons are left out; groups are sorted, largest first.
    """
    index = _Index.of(G)
    return _communities(index, _outlet_projection(G, index), options)


def _communities(index: _Index, P: nx.DiGraph, options: MetricsOptions) -> dict[str, list[list[str]]]:
    """Both groupings; remembered from the last build when their inputs are the same (``graph.memo``):
    the outlet projection, and the sources of the articles citing two or more named sources (an article
    citing one adds no co-citation), with which of them more than one article cites."""
    lists = _co_cited_lists(index)
    shared = sorted({n for sources in lists for n in sources if len(index.citing[n]) > 1})
    inputs = [list(P), list(P.edges(data="weight")), lists, shared, options.seed, igraph.__version__]
    return remember("metrics.communities", inputs, lambda: _communities_of(P, lists, shared, options),
                    decode=_checked_communities)


def _communities_of(P: nx.DiGraph, lists: list[list[str]], shared: list[str],
                    options: MetricsOptions) -> dict[str, list[list[str]]]:
    graphs = {"outlets": P.to_undirected(), "sources": _shared_co_citation(lists, shared)}
    return {name: _sorted_communities(louvain(graph, options.seed)) if graph.number_of_edges() else []
            for name, graph in graphs.items()}


def _checked_communities(data: Any) -> dict[str, list[list[str]]]:
    if not isinstance(data, dict) or set(data) != {"outlets", "sources"}:
        raise ValueError("not the communities")
    return data


def louvain(graph: nx.Graph, seed: int) -> list[set[str]]:
    """Louvain communities of an undirected graph with ``weight`` on its edges, seeded.

    igraph's ``community_multilevel`` (compiled, same modularity as networkx's
    ``louvain_communities``; docs/SCALE.md), given its own ``random.Random(seed)``
    so that the same graph, in the same node and edge order, gives the same groups.
    """
    nodes = list(graph)
    position = {node: i for i, node in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(position[u], position[v]) for u, v in graph.edges()])
    weights = [float(w) for _, _, w in graph.edges(data="weight", default=1)]
    igraph.set_random_number_generator(random.Random(seed))
    try:
        parts = g.community_multilevel(weights=weights)
    finally:
        igraph.set_random_number_generator(random)  # igraph's default: the random module
    return [{nodes[i] for i in members} for members in parts]


def _co_cited_lists(index: _Index) -> list[list[str]]:
    """The named (not anonymous) sources of each article that has two or more: what co-citation counts."""
    kind = index.kind
    lists = []
    for article in index.articles:
        named = [s for s in index.cited[article] if kind[s] != "anonymous"]
        if len(named) > 1:
            lists.append(named)
    return lists


def _shared_co_citation(lists: list[list[str]], shared: list[str]) -> nx.Graph:
    """The co-citation graph (``projections.co_citation_of``) of the sources ``shared``, those cited by at
    least two articles (a source cited once would only form a group with the rest of its one article), from
    ``_co_cited_lists``. Its nodes and edges are in sorted order, as in the subgraph of the whole
    co-citation graph (whose adjacency lists are sorted), which is not built."""
    keep = set(shared)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for sources in lists:
        for pair in combinations([s for s in sources if s in keep], 2):
            pairs[pair] += 1
    S = nx.Graph()
    S.add_nodes_from(shared)
    S.add_edges_from((u, v, {"weight": w}) for (u, v), w in sorted(pairs.items()))
    return S


def _outlet_projection(G: nx.DiGraph, index: _Index) -> nx.DiGraph:
    """``projections.outlet_projection`` from the index (an article without a publisher adds no edge)."""
    published = [(a, p) for a in index.articles if (p := index.publisher[a]) is not None]
    relied_on = ((a, p, index.outlets_of(a)) for a, p in published)
    return outlet_projection_of(G, relied_on, index.of_kind.get("outlet", []))


def citation_chains(G: nx.DiGraph) -> dict[str, list[dict[str, Any]]]:
    """Two-step chains behind articles, each step shown by a sentence.

    * ``article_outlet_document``: the article cites outlet O and document D,
      and D came through O: O obtained, reviewed, published or first reported
      it (a ``via`` edge D -> O, said in this article or another).
    * ``article_outlet_outlet``: the article cites outlet O1, and an article
      that O1 published cites outlet O2 (directly or as a document's via).
    * ``article_document_outlet``: the article cites document D that came via O.

    Each entry: ``{"through", "to", "articles", "count", "steps"}``, where
    ``steps`` holds the evidence of both steps, ``{"from", "to", "article",
    "text"}`` (and a link citation's ``url`` and ``anchor``): the first of the
    entry's articles citing ``through``, then the article showing ``through ->
    to``. An article's own publisher is never the
    middle of a chain (that is self-citation); a step no sentence shows is no
    chain.
    """
    return _citation_chains(_Index.of(G))


def _citation_chains(index: _Index) -> dict[str, list[dict[str, Any]]]:
    relayed = _relayed(index)
    found: dict[str, dict[tuple[str, str], list[str]]] = {
        "article_outlet_document": defaultdict(list),
        "article_outlet_outlet": defaultdict(list),
        "article_document_outlet": defaultdict(list),
    }
    outlet_document, outlet_outlet, document_outlet = found.values()
    kinds, via = index.kind, index.via
    for article in index.articles:
        own, cited = index.publisher[article], index.cited[article]
        outlets = {n for n in cited if kinds[n] == "outlet" and n != own}
        for node in cited:
            if node in outlets:
                for further in relayed.get(node, ()):
                    outlet_outlet[(node, further)].append(article)
            elif kinds[node] == "document":
                for outlet in via[node]:
                    document_outlet[(node, outlet)].append(article)
                    if outlet in outlets:
                        outlet_document[(outlet, node)].append(article)
    second = {
        "article_outlet_document": lambda o, d: _via_evidence(index, d, o),
        "article_outlet_outlet": lambda o1, o2: relayed[o1].get(o2),
        "article_document_outlet": lambda d, o: _via_evidence(index, d, o),
    }
    return {name: _chain_list(index, pairs, second[name]) for name, pairs in found.items()}


def _relayed(index: _Index) -> dict[str, dict[str, tuple[str, dict[str, Any]]]]:
    """Outlet O1 -> outlet O2 -> ``(article node, evidence)``: the first article O1 published citing O2."""
    relayed: dict[str, dict[str, tuple[str, dict[str, Any]]]] = defaultdict(dict)
    kinds = index.kind
    for article in index.articles:
        own = index.publisher[article]
        if own is None:
            continue
        shown = relayed[own]
        for node in index.cited[article]:
            if kinds[node] == "outlet":
                further = [(node, node)]
            elif kinds[node] == "document":
                further = [(outlet, node) for outlet in index.via[node]]
            else:
                continue
            for outlet, through in further:
                if outlet != own and outlet not in shown:
                    found = _sentence(index, article, through, outlet, strict=through != outlet)
                    if found is not None:
                        shown[outlet] = (article, found)
    return {o: dict(sorted(f.items())) for o, f in relayed.items() if f}


def _via_evidence(index: _Index, document: str, outlet: str) -> tuple[str, dict[str, Any]] | None:
    """``(article node, evidence)`` of the first article showing that ``document`` came through ``outlet``:
    its sentence about the document naming the outlet, else its sentence citing the outlet that names the
    document's type ("the memo obtained by Axios")."""
    noun = index.doc_noun.get(document, "")
    for aid in index.succ[document][outlet].get("articles", ()):
        article = f"article:{aid}"
        found = _sentence(index, article, document, outlet, strict=True)
        if found is None and noun:
            found = _sentence(index, article, outlet, document, strict=True)
        if found is not None:
            return article, found
    return None


def _sentence(index: _Index, article: str, node: str, named: str | None = None,
              strict: bool = False) -> dict[str, Any] | None:
    """An evidence item of ``article`` citing ``node``: the first naming ``named`` (its label, or a
    document's type noun) if any; else, unless ``strict``, the first."""
    evidence = index.succ[article].get(node, {}).get("evidence") or ()
    if named is not None:
        word = (index.doc_noun.get(named) or index.label[named]).casefold()
        for e in evidence:
            if word in e["text"].casefold():
                return e
        if strict:
            return None
    return evidence[0] if evidence else None


def _step(source: str, target: str, article: str, evidence: dict[str, Any]) -> dict[str, Any]:
    """One step of a chain: ``source -> target`` as ``article``'s sentence shows it (with a link's URL)."""
    step = {"from": source, "to": target, "article": _aid(article), "text": evidence["text"]}
    if evidence.get("url"):
        step.update(url=evidence["url"], anchor=evidence.get("anchor", ""))
    return step


def _chain_list(index: _Index, pairs: dict[tuple[str, str], list[str]], second) -> list[dict[str, Any]]:
    rows = []
    for (through, to), articles in pairs.items():
        first, shown = articles[0], second(through, to)
        found = _sentence(index, first, through)
        if shown is None or found is None:
            continue
        steps = [_step(first, through, first, found), _step(through, to, *shown)]
        rows.append({"through": through, "to": to, "articles": [_aid(a) for a in articles], "count": len(articles),
                     "steps": steps})
    return sorted(rows, key=lambda r: (-r["count"], r["through"], r["to"]))


def external_sources(G: nx.DiGraph, article: str) -> list[str]:
    """The distinct sources of an article node other than its own publisher.

    A document that came via an outlet the article also cites is the same
    source as that outlet and is not counted twice.
    """
    return _external_sources(_Index.of(G), article)


def _external_sources(index: _Index, article: str) -> list[str]:
    own, kind, via = index.publisher[article], index.kind, index.via
    cited = [s for s in index.cited[article] if s != own]
    documents = [s for s in cited if kind[s] == "document" and via[s]]
    if not documents:  # the common case: nothing to merge
        return cited
    cited_set = set(cited)
    merged = {d for d in documents if not cited_set.isdisjoint(via[d])}
    return [s for s in cited if s not in merged]


def single_source_articles(G: nx.DiGraph) -> dict[str, str]:
    """Articles resting on exactly one external source -> that source.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> G = build_graph([Article("a", "T", "", publisher="X")], [Citation("a", CitationKind.OUTLET, "CNN", "", ())])
    >>> single_source_articles(G)
    {'a': 'outlet:CNN'}
    """
    return _single_source(_external_by_article(_Index.of(G)))


def unsourced_articles(G: nx.DiGraph) -> list[str]:
    """Article ids that cite no external source at all."""
    return _unsourced(_external_by_article(_Index.of(G)))


def _external_by_article(index: _Index) -> dict[str, list[str]]:
    """Article id -> its external sources, for every article (sorted by id)."""
    return {_aid(a): _external_sources(index, a) for a in index.articles}


def _single_source(external: dict[str, list[str]]) -> dict[str, str]:
    return {article: sources[0] for article, sources in external.items() if len(sources) == 1}


def _unsourced(external: dict[str, list[str]]) -> list[str]:
    return [article for article, sources in external.items() if not sources]


def anonymous_share(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, dict[str, Any]]:
    """Publisher -> ``anonymous`` citations, all ``sources`` cited, and ``share`` = anonymous / sources.

    A citation is one (article, source) pair; publishers citing nothing are left out.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> cits = [Citation("a", CitationKind.ANONYMOUS, "officials", "said", ()),
    ...         Citation("a", CitationKind.OUTLET, "CNN", "told", ())]
    >>> anonymous_share(build_graph([Article("a", "T", "", publisher="X")], cits))["outlet:X"]["share"]
    0.5
    """
    return _anonymous_share(_Index.of(G), options)


def _anonymous_share(index: _Index, options: MetricsOptions) -> dict[str, dict[str, Any]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for article in index.articles:
        own = index.publisher[article]
        sources = index.cited[article]
        if own is None or not sources:
            continue
        row = counts[own]
        row[0] += 1
        row[1] += len(sources)
        row[2] += sum(index.kind[s] == "anonymous" for s in sources)
    return {
        p: {"articles": a, "sources": s, "anonymous": n, "share": round(n / s, options.digits)}
        for p, (a, s, n) in sorted(counts.items())
    }


def self_citation(G: nx.DiGraph) -> dict[str, list[str]]:
    """Publisher -> the sorted ids of its articles that cite the publisher itself.

    >>> from citegraph.records import Article, Citation, CitationKind
    >>> from citegraph.graph import build_graph
    >>> G = build_graph([Article("a", "T", "", publisher="X")], [Citation("a", CitationKind.OUTLET, "X", "", ())])
    >>> self_citation(G)
    {'outlet:X': ['a']}
    """
    return _self_citation(_Index.of(G))


def _self_citation(index: _Index) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for article in index.articles:
        own = index.publisher[article]
        if own is not None and own in index.cited[article]:
            result[own].append(_aid(article))
    return dict(sorted(result.items()))


def citations_over_time(G: nx.DiGraph) -> dict[str, dict[str, int]]:
    """Month (``YYYY-MM``) -> ``articles`` published and ``citations`` they make.

    Articles without a date are counted under ``"undated"``.
    """
    return _over_time(G, _Index.of(G))


def _over_time(G: nx.DiGraph, index: _Index) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for article in index.articles:
        month = _month(G.nodes[article].get("published") or "") or "undated"
        row = result.setdefault(month, {"articles": 0, "citations": 0})
        row["articles"] += 1
        row["citations"] += len(index.cited[article])
    return dict(sorted(result.items()))


def coverage(G: nx.DiGraph) -> dict[str, int]:
    """How many articles have a known publisher, a date, both: the figures that need them rest on these.

    >>> from citegraph.records import Article
    >>> from citegraph.graph import build_graph
    >>> coverage(build_graph([Article("a", "T", "", publisher="X"), Article("b", "T", "", published="2024-01-02")], []))
    {'articles': 2, 'with_publisher': 1, 'with_date': 1, 'with_both': 0}
    """
    return _coverage(G, _Index.of(G))


def _coverage(G: nx.DiGraph, index: _Index) -> dict[str, int]:
    nodes = G.nodes
    dated = {a for a in index.articles if _month(nodes[a].get("published") or "")}
    known = {a for a in index.articles if index.publisher[a] is not None}
    return {"articles": len(index.articles), "with_publisher": len(known), "with_date": len(dated),
            "with_both": len(known & dated)}


def _month(published: str) -> str:
    return published[:7] if len(published) >= 7 and published[4] == "-" else ""


def summary(G: nx.DiGraph) -> dict[str, Any]:
    """Node counts by kind and edge counts by relation."""
    return _summary(G, _Index.of(G))


def _summary(G: nx.DiGraph, index: _Index) -> dict[str, Any]:
    relations = Counter([d.get("relation") for nbrs in index.succ.values() for d in nbrs.values()])
    return {"nodes": {kind: len(nodes) for kind, nodes in sorted(index.of_kind.items())},
            "edges": dict(sorted(relations.items()))}


def compute_metrics(G: nx.DiGraph, options: MetricsOptions = MetricsOptions()) -> dict[str, Any]:
    """Every metric above in one JSON-ready dict (written to ``out/metrics.json``).

    The graph is indexed once (``_Index``: each article's publisher and cited
    sources, each source's citing articles) and every metric reads the index.
    """
    _, complete = metrics_in_two(G, options)
    return complete()


# What the explorer shows of the metrics; the others (PageRank, betweenness, chains, shares) only the report.
SHOWN = ("summary", "coverage", "most_cited", "communities", "single_source", "unsourced", "over_time")


def graph_index(G: nx.DiGraph) -> _Index:
    """What the metrics and the story cards (``graph.stories``) read off the graph, read once: a build
    gives the same index to both (``metrics_in_two``, ``Stories``)."""
    return _Index.of(G)


def metrics_in_two(G: nx.DiGraph, options: MetricsOptions = MetricsOptions(), index: _Index | None = None
                   ) -> tuple[dict[str, Any], Callable[[], dict[str, Any]]]:
    """The metrics the explorer shows (``SHOWN``), and a function that completes them: it returns what
    ``compute_metrics`` returns. A build writes the explorer from the first while it computes the rest.
    ``index``: ``graph_index(G)``, when the caller has it."""
    index = _Index.of(G) if index is None else index
    P = _outlet_projection(G, index)
    external = _external_by_article(index)  # single-source and unsourced articles share it
    shown = {
        "summary": _summary(G, index),
        "coverage": _coverage(G, index),
        "most_cited": {kind: _most_cited(G, index, kind) for kind in RANKED_KINDS},
        "communities": _communities(index, P, options),
        "single_source": _single_source(external),
        "unsourced": _unsourced(external),
        "over_time": _over_time(G, index),
    }

    def complete() -> dict[str, Any]:
        return {
            "summary": shown["summary"],
            "coverage": shown["coverage"],
            "most_cited": shown["most_cited"],
            "pagerank": _pagerank(P, options),
            "betweenness": _betweenness(P, options),
            "betweenness_sampled": P.number_of_nodes() > options.sample_above,
            "communities": shown["communities"],
            "chains": _citation_chains(index),
            "single_source": shown["single_source"],
            "unsourced": shown["unsourced"],
            "anonymous_share": _anonymous_share(index, options),
            "self_citation": _self_citation(index),
            "over_time": shown["over_time"],
        }

    return shown, complete
