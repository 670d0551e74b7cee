"""Metrics on the hand-labelled seeds: the gold citations, placed on the real articles.

The graph here is built from the gold labels (not from the extractor), so every
expected figure below can be checked by reading the five seed articles.
"""

from __future__ import annotations

import dataclasses
import doctest
import json
import random
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import citegraph.graph.model
import citegraph.graph.metrics
import citegraph.graph.projections
from citegraph.graph import metrics as M
from citegraph.errors import BuildError
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.pipeline import BuildOptions, read_all
from citegraph.graph.projections import bibliographic_coupling, co_citation, document_articles, outlet_projection
from citegraph.records import Citation, CitationKind, DocType, Evidence
from citegraph.outputs.report import load_build

A0, A1, A2, A3, A4 = (
    "000_d868355d3de1eb99.txt",
    "001_6195e9e891bbb07e.txt",
    "002_42b9e229ad0a0ea5.txt",
    "003_d33c0711b28e4767.txt",
    "004_678875eedfc1e651.txt",
)


def _evidence(body: str, phrases) -> tuple[Evidence, ...]:
    found = []
    for phrase in phrases:
        start = body.find(phrase)
        assert start >= 0, phrase
        found.append(Evidence(phrase, start, start + len(phrase)))
    return tuple(found)


def gold_citations(articles, gold_rows, gazetteer) -> list[Citation]:
    """Gold outlets and documents (label: type and first key), plus optional outlets that are the publisher."""
    by_id = {a.id: a for a in articles}
    citations = []
    for row in gold_rows:
        article = by_id[row["article"]]
        for o in row["outlets"]:
            ev = _evidence(article.body, o["evidence"])
            citations.append(Citation(article.id, CitationKind.OUTLET, o["name"], "gold", ev))
        for d in row["documents"]:
            label = f"{d['keys'][0]} {d['type']}"
            ev = _evidence(article.body, [d["evidence"]])
            citations.append(Citation(article.id, CitationKind.DOCUMENT, label, "gold", ev,
                                      doc_type=DocType(d["type"]), via=d["via"]))
        own = gazetteer.lookup(article.publisher or "")
        for o in row["optional_outlets"]:
            if own is not None and gazetteer.lookup(o["name"]) == own:
                citations.append(Citation(article.id, CitationKind.OUTLET, o["name"], "gold", ()))
    return citations


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load()


@pytest.fixture(scope="module")
def seed_articles():
    articles, _ = read_all(BuildOptions(inputs=(Path(__file__).resolve().parents[1] / "data",)))
    return articles


@pytest.fixture(scope="module")
def gold_records(seed_articles, gold_file, gazetteer):
    rows = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return seed_articles, gold_citations(seed_articles, rows, gazetteer)


@pytest.fixture(scope="module")
def G(gold_records, gazetteer) -> nx.DiGraph:
    return build_graph(*gold_records, gazetteer)


@pytest.fixture(scope="module")
def relayed(gold_records, gazetteer) -> nx.DiGraph:
    """The gold graph plus one citation: the RadarOnline seed citing Al Mayadeen (a second hop)."""
    articles, citations = gold_records
    said = "as Al Mayadeen reported"  # an invented sentence: a chain step needs one
    extra = Citation(A3, CitationKind.OUTLET, "Al Mayadeen", "relay", (Evidence(said, 0, len(said)),))
    return build_graph(articles, [*citations, extra], gazetteer)


def _doc(G, key: str) -> str:
    (node,) = [n for n, k in G.nodes(data="kind") if k == "document" and key in n]
    return node


