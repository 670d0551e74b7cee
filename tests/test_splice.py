"""Spliced exports equal full writes byte for byte, on graphs of real articles (the seeds and PolNeAR)."""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import pickle
from pathlib import Path
from typing import Callable

import networkx as nx
import pytest

import citegraph.splice
from citegraph.export import EXPORT_FILES, edges_csv, nodes_csv
from citegraph.pipeline import BuildOptions, build_citation_graph, extract_all, read_all
from citegraph.records import Article
from citegraph.splice import ExportIndex, write_exports_indexed, write_exports_spliced

from conftest import DATA

OPTIONS = BuildOptions()
FLAT_FILES = ("graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")
XML_FILES = ("graph.graphml", "graph.gexf")


@pytest.fixture(scope="module")
def articles(corpora) -> list[Article]:
    """The seeds and 60 PolNeAR articles spread over its publishers (files sort by publisher)."""
    texts = sorted((corpora / "polnear" / "train" / "text").glob("*.txt"))[::13][:60]
    assert len(texts) == 60
    read, skips = read_all(dataclasses.replace(OPTIONS, inputs=(DATA, *texts)))
    assert not skips and len(read) == 65
    return read


@pytest.fixture(scope="module")
def citations(articles) -> dict[str, list]:
    """Each article's citations, extracted once."""
    found = extract_all(articles, OPTIONS)
    return {a.id: [c for c in found if c.article == a.id] for a in articles}


def graph_of(articles: list[Article], citations: dict[str, list]) -> nx.DiGraph:
    cited = [c for a in articles for c in (citations.get(a.id) or extract_all([a], OPTIONS))]
    return build_citation_graph(articles, cited, OPTIONS)


@pytest.fixture(scope="module")
def g0(articles, citations) -> nx.DiGraph:
    return graph_of(articles[:50], citations)


@pytest.fixture(scope="module")
def g1(articles, citations) -> nx.DiGraph:
    """After a rebuild: articles deleted (a seed, the last one), others added, one retitled and moved
    to another publisher, one whose text lost a paragraph and gained another article's."""
    kept = [a for i, a in enumerate(articles[:50]) if i not in (0, 7, 23, 49)]
    publisher = next(a.publisher for a in articles if a.publisher)
    moved = next(i for i, a in enumerate(kept) if a.publisher != publisher and citations[a.id])
    kept[moved] = dataclasses.replace(kept[moved], title=kept[moved].title + " (updated)", publisher=publisher)
    edited = next(i for i in range(len(kept) - 1, 0, -1) if len(kept[i].body.split("\n\n")) > 3)
    donor = articles[55].body.split("\n\n")[:3]
    body = "\n\n".join(kept[edited].body.split("\n\n")[1:] + donor)
    kept[edited] = dataclasses.replace(kept[edited], body=body)
    changed = {kept[moved].id, kept[edited].id}
    cites = {k: v for k, v in citations.items() if k not in changed}
    return graph_of(kept + articles[50:], cites)


def dirty_sets(G0: nx.DiGraph, G1: nx.DiGraph) -> tuple[set, set]:
    """The nodes and edges of ``G1`` that are new or whose attributes changed."""
    nodes = {n for n, d in G1.nodes(data=True) if n not in G0 or G0.nodes[n] != d}
    edges = {(u, v) for u, v, d in G1.edges(data=True) if not G0.has_edge(u, v) or G0.edges[u, v] != d}
    return nodes, edges


def files(out: Path, names=EXPORT_FILES) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in names}


def splice_matches_full(G0, G1, tmp_path, names=EXPORT_FILES, edit: Callable[[Path], None] | None = None,
                        dirty: tuple[set, set] | None = None) -> ExportIndex:
    """Splice ``G1`` onto ``G0``'s files; assert it equals ``G1`` written in full, files and index."""
    previous = write_exports_indexed(G0, tmp_path / "previous", names)
    if edit:
        edit(tmp_path / "previous")
    full = write_exports_indexed(G1, tmp_path / "full", names)
    spliced = write_exports_spliced(G1, tmp_path / "spliced", names, previous, tmp_path / "previous",
                                    *(dirty or dirty_sets(G0, G1)))
    expected = files(tmp_path / "full", names)
    for name, data in files(tmp_path / "spliced", names).items():
        assert data == expected[name], name
    assert spliced == full
    return spliced


def sorted_graph(G: nx.DiGraph) -> nx.DiGraph:
    """``G`` with its nodes and edges in sorted order, as ``graph.build_graph`` lays them out."""
    H = nx.DiGraph(**G.graph)
    H.add_nodes_from(sorted(G.nodes(data=True), key=lambda item: item[0]))
    H.add_edges_from(sorted(G.edges(data=True), key=lambda item: item[:2]))
    return H


