"""Provenance that stays true across a collection: document identity, chains with evidence, metadata,
self-citation, coverage, the provenance stamp and one story's card (issue 14).

The corpus checks build all of ../shared/corpora once (with the BBC corpus's publisher given); the
document-identity rules are also checked on three invented stories that cite one memo.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citegraph import BuildOptions, build
from citegraph.cli import app
from citegraph.graph.model import build_graph
from citegraph.graph.stories import Stories, find_article
from citegraph.pipeline import read_all
from citegraph.read.metadata import make_spec
from citegraph.records import Article, Citation, CitationKind, DocType, Evidence
from conftest import CORPORA, DATA, REPO, need_shared

BBC = "bbc-fulltext"


@pytest.fixture(scope="module")
def corpora_build(tmp_path_factory):
    need_shared(CORPORA)
    out = tmp_path_factory.mktemp("provenance") / "out"
    build(BuildOptions(inputs=(CORPORA,), out=out, publishers=(f"{CORPORA / BBC}=BBC News",)))
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    citations = [json.loads(line) for line in (out / "citations.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, metrics, citations


# ---------------------------------------------------------------- document identity


def _doc(article: str, name: str, text: str, **fields) -> Citation:
    return Citation(article, CitationKind.DOCUMENT, name, "obtained", (Evidence(text, 0, len(text)),), **fields)


def test_three_stories_citing_one_memo_meet_at_one_node_and_a_bare_statement_does_not():
    """Invented stories: the same memo (issuer, label, via) from three articles is one node; "a statement"
    in two articles, or a memo of another issuer, stays apart."""
    said = "the State Department dissent memo obtained by Axios"
    articles = [Article(id=f"s{i}.txt", title=f"Story {i}", body=said, publisher="Example News") for i in range(3)]
    memo = dict(doc_type=DocType.MEMO, issuer="State Department", via="Axios")
    citations = [_doc(a.id, "State Department dissent memo", said, **memo) for a in articles]
    citations += [_doc(a.id, "statement", "a statement", doc_type=DocType.STATEMENT) for a in articles[:2]]
    citations.append(_doc("s2.txt", "Pentagon memo", "a Pentagon memo obtained by Axios",
                          doc_type=DocType.MEMO, issuer="Pentagon", via="Axios"))
    G = build_graph(articles, citations)
    docs = {n: sorted(u for u in G.pred[n] if G.edges[u, n]["relation"] == "cites")
            for n, k in G.nodes(data="kind") if k == "document"}
    shared = [n for n, citing in docs.items() if len(citing) == 3]
    assert len(shared) == 1 and "dissent" in shared[0] and G.nodes[shared[0]]["via"] == "Axios"
    statements = [n for n in docs if n.startswith("document:statement:")]
    assert len(statements) == 2 and all(len(docs[n]) == 1 for n in statements)
    assert sum(1 for n in docs if n.startswith("document:memo:")) == 2


def test_no_document_node_joins_different_documents_on_the_corpora(corpora_build):
    """Every document node cited by 3 or more articles: its citations name the same document (the same
    type, and a proper word of the label in every evidence sentence)."""
    out, metrics, citations = corpora_build
    by_doc: dict[str, list[dict]] = {}
    G = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["most_cited"]["document"]
    for node, figures in G.items():
        if figures["in_degree"] >= 3:
            by_doc[node] = []
    for node in by_doc:
        signature = node.split(":", 2)[2].split("|")[0].split()
        rows = [c for c in citations if c["kind"] == "document" and c["doc_type"] == node.split(":")[1]
                and all(w in (c["name"] + " " + (c["issuer"] or "")).casefold() for w in signature)]
        assert len({c["article"] for c in rows}) >= 3, node
        for row in rows:
            text = " ".join(e["text"] for e in row["evidence"]).casefold()
            assert any(w in text for w in signature), (node, row["evidence"])
    generic = [n for n in G if re.fullmatch(r"document:\w+:(?:statement|report|letter|indictment)", n)]
    assert generic == [], "a bare generic noun is never a node of its own"


# ---------------------------------------------------------------- chains


def test_every_chain_step_has_its_evidence(corpora_build):
    out, metrics, citations = corpora_build
    cited = {(c["article"], c["name"]) for c in citations}
    assert sum(len(rows) for rows in metrics["chains"].values()) > 0
    for kind, rows in metrics["chains"].items():
        for row in rows:
            first, second = row["steps"]
            assert first["text"].strip() and second["text"].strip(), (kind, row["through"], row["to"])
            assert first["article"] == row["articles"][0] and first["to"] == row["through"]
            assert second["from"] == row["through"] and second["to"] == row["to"]
    for row in metrics["chains"]["article_outlet_document"]:  # the outlet obtained it, said in some article
        assert row["to"].startswith("document:") and row["steps"][1]["text"]


def test_chains_are_in_the_report_with_their_sentences(corpora_build):
    out, metrics, _ = corpora_build
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report.split("### Article → outlet → document", 1)[1].split("\n### ", 1)[0]
    row = metrics["chains"]["article_outlet_document"][0]
    assert "Shown by" in section and " ".join(row["steps"][1]["text"].split())[:60].replace("_", "\\_") in section


# ---------------------------------------------------------------- metadata and self-citation


def test_polnear_sidecar_gives_every_article_its_publisher_and_date():
    polnear = need_shared(CORPORA / "polnear")
    articles, skips = read_all(BuildOptions(inputs=(polnear,)))
    assert len(articles) == 1012 and skips == []
    assert all(a.publisher and a.published for a in articles)
    assert not any(a.id.endswith(("metadata.tsv", "SOURCE.md")) for a in articles)


def test_the_anonymous_table_covers_every_polnear_article(tmp_path):
    polnear = need_shared(CORPORA / "polnear" / "dev" / "text").parent.parent
    out = tmp_path / "out"
    build(BuildOptions(inputs=(polnear,), out=out, include=("dev/*",)))
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["coverage"]["with_publisher"] == metrics["coverage"]["articles"] == 84
    covered = sum(row["articles"] for row in metrics["anonymous_share"].values())
    citing = sum(1 for a in metrics["single_source"]) + len(metrics["unsourced"])
    assert covered == 84 - len(metrics["unsourced"]) and citing <= 84
    assert set(metrics["anonymous_share"]) >= {"outlet:Breitbart News", "outlet:The New York Times",
                                               "outlet:The Washington Post", "outlet:Politico"}


def test_told_the_bbc_in_a_bbc_story_is_self_citation(corpora_build):
    out, metrics, citations = corpora_build
    bbc = [c for c in citations if c["article"].startswith(BBC) and c["kind"] == "outlet" and c["name"] == "BBC News"]
    assert bbc and all(c["self_citation"] for c in bbc)
    assert len(metrics["self_citation"]["outlet:BBC News"]) >= 300
    assert metrics["most_cited"]["outlet"]["outlet:BBC News"]["in_degree"] < 50  # others citing the BBC


def test_a_sidecar_with_an_invented_table_and_the_publisher_rules(tmp_path):
    """A CSV given with --metadata (by file name), a sidecar found in a folder (by relative path) and
    --publisher for a folder: the sidecar row wins, then --publisher, then the page."""
    folder = tmp_path / "in"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    for rel in ("a/one.txt", "a/two.txt", "b/three.txt"):
        (folder / rel).write_text("Headline\n\nThe council met on Monday, according to the Daily Example.\n")
    (folder / "a" / "metadata.jsonl").write_text(json.dumps({"file": "one.txt", "publisher": "Example Post",
                                                             "dateCreated": "2021-03-04"}) + "\n")
    table = tmp_path / "extra.csv"
    table.write_text("filename,date,url\nthree,2020-01-02,https://example.org/three\n")
    (folder / "README.TXT").write_text("This folder holds three articles.\n")
    spec = make_spec([folder], [table], [f"{folder / 'a'}=Example Times", "Fallback Wire"])
    articles, skips = read_all(BuildOptions(inputs=(folder,), metadata_files=(table,),
                                            publishers=(f"{folder / 'a'}=Example Times", "Fallback Wire")))
    got = {a.id: (a.publisher, a.published, a.url) for a in articles}
    assert got == {
        "a/one.txt": ("Example Post", "2021-03-04", None),
        "a/two.txt": ("Example Times", None, None),
        "b/three.txt": ("Fallback Wire", "2020-01-02", "https://example.org/three"),
    }
    assert skips == [] and spec.digest


def test_a_missing_metadata_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["build", str(DATA), "--out", str(tmp_path / "out"),
                                      "--metadata", str(tmp_path / "nope.tsv")])
    assert result.exit_code != 0
    assert f"metadata file {tmp_path / 'nope.tsv'} does not exist" in result.output


def test_a_changed_sidecar_is_read_again(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(DATA, folder)
    out = tmp_path / "out"
    build(BuildOptions(inputs=(folder,), out=out, jobs=1))
    (folder / "metadata.tsv").write_text("file\tpublisher\n000_d868355d3de1eb99.txt\tExample Wire\n")
    result = build(BuildOptions(inputs=(folder,), out=out, jobs=1))
    assert result.regenerated
    heads = [json.loads(line) for line in (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {h["id"]: h["publisher"] for h in heads}["000_d868355d3de1eb99.txt"] == "Example Wire"


# ---------------------------------------------------------------- coverage and the stamp


def test_report_and_explorer_state_coverage_and_the_stamp(corpora_build):
    out, metrics, _ = corpora_build
    cov, stamp = metrics["coverage"], metrics["build"]
    assert cov["articles"] == 3603 and cov["with_publisher"] > 3500 and 0 < cov["with_date"] < cov["articles"]
    assert stamp["inputs"] == ["…/corpora"] and stamp["citegraph"] and len(stamp["store_digest"]) == 16
    assert stamp["publishers"] == ["…/bbc-fulltext=BBC News"]
    assert any(p.endswith("polnear/metadata.tsv") for p in stamp["metadata"])
    report = (out / "report.md").read_text(encoding="utf-8")
    head = report.split("## Most-cited outlets", 1)[0]
    assert f"Publisher known for {cov['with_publisher']} of {cov['articles']} articles" in head
    assert f"| store digest | {stamp['store_digest']} |" in head and "| citegraph |" in head
    assert "the top 50 of" in report and "tables/outlets.csv" in report
    rows = (out / "tables" / "outlets.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(metrics["most_cited"]["outlet"]) + 1
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert stamp["store_digest"] in page and '"with_publisher":' in page.replace(" ", "")


def test_two_builds_of_the_same_inputs_give_the_same_bytes(tmp_path):
    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        build(BuildOptions(inputs=(DATA,), out=out, jobs=1))
        outs.append(out)
    for path in sorted(p for p in outs[0].rglob("*") if p.is_file() and not p.name.startswith("citegraph.sqlite")):
        rel = path.relative_to(outs[0])
        assert path.read_bytes() == (outs[1] / rel).read_bytes(), rel


# ---------------------------------------------------------------- one story


def _readme_story() -> tuple[str, str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ citegraph story ", 1)[1].split("```", 1)[0]
    command, _, output = block.partition("\n")
    return command.strip(), output


def test_story_prints_the_card_the_readme_shows(seed_build):
    article, expected = _readme_story()
    result = CliRunner().invoke(app, ["story", article, "--out", str(seed_build)])
    assert result.exit_code == 0, result.output
    assert result.output == expected


def test_story_by_path_and_by_url_and_the_report_card(seed_build, tmp_path):
    article, expected = _readme_story()
    by_path = CliRunner().invoke(app, ["story", str(DATA / article), "--out", str(seed_build)])
    assert by_path.output == expected
    report = (seed_build / "report.md").read_text(encoding="utf-8")
    assert expected.splitlines()[2].strip() in report  # the sourcing line heads the article's section
    folder = tmp_path / "in"  # the seeds with a sidecar giving one its URL
    shutil.copytree(DATA, folder)
    (folder / "metadata.csv").write_text(f"path,url\n{article},https://www.example.org/news/story-000\n")
    out = tmp_path / "out"
    build(BuildOptions(inputs=(folder,), out=out, jobs=1))
    by_url = CliRunner().invoke(app, ["story", "http://example.org/news/story-000/", "--out", str(out)])
    assert by_url.exit_code == 0, by_url.output
    assert by_url.output.splitlines()[0] == expected.splitlines()[0]
    assert "url https://www.example.org/news/story-000" in by_url.output.splitlines()[1]


def test_story_of_an_unknown_article_says_what_to_give(seed_build):
    result = CliRunner().invoke(app, ["story", "000_d868355d3de1eb9.txt", "--out", str(seed_build)])
    assert result.exit_code == 1
    assert "no article '000_d868355d3de1eb9.txt'" in result.output
    assert "Did you mean 000_d868355d3de1eb99.txt?" in result.output


def test_story_one_step_back_reads_the_cited_outlets_own_articles():
    """Invented: B's own article cites Reuters; A cites B: A's card shows B's article citing Reuters."""
    a = Article(id="a.txt", title="A", body="As Example Post reported.", publisher="Example News")
    b = Article(id="b.txt", title="B", body="Reuters reported it first.", publisher="Example Post",
                published="2024-05-01")
    ev = lambda t: (Evidence(t, 0, len(t)),)  # noqa: E731
    citations = [Citation("a.txt", CitationKind.OUTLET, "Example Post", "reported", ev("As Example Post reported.")),
                 Citation("b.txt", CitationKind.OUTLET, "Reuters", "reported", ev("Reuters reported it first."))]
    G = build_graph([a, b], citations)
    card = Stories(G).card(find_article(G, "a.txt"))
    (further,) = card["further"]
    assert further["label"] == "Example Post" and further["own_articles"] == 1
    assert further["cites"][0]["label"] == "Reuters" and further["cites"][0]["example"]["article"] == "b.txt"
    assert card["single_source"] == "outlet:Example Post" and card["anonymous_share"] == 0.0
