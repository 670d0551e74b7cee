"""Stage 3, the graph: articles and citations -> a ``networkx.DiGraph``, its projections and metrics.

``model.CitationGraph`` builds the graph and patches it after a change (one
set of rules for both); ``cache`` keeps the last build's model beside the
outputs; ``projections`` and ``metrics`` read the graph, never change it.
"""

from .metrics import compute_metrics
from .model import EDGE_FIELDS, NODE_FIELDS, CitationGraph, build_graph

__all__ = ["EDGE_FIELDS", "NODE_FIELDS", "CitationGraph", "build_graph", "compute_metrics"]
