"""Outlet citations: which news outlets an article uses as a source.

A name in the text is a citation only when its context says so. The cue
grammar (``data/cues.toml``) looks at the words around a mention inside its
sentence: a phrase before it ("according to", "first reported by", "told"),
a verb after it ("CNN reported", "Axios has learned"), a noun after it ("a
New York Times/CBS News poll", "CNN's Jake Tapper said"), minus the vetoes
(photo credits, "owned by", "AP Photo"). Names joined by "and", "/" or "-"
share one context ("The Washington Post and ABC News poll").

Beyond sentences, an article cites an outlet through its "Source:" line, a
body hyperlink to the outlet's domain, a title ending ": <Outlet>" or opening
"<Outlet>: ..." ("NY Post: ..."), and a wire dateline ("WASHINGTON (AP) —").
Names that are also ordinary words ("the Post", "Times") count only when an
unambiguous mention of a matching outlet is in play in the same article.
Outlets missing from the gazetteer but introduced as outlets ("the
state-run Al-Ahram newspaper reported") are reported as ``discovered``.
The publisher citing itself is kept, with ``self_citation=True``.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .. import rules
from ..records import Article, Citation, CitationKind, Evidence, Outlet
from .gazetteer import Gazetteer, Mention
from .names import outlet_key
from .patterns import alternation
from .sentences import Sentence, ascii_words, folded, folded_parts

_WINDOW = 160  # characters of context looked at on each side of a mention
_SHORT, _MEDIUM = 60, 100  # enough for the longest veto ("photo courtesy of the") and "Name Surname of the"
_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|&\s+)?|and\s+|&\s+|or\s+|/\s*|[-–]\s*)(?:the\s+)?", re.IGNORECASE)
_INSIDE_NAME = re.compile(r"[A-Z][\w'’-]*\s+(?:of|at|de|for)\s+$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_BARE_COMMA = re.compile(r"\s*,\s*(?:the\s+)?", re.IGNORECASE)
_QUOTATION = re.compile(r"(?:[\"“]|(?<!\w)[‘'])\s*[^\s\"“”]+(?:\s+[^\s\"“”]+){3}")  # a quotation of four words or more, not a title
_NEXT_WORD = re.compile(r"\s+([a-z][\w-]*)")
_TITLE_TAIL = re.compile(r"[:|]\s*([^:|]{2,80}?)\s*$")
# "WASHINGTON (AP) —", "HEMPSTEAD, N.Y., Sept. 26 (UPI) —", "Nagpur (India) (AFP) –", "Dec 29 (Reuters) -"
_DATELINE = re.compile(
    r"^[ \t]*[A-Z][\w.'’-]*(?:[ ,]+(?:[A-Z][\w.'’-]*|\d{1,2})){0,6}(?:\s*\([A-Z][\w .]*\))?"
    r"\s*\((?P<wire>[A-Z][A-Za-z. ]{1,30})\)\s*[—–-]+\s",
    re.MULTILINE,
)
_OWN_AUDIENCE = re.compile(r"\s+(?:an?\s+)?(?:(?:weekly|daily|monthly|total|global|combined)\s+)?"
                           r"(?:audience|readership|circulation|viewership|viewers|readers|listeners|subscribers|ratings)\b",
                           re.IGNORECASE)
# a programme or show is a source when the sentence reports words said on it ("said on the ABC television
# program"), not when it is only mentioned ("a regular commentator on the BBC programme Go Digital")
_PROGRAMMES = frozenset({"program", "programme", "show", "newscast"})
_ON = re.compile(r"(?:^|[\s,(])[Oo]n\s+(?:the\s+)?$")
_TITLE_HEAD = re.compile(r"\s*([^:|]{2,60}?)\s*:\s+\S")
_SOURCE_SPLIT = re.compile(r"\s*(?:\+|,|;|&|/|\band\b)\s*")


@dataclass(frozen=True)
class Cues:
    """The cue grammar, compiled; build once with ``load_cues()``."""

    before: re.Pattern[str]
    before_person: re.Pattern[str]
    after: re.Pattern[str]
    speech_anywhere: re.Pattern[str]
    listed: re.Pattern[str]
    verb_after_comma: re.Pattern[str]
    veto_before: re.Pattern[str]
    veto_after: re.Pattern[str]
    teaser: re.Pattern[str]
    discover_name_first: re.Pattern[str]
    discover_noun_first: re.Pattern[str]
    discover_plain_first: re.Pattern[str]  # "the tech news site X": a plain outlet noun, any words before it
    discover_apposed: re.Pattern[str]  # "X, a local news website, reported"
    headed_before: re.Pattern[str]  # "the Harbour" Gazette: the words before a name's last word (``name_heads``)
    headed_after: re.Pattern[str]  # Radio "Calvera": the words after a name's first (``name_openers``)
    person_noun: re.Pattern[str]
    noun_word: re.Pattern[str]
    verb_word: re.Pattern[str]  # a cue verb alone ("reported" is a noun's modifier too: "the reported deal")
    outlet_noun_heads: tuple[tuple[str, re.Pattern[str]], ...]
    not_names: frozenset[str]
    heads: frozenset[str]  # the words that end an outlet's name ("Gazette") ...
    head_finders: tuple[tuple[str, re.Pattern[str]], ...]  # ... and open one ("Radio"): (word, its search)
    openers: frozenset[str]
    not_outlet_words: frozenset[str]  # "Medical": the British Medical Journal is a scholarly journal
    descriptors: frozenset[str]
    outlet_nouns: frozenset[str]
    plain_nouns: frozenset[str]
    weak_cues: frozenset[str]  # cues a person fits as well as an outlet ("said", "added"): not enough for a shared name
    venue: re.Pattern[str]  # "said on CNN", "On CNN Tuesday, she called ...": a broadcast that carried someone's words
    named_outlet: re.Pattern[str]  # 'a news organization called "The Local"'
    naming_nouns: frozenset[str]  # its nouns, lower-cased: one must end the words before "called"


CUES_FILE = "data/cues.toml"


@functools.lru_cache(maxsize=4)
def load_cues(path: Path | None = None) -> Cues:
    """The cue grammar (the built-in ``data/cues.toml`` by default), its patterns compiled on first use."""
    data = rules.load(CUES_FILE) if path is None else rules.load_file(path, "cue")
    try:
        return _compile_cues(data)
    except (KeyError, TypeError) as err:
        raise rules.invalid(str(path or f"citegraph/{CUES_FILE}"), err) from None


def _compile_cues(data: dict) -> Cues:
    """The cue grammar of ``data`` (a parsed cue file), compiled."""
    before, after, veto, disc = data["before"], data["after"], data["veto"], data["discover"]
    filler = rf"(?:(?i:{alternation(before['filler'])})(?:'s|’s)?\s+){{0,5}}"  # "said on Wednesday's Today programme"
    partner = r"(?:[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3}\s*(?:,\s*)?(?:and|&|/)\s*)?"
    # what may name the outlet's network or its city first: "told CNN affiliate WUSA", "on Chicago's WGN"
    network = r"(?:[A-Z][\w&.-]*\s+(?i:affiliate|sister\s+station|member\s+station)\s+|[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}(?:'s|’s)\s+)?"
    poss = r"(?:'s|’s|'|’)"
    adjectives = rf"(?:(?i:{alternation(after['adjectives'])})\s+){{0,3}}"
    product = r"(?:[A-Z][\w&.'’-]*\s+){0,2}"  # a programme or edition: "the Daybreak tracking poll"
    person = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,2}"
    verbs = alternation(after["verbs"])
    nouns = alternation(after["nouns"])
    descriptors = rf"(?:(?i:{alternation(disc['descriptors'])})\s+)"
    token = r"(?:[Aa]l-|[Ee]l-)?[A-Z][\w'’&.-]*[\w]"
    name = rf"(?P<name>{token}(?:\s+(?:(?:de|del|la|le|of|the|al|el)\s+){{0,2}}{token}){{0,4}})"
    plain = {d.casefold() for d in disc["descriptors"]} - {w.casefold() for w in disc["name_words"]}
    plain_descriptors = rf"(?:(?i:{alternation(sorted(plain))})\s+)"
    outlet_noun = rf"(?P<noun>{alternation(disc['outlet_nouns'])})"
    the = r"(?:(?i:the)\s+)?"
    person_nouns = rf"(?i:{alternation(before['person_nouns'])})(?:s|es)?"
    sources = dict(
        before=(
            rf"(?<![\w/])(?P<cue>(?i:{alternation(before['phrases'])}))\s+{filler}{network}[“\"‘]?{partner}$"
            rf"|(?<![\w/])(?P<noun_cue>(?i:{nouns}))\s+{filler}(?i:by|in|from|for)\s+{the}{partner}$"
            rf"|[,“”\"’]\s*(?P<inverted>(?i:{alternation(before['inverted'])}))\s+{the}(?:[A-Z][\w-]*{poss}\s+)?$"
        ),
        before_person=(
            rf"(?<![\w/])(?P<cue>{person_nouns})\s+(?i:for|at|of|with|from)\s+{the}(?:[\w-]+\s+)?$"
            rf"|(?P<named>[A-Z][\w'’-]+\s+(?:[A-Z]\.\s+)?[A-Z][\w'’-]+),?\s+(?:of|from)\s+{the}(?:[\w-]+\s+)?$"
        ),
        after=(
            r"(?:[/-][A-Z][^\s/]*(?:\s+(?:of\s+|the\s+|and\s+)?[A-Z][\w&.'’-]*){0,4}?)?(?:\s*\([^()]{1,20}\))?"
            rf"(?:\s+(?i:{alternation(disc['outlet_nouns'])}))?(?:"
            rf"(?P<poss>{poss})?\s+{product}{adjectives}(?P<noun>(?i:{nouns}))(?![\w-])"
            rf"|{poss}\s+(?P<person>{person})"
            rf"|(?:\s*,[^,;()]{{1,80}},|\s*[—–]{{1,2}}[^—–]{{1,80}}[—–]{{1,2}})?\s*(?<=[\s,—–])(?:(?i:{alternation(after['adverbs'])})\s+){{0,3}}(?P<verb>(?i:{verbs}))(?![\w-]))"
        ),
        speech_anywhere=rf"(?<![\w-])(?i:{alternation(after['speech_verbs'])})(?![\w-])",
        listed=rf"(?<![\w])(?i:{alternation(before['list_intros'])})\s+{the}{partner}$",
        verb_after_comma=rf"\s*,\s*(?:(?i:{alternation(after['adverbs'])})\s+){{0,3}}(?P<verb>(?i:{verbs}))(?![\w-])",
        veto_before=rf"(?<![\w])(?i:{alternation(veto['before'])})\s*(?:(?i:the)\s+)?$",
        veto_after=rf"\s*(?:{poss}\s*)?(?i:{alternation(veto['after'])})(?![\w])",
        teaser=(
            rf"^\W*(?:(?i:{alternation(data['labels']['teasers'])})\s*[:|>»-]|(?:{alternation([p.capitalize() for p in data['labels']['promos']])})(?![\w-]))"
        ),
        discover_name_first=(
            rf"(?<![\w-])(?:(?i:the|a|an)\s+)?{plain_descriptors}{{0,3}}{name}\s+{outlet_noun}(?![\w-])"
        ),
        discover_noun_first=(
            rf"(?<![\w-])(?:(?i:the|a|an)\s+)?(?:{descriptors}|[A-Z][\w'’-]*\s+){{1,3}}{outlet_noun}\s+{name}(?![^\s,.;:!?)\"'”’])"
        ),
        discover_plain_first=(
            rf"(?<![\w-])(?i:the|a|an)\s+(?:[a-z][\w-]*\s+){{0,2}}(?P<noun>{alternation(disc['plain_nouns'])})\s+{name}"
            rf"(?![^\s,.;:!?)\"'”’])"
        ),
        discover_apposed=rf"{name}\s*,\s*(?i:a|an|the)\s+(?:[\w-]+\s+){{0,3}}{outlet_noun}\s*[,—–]",
        headed_before=rf"(?<![\w'’&.-])(?:{token}\s+){{1,4}}$",  # the words of a name before its last one
        headed_after=rf"(?:\s+{token}){{1,2}}",  # the words of a name after its first ("Radio" Calvera)
        person_noun=rf"(?:[\w-]+\s+)*{person_nouns}",
        noun_word=rf"(?i:{nouns}|{alternation(disc['outlet_nouns'])})",
        verb_word=rf"(?i:{verbs})",
    )
    return Cues(
        **{name: re.compile(source) for name, source in sources.items()},
        outlet_noun_heads=_literal_first(disc["outlet_nouns"]),
        not_names=frozenset(disc["not_names"]),
        heads=frozenset(disc["name_heads"]),
        head_finders=tuple((h, re.compile(re.escape(h) + r"(?![\w-])")) for h in disc["name_heads"] + disc["name_openers"]),
        openers=frozenset(disc["name_openers"]),
        not_outlet_words=frozenset(disc["not_outlet_words"]),
        descriptors=frozenset(d.casefold() for d in disc["descriptors"]) - {w.casefold() for w in disc["name_words"]},
        outlet_nouns=frozenset(n.casefold() for n in disc["outlet_nouns"]),
        plain_nouns=frozenset(n.casefold() for n in disc["plain_nouns"]),
        weak_cues=frozenset(" ".join(w.casefold().split()) for w in data["strength"]["weak"]),
        venue=re.compile(rf"(?i:{alternation(data['venue']['speech'])})"),
        naming_nouns=frozenset(n.casefold() for n in disc["outlet_nouns"] + disc["named_nouns"]),
        named_outlet=re.compile(
            rf"(?i:{alternation(disc['outlet_nouns'] + disc['named_nouns'])})\s+(?i:called|named|known\s+as)\s+"
            rf"[\"“‘']?(?P<name>{token}(?:\s+(?:(?:de|del|la|le|of|the|al|el)\s+){{0,2}}{token}){{0,4}})[\"”’']?"),
    )


def _literal_first(phrases: list[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(first word, pattern) for lower-case ``phrases`` grouped by first word, longest first.

    Each pattern starts with its word as a literal, which the regex engine
    scans for quickly; a word absent from a text (``word in text``) is skipped.
    """
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        groups.setdefault(phrase.split()[0], []).append(phrase)
    patterns = []
    for word, group in sorted(groups.items()):
        head = re.escape(word)
        tails = [rf"\s+(?:{alternation([p[len(word):].strip() for p in group if p != word])})"] if group != [word] else []
        tails += [""] if word in group else []
        patterns.append((word, re.compile(rf"{head}(?<![\w-]{head})(?:{'|'.join(tails)})(?![\w-])")))
    return tuple(patterns)


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True)
class _Candidate:
    """A name that might be cited: a gazetteer mention or a discovered outlet."""

    start: int
    end: int
    outlets: tuple[Outlet, ...]  # gazetteer candidates; empty when discovered
    ambiguous: bool
    name: str  # the discovered name, or the surface
    form: str = "name"


