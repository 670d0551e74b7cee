"""Run the stages in order: read -> extract -> graph -> metrics -> outputs.

``build(options)`` is the one entry point that the CLI and the library share.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .errors import BuildError
from .fsutil import atomic_write_text, jsonl
from .records import Article, Citation, Skip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    """Everything ``build`` needs; the CLI fills it from its flags."""

    inputs: tuple[Path, ...] = (Path("data"),)
    out: Path = Path("out")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    outlets_file: Path | None = None
    strict: bool = False
    max_bytes: int = 20 * 1024 * 1024
    max_nodes: int = 1500
    jobs: int = 0  # 0: all cores
    dask_scheduler: str | None = None
    progress: bool = False


@dataclass
class BuildResult:
    """What a build produced, for the CLI to summarise."""

    articles: list[Article] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def read_all(options: BuildOptions) -> tuple[list[Article], list[Skip]]:
    """Read every input; broken files become ``Skip`` records, never exceptions."""
    from .read import ReadOptions, iter_articles

    read_opts = ReadOptions(include=options.include, exclude=options.exclude, max_bytes=options.max_bytes)
    articles: list[Article] = []
    skips: list[Skip] = []
    for item in iter_articles(list(options.inputs), read_opts):
        (skips if isinstance(item, Skip) else articles).append(item)
    articles.sort(key=lambda a: a.id)
    skips.sort()
    return articles, skips


def extract_all(articles: list[Article], options: BuildOptions) -> list[Citation]:
    from .extract import Extractor
    from .gazetteer import Gazetteer

    extractor = Extractor(Gazetteer.load(options.outlets_file))
    citations: list[Citation] = []
    for article in articles:
        citations.extend(extractor.extract(article))
    citations.sort(key=Citation.sort_key)
    return citations


def write_records(out: Path, articles: list[Article], citations: list[Citation], skips: list[Skip]) -> list[Path]:
    paths = [out / "articles.jsonl", out / "citations.jsonl", out / "skipped.jsonl"]
    atomic_write_text(paths[0], jsonl(a.to_dict() for a in articles))
    atomic_write_text(paths[1], jsonl(c.to_dict() for c in citations))
    atomic_write_text(paths[2], jsonl({"path": s.path, "reason": s.reason} for s in skips))
    return paths


def build(options: BuildOptions) -> BuildResult:
    """Read, extract and write every output under ``options.out``, all or nothing.

    Every stage writes into a staging folder beside ``options.out``; only when
    all have succeeded do the new files replace the old, so an interrupted or
    failed build leaves the previous ``out/`` intact.
    """
    with staged_output(options.out) as stage:
        result = _build_into(dataclasses.replace(options, out=stage))
    result.outputs = [options.out / p.relative_to(stage) if p.is_relative_to(stage) else p for p in result.outputs]
    return result


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success move its files into ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        yield stage
        os.chmod(stage, 0o755)
        if not out.exists():
            os.replace(stage, out)  # the whole folder appears at once
            return
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            target = out / path.relative_to(stage)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _build_into(options: BuildOptions) -> BuildResult:
    articles, skips = read_all(options)
    if options.strict and skips:
        first = skips[0]
        raise BuildError(
            f"{len(skips)} input(s) skipped under --strict, first {first.path}: {first.reason}. "
            "Fix or --exclude them, or drop --strict."
        )
    citations = extract_all(articles, options)
    result = BuildResult(articles=articles, citations=citations, skips=skips)
    result.outputs += write_records(options.out, articles, citations, skips)
    graph = build_citation_graph(articles, citations, options)
    result.outputs += write_graph_outputs(graph, options.out, skips)
    result.outputs.append(write_graph_page(graph, options))
    return result


def build_citation_graph(articles: list[Article], citations: list[Citation], options: BuildOptions):
    from .gazetteer import Gazetteer
    from .graph import build_graph

    return build_graph(articles, citations, Gazetteer.load(options.outlets_file))


def write_graph_outputs(graph, out: Path, skips: list[Skip]) -> list[Path]:
    """metrics.json, report.md, report.html and the graph exports."""
    from .export import write_graph_outputs as write_all

    return write_all(graph, out, skips)


def write_graph_page(graph, options: BuildOptions) -> Path:
    """The interactive explorer, ``out/graph.html``."""
    from .explorer import ExplorerOptions, write_explorer

    return write_explorer(graph, options.out / "graph.html", ExplorerOptions(max_nodes=options.max_nodes))
