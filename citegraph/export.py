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
from dataclasses import dataclass
from functools import cached_property, lru_cache
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

# The files are written by the serialisers below, which give the same bytes as
# networkx's writers (nx.write_graphml with lxml, nx.write_gexf,
# json.dumps(nx.node_link_data(G), indent=2)) several times faster. Whatever
# they were not written for (graph attributes, GEXF's reserved attribute
# names, other value types, characters XML cannot hold) goes to networkx.


class _Unsupported(Exception):
    """The fast serialiser does not cover this graph: use networkx's writer."""


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GRAPHML_TYPES = {str: "string", int: "long", bool: "boolean", float: "double"}
_GEXF_TYPES = {str: "string", int: "long", bool: "boolean"}
_GEXF_NODE_RESERVED = frozenset({"id", "pid", "start", "end", "parents", "spells", "viz", "key"})
_GEXF_EDGE_RESERVED = frozenset({"id", "label", "weight", "type", "start", "end", "spells", "viz", "key"})
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Flat:
    """The nodes and edges of a graph in order, attributes encoded as ``flatten`` encodes them."""

    graph: dict
    nodes: list[tuple[Any, dict]]
    edges: list[tuple[Any, Any, dict]]

    @classmethod
    def of(cls, G: nx.DiGraph) -> Flat:
        encode = _encode_fast
        nodes = [(n, {k: encode(v) for k, v in d.items()}) for n, d in G.nodes(data=True)]
        edges = [(u, v, {k: encode(x) for k, x in d.items()}) for u, v, d in G.edges(data=True)]
        return cls(dict(G.graph), nodes, edges)

    def check_fast(self) -> None:
        """Raise ``_Unsupported`` for graphs the fast writers were not written for."""
        if self.graph or not self.nodes or not self.edges or not self.xml_safe:
            raise _Unsupported

    @cached_property
    def xml_safe(self) -> bool:
        """Node ids are strings and no name or value holds a character XML cannot (lxml refuses them)."""
        if not all(type(n) is str for n, _ in self.nodes):
            return False
        texts = [n for n, _ in self.nodes]
        texts += [str(x) for items in (self.node_types, self.edge_types) for pair in items for x in pair]
        texts += [v for _, d in self.nodes for v in d.values() if type(v) is str]
        texts += [v for _, _, d in self.edges for v in d.values() if type(v) is str]
        return not _XML_INVALID.search(" ".join(texts))

    @cached_property
    def node_types(self) -> list[tuple[Any, type]]:
        """``(attribute name, value type)`` pairs of the nodes, in order of first use."""
        return list(dict.fromkeys((k, type(v)) for _, d in self.nodes for k, v in d.items()))

    @cached_property
    def edge_types(self) -> list[tuple[Any, type]]:
        return list(dict.fromkeys((k, type(v)) for _, _, d in self.edges for k, v in d.items()))


def _encode_fast(value: Any) -> Any:
    """``_encode`` with one reused JSON encoder."""
    if isinstance(value, (list, tuple, dict)):
        return _JSON_ENCODER.encode(value)
    return "" if value is None else value


