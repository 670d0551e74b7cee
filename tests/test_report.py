"""The report on the seeds, run through the real pipeline, in Markdown and HTML."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from citegraph import BuildOptions, build
from citegraph.cli import app
from citegraph.extract.gazetteer import Gazetteer
from citegraph.graph.model import build_graph
from citegraph.graph.metrics import compute_metrics
from citegraph.records import Citation, CitationKind, Evidence
from citegraph.outputs.report import Lines, Ref, build_sections, load_build, render_html, render_markdown, write_report

from conftest import copy_seeds

OUTLETS = ("CNN", "Axios", "The New York Times", "Foreign Policy")
# (a word naming the document, its type, the via outlet the report must show; "—" for none)
DOCUMENTS = (("Oman", "cable", "CNN"), ("Cairo", "cable", "—"), ("dissent memo", "memo", "Axios"))


def md_rows(md: str, heading: str) -> list[list[str]]:
    """The cells of the first table under a ``## heading`` of the Markdown report."""
    section = md.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]] for row in rows]


def cell_text(cell: str) -> str:
    return re.sub(r'<a id="[^"]+"></a>', "", cell).replace("\\", "")


@pytest.fixture(scope="module")
def md(seed_build: Path) -> str:
    return (seed_build / "report.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(seed_build: Path):
    return lxml.html.fromstring((seed_build / "report.html").read_bytes())


@pytest.fixture(scope="module")
def gold(gold_file) -> dict[str, dict]:
    rows = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["article"]: row for row in rows}


def gold_evidence(gold: dict, outlet: str) -> list[str]:
    return [e for row in gold.values() for o in row["outlets"] if o["name"] == outlet for e in o["evidence"]]


@pytest.mark.parametrize("outlet", OUTLETS)
def test_markdown_names_cited_outlets_with_evidence(md, gold, outlet):
    rows = {cell_text(r[0]): r for r in md_rows(md, "Most-cited outlets")}
    assert outlet in rows
    evidence = rows[outlet][4]
    assert any(phrase in cell_text(evidence) for phrase in gold_evidence(gold, outlet)), evidence
    for target in re.findall(r"\]\(#(e-[0-9a-f]+)\)", evidence):
        assert f'<a id="{target}"></a>' in md


@pytest.mark.parametrize("outlet", ["CNN", "Axios"])
def test_cnn_and_axios_are_each_cited_by_two_articles(md, page, outlet):
    rows = {cell_text(r[0]): r for r in md_rows(md, "Most-cited outlets")}
    assert rows[outlet][1] == "2"
    html_rows = {r.xpath("td")[0].text_content(): r for r in page.xpath('//section[@id="outlets"]//tbody/tr')}
    assert html_rows[outlet].xpath("td")[1].text_content() == "2"
    assert len(html_rows[outlet].xpath("td")[4].xpath(".//a[starts-with(@href, '#e-')]")) == 2


@pytest.mark.parametrize("key, doc_type, via", DOCUMENTS)
def test_documents_listed_with_their_via_outlet(md, page, key, doc_type, via):
    rows = [r for r in md_rows(md, "Documents") if key.casefold() in " ".join(r).casefold() and r[1] == doc_type]
    assert len(rows) == 1, rows
    assert cell_text(rows[0][2]) == via
    html_rows = [r for r in page.xpath('//section[@id="documents"]//tbody/tr')
                 if key.casefold() in r.text_content().casefold() and r.xpath("td")[1].text_content() == doc_type]
    assert [r.xpath("td")[2].text_content() for r in html_rows] == [via]


def test_every_link_in_the_html_lands_on_an_anchor(page):
    ids = set(page.xpath("//@id"))
    hrefs = page.xpath("//a/@href")
    assert len(hrefs) > 30
    assert [h for h in hrefs if not h.startswith("#") or h[1:] not in ids] == []


def test_evidence_links_lead_to_the_citing_article(page):
    """A claim's link opens the article section holding that very evidence sentence."""
    for link in page.xpath('//section[@id="outlets"]//a[starts-with(@href, "#e-")]'):
        (target,) = page.xpath(f'//*[@id="{link.get("href")[1:]}"]')
        section = target.xpath("ancestor::section[1]")[0]
        assert section.xpath("h3")[0].text_content() == link.text_content()


def test_html_is_self_contained(seed_build):
    text = (seed_build / "report.html").read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert not re.search(r"""(src|href)=["'](https?:)?//""", text)
    assert "default-src 'none'" in text


