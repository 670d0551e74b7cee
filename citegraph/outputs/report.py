"""The report a media researcher reads: ``out/report.md`` and ``out/report.html``.

The report is assembled once as a list of ``Section`` records (paragraphs and
tables whose cells may link to anchors) and rendered twice, to Markdown and to
a self-contained HTML page. Every claim links to the article it rests on and
to the evidence sentence, both listed in the closing "Articles" section. The
HTML page carries its own CSS and inline SVG charts drawn here at build time:
no script, no request. All article text is escaped: it is hostile input.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Union

from .. import lazy
from ..errors import BuildError
from ..extract.gazetteer import Gazetteer
from ..fsutil import atomic_write_pieces, atomic_write_text, dumps_json_pieces
from .exports import csv_text
from ..graph.metrics import compute_metrics
from ..graph.stories import Stories
from . import story as story_text
from ..graph.model import build_graph, nodes_of_kind, publisher_of
from ..records import Article, Citation, Skip

nx = lazy.load("networkx")

log = logging.getLogger(__name__)

TOP = 50  # rows in the ranked tables; metrics.json holds everything
CITING_SHOWN = 5  # citing articles listed per source
LISTED = 200  # rows in the per-article lists (single-source, chains)
# Up to this many articles the report has a section for every one; above, only for those its
# figures link to (the rest are in citations.jsonl and the explorer): a report of 100,000
# article sections would run to hundreds of megabytes that no reader opens.
ARTICLE_SECTIONS = 2000


@dataclass(frozen=True)
class Ref:
    """Text linking to an anchor in the report; ``article``: the article node whose section holds it, if any."""

    text: str
    anchor: str
    article: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Mark:
    """Text that is itself an anchor target."""

    text: str
    anchor: str


@dataclass(frozen=True)
class Lines:
    """Inline items shown one per line."""

    items: tuple


Inline = Union[str, Ref, Mark, Lines, tuple]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    anchor: str
    level: int = 2
    paragraphs: tuple[Inline, ...] = ()
    table: Table | None = None
    svg: str = ""  # an inline chart (HTML only)


def anchor(prefix: str, *parts: str) -> str:
    """A short, stable anchor id for a node or an (article, source) pair."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"


def _aid(node: str) -> str:
    return node.split(":", 1)[1]


def _label(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("label") or _aid(node))


def _article_ref(G: nx.DiGraph, article: str) -> Ref:
    return Ref(_label(G, article), anchor("a", article), article)


def _squeezed(text: str) -> str:
    """Runs of white space as one space, none at the ends."""
    return " ".join(text.split())


