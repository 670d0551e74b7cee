"""Human sources (citegraph.sources) on real articles: the seeds and corpus pages read at run time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citegraph.errors import ConfigError
from citegraph.extract.gazetteer import Gazetteer
from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article, Citation, CitationKind
from citegraph.extract.sources import Lexicon, find_sources
from citegraph.extract.sentences import sentences

from conftest import CORPORA, DATA, need_shared

PERSON, ORG, ANON = CitationKind.PERSON, CitationKind.ORGANIZATION, CitationKind.ANONYMOUS


@pytest.fixture(scope="module")
def outlet_names() -> frozenset[str]:
    """What the Extractor passes: every outlet name, alias and abbreviation."""
    gazetteer = Gazetteer.load()
    return frozenset(n for o in gazetteer.outlets for n in (o.name, *o.aliases, *o.abbreviations))


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    return {a.id: a for a in iter_articles([DATA], ReadOptions())}


def sources_of(article: Article, outlets: frozenset[str] = frozenset()) -> list[Citation]:
    return find_sources(article, sentences(article.body), outlets)


def corpus_article(rel: str) -> Article:
    """A corpus text as an article: the first line is the title, the rest the body."""
    path = need_shared(CORPORA / rel)
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return Article(id=Path(rel).name, title=title, body=body)


SEEDS = {
    "000_d868355d3de1eb99.txt": {
        (ANON, "official", "said"),
        (ANON, "senior officials", "relayed"),
        (ANON, "source", "says"),
        (ANON, "sources", "detailed"),
        (PERSON, "Antony Blinken", "according to"),
    },
    "001_6195e9e891bbb07e.txt": {
        (ANON, "authorities", "stated"),
        (ANON, "persons who have gathered signatures", "according to"),
        (ANON, "political appointees who assisted in organizing the letter to Biden", "according to"),
        (ORG, "Palestinian Health Ministry", "as per"),
    },
    "002_42b9e229ad0a0ea5.txt": {
        (ORG, "White House", "announced"),
        (PERSON, "Antony Blinken", "tells"),
        (PERSON, "John Kirby", "told"),
        (PERSON, "Linda Thomas-Greenfield", "claimed"),
        (PERSON, "Matthew Miller", "according to"),
    },
    "003_d33c0711b28e4767.txt": {
        (ANON, "Israeli officials", "stated"),
        (ANON, "US official", "stated"),
        (ANON, "senior Israeli official", "revealed"),
        (ANON, "sources familiar with the talks", "revealed"),
        (ORG, "Health Ministry in Gaza", "reported"),
        (PERSON, "Antony Blinken", "stressed"),
        (PERSON, "Benjamin Netanyahu", "stated"),
        (PERSON, "Yoav Gallant", "stated"),
    },
    "004_678875eedfc1e651.txt": {
        (ANON, "senior US official", "stated"),
        (ORG, "Biden administration", "claims"),
        (PERSON, "Matthew Miller", "admitted"),
    },
}


@pytest.mark.parametrize("article_id", sorted(SEEDS))
def test_seed_sources_exact(seeds, outlet_names, article_id):
    found = {(c.kind, c.name, c.cue) for c in sources_of(seeds[article_id], outlet_names)}
    assert found == SEEDS[article_id]


@pytest.mark.parametrize("article_id", sorted(SEEDS))
def test_seed_evidence_points_into_the_body(seeds, outlet_names, article_id):
    article = seeds[article_id]
    for citation in sources_of(article, outlet_names):
        assert citation.article == article_id
        assert citation.evidence, citation
        starts = [e.start for e in citation.evidence]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        for ev in citation.evidence:
            assert article.body[ev.start : ev.end] == ev.text
            assert ev.field == "body"
            assert not ev.text.rstrip(".").endswith(")"), f"a photo caption is not evidence: {ev.text}"


@pytest.mark.parametrize(
    "article_id, name, needle",
    [
        # later mentions resolve to the name as first introduced
        ("000_d868355d3de1eb99.txt", "Antony Blinken", "Blinken concluded"),
        # "he noted" right after the person is that person
        ("000_d868355d3de1eb99.txt", "Antony Blinken", "He noted that"),
        # "the spokesperson" refers back to the spokesperson named before
        ("002_42b9e229ad0a0ea5.txt", "Matthew Miller", "The spokesperson also said"),
        # '"...," the official said' joins the unnamed official introduced before
        ("004_678875eedfc1e651.txt", "senior US official", "the official said"),
        ("003_d33c0711b28e4767.txt", "senior Israeli official", "the official stated"),
    ],
)
def test_seed_references_resolve(seeds, outlet_names, article_id, name, needle):
    by_name = {c.name: c for c in sources_of(seeds[article_id], outlet_names)}
    assert any(needle in ev.text for ev in by_name[name].evidence)


def test_seed_outlets_and_documents_are_not_sources(seeds, outlet_names):
    names = {c.name for a in seeds.values() for c in sources_of(a, outlet_names)}
    for other in ("CNN", "Axios", "FP", "Foreign Policy", "New York Times", "The New York Times"):
        assert other not in names
    # "a statement from his office revealed", "the letter details", "the memo contends": documents
    assert not any(n.lower().startswith(("statement", "letter", "memo", "cable")) for n in names)


def test_outlet_names_are_skipped_only_through_the_set():
    article = corpus_article("gum-wikinews/text/GUM_news_korea.txt")
    assert "KCNA" in {c.name for c in sources_of(article)}
    assert "KCNA" not in {c.name for c in sources_of(article, frozenset({"Korean Central News Agency", "KCNA"}))}


CORPUS_SOURCES = [
    ("gum-wikinews/text/GUM_news_asylum.txt", "Jeff Rathke, the State Department Spokesperson, said", PERSON, "Jeff Rathke"),
    ("gum-wikinews/text/GUM_news_asylum.txt", "The US State Department said John Kerry", ORG, "US State Department"),
    ("gum-wikinews/text/GUM_news_afghan.txt", "said Ambassador Mohib.", PERSON, "Hamdullah Mohib"),
    ("gum-wikinews/text/GUM_news_iodine.txt", "He says authorities are reacting slowly", PERSON, "Cres Eastman"),
    ("gum-wikinews/text/GUM_news_clock.txt", "Islamic Relations Alia Salem said", PERSON, "Alia Salem"),
    ("gum-wikinews/text/GUM_news_clock.txt", "Jafari said she felt", PERSON, "Amneh Jafari"),
    ("gum-wikinews/text/GUM_news_defector.txt", "Scientology officials have stated", ANON, "Scientology officials"),
    ("gum-wikinews/text/GUM_news_nasa.txt", "Governor of Washington Chris Gregoire said", PERSON, "Chris Gregoire"),
    (
        "polnear/train/text/wash-post_2016-01-13_democratic-tensions-escalate-ove.txt",
        "people familiar with the session said",
        ANON,
        "people familiar with the session",
    ),
    (
        "polnear/train/text/politico_2016-05-31_cruz-looks-to-ease-bad-blood-wit.txt",
        "Another source familiar with Cruz’s thinking said",
        ANON,
        "source familiar with Cruz’s thinking",
    ),
    (
        "polnear/train/text/politico_2016-05-31_cruz-looks-to-ease-bad-blood-wit.txt",
        "Blunt, after a long pause, said",
        PERSON,
        "Roy Blunt",
    ),
    (
        "polnear/train/text/politico_2016-02-10_top-clinton-adviser-sent-top-sec.txt",
        "the State Department said it found no evidence",
        ORG,
        "State Department",
    ),
    (
        "polnear/train/text/politico_2016-02-10_top-clinton-adviser-sent-top-sec.txt",
        "The Clinton campaign said the controversy",
        ORG,
        "Clinton campaign",
    ),
    (
        "polnear/train/text/west-journal_2016-01-18_woman-steps-forward-with-bombshe.txt",
        "Everything you do,'” Broaddrick said",
        PERSON,
        "Juanita Broaddrick",
    ),
    # a two-word surname later resolves to the full name; accented letters are letters
    (
        "polnear/train/text/politico_2016-04-06_hillary-clinton-s-union-problem.txt",
        "Eskelsen García said down-ballot races",
        PERSON,
        "Lily Eskelsen García",
    ),
    # quotation marks written as two apostrophes, the speaker after the quotation
    (
        "polnear/train/text/nyt_2016-04-12_ryan-wages-campaign-to-counter-t.txt",
        "said Senator Tim Scott, Republican of South Carolina",
        PERSON,
        "Tim Scott",
    ),
]


@pytest.mark.parametrize("rel, needle, kind, name", CORPUS_SOURCES)
def test_corpus_sentence_cites(rel, needle, kind, name):
    article = corpus_article(rel)
    assert needle in article.body, "the corpus text changed"
    cited = [(c.kind, c.name) for c in sources_of(article) if any(needle in ev.text for ev in c.evidence)]
    assert (kind, name) in cited


NOT_CITED = [
    # a named person who is only the subject of what the State Department said
    ("gum-wikinews/text/GUM_news_asylum.txt", "The US State Department said John Kerry", "John Kerry"),
    # a negated verb attributes nothing
    ("gum-wikinews/text/GUM_news_afghan.txt", "U.S. officials have not said why", "US officials"),
    # a journal "of Australia" is no person, and "this week," is no appositive
    ("gum-wikinews/text/GUM_news_iodine.txt", "published in the Medical Journal of Australia this week, revealed", "Food Standards Australia"),
    # "said" inside someone else's quotation
    ("polnear/train/text/west-journal_2016-01-18_woman-steps-forward-with-bombshe.txt", "approached her “and said", "Hillary Clinton"),
    # the subject of a sentence attributed to someone else
    ("polnear/train/text/politico_2016-02-10_top-clinton-adviser-sent-top-sec.txt", "Jake Sullivan was one of the authors", "Jake Sullivan"),
]


@pytest.mark.parametrize("rel, needle, name", NOT_CITED)
def test_corpus_sentence_does_not_cite(rel, needle, name):
    article = corpus_article(rel)
    assert needle in article.body, "the corpus text changed"
    cited = {c.name for c in sources_of(article) if any(needle in ev.text for ev in c.evidence)}
    assert name not in cited


def test_photo_caption_gives_no_source():
    """A caption that reports speech ("Apple Inc. ... said Jobs is resigning. (AP Photo/...)") is not sourcing."""
    html = need_shared(CORPORA / "goose3-fixtures/test_yahoo.html").read_text(encoding="utf-8", errors="replace")
    caption = re.search(r'alt="(FILE - [^"]*?\(AP Photo[^)]*\))', html).group(1).strip()
    assert not sources_of(Article("caption", "", caption))
    uncredited = caption[: caption.rindex("(")].strip()
    assert [c.name for c in sources_of(Article("plain", "", uncredited))] == ["Apple Inc."]


def test_control_characters_do_not_shift_tokens(seeds, outlet_names):
    """NUL characters (hostile input) at line starts are punctuation: the same sources are found."""
    article = seeds["003_d33c0711b28e4767.txt"]
    noisy = Article(article.id, article.title, article.body.replace("\n", "\n\x00 \x00 "))
    names = [(c.kind, c.name) for c in sources_of(article, outlet_names)]
    assert names and [(c.kind, c.name) for c in sources_of(noisy, outlet_names)] == names


def test_output_is_deterministic(seeds, outlet_names):
    article = seeds["003_d33c0711b28e4767.txt"]
    assert sources_of(article, outlet_names) == sources_of(article, outlet_names)


def test_broken_lexicon_file_says_how_to_fix(tmp_path):
    bad = tmp_path / "sources.toml"
    bad.write_text("[cues]\nverbs = ['said']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="sources.toml is not a valid rule file .missing entry .anonymous..; compare it with the same file in the citegraph package"):
        Lexicon.from_file(bad)
