"""The explorer page without a browser: self-contained, escaped, deterministic.

Built through the real pipeline from the seed articles, the hostile fixture
corpus (tests/fixtures/hostile) and Wikinews articles from ../shared/corpora.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from citegraph import BuildOptions, build
from citegraph.cli import app
from citegraph.outputs.explorer import (
    ExplorerOptions, embed_json, importance, kind_styles, community_palette, relation_styles, render_explorer, safe_href,
    write_explorer,
)
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.metrics import compute_metrics
from citegraph.graph.model import build_graph
from citegraph.pipeline import extract_all, read_all
from citegraph.records import Article, Citation, CitationKind, Evidence

from conftest import CORPORA, DATA, need_shared

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
HOSTILE_OPTIONS = BuildOptions(inputs=(HOSTILE,), outlets_file=HOSTILE / "outlets.toml")
DATA_SCRIPT = re.compile(r'<script type="application/json" id="citegraph-data">(.*?)</script>', re.S)
EVIDENCE_SCRIPT = re.compile(r'<script type="application/json" id="citegraph-evidence">(.*?)</script>', re.S)
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "form", "label", "input", "nav",
    "button", "span", "p", "main", "aside", "section", "ul", "select", "option", "div", "script", "dl",
}


def graph_of(options: BuildOptions):
    articles, _ = read_all(options)
    citations = extract_all(articles, options)
    return build_graph(articles, citations, Gazetteer.load(options.outlets_file))


def payload_of(page: str) -> dict:
    match = DATA_SCRIPT.search(page)
    assert match, "the page has no embedded graph data"
    return json.loads(match.group(1))


def evidence_of(page: str) -> list:
    match = EVIDENCE_SCRIPT.search(page)
    assert match, "the page has no embedded evidence"
    return json.loads(match.group(1))


def edge_keys(data: dict) -> list[tuple[str, str]]:
    ids = [n["id"] for n in data["nodes"]]
    return [(ids[u], ids[v]) for u, v, _, _ in data["edges"]]


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("seed-out")
    build(BuildOptions(inputs=(DATA,), out=out))
    return (out / "graph.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("hostile-out")
    build(BuildOptions(inputs=HOSTILE_OPTIONS.inputs, outlets_file=HOSTILE_OPTIONS.outlets_file, out=out))
    return (out / "graph.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wikinews_graph():
    texts = need_shared(CORPORA / "gum-wikinews" / "text")
    return graph_of(BuildOptions(inputs=(texts,)))


@pytest.mark.parametrize("page_fixture", ["seed_page", "hostile_page"])
def test_page_is_self_contained(page_fixture, request):
    soup = BeautifulSoup(request.getfixturevalue(page_fixture), "lxml")
    assert {tag.name for tag in soup.find_all(True)} <= PAGE_TAGS
    for tag in soup.find_all(True):
        for attr in ("src", "href", "action", "srcset", "poster", "data"):
            assert not tag.has_attr(attr), f"<{tag.name} {attr}=...> would load or link something"
    styles = " ".join(s.get_text() for s in soup.find_all("style"))
    assert "@import" not in styles
    assert not re.search(r"url\(\s*(?!['\"]?data:)", styles), "a stylesheet url() outside data: would fetch"


@pytest.mark.parametrize("page_fixture", ["seed_page", "hostile_page"])
def test_csp_allows_only_the_inlined_scripts(page_fixture, request):
    soup = BeautifulSoup(request.getfixturevalue(page_fixture), "lxml")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'none'"
    executable = [s for s in soup.find_all("script") if not s.get("type")]
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.string.encode("utf-8")).digest()).decode() + "'"
        for s in executable
    }
    assert len(executable) == 2
    assert set(policy["script-src"].split()) == hashes


def test_seed_page_holds_every_node_and_edge(seed_page):
    G = graph_of(BuildOptions(inputs=(DATA,)))
    data = payload_of(seed_page)
    assert [n["id"] for n in data["nodes"]] == sorted(G)
    assert sorted(edge_keys(data)) == sorted(G.edges())
    full = data["views"]["full"]
    assert sorted(n["id"] for n in full["nodes"]) == sorted(G)
    assert sorted((e["from"], e["to"]) for e in full["edges"]) == sorted(G.edges())
    assert data["meta"]["full_shown"] == G.number_of_nodes() and data["meta"]["default_view"] == "full"
    assert full["options"]["physics"]["enabled"] is True
    cnn = next(n for n in data["nodes"] if n["id"] == "outlet:CNN")
    assert cnn["c"]["cited"] == sum(1 for _, _, r in G.in_edges("outlet:CNN", data="relation") if r == "cites")


def test_counts_equal_metrics_json(seed_build):
    """Every count the page shows is metrics.json's: citing articles, publishers, mentions, kinds, months."""
    metrics = json.loads((seed_build / "metrics.json").read_text(encoding="utf-8"))
    data = payload_of((seed_build / "graph.html").read_text(encoding="utf-8"))
    assert_counts_match(data, metrics)