def _xml_text(value: str) -> str:
    """Element text escaped as lxml and ElementTree escape it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lxml_attr(value: str) -> str:
    """An attribute value escaped as lxml escapes it."""
    text = _xml_text(value).replace('"', "&quot;")
    return text.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")


def _etree_attr(value: str) -> str:
    """An attribute value escaped as xml.etree.ElementTree escapes it."""
    text = _xml_text(value).replace('"', "&quot;")
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _attribute_keys(pairs: Iterable[tuple[Any, type]], types: dict, scope: str, keys: dict) -> None:
    """Record ``(name, type name, scope)`` of every ``(name, type)``, in order."""
    for k, t in pairs:
        kind = types.get(t)
        if kind is None or type(k) is not str:
            raise _Unsupported
        keys.setdefault((k, kind, scope), None)


def _graphml_fast(flat: Flat) -> str:
    flat.check_fast()
    keys: dict[tuple[str, str, str], None] = {}
    _attribute_keys(flat.node_types, _GRAPHML_TYPES, "node", keys)
    _attribute_keys(flat.edge_types, _GRAPHML_TYPES, "edge", keys)
    out = [
        "<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org'
        '/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
    ]
    for name, kind, scope in reversed(list(keys)):  # networkx inserts each new key first
        a = _lxml_attr(name)
        out.append(f'<key id="{a}" for="{scope}" attr.name="{a}" attr.type="{kind}"/>\n')
    out.append('<graph edgedefault="directed">')
    ids = {n: _lxml_attr(n) for n, _ in flat.nodes}
    tags = {name: f'  <data key="{_lxml_attr(name)}">' for name, _, _ in keys}
    for node, data in flat.nodes:
        out.append(_graphml_element(f'<node id="{ids[node]}"', "node", data, tags))
    for u, v, data in flat.edges:
        out.append(_graphml_element(f'<edge source="{ids[u]}" target="{ids[v]}"', "edge", data, tags))
    out.append("</graph></graphml>")
    return "".join(out)


def _graphml_element(start: str, tag: str, data: dict, tags: dict[str, str]) -> str:
    if not data:
        return start + "/>\n"
    rows = "".join(
        [f"{tags[k]}{_xml_text(v).replace(chr(13), '&#13;') if type(v) is str else v}</data>\n"
         for k, v in data.items()]
    )
    return f"{start}>\n{rows}</{tag}>\n"


def graphml_text(G: nx.DiGraph, flat: Flat | None = None) -> str:
    """GraphML, as ``nx.write_graphml(flatten(G), named_key_ids=True)`` writes it."""
    try:
        return _graphml_fast(flat or Flat.of(G))
    except _Unsupported:
        log.debug("GraphML: graph outside the fast writer, using networkx")
    buffer = io.BytesIO()
    nx.write_graphml(flatten(G), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def _gexf_attribute_ids(flat: Flat) -> dict[tuple[str, str], tuple[str, str]]:
    """``(class, title) -> (id, type)`` numbered as networkx numbers them: node attributes first."""
    if any(_GEXF_NODE_RESERVED.intersection(d) for _, d in flat.nodes) or any(
        _GEXF_EDGE_RESERVED.intersection(d) for _, _, d in flat.edges
    ):
        raise _Unsupported
    node_keys: dict = {}
    edge_keys: dict = {}
    _attribute_keys([(k, t) for k, t in flat.node_types if k != "label"], _GEXF_TYPES, "node", node_keys)
    _attribute_keys(flat.edge_types, _GEXF_TYPES, "edge", edge_keys)
    ids: dict[tuple[str, str], tuple[str, str]] = {}
    for keys in (node_keys, edge_keys):
        for name, kind, scope in keys:
            ids.setdefault((scope, name), (str(len(ids)), kind))
    return ids


def _gexf_fast(flat: Flat) -> str:
    flat.check_fast()
    ids = _gexf_attribute_ids(flat)
    out = [
        "<?xml version='1.0' encoding='utf-8'?>\n<gexf xmlns=\"http://www.gexf.net/1.2draft\" "
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.gexf.net/1.2draft '
        'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n  <meta>\n'
        f"    <creator>NetworkX {_xml_text(nx.__version__)}</creator>\n  </meta>\n"
        '  <graph defaultedgetype="directed" mode="static" name="">\n'
    ]
    for scope in ("edge", "node"):  # networkx inserts each class's declarations first
        declared = [(name, i, kind) for (s, name), (i, kind) in ids.items() if s == scope]
        if declared:
            out.append(f'    <attributes mode="static" class="{scope}">\n')
            out += [f'      <attribute id="{i}" title="{_etree_attr(name)}" type="{kind}" />\n'
                    for name, i, kind in declared]
            out.append("    </attributes>\n")
    tags = {key: f'          <attvalue for="{i}" value="' for key, (i, _) in ids.items()}
    node_ids = {n: _etree_attr(n) for n, _ in flat.nodes}
    out.append("    <nodes>\n")
    for node, data in flat.nodes:
        data = dict(data)
        label = _etree_attr(str(data.pop("label", node)))
        out.append(_gexf_element(f'      <node id="{node_ids[node]}" label="{label}"', "node", data, tags))
    out.append("    </nodes>\n    <edges>\n")
    for i, (u, v, data) in enumerate(flat.edges):
        start = f'      <edge source="{node_ids[u]}" target="{node_ids[v]}" id="{i}"'
        out.append(_gexf_element(start, "edge", data, tags))
    out.append("    </edges>\n  </graph>\n</gexf>\n")
    return "".join(out)


def _gexf_value(value: Any) -> str:
    if type(value) is str:
        return _etree_attr(value)
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _gexf_element(start: str, scope: str, data: dict, tags: dict) -> str:
    if not data:
        return start + " />\n"
    rows = "".join([f'{tags[(scope, k)]}{_gexf_value(v)}" />\n' for k, v in data.items()])
    return f"{start}>\n        <attvalues>\n{rows}        </attvalues>\n      </{scope}>\n"


def gexf_text(G: nx.DiGraph, flat: Flat | None = None) -> str:
    """GEXF 1.2 as ``nx.write_gexf(flatten(G))`` writes it, without its ``lastmodifieddate`` (a clock value)."""
    try:
        return _gexf_fast(flat or Flat.of(G))
    except _Unsupported:
        log.debug("GEXF: graph outside the fast writer, using networkx")
    buffer = io.BytesIO()
    nx.write_gexf(flatten(G), buffer, encoding="utf-8")
    text = buffer.getvalue().decode("utf-8")
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1)


_INDENTS = ["\n" + "  " * i for i in range(100)]
_SCALARS = frozenset({str, int, float, bool, type(None)})


@lru_cache(maxsize=None)
def _flat_encoder(level: int) -> json.JSONEncoder:
    """An encoder whose item separator carries the indent of ``level + 1``: right for a list or dict of scalars."""
    return json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=("," + _INDENTS[level + 1], ": "))


def _json(value: Any, level: int) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)``, without its per-token generators."""
    kind = type(value)
    if kind is str:
        return _json_string(value)
    if kind is dict:
        if not value:
            return "{}"
        if not all(type(k) is str for k in value):
            raise _Unsupported
        if all(type(v) in _SCALARS for v in value.values()):  # one level: json's C encoder can indent it
            return "{" + _INDENTS[level + 1] + _flat_encoder(level).encode(value)[1:-1] + _INDENTS[level] + "}"
        keys = sorted(value)
        inner = _INDENTS[level + 1]
        items = _json_items([value[k] for k in keys], level + 1)
        body = ("," + inner).join([_json_string(k) + ": " + v for k, v in zip(keys, items)])
        return "{" + inner + body + _INDENTS[level] + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = _INDENTS[level + 1]
        if all(type(v) in _SCALARS for v in value):
            return "[" + inner + _flat_encoder(level).encode(value)[1:-1] + _INDENTS[level] + "]"
        return "[" + inner + ("," + inner).join(_json_items(value, level + 1)) + _INDENTS[level] + "]"
    if value is None or kind is bool:
        return "null" if value is None else ("true" if value else "false")
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return json.dumps(value)
    raise _Unsupported