def _initials(name: str) -> str:
    """ "Christian News Service" -> "CNS"; "" for a name of fewer than two such words."""
    words = [w for w in name.split() if w[:1].isupper() and w.lower() not in ("the", "of", "and", "for")]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


def _defined_by(cand: _Candidate, defined: dict[str, _Candidate]) -> _Candidate:
    """The candidate, or the article's own outlet when it is that outlet's abbreviation."""
    full = defined.get(cand.name) if cand.outlets and cand.name.isupper() and 2 <= len(cand.name) <= 6 else None
    if full is None or full.start >= cand.start:
        return cand
    return _Candidate(cand.start, cand.end, (), False, full.name, cand.form)


@dataclass(frozen=True)
class _Hit:
    """A candidate that its context shows to be cited."""

    outlet: Outlet | None
    name: str
    cue: str
    evidence: Evidence


class OutletFinder:
    """Find the outlets an article cites; build once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer, cues: Cues | None = None) -> None:
        self.gazetteer = gazetteer
        self.cues = cues or load_cues()
        # (the noun's words, its pattern): looked up in the body's word set before a search
        self._noun_heads = tuple((folded_parts(w), p) for w, p in self.cues.outlet_noun_heads)
        self._head_finders = tuple((folded_parts(w), p) for w, p in self.cues.head_finders)

    def find(self, article: Article, sents: list[Sentence]) -> list[Citation]:
        """One citation per outlet cited by ``article``, with every proving sentence."""
        mentions = self.gazetteer.find_mentions(article.body, ascii_words(article.body))
        self._body, self._surnames = article.body, None  # surnames are read when a strong frame needs them
        publisher = self.publisher_of(article)
        in_play = self._in_play(article, mentions, publisher)
        hits = list(self._body_hits(article, sents, mentions, in_play))
        hits += self._source_line_hits(article)
        hits += self._title_hits(article)
        hits += [h for h in self._dateline_hits(article, sents) if h.outlet != publisher]  # its own byline
        hits += self._link_hits(article, sents, publisher)
        hits += self._source_list_hits(article.body)
        return _merge(article.id, hits, publisher)

    # ------------------------------------------------------------ context

    def publisher_of(self, article: Article) -> Outlet | None:
        """The outlet that published ``article`` (its publisher or URL as the gazetteer knows it), if known."""
        for name in (article.publisher, article.url):
            found = self.gazetteer.lookup(name) if name else None
            if found is not None:
                return found
        return None

    def _in_play(self, article: Article, mentions: list[Mention], publisher: Outlet | None) -> dict[str, int]:
        """Outlets named unambiguously somewhere in the article -> first body offset (-1: outside the body)."""
        seen: dict[str, int] = {}
        for mention in mentions:
            if not mention.ambiguous:
                seen.setdefault(mention.outlet.name, mention.start)
        extra = [m.outlet for m in self.gazetteer.find_mentions(article.title) if not m.ambiguous]
        extra += [o for o in (publisher, *map(self.gazetteer.lookup, _source_names(article.source_line))) if o]
        for outlet in extra:
            seen.setdefault(outlet.name, -1)
        return seen

    def _body_hits(self, article: Article, sents: list[Sentence], mentions: list[Mention], in_play: dict[str, int]) -> Iterator[_Hit]:
        body = article.body
        candidates = sorted(self._candidates(body, mentions), key=lambda c: (c.start, -c.end))
        # "Christian News Service reported ... CNS reported": an abbreviation of a name the article gives is that name
        defined = {_initials(c.name): c for c in candidates if not c.outlets}
        if defined:
            candidates = [_defined_by(c, defined) for c in candidates]
        starts = [s.start for s in sents]
        for sent, group in _by_sentence(candidates, sents, starts):
            if self.cues.teaser.search(sent.text):
                continue
            for chain in _chains(group, body):
                cue = self._cue(body, sent, chain[0].start, chain[-1].end)
                if cue is None:
                    continue
                if self.cues.noun_word.fullmatch(cue) and any(
                        s <= chain[0].start and chain[-1].end <= e for s, e in _quoted_spans(body, sent)):
                    continue  # a product named in someone's quoted words ("... end up as a CNN cover story")
                evidence = Evidence(sent.text, sent.start, sent.end, "body")
                for cand in chain:
                    hit = self._resolve(cand, in_play, cue, evidence)
                    if hit is not None:
                        yield hit

    def _candidates(self, body: str, mentions: list[Mention]) -> Iterator[_Candidate]:
        discovered = list(self._discover(body))
        headed, not_outlets = self._headed(body, mentions, [(d.start, d.end) for d in discovered])
        discovered += headed
        taken = [(d.start, d.end) for d in discovered]
        yield from discovered
        for m in mentions:
            if not any(s <= m.start and m.end <= e for s, e in taken) and not (
                    m.ambiguous and any(s <= m.start and m.end <= e for s, e in not_outlets)):
                yield _Candidate(m.start, m.end, m.candidates or (m.outlet,), m.ambiguous, m.surface, m.form)

    def _discover(self, body: str) -> Iterator[_Candidate]:
        """Names introduced as outlets: "the Egyptian daily X", "the X news agency", 'a news site called "X"'."""
        for match in self._named_matches(body):
            name = match.group("name")  # as quoted: "The Local" keeps its article
            known = self.gazetteer.lookup(name)
            yield _Candidate(match.start("name"), match.end(), (known,) if known else (), False, name)
        for match in self._discover_matches(body):
            name = self._clean_name(match.group("name"))
            if name and self._heads_phrase(body, match):
                known = self.gazetteer.lookup(name)
                yield _Candidate(match.start(), match.end(), (known,) if known else (), False, name)

    def _headed(self, body: str, mentions: list[Mention],
                taken: list[tuple[int, int]]) -> tuple[list[_Candidate], list[tuple[int, int]]]:
        """Names no gazetteer knows that end (or open) as outlets' names do: "the Harbour Gazette",
        "the Freedonia Broadcasting Corporation", "Radio Calvera" (``name_heads``, ``name_openers``).

        A name of one word ("the Post"), a known outlet's or one holding it ("Citing The Washington Post":
        the gazetteer's mention stands; only an ambiguous short form gives way, as "Telegraph" in "the
        Weekend Telegraph"), one that goes on ("the Millbrook Courier Service", "the Medical Journal of
        Australia") and a person's ("Emily Post, who ...") are left out. A scholarly journal's name
        (``not_outlet_words``) is returned apart, as a span where no ambiguous short form is an outlet.
        Like every candidate, a name found here is cited only in a citation frame. ``taken`` (the spans
        already discovered) is not changed.
        """
        found: list[_Candidate] = []
        not_outlets: list[tuple[int, int]] = []
        taken = list(taken)
        for head in self._heads(body):
            before = self.cues.headed_before.search(body, max(0, head.start() - _NAMED_BEFORE), head.start())
            if before is not None and head.group() in self.cues.heads:
                start, end = before.start(), head.end()  # "Marlow Community Radio"
            elif before is None and head.group() in self.cues.openers:
                after = self.cues.headed_after.match(body, head.end())  # "Radio Calvera"
                if after is None:
                    continue
                start, end = head.start(), after.end()
            else:
                continue
            if _GOES_ON.match(body, end):
                continue  # "the Millbrook Courier Service", "the Medical Journal of Australia"
            spans = list(_WORD.finditer(body, start, end))
            while spans and (spans[0].group() in self.cues.not_names or _DESCRIBED.fullmatch(spans[0].group())):
                spans.pop(0)  # "The", "China-published"
            if len(spans) < 2:
                continue
            start, words = spans[0].start(), [w.group() for w in spans]
            if any(w in self.cues.not_outlet_words for w in words):
                not_outlets.append((start, end))  # "a British Medical Journal article": no outlet's short form inside
                continue
            name = " ".join(words)
            if (any(s < end and start < e for s, e in taken) or self.gazetteer.lookup(name) is not None
                    or any(m.start < end and start < m.end and not (start <= m.start and m.end <= end and m.ambiguous)
                           for m in mentions)
                    or _person_like(body, start, end, words[-1])):
                continue
            taken.append((start, end))
            found.append(_Candidate(start, end, (), False, name))
        return found, not_outlets

    def _heads(self, body: str) -> list[re.Match[str]]:
        """Where the words of ``name_heads`` and ``name_openers`` stand in ``body``, in order; each searched
        for only when the body's word set holds it (fast: one literal search each)."""
        words = ascii_words(body)
        found = [m for parts, pattern in self._head_finders if words.issuperset(parts) for m in pattern.finditer(body)
                 if not (m.start() and (_is_word(body[m.start() - 1]) or body[m.start() - 1] == "-"))]
        return sorted(found, key=lambda m: (m.start(), -m.end()))

    def _named_matches(self, body: str) -> Iterator[re.Match[str]]:
        """Matches of ``named_outlet``, tried only just before a "called" / "named" / "known as" (fast: the
        pattern opens with a long case-free alternation, slow to try at every position of a body)."""
        if ascii_words(body).isdisjoint(_NAMING_BYTES) or not any(word in body for word in _NAMING_WORDS):
            return
        nouns = self.cues.naming_nouns
        end = 0
        for verb in _naming_verbs(body):
            if verb.start() < end:
                continue
            before = body[max(0, verb.start() - 40) : verb.start()].casefold().split()[-3:]
            if not any(" ".join(before[k:]) in nouns for k in range(len(before))):
                continue  # no outlet noun right before "called": the common case, no search
            match = self.cues.named_outlet.search(body, max(end, verb.start() - _NAMED_BEFORE), verb.end() + 200)
            if match is not None and match.start() <= verb.start():
                end = match.end()
                yield match

    def _discover_matches(self, body: str) -> Iterator[re.Match[str]]:
        """Matches of the discovery patterns, tried only around an outlet noun (fast).

        A noun is searched for only when the body's word set holds it.
        """
        seen = set()
        words = ascii_words(body)
        hits = (m for parts, pattern in self._noun_heads if words.issuperset(parts) for m in pattern.finditer(body))
        for noun in sorted(hits, key=lambda m: m.start()):
            lo, hi = max(0, noun.start() - _WINDOW), min(len(body), noun.end() + _WINDOW)
            patterns = []
            if _name_before(body, noun.start()):
                patterns.append(self.cues.discover_name_first)
            if _name_after(body, noun.end()):
                patterns.append(self.cues.discover_noun_first)
                if noun.group().casefold() in self.cues.plain_nouns:
                    patterns.append(self.cues.discover_plain_first)
            if _APPOSED_BEFORE.search(body, max(0, noun.start() - _NAMED_BEFORE), noun.start()):
                patterns.append(self.cues.discover_apposed)
            for pattern in patterns:
                for match in pattern.finditer(body, lo, hi):
                    if match.start("noun") == noun.start() and match.span() not in seen:
                        seen.add(match.span())
                        yield match

    def _heads_phrase(self, body: str, match: re.Match[str]) -> bool:
        """False for "a New Hampshire paper" (a place, not a name) or "the Trump television interview"."""
        if match.group().casefold().startswith(("a ", "an ")) and match.start("name") < match.start("noun"):
            return False
        name_first = match.start("name") < match.start("noun")
        if not name_first and self.gazetteer.find_mentions(body[match.start() : match.start("noun")]):
            return False  # "the BBC News website Mr X": a known outlet, then a person
        if name_first and re.match(r"\s+[A-Z]", body[match.end() : match.end() + 2]):
            return False  # "Hollywood newspaper Daily Variety": the name follows the noun
        if name_first and _INSIDE_NAME.search(body, max(0, match.start() - 40), match.start()):
            return False  # "a University of California at San Diego paper": part of a longer name
        following = _NEXT_WORD.match(body, match.end())
        if following is None or self.cues.verb_word.fullmatch(following.group(1)):
            return True  # "the Al-Ahram newspaper reported"
        return not self.cues.noun_word.fullmatch(following.group(1))

    def _clean_name(self, name: str) -> str:
        words = name.split()
        while words and (words[0].title() in self.cues.not_names or words[0].casefold() in self.cues.descriptors):
            words.pop(0)
        while words and words[-1] in self.cues.not_names:
            words.pop()
        cleaned = " ".join(words)
        if re.search(r"['’]s?\b", cleaned) or cleaned.casefold() in self.cues.outlet_nouns | self.cues.descriptors:
            return ""  # a possessive ("Arsenal's website") or a bare common word
        return cleaned

    def _cue(self, body: str, sent: Sentence, start: int, end: int) -> str | None:
        """The cue phrase that makes the name at ``body[start:end]`` a citation, or None."""
        left = body[max(sent.start, start - _WINDOW) : start]
        right = body[end : min(sent.end, end + _WINDOW)]
        if self.cues.veto_before.search(left[-_SHORT:]) or self.cues.veto_after.match(right):
            return None
        match = self.cues.before.search(left)
        if match and match.group("noun_cue") and self.cues.person_noun.fullmatch(match.group("noun_cue")):
            speech = self._speech(left[: match.start()]) or self._speech(right)
            # without speech "a columnist for X" is a job; with words told to another outlet, that outlet is cited
            return match.group("noun_cue") if speech and not self._told_another(right) else None
        if match:
            return " ".join((match.group("cue") or match.group("noun_cue") or match.group("inverted")).split())
        near = left[-_MEDIUM:]
        match = self.cues.before_person.search(near)
        if match and _CITING_BEFORE.search(near, 0, match.start()):
            return None  # "Reuters reported, citing a former producer at X": the person is cited; X employs them
        if match:  # "the anchor for Univision said"; without speech a job, not a source ("a co-host of the X podcast")
            speech = self._speech(left[: len(left) - len(near) + match.start()]) or self._speech(right)
            return " ".join((match.group("cue") or "of").split()) if speech and not self._told_another(right) else None
        match = self.cues.after.match(right)
        if not match:
            return self._venue(left, sent) or self._listed_cue(left, right)
        if match.group("verb"):
            if _OWN_AUDIENCE.match(right, match.end()):
                return None  # "CCTV, the state broadcaster, claims an audience of a billion": its own figures
            return " ".join(match.group("verb").split())
        noun = (match.group("noun") or "").casefold()
        needs_speech = match.group("person") or self.cues.person_noun.fullmatch(noun) or noun in _PROGRAMMES
        if needs_speech and (not self._speech(right[match.end() :]) or self._told_another(right[match.end() :])):
            # "criticised the rivalry on GMTV's Sunday Programme": a programme that carried the words said
            return self._venue(left, sent) if noun in _PROGRAMMES else None
        return " ".join((match.group("noun") or match.group("person") or "").split())

    def _told_another(self, right: str) -> bool:
        """Did the journalist's words go to an outlet named after them ("a columnist for CNN, said in an
        interview with NPR", "The CNN anchor ... told Axios")? Then that outlet is cited, not the employer."""
        for told in _TOLD_TO.finditer(right):
            rest = right[told.end() : told.end() + 80]
            if any(m.start <= 4 for m in self.gazetteer.find_mentions(rest)):
                return True
        return False

    def _venue(self, left: str, sent: Sentence) -> str | None:
        """ "questioned about it on ABC News", "On CNN Tuesday, his wife called for ...": the broadcast
        that carried someone's words is a source, when the sentence reports words."""
        on = _ON.search(left) if left.rstrip().endswith(("on", "On", "the")) else None  # how _ON can end, a cheap test
        if on is None:
            return None
        opening = left.strip().lower() == "on"
        return "on" if self.cues.venue.search(sent.text if opening else left[: on.start() + 1]) else None

    def _listed_cue(self, left: str, right: str) -> str | None:
        """The verb of "Several fact checkers, including The Washington Post, have pointed out"."""
        match = self.cues.verb_after_comma.match(right)
        match = match if match and self.cues.listed.search(left) else None
        return " ".join(match.group("verb").split()) if match else None

    def _speech(self, text: str) -> bool:
        """Does ``text`` (the rest of a sentence) report speech: a reporting verb or a quotation?

        A verb form after a determiner is a noun ("knew that the claims were false"), no speech."""
        verbs = (v for v in self.cues.speech_anywhere.finditer(text) if not _DETERMINER_BEFORE.search(text, max(0, v.start() - 12), v.start()))
        return next(verbs, None) is not None or bool(_QUOTATION.search(text))

    def _resolve(self, cand: _Candidate, in_play: dict[str, int], cue: str, evidence: Evidence) -> _Hit | None:
        if not cand.outlets:
            return _Hit(None, cand.name, cue, evidence)
        if not cand.ambiguous:
            return _Hit(cand.outlets[0], cand.outlets[0].name, cue, evidence)
        playing = [o for o in cand.outlets if o.name in in_play] or self._short_form(cand.name, in_play)
        only = cand.outlets[0]
        own = len(cand.outlets) == 1 and _LEADING_THE.sub("", cand.name) in _own_forms(only)
        if not playing and own and (_written_as_name(cand, evidence) or self._strong(cue, cand, evidence)):
            # "told The Guardian": the outlet's own name, as the outlet writes it; "According to Variety",
            # "Bloomberg reports that", "told the Independent": its name in a frame only an outlet fits
            return _Hit(only, only.name, cue, evidence)
        if not playing:
            return None
        earlier = [o for o in playing if in_play[o.name] < cand.start]
        chosen = max(earlier, key=lambda o: in_play[o.name]) if earlier else playing[0]
        return _Hit(chosen, chosen.name, cue, evidence)

    def _strong(self, cue: str, cand: _Candidate, evidence: Evidence) -> bool:
        """A cue that fits an outlet and hardly a person or a word ("according to", "reported", "a poll"),
        around a capitalised name that is not a person's surname in this article."""
        if evidence.field != "body" or evidence.text.isupper():
            return False
        name = _LEADING_THE.sub("", cand.name)
        if not name[:1].isupper():
            return False
        after = evidence.text[max(0, cand.end - evidence.start):].lstrip(" ")
        if cue.casefold() in self.cues.weak_cues and not (
                _CITING_NEXT.match(after) or _AS_BEFORE.search(evidence.text, 0, max(0, cand.start - evidence.start))):
            return False  # "Variety, citing sources, said", "As Variety noted,": frames of a publication
        if after[:1].isupper() and not after.startswith(("I ", "A ")):
            return False  # the start of a longer name: "the Independent Party", "Time Warner"
        if self._surnames is None:
            self._surnames = _surnames(self._body)
        return name.casefold() not in self._surnames

    def _short_form(self, surface: str, in_play: dict[str, int]) -> list[Outlet]:
        """Outlets in play whose name ends with ``surface``: "the Times" after "The New York Times"."""
        words = _LEADING_THE.sub("", surface).casefold().split()
        found = []
        for name in in_play:
            outlet = self.gazetteer.lookup(name)
            names = (outlet.name, *outlet.aliases) if outlet else ()
            if words and any(n.casefold().split()[-len(words) :] == words and _LEADING_THE.sub("", n).casefold().split()[: -len(words)]
                             not in _DAY_TITLES for n in names):
                found.append(outlet)
        return found

    # ------------------------------------------------------------ other fields

    def _source_line_hits(self, article: Article) -> list[_Hit]:
        line = article.source_line or ""
        evidence = Evidence(line, 0, len(line), "source_line")
        outlets = [self.gazetteer.lookup(n) for n in _source_names(line)]
        return [_Hit(o, o.name, "source line", evidence) for o in outlets if o]

    def _title_hits(self, article: Article) -> list[_Hit]:
        """A title that ends ": CNN", or starts with an outlet speaking ("NY Post: ...", "AP-GfK Poll: ...")."""
        title = article.title or ""
        match = _TITLE_TAIL.search(title)
        # "... Photo: AP" is a caption's credit (a caption taken for the title), not a headline source.
        credit = match is not None and self.cues.veto_before.search(title[max(0, match.start() - _SHORT) : match.start() + 1])
        outlet = self.gazetteer.lookup(match.group(1)) if match and not credit else None
        head = _TITLE_HEAD.match(title)
        if outlet is None and head:
            outlet = self._title_speaker(head.group(1))
        if outlet is None:
            return []
        return [_Hit(outlet, outlet.name, "title", Evidence(title, 0, len(title), "title"))]

    def _dateline_hits(self, article: Article, sents: list[Sentence]) -> list[_Hit]:
        """Wire copy: a body that opens "WASHINGTON, Dec. 8 (UPI) — ..." cites the agency."""
        has_wire = article.body.find("(", 0, 600) >= 0  # the agency stands in brackets: most bodies have none
        match = _DATELINE.search(article.body, 0, 600) if has_wire else None
        outlet = self.gazetteer.lookup(match.group("wire")) if match else None
        sent = next((s for s in sents if s.start <= match.start("wire") < s.end), None) if outlet else None
        if sent is None:
            return []
        return [_Hit(outlet, outlet.name, "dateline", Evidence(sent.text, sent.start, sent.end, "body"))]

    def _title_speaker(self, head: str) -> Outlet | None:
        """The outlet a headline's "<speaker>:" names: the outlet alone, or with a product noun ("Poll")."""
        mentions = [m for m in self.gazetteer.find_mentions(head) if not m.ambiguous]
        if len(mentions) != 1:
            return None
        mention = mentions[0]
        if head[: mention.start].strip(" '\"‘“"):
            return None
        words = head[mention.end :].strip(" -–/").split()
        if words and not (self.cues.noun_word.fullmatch(words[-1]) and all(w[0].isupper() for w in words)):
            return None
        return mention.outlet

    def _source_list_hits(self, body: str) -> list[_Hit]:
        """The entries of a "Sources" list closing the article, as wikis write them: each a line
        '"Title" — Outlet, August 15, 2008'. Only lines of that form, right after the heading, count."""
        heading = None if ascii_words(body).isdisjoint(_HEADING_WORDS) else _SOURCES_HEADING.search(body)
        if heading is None:
            return []
        hits = []
        for line in _LINE.finditer(body, heading.end()):
            entry = _SOURCE_ENTRY.search(line.group())
            if entry is None:
                break  # the list is over ("Categories: ...")
            name = entry.group("name").strip()
            outlet = self.gazetteer.lookup(name) or (self.gazetteer.lookup_domain(name) if "." in name else None)
            if outlet is not None:
                evidence = Evidence(line.group(), line.start(), line.end(), "body")
                hits.append(_Hit(outlet, outlet.name, "sources list", evidence))
        return hits

    def _link_hits(self, article: Article, sents: list[Sentence], publisher: Outlet | None) -> list[_Hit]:
        hits = []
        starts = [s.start for s in sents]
        for link in article.links:
            outlet = self.gazetteer.lookup_domain(link.href)
            if outlet is None or outlet == publisher or not sents:
                continue
            sent = sents[max(0, bisect.bisect_right(starts, link.start) - 1)]
            evidence = Evidence(sent.text, sent.start, sent.end, "body", link.href, link.text)
            hits.append(_Hit(outlet, outlet.name, "link", evidence))
        return hits


