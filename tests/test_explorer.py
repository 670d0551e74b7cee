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
from citegraph.outputs.explorer import ExplorerOptions, embed_json, importance, render_explorer, safe_href, write_explorer
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.pipeline import extract_all, read_all

from conftest import CORPORA, DATA, need_shared

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
HOSTILE_OPTIONS = BuildOptions(inputs=(HOSTILE,), outlets_file=HOSTILE / "outlets.toml")
DATA_SCRIPT = re.compile(r'<script type="application/json" id="citegraph-data">(.*?)</script>', re.S)
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "form", "label", "input",
    "datalist", "button", "span", "p", "main", "aside", "section", "ul", "select", "option", "div", "script",
}


def graph_of(options: BuildOptions):
    articles, _ = read_all(options)
    citations = extract_all(articles, options)
    return build_graph(articles, citations, Gazetteer.load(options.outlets_file))


def payload_of(page: str) -> dict:
    match = DATA_SCRIPT.search(page)
    assert match, "the page has no embedded graph data"
    return json.loads(match.group(1))


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
    assert sorted(n["id"] for n in data["nodes"]) == sorted(G)
    assert sorted((e["from"], e["to"]) for e in data["edges"]) == sorted(G.edges())
    assert data["meta"]["hidden_nodes"] == 0
    assert data["options"]["physics"]["enabled"] is True
    cnn = next(n for n in data["nodes"] if n["id"] == "outlet:CNN")
    assert cnn["cited"] == sum(1 for _, _, r in G.in_edges("outlet:CNN", data="relation") if r == "cites")


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
    assert len(soup.find_all("script")) == 3
    outside_data = DATA_SCRIPT.sub("", hostile_page)
    assert "__citegraph_pwned" not in outside_data
    raw_data = DATA_SCRIPT.search(hostile_page).group(1)
    assert not set("<>&") & set(raw_data)
    data = payload_of(hostile_page)
    G = graph_of(HOSTILE_OPTIONS)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    assert names == {n: " ".join(label.split()) for n, label in G.nodes(data="label")}
    hostile = [name for name in names.values() if "<" in name and "__citegraph_pwned" in name]
    assert len(hostile) >= 4, "titles, publishers and cited outlets carry markup"
    assert any(n.startswith("outlet:") and "</script>" in n for n in names), "a cited outlet name carries </script>"
    titles = {n["attrs"].get("title") for n in data["nodes"] if n["kind"] == "article"}
    assert titles == {t for _, t in G.nodes(data="title") if t}
    evidence = [t for e in data["edges"] for t in e["evidence"]]
    assert evidence == [" ".join(x["text"].split()) for _, _, d in sorted(G.edges(data=True)) for x in d.get("evidence", [])]
    assert any("</script><script>" in t for t in evidence)


def test_only_http_links_get_an_href(hostile_page):
    articles = [n["attrs"] for n in payload_of(hostile_page)["nodes"] if n["kind"] == "article"]
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
    shown = min(max_nodes, G.number_of_nodes())
    scores = importance(G)
    kept = {n["id"] for n in data["nodes"]}
    assert len(kept) == shown
    top = set(sorted(G, key=lambda n: (-scores[n], n))[:shown])
    for node in top - kept:  # passed over only when none of its neighbours is in the top
        assert not any(m in top for m in (*G.successors(node), *G.predecessors(node))), node
    if shown < G.number_of_nodes():
        assert all(any(m in kept for m in (*G.successors(n), *G.predecessors(n))) for n in kept), "a lone node"
    assert data["meta"]["hidden_nodes"] == G.number_of_nodes() - shown
    precomputed = shown > layout_threshold
    assert data["meta"]["precomputed_layout"] is precomputed
    assert data["options"]["physics"]["enabled"] is not precomputed
    positions = [(n.get("x"), n.get("y")) for n in data["nodes"]]
    if precomputed:
        assert all(isinstance(x, int) and isinstance(y, int) for x, y in positions)
        assert len(set(positions)) == len(positions), "two nodes share a position"
    else:
        assert positions == [(None, None)] * len(positions)


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
    assert payload_of((out / "graph.html").read_text(encoding="utf-8"))["meta"]["shown_nodes"] == 4
    page = (out / "graph.html").resolve()
    opened: list[str] = []
    for available, message in ((False, f"No browser available; open this file in one: {page}\n"), (True, f"Opened {page}\n")):
        monkeypatch.setattr("webbrowser.open", lambda url, ok=available: opened.append(url) or ok)
        result = runner.invoke(app, ["open", "--out", str(out)])
        assert (result.exit_code, result.output) == (0, message)
    assert opened == [page.as_uri()] * 2



def test_the_network_is_assembled_by_pyvis(monkeypatch):
    """Every node and edge on the page went through pyvis's ``Network.add_node`` / ``add_edge``."""
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
    payload = payload_of(render_explorer(G, ExplorerOptions()))
    assert added == {"nodes": len(payload["nodes"]), "edges": len(payload["edges"])} and added["nodes"] > 10