def _quote(text: str, limit: int = 300, focus: str = "") -> str:
    """The sentence in quotes; a long one is cut to ``limit`` around ``focus`` when it occurs."""
    text = _squeezed(text)
    if len(text) <= limit:
        return f"“{text}”"
    at = text.casefold().find(focus.casefold()) if focus else -1
    start = 0 if at < 0 else max(0, min(at - limit // 2, len(text) - limit))
    cut = text[start : start + limit - 2].strip()
    return f"“{'…' if start else ''}{cut}{'…' if start + limit - 2 < len(text) else ''}”"


def _citing(G: nx.DiGraph, node: str) -> list[str]:
    return sorted(u for u, d in G.pred[node].items() if d.get("relation") == "cites")


def _evidence_cell(G: nx.DiGraph, node: str) -> Lines:
    """Each citing article (first few) with its first evidence sentence, linked."""
    items: list[Inline] = []
    citing = _citing(G, node)
    for article in citing[:CITING_SHOWN]:
        evidence = G.edges[article, node].get("evidence") or []
        quote = _quote(evidence[0]["text"], focus=_label(G, node)) + " " if evidence else ""
        items.append((quote, "in ", Ref(_label(G, article), anchor("e", article, node), article)))
    if len(citing) > CITING_SHOWN:
        items.append(f"and {len(citing) - CITING_SHOWN} more articles (see metrics.json)")
    return Lines(tuple(items))


def _rank(row: tuple[str, dict[str, int]]) -> tuple[int, int, str]:
    """Most-cited first: by citing articles, then publishers, then node id."""
    node, figures = row
    return -figures["in_degree"], -figures["publishers"], node


def _ranked(metrics: dict[str, Any], kind: str) -> list[tuple[str, dict[str, int]]]:
    return sorted(metrics["most_cited"].get(kind, {}).items(), key=_rank)


def _outlets_section(G: nx.DiGraph, metrics: dict[str, Any]) -> Section:
    ranked = _ranked(metrics, "outlet")
    rows = tuple(
        (Mark(_label(G, n), anchor("s", n)), str(m["in_degree"]), str(m["publishers"]), str(m["mentions"]),
         _evidence_cell(G, n))
        for n, m in ranked[:TOP]
    )
    intro = (
        f"{len(ranked)} outlet(s) are cited as sources; {_listing(len(rows), len(ranked), 'outlets', 'articles citing')}. "
        "“Articles” counts the distinct articles citing the outlet (its in-degree), “publishers” the distinct "
        f"outlets that published those articles ({_rests_on(metrics, 'publisher')}), “mentions” the evidence "
        "sentences. An outlet's citations of itself are not counted here; see Self-citation.",
    )
    headers = ("Outlet", "Articles", "Publishers", "Mentions", "Evidence")
    return Section("Most-cited outlets", "outlets", paragraphs=intro, table=Table(headers, rows))


def _documents_section(G: nx.DiGraph, metrics: dict[str, Any]) -> Section:
    ranked = _ranked(metrics, "document")
    rows = []
    for n, m in ranked[:TOP]:
        attrs = G.nodes[n]
        via = sorted(_label(G, v) for _, v, r in G.out_edges(n, data="relation") if r == "via")
        rows.append((Mark(_label(G, n), anchor("s", n)), attrs.get("doc_type", ""), ", ".join(via) or "—",
                     attrs.get("issuer") or "—", str(m["in_degree"]), _evidence_cell(G, n)))
    intro = (
        f"{len(ranked)} document(s) are cited; {_listing(len(rows), len(ranked), 'documents', 'articles citing')}. "
        "“Via” is the outlet that obtained, reviewed or first reported the document; “issuer” who wrote or sent "
        "it. Articles meet at one document only when they name it alike: its type, its issuer or the proper words "
        "of its name, and its date or the outlet it came through; a bare “a statement” or “the report” stays with "
        "its article.",
    )
    headers = ("Document", "Type", "Via", "Issuer", "Articles", "Evidence")
    return Section("Documents", "documents", paragraphs=intro, table=Table(headers, tuple(rows)))


def _named_sources_section(G: nx.DiGraph, metrics: dict[str, Any]) -> Section:
    people, organisations = _ranked(metrics, "person"), _ranked(metrics, "organization")
    ranked = sorted(people[:TOP] + organisations[:TOP], key=_rank)  # the top of both holds the top of all
    rows = tuple(
        (Mark(_label(G, n), anchor("s", n)), G.nodes[n]["kind"], str(m["in_degree"]), _evidence_cell(G, n))
        for n, m in ranked[:TOP]
    )
    total = len(people) + len(organisations)
    intro = (f"{total} named people and organisations are cited; "
             f"{_listing(len(rows), total, 'sources', 'articles citing', 'people and organisations')}.",)
    return Section("People and organisations", "people", paragraphs=intro,
                   table=Table(("Source", "Kind", "Articles", "Evidence"), rows))


def _network_section(G: nx.DiGraph, metrics: dict[str, Any]) -> list[Section]:
    pagerank, between = metrics["pagerank"], metrics["betweenness"]
    order = sorted(pagerank, key=lambda n: (-pagerank[n], n))[:TOP]
    rows = tuple((_label(G, n), f"{pagerank[n]:.4f}", f"{between.get(n, 0.0):.4f}") for n in order)
    sampled = " (estimated from a seeded sample of sources)" if metrics.get("betweenness_sampled") else ""
    intro = (
        "In the outlet network an edge A → B counts the articles published by A that cite B, directly or through "
        f"a document B obtained. PageRank and betweenness{sampled} are computed on that network, which "
        f"{_rests_on(metrics, 'publisher')}; {_listing(len(rows), len(pagerank), 'network', 'PageRank', 'outlets')}.",
    )
    sections = [Section("Outlet network", "network", paragraphs=intro,
                        table=Table(("Outlet", "PageRank", "Betweenness"), rows))]
    for key, title in (("outlets", "Outlet communities"), ("sources", "Sources cited together")):
        groups = metrics["communities"].get(key, [])
        rows = tuple((str(i + 1), ", ".join(_label(G, n) for n in g[:30]) + (" …" if len(g) > 30 else ""))
                     for i, g in enumerate(groups[:20]))
        note = (f"{len(groups)} group(s) found by Louvain community detection with a fixed seed "
                f"(groups of one left out).",)
        sections.append(Section(title, f"communities-{key}", level=3, paragraphs=note,
                                table=Table(("Group", "Members"), rows)))
    return sections


CHAIN_TITLES = {
    "article_outlet_document": ("Article → outlet → document",
                                "The article cites an outlet that reported the document (in this article or in "
                                "the outlet's own articles)."),
    "article_outlet_outlet": ("Article → outlet → outlet",
                              "The article cites an outlet whose own articles cite a further outlet."),
    "article_document_outlet": ("Article → document → via outlet",
                                "The article cites a document that an outlet obtained, reviewed or first reported."),
}


def _chain_sections(G: nx.DiGraph, metrics: dict[str, Any]) -> list[Section]:
    sections = [Section("Citation chains", "chains", paragraphs=(
        "Where a story comes from, two steps back. Each row groups the articles that share the same chain; "
        "“Shown by” quotes the sentence behind each step: the first article's citation of the middle source, "
        "then the article that links the middle to the end.",))]
    for key, (title, text) in CHAIN_TITLES.items():
        chains = metrics["chains"].get(key, [])
        rows = tuple(
            (_label(G, c["through"]), _label(G, c["to"]), str(c["count"]), _article_list(G, c["articles"]),
             _steps_cell(G, c["steps"]))
            for c in chains[:TOP]
        )
        listing = _listing(len(rows), len(chains), "chains", "articles", "chains")
        rests = f" Its second step {_rests_on(metrics, 'publisher')}." if key == "article_outlet_outlet" else ""
        sections.append(Section(title, f"chains-{key}", level=3, paragraphs=(f"{text}{rests} {len(chains)} chain(s); {listing}.",),
                                table=Table(("Through", "To", "Articles", "Which", "Shown by"), rows)))
    return sections


def _steps_cell(G: nx.DiGraph, steps: list[dict[str, str]]) -> Lines:
    items: list[Inline] = []
    for i, step in enumerate(steps, 1):
        article = f"article:{step['article']}"
        items.append((f"{i}. ", _quote(step["text"], focus=_label(G, step["to"])), " in ", _article_ref(G, article)))
    return Lines(tuple(items))


# The full table behind each cut one, written beside the report (``tables/<name>.csv``).
TABLES_DIR = "tables"


def _listing(shown: int, total: int, table: str, measure: str, noun: str = "") -> str:
    """Says what a table holds: "all 12, by articles citing" or "the top 50 of 252 by PageRank; all in ...".

    ``table`` names the CSV (``tables/<table>.csv``) that holds every row.
    """
    where = f"{TABLES_DIR}/{table}.csv"
    noun = f" {noun}" if noun else ""
    if shown >= total:
        return f"all {total}{noun} shown, by {measure} (also in {where})"
    return f"the top {shown} of {total}{noun} shown, by {measure}; all {total} are in {where} and metrics.json"


def _rests_on(metrics: dict[str, Any], needs: str) -> str:
    """"rests on the 296 of 3,604 articles whose publisher is known" (``needs``: publisher or date)."""
    cov = metrics.get("coverage") or {}
    total = cov.get("articles", 0)
    known = cov.get("with_publisher" if needs == "publisher" else "with_date", 0)
    what = "whose publisher is known" if needs == "publisher" else "that carry a date"
    if known >= total:
        return f"rests on all {total} articles, each of which has a known {needs}"
    return f"rests on the {known} of {total} articles {what}"


def _article_list(G: nx.DiGraph, ids: list[str]) -> Lines:
    items: list[Inline] = [_article_ref(G, f"article:{a}") for a in ids[:CITING_SHOWN]]
    if len(ids) > CITING_SHOWN:
        items.append(f"and {len(ids) - CITING_SHOWN} more")
    return Lines(tuple(items))


def _single_source_section(G: nx.DiGraph, metrics: dict[str, Any]) -> Section:
    single = metrics["single_source"]
    rows = []
    for article_id, node in _single_order(single)[:LISTED]:
        article = f"article:{article_id}"
        evidence = G.edges[article, node].get("evidence") or []
        quote = _quote(evidence[0]["text"], focus=_label(G, node)) if evidence else ""
        evidence_ref = Ref(quote or "(evidence)", anchor("e", article, node), article)
        rows.append((_article_ref(G, article), _label(G, node), evidence_ref))
    intro = (
        "An article is single-source when, apart from its own publisher, it cites exactly one source: one outlet, "
        "document, person, organisation or anonymous source. A document obtained via an outlet the article also "
        f"cites counts as that outlet. {len(single)} article(s) are single-source; "
        f"{len(metrics['unsourced'])} cite no external source at all. "
        f"{_listing(len(rows), len(single), 'single_source', 'how many articles rest on the same source', 'articles').capitalize()}.",
    )
    return Section("Single-source articles", "single-source", paragraphs=intro,
                   table=Table(("Article", "Only source", "Evidence"), tuple(rows)))


def _single_order(single: dict[str, str]) -> list[tuple[str, str]]:
    """Articles resting on the source most often the only one first, then by source and article."""
    counts: dict[str, int] = {}
    for node in single.values():
        counts[node] = counts.get(node, 0) + 1
    return sorted(single.items(), key=lambda kv: (-counts[kv[1]], kv[1], kv[0]))


def _anonymous_section(G: nx.DiGraph, metrics: dict[str, Any]) -> Section:
    share = metrics["anonymous_share"]
    order = sorted(share, key=lambda p: (-share[p]["share"], -share[p]["sources"], p))
    rows = tuple(
        (_label(G, p), str(share[p]["articles"]), str(share[p]["anonymous"]), str(share[p]["sources"]),
         f"{100 * share[p]['share']:.1f}%")
        for p in order[:TOP]
    )
    covered = sum(v["articles"] for v in share.values())
    intro = ("Share of anonymous sourcing = citations of anonymous sources / all source citations in the "
             f"publisher's articles (one citation per article and source). The table {_rests_on(metrics, 'publisher')}, "
             f"{covered} of which cite a source; {_listing(len(rows), len(share), 'anonymous', 'share', 'publishers')}.",)
    return Section("Anonymous sourcing by publisher", "anonymous", paragraphs=intro,
                   table=Table(("Publisher", "Articles", "Anonymous", "All sources", "Share"), rows))


def _self_citation_section(G: nx.DiGraph, metrics: dict[str, Any]) -> Section:
    selfc = metrics["self_citation"]
    order = sorted(selfc, key=lambda p: (-len(selfc[p]), p))
    rows = tuple((_label(G, p), str(len(selfc[p])), _article_list(G, selfc[p])) for p in order[:TOP])
    intro = (f"Articles citing their own publisher (“told the BBC” in a BBC story): "
             f"{sum(len(v) for v in selfc.values())}. This {_rests_on(metrics, 'publisher')}: an article whose "
             f"publisher is unknown cannot be seen citing itself; "
             f"{_listing(len(rows), len(selfc), 'self_citation', 'articles', 'publishers')}.",)
    return Section("Self-citation", "self-citation", paragraphs=intro,
                   table=Table(("Publisher", "Articles", "Which"), rows))


def _time_section(metrics: dict[str, Any]) -> Section:
    over = metrics["over_time"]
    rows = tuple((month, str(v["articles"]), str(v["citations"])) for month, v in over.items())
    dated = {m: v for m, v in over.items() if m != "undated"}
    svg = timeline_svg([(m, v["citations"]) for m, v in dated.items()], "Citations per month") if dated else ""
    intro = (f"Citations made by the articles published each month; the timeline {_rests_on(metrics, 'date')}." if dated
             else "No article carries a publication date, so there is no timeline.",)
    return Section("Citations over time", "timeline", paragraphs=intro,
                   table=Table(("Month", "Articles", "Citations"), rows), svg=svg)


def _skipped_section(skips: Iterable[Skip]) -> Section:
    skips = sorted(skips)
    rows = tuple((s.path, s.reason) for s in skips)
    text = (f"{len(skips)} input(s) could not be read as articles." if skips else "Every input was read.",)
    return Section("Skipped inputs", "skipped", paragraphs=text,
                   table=Table(("Input", "Reason"), rows) if rows else None)


def _overview(G: nx.DiGraph, metrics: dict[str, Any], skips: list[Skip], articles: list[str]) -> Section:
    nodes, edges = metrics["summary"]["nodes"], metrics["summary"]["edges"]
    publishers = {publisher_of(G, a) for a in articles} - {None}
    text = (
        f"{nodes.get('article', 0)} article(s) from {len(publishers)} publisher(s) make "
        f"{edges.get('cites', 0)} citation(s) of {len(metrics['most_cited']['outlet'])} outlet(s), "
        f"{len(metrics['most_cited']['document'])} document(s) and "
        f"{len(metrics['most_cited']['person']) + len(metrics['most_cited']['organization'])} named people and "
        f"organisations; {nodes.get('anonymous', 0)} anonymous source(s); {len(skips)} input(s) skipped.",
    )
    top = sorted(
        _ranked(metrics, "outlet")[:TOP] + _ranked(metrics, "document")[:TOP],
        key=lambda kv: (-kv[1]["in_degree"], kv[0]),
    )[:15]
    bars = [(_label(G, n), m["in_degree"], "#" + anchor("s", n)) for n, m in top]
    svg = bar_chart_svg(bars, "Most-cited outlets and documents (articles citing)") if bars else ""
    return Section("Overview", "overview", paragraphs=(*text, coverage_text(metrics)), svg=svg)


def coverage_text(metrics: dict[str, Any]) -> str:
    """"Publisher known for 296 of 3,604 articles (8%), date for ...": what the figures below rest on."""
    cov = metrics.get("coverage") or {}
    total = cov.get("articles", 0)

    def part(key: str) -> str:
        known = cov.get(key, 0)
        return f"{known} of {total} articles ({100 * known / total:.0f}%)" if total else "no articles"

    return (f"Publisher known for {part('with_publisher')}; date known for {part('with_date')}; both for "
            f"{part('with_both')}. Figures that need a publisher or a date (publishers per source, the outlet "
            "network, anonymous sourcing by publisher, self-citation, the timeline) rest on those articles only, "
            "and say so. Give what the pages lack with a metadata sidecar or --publisher (see the README).")


def _stamp_section(stamp: dict[str, Any] | None) -> Section:
    """What this report was made from: the inputs, the counts, the citegraph version, the store's digest."""
    if not stamp:
        return Section("About this report", "about", paragraphs=("Made by citegraph.",))
    rows = tuple((key.replace("_", " "), _stamp_value(stamp[key])) for key in STAMP_ORDER if key in stamp)
    text = ("Made by citegraph from these inputs; the same inputs and version give the same report, byte for byte "
            "(no timestamp). The store digest names the exact articles and extraction behind every figure.",)
    return Section("About this report", "about", paragraphs=text, table=Table(("Field", "Value"), rows))


STAMP_ORDER = ("citegraph", "inputs", "metadata", "publishers", "articles", "citations", "skipped", "store_digest")


def _stamp_value(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _article_sections(G: nx.DiGraph, shown: list[str], total: int, stories: Stories | None = None) -> Iterator[Section]:
    """The "Articles" heading, then one section per article of ``shown``, made as they are asked for."""
    intro = "Every article with the sources it cites and the sentences that show each citation."
    if len(shown) < total:
        intro = (f"The {len(shown)} articles that the figures above link to, of {total} in all, with the sources "
                 "each cites and the sentences that show each citation; citations.jsonl and the explorer "
                 "(graph.html) hold every article's.")
    yield Section("Articles", "articles", paragraphs=(intro,))
    stories = Stories(G) if stories is None else stories
    for article in shown:
        card = stories.card(article)
        rows = []
        for node in [s["node"] for group in card["sources"] for s in group["sources"]]:
            edge = G.edges[article, node]
            quotes = tuple([f"{_quote(e['text'], 600)} ({e['field']} {e['start']}–{e['end']}){_link_note(e)}"
                            for e in edge.get("evidence") or ()])
            source = G.nodes[node]
            rows.append((Mark(str(source.get("label") or _aid(node)), anchor("e", article, node)), source["kind"],
                         ", ".join(edge.get("cues") or ()), Lines(quotes)))
        table = Table(("Source", "Kind", "Cues", "Evidence"), tuple(rows)) if rows else None
        yield Section(_label(G, article), anchor("a", article), level=3, paragraphs=_card_paragraphs(card),
                      table=table)


def _link_note(evidence: dict[str, Any]) -> str:
    """For a citation by hyperlink: " link “anchor” → URL"."""
    if not evidence.get("url"):
        return ""
    anchor_text = f" “{_squeezed(evidence['anchor'])}”" if evidence.get("anchor") else ""
    return f" link{anchor_text} → {evidence['url']}"


def _card_paragraphs(card: dict[str, Any]) -> tuple[Inline, ...]:
    """The story card (``outputs.story``) above an article's table of sources."""
    lines: list[Inline] = [story_text.facts_line(card), story_text.sourcing_line(card)]
    if card["documents"]:
        lines.append(Lines(("Where its documents come from:",
                            *(f"• {story_text.document_line(d)}" for d in card["documents"]))))
    if card["further"]:
        lines.append(Lines(("One step back, what the cited outlets' own articles cite:",
                            *(f"• {story_text.further_line(f)}" for f in card["further"]))))
    if not card["sources"]:
        lines.append("No citation found.")
    return tuple(lines)


def _articles_shown(articles: list[str], summary: list[Section]) -> list[str]:
    """Every article node, or above ``ARTICLE_SECTIONS`` those ``summary`` links to (their section or evidence)."""
    if len(articles) <= ARTICLE_SECTIONS:
        return articles
    linked = _linked_articles(summary)
    return [a for a in articles if a in linked]


def _linked_articles(sections: Iterable[Section]) -> set[str]:
    """The article nodes whose sections ``sections`` link to (a ``Ref``'s ``article``)."""
    found: set[str] = set()

    def walk(item: Inline) -> None:
        if isinstance(item, Ref):
            if item.article:
                found.add(item.article)
        elif isinstance(item, (Lines, tuple)):
            for inner in item.items if isinstance(item, Lines) else item:
                walk(inner)

    for section in sections:
        for paragraph in section.paragraphs:
            walk(paragraph)
        for row in section.table.rows if section.table else ():
            for cell in row:
                walk(cell)
    return found


def build_sections(G: nx.DiGraph, metrics: dict[str, Any], skips: Iterable[Skip] = (),
                   stories: Stories | None = None) -> list[Section]:
    """The report as data, in reading order (``stories``: the graph's story cards, when the caller has them)."""
    summary, articles = _sections(G, metrics, skips, stories)
    return [*summary, *articles]


def _sections(G: nx.DiGraph, metrics: dict[str, Any], skips: Iterable[Skip], stories: Stories | None = None
              ) -> tuple[list[Section], Iterator[Section]]:
    """The summary sections, and the article sections as they are made (one per article: the bulk)."""
    skips = sorted(skips)
    every = nodes_of_kind(G, "article")
    summary = [
        _overview(G, metrics, skips, every),
        _stamp_section(metrics.get("build")),
        _outlets_section(G, metrics),
        _documents_section(G, metrics),
        _named_sources_section(G, metrics),
        *_network_section(G, metrics),
        *_chain_sections(G, metrics),
        _single_source_section(G, metrics),
        _anonymous_section(G, metrics),
        _self_citation_section(G, metrics),
        _time_section(metrics),
        _skipped_section(skips),
    ]
    articles = _article_sections(G, _articles_shown(every, summary), metrics["summary"]["nodes"].get("article", 0),
                                 stories)
    summary.append(next(articles))  # the "Articles" heading belongs in the page's navigation
    return summary, articles


# ---- charts (inline SVG, drawn here) ----------------------------------------

_SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


def _short(text: str, limit: int = 42) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart_svg(bars: list[tuple[str, int, str]], title: str) -> str:
    """A horizontal bar chart: one ``(label, value, href)`` per bar, largest first."""
    row, left, span = 24, 320, 520
    height = row * len(bars) + 40
    top = max(v for _, v, _ in bars) or 1
    parts = [f'<svg class="chart bar-chart" {_SVG_NS} role="img" viewBox="0 0 900 {height}" width="900" '
             f'height="{height}"><title>{html.escape(title)}</title>',
             f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, value, href) in enumerate(bars):
        y = 28 + i * row
        width = max(1, round(span * value / top))
        tip = html.escape(f"{label}: {value}")
        parts.append(
            f'<a href="{html.escape(href)}"><rect class="bar" x="{left}" y="{y}" width="{width}" height="{row - 6}">'
            f"<title>{tip}</title></rect></a>"
            f'<text x="{left - 8}" y="{y + row - 11}" text-anchor="end">{html.escape(_short(label))}</text>'
            f'<text x="{left + width + 6}" y="{y + row - 11}">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    months = []
    while f"{y:04d}-{m:02d}" <= last:
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def timeline_svg(points: list[tuple[str, int]], title: str) -> str:
    """A line chart of ``(YYYY-MM, value)``; months in between are drawn as zero."""
    values = dict(points)
    try:
        months = _months(min(values), max(values))
    except ValueError:
        months = sorted(values)
    if len(months) > 600:  # decades apart: plot only the months that have articles
        months = sorted(values)
    left, width, height, base = 50, 820, 260, 220
    top = max(values.values()) or 1
    step = width / max(1, len(months) - 1)
    xy = [(left + i * step if len(months) > 1 else left + width / 2, base - 180 * values.get(m, 0) / top)
          for i, m in enumerate(months)]
    parts = [f'<svg class="chart timeline" {_SVG_NS} role="img" viewBox="0 0 900 {height + 20}" width="900" '
             f'height="{height + 20}"><title>{html.escape(title)}</title>',
             f'<text x="0" y="16" font-weight="bold">{html.escape(title)}</text>',
             f'<line class="axis" x1="{left}" y1="{base}" x2="{left + width}" y2="{base}"/>',
             f'<text x="{left - 6}" y="{base}" text-anchor="end">0</text>',
             f'<text x="{left - 6}" y="{base - 176}" text-anchor="end">{top}</text>']
    if len(xy) > 1:
        parts.append('<polyline class="line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + '"/>')
    every = max(1, -(-len(months) // 12))
    for i, (month, (x, y)) in enumerate(zip(months, xy)):
        if month in values:
            parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                         f"<title>{html.escape(month)}: {values[month]}</title></circle>")
        if i % every == 0 or i == len(months) - 1:
            parts.append(f'<text x="{x:.1f}" y="{base + 18}" text-anchor="middle">{html.escape(month)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---- rendering: one renderer, a table of templates per format ---------------

_MD_SPECIAL = "`*_[]<>|#!{}~"  # each gets a backslash (and a backslash another), ``&`` becomes ``&amp;``
_ODD_SPACES = re.compile(r"\s{2,}|[^\S ]")


def md_escape(text: str) -> str:
    """Escape text for Markdown (and for the HTML a Markdown viewer makes of it): white space runs become
    one space, Markdown's special characters get a backslash, ``&`` becomes ``&amp;``.

    One ``str.replace`` per special character present, backslashes first: the text one pass of
    ``str.translate`` would give, in less time (docs/SCALE.md). Every white space but the space is
    unprintable, so a printable text without two spaces in a row has no run to fold.
    """
    text = str(text)
    if not text.isprintable() or "  " in text:
        text = _ODD_SPACES.sub(" ", text)
    text = text.replace("\\", "\\\\").replace("&", "&amp;")
    for char in _MD_SPECIAL:
        if char in text:
            text = text.replace(char, "\\" + char)
    return text


@dataclass(frozen=True)
class Format:
    """How one output format writes the report's parts; ``render_section`` is the one renderer."""

    escape: Callable[[str], str]  # text
    anchor: Callable[[str], str]  # an anchor id
    ref: str  # a link to an anchor: {anchor}, {text}
    mark: str  # text that is an anchor target: {anchor}, {text}
    heading: str  # {anchor}, {level}, {hashes}, {title}
    paragraph: str  # {text}
    charts: bool  # whether the inline SVG charts are drawn
    head: tuple[str, str, str]  # table header: before the first cell, between cells, after the last
    rule: str  # the Markdown line under the header, one per column ("" for none)
    row: tuple[str, str, str]  # a table row, likewise
    table_end: str
    section_end: str | None


MARKDOWN = Format(
    escape=md_escape, anchor=str, ref="[{text}](#{anchor})", mark='<a id="{anchor}"></a>{text}',
    heading='<a id="{anchor}"></a>\n\n{hashes} {title}\n', paragraph="{text}\n", charts=False,
    head=("| ", " | ", " |"), rule="---", row=("| ", " | ", " |"), table_end="", section_end=None,
)
HTML = Format(
    escape=html.escape, anchor=html.escape, ref='<a href="#{anchor}">{text}</a>', mark='<span id="{anchor}">{text}</span>',
    heading='<section id="{anchor}"><h{level}>{title}</h{level}>', paragraph="<p>{text}</p>", charts=True,
    head=("<table><thead><tr><th>", "</th><th>", "</th></tr></thead><tbody>"), rule="",
    row=("<tr><td>", "</td><td>", "</td></tr>"), table_end="</tbody></table>", section_end="</section>",
)


def render_inline(item: Inline, fmt: Format) -> str:
    """An inline item (text, link, anchor target, lines, or a tuple of them) in ``fmt``."""
    if isinstance(item, Ref):
        return fmt.ref.format(text=fmt.escape(item.text), anchor=fmt.anchor(item.anchor))
    if isinstance(item, Mark):
        return fmt.mark.format(text=fmt.escape(item.text), anchor=fmt.anchor(item.anchor))
    if isinstance(item, Lines):
        return "<br>".join(render_inline(i, fmt) for i in item.items)
    if isinstance(item, tuple):
        return "".join(render_inline(i, fmt) for i in item)
    return fmt.escape(str(item))


def render_section(s: Section, fmt: Format) -> str:
    title = fmt.escape(s.title)
    out = [fmt.heading.format(anchor=fmt.anchor(s.anchor), level=s.level, hashes="#" * s.level, title=title)]
    out += [fmt.paragraph.format(text=render_inline(p, fmt)) for p in s.paragraphs]
    if s.svg and fmt.charts:
        out.append(s.svg)
    if s.table and s.table.rows:
        before, between, after = fmt.head
        out.append(before + between.join(fmt.escape(h) for h in s.table.headers) + after)
        if fmt.rule:
            out.append("|" + (fmt.rule + "|") * len(s.table.headers))
        before, between, after = fmt.row
        out += [before + between.join(render_inline(cell, fmt) for cell in row) + after for row in s.table.rows]
        out.append(fmt.table_end)
    if fmt.section_end is not None:
        out.append(fmt.section_end)
    return "\n".join(out) + "\n"


def render_markdown(sections: Iterable[Section]) -> str:
    return "".join(_markdown_pieces(list(sections), ()))


def _markdown_pieces(summary: list[Section], rest: Iterable[Section]) -> Iterator[str]:
    yield "# Where do these stories come from?\n\nA citegraph report. Links lead to the articles and evidence " \
          "sentences behind each figure; `metrics.json` holds every figure in full.\n\n"
    yield from (render_section(s, MARKDOWN) for s in chain(summary, rest))


CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#1b1b1b}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}th,td{border:1px solid #ccc;padding:.3em .5em;
text-align:left;vertical-align:top}th{background:#f2f2f2}h3{margin-top:1.6em}nav a{margin-right:1em}
.chart{display:block;margin:1em 0;max-width:100%;height:auto}.chart .bar{fill:#2f6db5}.chart .bar:hover{fill:#174a85}
.chart .point{fill:#c2410c}.chart .line{fill:none;stroke:#c2410c;stroke-width:2}.chart text{font-size:12px}
.chart .axis{stroke:#666}span:target{background:#fff3b0}
"""


def render_html(sections: Iterable[Section]) -> str:
    return "".join(_html_pieces(list(sections), ()))


def _html_pieces(summary: list[Section], rest: Iterable[Section]) -> Iterator[str]:
    """The page; its navigation lists the level-2 sections, all of which are in ``summary``."""
    nav = " ".join(render_inline(Ref(s.title, s.anchor), HTML) for s in summary if s.level == 2)
    yield (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>citegraph report</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        "<h1>Where do these stories come from?</h1>\n"
        f"<nav>{nav}</nav>\n"
    )
    yield from (render_section(s, HTML) for s in chain(summary, rest))
    yield "</body>\n</html>\n"


# ---- files ------------------------------------------------------------------


def write_metrics(metrics: dict[str, Any], out_dir: Path) -> Path:
    path = Path(out_dir) / "metrics.json"
    atomic_write_pieces(path, dumps_json_pieces(metrics))
    return path


def write_report(G: nx.DiGraph, metrics: dict[str, Any], out_dir: Path, skips: Iterable[Skip] = (),
                 stories: Stories | None = None) -> list[Path]:
    """Write ``report.md``, ``report.html`` and the full tables (``tables/*.csv``) into ``out_dir``.

    Both pages are written in pieces, section by section, from one pass over
    the articles: a large corpus's report is never held in memory whole.
    ``stories``: ``Stories(G)``, when the caller has it.
    """
    summary, articles = _sections(G, metrics, skips, stories)
    articles = list(articles)
    md, page = Path(out_dir) / "report.md", Path(out_dir) / "report.html"
    atomic_write_pieces(md, _markdown_pieces(summary, articles))
    atomic_write_pieces(page, _html_pieces(summary, articles))
    return [md, page, *write_tables(G, metrics, out_dir)]


def write_tables(G: nx.DiGraph, metrics: dict[str, Any], out_dir: Path) -> list[Path]:
    """Every row of the report's tables, one CSV per table, in the report's order (cells inert)."""
    folder = Path(out_dir) / TABLES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (headers, rows) in full_tables(G, metrics).items():
        path = folder / f"{name}.csv"
        atomic_write_text(path, csv_text([list(headers), *rows]))
        paths.append(path)
    return paths


def full_tables(G: nx.DiGraph, metrics: dict[str, Any]) -> dict[str, tuple[tuple[str, ...], list[list[Any]]]]:
    """The report's tables whole: name -> (headers, rows), rows in the report's order."""
    label = lambda n: _label(G, n)  # noqa: E731 - a short local alias
    tables: dict[str, tuple[tuple[str, ...], list[list[Any]]]] = {}
    tables["outlets"] = (("outlet", "id", "articles", "publishers", "mentions"),
                         [[label(n), n, m["in_degree"], m["publishers"], m["mentions"]]
                          for n, m in _ranked(metrics, "outlet")])
    docs = []
    for n, m in _ranked(metrics, "document"):
        attrs = G.nodes[n]
        via = sorted(label(v) for _, v, r in G.out_edges(n, data="relation") if r == "via")
        docs.append([label(n), n, attrs.get("doc_type", ""), "; ".join(via), attrs.get("issuer", ""),
                     attrs.get("date", ""), m["in_degree"]])
    tables["documents"] = (("document", "id", "type", "via", "issuer", "date", "articles"), docs)
    named = sorted(_ranked(metrics, "person") + _ranked(metrics, "organization"), key=_rank)
    tables["sources"] = (("source", "id", "kind", "articles"),
                         [[label(n), n, G.nodes[n]["kind"], m["in_degree"]] for n, m in named])
    pagerank, between = metrics["pagerank"], metrics["betweenness"]
    tables["network"] = (("outlet", "id", "pagerank", "betweenness"),
                         [[label(n), n, pagerank[n], between.get(n, 0.0)]
                          for n in sorted(pagerank, key=lambda n: (-pagerank[n], n))])
    chains = []
    for key in CHAIN_TITLES:
        for c in metrics["chains"].get(key, []):
            first, second = c["steps"]
            chains.append([key, label(c["through"]), label(c["to"]), c["count"], " ".join(c["articles"]),
                           first["article"], first["text"], second["article"], second["text"]])
    tables["chains"] = (("chain", "through", "to", "articles", "article_ids", "step1_article", "step1_evidence",
                         "step2_article", "step2_evidence"), chains)
    single = []
    for article_id, node in _single_order(metrics["single_source"]):
        evidence = G.edges[f"article:{article_id}", node].get("evidence") or []
        single.append([article_id, label(node), node, evidence[0]["text"] if evidence else ""])
    tables["single_source"] = (("article", "only_source", "source_id", "evidence"), single)
    share = metrics["anonymous_share"]
    tables["anonymous"] = (("publisher", "articles", "anonymous", "sources", "share"),
                           [[label(p), share[p]["articles"], share[p]["anonymous"], share[p]["sources"],
                             share[p]["share"]]
                            for p in sorted(share, key=lambda p: (-share[p]["share"], -share[p]["sources"], p))])
    selfc = metrics["self_citation"]
    tables["self_citation"] = (("publisher", "articles", "article_ids"),
                               [[label(p), len(selfc[p]), " ".join(selfc[p])]
                                for p in sorted(selfc, key=lambda p: (-len(selfc[p]), p))])
    return tables


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise BuildError(f"{path} is missing: run `citegraph build --out {path.parent}` first to create the build")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise BuildError(f"{path}:{number} is not valid JSON ({err.msg}): rebuild with `citegraph build`") from err
    return rows


def load_build(out_dir: Path) -> tuple[list[Article], list[Citation], list[Skip]]:
    """Read the records an earlier ``citegraph build`` wrote to ``out_dir``."""
    out_dir = Path(out_dir)
    articles = [Article.from_dict(r) for r in _read_jsonl(out_dir / "articles.jsonl")]
    citations = [Citation.from_dict(r) for r in _read_jsonl(out_dir / "citations.jsonl")]
    skipped = out_dir / "skipped.jsonl"
    skips = [Skip(r["path"], r["reason"]) for r in _read_jsonl(skipped)] if skipped.exists() else []
    return articles, citations, skips


def regenerate_report(out_dir: Path, outlets_file: Path | None = None) -> list[Path]:
    """Rebuild graph and metrics from an existing build; rewrite metrics.json and the report.

    ``outlets_file`` is the user's outlets TOML, as given to the build.
    """
    articles, citations, skips = load_build(out_dir)
    G = build_graph(articles, citations, Gazetteer.load(outlets_file))
    metrics = compute_metrics(G)
    previous = Path(out_dir) / "metrics.json"
    if previous.exists():  # the build's provenance stamp carries over
        try:
            stamp = json.loads(previous.read_text(encoding="utf-8")).get("build")
        except (json.JSONDecodeError, AttributeError):
            stamp = None
        if stamp:
            metrics["build"] = stamp
    return [write_metrics(metrics, out_dir), *write_report(G, metrics, out_dir, skips)]