def test_full_indexed_write_is_todays_bytes(g1, tmp_path):
    citegraph.export.write_exports(g1, tmp_path / "today")
    index = write_exports_indexed(g1, tmp_path / "indexed")
    assert files(tmp_path / "indexed") == files(tmp_path / "today")
    assert pickle.loads(pickle.dumps(index)) == index
    assert index.nodes == tuple(g1) and index.edges == list(g1.edges)
    assert all(layout is not None for layout in index.files.values())


@pytest.mark.parametrize("chunk", [4096, 7])  # 7: runs are encoded and renumbered in many chunks
def test_rebuild_after_deleting_adding_and_changing_articles(chunk, g0, g1, tmp_path, monkeypatch):
    monkeypatch.setattr(citegraph.splice, "_RENUMBER_CHUNK", chunk)
    nodes, edges = dirty_sets(g0, g1)
    assert set(g0) - set(g1) and set(g1) - set(g0) and set(g0.edges) - set(g1.edges)
    assert any(n in g0 for n in nodes) and any(g0.has_edge(*e) for e in edges)  # changed, not only new
    shifted = [e for e in g1.edges if g0.has_edge(*e) and list(g0.edges).index(e) != list(g1.edges).index(e)]
    assert shifted  # GEXF ids of kept edges change
    splice_matches_full(g0, g1, tmp_path)
    every = tmp_path / "every node and edge dirty"
    splice_matches_full(g0, g1, every, dirty=(set(g1), set(g1.edges)))


def _first(G): return next(iter(G))
def _last(G): return list(G)[-1]
def _first_edge(G): return next(iter(G.edges))
def _last_edge(G): return list(G.edges)[-1]


def _relabel_node(pick):
    def tweak(G):
        G.nodes[pick(G)]["label"] += " (updated)"
    return tweak


def _recount_edge(pick):
    def tweak(G):
        G.edges[pick(G)]["count"] += 1
    return tweak


def _insert_first_edge(G):
    """An edge that sorts before every other: every later GEXF id moves up one."""
    first = _first(G)
    target = next(n for n in G if n != first and not G.has_edge(first, n))
    G.add_edge(first, target, relation="cites", count=1, cues=["said"], evidence=[])


def _remove_first_edge(G):
    G.remove_edge(*_first_edge(G))


def _remove_last_node(G):
    G.remove_node(_last(G))


def _add_node_first(G):
    G.add_node("anonymous:!", kind="anonymous", label="a source")


