"""Exports of the citation graph that other tools open, and readers for them.

``write_exports(G, out_dir)`` writes ``graph.graphml`` and ``graph.gexf``
(Gephi), ``graph.json`` (networkx node-link) and ``nodes.csv`` /
``edges.csv``. GraphML, GEXF and CSV cannot hold lists or dicts, so those
attributes (``cues``, ``evidence``, ``articles``, ``domains``) are written as
canonical JSON strings; the ``read_*`` functions here decode them again, so a
file read back equals the graph written (tested). Nodes and edges keep the
graph's sorted order; nothing depends on the clock.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import islice, tee
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import networkx as nx

from .fsutil import atomic_write_lanes, atomic_write_pieces, dumps_json
from .graph import EDGE_FIELDS, NODE_FIELDS

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


class Flat:
    """The nodes and edges of a graph in order, attributes encoded as ``flatten`` encodes them.

    Encoded on the fly (``nodes()``, ``edges()``), so that writing an export
    holds no second copy of every attribute: on a large corpus the evidence
    alone runs to hundreds of megabytes. ``recheck``: when given, the only
    nodes and edges whose names and values ``xml_safe`` checks (the others
    passed when they were last written; ``splice`` uses it).
    """

    def __init__(self, G: nx.DiGraph, recheck: tuple[Iterable[Any], Iterable[tuple[Any, Any]]] | None = None) -> None:
        self.G = G
        self.graph = dict(G.graph)
        self.recheck = recheck
        self._shared: dict[str, list[Iterator]] = {"nodes": [], "edges": []}

    @classmethod
    def of(cls, G: nx.DiGraph) -> Flat:
        return cls(G)

    def share(self, readers: int, edge_readers: int | None = None) -> None:
        """Encode each node and edge once for the next ``readers`` calls of ``nodes()`` and ``edges()``.

        ``edge_readers``: the number of ``edges()`` calls, when it differs.
        The readers must advance together (``fsutil.atomic_write_lanes`` makes
        them): what one has read and another not yet is held until both have.
        """
        edge_readers = readers if edge_readers is None else edge_readers
        self._shared = {"nodes": list(tee(self._nodes(), readers)) if readers else [],
                        "edges": list(tee(self._edges(), edge_readers)) if edge_readers else []}

    def nodes(self) -> Iterator[tuple[Any, dict]]:
        shared = self._shared["nodes"]
        return shared.pop() if shared else self._nodes()

    def edges(self) -> Iterator[tuple[Any, Any, dict]]:
        shared = self._shared["edges"]
        return shared.pop() if shared else self._edges()

    def node(self, n: Any) -> dict:
        """One node's encoded attributes."""
        return {k: _encode_fast(v) for k, v in self.G._node[n].items()}

    def edge(self, u: Any, v: Any) -> dict:
        """One edge's encoded attributes."""
        return {k: _encode_fast(x) for k, x in self.G._adj[u][v].items()}

    def _nodes(self) -> Iterator[tuple[Any, dict]]:
        encode = _encode_fast
        for n, d in self.G.nodes(data=True):
            yield n, {k: encode(v) for k, v in d.items()}

    def _edges(self) -> Iterator[tuple[Any, Any, dict]]:
        encode = _encode_fast
        for u, v, d in self.G.edges(data=True):
            yield u, v, {k: encode(x) for k, x in d.items()}

    def check_fast(self) -> None:
        """Raise ``_Unsupported`` for graphs the fast writers were not written for."""
        if self.graph or not self.G.number_of_nodes() or not _has_edges(self.G) or not self.xml_safe:
            raise _Unsupported

    @cached_property
    def xml_safe(self) -> bool:
        """Node ids are strings and no name or value holds a character XML cannot (lxml refuses them).

        Values are checked before JSON encoding, which only adds ASCII: when they pass, so does their JSON.
        """
        if not all(type(n) is str for n in self.G):
            return False
        invalid = _XML_INVALID.search
        names = [str(x) for items in (self.node_types, self.edge_types) for pair in items for x in pair]
        nodes, edges = self.recheck if self.recheck is not None else (self.G, self.G.edges)
        if any(invalid(t) for t in names) or any(invalid(n) for n in nodes):
            return False
        node_data, adj = self.G._node, self.G._adj
        values = (v for n in nodes for v in node_data[n].values())
        edge_values = (x for u, v in edges for x in adj[u][v].values())
        return not any(_has_invalid(v, invalid) for stream in (values, edge_values) for v in stream)

    @cached_property
    def node_types(self) -> list[tuple[Any, type]]:
        """``(attribute name, value type)`` pairs of the nodes, in order of first use."""
        return _types_in_order(self.G._node.values())

    @cached_property
    def edge_types(self) -> list[tuple[Any, type]]:
        return _types_in_order(d for nbrs in self.G._adj.values() for d in nbrs.values())


