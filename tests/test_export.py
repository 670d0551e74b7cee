"""Exports round-trip; whole builds are byte-stable and all-or-nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import networkx as nx
import pytest

import citegraph.export
import citegraph.pipeline
from citegraph import BuildOptions, build
from citegraph.export import read_csv, read_gexf, read_graphml, read_node_link, write_exports
from citegraph.fsutil import dumps_json
from citegraph.gazetteer import Gazetteer
from citegraph.graph import build_graph
from citegraph.pipeline import extract_all, read_all
from citegraph.report import load_build
from citegraph.store import STORE_NAME

from conftest import DATA, copy_seeds

READERS = {
    "graphml": lambda out: read_graphml(out / "graph.graphml"),
    "gexf": lambda out: read_gexf(out / "graph.gexf"),
    "node-link json": lambda out: read_node_link(out / "graph.json"),
    "csv": lambda out: read_csv(out / "nodes.csv", out / "edges.csv"),
}


@pytest.fixture(scope="module")
def seed_graph(seed_build) -> nx.DiGraph:
    articles, citations, _ = load_build(seed_build)
    return build_graph(articles, citations, Gazetteer.load())


@pytest.fixture(scope="module")
def wikinews_export(corpora, tmp_path_factory):
    options = BuildOptions(inputs=(corpora / "gum-wikinews",))
    articles, _ = read_all(options)
    G = build_graph(articles, extract_all(articles, options), Gazetteer.load())
    out = tmp_path_factory.mktemp("wikinews-export")
    write_exports(G, out)
    return G, out


def assert_same_graph(H: nx.DiGraph, G: nx.DiGraph) -> None:
    assert isinstance(H, nx.DiGraph)
    assert list(H.nodes) == list(G.nodes)
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert sorted(H.edges) == sorted(G.edges)
    for u, v, data in G.edges(data=True):
        assert H.edges[u, v] == data, (u, v)


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_seed_build_exports_round_trip(fmt, seed_build, seed_graph):
    assert seed_graph.number_of_edges() > 20
    assert_same_graph(READERS[fmt](seed_build), seed_graph)


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_corpus_exports_round_trip(fmt, wikinews_export):
    G, out = wikinews_export
    assert_same_graph(READERS[fmt](out), G)


def test_list_attributes_become_json_strings_in_flat_formats(seed_build):
    raw = nx.read_graphml(seed_build / "graph.graphml")
    evidence = [d["evidence"] for _, _, d in raw.edges(data=True) if d.get("relation") == "cites"]
    assert evidence and all(e.startswith("[") for e in evidence)
    assert "lastmodifieddate" not in (seed_build / "graph.gexf").read_text(encoding="utf-8")
    header = (seed_build / "edges.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "source,target,articles,count,cues,evidence,relation"


def _tree(out: Path) -> dict[str, bytes]:
    """Every output file's bytes; the build store and the graph cache are caches (docs/STORE.md), not outputs."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(STORE_NAME) and not str(p.relative_to(out)).startswith(".")
    }


def test_two_builds_give_identical_bytes(tmp_path, seed_build):
    second = tmp_path / "again"
    build(BuildOptions(inputs=(DATA,), out=second))
    first, again = _tree(seed_build), _tree(second)
    assert sorted(first) == sorted(again)
    assert {"report.md", "report.html", "metrics.json", "graph.graphml", "graph.gexf", "graph.json",
            "nodes.csv", "edges.csv", "articles.jsonl", "citations.jsonl"} <= set(first)
    assert [name for name in first if first[name] != again[name]] == []


def _fail_midway(monkeypatch):
    """Make the export stage raise after metrics and report are already written."""

    def broken(G, out_dir, *args, **kwargs):
        (Path(out_dir) / "graph.graphml").write_text("half", encoding="utf-8")
        raise OSError("disk full (simulated)")

    import citegraph.splice

    for name in ("write_exports_indexed", "write_exports_spliced"):  # what the build writes the exports with
        monkeypatch.setattr(citegraph.splice, name, broken)


