"""``articles.jsonl`` and ``citations.jsonl``: streamed from the store, or spliced from the last build's.

Both files list the articles in id order (citations grouped by article), so
each article owns one byte range in each. A full write records those ranges
(``RecordIndex``); after a rebuild that changed a few articles, the files are
written again by copying the previous files' ranges of every unchanged
article and taking only the changed articles' lines from the store. The bytes
are those of a full write (``tests/test_incremental.py``).
"""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .fsutil import atomic_binary

FILES = ("articles.jsonl", "citations.jsonl")
_CHUNK = 1 << 22


@dataclass(frozen=True)
class RecordIndex:
    """Article ids in file order and where each article's lines start in each file (one more: the end)."""

    ids: tuple[str, ...]
    starts: tuple[array, array]  # 'q' offsets into articles.jsonl, citations.jsonl

    def ranges(self, k: int, first: int, end: int) -> tuple[int, int]:
        """``(offset, length)`` in file ``k`` of the articles at positions ``first`` to ``end - 1``."""
        return self.starts[k][first], self.starts[k][end] - self.starts[k][first]


def write_full(store, out: Path) -> RecordIndex:
    """Both files streamed from the store, in output order, recording each article's ranges."""
    ids: list[str] = []
    starts = (array("q"), array("q"))
    with atomic_binary(Path(out) / FILES[0]) as articles, atomic_binary(Path(out) / FILES[1]) as citations:
        lines = store.citation_lines_by_article()
        pending = next(lines, None)
        positions = [0, 0]
        for aid, record in store.article_lines_by_id():
            ids.append(aid)
            starts[0].append(positions[0])
            starts[1].append(positions[1])
            positions[0] += _write(articles, record)
            while pending is not None and pending[0] == aid:
                positions[1] += _write(citations, pending[1])
                pending = next(lines, None)
        starts[0].append(positions[0])
        starts[1].append(positions[1])
    return RecordIndex(tuple(ids), starts)


def write_spliced(store, out: Path, previous: RecordIndex, previous_dir: Path, changed: set[str]) -> RecordIndex | None:
    """Both files, copying every unchanged article's bytes from ``previous_dir``; None when the previous
    files are not the ones indexed (the caller then writes in full)."""
    old_files = [Path(previous_dir) / name for name in FILES]
    if any(not p.is_file() or p.stat().st_size != previous.starts[k][-1] for k, p in enumerate(old_files)):
        return None
    ids = tuple(store.article_ids())
    fresh = {a: (record, lines) for a, record, lines in store.record_lines_for(sorted(changed & set(ids)))}
    position = {aid: i for i, aid in enumerate(previous.ids)}
    starts = (array("q"), array("q"))
    with atomic_binary(Path(out) / FILES[0]) as articles, atomic_binary(Path(out) / FILES[1]) as citations:
        sinks = (articles, citations)
        sources = [os.open(p, os.O_RDONLY) for p in old_files]
        try:
            sizes = [0, 0]
            for run in _runs(ids, position, fresh):
                if run[0] == "copy":
                    _, first, end, count = run
                    for k in (0, 1):
                        base = previous.starts[k][first]
                        starts[k].extend(sizes[k] + previous.starts[k][i] - base for i in range(first, first + count))
                        offset, length = previous.ranges(k, first, end)
                        _copy(sources[k], sinks[k], offset, length)
                        sizes[k] += length
                else:
                    record, lines = fresh[run[1]]
                    for k, texts in ((0, [record]), (1, lines)):
                        starts[k].append(sizes[k])
                        sizes[k] += sum(_write(sinks[k], text) for text in texts)
            for k in (0, 1):
                starts[k].append(sizes[k])
        finally:
            for fd in sources:
                os.close(fd)
    return RecordIndex(ids, starts)


def _runs(ids: Iterable[str], position: dict[str, int], fresh: dict) -> Iterator[tuple]:
    """``("copy", first, end, count)`` for runs of unchanged articles consecutive in the previous files,
    ``("new", id)`` for each changed one."""
    first = last = -1
    for aid in ids:
        old = position.get(aid)
        if aid in fresh or old is None:
            if first >= 0:
                yield ("copy", first, last + 1, last + 1 - first)
                first = -1
            yield ("new", aid)
        elif first >= 0 and old == last + 1:
            last = old
        else:
            if first >= 0:
                yield ("copy", first, last + 1, last + 1 - first)
            first = last = old
    if first >= 0:
        yield ("copy", first, last + 1, last + 1 - first)


def _write(sink, text: str) -> int:
    data = (text + "\n").encode("utf-8")
    sink.write(data)
    return len(data)


def _copy(fd: int, sink, offset: int, length: int) -> None:
    while length > 0:
        data = os.pread(fd, min(length, _CHUNK), offset)
        if not data:
            raise OSError(f"the previous records file ended early at byte {offset}")
        sink.write(data)
        offset += len(data)
        length -= len(data)