def _json_items(values: Iterable[Any], level: int) -> list[str]:
    """Each of ``values`` as JSON; strings and integers, the common case, without a call of ``_json``."""
    out = []
    for v in values:
        kind = type(v)
        out.append(_json_string(v) if kind is str else int.__repr__(v) if kind is int else _json(v, level))
    return out


_json_string = json.encoder.encode_basestring  # type: ignore[attr-defined]


def json_text(value: Any) -> str:
    """``fsutil.dumps_json(value)``, the same bytes, several times faster on large graphs."""
    try:
        return _json(value, 0) + "\n"
    except (_Unsupported, RecursionError, IndexError):  # IndexError: nested deeper than _INDENTS
        return dumps_json(value)


def node_link_text(G: nx.DiGraph) -> str:
    data = nx.node_link_data(G, edges="edges")
    return json_text(data)


def _csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _columns(items: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({k for d in items for k in d})


def nodes_csv(G: nx.DiGraph, flat: Flat | None = None) -> str:
    flat = flat or Flat.of(G)
    cols = _columns(d for _, d in flat.nodes)
    return _csv_text(["id", *cols], ([n, *[_csv_cell(d.get(c)) for c in cols]] for n, d in flat.nodes))


def edges_csv(G: nx.DiGraph, flat: Flat | None = None) -> str:
    flat = flat or Flat.of(G)
    cols = _columns(d for _, _, d in flat.edges)
    rows = ([u, v, *[_csv_cell(d.get(c)) for c in cols]] for u, v, d in flat.edges)
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
    flat = Flat.of(G)
    files = {
        "graph.graphml": lambda: graphml_text(G, flat),
        "graph.gexf": lambda: gexf_text(G, flat),
        "graph.json": lambda: node_link_text(G),
        "nodes.csv": lambda: nodes_csv(G, flat),
        "edges.csv": lambda: edges_csv(G, flat),
    }
    for name, text in files.items():  # one file's text in memory at a time
        atomic_write_bytes(out_dir / name, text().encode("utf-8"))
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
