"""Exports round-trip and are written on demand; whole builds are byte-stable and all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import citegraph.pipeline
from citegraph import BuildOptions, build, export
from citegraph.errors import BuildError
from citegraph.outputs.exports import EXPORT_FILES, read_csv, read_gexf, read_graphml, read_node_link, write_exports
from citegraph.store import Store
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.pipeline import extract_all, read_all
from citegraph.outputs.report import load_build
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
    build(BuildOptions(inputs=(DATA,), out=second, exports=True))
    first, again = _tree(seed_build), _tree(second)
    assert sorted(first) == sorted(again)
    assert {"report.md", "report.html", "metrics.json", "graph.graphml", "graph.gexf", "graph.json",
            "nodes.csv", "edges.csv", "articles.jsonl", "citations.jsonl"} <= set(first)
    assert [name for name in first if first[name] != again[name]] == []


def _fail_midway(monkeypatch):
    """Make the explorer stage raise after the records, metrics and report are already written."""

    def broken(G, path, *args, **kwargs):
        Path(path).write_text("half", encoding="utf-8")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(citegraph.pipeline, "write_explorer", broken)


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


# ---- exports on demand ----------------------------------------------------------


def test_export_writes_what_build_exports_writes(tmp_path, seed_build):
    out = tmp_path / "out"
    build(BuildOptions(inputs=(DATA,), out=out))
    assert not any((out / name).exists() for name in EXPORT_FILES)  # a plain build writes none
    paths = export(out)
    assert [p.name for p in paths] == list(EXPORT_FILES)
    assert {p.name: p.read_bytes() for p in paths} == {name: (seed_build / name).read_bytes() for name in EXPORT_FILES}


def test_export_one_format(tmp_path):
    out = tmp_path / "out"
    build(BuildOptions(inputs=(DATA,), out=out))
    assert [p.name for p in export(out, ["csv"])] == ["nodes.csv", "edges.csv"]
    assert not (out / "graph.graphml").exists()


def test_exports_are_kept_while_current_and_removed_when_stale(tmp_path):
    inputs, out = copy_seeds(tmp_path / "in"), tmp_path / "out"
    build(BuildOptions(inputs=(inputs,), out=out))
    export(out)
    again = build(BuildOptions(inputs=(inputs,), out=out))
    assert not again.regenerated and all((out / name).exists() for name in EXPORT_FILES)
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    changed = build(BuildOptions(inputs=(inputs,), out=out))
    assert changed.regenerated and sorted(p.name for p in changed.removed) == sorted(EXPORT_FILES)
    assert not any((out / name).exists() for name in EXPORT_FILES)


def test_export_refuses_a_build_that_is_not_current(tmp_path):
    with pytest.raises(BuildError, match="no build in .*: run `citegraph build --out"):
        export(tmp_path / "nothing")
    inputs, out = copy_seeds(tmp_path / "in"), tmp_path / "out"
    build(BuildOptions(inputs=(inputs,), out=out))
    with Store.open(out / STORE_NAME) as store:  # as a build killed after its store update leaves it
        store.set_meta("outputs_digest", "not this one")
    with pytest.raises(BuildError, match="not finished or not current: run `citegraph build --out"):
        export(out)


def test_build_with_exports_after_a_plain_build_only_adds_the_exports(tmp_path, seed_build):
    out = tmp_path / "out"
    build(BuildOptions(inputs=(DATA,), out=out))
    report = (out / "report.html").stat().st_mtime_ns
    result = build(BuildOptions(inputs=(DATA,), out=out, exports=True))
    assert not result.regenerated and (out / "report.html").stat().st_mtime_ns == report
    assert _tree(out) == _tree(seed_build)
