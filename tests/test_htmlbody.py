"""citegraph's own body extractor (htmlbody.py) on real pages of the Article Extraction Benchmark.

Pages are named by the first characters of their key in ``ground-truth.json``;
expectations come from the hand-checked ``articleBody`` and from the page's
own markup, never from strings written here.
"""

from __future__ import annotations

import gzip
import re
import json
from functools import lru_cache

import lxml.html
import pytest

from citegraph.read.htmlbody import Body, extract_body, load_body_rules
from conftest import CORPORA, need_shared

AEB = CORPORA / "aeb-html"
_FURNITURE_TEXT = 40  # furniture texts shorter than this may be words the article uses too


@lru_cache(maxsize=None)
def _truth() -> dict:
    return json.loads((need_shared(AEB) / "ground-truth.json").read_text("utf-8"))


def _page(prefix: str) -> tuple[lxml.html.HtmlElement, str]:
    """(parsed page, ground-truth body) of the page whose key starts with ``prefix``."""
    key = next(k for k in _truth() if k.startswith(prefix))
    html = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
    return lxml.html.document_fromstring(html), _truth()[key]["articleBody"]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _body_text(body: Body) -> str:
    return _norm(" ".join(text for text, _ in body.paragraphs))


def _ends(truth: str) -> tuple[str, str]:
    """The start of the article's first paragraph and the end of its last."""
    paragraphs = [_norm(p) for p in truth.split("\n") if p.strip()]
    return paragraphs[0][:80], paragraphs[-1][-80:]


def _class_words(el: lxml.html.HtmlElement) -> set[str]:
    return set((el.get("class") or "").replace("-", " ").replace("_", " ").casefold().split())


# A related-stories block, a share bar, captions, sidebars: pages whose furniture is named so.
FURNITURE = [
    ("0d46122928b6", "related"),
    ("5fbc7ccb504c", "related"),
    ("264dc3ae3124", "share"),
    ("63db31a161b3", "share"),
    ("70cb2d5bca75", "caption"),
    ("05844573ca7e", "caption"),
]
# Pages whose article sits inside an element named like furniture ("l-sidebar-fixed",
# "penci_sidebar", "ArticlePage-content paywall", "widget Blog").
WRAPPED = ["16c30add7e96", "0e014df693f1", "098bb3e96c0a", "358cc4a08045"]


@pytest.mark.parametrize("prefix", sorted({p for p, _ in FURNITURE} | set(WRAPPED)))
def test_body_runs_from_first_to_last_sentence(prefix):
    root, truth = _page(prefix)
    body = extract_body(root)
    first, last = _ends(truth)
    text = _body_text(body)
    assert body.sure
    assert first in text
    assert last in text


@pytest.mark.parametrize(("prefix", "word"), FURNITURE)
def test_named_furniture_is_left_out(prefix, word):
    root, truth = _page(prefix)
    reference = _norm(truth)
    furniture = {
        text
        for el in root.iter()
        if isinstance(el.tag, str) and word in _class_words(el)
        for text in [_norm("".join(el.itertext()))]
        if len(text) >= _FURNITURE_TEXT and text not in reference
    }
    assert furniture, f"page {prefix} has no '{word}' block to test"
    body = _body_text(extract_body(root))
    assert [text[:60] for text in furniture if text in body] == []


@pytest.mark.parametrize("prefix", WRAPPED)
def test_furniture_name_around_most_of_the_prose_is_not_trusted(prefix):
    root, truth = _page(prefix)
    first, last = _ends(truth)
    rules = load_body_rules()
    holders = [el for el in root.iter() if isinstance(el.tag, str) and first[:40] in _norm("".join(el.itertext()))]
    named = [a for a in holders[-1].iterancestors() if _class_words(a) & rules.furniture]  # the deepest holder's
    assert named, f"page {prefix}: the article is not inside a furniture-named element"
    text = _body_text(extract_body(root))
    assert first in text and last in text


# Bodies of a few short lines, none at all, and one (717 characters) whose container holds
# a third of the page's prose.
@pytest.mark.parametrize("prefix", ["f6ac15a4d985", "fde930b01859", "b3c19dd5f061", "6ebac05f637e"])
def test_unsure_where_little_prose_is_found(prefix):
    root, truth = _page(prefix)
    body = extract_body(root)
    assert not body.sure
    assert sum(len(text) for text, _ in body.paragraphs) < len(_norm(truth))


def test_links_keep_their_anchor_and_href():
    root, _ = _page("0d46122928b6")
    body = extract_body(root)
    refs = [ref for _, refs in body.paragraphs for ref in refs]
    assert refs
    for text, refs_of in body.paragraphs:
        for anchor, href in refs_of:
            assert anchor in text and href and href == href.strip()


# ---------------------------------------------------------------- the body's last paragraph


def _last_sentence_paragraph(text: str) -> str:
    """The last paragraph of a hand-checked body that ends a sentence (not a related story's title)."""
    paras = [p for p in re.split(r"\n+", text) if len(p.split()) >= 6 and _SENTENCE_END_TEXT.search(p)]
    return paras[-1]


_SENTENCE_END_TEXT = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


