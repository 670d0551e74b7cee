"""Shared record types that flow between the stages.

Every stage reads and writes these frozen dataclasses: they are hashable and
sortable, which keeps deduplication simple and output byte-stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class CitationKind(str, Enum):
    """What an article cites."""

    OUTLET = "outlet"
    DOCUMENT = "document"
    PERSON = "person"
    ORGANIZATION = "organization"
    ANONYMOUS = "anonymous"


class DocType(str, Enum):
    """Document types, as in the gold FORMAT.md."""

    MEMO = "memo"
    CABLE = "cable"
    LETTER = "letter"
    REPORT = "report"
    RESOLUTION = "resolution"
    STATEMENT = "statement"
    COURT_FILING = "court_filing"
    SOCIAL_POST = "social_post"
    OTHER = "other"


@dataclass(frozen=True, order=True, slots=True)
class Link:
    """A hyperlink inside the article body; offsets index ``Article.body``."""

    text: str
    href: str
    start: int
    end: int


@dataclass(frozen=True, order=True, slots=True)
class ImageCredit:
    """A photo credit found in a caption, e.g. ``credit="AP"``; never body text."""

    credit: str
    caption: str


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from disk, with its boilerplate removed.

    ``id`` is the path relative to the input root (``sub/a.html``), plus
    ``#N`` (1-based line number) for a JSONL record. ``body`` holds paragraphs
    separated by blank lines; all offsets elsewhere index into it.
    """

    id: str
    title: str
    body: str
    publisher: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    byline: str | None = None
    source_line: str | None = None  # the page's own "Source: ..." line, verbatim after the colon
    url: str | None = None
    links: tuple[Link, ...] = ()
    image_credits: tuple[ImageCredit, ...] = ()
    format: str = "text"  # text | html | jsonl
    path: str = ""  # the file it came from, as given on the command line
    repairs: tuple[str, ...] = ()  # what was repaired on reading (e.g. "decoded as cp1252")

    def to_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict(self)``, written out: a build serialises every article through here."""
        return {
            "id": self.id, "title": self.title, "body": self.body, "publisher": self.publisher,
            "published": self.published, "byline": self.byline, "source_line": self.source_line, "url": self.url,
            "links": tuple({"text": k.text, "href": k.href, "start": k.start, "end": k.end} for k in self.links),
            "image_credits": tuple({"credit": c.credit, "caption": c.caption} for c in self.image_credits),
            "format": self.format, "path": self.path, "repairs": tuple(self.repairs),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        data = dict(data)
        data["links"] = tuple(Link(**link) for link in data.get("links", ()))
        data["image_credits"] = tuple(ImageCredit(**c) for c in data.get("image_credits", ()))
        data["repairs"] = tuple(data.get("repairs", ()))
        return cls(**data)


@dataclass(frozen=True, order=True, slots=True)
class Skip:
    """A file (or JSONL line) that was not read, and why."""

    path: str
    reason: str


@dataclass(frozen=True, order=True, slots=True)
class Evidence:
    """A sentence that proves a citation.

    ``field`` names the article field the offsets index: ``body`` (the usual
    case, ``article.body[start:end] == text``), ``title`` or ``source_line``.
    A citation by hyperlink keeps the link's ``url`` and ``anchor`` text.
    """

    text: str
    start: int
    end: int
    field: str = "body"
    url: str = ""
    anchor: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "start": self.start, "end": self.end, "field": self.field}
        if self.url:
            data["url"] = self.url
            data["anchor"] = self.anchor
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(data["text"], data["start"], data["end"], data.get("field", "body"),
                   data.get("url", ""), data.get("anchor", ""))


@dataclass(frozen=True, slots=True)
class Citation:
    """One thing an article cites, with every sentence that shows it.

    ``name`` is the canonical outlet name, the person or organisation name,
    the anonymous-source description, or the document's readable label.
    For documents, ``via`` is the canonical name of the outlet that obtained,
    reviewed or first reported it, and ``issuer`` who wrote or sent it.
    ``discovered`` marks an outlet not in the gazetteer, found from context
    ("the Egyptian daily X"). ``self_citation`` marks the article's own
    publisher cited as a source ("as RadarOnline.com previously reported").
    """

    article: str
    kind: CitationKind
    name: str
    cue: str
    evidence: tuple[Evidence, ...]
    doc_type: DocType | None = None
    issuer: str | None = None
    via: str | None = None
    date: str | None = None
    discovered: bool = False
    self_citation: bool = False  # an outlet citing itself (the article's own publisher)

    def sort_key(self) -> tuple:
        first = self.evidence[0].start if self.evidence else -1
        return (self.article, first, self.kind.value, self.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article,
            "kind": self.kind.value,
            "name": self.name,
            "cue": self.cue,
            "doc_type": self.doc_type.value if self.doc_type else None,
            "issuer": self.issuer,
            "via": self.via,
            "date": self.date,
            "discovered": self.discovered,
            "self_citation": self.self_citation,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        # Positional arguments and the enums' value maps: a build loads every stored citation through here.
        doc_type = data.get("doc_type")
        return cls(
            data["article"],
            _KINDS[data["kind"]],
            data["name"],
            data.get("cue", ""),
            tuple(Evidence.from_dict(e) for e in data.get("evidence", ())),
            _DOC_TYPES[doc_type] if doc_type else None,
            data.get("issuer"),
            data.get("via"),
            data.get("date"),
            bool(data.get("discovered", False)),
            bool(data.get("self_citation", False)),
        )


_KINDS = {kind.value: kind for kind in CitationKind}
_DOC_TYPES = {doc_type.value: doc_type for doc_type in DocType}


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news organisation from the gazetteer."""

    name: str
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    country: str = ""
    kind: str = ""  # wire | newspaper | broadcaster | magazine | digital | state_media | ...
    ambiguous: tuple[str, ...] = field(default=())  # aliases that are also ordinary words
