"""A story card (``graph.stories``) as plain text: what ``citegraph story`` prints.

The report renders the same card at the head of each article's section
(``report._card_paragraphs``); both say the same things in the same order.
"""

from __future__ import annotations

from typing import Any, Iterator

KIND_TITLES = {
    "outlet": "Outlets",
    "document": "Documents",
    "person": "People",
    "organization": "Organisations",
    "anonymous": "Anonymous sources",
}
QUOTE_LIMIT = 240


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The sentence in curly quotes, white space squeezed, cut at ``limit`` characters."""
    text = " ".join(str(text).split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def facts_line(card: dict[str, Any]) -> str:
    parts = [f"id {card['article']}",
             f"publisher {card['publisher'] or 'unknown'}",
             f"published {card['published'] or 'unknown'}"]
    if card.get("url"):
        parts.append(f"url {card['url']}")
    return " · ".join(parts)


def sourcing_line(card: dict[str, Any]) -> str:
    """How many external sources, the anonymous share, and single-source or unsourced."""
    n = card["external"]
    text = (f"{n} external source{'s' if n != 1 else ''}; anonymous {card['anonymous']} "
            f"({100 * card['anonymous_share']:.0f}%)")
    if card["unsourced"]:
        return text + "; it cites no external source."
    if card["single_source"]:
        return text + f"; it rests on a single source: {_label_of(card, card['single_source'])}."
    return text + "; not single-source."


def source_line(source: dict[str, Any]) -> str:
    cues = ", ".join(source["cues"])
    own = " (its own publisher: self-citation)" if source["self_citation"] else ""
    return f"{source['label']}{own}" + (f" [{cues}]" if cues else "")


def evidence_line(evidence: dict[str, Any]) -> str:
    """The quoted sentence; "[title]" or "[source line]" before one from outside the body; a link's URL."""
    field = evidence.get("field", "body")
    text = ("" if field == "body" else f"[{field.replace('_', ' ')}] ") + quote(evidence["text"])
    if evidence.get("url"):
        anchor = f" “{evidence['anchor']}”" if evidence.get("anchor") else ""
        text += f" (link{anchor} → {evidence['url']})"
    return text


def document_line(doc: dict[str, Any]) -> str:
    parts = [f"{doc['label']} ({doc['doc_type']})"]
    parts.append("via " + ", ".join(doc["via"]) if doc["via"] else "no via")
    if doc["issuer"]:
        parts.append(f"issued by {doc['issuer']}")
    parts.append(f"cited by {doc['cited_by']} article{'s' if doc['cited_by'] != 1 else ''}")
    earliest = doc["earliest"]
    parts.append(f"earliest dated: {earliest['article']} ({earliest['published']})" if earliest
                 else "no dated article cites it")
    return " · ".join(parts)


def further_line(item: dict[str, Any]) -> str:
    n = item["own_articles"]
    if not n:
        return f"{item['label']}: none of its own articles is in the collection."
    cites = ", ".join(f"{c['label']} ({c['articles']})" for c in item["cites"]) or "nothing"
    more = f" and {item['more']} more" if item["more"] else ""
    return f"{item['label']}: its {n} article{'s' if n != 1 else ''} here cite {cites}{more}."


def render_text(card: dict[str, Any]) -> str:
    """The card as indented plain text, one fact per line."""
    return "\n".join(_text_lines(card)) + "\n"


def _text_lines(card: dict[str, Any]) -> Iterator[str]:
    yield f"Story: {card['title']}"
    yield f"  {facts_line(card)}"
    yield f"  {sourcing_line(card)}"
    for group in card["sources"]:
        yield f"  {KIND_TITLES[group['kind']]} ({len(group['sources'])})"
        for source in group["sources"]:
            yield f"    {source_line(source)}"
            for evidence in source["evidence"]:
                yield f"      {evidence_line(evidence)}"
    if card["documents"]:
        yield "  Where its documents come from"
        for doc in card["documents"]:
            yield f"    {document_line(doc)}"
    if card["further"]:
        yield "  One step back: what the cited outlets' own articles cite"
        for item in card["further"]:
            yield f"    {further_line(item)}"
            for cited in item["cites"]:
                if "example" in cited:
                    yield f"      {cited['label']}: {quote(cited['example']['text'])} in {cited['example']['article']}"
    if not card["sources"]:
        yield "  No citation found."


def _label_of(card: dict[str, Any], node: str) -> str:
    for group in card["sources"]:
        for source in group["sources"]:
            if source["node"] == node:
                return source["label"]
    return node.split(":", 1)[-1]