# ---------------------------------------------------------------- helpers

_SOURCES_HEADING = re.compile(r"(?m)^(?:Sources|References)[ \t]*:?[ \t]*$")
_HEADING_WORDS = frozenset((b"sources", b"references"))  # a body without either word has no such heading
_LINE = re.compile(r"(?m)^[^\n]*\S[^\n]*$")
# '"Title" — Outlet, August 15, 2008' (the date may be left out): the title's closing quote, a dash, a name,
# an optional date
_SOURCE_ENTRY = re.compile(
    r"[\"”]\s*[—–-]\s+(?P<name>[^—–,\n]{2,60}?)\s*(?:,\s*(?:[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}))?\s*$")
_NAMING_VERB = re.compile(r"(?i)\s(?:called|named|known\s+as)\s")
_NAMING_WORDS = ("called", "named", "known", "Called", "Named", "Known", "CALLED", "NAMED", "KNOWN")
_NAMING_BYTES = frozenset(w.encode() for w in _NAMING_WORDS[:3])  # _NAMING_VERB matches only where one is a word
_NAMED_BEFORE = 60  # characters an outlet noun phrase may take before "called"


def _naming_verbs(body: str) -> Iterator[re.Match[str]]:
    """``_NAMING_VERB.finditer(body)``, the pattern tried only where the folded body has one of its words
    (a case-free pattern tried at every space of a body is slow)."""
    low = folded(body)
    starts = []
    for word in _NAMING_WORDS[:3]:
        at = low.find(word, 1)
        while at >= 0:
            starts.append(at - 1)  # the space before it
            at = low.find(word, at + 1)
    end = 0
    for start in sorted(starts):
        match = _NAMING_VERB.match(body, start) if start >= end else None
        if match:
            end = match.end()
            yield match