def assert_counts_match(data: dict, metrics: dict) -> None:
    by_id = {n["id"]: n for n in data["nodes"]}
    checked = 0
    for kind, ranked in metrics["most_cited"].items():
        for node, figures in ranked.items():
            c = by_id[node]["c"]
            assert (c["cited"], c["publishers"], c["mentions"]) == (
                figures["in_degree"], figures["publishers"], figures["mentions"]), node
            checked += 1
    for node in by_id.values():
        if node["k"] in metrics["most_cited"] and node["id"] not in metrics["most_cited"][node["k"]]:
            assert node["c"]["cited"] == 0, node["id"]
    assert checked > 10
    assert {k["kind"]: k["count"] for k in data["kinds"]} == metrics["summary"]["nodes"]
    assert data["meta"]["articles"] == metrics["summary"]["nodes"]["article"]
    months = {m: row["articles"] for m, row in metrics["over_time"].items() if m != "undated"}
    assert dict(map(tuple, data["meta"]["months"])) == months
    assert data["meta"]["undated"] == metrics["over_time"].get("undated", {}).get("articles", 0)
    groups = metrics["communities"]["outlets"]
    assert [c["size"] for c in data["communities"]] == [len(g) for g in groups]
    assert {n["id"]: n["g"] for n in data["nodes"] if "g" in n} == {m: i for i, g in enumerate(groups) for m in g}
    single = {n["id"].split(":", 1)[1]: n["f"]["single"] for n in data["nodes"] if "single" in n.get("f", {})}
    assert single == metrics["single_source"]


def test_the_build_passes_its_command_and_aliases(seed_build):
    data = payload_of((seed_build / "graph.html").read_text(encoding="utf-8"))
    assert data["meta"]["command"] == "citegraph build '…/data'"  # an absolute input by its last part only
    cnn = next(n for n in data["nodes"] if n["id"] == "outlet:CNN")
    assert "cnn.com" in cnn["s"]


def test_same_input_same_bytes(tmp_path):
    for name in ("a", "b"):
        build(BuildOptions(inputs=(DATA,), out=tmp_path / name))
    assert (tmp_path / "a" / "graph.html").read_bytes() == (tmp_path / "b" / "graph.html").read_bytes()


