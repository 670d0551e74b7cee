"""citegraph's own article-body extractor: one pass over an lxml tree, text blocks scored by density.

trafilatura is accurate but costs 30-300 ms a page, most of it in XPath
expressions run over every element. This extractor walks the tree once and
decides in plain Python:

1. **Blocks.** The page is cut into text blocks at block-level tags (``p``,
   ``li``, ``h2``, ``div``, ...), inline tags (``a``, ``em``, ``span``) joining
   their text. Subtrees that are never article text (scripts, forms'
   controls, ``nav``, ``aside``, ``footer``, figures) are skipped; each block
   notes its link characters and links, and the nearest ancestor whose class
   or id names page furniture ("share-bar", "related-stories", "comments").
2. **Kinds.** A block is *good* (prose: at least ``_GOOD_CHARS`` characters
   outside links, few links), *bad* (mostly link text, under a furniture
   ancestor, or a page control from ``data/pagedump.toml``) or *short*.
3. **Container.** Every block adds its score to each ancestor (good: its
   characters outside links; bad: minus its characters); the element with the
   highest total is the article's container (the one that holds its prose
   and leaves out the most furniture).
4. **Paragraphs.** Inside the container good blocks are kept, and short ones
   between good ones (subheadings, short paragraphs); bad ones are dropped.

``extract_body`` says how sure it is: a body under ``_SURE_CHARS`` characters,
or a container holding under ``_SURE_SHARE`` of the page's prose, is
*unsure*, and ``htmlpage`` then asks trafilatura instead. Furniture words
live in ``data/htmlbody.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from lxml import etree

from .pagetext import PageRules, load_page_rules
from .textdump import DumpRules, load_rules

_BLOCK_TAGS = frozenset(
    "address article blockquote body center dd details div dl dt fieldset form h1 h2 h3 h4 h5 h6 header "
    "hgroup hr html li main ol p pre section summary table tbody td tfoot th thead tr ul caption".split()
)
_HEADINGS = frozenset("h2 h3 h4 h5 h6".split())
_GOOD_CHARS = 80  # characters outside links that make a block prose
_GOOD_LINK_SHARE = 0.3  # at most this share of a good block is link text
_BAD_LINK_SHARE = 0.5  # a block with more link text than this is navigation
_FURNITURE_SHARE = 0.5  # a furniture-named element holding more of the page's prose is the article
_HEADLINE_CHARS = 20  # a linked line this long may be a teaser's headline
_FURNITURE_WORDS = 25  # a paragraph this short naming page furniture ("sign up", "©") is furniture
_SURE_CHARS = 600  # a shorter body is checked by trafilatura
_SURE_SHARE = 0.7  # the container must hold this share of the page's prose
_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
_SENTENCE_END = re.compile(r"""[.!?…:;。！？]["'”’)\]]*$""")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class BodyRules:
    """Words of the extractor, from ``data/htmlbody.toml`` (and ``pagedump.toml``'s page controls)."""

    skip_tags: frozenset[str]
    furniture: frozenset[str]
    dump: DumpRules


@dataclass(frozen=True)
class Body:
    """The extracted paragraphs, each with its (anchor text, href) pairs, and whether to trust them."""

    paragraphs: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    sure: bool


@dataclass
class _Block:
    text: str
    link_chars: int
    refs: list[tuple[str, str]]
    path: tuple[Any, ...]  # block-level ancestors, outermost first; the last owns the text
    furniture: tuple[Any, ...]  # ancestors whose class or id names page furniture
    kind: str = ""


@lru_cache(maxsize=1)
def load_body_rules() -> BodyRules:
    text = resources.files("citegraph").joinpath("data/htmlbody.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return BodyRules(
        skip_tags=frozenset(data["skip_tags"]),
        furniture=frozenset(t.casefold() for t in data["furniture_tokens"]),
        dump=load_rules(),
    )


