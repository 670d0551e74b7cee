"""Extraction: everything an article cites, with the sentences that prove it.

``Extractor(gazetteer).extract(article)`` splits the body into sentences once
and runs each finder over them: outlets (``outlets.py``), documents
(``documents.py``) and human sources (``sources.py``). The results are merged
into one citation per (article, kind, name), carrying every piece of
evidence, and sorted.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from ..errors import InputError
from ..read import ReadOptions, iter_articles
from ..records import Article, Citation, CitationKind, DocType
from .documents import find_documents
from .gazetteer import Gazetteer
from .names import outlet_key
from .outlets import OutletFinder
from .sentences import sentences
from .sources import find_sources

log = logging.getLogger(__name__)


class Extractor:
    """Finds the citations of articles; build once, then call ``extract`` per article."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.outlets = OutletFinder(gazetteer)
        self.outlet_names = frozenset(
            name for o in gazetteer.outlets for name in (o.name, *o.aliases, *o.abbreviations)
        )

    def extract(self, article: Article) -> list[Citation]:
        """Every outlet, document and source ``article`` cites, one citation per thing."""
        sents = sentences(article.body)
        found = self.outlets.find(article, sents)
        discovered = frozenset(c.name for c in found if c.discovered)
        documents = find_documents(article, sents, self.gazetteer)
        found += documents + self._via_outlets(article, found, documents)
        names = self.outlet_names | discovered if discovered else self.outlet_names  # one set for most articles
        found += find_sources(article, sents, names)
        return merge(found)

    def _via_outlets(self, article: Article, outlets: list[Citation], documents: list[Citation]) -> list[Citation]:
        """The outlet a document came through is cited too, on the document's evidence, when the outlet finder
        left it out: a poll or study it made ("a new Guardian poll found": a name the finder would not take
        alone), or a document given to it by its unambiguous name ("shared the recording with The New York
        Times"). A short form elsewhere ("an email provided to The Post") stays the document's via only."""
        cited = {outlet_key(c.name) for c in outlets}
        publisher = self.outlets.publisher_of(article)
        added: dict[str, Citation] = {}
        for doc in documents:
            for made_by, cue in self._makers(doc):
                outlet = self.gazetteer.lookup(made_by)
                name = outlet.name if outlet else made_by
                key = outlet_key(name)
                if key in cited or key in added or (outlet is None and outlet_key(made_by) in cited):
                    continue
                if outlet is not None and doc.doc_type is not DocType.REPORT and not any(
                        m.outlet == outlet and not m.ambiguous for e in doc.evidence for m in self.gazetteer.find_mentions(e.text)):
                    continue  # "provided to The Post", "letters to the Hill": a short form the outlet finder did not take
                added[key] = Citation(article=article.id, kind=CitationKind.OUTLET, name=name, cue=cue,
                                      evidence=doc.evidence, discovered=outlet is None,
                                      self_citation=publisher is not None and outlet == publisher)
        return list(added.values())

    def _makers(self, doc: Citation) -> list[tuple[str, str]]:
        """The outlets a document came through or was made by, each with the cue that cites it: its via, or
        each outlet of a report made jointly ("a new Washington Post/Guardian poll": issuer
        "Washington Post/Guardian", no one via)."""
        if doc.via:
            return [(doc.via, "via " + doc.doc_type.value)]
        if doc.doc_type is not DocType.REPORT or "/" not in (doc.issuer or ""):
            return []
        makers = []
        for side in (part.strip() for part in doc.issuer.split("/")):
            named = [m.outlet.name for m in self.gazetteer.find_mentions(side) if _all_of(side, m.start, m.end)]
            makers += [(name, "joint " + doc.doc_type.value) for name in named[:1]]
        return makers if len(makers) > 1 else []


def _all_of(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is all of ``text`` but a leading "the"."""
    return text[:start].strip().casefold() in ("", "the") and not text[end:].strip()


def merge(citations: Iterable[Citation]) -> list[Citation]:
    """One citation per (article, kind, name): evidence united in order, first cue kept.

    Fields the first citation leaves empty (issuer, via, date) are filled from the others.
    """
    groups: dict[tuple[str, str, str], list[Citation]] = {}
    for citation in citations:
        key = (citation.article, citation.kind.value, citation.name.casefold())
        groups.setdefault(key, []).append(citation)
    merged = [_merge_group(group) for group in groups.values()]
    return sorted(merged, key=Citation.sort_key)


def _merge_group(group: list[Citation]) -> Citation:
    first = group[0]
    if len(group) == 1:
        return first
    evidence = sorted({e for c in group for e in c.evidence}, key=lambda e: (e.field != "body", e.field, e.start, e.end, e.url, e.anchor))
    filled = {
        name: next((getattr(c, name) for c in group if getattr(c, name)), None)
        for name in ("doc_type", "issuer", "via", "date")
    }
    return replace(
        first,
        evidence=tuple(evidence),
        discovered=all(c.discovered for c in group),
        self_citation=any(c.self_citation for c in group),
        **filled,
    )


def extract_file(path: Path, outlets_file: Path | None = None) -> list[tuple[Article, list[Citation]]]:
    """Read ``path`` (any supported format) and extract each of its articles.

    Raises ``InputError`` when the file cannot be read as an article.
    """
    extractor = Extractor(Gazetteer.load(outlets_file))
    results = []
    for item in iter_articles([Path(path)], ReadOptions()):
        if isinstance(item, Article):
            results.append((item, extractor.extract(item)))
        else:
            raise InputError(f"{item.path}: {item.reason}")
    if not results:
        raise InputError(f"{path} holds no article: give a .txt, .html(.gz) or .jsonl file")
    return results
