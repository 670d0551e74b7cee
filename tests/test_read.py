"""The reader on the seed articles in data/ and on bad input made from real articles."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from citegraph.read import ReadOptions, iter_articles
from citegraph.records import Article, Skip
from citegraph.read.textdump import parse_text, plain_body_offset

from conftest import CORPORA, DATA, need_shared

SEEDS = {
    "000_d868355d3de1eb99.txt": dict(
        title="US officials fraught by images of Palestinians killed by 'Israel': CNN",
        publisher="Al Mayadeen English",
        published="2023-11-09",
        source_line="CNN + Al Mayadeen English",
        first='One source says officials were feeling "great moral anxiety" that none can express since '
        'US President Joe Biden is "all in" with the Israeli occupation\'s actions.',
        last="particularly in a refugee camp and an ambulance convoy.",
        credits={"AFP"},
    ),
    "001_6195e9e891bbb07e.txt": dict(
        title="Over 400 US officials sign letter against Biden's 'Israel' policy",
        publisher="Al Mayadeen English",
        published="2023-11-14",
        source_line="Agencies",
        first="The signatories, who represent over forty federal institutions, are a reflection of rising "
        'dissatisfaction inside the administration over its backing of "Israel\'s" military aggression in Gaza.',
        last="toward President Joe Biden's 2024 reelection unless he promptly acts to facilitate a Gaza ceasefire.",
        credits={"AP"},
    ),
    "002_42b9e229ad0a0ea5.txt": dict(
        title="Blinken to Gallant: US opposes major ground operation in Rafah",
        publisher="Al Mayadeen English",
        published="2024-03-26",
        source_line="Agencies",
        first="US Secretary of State Antony Blinken tells the Israeli occupation's security minister that "
        "Washington is concerned for the well-being of 1.4 million Palestinian people in Rafah, Gaza.",
        last='would jeopardize the war on Gaza and the "efforts to release over 130 captives."',
        credits={"AP"},
    ),
    "003_d33c0711b28e4767.txt": dict(
        title="U.S. Secretary of State Antony Blinken Urges Humanitarian Pause in Israel-Gaza Conflict "
        "as Palestinian Casualties Continue to Rise",
        publisher="RadarOnline",
        published="2023-11-04",
        source_line=None,
        first="In a meeting with Israeli officials, U.S. Secretary of State Antony Blinken has reportedly "
        "urged the instigation of a humanitarian pause in the ongoing conflict in Gaza, RadarOnline.com has learned.",
        last="on their official social media accounts after the video was removed.",
        credits=set(),
    ),
    "004_678875eedfc1e651.txt": dict(
        title="The US never tried to secure a ceasefire in Gaza: Foreign Policy",
        publisher="Al Mayadeen English",
        published="2024-11-28",
        source_line="News websites",
        first="An argument published by Foreign Policy details how the US' efforts to establish a ceasefire "
        "in Gaza were only a show to win the public over, rather than stop the aggression.",
        last="the international recognition of the State of Palestine as a member of the United Nations.",
        credits={"AP"},
    ),
}


def read_all(*inputs: Path, **options) -> list[Article | Skip]:
    return list(iter_articles(list(inputs), ReadOptions(**options)))


@pytest.fixture(scope="module")
def seeds() -> dict[str, Article]:
    return {a.id: a for a in read_all(DATA) if isinstance(a, Article)}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_metadata(seeds, name):
    want, got = SEEDS[name], seeds[name]
    assert (got.title, got.publisher, got.published, got.source_line) == (
        want["title"], want["publisher"], want["published"], want["source_line"])
    assert (got.format, got.path, got.repairs) == ("text", name, ())  # relative to its root: no absolute path in any output


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_body_starts_and_ends_with_the_article(seeds, name):
    body = seeds[name].body
    first_paragraph = body.split("\n\n")[0]
    assert first_paragraph == SEEDS[name]["first"]
    assert body.endswith(SEEDS[name]["last"])
    assert "\n\n\n" not in body and body == body.strip()


def _furniture(raw: str) -> list[str]:
    """Lines of a seed page that are not the article: ticker, related and most-read headlines, captions."""
    lines = [line.strip() for line in raw.splitlines()]
    found: list[str] = []
    if "BREAKING" in lines:
        start = lines.index("BREAKING") + 1
        found += lines[start : lines.index("", start)]
    for heading in ("Related News", "Most Read", "Read Next"):
        if heading in lines:
            after = [s for s in lines[lines.index(heading) + 1 :] if s][:2]
            found += [s for s in after if not s.endswith(".")]
    found += [s for s in lines if re.search(r"\((?:AP|AFP)\)$", s)]
    found += [s.lstrip("• ") for s in lines if s.startswith("• ") and len(s.split()) <= 4]
    return [s for s in found if s and s != "x"]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_body_has_no_page_furniture(seeds, name):
    body = seeds[name].body
    paragraphs = set(body.split("\n\n"))
    for line in _furniture((DATA / name).read_text("utf-8").replace("\xa0", " ")):
        assert line not in paragraphs, f"page furniture in body: {line!r}"
    for word in ("BREAKING", "Related News", "Most Read", "Read Next", "Coverage", "Read more:", "Min Read", "Shares"):
        assert word not in body


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seed_captions_become_image_credits(seeds, name):
    article = seeds[name]
    credits = {c.credit for c in article.image_credits}
    assert SEEDS[name]["credits"] <= credits
    for credit in article.image_credits:
        assert credit.caption not in article.body


def test_related_news_headlines_are_dropped_but_the_article_continues(seeds):
    body = seeds["004_678875eedfc1e651.txt"].body
    assert "United States and Russia in talks over new prisoner exchange: Axios" not in body
    assert "Foreign Policy then deduces that the endless war" in body
    assert "The script" in body.split("\n\n")  # a subheading of the article stays


def test_ids_are_relative_paths_in_sorted_order(tmp_path):
    sub = tmp_path / "b" / "c"
    sub.mkdir(parents=True)
    shutil.copy(DATA / "001_6195e9e891bbb07e.txt", sub / "one.txt")
    shutil.copy(DATA / "000_d868355d3de1eb99.txt", tmp_path / "a.txt")
    (tmp_path / "notes.md").write_text("not an article")
    assert [a.id for a in read_all(tmp_path)] == ["a.txt", "b/c/one.txt"]
    assert [a.id for a in read_all(sub / "one.txt")] == ["one.txt"]


def test_include_and_exclude_globs():
    names = lambda items: [a.id for a in items]  # noqa: E731
    assert names(read_all(DATA, include=("00[12]_*",))) == ["001_6195e9e891bbb07e.txt", "002_42b9e229ad0a0ea5.txt"]
    assert len(read_all(DATA, exclude=("*.txt",))) == 0
    assert len(read_all(DATA, exclude=("003_*",))) == 4


def test_gzipped_text_reads_like_the_original(tmp_path, seeds):
    name = "002_42b9e229ad0a0ea5.txt"
    (tmp_path / f"{name}.gz").write_bytes(gzip.compress((DATA / name).read_bytes()))
    [article] = read_all(tmp_path)
    assert article.id == f"{name}.gz" and article.body == seeds[name].body


def test_jsonl_records_and_a_bad_line(tmp_path, seeds):
    seed = "000_d868355d3de1eb99.txt"
    lines = [
        json.dumps({"text": (DATA / seed).read_text("utf-8"), "url": "https://english.almayadeen.net/x"}),
        "{not json",
        "",
        json.dumps({"text": "Headline\n\nBody text.", "title": "Given title", "publisher": "Given",
                    "published": "5 March 2021"}),
        json.dumps({"body": "no text field"}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines) + "\n")
    items = read_all(tmp_path)
    articles = [a for a in items if isinstance(a, Article)]
    skips = [s for s in items if isinstance(s, Skip)]
    assert [a.id for a in articles] == ["batch.jsonl#1", "batch.jsonl#4"]
    assert articles[0].body == seeds[seed].body and articles[0].format == "jsonl"
    assert articles[0].url == "https://english.almayadeen.net/x"
    assert (articles[1].title, articles[1].publisher, articles[1].published) == ("Given title", "Given", "2021-03-05")
    assert [s.path.rsplit("/", 1)[-1] for s in skips] == ["batch.jsonl#2", "batch.jsonl#5"]
    assert "not valid JSON" in skips[0].reason and '"text" or "html"' in skips[1].reason


def _bad_inputs(tmp_path: Path) -> dict[str, str]:
    """Bad files made from real articles: file name -> expected words of the skip reason."""
    seed = (DATA / "001_6195e9e891bbb07e.txt").read_bytes()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"\n  \n")
    (tmp_path / "binary.txt").write_bytes(seed[:200] + b"\x00\x01\x02" + seed[200:400])
    (tmp_path / "big.txt").write_bytes(seed * 40)
    (tmp_path / "broken.txt.gz").write_bytes(gzip.compress(seed)[:300])
    (tmp_path / "notgzip.html.gz").write_bytes(seed[:500])
    page = (DATA.parent.parent / "shared" / "corpora" / "readability-testpages" / "bbc-1" / "source.html")
    if page.exists():  # the page's own head and navigation, without its article
        html = page.read_text("utf-8")
        nav = re.search(r"<nav.*?</nav>", html, re.S)
        head = html[: html.index("<body")]
        (tmp_path / "nobody.html").write_text(f"{head}<body>{nav.group(0) if nav else ''}</body></html>")
    else:
        (tmp_path / "nobody.html").write_text("<html><head><title>Index</title></head><body><nav>"
                                              "<a href='/'>Home</a></nav></body></html>")
    return {
        "empty.txt": "empty file",
        "blank.txt": "empty file",
        "binary.txt": "binary file",
        "big.txt": "byte limit",
        "broken.txt.gz": "not a valid gzip file",
        "notgzip.html.gz": "not a valid gzip file",
        "nobody.html": "no article body",
    }


def test_each_bad_file_is_skipped_with_its_reason_and_the_batch_goes_on(tmp_path):
    expected = _bad_inputs(tmp_path)
    shutil.copy(DATA / "000_d868355d3de1eb99.txt", tmp_path / "good.txt")
    items = read_all(tmp_path, max_bytes=200_000)
    skips = {Path(s.path).name: s.reason for s in items if isinstance(s, Skip)}
    assert sorted(skips) == sorted(expected)
    for name, words in expected.items():
        assert words in skips[name], (name, skips[name])
    assert [a.id for a in items if isinstance(a, Article)] == ["good.txt"]


def test_undecodable_byte_is_repaired_and_recorded(tmp_path, corpora):
    source = need_shared(CORPORA / "bbc-fulltext" / "bbc" / "sport" / "199.txt")
    shutil.copy(source, tmp_path / "199.txt")
    [article] = read_all(tmp_path)
    assert article.repairs == ("decoded as cp1252 (not valid UTF-8)",)
    assert "£15.8m" in article.body and "\ufffd" not in article.body


def test_malformed_html_still_reads(tmp_path, corpora):
    page = need_shared(CORPORA / "readability-testpages" / "bbc-1" / "source.html").read_text("utf-8")
    cut = page[: len(page) * 2 // 3]  # truncated mid-page: unclosed tags everywhere
    broken = re.sub(r"</(p|div|span)>", "", cut, count=200)
    (tmp_path / "broken.html").write_text(broken)
    [article] = read_all(tmp_path)
    assert isinstance(article, Article), article
    assert article.title.startswith("Obama admits US gun laws") and len(article.body) > 500


def test_html_links_index_the_body(corpora):
    page = need_shared(CORPORA / "readability-testpages" / "nytimes-1" / "source.html")
    [article] = read_all(page)
    assert article.format == "html" and article.url.startswith("https://www.nytimes.com/2017/01/13/")
    assert len(article.links) >= 3
    for link in article.links:
        assert article.body[link.start : link.end] == link.text and link.href.startswith("http")


@pytest.mark.parametrize("name", ["GUM_news_afghan.txt", "GUM_news_asylum.txt"])
def test_wikinews_dateline_becomes_the_date(corpora, name):
    path = need_shared(CORPORA / "gum-wikinews" / "text" / name)
    meta = {json.loads(line)["file"]: json.loads(line) for line in
            (CORPORA / "gum-wikinews" / "metadata.jsonl").read_text("utf-8").splitlines()}
    [article] = read_all(path)
    text = path.read_text("utf-8")
    assert article.title == meta[f"text/{name}"]["title"]
    assert article.published and article.published in text or article.published[:4] in text
    assert not article.body.startswith(text.split("\n")[2])  # the dateline is metadata, not body


def test_plain_text_body_is_the_file_after_its_title(corpora):
    folder = need_shared(CORPORA / "polnear" / "dev" / "text")
    for path in sorted(folder.glob("*.txt"))[:20]:
        text = path.read_text("utf-8")
        article = parse_text(text, path.name)
        assert article.title == text.split("\n", 1)[0].strip()
        offset = plain_body_offset(text)
        assert article.body == text[offset:].replace("\xa0", " ").rstrip()
        assert article.published == re.search(r"_(\d{4}-\d{2}-\d{2})_", path.name).group(1)


def test_missing_input_is_an_error_that_says_what_to_pass(tmp_path):
    from citegraph.errors import InputError

    with pytest.raises(InputError, match="does not exist; pass a file or folder"):
        read_all(tmp_path / "nowhere")


def test_strict_build_fails_on_a_skipped_file_and_names_it(tmp_path):
    from typer.testing import CliRunner

    from citegraph.cli import app

    shutil.copy(DATA / "003_d33c0711b28e4767.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 1
    assert "first empty.txt: empty file" in result.output  # named relative to its input folder


def test_polnear_annotation_offsets_map_onto_the_body(corpora):
    """Span offsets into the file, minus ``plain_body_offset``, index the body (title spans excepted)."""
    folder = need_shared(CORPORA / "polnear" / "dev")
    checked = 0
    for ann in sorted((folder / "attributions").glob("*.ann"))[:15]:
        text_path = folder / "text" / (ann.stem.rsplit("_", 1)[0] + ".txt")
        [article] = read_all(text_path)
        text = text_path.read_text("utf-8")
        offset = plain_body_offset(text)
        for line in ann.read_text("utf-8").splitlines():
            match = re.match(r"T\d+\t\w+ (\d+) (\d+)\t(.*)$", line)
            if match and int(match.group(1)) >= offset:
                start, end = int(match.group(1)) - offset, int(match.group(2)) - offset
                assert article.body[start:end] == match.group(3).replace("\xa0", " ")
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("page, credit", [("wapo-2", "Reuters"), ("theverge", "Vjeran Pavic / The Verge"),
                                          ("telegraph", "STR/AFP"), ("guardian-1", "Adrian Malloch for the Guardian")])
def test_html_caption_credits_are_metadata_not_body(corpora, page, credit):
    [article] = read_all(need_shared(CORPORA / "readability-testpages" / page / "source.html"))
    found = [c for c in article.image_credits if c.credit == credit]
    assert found, article.image_credits
    paragraphs = set(article.body.split("\n\n"))
    assert not any(c.caption in paragraphs for c in article.image_credits)
