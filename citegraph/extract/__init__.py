"""Stage 2, extraction: an ``Article`` -> the ``Citation`` records of what it cites.

``extractor.Extractor`` splits the body into sentences (``sentences``) and
runs the finders: outlets (``outlets``, through the gazetteer of known
outlets in ``gazetteer``), documents (``documents``) and human sources
(``sources``). ``patterns`` builds their large alternations and ``names``
gives the one key outlet names are compared by.
"""

from .extractor import Extractor, extract_file, merge
from .gazetteer import Gazetteer
from .names import domain_key, outlet_key

__all__ = ["Extractor", "Gazetteer", "domain_key", "extract_file", "merge", "outlet_key"]
