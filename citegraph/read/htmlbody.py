"""citegraph's own article-body extractor: one pass over an lxml tree, text blocks scored by density.

trafilatura is accurate but slow on large pages, most of its time going to
XPath expressions run over every element (docs/SCALE.md). This extractor
walks the tree once and decides in plain Python:

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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import rules
from .helpers import DumpRules, load_dump_rules
from .pagetext import PageRules, load_page_rules

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
_DISPLAY_NONE = re.compile(r"display\s*:\s*none")
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
    owner: int  # the innermost block-level element holding the text (its number in ``_Tree``)
    furniture: tuple[int, ...]  # numbers of the ancestors whose class or id names page furniture
    kind: str = ""


@dataclass
class _Tree:
    """The page's block-level elements, numbered in document order, and its text blocks.

    Element ``i``'s descendants are the elements ``i + 1 .. end[i]``, so "is inside" is
    two comparisons and subtree totals are one backwards pass (``_totals``).
    """

    tags: list[str]
    parent: list[int]
    depth: list[int]
    end: list[int]
    blocks: list[_Block]


@lru_cache(maxsize=1)
def load_body_rules() -> BodyRules:
    data = rules.load("data/htmlbody.toml")
    return BodyRules(
        skip_tags=frozenset(data["skip_tags"]),
        furniture=frozenset(t.casefold() for t in data["furniture_tokens"]),
        dump=load_dump_rules(),
    )


def extract_body(root: Any) -> Body:
    """The article's paragraphs in ``root`` (an lxml HTML tree), see the module docstring."""
    rules = load_body_rules()
    tree = _walk(root, rules)
    blocks = tree.blocks
    for block in blocks:
        block.kind = _raw_kind(block, rules)
    real = _real_furniture(blocks)
    for block in blocks:
        if block.furniture and not real.isdisjoint(block.furniture):
            block.kind = "bad"
    _mark_teasers(tree)
    container = _container(tree)
    if container < 0:
        return Body((), False)
    last = tree.end[container]
    inside = [b for b in blocks if container <= b.owner <= last]
    kept = _keep(inside, tree.tags)
    prose = sum(_prose(b) for b in blocks if b.kind == "good")
    mine = sum(_prose(b) for b in inside if b.kind == "good")
    chars = sum(len(text) for text, _ in kept)
    sure = chars >= _SURE_CHARS and mine >= _SURE_SHARE * prose
    return Body(tuple(kept), sure)


# -- blocks ---------------------------------------------------------------


def _walk(root: Any, rules: BodyRules) -> _Tree:
    """Cuts a tree into ``_Block``s in document order, numbering its block-level elements."""
    skip, furniture_tokens, block_tags = rules.skip_tags, rules.furniture, _BLOCK_TAGS
    tree = _Tree([], [], [], [], [])
    blocks, tags, parent, depth, end = tree.blocks, tree.tags, tree.parent, tree.depth, tree.end
    parts: list[str] = []
    state = [0, []]  # link characters and (anchor, href) pairs of the text in ``parts``
    furniture_count = [0]
    named: dict[tuple[str | None, str | None], bool] = {}  # (class, id) -> names furniture

    def flush(owner: int, furniture: tuple[int, ...]) -> None:
        text = " ".join("".join(parts).split())
        if text:
            blocks.append(_Block(text, state[0], state[1], owner, furniture))
        parts.clear()
        state[0], state[1] = 0, []

    def visit(el: Any, owner: int, furniture: tuple[int, ...], in_link: bool) -> None:
        tag = el.tag
        if tag in skip or not isinstance(tag, str):
            return
        keys = el.keys()
        if keys and ("hidden" in keys or "aria-hidden" in keys or "style" in keys) and _hidden(el):
            return
        block = tag in block_tags
        if block:
            if parts:
                flush(owner, furniture)
            me = len(tags)
            tags.append(tag)
            parent.append(owner)
            depth.append(depth[owner] + 1 if owner >= 0 else 0)
            end.append(me)
            owner = me
        if keys and ("class" in keys or "id" in keys):
            names = (el.get("class"), el.get("id"))
            found = named.get(names)
            if found is None:
                found = named[names] = _names_furniture(names, furniture_tokens)
            if found:
                furniture = furniture + (furniture_count[0],)
                furniture_count[0] += 1
        link = tag == "a" and not in_link
        linked = in_link or link
        start = len(parts)
        text = el.text
        if text:
            parts.append(text)
            if linked:
                state[0] += len(text.strip())
        for child in el:
            visit(child, owner, furniture, linked)
            text = child.tail
            if text:
                parts.append(text)
                if linked:
                    state[0] += len(text.strip())
        if link:
            href = el.get("href")
            anchor = " ".join("".join(parts[start:]).split()) if href else ""
            if anchor:
                state[1].append((anchor, href.strip()))
        if block:
            if parts:
                flush(owner, furniture)
            end[owner] = len(tags) - 1

    visit(root, -1, (), False)
    return tree


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style) and "none" in style and _DISPLAY_NONE.search(style) is not None


