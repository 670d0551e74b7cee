"""citegraph: where does this story come from?

Read saved news articles, extract the outlets, documents and people they
cite, and build a citation graph with metrics, reports and an explorer.

    from pathlib import Path
    import citegraph

    result = citegraph.build(citegraph.BuildOptions(inputs=(Path("data"),), out=Path("out")))
    articles = [a for a in citegraph.iter_articles([Path("data")], citegraph.ReadOptions())
                if isinstance(a, citegraph.Article)]
    extractor = citegraph.Extractor(citegraph.Gazetteer.load())
    citations = [c for a in articles for c in extractor.extract(a)]
    G = citegraph.build_graph(articles, citations)
    metrics = citegraph.compute_metrics(G)

The stage functions are imported on first use, so ``import citegraph`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from .errors import BuildError, CitegraphError, ConfigError, GoldFileError, InputError
from .pipeline import BuildOptions, BuildResult, build
from .records import Article, Citation, CitationKind, DocType, Evidence, ImageCredit, Link, Outlet, Skip

__version__ = "0.1.0"

# Public names that live in a stage module, loaded when first used.
_LAZY = {
    "ReadOptions": "read",
    "iter_articles": "read",
    "Gazetteer": "gazetteer",
    "Extractor": "extract",
    "load_gold": "evaluate",
    "score": "evaluate",
    "build_graph": "graph",
    "compute_metrics": "metrics",
    "write_report": "report",
    "write_exports": "export",
    "ExplorerOptions": "explorer",
    "write_explorer": "explorer",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'citegraph' has no attribute {name!r}")


__all__ = [
    "Article",
    "BuildError",
    "BuildOptions",
    "BuildResult",
    "Citation",
    "CitationKind",
    "CitegraphError",
    "ConfigError",
    "DocType",
    "Evidence",
    "ExplorerOptions",
    "Extractor",
    "Gazetteer",
    "GoldFileError",
    "ImageCredit",
    "InputError",
    "Link",
    "Outlet",
    "ReadOptions",
    "Skip",
    "__version__",
    "build",
    "build_graph",
    "compute_metrics",
    "iter_articles",
    "load_gold",
    "score",
    "write_explorer",
    "write_exports",
    "write_report",
]