def _has_edges(G: nx.DiGraph) -> bool:
    """``G.number_of_edges() > 0``, without counting them."""
    return any(G._adj.values())


def _types_in_order(dicts: Iterable[dict]) -> list[tuple[Any, type]]:
    """The ``(name, encoded type)`` pairs of ``dicts`` in order of first use.

    Attribute dicts of one kind share their names and value types: each such
    signature (names, then types) is expanded into pairs once.
    """
    pairs: dict[tuple[Any, type], None] = {}
    for signature in dict.fromkeys((*d, *map(type, d.values())) for d in dicts):
        half = len(signature) // 2
        pairs.update(dict.fromkeys(zip(signature[:half], map(_encoded_kind, signature[half:]))))
    return list(pairs)


def _encoded_kind(kind: type) -> type:
    """The type of ``_encode_fast(value)`` for a value of type ``kind``."""
    return str if kind is type(None) or issubclass(kind, (list, tuple, dict)) else kind


def _encoded_type(value: Any) -> type:
    """The type of ``_encode_fast(value)``, without encoding it."""
    return str if value is None or isinstance(value, (list, tuple, dict)) else type(value)


def _has_invalid(value: Any, invalid) -> bool:
    """Whether a value, or any string or key nested in it, holds a character XML cannot."""
    kind = type(value)
    if kind is str:
        return invalid(value) is not None
    if kind is list or kind is tuple:
        return any(_has_invalid(v, invalid) for v in value)
    if kind is dict:
        return any(_has_invalid(k, invalid) or _has_invalid(v, invalid) for k, v in value.items())
    return False


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


@dataclass
class Parts:
    """One export file as fixed text and one piece per node or edge.

    The file is ``texts[0]``, the pieces of ``sections[0]`` joined by
    ``seps[0]``, ``texts[1]``, ..., ``texts[-1]``. What opens a non-empty list
    (node-link JSON's ``[``) ends the text before it. Each piece depends only
    on its own node or edge (and, in ``numbered``, on its position, written as
    `` id="<position>"``) once the texts are fixed: ``splice`` relies on it.
    """

    texts: list[str]
    sections: tuple[str, ...]  # "nodes" / "edges", in file order
    seps: tuple[str, ...]
    items: Callable[[str], Iterator[str]]  # a section's pieces in graph order
    encode: Callable[[str, Any, int], str]  # (section, node or (u, v), position) -> its piece
    numbered: str | None = None

    def pieces(self, batch: int = 1) -> Iterator[str]:
        """The file's text, a piece at a time: the texts, and ``batch`` elements per piece."""
        for text, section, sep in zip(self.texts, self.sections, self.seps):
            yield text
            items = self.items(section)
            if not sep and batch > 1:
                while chunk := "".join(islice(items, batch)):
                    yield chunk
                continue
            if not sep:
                yield from items
                continue
            for piece in items:
                yield piece
                break
            for piece in items:
                yield sep + piece
        yield self.texts[-1]


class _Escaped(dict):
    """Node ids escaped by ``escape``, each escaped once, when first asked for."""

    def __init__(self, escape: Callable[[str], str]) -> None:
        super().__init__()
        self.escape = escape

    def __missing__(self, key: str) -> str:
        value = self[key] = self.escape(key)
        return value


