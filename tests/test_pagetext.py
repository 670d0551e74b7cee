"""Text dumps of whole web pages (``citegraph/pagetext.py``), made at test time from real corpus pages.

Each dump comes from ``lxml_dump`` (benchmarks/eval_pagetext.py), a browser-like
"save as text" built on lxml: block elements on their own lines, list items as
"  • ". The article read from the dump is checked against the page's expected
title and against the HTML reader's body; the plain corpora and the seeds must
read exactly as the plain-text and byline-block shapes read them.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from citegraph.read import pagetext, textdump
from citegraph.read.htmlpage import parse_html
from citegraph.records import Article

from conftest import DATA, REPO

_spec = importlib.util.spec_from_file_location("eval_pagetext", REPO / "benchmarks" / "eval_pagetext.py")
eval_pagetext = importlib.util.module_from_spec(_spec)
sys.modules["eval_pagetext"] = eval_pagetext
_spec.loader.exec_module(eval_pagetext)

# readability-testpages pages: their expected-metadata title is checked.
TITLED = ["ars-1", "bbc-1", "cnet", "nytimes-1", "nytimes-2", "seattletimes-1", "telegraph"]
# pages (corpus, path) whose dump body must start and end where the HTML reader's body does.
SPANNED = [
    ("readability-testpages", "ars-1/source.html"),
    ("readability-testpages", "seattletimes-1/source.html"),
    ("readability-testpages", "guardian-1/source.html"),
    ("readability-testpages", "tmz-1/source.html"),
    ("trafilatura-pages", "eval/pagesix.com.myers.html.gz"),
    ("trafilatura-pages", "eval/japantimes.co.jp.surgical.html.gz"),
    ("trafilatura-pages", "eval/nowgrenada.com-pm.html.gz"),
]
_FURNITURE = re.compile(r"newsletter|subscribe|sign up|log in|©|all rights reserved|cookie|skip to", re.I)


def _html(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")


@lru_cache(maxsize=None)
def _read(path: Path) -> tuple[str, Article, Article]:
    """(the dump, the article read from it, the HTML reader's article) for a corpus page."""
    html = _html(path)
    dump = eval_pagetext.lxml_dump(html)
    return dump, textdump.parse_text(dump, path.name), parse_html(html)


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]


@pytest.mark.parametrize("name", TITLED)
def test_title_is_the_pages_headline(corpora, name):
    page = corpora / "readability-testpages" / name
    want = json.loads((page / "expected-metadata.json").read_text("utf-8"))["title"]
    dump, article, _ = _read(page / "source.html")
    assert pagetext.is_page_dump(dump)
    assert " ".join(article.title.split()) == " ".join(want.split())


@pytest.mark.parametrize(("corpus", "rel"), SPANNED)
def test_body_starts_and_ends_with_the_article(corpora, corpus, rel):
    _, article, html_article = _read(corpora / corpus / rel)
    ours, theirs = _paragraphs(article.body), _paragraphs(html_article.body)
    assert ours[0] == theirs[0]
    assert ours[-1] == theirs[-1]


@pytest.mark.parametrize(("corpus", "rel"), SPANNED)
def test_menus_newsletters_and_captions_stay_out_of_the_body(corpora, corpus, rel):
    dump, article, _ = _read(corpora / corpus / rel)
    body = set(_paragraphs(article.body))
    menu = {" ".join(line.split()[1:]) for line in dump.splitlines() if line.startswith("  • ")}
    menu = {m for m in menu if 0 < len(m.split()) <= 5}
    assert menu and not menu & body
    assert not [p for p in body if _FURNITURE.search(p) and len(p.split()) < 25]
    assert not {" ".join(c.caption.split()) for c in article.image_credits} & body


def test_photo_credits_become_image_credits(corpora):
    _, article, _ = _read(corpora / "readability-testpages" / "tmz-1" / "source.html")
    assert article.image_credits
    assert all(c.credit and c.credit in c.caption for c in article.image_credits)


@pytest.mark.parametrize("pattern", ["polnear/*/text/*.txt", "bbc-fulltext/bbc/*/*.txt", "gum-wikinews/text/*.txt"])
def test_plain_corpora_stay_plain_text(corpora, pattern):
    paths = sorted(corpora.glob(pattern))
    if not paths:
        pytest.skip(f"no {pattern} under {corpora}")
    for path in paths:
        text = path.read_text("utf-8", "replace").replace("\xa0", " ")
        assert not pagetext.is_page_dump(text), path.name
        assert textdump.parse_text(text, path.name).body == text[textdump.plain_body_offset(text) :].rstrip()


@pytest.mark.parametrize("path", sorted(DATA.glob("*.txt")), ids=lambda p: p.name)
def test_seeds_read_as_without_pagetext(path, monkeypatch):
    text = path.read_text("utf-8")
    article = textdump.parse_text(text, path.name)
    monkeypatch.setattr(pagetext, "is_page_dump", lambda text: False)
    assert article == textdump.parse_text(text, path.name)
    assert article.body


def test_a_line_naming_where_the_piece_comes_from_stays_in_a_dump():
    """A book excerpt's closing credit holds "All rights reserved" like a legal footer, but says where
    the piece comes from: it stays in the body; the site's own footer does not."""
    dump = "\n".join([
        "Harbour Lives: what a pier is for", "Home | News | Sport | Weather", "Sign up for our newsletter",
        "The harbour town grew up around its pier, and for a century every boat that came in tied up at the "
        "same iron rings along its edge, whatever the weather and whatever the catch.",
        "Then the fishing stopped, and the town had to decide what a pier is for when nothing comes in to tie "
        "up at it, and who should pay to keep it standing.",
        "From the book Harbour Lives by Ann Example. Copyright © 2019 by Ann Example. Reprinted by permission "
        "of Example Books. All rights reserved.",
        "Share this article", "© 2024 Example Media. All rights reserved.",
    ])
    body = pagetext.parse_page_dump(dump).body
    assert body.endswith("Reprinted by permission of Example Books. All rights reserved.")
    assert "Example Media" not in body and "newsletter" not in body
