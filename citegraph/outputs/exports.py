"""Exports of the citation graph that other tools open, and readers for them.

``write_exports(G, out_dir, formats)`` writes ``graph.graphml`` and
``graph.gexf`` (Gephi), ``graph.json`` (networkx node-link) and ``nodes.csv`` /
``edges.csv``, each with networkx's own writers (or the ``csv`` module). GraphML, GEXF and CSV cannot hold lists or dicts, so those
attributes (``cues``, ``evidence``, ``articles``, ``domains``) are written as
canonical JSON strings; the ``read_*`` functions here decode them again, so a
file read back equals the graph written (tested). Nodes and edges keep the
graph's sorted order; nothing depends on the clock.

CSV cells are text a spreadsheet may take for a formula: a cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (OWASP's list), or
with ``'``, gets a ``'`` in front, so that Excel, LibreOffice and Google
Sheets show it as text (``=HYPERLINK(...)`` in a title stays a title);
``read_csv`` takes the quote off again. A carriage return inside a cell
becomes a line feed (inside quotes): the csv module leaves a bare CR
unquoted, and spreadsheets start a new row there.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from pathlib import Path
from typing import Any, Iterable

from .. import lazy
from ..fsutil import atomic_write_text, dumps_json
from ..graph.model import EDGE_FIELDS, NODE_FIELDS

nx = lazy.load("networkx")

log = logging.getLogger(__name__)

INT_ATTRS = frozenset({"count"})
BOOL_ATTRS = frozenset({"known", "discovered"})


# What XML 1.0 cannot hold (GraphML and GEXF are XML): the reader keeps it out of articles, but a user's
# outlet file may still bring it; it becomes U+FFFD rather than stop the export.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _encode(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return ""
    if isinstance(value, str) and _NOT_XML.search(value):
        return _NOT_XML.sub("\ufffd", value)
    return value


def flatten(G: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``G`` whose list/dict attributes are JSON strings and ``None`` is ``""``."""
    F = nx.DiGraph()
    F.graph.update({k: _encode(v) for k, v in sorted(G.graph.items())})
    F.add_nodes_from((_encode(n), {k: _encode(v) for k, v in d.items()}) for n, d in G.nodes(data=True))
    F.add_edges_from((_encode(u), _encode(v), {k: _encode(x) for k, x in d.items()}) for u, v, d in G.edges(data=True))
    return F


def _decode(key: str, value: Any, json_keys: set[str]) -> Any:
    if key in json_keys and isinstance(value, str):
        return json.loads(value) if value else []
    if key in INT_ATTRS and isinstance(value, str):
        return int(value)
    if key in BOOL_ATTRS and isinstance(value, str):
        return value.strip().lower() == "true"
    return value


def unflatten(F: nx.Graph, json_keys: Iterable[str]) -> nx.DiGraph:
    """Inverse of ``flatten``: decode the named JSON attributes; ids and order kept."""
    keys = set(json_keys)
    G = nx.DiGraph()
    G.add_nodes_from((str(n), {k: _decode(k, v, keys) for k, v in d.items()}) for n, d in F.nodes(data=True))
    G.add_edges_from((str(u), str(v), {k: _decode(k, x, keys) for k, x in d.items()}) for u, v, d in F.edges(data=True))
    return G


JSON_ATTRS = ("cues", "evidence", "articles", "domains")
# The formats ``citegraph export --format`` takes, and the files each writes.
FORMATS = {
    "graphml": ("graph.graphml",),
    "gexf": ("graph.gexf",),
    "json": ("graph.json",),
    "csv": ("nodes.csv", "edges.csv"),
}
EXPORT_FILES = tuple(name for names in FORMATS.values() for name in names)