@pytest.mark.parametrize("module", [citegraph.graph.model, citegraph.graph.projections, citegraph.graph.metrics])
def test_docstring_examples_hold(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_most_cited_outlets(G):
    cited = M.most_cited(G, "outlet")
    assert cited["outlet:CNN"] == {"in_degree": 2, "publishers": 1, "mentions": 4}
    assert cited["outlet:Axios"] == {"in_degree": 2, "publishers": 2, "mentions": 2}
    assert cited["outlet:The New York Times"]["in_degree"] == 1
    assert cited["outlet:Foreign Policy"] == {"in_degree": 1, "publishers": 1, "mentions": 3}


def test_most_cited_documents(G):
    cited = M.most_cited(G, "document")
    assert len(cited) == 9 and all(v["in_degree"] == 1 for v in cited.values())


def test_outlet_projection_counts_articles(G):
    P = outlet_projection(G)
    weights = {(u, v): w for u, v, w in P.edges(data="weight")}
    assert weights == {
        ("outlet:Al Mayadeen", "outlet:CNN"): 2,
        ("outlet:Al Mayadeen", "outlet:Axios"): 1,
        ("outlet:Al Mayadeen", "outlet:The New York Times"): 1,
        ("outlet:Al Mayadeen", "outlet:Foreign Policy"): 1,
        ("outlet:RadarOnline", "outlet:Axios"): 1,
    }
    assert P.edges["outlet:Al Mayadeen", "outlet:CNN"]["articles"] == [A0, A1]


def test_pagerank_and_betweenness_on_the_outlet_projection(G, relayed):
    pagerank = M.outlet_pagerank(G)
    assert abs(sum(pagerank.values()) - 1) < 1e-4
    assert pagerank["outlet:Axios"] > pagerank["outlet:CNN"] > pagerank["outlet:RadarOnline"]
    assert set(M.outlet_betweenness(G).values()) == {0.0}
    between = M.outlet_betweenness(relayed)
    assert max(between, key=between.get) == "outlet:Al Mayadeen" and between["outlet:Al Mayadeen"] > 0


def test_sampled_betweenness_is_seeded(relayed):
    options = M.MetricsOptions(sample_above=2, sample_k=3)
    first = M.outlet_betweenness(relayed, options)
    assert first == M.outlet_betweenness(relayed, options)
    assert set(first) == {n for n, k in relayed.nodes(data="kind") if k == "outlet"}


def test_communities_are_seeded_and_disjoint(G):
    first = M.communities(G)
    assert first == M.communities(G)
    members = [n for group in first["sources"] for n in group]
    assert len(members) == len(set(members)) > 0
    assert all(len(group) > 1 for group in first["outlets"] + first["sources"])


def test_chains(G, relayed):
    chains = M.citation_chains(G)
    outlet_doc = {(c["through"], c["to"]): c["articles"] for c in chains["article_outlet_document"]}
    assert outlet_doc == {
        ("outlet:Axios", _doc(G, "memo")): [A1],
        ("outlet:CNN", _doc(G, "oman")): [A1],
        ("outlet:The New York Times", _doc(G, "letter:400")): [A1],
    }
    steps = {(c["through"], c["to"]): [s["text"] for s in c["steps"]] for c in chains["article_outlet_document"]}
    assert steps[("outlet:CNN", _doc(G, "oman"))] == ["a diplomatic cable obtained by CNN revealed"] * 2
    doc_outlet = {(c["through"], c["to"]) for c in chains["article_document_outlet"]}
    assert (_doc(G, "oman"), "outlet:CNN") in doc_outlet and len(doc_outlet) == 3
    assert chains["article_outlet_outlet"] == []
    hops = {(c["through"], c["to"]): c["articles"] for c in M.citation_chains(relayed)["article_outlet_outlet"]}
    assert hops == {("outlet:Al Mayadeen", f"outlet:{o}"): [A3]
                    for o in ("Axios", "CNN", "Foreign Policy", "The New York Times")}
    for rows in [*chains.values(), *M.citation_chains(relayed).values()]:
        for c in rows:  # every step is shown by a sentence of an article that makes it
            first, second = c["steps"]
            assert (first["from"], first["to"], second["from"], second["to"]) == (
                f"article:{c['articles'][0]}", c["through"], c["through"], c["to"])
            assert first["text"] and second["text"]


def test_single_source_articles_leave_out_the_publisher(G):
    assert M.single_source_articles(G) == {A0: "outlet:CNN", A3: "outlet:Axios"}
    assert M.unsourced_articles(G) == []


def test_self_citation(G):
    assert M.self_citation(G) == {"outlet:Al Mayadeen": [A0], "outlet:RadarOnline": [A3]}


def test_most_cited_leaves_out_self_citation(G):
    """Al Mayadeen's own "Source:" line and RadarOnline's "has learned" do not rank them as cited outlets."""
    cited = M.most_cited(G, "outlet")
    assert "outlet:Al Mayadeen" not in cited and "outlet:RadarOnline" not in cited
    assert set(cited) == {"outlet:CNN", "outlet:Axios", "outlet:The New York Times", "outlet:Foreign Policy"}


def test_anonymous_share(gold_records, gazetteer):
    articles, citations = gold_records
    anonymous = Citation(A0, CitationKind.ANONYMOUS, "multiple sources", "quoted", ())
    shares = M.anonymous_share(build_graph(articles, [*citations, anonymous], gazetteer))
    # Al Mayadeen's four articles cite 3 + 9 + 2 + 2 sources, one of them anonymous.
    assert shares["outlet:Al Mayadeen"] == {"articles": 4, "sources": 16, "anonymous": 1, "share": 0.0625}
    assert shares["outlet:RadarOnline"]["share"] == 0.0


def test_citations_over_time(G):
    over = M.citations_over_time(G)
    assert {m: v["articles"] for m, v in over.items()} == {"2023-11": 3, "2024-03": 1, "2024-11": 1}
    assert over["2023-11"]["citations"] == 2 + 9 + 2


def test_document_projection_and_coupling(G):
    assert document_articles(G)[_doc(G, "oman")] == [A1]
    B = bibliographic_coupling(G)
    assert B.edges[f"article:{A0}", f"article:{A1}"]["weight"] == 1  # both cite CNN
    assert B.edges[f"article:{A1}", f"article:{A3}"]["weight"] == 1  # both cite Axios
    C = co_citation(G)
    assert C.edges["outlet:Axios", "outlet:CNN"]["weight"] == 1


def test_compute_metrics_on_the_real_pipeline_is_json_and_repeatable(seed_build, gazetteer):
    articles, citations, _ = load_build(seed_build)
    graph = build_graph(articles, citations, gazetteer)
    result = M.compute_metrics(graph)
    assert json.loads(json.dumps(result)) == result
    assert result == M.compute_metrics(build_graph(articles, citations, gazetteer))
    written = json.loads((seed_build / "metrics.json").read_text(encoding="utf-8"))
    assert written.pop("build")["articles"] == 5  # the build's provenance stamp, beside the metrics
    assert written == result
    for share in result["anonymous_share"].values():
        assert 0 <= share["share"] <= 1 and share["anonymous"] <= share["sources"]


def test_metrics_in_two_give_the_explorer_its_part_first_and_then_all_in_order(seed_build, gazetteer):
    articles, citations, _ = load_build(seed_build)
    graph = build_graph(articles, citations, gazetteer)
    whole = M.compute_metrics(graph)
    shown, complete = M.metrics_in_two(graph)
    assert list(shown) == list(M.SHOWN) and shown == {k: whole[k] for k in M.SHOWN}
    assert whole["most_cited"]["outlet"] and whole["pagerank"]  # real content, not empty tables
    completed = complete()
    assert completed == whole and list(completed) == list(whole)  # metrics.json keeps its key order


@pytest.mark.parametrize("wrong", [nx.Graph(), nx.MultiDiGraph(), nx.path_graph(3, create_using=nx.DiGraph)])
def test_wrong_graph_kind_is_rejected(wrong):
    with pytest.raises(BuildError, match="build_graph"):
        M.compute_metrics(wrong)


# ---- the metrics' shortcuts against the straightforward networkx path, on real articles ----


@pytest.fixture(scope="module")
def corpus_records(gold_records):
    """Real articles (BBC politics, Wikinews, PolNeAR dev) with the extractor's citations, plus the gold seeds."""
    from conftest import CORPORA, need_shared
    from citegraph.pipeline import extract_all

    inputs = (need_shared(CORPORA / "bbc-fulltext" / "bbc" / "politics"), CORPORA / "gum-wikinews" / "text",
              CORPORA / "polnear" / "dev" / "text")
    options = BuildOptions(inputs=inputs)
    articles, _ = read_all(options)
    seeds, gold = gold_records
    return [*articles, *seeds], [*extract_all(articles, options), *gold]


def republished(articles, citations, rng, share: float):
    """A random share of the articles, each given as publisher one of the twelve outlets most cited.

    Outlets then cite each other both ways (A's articles cite B, B's cite A), the
    case where the undirected outlet projection keeps one of two weights.
    """
    counts = Counter(c.name for c in citations if c.kind == CitationKind.OUTLET)
    outlets = sorted(name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:12])
    kept = [dataclasses.replace(a, publisher=rng.choice(outlets)) for a in articles if rng.random() < share]
    ids = {a.id for a in kept}
    return kept, [c for c in citations if c.article in ids]