def test_report_states_definitions_and_lists_every_article(md, seed_build):
    assert "single-source when, apart from its own publisher, it cites exactly one source" in md
    articles, _, _ = load_build(seed_build)
    for article in articles:
        assert article.id.replace("_", "\\_") in md


def test_skipped_inputs_are_listed(tmp_path):
    inputs = copy_seeds(tmp_path / "in")
    (inputs / "broken.txt.gz").write_bytes(b"not gzip at all")
    build(BuildOptions(inputs=(inputs,), out=tmp_path / "out"))
    rows = md_rows((tmp_path / "out" / "report.md").read_text(encoding="utf-8"), "Skipped inputs")
    assert len(rows) == 1 and cell_text(rows[0][0]).endswith("broken.txt.gz") and "gzip" in rows[0][1]


def test_the_story_cards_of_the_metrics_index_are_those_of_a_fresh_one(seed_build):
    """A build reads the graph's index once, for the metrics and the report's story cards."""
    from citegraph.graph.metrics import graph_index, metrics_in_two
    from citegraph.graph.stories import Stories

    articles, citations, skips = load_build(seed_build)
    G = build_graph(articles, citations, Gazetteer.load())
    index = graph_index(G)
    shown, complete = metrics_in_two(G, index=index)
    metrics = complete()
    assert metrics == compute_metrics(G)
    shared = build_sections(G, metrics, skips, Stories(G, index))
    assert shared == build_sections(G, metrics, skips)
    assert render_markdown(shared).count("### ") >= 5  # a section per seed article, from the cards


def test_markdown_escaping_is_one_pass_of_a_character_table(seed_build):
    """``md_escape`` (one ``str.replace`` per character) gives what a table applied once gives."""
    from citegraph.outputs.report import md_escape

    table = {ord("&"): "&amp;", **{ord(c): "\\" + c for c in "\\`*_[]<>|#!{}~"}}

    def once(text: str) -> str:
        return re.sub(r"\s{2,}|[^\S ]", " ", text).translate(table)

    articles, citations, _ = load_build(seed_build)
    texts = [a.title for a in articles] + [e.text for c in citations for e in c.evidence] + [c.name for c in citations]
    texts += ["a\u00a0b", "x\ty", "a  b", " ", "\\*_&amp;", "[x](javascript:1)", "<script>", "a\u2028b", "\x85",
              "é\u3000ü", "a\x1fb", "\\\\", "&&", "", "#!{}~|`"]
    assert [md_escape(t) for t in texts] == [once(t) for t in texts]
    assert md_escape("a_b & [c]") == "a\\_b &amp; \\[c\\]"


def test_hostile_article_text_is_escaped(seed_build):
    articles, citations, skips = load_build(seed_build)
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) | &amp;"
    articles = [dataclasses.replace(a, title=evil + a.title) for a in articles]
    target = citations[0]
    citations = [*citations, Citation(target.article, CitationKind.OUTLET, "Evil <b>Times</b>", evil,
                                      (Evidence(evil, 0, len(evil)),))]
    G = build_graph(articles, citations, Gazetteer.load())
    sections = build_sections(G, compute_metrics(G), skips)
    html_text, md_text = render_html(sections), render_markdown(sections)
    assert "<script" not in html_text and "<img" not in html_text and "<b>" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert not re.search(r"(?<!\\)<(script|img|b>)", md_text)  # every < is backslash-escaped
    assert not re.search(r"(?<!\\)\]\(javascript:", md_text)
    assert "\\<script\\>" in md_text


def test_citegraph_report_regenerates_the_same_bytes(seed_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(seed_build, out)
    for name in ("report.md", "report.html"):
        (out / name).unlink()
    shutil.rmtree(out / "tables")
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}/metrics.json, {out}/report.md, {out}/report.html and 8 tables in {out}/tables\n"
    for name in ("report.md", "report.html", "metrics.json", "tables/outlets.csv", "tables/chains.csv"):
        assert (out / name).read_bytes() == (seed_build / name).read_bytes(), name


def test_citegraph_report_without_a_build_says_how_to_fix(tmp_path):
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path}/articles.jsonl is missing: run `citegraph build --out {tmp_path}` first to create "
        "the build\n"
    )


def test_write_report_returns_both_pages_and_the_full_tables(seed_build, tmp_path):
    articles, citations, skips = load_build(seed_build)
    G = build_graph(articles, citations, Gazetteer.load())
    metrics = compute_metrics(G)
    metrics["build"] = json.loads((seed_build / "metrics.json").read_text(encoding="utf-8"))["build"]
    paths = write_report(G, metrics, tmp_path, skips)
    names = [p.relative_to(tmp_path).as_posix() for p in paths]
    assert names[:2] == ["report.md", "report.html"]
    assert names[2:] == [f"tables/{t}.csv" for t in ("outlets", "documents", "sources", "network", "chains",
                                                     "single_source", "anonymous", "self_citation")]
    for path, name in zip(paths, names):
        assert path.read_bytes() == (seed_build / name).read_bytes(), name