def graphml_parts(flat: Flat) -> Parts:
    """The GraphML file in parts; ``_Unsupported`` for graphs the fast writer does not cover."""
    flat.check_fast()
    keys: dict[tuple[str, str, str], None] = {}
    _attribute_keys(flat.node_types, _GRAPHML_TYPES, "node", keys)
    _attribute_keys(flat.edge_types, _GRAPHML_TYPES, "edge", keys)
    header = [
        "<?xml version='1.0' encoding='utf-8'?>\n<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org'
        '/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
    ]
    for name, kind, scope in reversed(list(keys)):  # networkx inserts each new key first
        a = _lxml_attr(name)
        header.append(f'<key id="{a}" for="{scope}" attr.name="{a}" attr.type="{kind}"/>\n')
    header.append('<graph edgedefault="directed">')
    tags = {name: f'  <data key="{_lxml_attr(name)}">' for name, _, _ in keys}
    ids = _Escaped(_lxml_attr)

    def node(n: Any, data: dict) -> str:
        return _graphml_element(f'<node id="{ids[n]}"', "node", data, tags)

    def edge(u: Any, v: Any, data: dict) -> str:
        return _graphml_element(f'<edge source="{ids[u]}" target="{ids[v]}"', "edge", data, tags)

    def items(section: str) -> Iterator[str]:
        if section == "nodes":
            return (node(n, data) for n, data in flat.nodes())
        return (edge(u, v, data) for u, v, data in flat.edges())

    def encode(section: str, key: Any, _: int) -> str:
        return node(key, flat.node(key)) if section == "nodes" else edge(*key, flat.edge(*key))

    return Parts(["".join(header), "", "</graph></graphml>"], ("nodes", "edges"), ("", ""), items, encode)


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
    return "".join(graphml_pieces(G, flat))


def graphml_pieces(G: nx.DiGraph, flat: Flat | None = None) -> Iterator[str]:
    """``graphml_text`` in pieces, to be written as they come."""
    try:
        return graphml_parts(flat or Flat.of(G)).pieces()
    except _Unsupported:
        log.debug("GraphML: graph outside the fast writer, using networkx")
    return iter([graphml_networkx(G)])


def graphml_networkx(G: nx.DiGraph) -> str:
    """GraphML by networkx's own writer, for graphs the fast writer does not cover."""
    buffer = io.BytesIO()
    nx.write_graphml(flatten(G), buffer, encoding="utf-8", named_key_ids=True)
    return buffer.getvalue().decode("utf-8")


