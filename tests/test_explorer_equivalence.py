"""The explorer's shortcuts give exactly what the library calls they replace give.

The page must stay byte-identical, so each shortcut is checked against the
call it stands in for, on real graphs (the seeds, Wikinews and PolNeAR
articles from ../shared/corpora): the hubs' spring layout against
``nx.spring_layout`` bit for bit, the node and edge dicts against pyvis's
``Node``/``Edge``, the vis options against a pyvis ``Network``, the shown
part against ``G.subgraph``, whitespace folding against ``str.split``.
"""

from __future__ import annotations

import gc
import json
import sys

import networkx as nx
import numpy as np
import pytest

from citegraph import explorer
from citegraph.explorer import ExplorerOptions, Shown, importance, select_nodes
from citegraph.gazetteer import Gazetteer
from citegraph.graph import build_graph
from citegraph.pipeline import BuildOptions, extract_all, read_all

from conftest import CORPORA, DATA, need_shared

SOURCES = {
    "seeds": lambda: DATA,
    "wikinews": lambda: need_shared(CORPORA / "gum-wikinews" / "text"),
    "polnear": lambda: need_shared(CORPORA / "polnear"),
}
_GRAPHS: dict[str, nx.DiGraph] = {}


def real_graph(name: str) -> nx.DiGraph:
    """The citation graph of a real collection (PolNeAR: its first 400 articles), built once per session."""
    if name not in _GRAPHS:
        options = BuildOptions(inputs=(SOURCES[name](),))
        articles, _ = read_all(options)
        articles = articles[:400]
        _GRAPHS[name] = build_graph(articles, extract_all(articles, options), Gazetteer.load(None))
    return _GRAPHS[name]


def shown_part(G: nx.DiGraph, max_nodes: int) -> tuple[Shown, dict[str, int]]:
    scores = importance(G)
    return Shown.of(G, select_nodes(G, scores, max_nodes)), scores


def hub_links(G: nx.DiGraph, hub_count: int) -> tuple[list[str], list[tuple[int, int]]]:
    """The hubs ``compute_layout`` gives a spring layout, and the links between them."""
    part, scores = shown_part(G, 1500)
    adjacency = part.neighbours()
    ranked = sorted(part.nodes, key=lambda n: (-scores[n], n))
    main = explorer._largest_part(adjacency, ranked)
    hubs = [n for n in ranked if n in main][:hub_count]
    return hubs, explorer._hub_links(adjacency, hubs)


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("hub_count", [2, 3, 40, 250, 499])
@pytest.mark.parametrize("seed", [7, 11])
def test_spring_layout_equals_networkx_bit_for_bit(source, hub_count, seed):
    hubs, pairs = hub_links(real_graph(source), hub_count)
    core = nx.Graph()
    core.add_nodes_from(hubs)
    core.add_edges_from((hubs[i], hubs[j]) for i, j in pairs)
    scale = 60.0 * np.sqrt(3 * len(hubs))
    expected = nx.spring_layout(core, seed=seed, scale=scale, iterations=60, weight=None)
    got = explorer._spring_layout(len(hubs), pairs, seed, scale, iterations=60)
    if got is None:  # one hub: networkx's own answer is used
        assert len(hubs) < 2
        return
    assert np.array([expected[n] for n in hubs]).tobytes() == got.tobytes()


@pytest.mark.parametrize("iterations", [1, 60, 1000])
def test_spring_layout_equals_networkx_when_it_stops_early(iterations):
    """A path of 30 nodes given 1,000 steps settles at step 996: networkx's stopping test must stop both there."""
    path = nx.path_graph(30)
    expected = nx.spring_layout(path, seed=7, scale=10.0, iterations=iterations, weight=None)
    got = explorer._spring_layout(30, sorted(path.edges()), 7, 10.0, iterations=iterations)
    assert np.array([expected[n] for n in range(30)]).tobytes() == got.tobytes()


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("max_nodes", [12, 300, 1500])
def test_shown_part_is_the_induced_subgraph(source, max_nodes):
    G = real_graph(source)
    part, _ = shown_part(G, max_nodes)
    H = G.subgraph(part.nodes)
    assert part.nodes == sorted(H)
    assert [(u, v) for u, v, _ in part.edges()] == sorted(H.edges())
    assert all(data is H.edges[u, v] for u, v, data in part.edges())
    assert part.neighbours() == {n: sorted({*H.successors(n), *H.predecessors(n)}) for n in H}
    ranked = sorted(H, key=lambda n: (-importance(G)[n], n))
    rank = {n: i for i, n in enumerate(ranked)}
    expected = max(nx.weakly_connected_components(H), key=lambda c: (len(c), -min(rank[n] for n in c)))
    assert explorer._largest_part(part.neighbours(), ranked) == expected


@pytest.mark.parametrize("source", list(SOURCES))
def test_node_and_edge_dicts_are_pyvis_node_and_edge_options(source):
    from pyvis.edge import Edge
    from pyvis.node import Node

    G = real_graph(source)
    part, scores = shown_part(G, 300)
    payload = explorer.build_payload(G, part, scores, {}, ExplorerOptions())
    for node in payload["nodes"]:
        rest = {k: v for k, v in node.items() if k not in ("id", "label", "shape")}
        assert Node(node["id"], node["shape"], label=node["label"], **rest).options == node
    for edge in payload["edges"]:
        rest = {k: v for k, v in edge.items() if k not in ("from", "to", "arrows")}
        assert Edge(edge["from"], edge["to"], directed=True, **rest).options == edge


@pytest.mark.parametrize("physics", [True, False])
def test_vis_options_are_a_pyvis_networks(physics):
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%")
    net.force_atlas_2based(**explorer.FORCE_ATLAS_2BASED)
    net.toggle_physics(physics)
    net.set_edge_smooth("continuous")
    assert explorer._pyvis_network_options(physics) == json.loads(net.options.to_json())


def test_pyvis_options_load_leaves_pyvis_alone(tmp_path):
    """Without pyvis imported, the page does not import it (nor jinja2, IPython); a later import gets the real package."""
    import subprocess

    script = (
        "import sys\n"
        "from citegraph.explorer import _pyvis_options\n"
        "options = _pyvis_options()\n"
        "assert not any(m.split('.')[0] in ('pyvis', 'jinja2', 'jsonpickle', 'IPython') for m in sys.modules)\n"
        "import pyvis.network\n"
        "assert pyvis.network.Network().options.__class__.__name__ == options.Options.__name__\n"
        "print(options.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "citegraph._pyvis.options\n"


@pytest.mark.parametrize("space", sorted({chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()}))
def test_whitespace_folding_equals_split_and_join(space):
    for text in (f"a{space}b", f"{space}a", f"a{space}", f"a {space}b", f"a{space}{space}b", space, "a b", ""):
        assert explorer._text(text) == " ".join(text.split())


def test_rendering_restores_the_collector():
    G = real_graph("seeds")
    assert gc.isenabled()
    explorer.render_explorer(G, ExplorerOptions())
    assert gc.isenabled()
    gc.disable()
    try:
        explorer.render_explorer(G, ExplorerOptions())
        assert not gc.isenabled()
    finally:
        gc.enable()