@functools.lru_cache(maxsize=4096)
def _own_forms(outlet: Outlet) -> frozenset[str]:
    """The outlet's names, and those of its ambiguous forms that are a name and not a short form of a longer
    one: "Bloomberg", "Variety", not "Journal" (of The Wall Street Journal) or "Times"."""
    names = [_LEADING_THE.sub("", n) for n in (outlet.name, *outlet.aliases)]
    tails = {" ".join(n.split()[-k:]) for n in names for k in range(1, len(n.split()))}
    return frozenset(names + [f for f in (_LEADING_THE.sub("", n) for n in outlet.ambiguous) if f not in tails])


_PERSON_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Mayor|President|Senator|Governor|Judge|Justice|Secretary|Minister)\.?\s+"
    r"(?P<title_name>[A-Z][\w'’-]+)|\b[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+(?P<surname>[A-Z][a-z][\w'’-]+)(?=\s+(?:said|says|told|wrote|announced|argued|added|is|was|has|had|who|,))")


_CURLY_QUOTE = re.compile(r"“[^“”]*”")
_STRAIGHT_QUOTE = re.compile(r'"')


def _quoted_spans(body: str, sent: Sentence) -> list[tuple[int, int]]:
    """Body offsets of the quotations around a sentence: someone's words (20 characters or more, some
    words in lower case), not a quoted title ("Good Morning America").

    Straight quotes are paired in order from the paragraph's start (the first opens, the second closes,
    ...), so a sentence that opens inside a quotation is read right; a paragraph whose straight quotes do
    not pair up (a quotation that runs on into the next) is read by its curly quotes alone.
    """
    start = body.rfind("\n", 0, sent.start) + 1
    end = body.find("\n", sent.end)
    end = len(body) if end < 0 else end
    return [(a, b) for a, b in _paragraph_quotes(body, start, end) if b > sent.start and a < sent.end]


