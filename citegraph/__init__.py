"""citegraph: where does this story come from?

Read saved news articles, extract the outlets, documents and people they
cite, and build a citation graph with metrics, reports and an explorer.
"""

from .errors import BuildError, CitegraphError, ConfigError, GoldFileError, InputError
from .pipeline import BuildOptions, BuildResult, build
from .records import Article, Citation, CitationKind, DocType, Evidence, ImageCredit, Link, Outlet, Skip

__version__ = "0.1.0"

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
    "GoldFileError",
    "ImageCredit",
    "InputError",
    "Link",
    "Outlet",
    "Skip",
    "__version__",
    "build",
]