def extract_body(root: Any) -> Body:
    """The article's paragraphs in ``root`` (an lxml HTML tree), see the module docstring."""
    rules = load_body_rules()
    blocks = _Walker(rules).blocks(root)
    real = _real_furniture(blocks, rules)
    for block in blocks:
        block.kind = _kind(block, rules, real)
    _mark_teasers(blocks)
    scores = _scores(blocks)
    if not scores:
        return Body((), False)
    container = max(scores, key=lambda el: (scores[el][0], -scores[el][1]))
    inside = [b for b in blocks if container in b.path]
    kept = _keep(inside)
    prose = sum(_prose(b) for b in blocks if b.kind == "good")
    mine = sum(_prose(b) for b in inside if b.kind == "good")
    chars = sum(len(text) for text, _ in kept)
    sure = chars >= _SURE_CHARS and mine >= _SURE_SHARE * prose
    return Body(tuple(kept), sure)


# -- blocks ---------------------------------------------------------------


class _Walker:
    """Cuts a tree into ``_Block``s in document order."""

    def __init__(self, rules: BodyRules) -> None:
        self.rules = rules
        self.out: list[_Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.refs: list[tuple[str, str]] = []

    def blocks(self, root: Any) -> list[_Block]:
        self._visit(root, (), (), False)
        return self.out

    def _visit(self, el: Any, path: tuple[Any, ...], furniture: tuple[Any, ...], in_link: bool) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in self.rules.skip_tags or _hidden(el):
            return
        block = tag in _BLOCK_TAGS
        if block:
            self._flush(path, furniture)
            path = path + (el,)
        if (el.get("class") or el.get("id")) and _is_furniture(el, self.rules):
            furniture = furniture + (el,)
        link = tag == "a" and not in_link
        start = len(self.parts)
        if el.text:
            self._add(el.text, in_link or link)
        for child in el:
            self._visit(child, path, furniture, in_link or link)
            if child.tail:
                self._add(child.tail, in_link or link)
        if link:
            anchor = " ".join("".join(self.parts[start:]).split())
            if anchor and el.get("href"):
                self.refs.append((anchor, el.get("href").strip()))
        if block:
            self._flush(path, furniture)

    def _add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        if in_link:
            self.link_chars += len(text.strip())

    def _flush(self, path: tuple[Any, ...], furniture: tuple[Any, ...]) -> None:
        if self.parts:
            text = " ".join("".join(self.parts).split())
            if text:
                self.out.append(_Block(text, self.link_chars, self.refs, path, furniture))
            self.parts, self.link_chars, self.refs = [], 0, []


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style) and "none" in style and re.search(r"display\s*:\s*none", style) is not None


def _is_furniture(el: Any, rules: BodyRules) -> bool:
    return bool(_tokens(f"{el.get('class') or ''} {el.get('id') or ''}") & rules.furniture)


@lru_cache(maxsize=4096)
def _tokens(names: str) -> frozenset[str]:
    return frozenset(t.casefold() for t in _SPLIT.split(names) if t)


# -- scoring --------------------------------------------------------------


def _prose(block: _Block) -> int:
    """Characters outside links; CJK characters count three (those scripts are denser)."""
    size = len(block.text) - block.link_chars
    if size > 0 and not block.text.isascii():
        size += 2 * len(_CJK.findall(block.text))
    return size


def _real_furniture(blocks: list[_Block], rules: BodyRules) -> set[Any]:
    """Furniture-named elements that hold under ``_FURNITURE_SHARE`` of the page's prose.

    A page's ``<body class="has-sidebar">`` or an article wrapper named
    "post-share-container" holds the article itself: its name is not trusted.
    """
    prose: dict[Any, int] = {}
    total = 0
    for block in blocks:
        size = _prose(block) if _raw_kind(block, rules) == "good" else 0
        total += size
        for el in block.furniture:
            prose[el] = prose.get(el, 0) + size
    return {el for el, size in prose.items() if size < _FURNITURE_SHARE * total}


