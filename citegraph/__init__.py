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

The stages, in the order data flows: ``read`` -> ``extract`` -> ``graph`` ->
``outputs``; ``store`` keeps what was read and extracted between builds and
``pipeline`` runs them all (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from .version import __version__
from .errors import BuildError, CitegraphError, ConfigError, GoldFileError, InputError
from .evaluate import load_gold, score
from .extract import Extractor, Gazetteer
from .graph import build_graph, compute_metrics
from .outputs import ExplorerOptions, write_explorer, write_exports, write_report
from .pipeline import BuildOptions, BuildResult, build, export
from .read import ReadOptions, iter_articles
from .records import Article, Citation, CitationKind, DocType, Evidence, ImageCredit, Link, Outlet, Skip

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
    "export",
    "iter_articles",
    "load_gold",
    "score",
    "write_explorer",
    "write_exports",
    "write_report",
]
