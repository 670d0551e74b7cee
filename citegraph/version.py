"""The package's version (``pyproject.toml`` says the same): stamped on every report and explorer."""

__version__ = "0.2.0"