def _kind(block: _Block, rules: BodyRules, furniture: set[Any]) -> str:
    if any(el in furniture for el in block.furniture):
        return "bad"
    return _raw_kind(block, rules)


def _raw_kind(block: _Block, rules: BodyRules) -> str:
    chars = len(block.text)
    share = block.link_chars / chars if chars else 1.0
    folded = block.text.casefold()
    if share > _BAD_LINK_SHARE:
        return "linked"
    if folded in rules.dump.ui_lines or folded.startswith(rules.dump.link_prefixes):
        return "bad"
    if folded.startswith("<") and folded.endswith(">"):  # escaped markup, e.g. from a <noscript>
        return "bad"
    if _prose(block) >= _GOOD_CHARS and share <= _GOOD_LINK_SHARE:
        return "good"
    return "short"


def _mark_teasers(blocks: list[_Block]) -> None:
    """A good block that is a story teaser (a card: a linked headline and one blurb) is bad.

    A block's card is its smallest ancestor holding other blocks too; a card
    with a single good block and a mostly-linked line is a teaser, as in a
    list of related or latest stories.
    """
    counts: dict[Any, list[int]] = {}
    for block in blocks:
        good, linked = block.kind == "good", block.kind == "linked" and len(block.text) >= _HEADLINE_CHARS
        for el in block.path:
            entry = counts.setdefault(el, [0, 0, 0])
            entry[0] += 1
            entry[1] += good
            entry[2] += linked
    for block in blocks:
        if block.kind != "good":
            continue
        card = next((counts[el] for el in reversed(block.path) if counts[el][0] > 1), None)
        if card is not None and card[1] == 1 and card[2] >= 1:
            block.kind = "bad"


def _value(block: _Block) -> int:
    if block.kind == "good":
        return _prose(block)
    if block.kind in ("bad", "linked"):
        return -len(block.text)
    return 0


def _scores(blocks: list[_Block]) -> dict[Any, list[int]]:
    """element -> [summed block values, minus depth] for every block-level ancestor."""
    scores: dict[Any, list[int]] = {}
    for block in blocks:
        value = _value(block)
        for depth, el in enumerate(block.path):
            entry = scores.get(el)
            if entry is None:
                scores[el] = [value, depth]
            else:
                entry[0] += value
    return {el: [s, -d] for el, (s, d) in scores.items()}


def _keep(blocks: list[_Block]) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Good blocks; short ones (and sentences that are mostly links) after a good block
    when they end a sentence or another good block follows."""
    page = load_page_rules()
    kinds = [_inside_kind(b, page) for b in blocks]
    kept = []
    for i, block in enumerate(blocks):
        kind = kinds[i]
        if kind == "short" and _good_before(kinds, i):
            kind = "good" if _SENTENCE_END.search(block.text) or _good_after(kinds, i) else kind
        if kind == "good":
            kept.append((block.text, tuple(block.refs)))
    return kept


def _inside_kind(block: _Block, page: PageRules) -> str:
    """A block's kind inside the container: page furniture lines ("your browser needs JavaScript",
    "Sign up for our newsletter", ``data/pagedump.toml``) are bad; a paragraph that is mostly
    links but reads as a sentence is short text."""
    if block.kind in ("good", "short") and _is_furniture_line(block.text.casefold(), page):
        return "bad"
    if block.kind == "linked" and block.path[-1].tag in ("p", "li", "blockquote") and _SENTENCE_END.search(block.text):
        return "short"
    return block.kind


def _is_furniture_line(folded: str, page: PageRules) -> bool:
    if any(p in folded for p in page.boilerplate_any) or folded.startswith(page.furniture_prefixes):
        return True
    return len(folded.split()) <= _FURNITURE_WORDS and any(p in folded for p in page.boilerplate)


def _good_before(kinds: list[str], i: int) -> bool:
    return next((k for k in reversed(kinds[:i]) if k != "short"), "") == "good"


def _good_after(kinds: list[str], i: int) -> bool:
    return next((k for k in kinds[i + 1 :] if k != "short"), "") == "good"
