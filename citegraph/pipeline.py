"""Run the stages in order: read -> extract -> graph -> metrics -> outputs.

``build(options)`` is the one entry point that the CLI and the library share.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

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
    """Read, extract and write every output under ``options.out``."""
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
    result.outputs.append(write_graph_page(graph, options))
    return result


def build_citation_graph(articles: list[Article], citations: list[Citation], options: BuildOptions):
    from .gazetteer import Gazetteer
    from .graph import build_graph

    return build_graph(articles, citations, Gazetteer.load(options.outlets_file))


def write_graph_page(graph, options: BuildOptions) -> Path:
    """The interactive explorer, ``out/graph.html``."""
    from .explorer import ExplorerOptions, write_explorer

    return write_explorer(graph, options.out / "graph.html", ExplorerOptions(max_nodes=options.max_nodes))