def _dev_html_pages() -> list[str]:
    gold = need_shared(CORPORA.parent / "gold" / "dev.gold.jsonl")
    rels = [json.loads(line)["article"] for line in gold.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rels if r.startswith(("aeb-html/", "readability-testpages/", "newspaper4k-fixtures/"))]


def _hand_checked_body(rel: str) -> str:
    path = CORPORA / rel
    if rel.startswith("aeb-html/"):
        return _truth()[path.name.split(".")[0]]["articleBody"]
    if rel.startswith("readability-testpages/"):
        page = lxml.html.fromstring((path.parent / "expected.html").read_text("utf-8"))
        return "\n".join(_norm(el.text_content()) for el in page.iter("p", "li", "blockquote", "pre"))
    return (CORPORA / "newspaper4k-fixtures" / "txt" / f"{path.stem}.txt").read_text("utf-8")


def test_no_dev_page_loses_its_last_paragraph():
    """Every HTML page of the development set with a hand-checked body (aeb-html, readability's and
    newspaper4k's expected texts) keeps that body's last paragraph: the end of the article, where
    credits, corrections and "contributed to this report" lines sit."""
    from citegraph.read.files import ReadOptions, read_one

    lost = []
    pages = _dev_html_pages()
    for rel in pages:
        last = re.findall(r"\w+", _last_sentence_paragraph(_hand_checked_body(rel)).casefold())[-8:]
        body = " ".join(re.findall(r"\w+", read_one(CORPORA / rel, rel, ReadOptions())[0].body.casefold()))
        if " ".join(last) not in body:
            lost.append(rel)
    assert len(pages) >= 35 and lost == []


def test_a_closing_line_crediting_a_linked_source_is_kept():
    """Digests close an item with its source, linked: "Why the Pier Is Closing [Reuters]". That line is
    the article's citation; it ends in no full stop and used to be dropped as a short line."""
    html = """<html><head><title>Pier news</title></head><body><nav><a href='/'>Home</a></nav><article>
    <p>The harbour board met on Tuesday and voted to close the old pier for a year of repairs, after
    engineers found cracks in three of its pylons.</p>
    <p>Fishing boats will moor at the new quay instead, the board said, and the ferry timetable will not
    change while the work goes on.</p>
    <p><em>Why the Old Pier Is Closing, Explained </em><em>[<a href="https://example.org/pier">Harbour
    Gazette</a>]</em></p><p><a href="/more">More stories</a></p></article></body></html>"""
    body = _body_text(extract_body(lxml.html.document_fromstring(html)))
    assert body.endswith("Why the Old Pier Is Closing, Explained [Harbour Gazette]")
    unlinked = html.replace('<a href="https://example.org/pier">Harbour\n    Gazette</a>', "Harbour Gazette")
    assert "Explained" not in _body_text(extract_body(lxml.html.document_fromstring(unlinked)))


def test_a_credit_line_of_its_own_after_a_quoted_excerpt_is_kept():
    """Round-ups quote excerpts and credit each on a line of its own, the name linked: "[Harbour Gazette]".
    That line is the excerpt's citation; a bracketed headline linked the same way is a teaser, not a credit."""
    html = """<html><head><title>Reviews</title></head><body><nav><a href='/'>Home</a></nav><article>
    <p>Here is what the first reviews of the new harbour ferry say, from the papers that rode it first:</p>
    <blockquote><p>The ferry is quick and quiet, and the crossing that took an hour now takes twenty
    minutes, though the café on board was closed on our trip.</p></blockquote>
    <p><strong>[</strong><a href="https://example.org/ferry"><strong>Harbour Gazette</strong></a><strong>]</strong></p>
    <blockquote><p>It rolls in a swell, and the seats upstairs are hard, but the views of the old pier
    from the top deck are worth the fare on their own.</p></blockquote>
    <p>[<a href="https://example.org/pier">Why the old pier is closing for a year</a>]</p>
    <p>The ferry runs every hour from six in the morning, the harbour board said on Tuesday, and fares
    will not change until the spring.</p></article></body></html>"""
    body = _body_text(extract_body(lxml.html.document_fromstring(html)))
    assert "[Harbour Gazette]" in body
    assert "old pier is closing" not in body


def test_a_line_naming_where_the_piece_comes_from_is_not_furniture():
    """"From the book ... Reprinted by permission ... All rights reserved." ends a book excerpt: the
    article's own provenance, though it holds a phrase of legal footers."""
    html = """<html><head><title>An excerpt</title></head><body><article>
    <p>The harbour town grew up around its pier, and for a century every boat that came in tied up at
    the same iron rings along its edge, whatever the weather and whatever the catch.</p>
    <p>Then the fishing stopped, and the town had to decide what a pier is for when nothing comes in to
    tie up at it, and who should pay to keep it standing.</p>
    <p><i>From the book </i><a href="https://example.org/book">Harbour Lives</a><i> by Ann Example.
    Copyright © 2019 by Ann Example. Reprinted by permission of Example Books. All rights reserved.</i></p>
    </article><footer><p>© 2024 Example Media. All rights reserved.</p></footer></body></html>"""
    body = _body_text(extract_body(lxml.html.document_fromstring(html)))
    assert body.endswith("Reprinted by permission of Example Books. All rights reserved.")
    assert "Example Media" not in body
