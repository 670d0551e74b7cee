"""The explorer in headless Chromium, offline: views, search, filters, counts, history, exports, safety.

Every page here is opened through the ``offline_page`` fixture, which blocks
and records any request that leaves file://. The seeds and a build of all
of ../shared/corpora (once per module) are checked; the suite leaves a
screenshot of each view in out/screenshots/explorer-*.png.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from citegraph import BuildOptions, build
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.outputs.explorer import ExplorerOptions, write_explorer
from citegraph.pipeline import extract_all, read_all

from conftest import CORPORA, DATA, REPO, need_shared
from test_explorer import assert_counts_match, hostile_names_graph, payload_of

pytestmark = pytest.mark.browser

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SHOTS = REPO / "out" / "screenshots"
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


@pytest.fixture(scope="module")
def corpora_site(tmp_path_factory):
    """All of ../shared/corpora built once: the page, its metrics.json and its payload."""
    need_shared(CORPORA)
    out = tmp_path_factory.mktemp("corpora-site") / "out"
    build(BuildOptions(inputs=(CORPORA,), out=out))
    page = out / "graph.html"
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    return page, metrics, payload_of(page.read_text(encoding="utf-8"))


def open_page(offline_page, path: Path, fragment: str = ""):
    page, log = offline_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri() + fragment)
    wait_ready(page)
    return page, log, errors


def wait_ready(page, view: str | None = None) -> None:
    check = "window.citegraphState && window.citegraphState.ready"
    if view:
        check += f" && window.citegraphState.view === '{view}'"
    page.wait_for_function(f"() => {check}", timeout=60_000)


def drawn(page) -> list[str]:
    return page.evaluate("window.citegraph.drawnIds()")


def state(page) -> dict:
    return page.evaluate("window.citegraph.state()")


def node_point(page, node_id: str) -> tuple[float, float]:
    page.evaluate("id => window.citegraph.network.focus(id, {animation: false})", node_id)
    point = page.evaluate(
        "id => { const n = window.citegraph.network; return n.canvasToDOM(n.getPositions([id])[id]); }", node_id
    )
    box = page.locator("#graph").bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def click_node(page, node_id: str) -> None:
    """A real mouse click on the node where the canvas draws it."""
    page.mouse.click(*node_point(page, node_id))


def hover_node(page, node_id: str) -> None:
    x, y = node_point(page, node_id)
    page.mouse.move(x + 40, y + 40)
    page.mouse.move(x, y)
    page.wait_for_selector("#tooltip:not([hidden])")


def details_text(page) -> str:
    return " ".join(page.inner_text("#details").split())


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"explorer-{name}.png"))


def neighbours(G, node: str, hops: int = 1) -> set[str]:
    seen = {node}
    for _ in range(hops):
        seen |= {m for n in seen for m in (*G.successors(n), *G.predecessors(n))}
    return seen


# ------------------------------------------------------------------ the seeds


def test_seed_explorer_draws_every_node_offline(offline_page, seed_site):
    path, G = seed_site
    page, log, errors = open_page(offline_page, path)
    assert state(page)["view"] == "full"
    assert drawn(page) == sorted(G)
    assert page.evaluate("window.citegraph.network.body.edgeIndices.length") == G.number_of_edges()
    assert log.blocked == []
    assert {re.sub(r"^(\w+):.*", r"\1", url) for url in log.requests} == {"file"}
    assert errors == [], "console errors (a CSP violation shows up here)"
    assert page.dialogs == []
    assert page.is_hidden("#size-note")
    assert page.inner_text("#status").startswith(f"Full graph · {G.number_of_nodes()} of {G.number_of_nodes()} drawn")


def test_clicking_cnn_lists_its_citing_articles_with_evidence(offline_page, seed_site):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    click_node(page, "outlet:CNN")
    assert page.evaluate("window.citegraph.network.getSelectedNodes()") == ["outlet:CNN"]
    text = details_text(page)
    citing = [(u, d) for u, _, d in G.in_edges("outlet:CNN", data=True) if d["relation"] == "cites"]
    assert len(citing) == 2
    assert f"Cited by articles ({len(citing)})" in text
    for article, data in citing:
        assert " ".join(G.nodes[article]["title"].split()) in text
        for evidence in data["evidence"]:
            assert " ".join(evidence["text"].split()) in text
    assert state(page)["node"] == "outlet:CNN" and "node=outlet%3ACNN" in page.url
    page.evaluate("window.citegraph.network.fit({animation: false})")
    shot(page, "seeds")


def test_every_relation_is_named(offline_page, seed_site):
    """The legend explains each edge style; the details panel names each relation, none is just "Linked"."""
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    legend = page.inner_text("#relations")
    for words in ("published", "cites", "obtained via", "issued by"):
        assert words in legend
    doc = next(d for d in sorted(G) if d.startswith("document:")
               and any(r == "issued_by" for _, _, r in G.out_edges(d, data="relation")))
    page.evaluate("id => window.citegraph.select(id)", doc)
    assert "Issued by (" in details_text(page) and "Linked" not in details_text(page)
    article = next(a for a in sorted(G) if a.startswith("article:"))
    page.evaluate("id => window.citegraph.select(id)", article)
    text = details_text(page)
    assert "Provenance" in text and "Cites outlets (" in text and "Cites anonymous sources (" in text


@pytest.mark.parametrize("kind", ["document", "outlet", "article"])
def test_kind_filter_hides_that_kind(offline_page, seed_site, kind):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    page.uncheck(f'#legend input[data-kind="{kind}"]')
    assert drawn(page) == sorted(n for n, k in G.nodes(data="kind") if k != kind)
    page.check(f'#legend input[data-kind="{kind}"]')
    assert drawn(page) == sorted(G)


def test_date_filter_keeps_articles_in_range_and_the_details_follow(offline_page, seed_site):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    dates = sorted({d["published"] for _, d in G.nodes(data=True) if d["kind"] == "article" and d["published"]})
    cut = dates[len(dates) // 2][:10]
    page.fill("#date-from", cut)
    page.dispatch_event("#date-from", "change")
    shown = drawn(page)
    expected = sorted(n for n, d in G.nodes(data=True) if d["kind"] == "article" and d["published"][:10] >= cut)
    assert [n for n in shown if n.startswith("article:")] == expected
    assert len(shown) < G.number_of_nodes()
    for node in shown:
        assert node in expected or any(a in expected for a in neighbours(G, node, 2))
    citing = sorted(u for u, _, r in G.in_edges("outlet:CNN", data="relation") if r == "cites")
    hidden = [a for a in citing if a not in expected]
    page.evaluate("id => window.citegraph.select(id)", "outlet:CNN")
    if hidden:
        assert f"{len(hidden)} of these are hidden by the filters" in details_text(page)
    page.click("#reset")
    assert drawn(page) == sorted(G)


def test_reversed_date_range_says_so(offline_page, seed_site):
    path, _ = seed_site
    page, _, _ = open_page(offline_page, path)
    page.fill("#date-from", "2024-12-31")
    page.fill("#date-to", "2020-01-01")
    page.dispatch_event("#date-to", "change")
    assert page.is_visible("#empty") and "after the end date" in page.inner_text("#empty")
    assert "start date is after the end date" in page.inner_text("#date-message")
    page.click("#date-message button")
    assert page.is_hidden("#empty") and state(page)["from"] == "2020-01-01"


def test_search_focuses_axios(offline_page, seed_site):
    path, _ = seed_site
    page, _, _ = open_page(offline_page, path)
    page.fill("#search", "axios")
    page.press("#search", "Enter")
    assert page.evaluate("window.citegraph.network.getSelectedNodes()") == ["outlet:Axios"]
    assert page.inner_text("#details h2") == "Axios"


def test_search_lists_matches_by_kind(offline_page, seed_site):
    path, _ = seed_site
    page, _, _ = open_page(offline_page, path)
    page.fill("#search", "blinken")
    page.wait_for_selector("#results:not([hidden]) li.option")
    first = page.get_attribute("#results li.option", "data-node")
    assert first == "person:Antony Blinken"
    assert page.text_content("#results li.group").startswith("Person")


def test_hover_dims_all_but_the_neighbours(offline_page, seed_site):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    hover_node(page, "outlet:CNN")
    assert page.evaluate("window.citegraph.dimmed()") == sorted(neighbours(G, "outlet:CNN"))
    page.mouse.move(1, 1)
    page.wait_for_function("() => window.citegraph.dimmed() === null")


def test_story_view_grows_a_step_at_a_time(offline_page, seed_site):
    path, G = seed_site
    page, _, _ = open_page(offline_page, path)
    article = max((n for n in G if n.startswith("article:")), key=lambda a: (G.out_degree(a), a))
    page.evaluate("id => window.citegraph.select(id)", article)
    page.click("#details .actions button")
    wait_ready(page, "story")
    assert drawn(page) == sorted(neighbours(G, article, 1))
    page.click("#depth-more")
    wait_ready(page, "story")
    assert drawn(page) == sorted(neighbours(G, article, 2))
    card = page.text_content("#details .story-card")
    # the same count as `citegraph story` and the report: external sources, the anonymous share
    cited = G.out_degree(article)
    assert f"11 external source(s) of {cited} cited; anonymous: 3 (27%)" in card, card
    shot(page, "story-seeds")


def test_back_and_forward_walk_the_views(offline_page, seed_site):
    path, _ = seed_site
    page, _, _ = open_page(offline_page, path)
    page.click('#views button[data-view="overview"]')
    wait_ready(page, "overview")
    page.evaluate("id => window.citegraph.select(id)", "outlet:CNN")
    page.click('#views button[data-view="documents"]')
    wait_ready(page, "documents")
    page.go_back()
    wait_ready(page, "overview")
    assert state(page)["node"] == "outlet:CNN"
    page.go_back()
    assert state(page)["node"] == ""
    page.go_back()
    wait_ready(page, "full")
    page.go_forward()
    wait_ready(page, "overview")
    assert page.url.startswith(path.as_uri())


def test_png_and_csv_downloads(offline_page, seed_site, tmp_path):
    path, G = seed_site
    page, log, _ = open_page(offline_page, path)
    with page.expect_download() as png:
        page.click("#export-png")
    saved = tmp_path / "view.png"
    png.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 5000
    with page.expect_download() as table:
        page.click("#export-csv")
    rows = list(csv.reader(io.StringIO(Path(table.value.path()).read_text(encoding="utf-8"))))
    assert rows[0][:4] == ["id", "kind", "name", "cited_by_articles"]
    assert sorted(r[0] for r in rows[1:]) == sorted(G)
    assert log.blocked == []


def test_csv_cells_are_inert_in_a_spreadsheet(offline_page, tmp_path):
    path = write_explorer(hostile_names_graph(), tmp_path / "graph.html")
    page, _, _ = open_page(offline_page, path)
    with page.expect_download() as table:
        page.click("#export-csv")
    rows = list(csv.reader(io.StringIO(Path(table.value.path()).read_text(encoding="utf-8"))))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'@SUM(1)" in cells and "'+Plus News" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_link_citations_show_anchor_and_url(offline_page, tmp_path):
    path = write_explorer(hostile_names_graph(), tmp_path / "graph.html")
    page, _, _ = open_page(offline_page, path)
    page.evaluate("id => window.citegraph.select(id)", "article:a1")
    text = details_text(page)
    assert "link “here” → https://edition.cnn.com/x" in text
    hrefs = page.evaluate("Array.from(document.querySelectorAll('#details a[href]'), a => a.getAttribute('href'))")
    assert hrefs == ["https://edition.cnn.com/x"]
    page.evaluate("id => window.citegraph.select(id)", "article:a2")
    assert page.evaluate("document.querySelectorAll('#details a[href]').length") == 0, "javascript: is never a link"


def test_small_screen_shows_the_graph(offline_page, seed_site):
    path, _ = seed_site
    page, _ = offline_page
    page.set_viewport_size({"width": 390, "height": 844})
    page, _, errors = open_page(offline_page, path)
    box = page.locator("#graph").bounding_box()
    assert box["width"] >= 300 and box["height"] >= 250
    canvas = page.locator("#graph canvas").bounding_box()
    assert canvas["width"] >= 300
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.is_hidden("#filters"), "the filters start folded on a phone"
    shot(page, "phone")
    page.click("#toggle-filters")
    assert page.is_visible("#filters") and page.get_attribute("#toggle-filters", "aria-expanded") == "true"
    assert errors == []


def test_keyboard_only_selection(offline_page, seed_site):
    path, _ = seed_site
    page, _, _ = open_page(offline_page, path)
    page.focus("#search")
    page.keyboard.type("cnn")
    page.wait_for_selector("#results:not([hidden]) li.option")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search", "aria-activedescendant") == "result-0"
    page.keyboard.press("Enter")
    assert state(page)["node"] == "outlet:CNN"
    page.focus("#graph")
    page.keyboard.press("ArrowRight")
    moved = state(page)["node"]
    assert moved and moved != "outlet:CNN"
    assert page.evaluate("window.citegraph.network.getSelectedNodes()") == [moved]
    page.keyboard.press("Enter")
    wait_ready(page, "story")
    assert state(page)["origin"] == moved


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
        if G.nodes[node]["kind"] == "article" and G.nodes[node]["publisher"]:
            assert " ".join(G.nodes[node]["publisher"].split()) in details_text(page)
        hover_node(page, node)
        assert page.inner_text("#tooltip strong") == " ".join(label.split())
    page.fill("#search", "script")
    page.wait_for_selector("#results:not([hidden]) li.option")
    injected = page.evaluate(
        """() => document.querySelectorAll(
               'body img, body svg, body iframe, body object, body embed, body b, #details script, #filters script, #results script').length"""
    )
    assert injected == 0
    urls = {d["url"] for _, d in G.nodes(data=True) if d["kind"] == "article" and d["url"]}
    https = sorted(u for u in urls if u.startswith("https://"))
    assert len(https) == 1 and len(urls) == 3
    assert {h.split("?")[0] for h in hrefs} == {https[0].split("?")[0]}, "only the https URL is a link"
    menus = page.evaluate("Array.from(document.querySelectorAll('#publisher option'), o => o.text)")
    assert any("</script><script>window.__citegraph_pwned=1;alert('publisher')</script>" in m for m in menus)
    page.wait_for_timeout(300)
    assert page.evaluate(f"typeof {PWNED}") == "undefined"
    assert page.dialogs == []
    assert log.blocked == []
    assert errors == []


# ---------------------------------------------------------------- the corpora


def test_corpora_overview_is_labelled_without_overlaps(offline_page, corpora_site):
    path, metrics, data = corpora_site
    page, log, errors = open_page(offline_page, path)
    assert state(page)["view"] == "overview"
    labels = page.evaluate(
        """() => window.citegraph.labels().map(id => {
               const n = window.citegraph.network.body.nodes[id]; const s = n.labelModule.size;
               return [id, s.left, s.top + (n.options.font.vadjust || 0), s.width, s.height,
                       n.options.font.size * window.citegraph.network.getScale()]; })"""
    )
    shot(page, "overview")
    assert len(labels) >= 20
    assert all(px >= 11 for *_, px in labels), "labels are drawn at a readable size"
    for i, (a, ax, ay, aw, ah, _) in enumerate(labels):
        for b, bx, by, bw, bh, _ in labels[i + 1:]:
            assert not (ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah), f"{a} overlaps {b}"
    top = sorted(metrics["most_cited"]["outlet"], key=lambda n: -metrics["most_cited"]["outlet"][n]["in_degree"])[:3]
    assert set(top) <= {l[0] for l in labels}, "the most-cited outlets are labelled"
    assert log.blocked == [] and errors == []
    shot(page, "overview")


def test_corpora_counts_equal_metrics_json(offline_page, corpora_site):
    path, metrics, data = corpora_site
    assert_counts_match(data, metrics)
    page, _, _ = open_page(offline_page, path)
    legend = page.inner_text("#legend")
    for kind, count in metrics["summary"]["nodes"].items():
        assert f"({count:,})" in legend, kind
    ranked = metrics["most_cited"]["outlet"]
    for node in sorted(ranked, key=lambda n: (-ranked[n]["in_degree"], n))[:8]:
        page.evaluate("id => window.citegraph.select(id)", node)
        assert f"cited by {ranked[node]['in_degree']:,} article(s)" in page.inner_text("#details .kind"), node
        own = next(n["c"].get("own", 0) for n in data["nodes"] if n["id"] == node)
        assert f"Cited by articles ({ranked[node]['in_degree'] + own:,})" in details_text(page)
    assert f"collection: {metrics['summary']['nodes']['article']:,} articles" in page.inner_text("#status")


def test_corpora_search_finds_nyt_and_a_hidden_article(offline_page, corpora_site):
    path, _, data = corpora_site
    page, _, _ = open_page(offline_page, path)
    assert page.evaluate("window.citegraph.search('nyt')")[0] == "outlet:The New York Times"
    drawn_anywhere = {n["id"] for view in data["views"].values() for n in view["nodes"]}
    hidden = next(n["id"] for n in data["nodes"] if n["k"] == "article" and n["id"] not in drawn_anywhere
                  and n["c"]["sources"] >= 3 and len(n["n"]) > 20)
    name = next(n["n"] for n in data["nodes"] if n["id"] == hidden)
    page.fill("#min-cited", "2")
    page.dispatch_event("#min-cited", "change")
    page.fill("#search", name)
    page.wait_for_selector(f'#results li.option[data-node="{hidden}"]')
    page.click(f'#results li.option[data-node="{hidden}"]')
    wait_ready(page, "story")
    assert hidden in drawn(page) and state(page)["min"] == 2, "drawn, and the filters kept"
    assert page.inner_text("#details h2") == name
    if len(drawn(page)) == 1:
        assert "hidden by the filters" in page.inner_text("#size-note")
    page.click("#reset")
    page.click("#depth-more")
    wait_ready(page, "story")
    assert len(drawn(page)) > 1 + next(n["c"]["sources"] for n in data["nodes"] if n["id"] == hidden)
    shot(page, "story")


@pytest.mark.parametrize("view", ["documents", "full"])
def test_corpora_views_and_size_note(offline_page, corpora_site, view):
    path, _, data = corpora_site
    page, log, errors = open_page(offline_page, path, f"#view={view}")
    assert state(page)["view"] == view
    assert len(drawn(page)) == len(data["views"][view]["nodes"])
    note = page.inner_text("#size-note")
    if view == "full":
        total = data["meta"]["total_nodes"]
        assert f"draws the 1,500 most-cited of {total:,} nodes" in note
        assert note.endswith(f"{data['meta']['command']} --out {path.parent} --max-nodes {total}")
    assert log.blocked == [] and errors == []
    shot(page, view)