def graphml_text(G: nx.DiGraph) -> str:
    """GraphML, as ``nx.write_graphml`` writes the flattened graph (keys named after the attributes)."""
    buffer = io.BytesIO()
    nx.write_graphml(flatten(G), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def gexf_text(G: nx.DiGraph) -> str:
    """GEXF 1.2, as ``nx.write_gexf`` writes the flattened graph, without its ``lastmodifieddate``
    (a clock value: the same graph gives the same bytes)."""
    buffer = io.BytesIO()
    nx.write_gexf(flatten(G), buffer, encoding="utf-8")
    return re.sub(r' lastmodifieddate="[^"]*"', "", buffer.getvalue().decode("utf-8"), count=1)


def node_link_text(G: nx.DiGraph) -> str:
    """networkx node-link JSON: ``nx.node_link_data(G, edges="edges")``, indented, keys sorted."""
    return dumps_json(nx.node_link_data(G, edges="edges"))


def nodes_csv(G: nx.DiGraph) -> str:
    """A line per node: ``id`` and every attribute (lists as JSON)."""
    F = flatten(G)
    cols = sorted({k for _, d in F.nodes(data=True) for k in d})
    rows = ([_csv_cell(n), *[_csv_cell(d.get(c)) for c in cols]] for n, d in F.nodes(data=True))
    return _csv([["id", *cols], *rows])


def edges_csv(G: nx.DiGraph) -> str:
    """A line per edge: ``source``, ``target`` and every attribute (lists as JSON)."""
    F = flatten(G)
    cols = sorted({k for _, _, d in F.edges(data=True) for k in d})
    rows = ([_csv_cell(u), _csv_cell(v), *[_csv_cell(d.get(c)) for c in cols]] for u, v, d in F.edges(data=True))
    return _csv([["source", "target", *cols], *rows])


def csv_text(rows: Iterable[list[Any]]) -> str:
    """CSV of ``rows`` (the first the header), each cell as ``nodes.csv`` writes it."""
    return _csv([_csv_cell(cell) for cell in row] for row in rows)


def _csv(rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula (OWASP)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if "\r" in text:  # the csv module leaves a bare CR unquoted, and readers start a row there
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if text.startswith(FORMULA_STARTS + ("'",)) else text


def _csv_text(cell: str) -> str:
    """A cell as ``_csv_cell`` was given it: without the quote that keeps spreadsheets from evaluating it."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS + ("'",)) else cell


_WRITERS = {
    "graph.graphml": graphml_text,
    "graph.gexf": gexf_text,
    "graph.json": node_link_text,
    "nodes.csv": nodes_csv,
    "edges.csv": edges_csv,
}


def write_exports(G: nx.DiGraph, out_dir: Path, formats: Iterable[str] = tuple(FORMATS)) -> list[Path]:
    """Write the files of ``formats`` (keys of ``FORMATS``) into ``out_dir``; return their paths."""
    paths = []
    for fmt in formats:
        for name in FORMATS[fmt]:
            path = Path(out_dir) / name
            atomic_write_text(path, _WRITERS[name](G))
            paths.append(path)
    return paths


# ---- readers (round trip) ---------------------------------------------------


def read_graphml(path: Path) -> nx.DiGraph:
    return unflatten(nx.read_graphml(path), JSON_ATTRS)


def read_gexf(path: Path) -> nx.DiGraph:
    F = nx.read_gexf(path)
    for _, _, d in F.edges(data=True):  # reader-added bookkeeping, not our attributes
        d.pop("id", None)
    for _, d in F.nodes(data=True):
        if d.get("label") == "":
            del d["label"]
    return unflatten(F, JSON_ATTRS)


def read_node_link(path: Path) -> nx.DiGraph:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, multigraph=False, edges="edges")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [{k: _csv_text(v) for k, v in row.items()} for row in csv.DictReader(fh)]


def _restore(row: dict[str, str], fields: Iterable[str], keys: set[str]) -> dict[str, Any]:
    """Cells of a CSV row as attributes: schema fields always, other columns when not empty."""
    fields = set(fields)
    return {k: _decode(k, v, keys) for k, v in row.items() if v != "" or k in fields}


def read_csv(nodes_path: Path, edges_path: Path) -> nx.DiGraph:
    """Read ``nodes.csv`` and ``edges.csv`` back, using the schema in ``graph.NODE_FIELDS``."""
    keys = set(JSON_ATTRS)
    G = nx.DiGraph()
    for row in _csv_rows(nodes_path):
        node = row.pop("id")
        G.add_node(node, **_restore(row, NODE_FIELDS.get(row.get("kind", ""), ()), keys))
    for row in _csv_rows(edges_path):
        u, v = row.pop("source"), row.pop("target")
        G.add_edge(u, v, **_restore(row, EDGE_FIELDS.get(row.get("relation", ""), ()), keys))
    return G