@functools.lru_cache(maxsize=256)
def _paragraph_quotes(body: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The quotations of someone's words in ``body[start:end]``, one paragraph (see ``_quoted_spans``)."""
    spans = [m.span() for m in _CURLY_QUOTE.finditer(body, start, end)]
    marks = [m.start() for m in _STRAIGHT_QUOTE.finditer(body, start, end)]
    if len(marks) % 2 == 0:
        spans += [(a, b + 1) for a, b in zip(marks[::2], marks[1::2])]
    return tuple((a, b) for a, b in spans if b - a >= 22 and sum(w[:1].islower() for w in body[a:b].split()) >= 2)


def _surnames(body: str) -> frozenset[str]:
    """Surnames of people named in a body ("Michael Bloomberg said", "Mr. Bloomberg"), folded."""
    return frozenset((m.group("title_name") or m.group("surname")).casefold() for m in _PERSON_NAME.finditer(body))


def _written_as_name(cand: _Candidate, evidence: Evidence) -> bool:
    """An outlet's full name with its capital "The" ("told The Guardian", "The Hill reported").

    A name that is also an ordinary word ("Time", "the Independent", "Liam
    Fox", "Atlantic City") stays ambiguous; "The X" written so, and not the
    start of a longer capitalised name ("The Hill Times"), is the outlet.
    """
    if not cand.name.startswith("The ") or evidence.field != "body" or evidence.text.isupper():
        return False
    after = evidence.text[max(0, cand.end - evidence.start) :].lstrip(" ")
    return not after[:1].isupper()


def _name_before(body: str, pos: int) -> bool:
    """Can a capitalised name end just before ``pos`` ("Al-Ahram newspaper")? A cheap test first."""
    left = body[max(0, pos - 40) : pos]
    if not left[-1:].isspace():
        return False
    words = left.split()
    return bool(words) and _is_word(words[-1][-1]) and not words[-1].islower()


def _name_after(body: str, pos: int) -> bool:
    """Can a capitalised name start just after ``pos`` ("the daily Al-Masry Al-Youm")?"""
    right = body[pos : pos + 40]
    if not right[:1].isspace():
        return False
    words = right.split(None, 1)
    return bool(words) and (words[0][0].isupper() or words[0][:3].casefold() in ("al-", "el-"))


# ", a local news website," before an outlet noun: the apposition that names what the name before it is
_APPOSED_BEFORE = re.compile(r"[\w.]\s*,\s*(?:a|an|the|A|An|The)\s+(?:[\w-]+\s+){0,3}$")
_WORD = re.compile(r"\S+")
_CITING_BEFORE = re.compile(r"\b(?i:citing|quoting)\s+(?:(?i:an?|the|one|two|three|several)\s+)?(?:[\w-]+\s+){0,2}$")
# "The Sunday Times" is its own paper, not the longer name of "the Times" (cues.toml: a Sunday title is its own outlet)
_DAY_TITLES = ([], ["sunday"], ["saturday"], ["weekend"])
_TOLD_TO = re.compile(r"\b(?i:told|tells|telling|(?:said|says|speaking|spoke|talking|talked)\s+(?:to|with)"
                      r"|(?:said\s+)?in\s+an\s+interview\s+with|in\s+comments\s+to|in\s+a\s+statement\s+to)\s+")
# "Bloomberg, citing people familiar with the matter, said"; not "Bloomberg, citing his own polls" (a person)
_CITING_NEXT = re.compile(r",\s*(?i:citing|quoting)\s+(?!(?i:his|her|their|my|our)\s)")
_AS_BEFORE = re.compile(r"(?:^|[,;:(—–]\s*)[Aa]s\s+$")  # "As Variety noted last week," ", as Bloomberg reported,"
_DETERMINER_BEFORE = re.compile(r"\b(?i:the|a|an|these|those|such|his|her|their|its|our|your|my)\s+$")
_GOES_ON = re.compile(r"[\w'’-]|\s+(?:(?:of|de|for|on)\s+)?[A-Z]")  # a name goes on past its last word
_DESCRIBED = re.compile(r"[A-Z][\w'’]*-[a-z][\w-]*")  # "London-based", "China-published": a description
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sen|Rep|Gov)\.?\s+$")
_AFTER_A_PERSON = re.compile(r"\s*,?\s+who\b|\s*,\s*\d{1,3}\s*,")  # "Emily Post, who", "Emily Post, 54,"


