"""Text utilities shared by the extraction stages: sentences with offsets.

>>> [s.text for s in sentences("He left. \\"Why?\\" she asked.\\n\\nU.S. officials said so.")]
['He left.', '"Why?" she asked.', 'U.S. officials said so.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

# Tokens ending in "." that rarely end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen lt col sgt capt cmdr adm maj pres st jr sr
    vs etc inc ltd corp co no nos jan feb mar apr jun jul aug sep sept oct nov dec
    mt ft fig dept univ assn bros est approx u.s u.k u.n e.g i.e a.m p.m d.c n.y
    la calif fla ill mass mich minn wash wis ariz colo conn ky md mo nev okla ore pa tenn tex va""".split()
)

_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True, order=True)
class Sentence:
    """A sentence of the body; ``body[start:end] == text``."""

    start: int
    end: int
    text: str


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    begin = dot
    while begin > 0 and not text[begin - 1].isspace() and text[begin - 1] not in "\"'“(":
        begin -= 1
    token = text[begin:dot].lower()
    if not token:
        return False
    if token in _ABBREVIATIONS:
        return True
    # Single initials ("John F. Kennedy") and dotted acronyms ("U.S.").
    return len(token) == 1 and token.isalpha() or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))


def _split_paragraph(text: str, offset: int) -> Iterator[Sentence]:
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if _is_abbreviation(text, match.start()) and match.end() - match.start() == 1:
            continue
        yield from _emit(text, start, end, offset)
        start = end
    yield from _emit(text, start, len(text), offset)


def _emit(text: str, start: int, end: int, offset: int) -> Iterator[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield Sentence(offset + start, offset + end, text[start:end])


def paragraphs(body: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, paragraph)`` for each blank-line-separated paragraph."""
    pos = 0
    for match in _PARAGRAPH.finditer(body):
        yield pos, body[pos : match.start()]
        pos = match.end()
    yield pos, body[pos:]


def sentences(body: str) -> list[Sentence]:
    """Split ``body`` into sentences; a sentence never crosses a paragraph or a line break."""
    out: list[Sentence] = []
    for para_start, para in paragraphs(body):
        line_start = 0
        for line in para.split("\n"):
            out.extend(_split_paragraph(line, para_start + line_start))
            line_start += len(line) + 1
    return out
