"""Text dumps of whole web pages from any site -> ``Article``.

What a browser's "save as text", ``w3m -dump``, ``lynx -dump``, html2text,
inscriptis or a scraper's ``get_text`` make of a news page: menus, search
boxes, share buttons, newsletter boxes, captions, the article, related
headlines and the footer, one block per line. ``textdump.parse_text`` hands a
text here when ``is_page_dump`` says it is one (plain texts, whose lines are
nearly all paragraphs, never are).

The article is found jusText-style, on lines:

1. Each non-empty line is classed: **good** (prose: enough words and a
   sentence end), **bad** (bullets, page controls, newsletter / cookie /
   copyright lines, photo captions and credits, end headings) or **short**
   (everything else: headings, bylines, dates, menu labels).
2. Good lines score their word count, bad and short lines a penalty; the
   main content region is the run of lines with the highest total (an end
   heading such as "Most Read" is a wall the region never crosses).
3. Inside the region, good lines are kept, short lines only between good
   ones (subheadings), and the headlines under an inline "Related" heading
   are dropped. Captions' photo credits become ``image_credits``.

Metadata comes from the lines around the region: the title is the headline
before it (preferring a line that the page repeats, as a ``<title>``-like
"Headline | Site" line), the date and "By ..." byline are read from the
lines between title and body, and the publisher is the site suffix of such a
title line, a "© 2022 Site" line or a domain named in the dump. Structural
words live in ``data/pagedump.toml``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from .. import rules
from ..records import Article, ImageCredit
from .helpers import RULES_FILE, DumpRules, caption_credit, iso_date, load_dump_rules

_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣□■○*+–-]|\d{1,2}[.)])(?:\s+|$)")
_MARKUP = re.compile(r"^#{1,6}\s+|\*\*|__+|\s{2,}$")
_FIELD = re.compile(r"\[[\s_]*\]|\[[^\]]{0,40}\]")
_SENTENCE_END = re.compile(r"""[.!?…:;。！？]["'”’)\]」』]*$""")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_COMMENTER = re.compile(r"\s(?:says|said|wrote|writes|replied):$")  # "jdoe says:" heads a reader's comment
_PLACEHOLDER = re.compile(r"^(?:\[[^\]]*\]\s*)+$")  # "[image]", "[INS::INS]": an image or form control alone
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d"
_BY = re.compile(
    rf"^by\s+([A-Z][^|•@]{{1,80}}?)(?:\s*(?:\||,|•|@|\s-\s|\bupdated\b|\bpublished\b|\bon\s|{_MONTH}).*)?$", re.I
)
_SITE_SUFFIX = re.compile(r"^(?P<head>.{12,}?)\s+(?:\||-|–|—|::|•)\s+(?P<site>[^|–—]{2,40})$")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s+)?(?P<site>[A-Z][\w.&' -]{1,60}?)"
    r"(?:,?\s*(?:Inc|LLC|Ltd|Limited|plc|Corp)\.?)?(?:[.,|]|\s+All\b|$)",
    re.I,
)
_OWNER_TAIL = re.compile(r"\s+(?:or its affiliated companies|\d{4})$", re.I)
_DOMAIN = re.compile(r"\b(?:www\.)?([a-z0-9][a-z0-9-]{1,40}\.(?:com|co\.uk|org|net|news|tv|co|ca|com\.au|ie|in))\b")
_GOOD_WORDS = 10
_LONG_WORDS = 25  # a line this long is prose even without a sentence end
_TITLE_WORDS = (3, 30)
_TITLE_LOOKBACK = 40  # lines searched for the title before the region
_META_LOOKAROUND = 12  # lines searched for date and byline around the title
_WALL = -10_000.0
_TIMESTAMP = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?(?:\s|$)|\bupdated\b|\bcaption\b|\bcredit\b", re.I)
_MENU_WORDS = 5
_PAGE_SIGNALS = 10  # menu lines + 2 x control lines; plain corpora reach 8 at most
_PREFIX_CHARS = 64  # longer than any link or furniture prefix in data/pagedump.toml
_NOTE = re.compile(r"\[[^\]\s_]")  # "[Reuters]": a bracketed note, not an empty form field


@dataclass(frozen=True)
class PageRules:
    """Words of web page dumps: ``textdump``'s rules plus the page-furniture phrases."""

    dump: DumpRules
    boilerplate: tuple[str, ...]  # substrings of a short furniture line
    boilerplate_any: tuple[str, ...]  # substrings that make even a long line furniture
    credit_prefixes: tuple[str, ...]
    furniture_prefixes: tuple[str, ...]
    line_prefixes: tuple[str, ...] = ()  # starts of furniture lines: the dump's link prefixes and furniture_prefixes
    provenance: tuple[str, ...] = ()  # substrings of a line naming the piece's own origin: never furniture


@dataclass(frozen=True)
class Line:
    """One non-empty line of the dump, its markup stripped."""

    index: int
    text: str
    bullet: bool
    words: int
    heading: bool = False  # marked as a heading ("## Title" in Markdown-like dumps)
    kind: str = ""  # good | bad | short | wall | credit


@lru_cache(maxsize=1)
def load_page_rules() -> PageRules:
    data = rules.load(RULES_FILE)
    fold = lambda key: tuple(s.casefold() for s in data[key])  # noqa: E731
    dump = load_dump_rules()
    return PageRules(dump, fold("boilerplate"), fold("boilerplate_any"), fold("credit_prefixes"), fold("furniture_prefixes"),
                     dump.link_prefixes + fold("furniture_prefixes"), fold("provenance"))


# -- detection ------------------------------------------------------------


def is_page_dump(text: str) -> bool:
    """Whether ``text`` is a whole web page: menus (short bulleted lines) and page controls around its prose.

    Plain texts may hold a bulleted list or an "Advertisement" line or two;
    a page dump has many more (a menu alone is a dozen bulleted labels).
    Long lines (most of a plain text's) count only when they are furniture,
    so they are tested as they are, without building a ``Line`` (``_long_lines``).
    """
    rules = load_page_rules()
    short, long = _long_lines(text, rules)
    if 2 * (len(short) + len(long)) < _PAGE_SIGNALS:  # each line gives at most two signals
        return False
    lines = split_lines("\n".join(short))
    rules = _narrowed(rules, text, lines)
    signals = 0
    for line in lines + [line for raw in long if _long_furniture(raw, rules) for line in split_lines(raw)]:
        if line.bullet:
            signals += line.words <= _MENU_WORDS and not _SENTENCE_END.search(line.text)
        elif line.words > _LONG_WORDS and not _is_furniture(line, line.text.casefold(), rules):
            continue  # a long line counts only as furniture: skip the rest of _kind (most prose lines)
        elif _kind(line, rules) in ("bad", "wall") and not _NOTE.search(line.text):
            signals += 2
        if signals >= _PAGE_SIGNALS:
            return True
    return False


def _long_lines(text: str, rules: PageRules) -> tuple[list[str], list[str]]:
    """(other lines, long lines) of ``text``: a long line has more than ``_LONG_WORDS`` words
    once a bullet is taken off, and no Markdown marks (so its ``Line`` would be too)."""
    short, long = [], []
    for raw in text.splitlines():
        if "#" not in raw and "*" not in raw and "_" not in raw and len(raw.split(None, _LONG_WORDS + 1)) > _LONG_WORDS + 1:
            long.append(raw)
        elif raw and not raw.isspace():
            short.append(raw)
    return short, long


def _long_furniture(raw: str, rules: PageRules) -> bool:
    """``_is_furniture`` of a long line's ``Line``, mostly from the head of its text."""
    head = " ".join(raw[: 2 * _PREFIX_CHARS].split()).casefold()  # a prefix of the Line's folded text
    if len(head) < _PREFIX_CHARS < len(raw) or _longest(rules.dump.ui_lines) >= 2 * _LONG_WORDS:
        return _is_furniture(split_lines(raw)[0], " ".join(raw.split()).casefold(), rules)
    if head.startswith(rules.line_prefixes):
        return True
    if not rules.boilerplate_any:
        return False
    folded = " ".join(raw.split()).casefold()
    return any(p in folded for p in rules.boilerplate_any) and not any(p in folded for p in rules.provenance)


def _narrowed(rules: PageRules, text: str, lines: list[Line]) -> PageRules:
    """``rules`` less the furniture phrases that ``is_page_dump`` cannot find in ``text``.

    ``boilerplate_any`` is tried on every line, ``boilerplate`` on lines of at most
    ``_LONG_WORDS`` words: a phrase missing from all of those at once is missing from
    each, so lines are classed as with the full rules, with a few C-level searches
    per text instead of a Python loop over a hundred phrases per line. ``provenance``
    only overrules those phrases, so it is not searched for in a text that has none.
    """
    folded = text.casefold()
    short = "\n".join(line.text for line in lines if line.words <= _LONG_WORDS).casefold()
    boilerplate = tuple(p for p in rules.boilerplate if p in short)
    boilerplate_any = tuple(p for p in rules.boilerplate_any if p in folded)
    provenance = tuple(p for p in rules.provenance if p in folded) if boilerplate or boilerplate_any else ()
    return replace(rules, boilerplate=boilerplate, boilerplate_any=boilerplate_any, provenance=provenance)


@lru_cache(maxsize=4)
def _longest(phrases: frozenset[str]) -> int:
    return max(map(len, phrases), default=0)


# -- lines ----------------------------------------------------------------


def split_lines(text: str) -> list[Line]:
    """The non-empty lines of ``text``, bullets and Markdown marks taken off."""
    lines = []
    for index, raw in enumerate(text.splitlines()):
        if not raw or raw.isspace():
            continue
        bullet = bool(_BULLET.match(raw))
        heading = raw.lstrip().startswith("#")
        stripped = _BULLET.sub("", raw) if bullet else raw
        if "#" in stripped or "*" in stripped or "_" in stripped or stripped[-2:].isspace():  # most lines have no markup
            stripped = _MARKUP.sub(" ", stripped)
        words = stripped.split()
        if words:
            stripped = " ".join(words)
            lines.append(Line(index, stripped, bullet, _size(stripped, len(words)), heading))
    return lines


def _size(text: str, words: int | None = None) -> int:
    """Words in ``text``; two CJK characters count as one word (those scripts put no spaces)."""
    words = len(text.split()) if words is None else words
    return words if text.isascii() else words + len(_CJK.findall(text)) // 2


def classify(line: Line, rules: PageRules) -> Line:
    """``line`` with its kind set (see the module docstring)."""
    return replace(line, kind=_kind(line, rules))


def _kind(line: Line, rules: PageRules) -> str:
    folded = line.text.casefold()
    if folded.rstrip(":") in rules.dump.end_headings or (line.words <= 12 and _COMMENTER.search(line.text)):
        return "wall"
    if _PLACEHOLDER.match(line.text):
        return "skip"
    if _is_credit(line.text, folded, rules):
        return "credit"
    if _is_furniture(line, folded, rules):
        return "bad"
    prose = line.words >= _GOOD_WORDS and (_SENTENCE_END.search(line.text) or line.words >= _LONG_WORDS)
    if prose and not line.bullet:
        return "good"
    return "bad" if line.bullet or _FIELD.search(line.text) else "short"


def _is_furniture(line: Line, folded: str, rules: PageRules) -> bool:
    if folded in rules.dump.ui_lines or folded.startswith(rules.line_prefixes):
        return True
    if rules.provenance and any(p in folded for p in rules.provenance):
        return False  # "From the book ... Reprinted by permission ... All rights reserved."
    if any(p in folded for p in rules.boilerplate_any):
        return True
    return line.words <= _LONG_WORDS and any(p in folded for p in rules.boilerplate)


def _is_credit(text: str, folded: str, rules: PageRules) -> bool:
    return folded.startswith(rules.credit_prefixes) or bool(caption_credit(text) and len(text.split()) < 40)


# -- the article ----------------------------------------------------------


def parse_page_dump(text: str) -> Article:
    """The article inside a web page dump; ``id`` is left for the caller."""
    rules = load_page_rules()
    lines = [classify(line, rules) for line in split_lines(text)]
    first, last = main_region(lines)
    body = _body(lines[first:last], rules)
    title_at = _title_index(lines, first)
    title = lines[title_at].text if title_at is not None else ""
    around = lines[max(0, (title_at or first) - 2) : first + _META_LOOKAROUND]
    return Article(
        id="",
        title=_strip_site(title)[0],
        body="\n\n".join(body),
        publisher=_publisher(lines, title),
        published=next((d for line in around if line.words <= 14 and (d := iso_date(line.text))), None),
        byline=next((m.group(1).strip() for line in around if line.words <= 14 and (m := _BY.match(line.text))), None),
        image_credits=tuple(sorted({c for line in lines if line.kind == "credit" and (c := _credit(line.text))})),
    )


def main_region(lines: list[Line]) -> tuple[int, int]:
    """(first, last+1) of the run of lines with the highest total score."""
    best, best_span = 0.0, (0, 0)
    total, start = 0.0, 0
    for i, line in enumerate(lines):
        if total <= 0:
            total, start = 0.0, i
        total += _score(line)
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _score(line: Line) -> float:
    if line.kind == "good":
        return float(line.words)
    if line.kind == "wall":
        return _WALL
    if line.kind == "skip":
        return 0.0
    if line.kind in ("bad", "credit"):
        return -6.0
    return -2.0


def _body(region: list[Line], rules: PageRules) -> list[str]:
    """Good lines, and short lines between good ones; headlines under an inline heading dropped."""
    kept: list[str] = []
    in_related = False
    for i, line in enumerate(region):
        folded = line.text.casefold()
        if folded.rstrip(":") in rules.dump.inline_headings:
            in_related = True
        elif line.kind == "good":
            in_related = False
            kept.append(line.text)
        elif line.kind == "short" and not in_related and _between_good(region, i):
            kept.append(line.text)
    return kept


def _between_good(region: list[Line], i: int) -> bool:
    """A short line with prose before it and after it, past other short lines only."""
    after = next((line.kind for line in region[i + 1 :] if line.kind != "short"), "")
    return after == "good" and any(line.kind == "good" for line in region[:i])


# -- metadata -------------------------------------------------------------


def _title_index(lines: list[Line], first: int) -> int | None:
    """The headline: the best-scoring headline-like line among those just before the region."""
    window = range(max(0, first - _TITLE_LOOKBACK), min(len(lines), first + 1))
    seen = Counter(line.text.casefold() for line in lines)
    heads = {_strip_site(line.text)[0].casefold() for line in lines if _SITE_SUFFIX.match(line.text)}
    scored = [(_title_score(lines[i], first - i, seen, heads), i) for i in window if _title_like(lines[i])]
    return max(scored)[1] if scored else None


def _title_score(line: Line, distance: int, seen: Counter[str], heads: set[str]) -> float:
    """How much ``line`` looks like the headline ``distance`` lines before the body."""
    folded = line.text.casefold()
    score = min(line.words, 14) - 0.25 * max(distance, 0) - (6 if line.words < 4 else 0)
    score += 6 if line.heading else 0
    score += 6 if seen[folded] > 1 or folded in heads else 0
    score -= 12 if distance <= 0 else 0  # the region's own first line: a headline only when nothing precedes it
    return score - (10 if line.text.istitle() and line.words <= 4 else 0)


def _title_like(line: Line) -> bool:
    low, high = _TITLE_WORDS
    if line.kind not in ("short", "good") or line.bullet or not low <= line.words <= high:
        return False
    if _TIMESTAMP.search(line.text) or _BY.match(line.text) or _SENTENCE_END.search(line.text.rstrip("!?")):
        return False
    return not iso_date(line.text) or line.words > 12


def _strip_site(title: str) -> tuple[str, str | None]:
    """("Headline", "Site") from "Headline | Site"; the title unchanged when it has no such suffix."""
    match = _SITE_SUFFIX.match(title)
    if match and len(match.group("site").split()) <= 5:
        return match.group("head").strip(), match.group("site").strip()
    return title, None


def _publisher(lines: list[Line], title: str) -> str | None:
    """The site: a title's " | Site" suffix, a "© 2022 Site" line, or a domain the dump names twice."""
    titled = [s for line in lines if (s := _strip_site(line.text)[1]) and _strip_site(line.text)[0] == title]
    if titled:
        return titled[0]
    for line in reversed(lines):
        match = _COPYRIGHT.search(line.text) if line.words <= 25 else None
        site = _OWNER_TAIL.sub("", match.group("site")).strip(" .,") if match else ""
        if site and not iso_date(site) and not site.casefold().startswith("all rights"):
            return site
    domains = Counter(m.group(1) for line in lines for m in _DOMAIN.finditer(line.text.casefold()))
    named = sorted((-n, d) for d, n in domains.items() if n >= 2)
    return named[0][1] if named else None


def _credit(text: str) -> ImageCredit | None:
    found = caption_credit(text)
    if found:
        return found
    label, _, credit = text.partition(":")
    return ImageCredit(credit=credit.strip(), caption=text) if credit.strip() else None
