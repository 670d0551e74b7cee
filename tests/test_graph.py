"""The citation graph: schema, evidence, one node per outlet, determinism."""

from __future__ import annotations

import dataclasses
import logging

import networkx as nx
import pytest

from citegraph.extract.gazetteer import Gazetteer
from citegraph.extract.names import outlet_key
from citegraph.graph.model import EDGE_FIELDS, NODE_FIELDS, build_graph
from citegraph.pipeline import BuildOptions, extract_all, read_all
from citegraph.records import Citation, CitationKind
from citegraph.outputs.report import load_build

ORACLE = "001_6195e9e891bbb07e.txt"  # the seed that cites three outlets and six documents


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def seed_records(seed_build):
    articles, citations, _ = load_build(seed_build)
    return articles, citations


@pytest.fixture(scope="module")
def seed_graph(seed_records, gazetteer) -> nx.DiGraph:
    return build_graph(*seed_records, gazetteer)


@pytest.fixture(scope="module")
def wikinews_records(corpora):
    """The Wikinews texts of the shared corpora, read and extracted by the real pipeline."""
    options = BuildOptions(inputs=(corpora / "gum-wikinews",))
    articles, _ = read_all(options)
    assert len(articles) >= 20
    return articles, extract_all(articles, options)


def _graphs(request) -> tuple[nx.DiGraph, list]:
    if request.param == "seeds":
        articles, citations = request.getfixturevalue("seed_records")
    else:
        articles, citations = request.getfixturevalue("wikinews_records")
    return build_graph(articles, citations, request.getfixturevalue("gazetteer")), articles


@pytest.fixture(params=["seeds", "gum-wikinews"])
def graph_and_articles(request):
    return _graphs(request)


def test_every_node_and_edge_follows_the_schema(graph_and_articles):
    G, articles = graph_and_articles
    assert G.number_of_nodes() > len(articles)
    for node, data in G.nodes(data=True):
        assert node.startswith(data["kind"] + ":"), node
        assert set(data) == set(NODE_FIELDS[data["kind"]]), node
        assert all(value is not None for value in data.values()), node
    for u, v, data in G.edges(data=True):
        assert set(data) == set(EDGE_FIELDS[data["relation"]]), (u, v)
        assert data["count"] >= 1


def test_edges_run_the_documented_way(graph_and_articles):
    G, _ = graph_and_articles
    expected = {
        "published": ("outlet", {"article"}),
        "cites": ("article", {"outlet", "document", "person", "organization", "anonymous"}),
        "via": ("document", {"outlet"}),
        "issued_by": ("document", {"organization"}),
    }
    for u, v, relation in G.edges(data="relation"):
        source_kind, target_kinds = expected[relation]
        assert G.nodes[u]["kind"] == source_kind and G.nodes[v]["kind"] in target_kinds, (u, v, relation)


def test_evidence_on_cites_edges_indexes_the_article(graph_and_articles):
    G, articles = graph_and_articles
    by_id = {a.id: a for a in articles}
    checked = 0
    for u, v, data in G.edges(data=True):
        if data["relation"] != "cites":
            continue
        article = by_id[u.split(":", 1)[1]]
        for ev in data["evidence"]:
            text = getattr(article, ev["field"]) or ""
            assert text[ev["start"] : ev["end"]] == ev["text"], (u, v)
            checked += 1
    assert checked > 0


def test_every_extracted_citation_becomes_one_cites_edge(seed_records, seed_graph):
    _, citations = seed_records
    expected: dict[str, set] = {}
    for c in citations:
        expected.setdefault(f"article:{c.article}", set()).add((c.kind, c.name))
    for article, sources in expected.items():
        cited = [v for _, v, r in seed_graph.out_edges(article, data="relation") if r == "cites"]
        assert len(cited) == len(sources), article


def test_cnn_is_cited_by_two_seed_articles_and_obtained_the_oman_cable(seed_graph):
    citing = sorted(u for u, _, r in seed_graph.in_edges("outlet:CNN", data="relation") if r == "cites")
    assert citing == ["article:000_d868355d3de1eb99.txt", f"article:{ORACLE}"]
    oman = [n for n, k in seed_graph.nodes(data="kind") if k == "document" and "oman" in n]
    assert len(oman) == 1
    assert seed_graph.edges[oman[0], "outlet:CNN"] == {"relation": "via", "count": 1, "articles": [ORACLE]}


def test_publisher_and_cited_outlet_share_one_node(seed_records, gazetteer):
    """A seed republished under another spelling of an outlet it cites: one node, both roles."""
    articles, citations = seed_records
    article = next(a for a in articles if a.id == ORACLE)
    renamed = [dataclasses.replace(article, publisher="the New York Times")] + [a for a in articles if a.id != ORACLE]
    for gaz in (gazetteer, None):
        G = build_graph(renamed, citations, gaz)
        outlets = [n for n, k in G.nodes(data="kind") if k == "outlet"]
        assert len({outlet_key(G.nodes[n]["label"]) for n in outlets}) == len(outlets)
        node = "outlet:The New York Times"
        assert G.edges[node, f"article:{ORACLE}"]["relation"] == "published"
        assert G.edges[f"article:{ORACLE}", node]["relation"] == "cites"


def test_gazetteer_resolves_the_publishers_spelling(seed_graph):
    """The seeds' Source: line says 'Al Mayadeen English'; the gazetteer's outlet holds its four articles."""
    published = [v for u, v, r in seed_graph.edges(data="relation") if r == "published"]
    assert len(published) == 5
    publishers = {seed_graph.nodes[u]["label"] for u, _, r in seed_graph.edges(data="relation") if r == "published"}
    assert len(publishers) == 2 and all(seed_graph.nodes[f"outlet:{p}"]["known"] for p in publishers)


def test_order_is_sorted_and_repeatable(seed_records, gazetteer):
    articles, citations = seed_records
    G1 = build_graph(articles, citations, gazetteer)
    G2 = build_graph(list(reversed(articles)), list(reversed(citations)), gazetteer)
    assert list(G1.nodes) == sorted(G1.nodes) == list(G2.nodes)
    assert list(G1.edges(data=True)) == list(G2.edges(data=True))


def test_duplicate_citations_merge_their_evidence(seed_records, gazetteer):
    articles, citations = seed_records
    first = next(c for c in citations if c.kind is CitationKind.OUTLET and c.evidence)
    again = dataclasses.replace(first, cue="another cue", evidence=(first.evidence[0],))
    G = build_graph(articles, [*citations, again], gazetteer)
    edge = G.edges[f"article:{first.article}", f"outlet:{first.name}"]
    assert "another cue" in edge["cues"] and edge["cues"] == sorted(edge["cues"])
    assert len(edge["evidence"]) == len({(e.field, e.start, e.end) for e in first.evidence})


def test_citations_of_unknown_articles_are_dropped_with_a_warning(seed_records, caplog):
    articles, citations = seed_records
    stray = Citation("not-read.txt", CitationKind.OUTLET, "CNN", "said", ())
    with caplog.at_level(logging.WARNING, logger="citegraph.graph"):
        G = build_graph(articles, [*citations, stray])
    assert "article:not-read.txt" not in G
    assert "not-read.txt" in caplog.text