def test_node_insertion_order_does_not_change_the_page(tmp_path):
    G = graph_of(BuildOptions(inputs=(DATA,)))
    reordered = G.__class__()
    reordered.add_nodes_from(sorted(G.nodes(data=True), reverse=True))
    reordered.add_edges_from(sorted(G.edges(data=True), reverse=True))
    options = ExplorerOptions(layout_threshold=5)
    write_explorer(G, tmp_path / "a.html", options)
    write_explorer(reordered, tmp_path / "b.html", options)
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_hostile_text_is_data_not_markup(hostile_page):
    soup = BeautifulSoup(hostile_page, "lxml")
    assert len(soup.find_all("script")) == 4
    outside_data = EVIDENCE_SCRIPT.sub("", DATA_SCRIPT.sub("", hostile_page))
    assert "__citegraph_pwned" not in outside_data
    for script in (DATA_SCRIPT, EVIDENCE_SCRIPT):
        assert not set("<>&") & set(script.search(hostile_page).group(1))
    data = payload_of(hostile_page)
    G = graph_of(HOSTILE_OPTIONS)
    names = {n["id"]: n["n"] for n in data["nodes"]}
    assert names == {n: " ".join(label.split()) for n, label in G.nodes(data="label")}
    hostile = [name for name in names.values() if "<" in name and "__citegraph_pwned" in name]
    assert len(hostile) >= 4, "titles, publishers and cited outlets carry markup"
    assert any(n.startswith("outlet:") and "</script>" in n for n in names), "a cited outlet name carries </script>"
    titles = {n["a"].get("title") for n in data["nodes"] if n["k"] == "article"}
    assert titles == {t for _, t in G.nodes(data="title") if t}
    evidence = [item["t"] for e in evidence_of(hostile_page) if e for item in e["e"]]
    assert evidence == [" ".join(x["text"].split()) for _, _, d in sorted(G.edges(data=True)) for x in d.get("evidence", [])]
    assert any("</script><script>" in t for t in evidence)


def test_only_http_links_get_an_href(hostile_page):
    articles = [n["a"] for n in payload_of(hostile_page)["nodes"] if n["k"] == "article"]
    by_url = {a["url"]: a.get("href") for a in articles if a.get("url")}
    assert len(by_url) == 3
    for url, href in by_url.items():
        assert href == (url if url.startswith("https://") else None)


@pytest.mark.parametrize(
    "text",
    ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a & b <!-- c -->", "line\u2028sep\u2029", 'q"\\'],
)
def test_embed_json_escapes_and_round_trips(text):
    embedded = embed_json({"t": text})
    assert not set("<>&\u2028\u2029") & set(embedded)
    assert json.loads(embedded) == {"t": text}


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a", True),
        ("http://example.org", True),
        (" HTTPS://EXAMPLE.ORG/x", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//example.org/a", False),
        ("http:///nohost", False),
        ("/relative/path", False),
    ],
)
def test_safe_href(url, ok):
    assert safe_href(url) is ok


@pytest.mark.parametrize(("max_nodes", "layout_threshold"), [(12, 5), (40, 300), (10_000, 0)])
def test_large_graphs_keep_the_most_cited_nodes(wikinews_graph, max_nodes, layout_threshold):
    G = wikinews_graph
    data = payload_of(render_explorer(G, ExplorerOptions(max_nodes=max_nodes, layout_threshold=layout_threshold)))
    assert [n["id"] for n in data["nodes"]] == sorted(G), "the index holds every node, drawn or not"
    full = data["views"]["full"]
    shown = min(max_nodes, G.number_of_nodes())
    scores = importance(G)
    kept = {n["id"] for n in full["nodes"]}
    assert len(kept) == shown
    top = set(sorted(G, key=lambda n: (-scores[n], n))[:shown])
    for node in top - kept:  # passed over only when none of its neighbours is in the top
        assert not any(m in top for m in (*G.successors(node), *G.predecessors(node))), node
    if shown < G.number_of_nodes():
        assert all(any(m in kept for m in (*G.successors(n), *G.predecessors(n))) for n in kept), "a lone node"
    assert data["meta"]["full_shown"] == shown and data["meta"]["total_nodes"] == G.number_of_nodes()
    precomputed = shown > layout_threshold
    assert full["options"]["physics"]["enabled"] is not precomputed
    positions = [(n.get("x"), n.get("y")) for n in full["nodes"]]
    if precomputed:
        assert all(isinstance(x, int) and isinstance(y, int) for x, y in positions)
        assert len(set(positions)) == len(positions), "two nodes share a position"
    else:
        assert positions == [(None, None)] * len(positions)


