"""One story's provenance, read off the citation graph: the card ``citegraph story`` prints.

``Stories(G)`` indexes the graph once; ``card(article)`` then gives, as a
JSON-ready dict:

* the article's facts (title, publisher, date, URL);
* its sources grouped by kind (outlets, documents, people, organisations,
  anonymous), each with its cues and evidence sentences, an outlet citing
  the article's own publisher marked as self-citation;
* its anonymous share (anonymous sources / external sources) and whether
  it rests on a single external source, or on none (as ``metrics``);
* its documents with the outlets they came through (``via``), their issuer,
  how many articles of the collection cite each, and the earliest dated one;
* one step further back: for each outlet it cites, what that outlet's own
  articles in the collection cite (most cited first, with one sentence each).

The report opens each article's section with the same card
(``outputs.story``); the explorer draws its own from the graph.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from .. import lazy
from .metrics import _external_sources, _Index

nx = lazy.load("networkx")

KIND_ORDER = ("outlet", "document", "person", "organization", "anonymous")
FURTHER_SHOWN = 5  # sources listed per outlet one step back


class Stories:
    """Story cards of the articles of one citation graph."""

    def __init__(self, G: nx.DiGraph, index: _Index | None = None) -> None:
        """``index``: ``metrics.graph_index(G)``, when the caller has it (it is read once per graph)."""
        self.G = G
        self.index = _Index.of(G) if index is None else index
        self._further: dict[str, dict[str, Any]] = {}

    def card(self, article: str) -> dict[str, Any]:
        """The card of ``article`` (a node id, ``article:<id>``)."""
        G, index = self.G, self.index
        if index.kind.get(article) != "article":
            raise KeyError(article)
        attrs = G.nodes[article]
        own = index.publisher[article]
        cited = index.cited[article]
        external = _external_sources(index, article)
        anonymous = sum(index.kind[s] == "anonymous" for s in external)
        groups = []
        for kind in KIND_ORDER:
            items = [self._source(article, node, own) for node in cited if index.kind[node] == kind]
            if items:
                groups.append({"kind": kind, "sources": items})
        return {
            "article": article.split(":", 1)[1],
            "title": attrs.get("title") or attrs.get("label") or "",
            "publisher": attrs.get("publisher") or "",
            "published": attrs.get("published") or "",
            "url": attrs.get("url") or "",
            "sources": groups,
            "external": len(external),
            "anonymous": anonymous,
            "anonymous_share": round(anonymous / len(external), 6) if external else 0.0,
            "single_source": external[0] if len(external) == 1 else "",
            "unsourced": not external,
            "documents": [self._document(d) for d in cited if index.kind[d] == "document"],
            "further": [self.further(o) for o in cited if index.kind[o] == "outlet" and o != own],
        }

    def _source(self, article: str, node: str, own: str | None) -> dict[str, Any]:
        edge = self.index.succ[article][node]
        return {
            "node": node,
            "label": self.index.label.get(node) or node.split(":", 1)[1],
            "cues": list(edge.get("cues") or ()),
            "evidence": [dict(e) for e in edge.get("evidence") or ()],
            "self_citation": node == own,
        }

    def _document(self, doc: str) -> dict[str, Any]:
        G, index = self.G, self.index
        attrs = G.nodes[doc]
        citing = index.citing.get(doc, [])
        dated = sorted((G.nodes[a].get("published") or "", a) for a in citing if G.nodes[a].get("published"))
        earliest = {"article": dated[0][1].split(":", 1)[1], "published": dated[0][0]} if dated else None
        return {
            "node": doc,
            "label": attrs.get("label", ""),
            "doc_type": attrs.get("doc_type", ""),
            "issuer": attrs.get("issuer", ""),
            "via": [index.label.get(o, o) for o in index.via.get(doc, [])],
            "cited_by": len(citing),
            "earliest": earliest,
        }

    def further(self, outlet: str) -> dict[str, Any]:
        """What ``outlet``'s own articles in the collection cite: the most cited first, with one sentence each."""
        found = self._further.get(outlet)
        if found is not None:
            return found
        index = self.index
        own = sorted(a for a, d in index.succ[outlet].items() if d.get("relation") == "published")
        counts: Counter[str] = Counter()
        first: dict[str, tuple[str, dict[str, Any]]] = {}
        for article in own:
            for node in index.cited[article]:
                if node == outlet:
                    continue
                counts[node] += 1
                if node not in first:
                    evidence = index.succ[article][node].get("evidence") or ()
                    if evidence:
                        first[node] = (article, evidence[0])
        ranked = sorted(counts, key=lambda n: (-counts[n], n))
        shown = []
        for node in ranked[:FURTHER_SHOWN]:
            item = {"node": node, "label": index.label.get(node) or node.split(":", 1)[1], "kind": index.kind[node],
                    "articles": counts[node]}
            if node in first:
                article, evidence = first[node]
                item["example"] = {"article": article.split(":", 1)[1], "text": evidence["text"]}
            shown.append(item)
        found = {"outlet": outlet, "label": index.label.get(outlet, outlet), "own_articles": len(own),
                 "cites": shown, "more": max(0, len(ranked) - FURTHER_SHOWN)}
        self._further[outlet] = found
        return found


def find_article(G: nx.DiGraph, ref: str, paths: dict[str, str] | None = None) -> str | None:
    """The article node ``ref`` names: an article id, a file path (``paths``: id -> path as read), or a URL."""
    ref = ref.strip()
    if G.nodes.get(f"article:{ref}", {}).get("kind") == "article":
        return f"article:{ref}"
    if paths:  # an article's path is relative to its input folder: the path given ends with it
        wanted = os.sep + os.path.normpath(os.path.abspath(ref))
        found = [aid for aid, path in sorted(paths.items()) if path and wanted.endswith(os.sep + os.path.normpath(path))]
        if len(found) == 1:
            return f"article:{found[0]}"
    if "://" in ref:
        key = _url_key(ref)
        for node, url in sorted(G.nodes(data="url")):
            if url and G.nodes[node].get("kind") == "article" and _url_key(url) == key:
                return node
    return None


def _url_key(url: str) -> str:
    """A URL without its scheme, ``www.``, fragment and trailing slash, lower-cased host."""
    url = url.split("#", 1)[0].strip()
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    host = host.casefold().removeprefix("www.")
    return f"{host}/{path}".rstrip("/")