def _names_furniture(names: tuple[str | None, str | None], furniture: frozenset[str]) -> bool:
    """Whether a class or id, split into words ("shareBar" -> share, bar), names page furniture."""
    words = _SPLIT.split(f"{names[0] or ''} {names[1] or ''}")
    return not furniture.isdisjoint(w.casefold() for w in words if w)


# -- scoring --------------------------------------------------------------


def _prose(block: _Block) -> int:
    """Characters outside links; CJK characters count three (those scripts are denser)."""
    size = len(block.text) - block.link_chars
    if size > 0 and not block.text.isascii():
        size += 2 * len(_CJK.findall(block.text))
    return size


def _real_furniture(blocks: list[_Block]) -> set[int]:
    """Furniture-named elements that hold under ``_FURNITURE_SHARE`` of the page's prose
    (the good blocks, as ``_raw_kind`` classed them).

    A page's ``<body class="has-sidebar">`` or an article wrapper named
    "post-share-container" holds the article itself: its name is not trusted.
    """
    prose: dict[int, int] = {}
    total = 0
    for block in blocks:
        size = _prose(block) if block.kind == "good" else 0
        total += size
        for el in block.furniture:
            prose[el] = prose.get(el, 0) + size
    return {el for el, size in prose.items() if size < _FURNITURE_SHARE * total}


def _raw_kind(block: _Block, rules: BodyRules) -> str:
    """A block's kind from its own text; a block under real page furniture is then bad (``extract_body``)."""
    chars = len(block.text)
    share = block.link_chars / chars if chars else 1.0
    if share > _BAD_LINK_SHARE:
        return "linked"
    folded = block.text.casefold()
    if folded in rules.dump.ui_lines or folded.startswith(rules.dump.link_prefixes):
        return "bad"
    if folded.startswith("<") and folded.endswith(">"):  # escaped markup, e.g. from a <noscript>
        return "bad"
    if _prose(block) >= _GOOD_CHARS and share <= _GOOD_LINK_SHARE:
        return "good"
    return "short"


def _totals(tree: _Tree, values: list[int]) -> list[int]:
    """Each element's sum of ``values`` (one per element, of the blocks it owns) over its subtree."""
    parent = tree.parent
    for i in range(len(values) - 1, 0, -1):
        if values[i]:
            values[parent[i]] += values[i]
    return values


def _mark_teasers(tree: _Tree) -> None:
    """A good block that is a story teaser (a card: a linked headline and one blurb) is bad.

    A block's card is its smallest ancestor holding other blocks too; a card
    with a single good block and a mostly-linked line is a teaser, as in a
    list of related or latest stories.
    """
    size = len(tree.tags)
    count, good, linked = [0] * size, [0] * size, [0] * size
    for block in tree.blocks:
        count[block.owner] += 1
        if block.kind == "good":
            good[block.owner] += 1
        elif block.kind == "linked" and len(block.text) >= _HEADLINE_CHARS:
            linked[block.owner] += 1
    count, good, linked = _totals(tree, count), _totals(tree, good), _totals(tree, linked)
    parent = tree.parent
    for block in tree.blocks:
        if block.kind != "good":
            continue
        card = block.owner
        while card >= 0 and count[card] <= 1:
            card = parent[card]
        if card >= 0 and good[card] == 1 and linked[card] >= 1:
            block.kind = "bad"


