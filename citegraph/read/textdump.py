"""Plain-text articles and text dumps of saved news pages -> ``Article``.

Four shapes are recognised, tried in this order:

1. **Dated dump**: the first line is ``date YYYY-MM-DD <title>``; every other
   non-empty line is a paragraph.
2. **Page dump**: the text of a whole web page (menus, ticker, byline block,
   captions, related and most-read lists, footer). The article is found by
   its byline block, a run of bulleted lines such as ``• By <name>``,
   ``• Source: <outlets>``, ``• 9 Nov 2023 01:14``, ``• 3 Shares``: the title
   is the line before it, the body starts after it (and after an
   ``N Min Read`` line). The body ends at a known end heading ("Most Read",
   "Read Next", ...) or at the article's tag list (a run of short bulleted
   lines). Inside it, bulleted/indented lines (captions), page controls,
   ``Read more: ...`` links and the headlines under an inline "Related News"
   heading are dropped. Structural words live in ``data/pagedump.toml``.
3. **Web page dump** of any other site (menus, share bars, newsletter boxes,
   captions, footers around the article), see ``pagetext``.
4. **Plain text** (PolNeAR, BBC, Wikinews): the first line is the title, an
   optional date line follows (the dateline), the rest is the body,
   verbatim. ``plain_body_offset(text)`` gives where the body starts in the
   file's text, so character offsets into the file (e.g. PolNeAR's ``.ann``
   spans) map onto the body by subtracting it: ``body == text[offset:].rstrip()``
   once non-breaking spaces are made spaces (a one-for-one change).

Publisher: a page dump's site name (its first line, when the page repeats it
as header or footer), else the site's self-reference in the text
("RadarOnline.com has learned" -> "RadarOnline"). Date: the byline block's
date, the dump's ``date`` header or the dateline; failing those, a plain text
whose file name holds ``_YYYY-MM-DD_`` (``<publisher>_<date>_<slug>.txt``) takes
that date.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..records import Article, ImageCredit
from . import pagetext
from .helpers import CREDIT, DumpRules, caption_credit, iso_date, load_dump_rules, self_reference

_BULLET = re.compile(r"^\s*[•·▪●◦‣*]\s*(.*)$")
_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(\S.*)$", re.IGNORECASE)
_MIN_READ = re.compile(r"^\d+\s+min(?:ute)?s?\s+read$", re.IGNORECASE)
_SHARES = re.compile(r"^[\d,.]+[KkMm]?\s+(?:shares?|comments?|views?)$", re.IGNORECASE)
_BY = re.compile(r"^by\s+(\S.*)$", re.IGNORECASE)
_SOURCE = re.compile(r"^source\s*:\s*(\S.*)$", re.IGNORECASE)
_FILENAME_DATE = re.compile(r"(?:^|_)(\d{4}-\d{2}-\d{2})_")
_SENTENCE_END = re.compile(r"""(?:[.!…]|[.!?…]["'”’)\]])$""")
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_DATELINE = re.compile(rf"^(?:{_WEEKDAY},?\s+)?[\w ,.-]{{6,30}}$", re.IGNORECASE)
_TAG_MAX_WORDS = 6
_BYLINE_MAX_WORDS = 8


def parse_text(text: str, name: str = "") -> Article:
    """Read a ``.txt`` article (any of the three shapes above); ``id`` is left for the caller."""
    text = text.replace("\xa0", " ")
    lines = text.splitlines()
    header = _DATE_HEADER.match(lines[0]) if lines else None
    if header:
        body = _clean_body(lines[1:], load_dump_rules())[0]
        return _with_publisher(Article(id="", title=header.group(2).strip(), body=body, published=header.group(1)))
    block = _byline_block(lines)
    article = _parse_page_dump(lines, *block) if block else None
    if article and article.body:  # an empty body: the block was some other page's furniture
        return _with_publisher(article)
    if pagetext.is_page_dump(text):
        return _with_publisher(pagetext.parse_page_dump(text))
    return _with_publisher(_parse_plain(text, name))


# -- plain text -----------------------------------------------------------


def plain_body_offset(text: str) -> int:
    """Where the body of a plain text starts: after the title line, blank lines and a dateline."""
    return _plain_layout(text)[0]


def _plain_layout(text: str) -> tuple[int, str | None]:
    """(where the body starts: after the title line, blanks, and a dateline and blanks; the dateline's date)."""
    match = re.match(r"\s*[^\n]*\n?\s*", text)
    title_end = match.end() if match else 0
    line = re.match(r"([^\n]*)\n?\s*", text[title_end:])
    date = iso_date(line.group(1)) if line and _DATELINE.match(line.group(1).strip()) else None
    return (title_end + line.end() if date else title_end), date


def _parse_plain(text: str, name: str) -> Article:
    stripped = text.strip()
    title = stripped.split("\n", 1)[0].strip()
    start, dateline = _plain_layout(text)
    found = _FILENAME_DATE.search(name)
    published = dateline or (iso_date(found.group(1)) if found else None)
    return Article(id="", title=title, body=text[start:].rstrip(), published=published)


# -- page dumps -----------------------------------------------------------


def _byline_block(lines: list[str]) -> tuple[int, int] | None:
    """(first, last+1) line of the first bulleted run that carries a byline, source or date."""
    i = 0
    while i < len(lines):
        if not _BULLET.match(lines[i]):
            i += 1
            continue
        j = i
        while j < len(lines) and _BULLET.match(lines[j]):
            j += 1
        items = [_BULLET.match(line).group(1).strip() for line in lines[i:j]]
        if sum(_is_byline_item(s) for s in items) >= 2:
            return i, j
        i = j
    return None


def _is_byline_item(item: str) -> bool:
    """A short bulleted "By ...", "Source: ...", date or share count."""
    if len(item.split()) > _BYLINE_MAX_WORDS:
        return False
    return any(f(item) for f in (_BY.match, _SOURCE.match, _SHARES.match, _is_date_item))


def _is_date_item(item: str) -> bool:
    return bool(iso_date(item)) and len(item.split()) <= 6


def _parse_page_dump(lines: list[str], first: int, last: int) -> Article:
    rules = load_dump_rules()
    items = [_BULLET.match(line).group(1).strip() for line in lines[first:last]]
    start = last
    while start < len(lines) and (not lines[start].strip() or _MIN_READ.match(lines[start].strip())):
        start += 1
    body, credits, end = _clean_body(lines[start:], rules)
    outside = lines[:first] + lines[start + end :]
    credits |= {c for line in outside if (c := caption_credit(line.strip()))}
    return Article(
        id="",
        title=_title_before(lines, first),
        body=body,
        publisher=_site_name(lines),
        published=next((d for s in items if _is_date_item(s) and (d := iso_date(s))), None),
        byline=next((m.group(1) for s in items if (m := _BY.match(s))), None),
        source_line=next((m.group(1) for s in items if (m := _SOURCE.match(s))), None),
        image_credits=tuple(sorted(credits)),
    )


def _title_before(lines: list[str], index: int) -> str:
    for line in reversed(lines[:index]):
        if line.strip() and not _BULLET.match(line):
            return line.strip()
    return ""


def _site_name(lines: list[str]) -> str | None:
    """The page's first line when the page repeats it on a line of its own (header, footer)."""
    stripped = [line.strip() for line in lines if line.strip()]
    if stripped and stripped.count(stripped[0]) >= 2 and len(stripped[0].split()) <= 6:
        return stripped[0]
    return None


def _clean_body(lines: list[str], rules: DumpRules) -> tuple[str, set[ImageCredit], int]:
    """(body paragraphs, captions' credits, lines consumed) of a dump's article part."""
    paragraphs: list[str] = []
    credits: set[ImageCredit] = set()
    in_related = False
    i = 0
    while i < len(lines):
        raw, line = lines[i], lines[i].strip()
        folded = line.casefold()
        if not line:
            i += 1
        elif folded in rules.end_headings:
            break
        elif _BULLET.match(raw) or raw[:1].isspace():
            run = _indented_run(lines, i)
            items = [_BULLET.sub(r"\1", s).strip() for s in lines[i : i + run]]
            if paragraphs and _is_tag_list(items, rules):
                break
            credits |= {c for s in items if (c := caption_credit(s))}
            i += run
        else:
            in_related = _keep_line(line, folded, rules, in_related, paragraphs)
            i += 1
    return "\n\n".join(paragraphs), credits, i


def _keep_line(line: str, folded: str, rules: DumpRules, in_related: bool, paragraphs: list[str]) -> bool:
    """Append ``line`` to ``paragraphs`` unless it is page furniture; returns the new related-block state."""
    if folded in rules.inline_headings:
        return True
    if in_related and not _SENTENCE_END.search(line):
        return True
    if folded not in rules.ui_lines and not folded.startswith(rules.link_prefixes):
        paragraphs.append(line)
    return False


def _indented_run(lines: list[str], i: int) -> int:
    j = i
    while j < len(lines) and lines[j].strip() and (_BULLET.match(lines[j]) or lines[j][:1].isspace()):
        j += 1
    return j - i


def _is_tag_list(items: list[str], rules: DumpRules) -> bool:
    """A run of short bulleted labels (the article's topics), not captions."""
    labels = [s for s in items if s.casefold() not in rules.ui_lines]
    return len(labels) >= 2 and all(
        len(s.split()) <= _TAG_MAX_WORDS and not _SENTENCE_END.search(s) and not CREDIT.search(s) for s in labels
    )


# -- metadata -------------------------------------------------------------


def _with_publisher(article: Article) -> Article:
    if article.publisher:
        return article
    return replace(article, publisher=self_reference(article.body))