def test_interrupted_build_leaves_previous_out_intact(tmp_path, monkeypatch):
    inputs = copy_seeds(tmp_path / "in")
    out = tmp_path / "out"
    build(BuildOptions(inputs=(inputs,), out=out))
    before = _tree(out)
    (inputs / "000_d868355d3de1eb99.txt").unlink()  # the next build would change every output
    _fail_midway(monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        build(BuildOptions(inputs=(inputs,), out=out))
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # no staging folder left


def test_failed_first_build_writes_no_output(tmp_path, monkeypatch):
    _fail_midway(monkeypatch)
    with pytest.raises(OSError):
        build(BuildOptions(inputs=(DATA,), out=tmp_path / "out"))
    out = tmp_path / "out"
    assert [p.name for p in tmp_path.iterdir()] in ([], ["out"])  # no staging folder left
    assert not out.exists() or _tree(out) == {}


def test_rebuild_replaces_outputs_and_keeps_other_files(tmp_path):
    inputs = copy_seeds(tmp_path / "in")
    out = tmp_path / "out"
    build(BuildOptions(inputs=(inputs,), out=out))
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    build(BuildOptions(inputs=(inputs,), out=out))
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert "000_d868355d3de1eb99.txt" not in (out / "articles.jsonl").read_text(encoding="utf-8")


# ---- the fast writers give networkx's bytes ------------------------------------


def _networkx_graphml(G: nx.DiGraph) -> str:
    buffer = io.BytesIO()
    nx.write_graphml(citegraph.export.flatten(G), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def _networkx_gexf(G: nx.DiGraph) -> str:
    buffer = io.BytesIO()
    nx.write_gexf(citegraph.export.flatten(G), buffer, encoding="utf-8")
    return re.sub(r' lastmodifieddate="[^"]*"', "", buffer.getvalue().decode("utf-8"), count=1)


NETWORKX_WRITERS = {
    "graphml": (citegraph.export.graphml_text, _networkx_graphml),
    "gexf": (citegraph.export.gexf_text, _networkx_gexf),
    "node-link json": (citegraph.export.node_link_text, lambda G: dumps_json(nx.node_link_data(G, edges="edges"))),
}


def _hostile_graph(seed_graph: nx.DiGraph) -> nx.DiGraph:
    """The seed graph with markup, quotes, tabs, CR/LF and non-ASCII in ids, labels, lists and numbers."""
    G = seed_graph.copy()
    nasty = 'Tom & "Jerry" <b>\t\r\n‘’ \u2028 😀 \\ </script>'
    G.add_node("outlet:" + nasty, kind="outlet", label=nasty, country="", outlet_kind="", known=False,
               discovered=True, domains=[nasty])
    G.add_edge(next(iter(G)), "outlet:" + nasty, relation="cites", count=2, cues=[nasty],
               evidence=[{"text": nasty, "start": 0, "end": 3, "field": "title"}])
    return G


@pytest.mark.parametrize("fmt", sorted(NETWORKX_WRITERS))
@pytest.mark.parametrize("case", ["seeds", "wikinews", "hostile"])
def test_fast_writers_give_the_networkx_bytes(fmt, case, seed_graph, wikinews_export):
    G = {"seeds": seed_graph, "wikinews": wikinews_export[0], "hostile": _hostile_graph(seed_graph)}[case]
    fast, reference = NETWORKX_WRITERS[fmt]
    assert fast(G) == reference(G)


@pytest.mark.parametrize("fmt", sorted(NETWORKX_WRITERS))
def test_graphs_outside_the_fast_writers_go_to_networkx(fmt, seed_graph):
    G = seed_graph.copy()
    G.graph["name"] = "seeds"  # graph attributes: only networkx writes them
    fast, reference = NETWORKX_WRITERS[fmt]
    assert fast(G) == reference(G)


@pytest.fixture
def forked_exports(monkeypatch):
    """Write the exports in a forked child even for the seeds' small graph."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork: exports are always written in the build's own process")
    monkeypatch.setattr(citegraph.pipeline, "PARALLEL_OUTPUT_NODES", 0)


def test_exports_written_by_a_forked_child_equal_one_process(tmp_path, seed_build, forked_exports):
    out = tmp_path / "out"
    result = build(BuildOptions(inputs=(DATA,), out=out, jobs=2))
    assert _tree(out) == _tree(seed_build)
    assert {p.name for p in result.outputs} >= {"graph.graphml", "graph.gexf", "graph.json", "nodes.csv", "edges.csv"}


def test_error_in_the_export_child_fails_the_build_and_keeps_out(tmp_path, monkeypatch, forked_exports):
    inputs = copy_seeds(tmp_path / "in")
    out = tmp_path / "out"
    build(BuildOptions(inputs=(inputs,), out=out))
    before = _tree(out)
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    _fail_midway(monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        build(BuildOptions(inputs=(inputs,), out=out, jobs=2))
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