def test_a_large_corpus_report_lists_the_articles_its_figures_link_to(corpora, tmp_path, monkeypatch):
    """Above ARTICLE_SECTIONS articles, only linked articles get a section, and every link still lands."""
    import citegraph.outputs.report as report

    monkeypatch.setattr(report, "ARTICLE_SECTIONS", 10)
    out = tmp_path / "out"
    build(BuildOptions(inputs=(corpora / "polnear" / "dev" / "text",), out=out, jobs=1))
    page = lxml.html.fromstring((out / "report.html").read_bytes())
    ids = set(page.xpath("//@id"))
    hrefs = page.xpath("//a/@href")
    assert [h for h in hrefs if h[1:] not in ids] == []
    articles = page.xpath('//section[@id="articles"]/following-sibling::section')
    total = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["summary"]["nodes"]["article"]
    assert 10 < len(articles) < total
    intro = page.xpath('//section[@id="articles"]/p/text()')[0]
    assert f"The {len(articles)} articles that the figures above link to, of {total} in all" in intro
    assert all(any(h[1:] in (a.get("id"), *a.xpath(".//@id")) for h in hrefs) for a in articles)


def links(sections) -> set[str]:
    """Every anchor a ``Ref`` in ``sections`` points at (paragraphs and table cells, nested)."""
    found: set[str] = set()

    def walk(item) -> None:
        if isinstance(item, Ref):
            found.add(item.anchor)
        elif isinstance(item, (Lines, tuple)):
            for inner in item.items if isinstance(item, Lines) else item:
                walk(inner)

    for section in sections:
        for cell in (*section.paragraphs, *(c for row in (section.table.rows if section.table else ()) for c in row)):
            walk(cell)
    return found


@pytest.mark.parametrize("limit", [0, 10, 2000])
def test_articles_shown_are_those_whose_anchors_are_linked(corpora, limit, monkeypatch):
    """The articles given a section are found by the links' ``article``: the same as looking up every
    article's own anchors (its section, each of its evidence rows) among the links, on real articles."""
    import citegraph.outputs.report as report
    from citegraph.graph.model import cited_sources, nodes_of_kind
    from citegraph.pipeline import extract_all, read_all

    monkeypatch.setattr(report, "ARTICLE_SECTIONS", limit)
    options = BuildOptions(inputs=(corpora / "polnear" / "dev" / "text",))
    articles, _ = read_all(options)
    G = build_graph(articles, extract_all(articles, options), Gazetteer.load())
    summary, rest = report._sections(G, compute_metrics(G), ())
    shown = [s.anchor for s in rest]
    every = nodes_of_kind(G, "article")
    linked = links(summary)
    expected = every if len(every) <= limit else [
        a for a in every
        if report.anchor("a", a) in linked or any(report.anchor("e", a, n) in linked for n in cited_sources(G, a))]
    assert shown == [report.anchor("a", a) for a in expected]
    assert 0 < len(expected) and (limit > len(every) or len(expected) < len(every))


def reference_md_escape(text: str) -> str:
    """``md_escape`` written plainly: squeeze white space, backslash the Markdown characters, then &."""
    text = re.sub(r"\s+", " ", str(text)) if re.search(r"\s{2,}|[^\S ]", str(text)) else str(text)
    return re.sub(r"([\\`*_\[\]<>|#!{}~])", r"\\\1", text).replace("&", "&amp;")


def test_md_escape_equals_the_plain_rules_on_real_text(seed_build, corpora):
    from citegraph.pipeline import read_all
    from citegraph.outputs.report import md_escape

    articles, citations, _ = load_build(seed_build)
    articles += read_all(BuildOptions(inputs=(corpora / "polnear" / "dev" / "text",)))[0]
    texts = [line for a in articles for line in (a.title, *a.body.split("\n"), a.body)]
    texts += [e.text for c in citations for e in c.evidence]
    texts += ["<b>&amp;</b> | [x](y) \\ `code` *a* _b_ #h !i {j} ~k~", "tab\there\r\nand  two\u00a0spaces", "", "&"]
    assert sum(bool(re.search(r"[\\`*_\[\]<>|#!{}~&]", t)) for t in texts) >= 10
    assert [md_escape(t) for t in texts] == [reference_md_escape(t) for t in texts]
