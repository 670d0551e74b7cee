"""A saved HTML page -> ``Article``: main text by ``htmlbody`` or trafilatura, metadata and captions by lxml.

Body. citegraph's own extractor (``htmlbody``) reads it; where that is unsure
(little text, or a container holding too little of the page's prose),
trafilatura runs in precision mode without comments, which on the
Article Extraction Benchmark keeps its recall and drops more related-story
teasers and comment threads than its default. When that finds little (under
``_SHORT_TEXT`` characters) and less than half of what the default mode
finds, precision mode has cut real text, and the default result is used
instead (``benchmarks/eval_body.py`` measures both against trafilatura as
is). Paragraphs that repeat a photo caption, and trailing widget labels, are
dropped. The body is serialised from trafilatura's XML, one paragraph per
block, so every ``<ref>`` becomes a ``Link`` whose offsets index the body.

The page is parsed once, with trafilatura's parser settings, into
``lxml.html`` elements (``_parser``); trafilatura extracts from a copy, so the
same tree serves the body, both trafilatura runs, the metadata, captions and
htmldate. trafilatura and htmldate are loaded on first use (``lazy``).

Metadata (read with lxml, which copes with multi-megabyte pages), first found
wins:

* title: ``<title>`` less site or section segments (see ``page_title``),
  else ``og:title``, JSON-LD ``headline``, the first ``<h1>``;
* publisher: ``og:site_name``, JSON-LD publisher, ``application-name``, the
  outlet owning the domain in ``data/outlets.toml`` (if present), the bare
  domain;
* published: JSON-LD ``datePublished``, ``article:published_time`` and kin,
  then htmldate (original date, not the last modification);
* byline: JSON-LD author, ``<meta name=author>``;
* url: ``<link rel=canonical>``, ``og:url``, the URL given by the caller.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from .. import lazy, rules
from ..records import Article, ImageCredit, Link
from .helpers import DumpRules, iso_date, load_dump_rules
from .htmlbody import extract_body

trafilatura = lazy.load("trafilatura")
htmldate = lazy.load("htmldate")

log = logging.getLogger(__name__)
# trafilatura warns about each page's broken markup ("empty link"): not actionable
# for a user, so it is quietened unless the application configured that logger.
if logging.getLogger("trafilatura").level == logging.NOTSET:
    logging.getLogger("trafilatura").setLevel(logging.ERROR)

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_FALLBACK_SHARE = 0.5  # precision-mode text shorter than this share of the default's is not trusted
_BLOCKS = ("p", "head", "quote", "code", "item", "row", "list", "table")
_ARTICLE_TYPES = {"newsarticle", "article", "reportagenews", "blogposting", "analysisnewsarticle",
                  "opinionnewsarticle", "backgroundnewsarticle", "webpage", "liveblogposting", "report"}
_DATE_META = ("article:published_time", "og:article:published_time", "datepublished", "pubdate",
              "publishdate", "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.created",
              "sailthru.date", "parsely-pub-date", "article.published", "originalpublicationdate")
_CREDIT_TAIL = re.compile(r"(?:\(([^()]{2,80})\)|(?:Photo(?:graph)?|Image|Credit|Picture)s?\s*:\s*([^.;]{2,80}))\s*\.?\s*$", re.I)
_MAX_CREDITS = 50
_MAX_FIGURES = 400  # figures and captions searched for credits
_MAX_CAPTIONS = 200  # captions whose text is dropped from the body
_CREDIT_LABEL = re.compile(r"^(?:(?:credits?|photo(?:graph)?s?|images?|pictures?|video)\b\s*:?\s*)*(?:by\s+)?", re.I)
_CAPTION_MIN_WORDS = 3
_MIN_WORDS = 10
_WIDGET_WORDS = 4  # a last paragraph this short, without punctuation, is a page control
_SITE_NAME_WORDS = 8  # a longer og:site_name is a headline put there by mistake
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_HAS_BODY = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
_HEAD_CHARS = 200_000
_SHORT_TEXT = 1000  # chars: below this, precision mode may have cut the article; try the default too
_TITLE_SEGMENT = re.compile(r"\s+(?:\||-|--|—|–|::|»)\s+([^|]+?)\s*$")
_SITE_WORDS = 4
_HEADLINE_WORDS = 4


@dataclass(frozen=True)
class PageMeta:
    """Metadata read from a page's head and JSON-LD."""

    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    byline: str | None = None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag, if any."""
    match = _CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None


def parse_html(html: str, url: str | None = None) -> Article:
    """Read one page; an empty ``body`` means no article text was found."""
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    if not _HAS_BODY.search(html[:_HEAD_CHARS]):  # a fragment: trafilatura wants a whole document
        html = f"<html><body>{html}</body></html>"
    try:
        tree = lxml.html.document_fromstring(html, parser=_parser())
    except (etree.ParserError, ValueError):
        return Article(id="", title="", body="", repairs=("unparseable HTML",))
    meta = page_meta(tree, url)
    _unwrap_embedded_posts(tree)
    credits, captions = _captions(tree)
    body, links = serialise(_paragraphs(tree, url), captions, meta.url)
    if len(body.split()) < _MIN_WORDS:  # a menu item or a caption, not an article
        body, links = "", []
    title = meta.title or _clean(_first([h.text_content() for h in tree.xpath("//h1")])) or ""
    site = meta.publisher
    if site and (site.casefold() == title.casefold() or len(site.split()) > _SITE_NAME_WORDS):  # a headline
        site = None
    return Article(
        id="",
        title=title,
        body=body,
        publisher=site or publisher_from_url(meta.url),
        published=meta.published or _find_date(tree, meta.url),
        byline=meta.byline,
        url=meta.url,
        links=tuple(links),
        image_credits=credits,
    )


# Embedded social posts: the blockquote a platform's embed code leaves in a page (its script never runs here).
_EMBED_CLASSES = ("twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "bluesky-embed", "threads-post")
_EMBEDS = etree.XPath("//blockquote[" + " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')"
                                                   for c in _EMBED_CLASSES) + "]")  # one pass over the page


def _unwrap_embedded_posts(tree: Any) -> None:
    """Turn each embedded post into a paragraph of the article: its text and its signature line
    ("— Jane Doe (@janedoe) November 18, 2019"), quoted by the article like any source.

    The wrapper an embed sits in ("social-media-embed") names page furniture, and the
    blockquote holds paragraphs of its own; both would drop the post from the body.
    """
    for quote in _EMBEDS(tree):
        text = " ".join(" ".join(quote.itertext()).split())
        if not text:
            continue
        para = lxml.html.Element("p")
        para.text = text
        target = quote
        parent = quote.getparent()
        while parent is not None and parent.tag == "div" and " ".join(" ".join(parent.itertext()).split()) == text:
            target, parent = parent, parent.getparent()  # the wrappers that hold nothing but the post
        if parent is None:
            continue
        para.tail = target.tail
        parent.replace(target, para)


@lru_cache(maxsize=1)
def _parser() -> Any:
    """lxml's HTML parser as trafilatura configures it (comments and processing instructions
    dropped), making ``lxml.html.HtmlElement``s as trafilatura and htmldate want.

    ``lxml.html.HTMLParser`` picks each element's class by a Python call as the element is
    first touched from Python (a tenth of the body extractor's walk); one class for every
    element, picked in C, gives the same tree and API (``text_content``, ``drop_tree``).
    """
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
    ))
    return parser


def _paragraphs(tree: Any, url: str | None) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """The body's paragraphs with their (anchor, href) pairs: citegraph's own extractor,
    or trafilatura's where the own one is unsure."""
    own = extract_body(tree)
    if own.sure:
        return list(own.paragraphs)
    doc = _extract(tree, url)
    if doc is None or doc.body is None:
        return []
    return [_inline(block) for block in _blocks(doc.body)]


def _extract(page: Any, url: str | None) -> Any:
    """trafilatura's document: precision mode, or its default when precision mode cut too much.

    ``page`` is the parsed page; trafilatura works on a copy, so it stays intact for the
    second run and for the metadata.
    """
    bare_extraction = trafilatura.bare_extraction
    common = {"url": url, "include_links": True, "include_comments": False}
    precise = bare_extraction(page, favor_precision=True, **common)
    precise_len = len(precise.text or "") if precise is not None else 0
    if precise_len >= _SHORT_TEXT:
        return precise
    default = bare_extraction(page, **common)
    default_len = len(default.text or "") if default is not None else 0
    return precise if precise_len and precise_len >= _FALLBACK_SHARE * default_len else default


def _find_date(tree: Any, url: str | None) -> str | None:
    """htmldate's original publication date (not the last modification), as YYYY-MM-DD.

    htmldate first reads the markup only (``<time>``, date attributes, the URL); its
    much slower extensive search of the page's text runs only when that finds
    nothing. Its answer is the same as one extensive call's, which makes the same
    markup search first.
    """
    for extensive in (False, True):
        try:
            found = htmldate.find_date(tree, url=url, original_date=True, outputformat="%Y-%m-%d", extensive_search=extensive)
        except (ValueError, TypeError) as err:  # htmldate on a degenerate tree
            log.debug("htmldate failed: %s", err)
            return None
        if found:
            return iso_date(found)
    return None


# -- body -----------------------------------------------------------------


def serialise(
    paragraphs: list[tuple[str, tuple[tuple[str, str], ...]]], captions: set[str], base: str | None = None
) -> tuple[str, list[Link]]:
    """The body ("\n\n"-joined paragraphs) and its links from (paragraph, (anchor, href) pairs).

    Paragraphs that repeat a caption are dropped, and so are teaser links and
    page controls from ``data/pagedump.toml`` ("Related: ...", "Advertisement"),
    and trailing widget labels ("Join The Conversation"): short last
    paragraphs without sentence punctuation.
    """
    normal_captions = {" ".join(c.split()) for c in captions}
    rules = load_dump_rules()
    blocks = [
        (para, refs)
        for para, refs in paragraphs
        if para and para not in normal_captions and not _is_teaser(para.casefold(), rules)
    ]
    while blocks and _is_widget_label(blocks[-1][0]):
        blocks.pop()
    text, links = "", []
    for para, refs in blocks:
        offset = len(text) + (2 if text else 0)
        text = f"{text}\n\n{para}" if text else para
        links += _locate(text, offset, [(t, _resolve(h, base)) for t, h in refs if _is_web_link(h)])
    return text, links


def _is_web_link(href: str) -> bool:
    """Links to other documents; in-page anchors and scripts are not citations."""
    return not href.startswith(("#", "javascript:", "data:"))


def _resolve(href: str, base: str | None) -> str:
    return urljoin(base, href) if base else href


def _is_teaser(folded: str, rules: DumpRules) -> bool:
    """A "Related: <headline>" / "Read more: ..." link to another story, or a page control."""
    return folded.startswith(rules.link_prefixes) or folded in rules.ui_lines


def _is_widget_label(paragraph: str) -> bool:
    return len(paragraph.split()) <= _WIDGET_WORDS and not re.search(r"[.!?:;\"”’)]$", paragraph)


def _blocks(element: Any) -> Iterator[Any]:
    """Leaf blocks in document order: paragraphs, headings, list items, table rows."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("list", "table", "quote", "div") and any(
            isinstance(c.tag, str) and c.tag in _BLOCKS for c in child
        ):
            yield from _blocks(child)
        else:
            yield child


def _inline(block: Any) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A block's text with whitespace collapsed, and its (anchor text, href) pairs in order."""
    refs = [
        (" ".join("".join(ref.itertext()).split()), ref.get("target") or "")
        for ref in block.iter("ref")
    ]
    text = " ".join("".join(block.itertext()).split())
    return text, tuple((t, h) for t, h in refs if t and h)


def _locate(text: str, offset: int, refs: list[tuple[str, str]]) -> list[Link]:
    links, cursor = [], offset
    for anchor, href in refs:
        start = text.find(anchor, cursor)
        if start < 0:
            continue
        cursor = start + len(anchor)
        links.append(Link(text=anchor, href=href, start=start, end=cursor))
    return links


# -- captions -------------------------------------------------------------


# Figures, figcaptions and the elements whose class names a caption, in document order. The class
# attributes are searched and their elements taken: libxml2 then tests attributes, not every element.
_CAPTION_NODES = etree.XPath("//figure | //@class[contains(., 'caption')]/.. | //figcaption")


def _captions(tree: Any) -> tuple[tuple[ImageCredit, ...], set[str]]:
    """The page's image credits, and the texts of its captions (to drop from the body).

    Credits come from the first ``_MAX_FIGURES`` figures and captions, caption texts from
    the first ``_MAX_CAPTIONS`` captions (``figcaption`` or a class naming a caption).
    """
    nodes = _CAPTION_NODES(tree)
    wanted = [i for i, n in enumerate(nodes) if n.tag != "figure" or "caption" in n.get("class", "")]
    wanted = wanted[:_MAX_CAPTIONS]
    end = max(_MAX_FIGURES, wanted[-1] + 1 if wanted else 0)
    texts = [" ".join(node.text_content().split()) for node in nodes[:end]]
    credits = _credits(nodes[:_MAX_FIGURES], texts)
    return credits, {texts[i] for i in wanted if texts[i]}


def _credits(nodes: list[Any], captions: list[str]) -> tuple[ImageCredit, ...]:
    found: set[ImageCredit] = set()
    for node, caption in zip(nodes, captions):
        credit = _credit_of(node, caption)
        if credit:
            found.add(ImageCredit(credit=credit, caption=caption))
    return tuple(sorted(found))[:_MAX_CREDITS]


def _credit_of(node: Any, caption: str) -> str | None:
    """The credit of one caption: its credit element, else a trailing "(AP)" / "Photo: X"."""
    if len(caption.split()) < _CAPTION_MIN_WORDS:
        return None
    marked = node.xpath(".//*[contains(@class, 'credit') or contains(@class, 'copyright')]")
    text = " ".join(marked[0].text_content().split()) if marked else ""
    if not text or text == caption:  # no credit element, or one wrapping the whole caption
        match = _CREDIT_TAIL.search(caption)
        text = (match.group(1) or match.group(2)).strip() if match else ""
    credit = _CREDIT_LABEL.sub("", text).strip()
    return credit[:120] if credit[:1].isupper() else None


# -- metadata -------------------------------------------------------------


def page_meta(tree: Any, url: str | None = None) -> PageMeta:
    """Title, publisher, date, canonical URL and author from meta tags and JSON-LD."""
    metas = _meta_tags(tree)
    ld = _json_ld_article(tree)
    canonical = _first(tree.xpath("//link[@rel='canonical']/@href")) or metas.get("og:url")
    page_url = urljoin(url or "", canonical) if canonical else url
    publisher = (
        metas.get("og:site_name")
        or _name_of(ld.get("publisher"))
        or metas.get("application-name")
    )
    date = _ld_text(ld.get("datePublished")) or next((metas[k] for k in _DATE_META if metas.get(k)), None)
    return PageMeta(
        title=page_title(tree, metas, ld),
        publisher=_clean(publisher),
        published=iso_date(date) if date else None,
        url=page_url or None,
        byline=_clean(_name_of(ld.get("author")) or _not_url(metas.get("author"))),
    )


def page_title(tree: Any, metas: dict[str, str], ld: dict[str, Any]) -> str | None:
    """The headline: the page's ``<title>`` less trailing site or section segments.

    ``"Apple's Vision Pro hands-on - The Verge"`` -> ``"Apple's Vision Pro hands-on"``:
    a last segment after " | ", " - ", " -- ", " — " or " :: " is dropped while
    it is short (at most ``_SITE_WORDS`` words, not ending in "!" or "?") and
    what remains is a headline of at least ``_HEADLINE_WORDS`` words. Without
    a ``<title>``, or when it is only the site's name: ``og:title``, then
    JSON-LD ``headline``.
    """
    title = _clean(_first([t.text_content() for t in tree.xpath("//head/title | //title")]))
    if not title or title.casefold() == (metas.get("og:site_name") or "").strip().casefold():
        return _clean(metas.get("og:title") or metas.get("twitter:title") or _ld_text(ld.get("headline"))) or title
    while True:
        match = _TITLE_SEGMENT.search(title)
        if not match or len(match.group(1).split()) > _SITE_WORDS or match.group(1).endswith(("!", "?")):
            return title
        head = title[: match.start()]
        if len(head.split()) < _HEADLINE_WORDS:
            return title
        title = head


def _meta_tags(tree: Any) -> dict[str, str]:
    metas: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip().lower()
        if key and key not in metas and node.get("content", "").strip():
            metas[key] = node.get("content").strip()
    return metas


def _json_ld_article(tree: Any) -> dict[str, Any]:
    """The first JSON-LD object typed as an article (or web page)."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "")
        except (json.JSONDecodeError, ValueError):
            continue
        for obj in _ld_objects(data):
            types = obj.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
                return obj
    return {}


def _ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_objects(data.get("@graph", []))


def _name_of(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name_of(v) for v in value) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    return _ld_text(value)


def _ld_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) if text and text.strip() else None


def _not_url(text: str | None) -> str | None:
    return None if not text or text.startswith(("http://", "https://")) else text


def _first(values: list[Any]) -> str | None:
    return str(values[0]).strip() if values else None


def publisher_from_url(url: str | None) -> str | None:
    """The outlet owning the URL's domain in ``data/outlets.toml``, else the bare domain."""
    host = urlsplit(url or "").hostname or ""
    host = host.removeprefix("www.")
    if not host:
        return None
    domains = _outlet_domains()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        name = domains.get(".".join(parts[i:]))
        if name:
            return name
    return host


@lru_cache(maxsize=1)
def _outlet_domains() -> dict[str, str]:
    """domain -> outlet name, from the gazetteer's data file."""
    outlets = rules.load("data/outlets.toml").get("outlet", [])
    return {
        d.lower().removeprefix("www."): o["name"]
        for o in outlets
        if isinstance(o, dict) and isinstance(o.get("name"), str)
        for d in o.get("domains", ())
        if isinstance(d, str)
    }
