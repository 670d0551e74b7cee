"""Graph exports rebuilt from the previous files' bytes.

``write_exports_indexed(G, out_dir, names)`` writes the exports exactly as
``export.write_exports`` does and returns an ``ExportIndex``: the order of the
nodes and edges written and, per file, where each node's and edge's piece
lies. ``write_exports_spliced(G, out_dir, names, previous, previous_dir,
dirty_nodes, dirty_edges)`` writes the same bytes, copying the previous
file's byte range of every node and edge that is in both graphs and not dirty,
and encoding only the others (new nodes and edges count as dirty). GEXF
numbers its edges (`` id="<position>"``): a copied run of edges whose
position changed has its ids rewritten. A file is written in full when it is
missing, its size is not the one indexed, its fixed text (header, the parts
between the node and edge lists, the end) would change, or it was written by
networkx (layout ``None``: graphs the fast writers do not cover).

Both functions take any subset of ``export.EXPORT_FILES``; the indexes of two
calls over different subsets of the same graph combine with
``ExportIndex.merged``.
"""

from __future__ import annotations

import logging
import os
from array import array
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import networkx as nx
import numpy as np

from . import export
from .export import EXPORT_FILES, Flat, Parts, _Unsupported
from .errors import BuildError
from .fsutil import atomic_binary, atomic_write_lanes

log = logging.getLogger(__name__)

_FLAT_LANES = (("graph.graphml",), ("graph.gexf",), ("nodes.csv", "edges.csv"))
_XML_FILES = ("graph.graphml", "graph.gexf")
_COPY_CHUNK = 1 << 24  # bytes read at once where a copy goes through this process
_RENUMBER_CHUNK = 4096  # elements renumbered or encoded at once
_EDGE_ID = b' id="'  # in a GEXF edge's start tag; attribute values are escaped, so only there


@dataclass(frozen=True)
class FileLayout:
    """Where the pieces of one export file lie.

    ``starts[k]``: the first byte of each element of the file's k-th list
    (``Parts.sections`` order); ``ends[k]``: the byte after its last element
    (where it would start, when empty). Elements of a list are separated by
    ``Parts.seps[k]``; everything outside the elements is fixed text.
    """

    size: int
    starts: tuple[array, ...]
    ends: tuple[int, ...]

    def section_start(self, k: int) -> int:
        return self.starts[k][0] if len(self.starts[k]) else self.ends[k]

    def text_ranges(self) -> list[tuple[int, int]]:
        """``(offset, length)`` of each fixed text, in file order."""
        bounds = [0]
        for k in range(len(self.ends)):
            bounds += [self.section_start(k), self.ends[k]]
        bounds.append(self.size)
        return [(a, b - a) for a, b in zip(bounds[::2], bounds[1::2])]


@dataclass(frozen=True)
class ExportIndex:
    """The nodes and edges of a written graph, in order, and each file's layout (``None``: not spliceable)."""

    nodes: tuple[str, ...]
    edge_ends: array  # 'i': source and target of each edge, as positions in ``nodes``
    files: dict[str, FileLayout | None]

    @property
    def edges(self) -> list[tuple[str, str]]:
        nodes, ends = self.nodes, iter(self.edge_ends)
        return [(nodes[a], nodes[b]) for a, b in zip(ends, ends)]

    def merged(self, other: ExportIndex) -> ExportIndex:
        """One index of the files of both (same graph, written by two calls)."""
        if self.nodes != other.nodes or self.edge_ends != other.edge_ends:
            raise ValueError("ExportIndex.merged: the two indexes are of different graphs")
        return ExportIndex(self.nodes, self.edge_ends, {**self.files, **other.files})


def _index_of(G: nx.DiGraph, files: dict[str, FileLayout | None]) -> ExportIndex:
    nodes = tuple(G)
    position = dict(zip(nodes, range(len(nodes)))).__getitem__
    ends = array("i")
    for i, nbrs in enumerate(G._adj.values()):  # in node order: i is the source's position
        for target in map(position, nbrs):
            ends.append(i)
            ends.append(target)
    return ExportIndex(nodes, ends, dict(sorted(files.items())))


def _parts(name: str, G: nx.DiGraph, flat: Flat) -> Parts | None:
    """The file's parts, or ``None`` when networkx writes it (``_Unsupported``)."""
    try:
        if name == "graph.graphml":
            return export.graphml_parts(flat)
        if name == "graph.gexf":
            return export.gexf_parts(flat)
        if name == "graph.json":
            return export.node_link_parts(G)
        return export.nodes_csv_parts(flat) if name == "nodes.csv" else export.edges_csv_parts(flat)
    except _Unsupported:
        log.debug("%s: graph outside the fast writer, using networkx", name)
        return None


