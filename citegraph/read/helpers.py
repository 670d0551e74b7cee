"""What the readers share: the page-dump rules, dates, caption credits and a site's self-reference.

``textdump``, ``pagetext``, ``htmlpage`` and ``htmlbody`` all import from here
(and never from each other's private parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import rules
from ..records import ImageCredit

CREDIT = re.compile(r"\(([^()]{2,120})\)\s*$")
_CREDIT_WORDS = re.compile(r"photo|image|illustrat|getty|courtesy|file|reuters|afp|ap\b|epa|/|;", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WINDOW = 80  # characters around ".com" searched for a self-reference
RULES_FILE = "data/pagedump.toml"


@dataclass(frozen=True)
class DumpRules:
    """Structural words of page dumps, from ``data/pagedump.toml``."""

    end_headings: frozenset[str]
    inline_headings: frozenset[str]
    link_prefixes: tuple[str, ...]
    ui_lines: frozenset[str]
    self_reference: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def load_dump_rules() -> DumpRules:
    data = rules.load(RULES_FILE)
    site = r"(?P<site>[A-Z][\w&'-]*(?:\s[A-Z][\w&'-]*){0,3})\.com"
    patterns = tuple(
        re.compile(r"\b" + re.escape(p).replace(re.escape("{site}"), site) + r"\b") for p in data["self_reference"]
    )
    return DumpRules(
        end_headings=frozenset(s.casefold() for s in data["end_headings"]),
        inline_headings=frozenset(s.casefold() for s in data["inline_headings"]),
        link_prefixes=tuple(s.casefold() for s in data["link_prefixes"]),
        ui_lines=frozenset(s.casefold() for s in data["ui_lines"]),
        self_reference=patterns,
    )


def caption_credit(line: str) -> ImageCredit | None:
    """The credit of a caption line ending in "(AP)", "(AP Photo/Jane Doe)", "(Site; Illustrated by X)"."""
    match = CREDIT.search(line)
    if not match or len(line.split()) < 3:
        return None
    credit = match.group(1).strip()
    short = len(credit.split()) <= 3 and credit[:1].isupper()
    if short or _CREDIT_WORDS.search(credit):
        return ImageCredit(credit=credit, caption=line)
    return None


def self_reference(body: str) -> str | None:
    """The site a story names itself by, e.g. "RadarOnline" from "RadarOnline.com has learned"."""
    for dot in re.finditer(r"\.com\b", body):  # only look near ".com": the patterns are costly
        window = body[max(0, dot.start() - _WINDOW) : dot.end() + _WINDOW]
        for pattern in load_dump_rules().self_reference:
            match = pattern.search(window)
            if match:
                return match.group("site")
    return None


def iso_date(text: str) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD ("9 Nov 2023 01:14", "July 21, 2017", "2023-11-04")."""
    for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0)), (_MDY, (2, 0, 1))):
        match = pattern.search(text)
        if not match:
            continue
        year, month, day = (match.group(k + 1) for k in order)
        month_number = int(month) if month.isdigit() else _MONTHS.get(month[:3].casefold())
        if month_number and 1 <= month_number <= 12 and 1 <= int(day) <= 31 and 1900 <= int(year) <= 2100:
            return f"{int(year):04d}-{month_number:02d}-{int(day):02d}"
    return None