def _gexf_attribute_ids(flat: Flat) -> dict[tuple[str, str], tuple[str, str]]:
    """``(class, title) -> (id, type)`` numbered as networkx numbers them: node attributes first."""
    if _GEXF_NODE_RESERVED.intersection(k for k, _ in flat.node_types) or _GEXF_EDGE_RESERVED.intersection(
        k for k, _ in flat.edge_types
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


def gexf_parts(flat: Flat) -> Parts:
    """The GEXF file in parts (edges numbered); ``_Unsupported`` for graphs the fast writer does not cover."""
    flat.check_fast()
    ids = _gexf_attribute_ids(flat)
    header = [
        "<?xml version='1.0' encoding='utf-8'?>\n<gexf xmlns=\"http://www.gexf.net/1.2draft\" "
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.gexf.net/1.2draft '
        'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n  <meta>\n'
        f"    <creator>NetworkX {_xml_text(nx.__version__)}</creator>\n  </meta>\n"
        '  <graph defaultedgetype="directed" mode="static" name="">\n'
    ]
    for scope in ("edge", "node"):  # networkx inserts each class's declarations first
        declared = [(name, i, kind) for (s, name), (i, kind) in ids.items() if s == scope]
        if declared:
            header.append(f'    <attributes mode="static" class="{scope}">\n')
            header.extend(f'      <attribute id="{i}" title="{_etree_attr(name)}" type="{kind}" />\n'
                          for name, i, kind in declared)
            header.append("    </attributes>\n")
    header.append("    <nodes>\n")
    tags = {key: f'          <attvalue for="{i}" value="' for key, (i, _) in ids.items()}
    node_ids = _Escaped(_etree_attr)

    def node(n: Any, data: dict) -> str:  # data may be shared with the other writers: not changed here
        label = _etree_attr(str(data.get("label", n)))
        rest = {k: v for k, v in data.items() if k != "label"} if "label" in data else data
        return _gexf_element(f'      <node id="{node_ids[n]}" label="{label}"', "node", rest, tags)

    def edge(u: Any, v: Any, data: dict, i: int) -> str:
        start = f'      <edge source="{node_ids[u]}" target="{node_ids[v]}" id="{i}"'
        return _gexf_element(start, "edge", data, tags)

    def items(section: str) -> Iterator[str]:
        if section == "nodes":
            return (node(n, data) for n, data in flat.nodes())
        return (edge(u, v, data, i) for i, (u, v, data) in enumerate(flat.edges()))

    def encode(section: str, key: Any, i: int) -> str:
        return node(key, flat.node(key)) if section == "nodes" else edge(*key, flat.edge(*key), i)

    texts = ["".join(header), "    </nodes>\n    <edges>\n", "    </edges>\n  </graph>\n</gexf>\n"]
    return Parts(texts, ("nodes", "edges"), ("", ""), items, encode, numbered="edges")


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
    return "".join(gexf_pieces(G, flat))


def gexf_pieces(G: nx.DiGraph, flat: Flat | None = None) -> Iterator[str]:
    """``gexf_text`` in pieces, to be written as they come."""
    try:
        return gexf_parts(flat or Flat.of(G)).pieces()
    except _Unsupported:
        log.debug("GEXF: graph outside the fast writer, using networkx")
    return iter([gexf_networkx(G)])


def gexf_networkx(G: nx.DiGraph) -> str:
    """GEXF by networkx's own writer, for graphs the fast writer does not cover."""
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
    """``json.dumps(nx.node_link_data(G, edges="edges"), indent=2, sort_keys=True)`` plus a newline."""
    return "".join(node_link_pieces(G))


def node_link_pieces(G: nx.DiGraph) -> Iterator[str]:
    """``node_link_text`` in pieces, one node or edge at a time, as ``nx.node_link_data`` lays them out."""
    try:
        return node_link_parts(G).pieces()
    except _Unsupported:
        return iter([json_text(nx.node_link_data(G, edges="edges"))])


def node_link_parts(G: nx.DiGraph) -> Parts:
    """The node-link JSON file in parts; ``_Unsupported`` for multigraphs, undirected graphs, odd graph keys."""
    if G.is_multigraph() or not G.is_directed() or not all(type(k) is str for k in G.graph):
        raise _Unsupported
    # Top-level keys in sorted order: directed, edges, graph, multigraph, nodes.
    opened, closed = ("[", _INDENTS[1] + "]"), ("", "[]")
    edges_open, edges_close = opened if _has_edges(G) else closed
    nodes_open, nodes_close = opened if G.number_of_nodes() else closed
    graph = json_text(G.graph)[:-1].replace("\n", _INDENTS[1])
    texts = [
        '{\n  "directed": true,\n  "edges": ' + edges_open,
        f'{edges_close},\n  "graph": {graph},\n  "multigraph": false,\n  "nodes": {nodes_open}',
        nodes_close + "\n}\n",
    ]
    inner = _INDENTS[2]

    def items(section: str) -> Iterator[str]:
        if section == "nodes":
            return (inner + _json_or_dumps({**d, "id": n}, 2) for n, d in G.nodes(data=True))
        return (inner + _json_or_dumps({**d, "source": u, "target": v}, 2) for u, v, d in G.edges(data=True))

    def encode(section: str, key: Any, _: int) -> str:
        if section == "nodes":
            return inner + _json_or_dumps({**G._node[key], "id": key}, 2)
        u, v = key
        return inner + _json_or_dumps({**G._adj[u][v], "source": u, "target": v}, 2)

    return Parts(texts, ("edges", "nodes"), (",", ","), items, encode)


def _json_or_dumps(value: Any, level: int) -> str:
    """``_json(value, level)``; what it does not cover, by ``json.dumps`` re-indented to ``level``."""
    try:
        return _json(value, level)
    except (_Unsupported, RecursionError, IndexError):
        return dumps_json(value)[:-1].replace("\n", _INDENTS[level])


class _Echo:
    """A file for ``csv.writer`` whose ``write`` returns the line: ``writerow`` then returns it."""

    @staticmethod
    def write(line: str) -> str:
        return line


def _csv_writer() -> Any:
    return csv.writer(_Echo(), lineterminator="\n")


def _columns(items: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({k for d in items for k in d})


def nodes_csv(G: nx.DiGraph, flat: Flat | None = None) -> str:
    return "".join(nodes_csv_pieces(G, flat))


def nodes_csv_pieces(G: nx.DiGraph, flat: Flat | None = None) -> Iterator[str]:
    return nodes_csv_parts(flat or Flat.of(G)).pieces(batch=2000)


def nodes_csv_parts(flat: Flat) -> Parts:
    """``nodes.csv`` in parts: the header line, then a line per node."""
    cols = sorted({k for k, _ in flat.node_types})
    write = _csv_writer().writerow

    def row(n: Any, d: dict) -> str:
        return write([n, *[_csv_cell(d.get(c)) for c in cols]])

    def items(_: str) -> Iterator[str]:
        return (row(n, d) for n, d in flat.nodes())

    def encode(_: str, key: Any, __: int) -> str:
        return row(key, flat.node(key))

    return Parts([write(["id", *cols]), ""], ("nodes",), ("",), items, encode)


def edges_csv(G: nx.DiGraph, flat: Flat | None = None) -> str:
    return "".join(edges_csv_pieces(G, flat))


def edges_csv_pieces(G: nx.DiGraph, flat: Flat | None = None) -> Iterator[str]:
    return edges_csv_parts(flat or Flat.of(G)).pieces(batch=2000)


def edges_csv_parts(flat: Flat) -> Parts:
    """``edges.csv`` in parts: the header line, then a line per edge."""
    cols = sorted({k for k, _ in flat.edge_types})
    write = _csv_writer().writerow

    def row(u: Any, v: Any, d: dict) -> str:
        return write([u, v, *[_csv_cell(d.get(c)) for c in cols]])

    def items(_: str) -> Iterator[str]:
        return (row(u, v, d) for u, v, d in flat.edges())

    def encode(_: str, key: Any, __: int) -> str:
        return row(*key, flat.edge(*key))

    return Parts([write(["source", "target", *cols]), ""], ("edges",), ("",), items, encode)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


EXPORT_FILES = ("graph.graphml", "graph.gexf", "graph.json", "nodes.csv", "edges.csv")


def write_exports(G: nx.DiGraph, out_dir: Path) -> list[Path]:
    """Write the five exports into ``out_dir``; return their paths (in ``EXPORT_FILES`` order).

    Each file is written in pieces as they are made, so that no whole export
    is ever held in memory (they run to hundreds of megabytes on large corpora).
    """
    write_flat_exports(G, out_dir)
    write_node_link(G, out_dir)
    return [Path(out_dir) / name for name in EXPORT_FILES]


def write_flat_exports(G: nx.DiGraph, out_dir: Path) -> list[Path]:
    """GraphML, GEXF and the two CSV files: the exports whose list attributes are JSON strings.

    They read one encoding of each node and edge, in lockstep.
    """
    out_dir = Path(out_dir)
    flat = Flat.of(G)
    flat.share(3)  # GraphML, GEXF and the CSV files read each encoded node and edge
    lanes = [
        [(out_dir / "graph.graphml", _lazy(graphml_pieces, G, flat))],
        [(out_dir / "graph.gexf", _lazy(gexf_pieces, G, flat))],
        [(out_dir / "nodes.csv", _lazy(nodes_csv_pieces, G, flat)),
         (out_dir / "edges.csv", _lazy(edges_csv_pieces, G, flat))],
    ]
    atomic_write_lanes(lanes)
    return [path for lane in lanes for path, _ in lane]


def write_node_link(G: nx.DiGraph, out_dir: Path) -> Path:
    """``graph.json``: networkx node-link JSON."""
    path = Path(out_dir) / "graph.json"
    atomic_write_pieces(path, node_link_pieces(G))
    return path


def _lazy(make, *args) -> Iterator[str]:
    """The pieces of ``make(*args)``, made only when the first is asked for."""
    yield from make(*args)


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