@pytest.fixture(scope="module")
def real_graphs(G, relayed, corpus_records, gazetteer) -> dict[str, nx.DiGraph]:
    articles, citations = corpus_records
    graphs = {"seeds": G, "relayed": relayed, "corpus": build_graph(articles, citations, gazetteer)}
    rng = random.Random(7)
    for round_ in range(4):
        graphs[f"republished-{round_}"] = build_graph(*republished(articles, citations, rng, 0.6), gazetteer)
    return graphs


GRAPHS = ["seeds", "relayed", "corpus", *(f"republished-{r}" for r in range(4))]


def test_republished_graphs_have_outlets_citing_each_other(real_graphs):
    """The random graphs do exercise the two-way edges of the outlet projection, with differing weights."""
    both_ways = []
    for name in GRAPHS[3:]:
        P = outlet_projection(real_graphs[name])
        both_ways += [(w, P.edges[v, u]["weight"]) for u, v, w in P.edges(data="weight") if P.has_edge(v, u)]
    assert any(a != b for a, b in both_ways), both_ways


@pytest.mark.parametrize("name", GRAPHS)
def test_index_equals_the_graph_helpers(real_graphs, name):
    graph = real_graphs[name]
    index = M._Index.of(graph)
    articles = citegraph.graph.model.nodes_of_kind(graph, "article")
    assert index.articles == articles
    assert index.publisher == {a: citegraph.graph.model.publisher_of(graph, a) for a in articles}
    assert index.cited == {a: citegraph.graph.model.cited_sources(graph, a) for a in articles}
    assert index.of_kind == {k: citegraph.graph.model.nodes_of_kind(graph, k) for k in set(index.kind.values())}
    assert {a: index.outlets_of(a) for a in articles} == {
        a: citegraph.graph.projections.article_outlets(graph, a) for a in articles}
