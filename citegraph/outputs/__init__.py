"""Stage 4, the outputs: what a build writes from the graph and the store.

``recordfiles`` (``articles.jsonl``, ``citations.jsonl``, ``skipped.jsonl``),
``report`` (``report.md``, ``report.html``, ``metrics.json``), ``explorer``
(``graph.html``) and ``exports`` (GraphML, GEXF, node-link JSON, CSV; written
on demand, with their readers).
"""

from .explorer import ExplorerOptions, write_explorer
from .exports import FORMATS, write_exports
from .report import write_metrics, write_report

__all__ = ["FORMATS", "ExplorerOptions", "write_explorer", "write_exports", "write_metrics", "write_report"]
