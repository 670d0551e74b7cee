"""Text utilities shared by the extraction stages: sentences with offsets,
and the body folded to lower case with the set of its words (computed once per
body, whichever stage asks first).

>>> [s.text for s in sentences("He left. \\"Why?\\" she asked.\\n\\nU.S. officials said so.")]
['He left.', '"Why?" she asked.', 'U.S. officials said so.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

# Tokens ending in "." that rarely end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen lt col sgt capt cmdr adm maj pres st jr sr
    vs etc inc ltd corp co no nos jan feb mar apr jun jul aug sep sept oct nov dec
    mt ft fig dept univ assn bros est approx u.s u.k u.n e.g i.e a.m p.m d.c n.y
    la calif fla ill mass mich minn wash wis ariz colo conn ky md mo nev okla ore pa tenn tex va""".split()
)

# Sentence-final punctuation (with closing quotes/brackets) followed, on the
# same line, by a capital or digit. A match never spans a line break. It opens
# with one plain character class, so the regex engine skips ahead to it fast.
# It starts only at the first mark of a run ("...", "?!"; the look-behind
# after that class) and takes the run whole: tried from every dot of a long
# run ("." * 60_000), it was quadratic.
_BOUNDARY = re.compile(
    r"""[.!?](?<![.!?][.!?])[.!?]*+["'”’)\]]*(?=[ \t\u00a0]+["'“‘(\[]?[A-Z0-9])"""
)
_LINE = re.compile(r"[^\n]+")
_PARAGRAPH = re.compile(r"\n\s*\n")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")


@dataclass(frozen=True, order=True)
class Sentence:
    """A sentence of the body; ``body[start:end] == text``."""

    start: int
    end: int
    text: str


def _closes_abbreviation(token: str) -> bool:
    """True when a '.' after ``token`` closes an abbreviation or an initial, not a sentence."""
    token = token.lower()
    if not token:
        return False
    if token in _ABBREVIATIONS:
        return True
    # Single initials ("John F. Kennedy") and dotted acronyms ("U.S.").
    return (len(token) == 1 and token.isalpha()) or ("." in token and _DOTTED.fullmatch(token) is not None)


_LONGEST_WORD = 64  # a longer word closes no abbreviation: looking further back made a long one quadratic


def _word_before(body: str, at: int) -> str:
    """The word that ends at ``at`` on its line, after the last space or tab (and any opening quote or bracket);
    "" for a word longer than ``_LONGEST_WORD``."""
    low = max(0, at - _LONGEST_WORD)
    cut = max(body.rfind(" ", low, at), body.rfind("\t", low, at), body.rfind("\n", low, at))
    if cut < 0 and low > 0:
        return ""
    return body[cut + 1 : at].lstrip("\"'“‘([")


def _cuts(body: str) -> list[int]:
    """Offsets where sentences end: every boundary but a lone '.' that closes an abbreviation or an initial."""
    cuts = []
    for match in _BOUNDARY.finditer(body):
        dot, end = match.span()
        if end - dot != 1 or body[dot] != "." or not _closes_abbreviation(_word_before(body, dot)):
            cuts.append(end)
    return cuts


def _emit(body: str, start: int, end: int, out: list[Sentence]) -> None:
    """Append ``body[start:end]`` without its surrounding white space, unless nothing is left."""
    text = body[start:end]
    stripped = text.strip()
    if stripped:
        start += len(text) - len(text.lstrip())
        out.append(Sentence(start, start + len(stripped), stripped))


def paragraphs(body: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, paragraph)`` for each blank-line-separated paragraph."""
    pos = 0
    for match in _PARAGRAPH.finditer(body):
        yield pos, body[pos : match.start()]
        pos = match.end()
    yield pos, body[pos:]


def sentences(body: str) -> list[Sentence]:
    """Split ``body`` into sentences; a sentence never crosses a line break."""
    out: list[Sentence] = []
    cuts = _cuts(body)
    cuts.append(len(body) + 1)  # a sentinel after the last line
    k = 0
    for line in _LINE.finditer(body):
        start, line_end = line.span()
        while cuts[k] <= line_end:
            _emit(body, start, cuts[k], out)
            start = cuts[k]
            k += 1
        _emit(body, start, line_end, out)
    return out


def fold(text: str) -> str:
    """``text`` lower-cased, keeping every offset (a letter that grows when lower-cased stays as it is)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@lru_cache(maxsize=4)
def folded(body: str) -> str:
    """``fold(body)``, cached: every stage of one article folds the same body."""
    return fold(body)


# every byte but ASCII letters and digits becomes a space, so ``bytes.split`` yields words (fast, in C)
_ASCII_WORD_BYTES = bytes(b if b < 128 and chr(b).isalnum() else 32 for b in range(256))


@lru_cache(maxsize=4)
def ascii_words(body: str) -> frozenset[bytes]:
    """The runs of ASCII letters and digits in ``folded(body)``, as bytes: which words occur at all.

    A cheap test before a search: a lower-case ASCII word that stands
    between non-word characters in the text is in this set. Hyphens and
    apostrophes separate ("e-mail" gives ``b"e"`` and ``b"mail"``).
    """
    return frozenset(folded(body).encode("utf-8", "surrogatepass").translate(_ASCII_WORD_BYTES).split())


def word_parts(word: bytes) -> tuple[bytes, ...]:
    """The words of ``word`` (folded, UTF-8) as ``ascii_words`` splits them: ``(b"e", b"mail")`` for ``b"e-mail"``.

    ``word`` may occur in a text only if ``ascii_words(text).issuperset(word_parts(word))``:
    a cheap test before a search, with the split done once, when a vocabulary is built.
    """
    return tuple(word.translate(_ASCII_WORD_BYTES).split())


def folded_parts(word: str) -> tuple[bytes, ...]:
    """``word_parts`` of ``word`` as ``folded`` writes it (for a word searched case-sensitively)."""
    return word_parts(fold(word).encode("utf-8", "surrogatepass"))
