"""Every file of every shared corpus goes through the reader without a crash.

One test per corpus folder; each checks the records are well formed (link
offsets index the body, dates are ISO, ids unique) and pins what is known
about the corpus (article counts, the one Latin-1 BBC file).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article, Skip

# corpus folder -> (articles expected at least, file names that may be skipped).
# aeb-html and trafilatura-pages (245 pages, minutes on a shared machine) go
# through benchmarks/bench_read.py and benchmarks/eval_body.py instead.
CORPORA_EXPECTED = {
    "polnear": (1012, set()),
    "bbc-fulltext": (2225, set()),
    "gum-wikinews": (24, {"metadata.jsonl"}),  # its lines are metadata records without text
    "readability-testpages": (52, set()),
    "newspaper4k-fixtures": (22, set()),
    "goose3-fixtures": (23, set()),
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@lru_cache(maxsize=None)
def read(folder: Path) -> tuple[list[Article], list[Skip]]:
    items = list(iter_articles([folder], ReadOptions()))
    return [a for a in items if isinstance(a, Article)], [s for s in items if isinstance(s, Skip)]


def check_records(articles: list[Article]) -> None:
    assert len({a.id for a in articles}) == len(articles)
    for article in articles:
        assert article.body.strip(), article.id
        assert article.published is None or _ISO.match(article.published), (article.id, article.published)
        for link in article.links:
            assert article.body[link.start : link.end] == link.text, (article.id, link)
        for credit in article.image_credits:
            assert credit.credit and credit.caption


@pytest.mark.parametrize("name", sorted(CORPORA_EXPECTED))
def test_every_file_reads_without_a_crash(corpora, name):
    folder = corpora / name
    if not folder.exists():
        pytest.skip(f"{folder} is absent")
    articles, skips = read(folder)
    want_articles, may_skip = CORPORA_EXPECTED[name]
    assert not [s for s in skips if Path(s.path).name.split("#")[0] not in may_skip], skips
    assert len(articles) >= want_articles
    check_records(articles)


def test_bbc_latin1_file_is_the_only_repair(corpora):
    articles, _ = read(corpora / "bbc-fulltext" / "bbc" / "sport")
    repaired = {a.id: a.repairs for a in articles if a.repairs}
    assert repaired == {"199.txt": ("decoded as cp1252 (not valid UTF-8)",)}


def test_html_pages_get_title_publisher_and_url(corpora):
    articles, _ = read(corpora / "readability-testpages")
    articles = [a for a in articles if a.id.endswith("source.html")]
    with_title = sum(bool(a.title) for a in articles)
    with_publisher = sum(bool(a.publisher) for a in articles)
    with_url = sum(bool(a.url) for a in articles)
    assert with_title == len(articles) and with_publisher == len(articles)
    assert with_url >= 0.9 * len(articles)