def _tricky_csv_value(G):
    """Quotes, commas and line ends in a value (CSV quoting), on a node in the middle."""
    G.nodes[list(G)[len(G) // 2]]["label"] = 'He said, "no,"\nthen left;\r\n "again"'


TWEAKS = {
    "first node changed": _relabel_node(_first),
    "last node changed": _relabel_node(_last),
    "first edge changed": _recount_edge(_first_edge),
    "last edge changed": _recount_edge(_last_edge),
    "edge inserted first": _insert_first_edge,
    "first edge removed": _remove_first_edge,
    "last node removed": _remove_last_node,
    "node added first": _add_node_first,
    "csv quoting": _tricky_csv_value,
}


@pytest.mark.parametrize("tweak", sorted(TWEAKS))
def test_splice_after_edits_at_the_edges_of_the_lists(tweak, g0, tmp_path):
    G1 = sorted_graph(g0)
    TWEAKS[tweak](G1)
    G1 = sorted_graph(G1)
    assert dirty_sets(g0, G1) != (set(), set()) or set(g0) != set(G1) or set(g0.edges) != set(G1.edges)
    splice_matches_full(g0, G1, tmp_path)


def test_empty_dirty_sets_copy_every_byte(g1, tmp_path, monkeypatch, caplog):
    def no_encoding(*args):
        raise AssertionError("nothing is dirty: nothing should be encoded")

    monkeypatch.setattr(citegraph.splice._Splicer, "encode", no_encoding)
    with caplog.at_level(logging.DEBUG, logger="citegraph.splice"):
        splice_matches_full(g1, g1, tmp_path)
    assert "written in full" not in caplog.text


def test_header_change_writes_those_files_in_full(g0, tmp_path, caplog):
    G1 = sorted_graph(g0)
    G1.nodes[list(G1)[3]]["note"] = "a new attribute"  # a GraphML key, a GEXF attribute, a CSV column
    with caplog.at_level(logging.DEBUG, logger="citegraph.splice"):
        splice_matches_full(g0, G1, tmp_path)
    full = [r.args[0] for r in caplog.records if r.getMessage().startswith("written in full")]
    assert full == [["graph.graphml", "graph.gexf", "nodes.csv"]]  # edges.csv and graph.json spliced


@pytest.mark.parametrize("name", EXPORT_FILES)
def test_previous_file_edited_by_hand_is_written_in_full(name, g0, g1, tmp_path, caplog):
    def edit(previous: Path) -> None:  # a space inserted mid-file, inside some node's or edge's piece
        path = previous / name
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] + b" " + data[len(data) // 2:])

    with caplog.at_level(logging.DEBUG, logger="citegraph.splice"):
        splice_matches_full(g0, g1, tmp_path, edit=edit)
    assert [r.args[0] for r in caplog.records if r.getMessage().startswith("written in full")] == [[name]]


@pytest.mark.parametrize("name", EXPORT_FILES)
def test_missing_previous_file_is_written_in_full(name, g0, g1, tmp_path):
    splice_matches_full(g0, g1, tmp_path, edit=lambda previous: (previous / name).unlink())


def _xml_invalid_value(G):
    G.nodes[list(G)[-2]]["label"] += "\x0b"  # a vertical tab: XML 1.0 cannot hold it


def _graph_attribute(G):
    G.graph["name"] = "citations"


@pytest.mark.parametrize("tweak, names", [
    (_xml_invalid_value, ("graph.gexf", "graph.json", "nodes.csv", "edges.csv")),  # GraphML: see below
    (_graph_attribute, EXPORT_FILES),
])
def test_graphs_outside_the_fast_writers_fall_back_to_networkx(tweak, names, g0, g1, tmp_path):
    G1 = sorted_graph(g1)
    tweak(G1)
    index = splice_matches_full(g0, G1, tmp_path / "one", names)
    assert [name for name, layout in index.files.items() if layout is None] == sorted(set(XML_FILES) & set(names))
    # the next rebuilds start from files networkx wrote: those are written in full again, whether
    # the odd value is gone or still there in a node that is not dirty
    splice_matches_full(G1, g1, tmp_path / "two", names)
    G2 = sorted_graph(G1)
    _relabel_node(_first)(G2)
    index = splice_matches_full(G1, G2, tmp_path / "three", names)
    assert [name for name, layout in index.files.items() if layout is None] == sorted(set(XML_FILES) & set(names))


def test_xml_invalid_value_fails_graphml_alike_in_full_and_spliced_writes(g0, g1, tmp_path):
    G1 = sorted_graph(g1)
    _xml_invalid_value(G1)
    previous = write_exports_indexed(g0, tmp_path / "previous", XML_FILES)
    with pytest.raises(ValueError, match="XML compatible"):
        write_exports_indexed(G1, tmp_path / "full", XML_FILES)
    with pytest.raises(ValueError, match="XML compatible"):
        write_exports_spliced(G1, tmp_path / "spliced", XML_FILES, previous, tmp_path / "previous",
                              *dirty_sets(g0, G1))
    assert not (tmp_path / "spliced").exists() or not list((tmp_path / "spliced").iterdir())


def test_indexes_of_two_subsets_merge(g0, g1, tmp_path):
    flat = write_exports_indexed(g0, tmp_path / "previous", FLAT_FILES)
    node_link = write_exports_indexed(g0, tmp_path / "previous", ("graph.json",))
    merged = flat.merged(node_link)
    assert merged == write_exports_indexed(g0, tmp_path / "all")
    full = write_exports_indexed(g1, tmp_path / "full")
    out = tmp_path / "previous"  # spliced in place, as a rebuild writes over its own out/
    parts = [write_exports_spliced(g1, out, names, merged, out, *dirty_sets(g0, g1))
             for names in (FLAT_FILES, ("graph.json",))]
    assert parts[0].merged(parts[1]) == full
    assert files(out) == files(tmp_path / "full")
    with pytest.raises(ValueError, match="different graphs"):
        flat.merged(full)


@pytest.mark.parametrize("write, columns", [(nodes_csv, "nodes"), (edges_csv, "edges")])
def test_csv_rows_are_csv_writers_bytes(write, columns, g1):
    G = sorted_graph(g1)
    _tricky_csv_value(G)
    G.edges[_first_edge(G)]["cues"] = ['"quoted"', "a,b", "line\nbreak"]
    if columns == "nodes":
        items = list(G.nodes(data=True))
    else:
        items = [((u, v), d) for u, v, d in G.edges(data=True)]
    cols = sorted({k for _, d in items for k in d})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", *cols] if columns == "nodes" else ["source", "target", *cols])
    for key, d in items:
        cells = ["" if d.get(c) is None else citegraph.export._encode(d[c]) if c in d else "" for c in cols]
        cells = [("true" if c else "false") if isinstance(c, bool) else str(c) for c in cells]
        writer.writerow([key, *cells] if columns == "nodes" else [*key, *cells])
    assert write(G) == buffer.getvalue()