def _person_like(body: str, start: int, end: int, last: str) -> bool:
    """Whether a name shaped like an outlet's is written as a person's: "Emily Post, who ...", "Ms. Post"."""
    if _AFTER_A_PERSON.match(body[end : end + 12]) or _TITLED.search(body, max(0, start - 8), start):
        return True
    return re.search(rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+{re.escape(last)}\b", body) is not None


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _source_names(line: str | None) -> list[str]:
    return [part for part in _SOURCE_SPLIT.split(line or "") if part.strip()]


def _by_sentence(candidates: list[_Candidate], sents: list[Sentence], starts: list[int]) -> Iterator[tuple[Sentence, list[_Candidate]]]:
    groups: dict[int, list[_Candidate]] = {}
    for cand in candidates:
        index = bisect.bisect_right(starts, cand.start) - 1
        if index >= 0 and cand.end <= sents[index].end:
            groups.setdefault(index, []).append(cand)
    for index in sorted(groups):
        yield sents[index], groups[index]


def _chains(group: list[_Candidate], body: str) -> Iterator[list[_Candidate]]:
    """Runs of names joined by "and", ",", "/" or "-"; overlapping names are dropped."""
    chain: list[_Candidate] = []
    for cand in group:
        if chain and cand.start < chain[-1].end:
            continue
        if chain and _JOIN.fullmatch(body[chain[-1].end : cand.start]):
            chain.append(cand)
            continue
        if chain:
            yield from _split_commas(chain, body)
        chain = [cand]
    if chain:
        yield from _split_commas(chain, body)


def _split_commas(chain: list[_Candidate], body: str) -> Iterator[list[_Candidate]]:
    """A bare comma joins names only in a list that "and", "or" or "/" closes: "Variety, CNN" is two runs."""
    bare = [bool(_BARE_COMMA.fullmatch(body[a.end : b.start])) for a, b in zip(chain, chain[1:])]
    run = [chain[0]]
    for i, cand in enumerate(chain[1:]):
        if bare[i] and all(bare[i:]):
            yield run
            run = [cand]
        else:
            run.append(cand)
    yield run


def _merge(article_id: str, hits: list[_Hit], publisher: Outlet | None) -> list[Citation]:
    """One citation per outlet, with its evidence in order and the first cue."""
    by_name: dict[str, list[_Hit]] = {}
    for hit in hits:
        key = outlet_key(hit.name)
        if key:
            by_name.setdefault(key, []).append(hit)
    citations = []
    for group in by_name.values():
        group.sort(key=lambda h: (_FIELD_ORDER.get(h.evidence.field, 9), h.evidence.start, h.cue == "link", h.cue))
        evidence = tuple(dict.fromkeys(h.evidence for h in group))
        first = group[0]
        citations.append(
            Citation(
                article=article_id,
                kind=CitationKind.OUTLET,
                name=first.name,
                cue=first.cue,
                evidence=evidence,
                discovered=first.outlet is None,
                self_citation=publisher is not None and first.outlet == publisher,
            )
        )
    return sorted(citations, key=Citation.sort_key)


_FIELD_ORDER = {"body": 0, "title": 1, "source_line": 2}