def _value(block: _Block) -> int:
    if block.kind == "good":
        return _prose(block)
    if block.kind in ("bad", "linked"):
        return -len(block.text)
    return 0


def _container(tree: _Tree) -> int:
    """The element with the highest summed block values (the deepest of equals), or -1 for no text."""
    size = len(tree.tags)
    values, held = [0] * size, [0] * size
    for block in tree.blocks:
        values[block.owner] += _value(block)
        held[block.owner] = 1
    values, held = _totals(tree, values), _totals(tree, held)
    best, best_key = -1, None
    depth = tree.depth
    for i in range(size):
        if held[i]:
            key = (values[i], depth[i])
            if best_key is None or key > best_key:
                best, best_key = i, key
    return best


def _keep(blocks: list[_Block], tags: list[str]) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Good blocks; short ones (and sentences that are mostly links) after a good block
    when they end a sentence or another good block follows."""
    page = load_page_rules()
    kinds = [_inside_kind(b, page, tags) for b in blocks]
    kept = []
    for i, block in enumerate(blocks):
        kind = kinds[i]
        if kind == "short" and _good_before(kinds, i):
            ends = _SENTENCE_END.search(block.text) or _good_after(kinds, i) or _credits_a_link(block)
            kind = "good" if ends else kind
        if kind == "good":
            kept.append((block.text, tuple(block.refs)))
    return kept


_BRACKETED_END = re.compile(r"[\[(]\s*(?P<anchor>[^\[\]()]{2,80}?)\s*[\])]$")


# a line that is only a bracketed name ("[The Verge]", "[PC World]"), not a bracketed headline ("[Roman treasures
# of the museum]")
_CREDIT_LINE = re.compile(r"\[\s*[A-Z0-9][\w.&'’!-]*(?:\s+[A-Z0-9][\w.&'’!-]*){0,4}\s*\]")


def _credits_a_link(block: _Block) -> bool:
    """A line that ends by crediting a linked source, as digests close an item: "Why the Pier Closed
    [Reuters]" with "Reuters" a link to the story."""
    end = _BRACKETED_END.search(block.text)
    return end is not None and any(anchor == end.group("anchor") for anchor, _ in block.refs)


def _inside_kind(block: _Block, page: PageRules, tags: list[str]) -> str:
    """A block's kind inside the container: page furniture lines ("your browser needs JavaScript",
    "Sign up for our newsletter", ``data/pagedump.toml``) are bad; a paragraph that is mostly
    links but reads as a sentence is short text."""
    if block.kind in ("good", "short") and _is_furniture_line(block.text.casefold(), page):
        return "bad"
    if block.kind == "linked" and tags[block.owner] in ("p", "li", "blockquote") and _SENTENCE_END.search(block.text):
        return "short"
    if block.kind == "linked" and tags[block.owner] in ("p", "li") and _credits_a_link(block) \
            and _CREDIT_LINE.fullmatch(block.text):
        return "short"  # a credit line of its own after a quoted excerpt: "[Engadget]", the name a link to the story
    return block.kind


def _is_furniture_line(folded: str, page: PageRules) -> bool:
    if any(p in folded for p in page.provenance):
        return False  # where the piece comes from: "From the book ... Reprinted by permission ..."
    if any(p in folded for p in page.boilerplate_any) or folded.startswith(page.furniture_prefixes):
        return True
    return len(folded.split()) <= _FURNITURE_WORDS and any(p in folded for p in page.boilerplate)


def _good_before(kinds: list[str], i: int) -> bool:
    return next((k for k in reversed(kinds[:i]) if k != "short"), "") == "good"


def _good_after(kinds: list[str], i: int) -> bool:
    return next((k for k in kinds[i + 1 :] if k != "short"), "") == "good"
