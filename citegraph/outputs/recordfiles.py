"""The record files: ``articles.jsonl``, ``citations.jsonl`` and ``skipped.jsonl``.

Each line is the record as the store keeps it (``store.db.line``): articles
in id order, citations grouped by article in citation order. They are
streamed from the store, so a large corpus is never held in memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..fsutil import atomic_write_lines, jsonl_line
from ..records import Skip

FILES = ("articles.jsonl", "citations.jsonl", "skipped.jsonl")


def write_records(store, out: Path) -> list[Path]:
    """Write the three record files into ``out`` from ``store``; return their paths."""
    paths = [Path(out) / name for name in FILES]
    atomic_write_lines(paths[0], store.article_lines())
    atomic_write_lines(paths[1], store.citation_lines())
    atomic_write_lines(paths[2], skip_lines(store.skips()))
    return paths


def skip_lines(skips: Iterable[Skip]) -> Iterable[str]:
    return (jsonl_line({"path": s.path, "reason": s.reason}) for s in skips)
