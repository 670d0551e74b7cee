"""The explorer in headless Chromium, offline: drawn, clickable, filterable, safe.

Every page here is opened through the ``offline_page`` fixture, which blocks
and records any request that leaves file://. The suite leaves a screenshot of
the seed explorer (CNN selected) at out/screenshots/explorer-seeds.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citegraph import BuildOptions, build
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.pipeline import extract_all, read_all

from conftest import DATA, REPO

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SCREENSHOT = REPO / "out" / "screenshots" / "explorer-seeds.png"
PWNED = "window.__citegraph_pwned"


def build_site(inputs: Path, out: Path, outlets: Path | None = None):
    options = BuildOptions(inputs=(inputs,), out=out, outlets_file=outlets)
    build(options)
    articles, _ = read_all(options)
    G = build_graph(articles, extract_all(articles, options), Gazetteer.load(outlets))
    return out / "graph.html", G


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    return build_site(DATA, tmp_path_factory.mktemp("seed-site"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return build_site(HOSTILE, tmp_path_factory.mktemp("hostile-site"), HOSTILE / "outlets.toml")


def open_page(offline_page, path: Path):
    page, log = offline_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.citegraphState && window.citegraphState.ready", timeout=60_000)
    return page, log, errors


def drawn(page) -> list[str]:
    return page.evaluate("window.citegraph.drawnIds()")


def click_node(page, node_id: str) -> None:
    """A real mouse click on the node where the canvas draws it."""
    page.evaluate("id => window.citegraph.network.focus(id, {animation: false})", node_id)
    point = page.evaluate(
        """id => { const n = window.citegraph.network;
                   return n.canvasToDOM(n.getPositions([id])[id]); }""",
        node_id,
    )
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def details_text(page) -> str:
    return " ".join(page.inner_text("#details").split())


def test_seed_explorer_draws_every_node_offline(offline_page, seed_site):
    path, G = seed_site
    page, log, errors = open_page(offline_page, path)
    assert page.evaluate("window.citegraph.nodes.length") == G.number_of_nodes()
    assert drawn(page) == sorted(G)
    assert page.evaluate("window.citegraph.network.body.edgeIndices.length") == G.number_of_edges()
    assert log.blocked == []
    assert {re.sub(r"^(\w+):.*", r"\1", url) for url in log.requests} == {"file"}
    assert errors == [], "console errors (a CSP violation shows up here)"
    assert page.dialogs == []
    assert page.is_hidden("#size-note")


def test_clicking_cnn_lists_its_citing_articles_with_evidence(offline_page, seed_site):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    click_node(page, "outlet:CNN")
    assert page.evaluate("window.citegraph.network.getSelectedNodes()") == ["outlet:CNN"]
    text = details_text(page)
    citing = [(u, d) for u, _, d in G.in_edges("outlet:CNN", data=True) if d["relation"] == "cites"]
    assert len(citing) == 2
    assert f"Cited by ({len(citing)})" in text
    for article, data in citing:
        assert " ".join(G.nodes[article]["title"].split()) in text
        for evidence in data["evidence"]:
            assert " ".join(evidence["text"].split()) in text
    page.evaluate("window.citegraph.network.fit({animation: false})")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))


@pytest.mark.parametrize("kind", ["document", "outlet", "article"])
def test_kind_filter_hides_that_kind(offline_page, seed_site, kind):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    page.uncheck(f'#legend input[data-kind="{kind}"]')
    assert drawn(page) == sorted(n for n, k in G.nodes(data="kind") if k != kind)
    page.check(f'#legend input[data-kind="{kind}"]')
    assert drawn(page) == sorted(G)


def test_date_filter_keeps_articles_in_range(offline_page, seed_site):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    dates = sorted({d["published"] for _, d in G.nodes(data=True) if d["kind"] == "article" and d["published"]})
    cut = dates[len(dates) // 2]
    page.fill("#date-from", cut)
    shown = drawn(page)
    expected = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "article" and d["published"] >= cut)
    assert [n for n in shown if n.startswith("article:")] == expected
    assert len(shown) < G.number_of_nodes()
    for node in shown:
        assert node in expected or any(a in expected for a in nx_neighbours(G, node, 2))
    page.click("#reset")
    assert drawn(page) == sorted(G)


def nx_neighbours(G, node: str, hops: int) -> set[str]:
    seen = {node}
    for _ in range(hops):
        seen |= {m for n in seen for m in (*G.successors(n), *G.predecessors(n))}
    return seen


def test_search_focuses_axios(offline_page, seed_site):
    path, _ = seed_site
    page, _, _ = open_page(offline_page, path)
    page.fill("#search", "axios")
    page.press("#search", "Enter")
    assert page.evaluate("window.citegraph.network.getSelectedNodes()") == ["outlet:Axios"]
    assert page.inner_text("#details h2") == "Axios"
    view = page.evaluate("window.citegraph.network.getViewPosition()")
    node = page.evaluate("window.citegraph.network.getPositions(['outlet:Axios'])['outlet:Axios']")
    assert abs(view["x"] - node["x"]) < 1 and abs(view["y"] - node["y"]) < 1


def test_neighbourhood_only_shows_one_node_and_its_neighbours(offline_page, seed_site):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    click_node(page, "outlet:CNN")
    page.click("#neighbourhood")
    assert drawn(page) == sorted(nx_neighbours(G, "outlet:CNN", 1))
    page.click("#neighbourhood")
    assert drawn(page) == sorted(G)


def test_hostile_corpus_runs_no_script_and_shows_text_literally(offline_page, hostile_site):
    path, G = hostile_site
    page, log, errors = open_page(offline_page, path)
    assert drawn(page) == sorted(G)
    hrefs: list[str] = []
    for node in sorted(G):
        page.evaluate("id => window.citegraph.select(id)", node)
        hrefs += page.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))")
        label = G.nodes[node]["label"]
        assert page.inner_text("#details h2") == label
        if G.nodes[node]["kind"] == "article":
            assert " ".join(G.nodes[node]["publisher"].split()) in details_text(page)
        hover_node(page, node)
        assert page.inner_text("#tooltip strong") == " ".join(label.split())
    injected = page.evaluate(
        """() => document.querySelectorAll(
               'body img, body svg, body iframe, body object, body embed, body b, #details script, #filters script').length"""
    )
    assert injected == 0
    urls = {d["url"] for _, d in G.nodes(data=True) if d["kind"] == "article" and d["url"]}
    https = sorted(u for u in urls if u.startswith("https://"))
    assert len(https) == 1 and len(urls) == 3
    assert [h.split("?")[0] for h in hrefs] == [https[0].split("?")[0]], "only the https URL is a link"
    menus = page.evaluate("Array.from(document.querySelectorAll('#publisher option, #cited-outlet option'), o => o.text)")
    assert "</script><script>window.__citegraph_pwned=1;alert('publisher')</script>" in menus
    page.wait_for_timeout(300)
    assert page.evaluate(f"typeof {PWNED}") == "undefined"
    assert page.dialogs == []
    assert log.blocked == []
    assert errors == []


def hover_node(page, node_id: str) -> None:
    page.evaluate("id => window.citegraph.network.focus(id, {animation: false})", node_id)
    point = page.evaluate(
        "id => { const n = window.citegraph.network; return n.canvasToDOM(n.getPositions([id])[id]); }", node_id
    )
    box = page.locator("#graph").bounding_box()
    page.mouse.move(box["x"] + point["x"] + 40, box["y"] + point["y"] + 40)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_selector("#tooltip:not([hidden])")