def _fallback_text(name: str, G: nx.DiGraph) -> str:
    """The whole file for a graph the fast writers do not cover."""
    if name == "graph.graphml":
        return export.graphml_networkx(G)
    if name == "graph.gexf":
        return export.gexf_networkx(G)
    return "".join(export.node_link_pieces(G))


def _check_names(names: Iterable[str]) -> tuple[str, ...]:
    names = tuple(names)
    unknown = sorted(set(names) - set(EXPORT_FILES))
    if unknown:
        raise ValueError(f"unknown export file(s) {unknown}: choose from {list(EXPORT_FILES)}")
    return names


# ---- full writes ------------------------------------------------------------


def write_exports_indexed(G: nx.DiGraph, out_dir: Path, names: Iterable[str] = EXPORT_FILES) -> ExportIndex:
    """Write the files in ``names`` as ``export.write_exports`` does (same bytes); return their index."""
    return _index_of(G, _write_full(G, Path(out_dir), _check_names(names), Flat.of(G)))


def _write_full(G: nx.DiGraph, out_dir: Path, names: tuple[str, ...], flat: Flat) -> dict[str, FileLayout | None]:
    """Write ``names`` in full, GraphML, GEXF and CSV from one encoding of each element; return their layouts."""
    layouts: dict[str, FileLayout | None] = {}
    lanes = [[name for name in lane if name in names] for lane in _FLAT_LANES]
    lanes = [lane for lane in lanes if lane]
    node_readers = sum(1 for lane in lanes if set(lane) - {"edges.csv"})
    edge_readers = sum(1 for lane in lanes if set(lane) - {"nodes.csv"})
    flat.share(node_readers, edge_readers)
    if "graph.json" in names:  # after the others, as write_exports writes it: in their lanes it runs slower
        lanes.append(["graph.json"])
    for batch in (lanes[:-1], lanes[-1:]) if "graph.json" in names else (lanes,):
        atomic_write_lanes(
            [[(out_dir / name, _recorded_file(name, G, flat, layouts)) for name in lane] for lane in batch], binary=True
        )
    return layouts


def _recorded_file(name: str, G: nx.DiGraph, flat: Flat, layouts: dict) -> Iterator[bytes]:
    """The file's bytes in pieces; its layout is put in ``layouts`` once the last piece is made."""
    parts = _parts(name, G, flat)
    if parts is None:  # GraphML, GEXF or node-link JSON by networkx
        _drain(flat, name)
        layouts[name] = None
        yield _fallback_text(name, G).encode("utf-8")
        return
    yield from _recorded(parts, name, layouts)


def _drain(flat: Flat, name: str) -> None:
    """Take this file's share of the encoded nodes and edges, unread, so the others' are not held for it."""
    if name != "graph.json":
        for stream in (flat.nodes(), flat.edges()):
            del stream


def _recorded(parts: Parts, name: str, layouts: dict) -> Iterator[bytes]:
    """``parts`` as bytes, each element's start recorded; the layout goes into ``layouts`` at the end."""
    pos = 0
    starts, ends = [], []
    for text, section, sep in zip(parts.texts, parts.sections, parts.seps):
        data = text.encode()
        yield data
        pos += len(data)
        offsets = array("q")
        for batch in _batches(parts.items(section), sep, pos, offsets):
            yield batch
            pos += len(batch)
        starts.append(offsets)
        ends.append(pos)
    data = parts.texts[-1].encode()
    yield data
    layouts[name] = FileLayout(pos + len(data), tuple(starts), tuple(ends))


def _batches(items: Iterator[str], sep: str, pos: int, offsets: array, size: int = 1 << 16) -> Iterator[bytes]:
    """The elements joined by ``sep``, as UTF-8, in batches of about ``size`` bytes; their starts in ``offsets``."""
    append = offsets.append
    pending: list[bytes] = []
    add = pending.append
    mark = pos + size
    shift = len(sep.encode())
    for piece in items:  # the first element
        append(pos)
        data = piece.encode()
        add(data)
        pos += len(data)
        break
    for piece in items:
        append(pos + shift)
        data = (sep + piece).encode()
        add(data)
        pos += len(data)
        if pos >= mark:
            yield b"".join(pending)
            pending.clear()
            mark = pos + size
    yield b"".join(pending)


# ---- spliced writes ---------------------------------------------------------


@dataclass(frozen=True)
class _Runs:
    """A list of the new graph cut into runs: ``(first, end, old first)``, ``old first`` -1 for runs to encode."""

    keys: list[Any]
    runs: list[tuple[int, int, int]]