def test_overview_and_documents_views(wikinews_graph):
    G = wikinews_graph
    metrics = compute_metrics(G)
    data = payload_of(render_explorer(G, ExplorerOptions(documents_nodes=40), metrics))
    overview, documents = data["views"]["overview"], data["views"]["documents"]
    outlets = {n for n, k in G.nodes(data="kind") if k == "outlet"}
    drawn = {n["id"] for n in overview["nodes"]}
    assert drawn <= outlets and overview["total"] == len(outlets)
    assert {(e["from"], e["to"]) for e in overview["edges"]} and all(
        e["from"] in drawn and e["to"] in drawn for e in overview["edges"])
    assert all(isinstance(n["x"], int) for n in overview["nodes"]) and overview["options"]["physics"]["enabled"] is False
    assert {e["relation"] for e in overview["edges"]} <= {"cites_outlet", "cocited"}
    doc_nodes = {n["id"] for n in documents["nodes"]}
    docs = [d for d in doc_nodes if d.startswith("document:")]
    assert len(doc_nodes) <= 40 and len(docs) == documents["documents"] >= 1
    ranked = metrics["most_cited"]["document"]
    order = sorted(ranked, key=lambda d: (-ranked[d]["in_degree"], d))
    assert set(docs) == set(order[: len(docs)]), "the most-cited documents"
    for doc in docs:
        assert {u for u, _, r in G.in_edges(doc, data="relation") if r == "cites"} <= doc_nodes


def test_cli_build_max_nodes_and_open(tmp_path, monkeypatch):
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(app, ["open", "--out", str(out)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no explorer at {out}/graph.html: run `citegraph build --out {out}` first, "
        "or pass the --out you built to\n"
    )
    result = runner.invoke(app, ["build", str(DATA), "--out", str(out), "--max-nodes", "4"])
    assert result.exit_code == 0, result.output
    assert payload_of((out / "graph.html").read_text(encoding="utf-8"))["meta"]["full_shown"] == 4
    page = (out / "graph.html").resolve()
    opened: list[str] = []
    for available, message in ((False, f"No browser available; open this file in one: {page}\n"), (True, f"Opened {page}\n")):
        monkeypatch.setattr("webbrowser.open", lambda url, ok=available: opened.append(url) or ok)
        result = runner.invoke(app, ["open", "--out", str(out)])
        assert (result.exit_code, result.output) == (0, message)
    assert opened == [page.as_uri()] * 2



def test_the_network_is_assembled_by_pyvis(monkeypatch):
    """Every node and edge of every drawn view went through pyvis's ``Network.add_node`` / ``add_edge``."""
    import pyvis.network

    added = {"nodes": 0, "edges": 0}
    real_node, real_edge = pyvis.network.Network.add_node, pyvis.network.Network.add_edge

    def add_node(self, *args, **kwargs):
        added["nodes"] += 1
        return real_node(self, *args, **kwargs)

    def add_edge(self, *args, **kwargs):
        added["edges"] += 1
        return real_edge(self, *args, **kwargs)

    monkeypatch.setattr(pyvis.network.Network, "add_node", add_node)
    monkeypatch.setattr(pyvis.network.Network, "add_edge", add_edge)
    G = graph_of(BuildOptions(inputs=(DATA,)))
    views = payload_of(render_explorer(G, ExplorerOptions()))["views"]
    assert added == {"nodes": sum(len(v["nodes"]) for v in views.values()),
                     "edges": sum(len(v["edges"]) for v in views.values())} and added["nodes"] > 10


def hostile_names_graph():
    """Names a spreadsheet would run, and a link citation (issue 13's evidence with url and anchor)."""
    articles = [Article("a1", "=HYPERLINK(\"http://x\")", "", publisher="+Plus News", published="2020-01-02"),
                Article("a2", "@SUM(1)", "", publisher="-Minus", url="javascript:alert(1)")]
    link = Evidence("as reported here", 0, 16, url="https://edition.cnn.com/x", anchor="here")
    citations = [Citation("a1", CitationKind.OUTLET, "CNN", "link", (link,)),
                 Citation("a2", CitationKind.PERSON, "\tTab Person", "said", (Evidence("he said", 0, 7),))]
    G = build_graph(articles, citations)
    G.edges["article:a2", "person:\tTab Person"]["evidence"][0].update(url="javascript:alert(1)", anchor="x")
    return G


def test_link_citations_carry_url_and_anchor():
    page = render_explorer(hostile_names_graph(), ExplorerOptions())
    data, evidence = payload_of(page), evidence_of(page)
    items = {key: e["e"] for key, e in zip(edge_keys(data), evidence) if e}
    assert items[("article:a1", "outlet:CNN")] == [
        {"t": "as reported here", "u": "https://edition.cnn.com/x", "h": "https://edition.cnn.com/x", "a": "here"}]
    assert "h" not in items[("article:a2", "person:\tTab Person")][0], "only http(s) URLs become links"


def test_extras_pass_through():
    G = graph_of(BuildOptions(inputs=(DATA,)))
    extras = {"coverage": {"articles": 5, "with_publisher": 5, "with_date": 5},
              "stamp": {"citegraph": "0.2.0", "digest": "abc"}, "stories": {"x": {"single_source": True}}}
    data = payload_of(render_explorer(G, ExplorerOptions(), extras=extras))
    assert data["meta"]["coverage"] == extras["coverage"] and data["meta"]["stamp"] == extras["stamp"]
    assert data["stories"] == extras["stories"]
    plain = payload_of(render_explorer(G, ExplorerOptions()))
    assert "stamp" not in plain["meta"] and "stories" not in plain
    assert plain["meta"]["coverage"] == {"articles": 5, "with_publisher": 5, "with_date": 5}


# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    x, y, z = (sum(m * c for m, c in zip(row, rgb)) for row in (
        (0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505)))
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x / 0.9505, y, z / 1.089)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _seen(color: str, matrix) -> tuple[float, float, float]:
    srgb = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in srgb]
    if matrix is not None:
        linear = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, linear)))) for row in matrix]
    return _lab(tuple(linear))


