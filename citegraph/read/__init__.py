"""Stage 1, reading: files on disk -> ``Article`` records (or ``Skip``s saying why not).

``files`` finds and decodes input files and hands each to its parser:
``textdump`` (plain texts and text dumps of pages; ``pagetext`` for dumps of
any web page), ``htmlpage`` (HTML: metadata, captions, dates; ``htmlbody``
for the body). ``helpers`` holds what the parsers share.
"""

from .files import ReadOptions, discover, iter_articles, read_one

__all__ = ["ReadOptions", "discover", "iter_articles", "read_one"]