def _runs(keys: list[Any], old: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of consecutive positions: copied where ``old`` (previous positions, -1: encode) counts up by one."""
    n = len(keys)
    if not n:
        return []
    copy = old >= 0
    breaks = np.ones(n, dtype=bool)
    breaks[1:] = (copy[1:] != copy[:-1]) | (copy[1:] & (old[1:] != old[:-1] + 1))
    firsts = np.flatnonzero(breaks).tolist()
    return [(a, b, int(old[a])) for a, b in zip(firsts, firsts[1:] + [n])]


def _node_runs(G: nx.DiGraph, previous: ExportIndex, dirty: set) -> _Runs:
    get = dict(zip(previous.nodes, range(len(previous.nodes)))).get
    keys = list(G)
    old = np.fromiter((-1 if n in dirty else get(n, -1) for n in keys), dtype=np.int64, count=len(keys))
    return _Runs(keys, _runs(keys, old))


def _edge_runs(G: nx.DiGraph, previous: ExportIndex, dirty: set) -> _Runs:
    old_position = dict(zip(previous.edges, range(len(previous.edge_ends) // 2)))
    keys = _edges(G)
    get = old_position.get
    old = np.fromiter((-1 if e in dirty else get(e, -1) for e in keys), dtype=np.int64, count=len(keys))
    return _Runs(keys, _runs(keys, old))


def _edges(G: nx.DiGraph) -> list[tuple[Any, Any]]:
    """``list(G.edges)``, without the view's per-edge overhead."""
    return [(u, v) for u, nbrs in G._adj.items() for v in nbrs]


def write_exports_spliced(
    G: nx.DiGraph,
    out_dir: Path,
    names: Iterable[str],
    previous: ExportIndex,
    previous_dir: Path,
    dirty_nodes: set[str],
    dirty_edges: set[tuple[str, str]],
) -> ExportIndex:
    """``write_exports_indexed(G, out_dir, names)``, reusing the bytes of ``previous_dir``'s files.

    ``previous``: the index those files were written with. ``dirty_nodes`` /
    ``dirty_edges``: the nodes and edges of ``G`` whose attributes may differ
    from the previous graph's; nodes and edges not in ``previous`` are treated
    as dirty, those of ``previous`` not in ``G`` as removed. ``out_dir`` may be
    ``previous_dir``: each file is replaced atomically once it is whole.
    """
    names = _check_names(names)
    runs = {"nodes": _node_runs(G, previous, dirty_nodes), "edges": _edge_runs(G, previous, dirty_edges)}
    flat = Flat(G, _recheck(runs, previous, names))
    layouts: dict[str, FileLayout | None] = {}
    full = []
    with ExitStack() as stack:
        for name in names:
            layout = _splice_file(name, G, flat, runs, previous.files.get(name), Path(previous_dir), Path(out_dir),
                                  stack)
            if layout is None:
                full.append(name)
            else:
                layouts[name] = layout
        if full:
            log.debug("written in full: %s", full)
            layouts.update(_write_full(G, Path(out_dir), tuple(full), flat))
    return _index_of(G, layouts)


def _recheck(runs: dict[str, _Runs], previous: ExportIndex, names: tuple[str, ...]) -> tuple[list, list] | None:
    """The nodes and edges the XML check must look at: the encoded ones, when the previous XML files passed it."""
    if any(previous.files.get(name) is None for name in _XML_FILES if name in names):
        return None
    return tuple([r.keys[i] for a, b, old in r.runs if old < 0 for i in range(a, b)]
                 for r in (runs["nodes"], runs["edges"]))


def _splice_file(name: str, G: nx.DiGraph, flat: Flat, runs: dict[str, _Runs], layout: FileLayout | None,
                 previous_dir: Path, out_dir: Path, stack: ExitStack) -> FileLayout | None:
    """Write ``name`` from the previous file's bytes; ``None`` when it must be written in full instead."""
    parts = _parts(name, G, flat) if layout is not None else None
    if parts is None:
        return None
    try:
        fd = os.open(previous_dir / name, os.O_RDONLY)
    except FileNotFoundError:
        return None
    stack.callback(os.close, fd)
    texts = [t.encode("utf-8") for t in parts.texts]
    if os.fstat(fd).st_size != layout.size or not _same_texts(fd, layout, texts):
        log.debug("%s: previous file edited, or its fixed text changes: written in full", name)
        return None
    out = stack.enter_context(atomic_binary(out_dir / name)).fileno()
    writer = _Splicer(name, fd, out, parts, layout)
    return writer.write(texts, [runs[section] for section in parts.sections])


def _same_texts(fd: int, layout: FileLayout, texts: list[bytes]) -> bool:
    ranges = layout.text_ranges()
    if [length for _, length in ranges] != [len(t) for t in texts]:
        return False
    return all(os.pread(fd, length, offset) == text for (offset, length), text in zip(ranges, texts))


class _Splicer:
    """Writes one file from the previous one's element runs and newly encoded elements."""

    def __init__(self, name: str, src: int, out: int, parts: Parts, layout: FileLayout) -> None:
        self.name, self.src, self.out, self.parts, self.old = name, src, out, parts, layout
        self.pos = 0

    def emit(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.out, view):]
        self.pos += len(data)

    def write(self, texts: list[bytes], sections: list[_Runs]) -> FileLayout:
        starts, ends = [], []
        for k, (text, runs) in enumerate(zip(texts, sections)):
            self.emit(text)
            starts.append(self.section(k, runs))
            ends.append(self.pos)
        self.emit(texts[-1])
        return FileLayout(self.pos, tuple(starts), tuple(ends))

    def section(self, k: int, runs: _Runs) -> array:
        sep = self.parts.seps[k].encode("utf-8")
        pieces: list[np.ndarray] = []
        for i, (first, end, old) in enumerate(runs.runs):
            if i:
                self.emit(sep)
            if old < 0:
                pieces.append(self.encode(k, runs.keys, first, end, sep))
            else:
                pieces.append(self.copy(k, first, end, old))
        offsets = array("q")
        if pieces:
            offsets.frombytes(np.concatenate(pieces).astype(np.int64).tobytes())
        return offsets

    def encode(self, k: int, keys: list[Any], first: int, end: int, sep: bytes) -> np.ndarray:
        """Encode the elements ``first .. end``, ``_RENUMBER_CHUNK`` at a time; their starts."""
        section, encode = self.parts.sections[k], self.parts.encode
        starts = []
        for a in range(first, end, _RENUMBER_CHUNK):
            if a > first:
                self.emit(sep)
            data = [encode(section, keys[i], i).encode() for i in range(a, min(a + _RENUMBER_CHUNK, end))]
            lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data)) + len(sep)
            starts.append(self.pos + np.concatenate(([0], np.cumsum(lengths)[:-1])))
            self.emit(sep.join(data))
        return np.concatenate(starts)

    def copy(self, k: int, first: int, end: int, old: int) -> np.ndarray:
        """Copy the previous elements ``old ..`` as the new ``first .. end``; their new starts."""
        old_starts = self.old.starts[k]
        last = old + end - first - 1
        lo = old_starts[old]
        sep = len(self.parts.seps[k].encode())
        hi = old_starts[last + 1] - sep if last + 1 < len(old_starts) else self.old.ends[k]
        offsets = np.frombuffer(old_starts, dtype=np.int64)[old:last + 1]
        if self.parts.numbered == self.parts.sections[k] and first != old:
            return self.renumber(offsets, hi, first, old)
        starts = offsets - lo + self.pos
        self.copy_bytes(lo, hi - lo)
        return starts

    def renumber(self, offsets: np.ndarray, hi: int, first: int, old: int) -> np.ndarray:
        """Copy numbered elements whose position changed, rewriting each `` id="..."``, a chunk at a time."""
        count = len(offsets)
        new_ids = np.arange(first, first + count)
        growth = _digits(new_ids) - _digits(np.arange(old, old + count))
        starts = offsets - offsets[0] + self.pos + np.concatenate(([0], np.cumsum(growth)[:-1]))
        for a in range(0, count, _RENUMBER_CHUNK):
            b = min(a + _RENUMBER_CHUNK, count)
            lo, end = int(offsets[a]), int(offsets[b]) if b < count else hi
            self.emit(self.renumbered(os.pread(self.src, end - lo, lo), first + a, b - a))
        return starts

    def renumbered(self, data: bytes, first: int, count: int) -> bytes:
        """``count`` numbered elements with the ids ``first ..`` instead of their old ones."""
        pieces = data.split(_EDGE_ID)
        if len(pieces) != count + 1:
            raise BuildError(f"{self.name}: {len(pieces) - 1} edge ids among {count} edges of the previous file; "
                             "delete it and build again to write it in full")
        out = [pieces[0]]
        for number, piece in zip(range(first, first + count), pieces[1:]):  # piece: '<old id>"...'
            out += (_EDGE_ID, b"%d" % number, memoryview(piece)[piece.index(b'"'):])
        return b"".join(out)

    def copy_bytes(self, offset: int, length: int) -> None:
        """``length`` bytes of the previous file from ``offset``, by the kernel where it can."""
        self.pos += length
        try:
            while length:
                done = os.copy_file_range(self.src, self.out, length, offset)
                if not done:
                    raise OSError("copy_file_range copied nothing")
                offset += done
                length -= done
        except (OSError, AttributeError):
            while length:
                data = os.pread(self.src, min(length, _COPY_CHUNK), offset)
                if not data:
                    raise
                self.pos -= len(data)
                self.emit(data)
                offset += len(data)
                length -= len(data)


def _digits(values: np.ndarray) -> np.ndarray:
    """The number of decimal digits of each non-negative integer."""
    return np.searchsorted(10 ** np.arange(1, 19, dtype=np.int64), values, side="right") + 1