@pytest.mark.parametrize("vision", [None, *CVD])
@pytest.mark.parametrize("palette", ["kinds", "relations", "communities"])
def test_palettes_stay_distinguishable(vision, palette):
    """Node kinds, relations and communities differ by at least 12 (CIE76) under each colour-vision deficiency."""
    colors = {
        "kinds": {k: s["color"] for k, s in kind_styles().items() if k != "other"},
        "relations": {r: s["color"] for r, s in relation_styles().items()
                      if r in ("published", "cites", "via", "issued_by")},
        "communities": {**dict(enumerate(community_palette())), "none": kind_styles()["outlet"]["muted"]},
    }[palette]
    seen = {k: _seen(c, CVD.get(vision)) for k, c in colors.items()}
    for a, b in [(a, b) for a in seen for b in seen if str(a) < str(b)]:
        distance = sum((p - q) ** 2 for p, q in zip(seen[a], seen[b])) ** 0.5
        assert distance >= 12, f"{palette} {a} and {b} look alike under {vision}: {distance:.1f}"


def test_the_evidence_budget_keeps_the_most_cited_sources_sentences(wikinews_graph):
    """Above its evidence budget a page keeps the sentences of the most-cited sources' citations and marks
    the rest as cut (their sentences stay in citations.jsonl); under it nothing is cut."""
    G = wikinews_graph
    whole = render_explorer(G, ExplorerOptions())
    total = payload_of(whole)["meta"]["evidence"]["total"]
    assert payload_of(whole)["meta"]["evidence"] == {"kept": total, "total": total} and total > 40
    page = render_explorer(G, ExplorerOptions(evidence_budget=total // 4))
    data, evidence = payload_of(page), evidence_of(page)
    kept = data["meta"]["evidence"]
    assert kept["total"] == total and total // 8 < kept["kept"] <= total // 4
    assert sum(len(e["e"]) for e in evidence if e and "e" in e) == kept["kept"]
    cited = {n["id"]: n["c"].get("cited", 0) for n in data["nodes"]}
    ids = [n["id"] for n in data["nodes"]]
    kept_min = min(cited[ids[t]] for (_, t, *_), e in zip(data["edges"], evidence) if e and "e" in e)
    cut_max = max(cited[ids[t]] for (_, t, *_), e in zip(data["edges"], evidence) if e and e.get("cut"))
    assert kept_min >= cut_max  # the most-cited first
