"""Exports of the citation graph that other tools open, and readers for them.

``write_exports(G, out_dir)`` writes ``graph.graphml`` and ``graph.gexf``
(Gephi), ``graph.json`` (networkx node-link) and ``nodes.csv`` /
``edges.csv``. GraphML, GEXF and CSV cannot hold lists or dicts, so those
attributes (``cues``, ``evidence``, ``articles``, ``domains``) are written as
canonical JSON strings; the ``read_*`` functions here decode them again, so a
file read back equals the graph written (tested). Nodes and edges keep the
graph's sorted order; nothing depends on the clock.

``write_graph_outputs`` runs metrics -> report -> exports for the pipeline.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from pathlib import Path
from typing import Any, Iterable

import networkx as nx

from .fsutil import atomic_write_bytes, dumps_json
from .graph import EDGE_FIELDS, NODE_FIELDS
from .metrics import compute_metrics
from .records import Skip
from .report import write_metrics, write_report

log = logging.getLogger(__name__)

INT_ATTRS = frozenset({"count"})
BOOL_ATTRS = frozenset({"known", "discovered"})


def _encode(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None:
        return ""
    return value


def flatten(G: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``G`` whose list/dict attributes are JSON strings and ``None`` is ``""``."""
    F = nx.DiGraph()
    F.graph.update({k: _encode(v) for k, v in sorted(G.graph.items())})
    F.add_nodes_from((n, {k: _encode(v) for k, v in d.items()}) for n, d in G.nodes(data=True))
    F.add_edges_from((u, v, {k: _encode(x) for k, x in d.items()}) for u, v, d in G.edges(data=True))
    return F


def _json_attrs(G: nx.DiGraph) -> tuple[set[str], set[str]]:
    """Node and edge attribute names that hold lists or dicts in ``G``."""
    node = {k for _, d in G.nodes(data=True) for k, v in d.items() if isinstance(v, (list, tuple, dict))}
    edge = {k for _, _, d in G.edges(data=True) for k, v in d.items() if isinstance(v, (list, tuple, dict))}
    return node, edge


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


def graphml_text(G: nx.DiGraph, flat: nx.DiGraph | None = None) -> str:
    """GraphML; ``flat`` is ``flatten(G)`` when the caller already has it."""
    buffer = io.BytesIO()
    nx.write_graphml(flat if flat is not None else flatten(G), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def gexf_text(G: nx.DiGraph, flat: nx.DiGraph | None = None) -> str:
    """GEXF 1.2 without the writer's ``lastmodifieddate`` (a clock value)."""
    F = flat if flat is not None else flatten(G)
    buffer = io.BytesIO()
    nx.write_gexf(F, buffer, encoding="utf-8")
    text = buffer.getvalue().decode("utf-8")
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)


def node_link_text(G: nx.DiGraph) -> str:
    data = nx.node_link_data(G, edges="edges")
    return dumps_json(data)


def _csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _columns(items: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({k for d in items for k in d})


def nodes_csv(G: nx.DiGraph, flat: nx.DiGraph | None = None) -> str:
    F = flat if flat is not None else flatten(G)
    cols = _columns(d for _, d in F.nodes(data=True))
    return _csv_text(["id", *cols], ([n, *(_csv_cell(d.get(c)) for c in cols)] for n, d in F.nodes(data=True)))


def edges_csv(G: nx.DiGraph, flat: nx.DiGraph | None = None) -> str:
    F = flat if flat is not None else flatten(G)
    cols = _columns(d for _, _, d in F.edges(data=True))
    rows = ([u, v, *(_csv_cell(d.get(c)) for c in cols)] for u, v, d in F.edges(data=True))
    return _csv_text(["source", "target", *cols], rows)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_exports(G: nx.DiGraph, out_dir: Path) -> list[Path]:
    """Write the five exports into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    flat = flatten(G)
    files = {
        "graph.graphml": graphml_text(G, flat),
        "graph.gexf": gexf_text(G, flat),
        "graph.json": node_link_text(G),
        "nodes.csv": nodes_csv(G, flat),
        "edges.csv": edges_csv(G, flat),
    }
    for name, text in files.items():
        atomic_write_bytes(out_dir / name, text.encode("utf-8"))
    return [out_dir / name for name in files]


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
        return list(csv.DictReader(fh))


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


def write_graph_outputs(G: nx.DiGraph, out_dir: Path, skips: Iterable[Skip] = ()) -> list[Path]:
    """Write metrics.json, the report and every export of ``G`` into ``out_dir``."""
    metrics = compute_metrics(G)
    return [write_metrics(metrics, out_dir), *write_report(G, metrics, out_dir, skips), *write_exports(G, out_dir)]
