"""Find the documents an article cites: memos, cables, letters, reports, ...

``find_documents(article, sents, gazetteer)`` returns one ``Citation`` of kind
``DOCUMENT`` per document, with every sentence that mentions it.

How it works, per sentence (headlines, captions and "Read more:" lines are
passed over):

1. a document noun is found ("memo", "court filing", "UNSC vote") and its
   noun phrase read around it: determiner, pre-modifiers ("State Department
   dissent"), a possessor ("Hoff's"), a post-modifier ("from the US Embassy
   in Oman", "to President Biden", "calling for a ceasefire");
2. words that cancel it are checked ("conflict resolution", "cable news",
   "news reports"), and nouns that are documents only with a cue need one
   ("issued a statement", "a statement from ...", "vetoed a resolution");
3. the issuer is read from the phrase ("from X", "signed by X", "X's"), from
   the clause ("X filed a complaint", "X said in a statement", "In a letter
   to Y, X urged") and the ``via`` outlet from "obtained by X" / "X reviewed
   the letter";
4. mentions are linked into documents: "another" starts a new one, a
   definite "the letter" refers back to the matching or most salient
   document of its type, an indefinite mention with new details starts a
   new one.

All vocabulary lives in ``data/documents.toml``; the patterns are compiled
once per process.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import itertools
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from .. import rules
from ..records import Article, Citation, CitationKind, DocType, Evidence, Outlet
from .names import outlet_key
from .patterns import alternation
from .sentences import Sentence, ascii_words, fold, folded, word_parts

log = logging.getLogger(__name__)

__all__ = ["find_documents", "DocumentVocabulary"]


class _Gazetteer(Protocol):  # the part of gazetteer.Gazetteer used here
    def lookup(self, name: str) -> Outlet | None: ...

    def find_mentions(self, text: str) -> list[Any]: ...


# ------------------------------------------------------------------ vocabulary

_DETERMINERS = {
    "a": "indef", "an": "indef", "one": "indef", "the": "def", "this": "def", "that": "def",
    "these": "def", "those": "def", "its": "pron", "his": "pron", "her": "pron", "their": "pron",
    "our": "pron", "my": "pron", "your": "pron", "another": "another",
}
_STOP = frozenset(
    """despite although though because unless whether during amid following including like unlike
    without within against among between through across toward towards upon around once
    some many several few all both other most more such now just already still even only soon
    recently previously currently he she they we i you it
    a an the this that these those its his her their our my your of to in on at by for from with
    and or but as than then so if was were is are be been being has have had do does did will would
    can could should may might must not no also which who whom whose what when where while after
    before since until about into over under via per according said says say told tells""".split()
)
# lower-case words before a document noun that belong to its noun phrase although they end in -ed
_ADJ_ED = frozenset(
    """leaked classified signed unsealed redacted detailed revised updated unpublished unreleased
    unsigned amended proposed scathing heated coordinated sealed sworn unredacted annotated
    written handwritten prepared emailed typed
    strongly-worded strongly worded""".split()
)
_GENERIC = frozenset(
    """x twitter facebook instagram telegram tiktok youtube us u.s. uk u.k. un u.n. american united states national federal government state department
    embassy council ministry office the a an of for and in president minister secretary official
    officials new""".split()
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)
_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# dates are capitalised in English; a case-sensitive pattern is much faster, and the look-ahead (every date
# starts with a digit or a capital) passes over the other word starts at once
_DATE = re.compile(
    rf"\b(?=[\dA-Z])(?:(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})|(?P<month>{_MONTH_RE})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<year>\d{{4}}))?|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_RE})(?:\s+(?P<year2>\d{{4}}))?|"
    rf"(?P<weekday>{'|'.join(d.capitalize() for d in _WEEKDAYS)}))\b"
)
_WORD = re.compile(r"[^\s]+")
_CAPS_RUN = re.compile(
    r"(?:the\s+)?(?:[A-Z][\w.&'’-]*)(?:\s+(?:of|for|and|on|de|al|in|the|[A-Z][\w.&'’-]*))*"
    r"(?:\s+\([A-Z][A-Za-z.]*\))?"
)


VOCABULARY_FILE = "data/documents.toml"


@dataclass(frozen=True)
class TypeVocabulary:
    """The vocabulary of one document type (see ``data/documents.toml``)."""

    doc_type: DocType
    nouns: frozenset[str]
    plural: frozenset[str]
    needs_cue: bool
    needs_cue_nouns: frozenset[str]
    court_cue_nouns: frozenset[str]
    needs_platform: frozenset[str]
    self_cued: frozenset[str]
    cancel_before: frozenset[str]
    cancel_after: frozenset[str]
    cancel_unless_named: frozenset[str]  # cancel_before words that a named issuer after the noun overrides
    weak: bool
    outlet_work: bool
    outlet_via: bool  # an outlet that made it (a poll, a study) is its via, not a reason to drop it
    issuers: tuple[str, ...]
    vote_nouns: frozenset[str]
    cue_modifiers: frozenset[str]
    author_verbs: frozenset[str]  # verbs whose subject issues this type: "the Council adopted a resolution"
    cancel_phrases: tuple[str, ...]  # multi-word cancel_after entries
    plural_needs_name: bool
    not_issuers: frozenset[str]  # proper words before the noun that name no issuer ("Republican polls")
    vote_issuers: re.Pattern[str] | None
    vote_issuer_names: tuple[str, ...]


@dataclass(frozen=True)
class DocumentVocabulary:
    """Every compiled pattern ``find_documents`` uses; build once with ``load``."""

    by_noun: dict[str, TypeVocabulary]
    noun_re: re.Pattern[str]  # case-sensitive, over lower-cased text
    via_stems: frozenset[str]  # a word of each via verb (its longest): only where one occurs are outlets looked up
    via_after: re.Pattern[str]
    via_before: re.Pattern[str]
    doc_verb_before: re.Pattern[str]
    author_verbs: frozenset[str]
    speech_words: frozenset[str]
    speech_after: re.Pattern[str]
    post_re: re.Pattern[str]
    according_before: re.Pattern[str]
    said_in_before: re.Pattern[str]
    another_before: re.Pattern[str]
    court_re: re.Pattern[str]
    platform_re: re.Pattern[str]
    head_words: frozenset[bytes]  # a sentence holds a document noun only if it has one of these words
    platform_head_words: frozenset[bytes]  # words of platform names and posting verbs ("wrote on X", "tweeted")
    post_acts: tuple[re.Pattern[str], ...]  # a post named by what its author did: "wrote on X", "tweeted", "took to Instagram"
    platform_firsts: tuple[str, ...]  # the first word of each posting platform, as written: a post act that names one needs it
    paper_act: re.Pattern[str]  # a paper named by the act of publishing it in a journal: "reported in Science"
    journal_name: re.Pattern[str]  # a journal's name, as a post-modifier's object starts with it ("a paper in Nature")
    journal_words: tuple[tuple[str, tuple[bytes, ...]], ...]  # a sentence may hold a paper act only if it has one
    # of these words (with their ``word_parts``: the body's word set tells first whether one occurs at all)
    finding_act: re.Pattern[str]  # a body's finding named by its act: "the Congressional Budget Office estimated that"
    finding_heads: tuple[str, ...]  # a sentence may hold a finding act only if it has one of these
    finding_verbs: tuple[str, ...]  # and one of these verbs' stems
    finding_words: frozenset[bytes]  # the verbs as the body's word set holds them: none there, no act to find
    writing_act: re.Pattern[str]  # an expert's writing named by the act: '"...," analyst Charlie Cook wrote this week'
    body_after: re.Pattern[str]  # one of them after a capitalised noun: the noun is a body's name ("Statistics Office")
    finding_not: frozenset[str]  # words of a body whose findings are no report ("Police")
    skip_line: re.Pattern[str]
    caption_markers: re.Pattern[str]
    not_determiners: frozenset[str]
    verbs: frozenset[str]  # lower-case verbs that never modify a document noun ("filed")
    titled_name: re.Pattern[str]
    resolution_issuer: re.Pattern[str]
    issuer_preps: frozenset[str]

    @classmethod
    def load(cls, text: str | None = None) -> DocumentVocabulary:
        """Compile the built-in vocabulary, or ``text`` (TOML in the same layout)."""
        where = f"citegraph/{VOCABULARY_FILE}" if text is None else f"a documents vocabulary in the layout of citegraph/{VOCABULARY_FILE}"
        data = rules.load(VOCABULARY_FILE) if text is None else rules.parse(text, where)
        try:
            return _compile(data)
        except (KeyError, TypeError, ValueError) as err:
            raise rules.invalid(where, err) from None


def _head_words(types: list[TypeVocabulary]) -> frozenset[bytes]:
    """Words a text must contain to hold a document noun ("vote" only with "Council" or "UNSC")."""
    words: set[str] = set()
    for t in types:
        words |= {n.split()[-1] for n in t.nouns if n not in t.vote_nouns}
        words |= {name.lower().split()[-1].strip(".") for name in t.vote_issuer_names}
    return frozenset(w.encode() for w in words)


def _platform_words(cues: dict[str, Any]) -> frozenset[bytes]:
    words = {p.lower().split()[0] for p in cues["posting_platforms"]} | {w.lower() for w in cues["posting_act_words"]}
    return frozenset(w.encode() for w in words)


def _post_acts(cues: dict[str, Any]) -> tuple[re.Pattern[str], ...]:
    """Patterns of a post named by its author's act, each with ``verb`` and ``platform`` or ``who`` groups.

    The author is ``who`` when the pattern names it, else the subject before the match. A pattern with a
    ``platform`` group always names one (``_acts`` tries it only where a platform's first word occurs).
    """
    platform = rf"(?P<platform>{alternation(cues['posting_platforms'])})(?![\w-]|['’]s\b)"
    verb = rf"(?P<verb>(?i:{alternation(cues['posting_verbs'])}))"
    filler = r"(?:\s+(?!on\b|to\b|via\b)[\w'’-]+){0,6}?"  # "posted a photo of the signed contract on Instagram"
    owner = r"(?:(?:his|her|their|its|the|a|an)\s+)?(?:(?:official|personal|verified|own)\s+)?"
    who = r"(?P<who>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})"
    month = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
    return tuple(re.compile(p) for p in (
        # "wrote on Facebook", "said Sunday on Twitter", "posted to her Instagram account"
        rf"\b{verb}{filler}\s+(?:on|to|via)\s+{owner}{platform}",
        # "took to Twitter", "turned to Twitter", "taking to her Instagram page"
        rf"\b(?P<verb>(?i:took|taking|take|takes|taken|turned|turning|turn|turns|went|going|goes|gone|returned|returning))\s+to\s+{owner}{platform}",
        # "Noem tweeted", "tweeted Rubio spokesman Alex Conant" (after a quotation), "in a later tweet"
        r"\b(?P<verb>(?i:tweeted|retweeted|(?<!of\s)(?<!the\s)(?<!his\s)(?<!her\s)(?<!its\s)(?<!their\s)"
        r"tweets(?=\s+(?:that|about|a|an|the|his|her|their|on|in)\b)))\b",
        # "On Twitter, Dave Schukin explains", "Tuesday, on Twitter, she responded", "Writing on Facebook, X apologised"
        rf"(?:^|(?<=,\s))(?P<verb>[Oo]n|(?:[Ww]riting|[Pp]osting)\s+on)\s+{platform}\s*,\s*(?:(?:the|a|an)\s+[a-z]+\s+)?(?:{who}|(?P<pronoun>[Ss]he|[Hh]e|[Tt]hey))\s+[a-z]+",
        # "In an Instagram video Thursday, Trump speculated"
        rf"\b(?P<verb>[Ii]n)\s+(?:an?|his|her|their|its)\s+(?:(?:later|earlier|new|separate|subsequent|since-deleted|now-deleted|recent|live)\s+)?{platform}\s+(?:video|post|story|livestream|message|thread|clip|photo|live)\b",
        # "the photo Trump posted", "a video the mayor shared": a post named by its author's act, no platform named
        rf"\b(?:[Tt]he|[Aa]n?)\s+(?:photo|photograph|picture|image|video|clip|meme)\s+{who}\s+(?P<verb>posted|tweeted|retweeted|shared)\b",
        # "spotted by Mike Rundle on Twitter"
        rf"\b(?P<verb>(?i:spotted|noticed|flagged|shared|posted|pointed out))\s+by\s+{who}\s+(?:on|via)\s+{platform}",
        # an embedded post's signature: "— Jane Doe (@janedoe) November 18, 2019"
        rf"(?P<verb>[—–])\s*(?P<who>[^\n()—–]{{1,80}}?)\s*\(@(?P<handle>\w{{1,30}})\)\s*{month}\s+\d{{1,2}},?\s+\d{{4}}",
        # markup of an embedded tweet in a text: <tweet author="@handle" ...>
        r"(?P<verb><tweet)\b[^>]*\bauthor=\"@?(?P<handle>[\w.]{1,40})\"",
    ))


def _paper_act(cues: dict[str, Any]) -> re.Pattern[str]:
    """ "Researchers reported in Science that", "the team wrote on Monday in the journal Nature", "published
    their findings in The Lancet": a paper, named by the journal it was published in (``journal``)."""
    verb = rf"(?P<verb>(?i:{alternation(cues['paper_verbs'])}))"
    when = r"(?:\s+(?:on\s+)?(?:[A-Z][a-z]+day|last\s+\w+|this\s+\w+|earlier\s+this\s+\w+))?"
    what = r"(?:\s+(?:their|the|its|his|her|these|those)\s+(?:[\w-]+\s+)?(?:findings|results|study|paper|research|analysis|work|data))?"
    kind = r"(?:(?:medical|scientific|academic|peer-reviewed|science)\s+)?"
    titled = r"[A-Z][\w&.'’-]*(?:\s+(?:of|the|and|for|in|on|&)?\s*[A-Z][\w&.'’-]*){0,6}"
    named = rf"(?:[Tt]he\s+)?(?P<journal>{alternation(cues['journals'])})(?![\w-]|\s+[A-Z])"
    generic = rf"(?:the\s+|a\s+)?{kind}journal\s+(?P<titled>{titled})"
    return re.compile(rf"\b{verb}{when}{what}{when}\s+in\s+(?:{named}|{generic})")


def _finding_act(cues: dict[str, Any]) -> re.Pattern[str]:
    """ "The Congressional Budget Office estimated that", "the World Health Organization reported last year that":
    a report named by its issuer's act. ``who`` is a body: a name that ends with one of ``finding_heads`` or has an
    "of ..." tail after one ("the Department of Social Services")."""
    word = r"[A-Z][\w.&'’-]*"
    head = rf"(?:{alternation(cues['finding_heads'])})"
    tail = rf"(?:\s+(?:of|on|for)\s+(?:the\s+)?{word}(?:\s+(?:and\s+|&\s+)?{word}){{0,5}})?"
    when = (r"(?:\s+(?:(?:last|this|earlier\s+this|late\s+last)\s+(?:year|month|week|spring|summer|fall|autumn|winter)"
            r"|(?:on\s+)?[A-Z][a-z]+day|in\s+(?:[A-Z][a-z]+|\d{4})))?")
    verb = rf"(?P<verb>{alternation(cues['finding_verbs'])})"
    return re.compile(rf"(?<![\w.&'’-])(?P<who>(?:{word}\s+){{0,5}}?{head}{tail})\s+(?:(?:has|have|had)\s+)?(?:also\s+)?{verb}{when}\s+that\b")


def _writing_act(cues: dict[str, Any]) -> re.Pattern[str]:
    """ '"...," veteran analyst Charlie Cook wrote this week', '"...," Howard Gleckman, a senior fellow at the Tax
    Policy Center, has written', '"...," Jeffrey Lewis of the James Martin Center wrote in December': the writer
    (``who``) with a word that makes them an expert (``desc``, ``appos``) or the body they are ``of``; the verb ends
    the clause (not "wrote to", "wrote in the Times", "wrote a book")."""
    expert = rf"(?:{alternation(cues['writer_words'])})"
    name = r"[A-Z][\w.'’-]+(?:\s+(?:[A-Z]\.\s+)?[A-Z][\w.'’-]+){1,3}"
    heads = rf"(?:{alternation(cues['finding_heads'] + ['University', 'College', 'School'])})"
    when = (r"(?:\s+(?:(?:last|this|earlier\s+this)\s+(?:year|month|week|spring|summer|fall|autumn|winter)"
            rf"|in\s+(?:{'|'.join(m.title() for m in _MONTHS)}|\d{{4}})|(?:on\s+)?[A-Z][a-z]+day))?")
    return re.compile(
        rf"(?:(?P<desc>(?<![\w-]){expert})\s+)?(?P<who>{name}(?:\s+and\s+{name})?)"
        rf"(?P<of>\s+of\s+(?:[\w.'’-]+\s+){{0,6}}?{heads}\b[^,;\"“”]{{0,60}}?)?"
        rf"(?:,\s+(?:an?|the)\s+(?P<appos>[^,;\"“”]{{0,40}}?{expert}[^,;\"“”]{{0,80}}),)?"
        rf"\s+(?:has\s+|have\s+)?(?P<verb>wrote|writes|written){when}(?=\s*[.,;:]|\s+that\b|\s*$)"
    )


def _stem(verb: str) -> str:
    """ "reported" and "reports" -> "report": one search of the body finds every form."""
    return verb[:-2] if verb.endswith("ed") else verb[:-1] if verb.endswith("s") else verb


def _minimal_tuple(words: Iterable[str]) -> tuple[str, ...]:
    """``_minimal``, sorted: the words to search for, none inside another ("estimate" finds "estimated")."""
    return tuple(sorted(_minimal(set(words))))


def _minimal(words: set[str]) -> frozenset[str]:
    """Drop words that contain another word: a substring search for "suit" also finds "lawsuit"."""
    return frozenset(w for w in words if not any(o != w and o in w for o in words))


def _lower_set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(" ".join(i.lower().split()) for i in items)


def _type_vocab(name: str, table: dict[str, Any]) -> TypeVocabulary:
    return TypeVocabulary(
        doc_type=DocType(table.get("type", name)),
        nouns=_lower_set(table["nouns"]),
        plural=_lower_set(table.get("plural", [])),
        needs_cue=bool(table.get("needs_cue", False)),
        needs_cue_nouns=_lower_set(table.get("needs_cue_nouns", [])),
        court_cue_nouns=_lower_set(table.get("court_cue_nouns", [])),
        needs_platform=_lower_set(table.get("needs_platform", [])),
        self_cued=_lower_set(table.get("self_cued", [])),
        cancel_before=_lower_set(table.get("cancel_before", [])),
        cancel_after=_lower_set(table.get("cancel_after", [])),
        cancel_unless_named=_lower_set(table.get("cancel_unless_named", [])),
        weak=bool(table.get("weak", False)),
        outlet_work=bool(table.get("outlet_work", False)),
        outlet_via=bool(table.get("outlet_via", False)),
        issuers=tuple(table.get("issuers", [])),
        vote_nouns=_lower_set(table.get("vote_nouns", [])),
        cue_modifiers=_lower_set(table.get("cue_modifiers", [])),
        author_verbs=_lower_set(table.get("author_verbs", [])),
        cancel_phrases=tuple(sorted(p for p in _lower_set(table.get("cancel_after", [])) if " " in p)),
        plural_needs_name=bool(table.get("plural_needs_name", False)),
        not_issuers=_lower_set(table.get("not_issuers", [])),
        vote_issuers=re.compile(rf"(?:^|\s)(?:{alternation(table['vote_issuers'], lower=True)})$", re.IGNORECASE)
        if table.get("vote_issuers")
        else None,
        vote_issuer_names=tuple(table.get("vote_issuers", [])),
    )


def _compile(data: dict[str, Any]) -> DocumentVocabulary:
    types = [_type_vocab(name, table) for name, table in data["types"].items()]
    by_noun: dict[str, TypeVocabulary] = {}
    for t in types:
        for noun in t.nouns:
            by_noun.setdefault(noun, t)
    cues = data["cues"]
    flags = re.IGNORECASE
    be = r"(?:(?:which|that)\s+)?(?:(?:was|were|is|are|has\s+been|have\s+been|had\s+been)\s+)?"
    adv = r"(?:(?:first|exclusively|later|also|previously|recently|initially)\s+)?"
    when = r"(?:(?:last|this|earlier|on|late)\s+\w+\s+|(?:yesterday|today|earlier)\s+)?"
    resolution = next((t for t in types if t.doc_type is DocType.RESOLUTION), None)
    return DocumentVocabulary(
        by_noun=by_noun,
        noun_re=re.compile(rf"(?<![\w-]){alternation(by_noun)}(?![\w-])"),
        via_stems=_minimal({max(re.findall(r"\w+", w.lower()), key=len) for w in cues["via_passive"] + cues["via_active"]}
                           | {"told", "tells", "telling", "gave", "handed", "supplied", "showed", "passed", "forwarded"}),
        via_after=re.compile(
            rf"^[^.;:]{{0,90}}?(?:,\s*)?(?:a\s+copy\s+of\s+which\s+)?{be}{adv}"
            rf"(?P<verb>{alternation(cues['via_passive'], lower=True)})\s+{adv}{when}(?:by|to|with)\s+$",
            flags,
        ),
        via_before=re.compile(
            rf",?(?:\s+(?:has|had|have|also|first|exclusively|recently|previously))*\s+"
            rf"(?P<verb>{alternation(cues['via_active'], lower=True)})\s+(?:(?:a\s+)?cop(?:y|ies)\s+of\s+|(?:the\s+)?(?:existence|contents?|details|text|portions|excerpts)\s+(?:of|from)\s+)?$",
            flags,
        ),
        author_verbs=_lower_set(cues["author_verbs"]),
        speech_words=_lower_set(cues["doc_speech"]),
        doc_verb_before=re.compile(rf"\b(?P<verb>{alternation(cues['doc_verbs'] + cues['author_verbs'], lower=True)})\s+(?:(?:a\s+)?copy\s+of\s+)?$", flags),
        speech_after=re.compile(  # "the transcript of the call shows", "the statement also said"
            rf"^(?:\s+of\s+(?:the|a|an|this|that|his|her|their|its)\s+(?-i:[a-z])[\w-]*)?\s*,?\s*(?:also\s+|further\s+)?"
            rf"(?P<verb>{alternation(cues['doc_speech'], lower=True)})\b", flags),
        post_re=re.compile(
            rf"^\s*,?\s*(?:(?:was|were|is|are|has\s+been|had\s+been)\s+)?"
            rf"(?P<prep>{alternation(cues['issuer_preps'] + ['to', 'addressed to', 'sent to', 'on', 'about', 'calling for', 'calling on', 'demanding', 'urging', 'condemning', 'against', 'in', 'between'], lower=True)})\s+",
            flags,
        ),
        according_before=re.compile(rf"\b(?P<cue>{alternation(cues['according'], lower=True)})\s+$", flags),
        said_in_before=re.compile(
            rf"\b(?P<verb>{alternation(cues['said_in_verbs'], lower=True)})"
            # "said Monday in", "said CEO Craig Menear in" (the speaker after the verb), "confirmed this in"
            r"\s+(?:(?:on\s+\w+\s+)|(?:late\s+\w+\s+)|(?:this|that|it)\s+"
            r"|(?-i:(?:(?:[A-Z][\w.'’-]*|chief|executive|officer|spokesman|spokeswoman|spokesperson|director|president)\s+){1,6}))?"
            r"(?:in|on|via|through)\s+$",
            flags,
        ),
        another_before=re.compile(rf"\b(?:{alternation(cues['another'], lower=True)})\s+$", flags),
        court_re=re.compile(rf"\b(?:{alternation(cues['court_words'], lower=True)})\b", flags),
        head_words=_head_words(types) | _platform_words(cues),
        platform_head_words=_platform_words(cues),
        post_acts=_post_acts(cues),
        platform_firsts=tuple(sorted({(p.split() or [""])[0] for p in cues["posting_platforms"]})),  # "" is in every text
        paper_act=_paper_act(cues),
        journal_name=re.compile(rf"(?:[Tt]he\s+)?(?:journal\s+)?(?:{alternation(cues['journals'])})(?![\w-]|\s+[A-Z])"),
        journal_words=tuple((w, word_parts(w.lower().encode())) for w in sorted({j.split()[0] for j in cues["journals"]} | {"journal"})),
        finding_act=_finding_act(cues),
        finding_heads=tuple(sorted(cues["finding_heads"])),
        finding_verbs=_minimal_tuple(_stem(v) for v in cues["finding_verbs"]),
        finding_words=frozenset(v.lower().encode() for v in cues["finding_verbs"]),
        writing_act=_writing_act(cues),
        body_after=re.compile(rf"\s+(?:{alternation(cues['finding_heads'])})(?![\w-])"),
        finding_not=frozenset(cues["finding_not"]),
        platform_re=re.compile(rf"(?<![\w-])(?:{alternation(cues['platforms'])})(?![\w-])"),
        caption_markers=re.compile("|".join(re.escape(m) for m in cues["caption_markers"])),
        not_determiners=_lower_set(cues["not_determiners"]),
        verbs=_lower_set(w for w in cues["doc_verbs"] + cues["author_verbs"] if " " not in w) - _ADJ_ED,
        skip_line=re.compile(rf"^\W*(?:{alternation(cues['skip_line_prefixes'], lower=True)})\b\s*[:|>-]", flags),
        titled_name=re.compile(
            rf"\b(?:(?:{alternation(cues['titles'])})\s+)+(?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+)*"
        ),
        resolution_issuer=re.compile(
            rf"(?<![\w-])(?:{alternation(list(resolution.issuers) if resolution else ['UN'], lower=True)})(?![\w-])", flags
        ),
        issuer_preps=_lower_set(cues["issuer_preps"]),
    )


@functools.lru_cache(maxsize=1)
def _vocab() -> DocumentVocabulary:
    return DocumentVocabulary.load()


# ------------------------------------------------------------------ mentions


@dataclass(frozen=True)
class _Mention:
    """One mention of a document in one sentence."""

    vocab: TypeVocabulary
    noun: str
    sent: int
    evidence: Evidence
    det: str  # indef | def | pron | poss | another | none | act | embed | finding
    mods: str  # pre-modifiers, as written
    post: str  # "from the US Embassy in Oman", as written
    issuer: str | None
    via: str | None
    cue: str
    cued: bool
    speaks: bool  # the document is the subject of a speech verb: "the statement said"
    named: bool  # a modifier makes it a document: "draft resolution", "diplomatic cable"
    plural: bool
    speaker: str | None = None  # who spoke in it, when another issued it ("X said in a statement released by Y")

    @property
    def label(self) -> str:
        head = " ".join(p for p in (self.mods, self.noun) if p)
        return f"{head} {self.post}".strip() if self.post else head

    @property
    def informative(self) -> bool:
        return bool(self.post or self.issuer or _proper_tokens(self.mods))


@dataclass
class _Doc:
    """A document being assembled from its mentions."""

    mentions: list[_Mention] = field(default_factory=list)
    label: str = ""
    issuer: str | None = None
    via: str | None = None
    rich: bool = False
    has_post: bool = False

    def add(self, m: _Mention) -> None:
        self.mentions.append(m)
        if not self.label or (not self.rich and (m.post or m.issuer)) or _is_plural_label(self.label, m):
            self.label, self.rich, self.has_post = m.label, bool(m.post or m.issuer), bool(m.post)
        self.issuer = self.issuer or m.issuer
        self.via = self.via or m.via

    @property
    def doc_type(self) -> DocType:
        return self.mentions[0].vocab.doc_type

    @property
    def last_sent(self) -> int:
        return self.mentions[-1].sent

    def words(self) -> str:
        return " ".join([self.label, self.issuer or ""] + [m.mods for m in self.mentions] + [m.speaker or "" for m in self.mentions])


def _is_plural_label(label: str, m: _Mention) -> bool:
    return not m.plural and label.lower().split()[-1] == m.noun.lower() + "s"


# The three below are asked of the same labels over and over as mentions are
# linked (each against up to _LINK_WINDOW documents): cached, they keep a
# memo-heavy article linear (benchmarks/bench_hostile.py).
@functools.lru_cache(maxsize=4096)
def _proper_tokens(text: str) -> frozenset[str]:
    return frozenset({t.strip(",.()’'\"") for t in text.split() if t[:1].isupper() or t.isupper()} - {""})


@functools.lru_cache(maxsize=4096)
def _acronym(text: str) -> str:
    """``"US Agency for International Development"`` -> ``"USAID"``."""
    out = []
    for tok in text.split():
        tok = tok.strip(",.()")
        if tok.isupper() and tok.isalpha():
            out.append(tok)
        elif tok[:1].isupper():
            out.append(tok[0])
    return "".join(out)


# ------------------------------------------------------------------ sentences


def _line_of(body: str, s: Sentence) -> str:
    start = body.rfind("\n", 0, s.start) + 1
    end = body.find("\n", s.end)
    return body[start : end if end >= 0 else len(body)].strip()


_TERMINAL = re.compile(r"""(?:[.!?:;…]["'”’)\]]*|["”’])$""")


def _is_article_text(line: str, vocab: DocumentVocabulary) -> bool:
    """False for headlines, captions and link lines ("Read more: ...")."""
    if not (_TERMINAL.search(line[-4:]) or len(line) > 300):
        return False
    return not (vocab.skip_line.match(line) or vocab.caption_markers.search(line))


# ------------------------------------------------------------------ phrase parts


def _premods(left: str, vocab: DocumentVocabulary) -> tuple[str, str, str, int]:
    """Read the noun phrase before a noun: ``(det, mods, possessor, np_start)``.

    Without a determiner to bound the phrase, a lower-case word before a name
    ends it ("hackers stole Democratic emails" -> "Democratic").
    """
    base = max(0, len(left) - 160)
    tokens = list(_WORD.finditer(left, base))
    mods: list[re.Match[str]] = []
    det, possessor = "none", ""
    i = len(tokens) - 1
    while i >= 0 and len(mods) < 5:
        tok = tokens[i].group()
        low = tok.lower()
        if tok[-1:] in ",;:.!?\"“”)" or tok[:1] in "\"“(":
            break
        if low in _DETERMINERS or low in vocab.not_determiners:
            det = _DETERMINERS.get(low, "neg")
            break
        if low.endswith(("'s", "’s", "s'", "s’")):
            det, possessor = "poss", _possessor(tokens, i)
            break
        if low in vocab.verbs and not (tok[:1].isupper() and i > 0) or not _is_modifier(tok, low):
            break  # a verb, but not a capitalised word inside the sentence ("the Washington Post poll")
        mods.append(tokens[i])
        i -= 1
    if det == "none":
        mods = _unbounded(mods)
    np_start = tokens[i].start() if det != "none" else mods[-1].start() if mods else len(left)
    text = left[mods[-1].start() :].strip() if mods else ""
    return det, text, possessor, np_start


def _unbounded(mods: list[re.Match[str]]) -> list[re.Match[str]]:
    """Trim modifiers read without a determiner: stop at a lower-case word left of a name or a gerund."""
    out: list[re.Match[str]] = []
    for m in mods:  # nearest the noun first
        tok = m.group()
        if tok.islower() and out and out[-1].group()[:1].isupper():
            break
        if tok.islower() and tok.endswith("ing") and tok not in _ADJ_ED:
            break  # "mishandling classified documents"
        out.append(m)
    return out


_MODIFIER_TOKEN = re.compile(r"^[\w][\w.&'’/-]*$")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE_END = re.compile(r"['’]s?$")
_FIRST_WORD = re.compile(r"\s*(\S+)")
_CLAUSE_BREAK = re.compile(r"[,;:\"“”]|\bthat\b|\bas\b|\bwhen\b|\bafter\b|\bwhile\b")
_SUBJECT_AFTER = re.compile(
    r"^[^,]*,\s*(?P<subj>[^,;:\"“]{3,140}?)\s+(?:(?:also|have|has|had)\s+)?(?P<verb>\w+ed|said|says|wrote|told|urged|sent|signed)\b"
)
_PRONOUN_ISSUER = re.compile(r"^(his|her)\s+(.+)$", re.IGNORECASE)
_PRONOUN_START = re.compile(r"(?i)^(his|her)\s")
_STARTS_NUMBER = re.compile(r"(?i)^(?:the\s+)?\d")
_TOPIC = re.compile(r"\s+(?:on|about|regarding|concerning|over)\s+")
_POSTED = re.compile(r"\bposted\b", re.IGNORECASE)
_SERIES = re.compile(r"(?i)\s+(?:a|an|the|his|her|their|its)\s+(?:series|string|thread|flurry|barrage|volley|pair)\s+of\s+$")
# "In a statement, X said", "Discussing his concern in a public statement, X said": the opening words of the sentence
_ONLY_IN = re.compile(r"(?i)^\W*(?:[a-z]+ing\s+[^,;:\"“”]{0,60}?\s+)?in\s+$")


def _is_modifier(tok: str, low: str) -> bool:
    if low in _STOP or not _MODIFIER_TOKEN.match(tok):
        return False
    if tok[:1].isupper() or tok[:1].isdigit():
        return True
    return not low.endswith("ed") or low in _ADJ_ED or low.endswith("-based")


def _possessor(tokens: list[re.Match[str]], i: int) -> str:
    """The name before "'s": ``"the school's"`` -> ``"the school"``."""
    words = [_POSSESSIVE_END.sub("", tokens[i].group())]
    j = i - 1
    while j >= 0 and len(words) < 6:
        tok = tokens[j].group()
        if tok[-1:] in ",;:.!?\"“”" or not (tok[:1].isupper() or tok.lower() in ("the", "of", "for", "and")):
            break
        words.insert(0, tok)
        j -= 1
    while words and (words[0].lower() in ("of", "for", "and") or words[0].lower() in _STOP or words[0].lower() in _OPENERS):
        words.pop(0)  # "From Bush's post": the sentence opener is no part of the name
    return " ".join(words)


_POST_STOP = frozenset(
    """which that who whom whose was were is are has have had will would said says told revealed
    saying and but while as when after before since because amid obtained reviewed seen according
    if than""".split()
)


def _post_object(right: str, verbs: frozenset[str] = frozenset()) -> str:
    """The object of a post-modifier, up to punctuation, a clause word or a date."""
    out: list[str] = []
    for m in _WORD.finditer(right):
        tok = m.group()
        core = tok.strip(",;:.!?\"“”()")
        low = core.lower()
        if not core or tok in ("-", "–", "—") or low in _POST_STOP or (low in verbs and core.islower()) or tok[:1] in "\"“(" or low in _WEEKDAYS:
            break
        if out and low in ("on", "in", "last", "this", "earlier") and _starts_date(right[m.end() :]):
            break
        if out and low.endswith("ing") and core.islower() and low not in _ADJ_ED:
            break  # "a tweet from X featuring ...": a participle clause, no part of the name
        if out and low.endswith("ed") and core.islower() and out[-1].islower() and out[-1] not in _DET_WORDS and not out[-1][:1].isdigit():
            nxt = right[m.end() :].split(" ", 2)[1:2] if right[m.end() :].startswith(" ") else []
            if not nxt or nxt[0].lower() not in ("by", "in", "to", "for", "from", "with"):
                break  # "a report by an investigator ... pinpointed X": the main verb
        initial = tok.endswith(".") and (core in _TITLES_ABBR or "." in core or len(core) == 1)  # "Mr.", "U.S."
        out.append(tok if initial else core if tok != core and tok[-1:] in ",;:.!?\"“”)" else tok)
        if (tok[-1:] in ",;:.!?\"“”" and not initial) or len(out) >= 14:
            break
    while out and out[-1].lower() in _STOP:
        out.pop()
    return " ".join(out)


_TRAILING_DATE = re.compile(
    rf"\s+(?:on|last|this|late|early)\s+(?:{'|'.join(_WEEKDAYS)}|{_MONTH_RE}|week|month|year)\b.*$", re.IGNORECASE
)
_TITLES_ABBR = frozenset("Mr Mrs Ms Dr St Sen Rep Gov Gen Jr Sr Lt Col Prof Capt Sgt Adm Maj Rev Hon".split())


_DET_WORDS = frozenset("the a an his her their its our this that these those all every each more over some".split())
_BARE_RECIPIENTS = frozenset("staff employees members supporters congress parliament voters donors lawmakers".split())


def _object_ok(prep: str, obj: str) -> bool:
    """Reject objects that are verbs: "a statement to mean ...", "a statement by picking ..."."""
    first = obj.split(" ", 1)[0] if obj else ""
    if not first or not first.islower() or first in _DET_WORDS or first[:1].isdigit():
        return True
    if prep.endswith("by") and first.endswith("ing"):
        return False
    return not (prep == "to" and not first.endswith("s") and first not in _BARE_RECIPIENTS)


def _starts_date(text: str) -> bool:
    m = _FIRST_WORD.match(text)
    if not m:
        return False
    word = m.group(1).strip(",.").lower()
    return word in _WEEKDAYS or word[:3] in {x[:3] for x in _MONTHS} or word.isdigit() or word in (
        "week", "month", "year", "behalf", "condition", "record")


_OPENERS = frozenset(
    """but and yet so however meanwhile later earlier then also although though still instead once
    despite because unless whether following during amid
    indeed now today yesterday previously separately here there""".split()
)
_PRONOUNS = frozenset("i we you he she it they who this that one its his her their our".split())


_AND_BEFORE = re.compile(r"\s(?:and|&)\s+(?:the\s+)?$")


def _name_before(text: str) -> str | None:
    """The proper name (or short noun phrase) that ends ``text``: the subject before a verb."""
    text = text.rstrip()
    if text.endswith(","):  # "NatWest's parent, the Royal Bank of Scotland Group, said": the name set off
        *before, apposed = _CLAUSE_BREAK.split(text[:-1])
        apposed = re.sub(r"^(?i:the)\s+", "", apposed.strip())  # all of it a name, after a common noun: not
        # "Mellody, a spokeswoman for the Democratic National Convention," (her job), "Maxine Waters, a California
        # Democrat," (a description), "in Greenbelt, Maryland," (a place)
        if before and re.search(r"\b[a-z][\w’']*\s*$", before[-1]) and apposed.lower() not in _PRONOUNS \
                and any(m.span() == (0, len(apposed)) for m in _CAPS_RUN.finditer(apposed)):
            return apposed
    clause = _CLAUSE_BREAK.split(text)[-1].strip()
    for m in _CAPS_RUN.finditer(clause):
        if m.end() == len(clause):
            if _AND_BEFORE.search(clause, 0, m.start()) and len(clause.split()) <= 10 and \
                    clause.split()[0].lower() in ("the", "a", "an"):
                return clause  # "The drivers' union and the Pellona Rail Board": both are its subject
            words = m.group().split()
            while words and (words[0].lower() in _STOP or words[0].lower() in _OPENERS or words[0].lower() in _PRONOUNS):
                words.pop(0)  # "But Mr Crosby", "While Trump", "Its executive board"
            name = " ".join(words)
            return name if name and name.lower() not in _PRONOUNS else None
    words = clause.split()
    if words and words[-1].lower() in ("who", "which", "that", "whom"):
        return None  # "persons who signed": the subject is elsewhere
    if 1 <= len(words) <= 8 and words[0].lower() in ("the", "a", "an", "more", "over", "about", "some", "his", "her", "its", "their") or (words and words[0][:1].isdigit()):
        return clause
    return None


def _subject_after(text: str, vocab: DocumentVocabulary) -> str | None:
    """``", more than 400 appointees expressed ..."`` -> ``"more than 400 appointees"``."""
    m = _SUBJECT_AFTER.match(text)
    if not m:
        return None
    subj = m.group("subj").strip()
    if subj.split()[0].lower() in _PRONOUNS:
        return None  # "In a survey, it found that fares had doubled": no name
    return subj if len(subj.split()) <= 16 else None


def _resolve_pronoun(issuer: str, before: str, vocab: DocumentVocabulary) -> str:
    """``"his office"`` -> ``"Prime Minister Netanyahu's office"`` when a titled name precedes."""
    m = _PRONOUN_ISSUER.match(issuer)
    if not m:
        return issuer
    names = list(vocab.titled_name.finditer(before))
    return f"{names[-1].group()}'s {m.group(2)}" if names else issuer


# ------------------------------------------------------------------ dates


def _date_in(text: str, published: str | None) -> str | None:
    """The first date stated in ``text``, as YYYY-MM-DD when it can be resolved."""
    m = _DATE.search(text)
    if not m:
        return None
    if m.group("iso"):
        return m.group("iso")
    try:
        pub = dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        pub = None
    if m.group("weekday"):
        if pub is None:
            return m.group("weekday").capitalize()
        back = (pub.weekday() - _WEEKDAYS.index(m.group("weekday").lower())) % 7
        return (pub - dt.timedelta(days=back)).isoformat()
    month = (m.group("month") or m.group("month2")).lower().rstrip(".")
    day = int(m.group("day") or m.group("day2"))
    year = m.group("year") or m.group("year2")
    num = next(i for i, name in enumerate(_MONTHS, 1) if name.startswith(month[:3]))
    if year is None and pub is None:
        return f"{_MONTHS[num - 1].capitalize()} {day}"
    year_n = int(year) if year else pub.year
    if year is None and (num, day) > (pub.month, pub.day):
        year_n -= 1
    try:
        return dt.date(year_n, num, day).isoformat()
    except ValueError:
        return None


# ------------------------------------------------------------------ one mention


@dataclass
class _Context:
    """Per-article state shared by the mention readers."""

    article: Article
    sents: list[Sentence]
    gazetteer: _Gazetteer
    vocab: DocumentVocabulary
    def outlets_near(self, i: int, lo: int, hi: int) -> list[tuple[int, int, Any]]:
        """Outlet mentions in ``sents[i].text[lo:hi]``, as ``(start, end, mention)`` in sentence offsets."""
        lo, hi = max(0, lo), min(len(self.sents[i].text), hi)
        return [(m.start + lo, m.end + lo, m) for m in self.gazetteer.find_mentions(self.sents[i].text[lo:hi])]

    def outlet(self, name: str) -> Outlet | None:
        name = _ARTICLE.sub("", name.strip())
        return self.gazetteer.lookup(name) if name else None


@dataclass
class _Reading:
    """The parts of one mention as they are read, step by step."""

    i: int
    text: str
    span: tuple[int, int]
    noun: str
    key: str
    tv: TypeVocabulary
    det: str
    mods: str
    possessor: str
    np_start: int
    lead: str = ""
    prep: str = ""
    obj: str = ""
    post: str = ""
    issuer: str | None = None
    speaker: str | None = None  # "Pence said in a statement released by the campaign": the campaign issued it
    via: str | None = None
    cue: str = ""
    cued: bool = False
    speaks: bool = False
    outlet_author: Outlet | None = None
    post_end: int = 0  # offset in ``right`` where the post-modifier ends
    named: bool = False

    @property
    def left(self) -> str:
        return self.text[: self.span[0]]

    @property
    def right(self) -> str:
        return self.text[self.span[1] :]

    def cue_if_none(self, cue: str) -> None:
        self.cue, self.cued = self.cue or cue, True


_OF_ITS_OWN = re.compile(r"\s+of\s+(?:its|their|his|her)\s+own\b", re.IGNORECASE)
# The subject that opens a sentence, up to its verb: "The Department of Education rejected", "The teachers' union said"
_OPENING_SUBJECT = re.compile(
    r"^\W*(?P<subject>(?:[Tt]he\s+)?(?:[A-Z][\w.&'’-]*(?:\s+(?:of|for|and|on|the|[A-Z][\w.&'’-]*))*"
    r"|[a-z][\w'’-]*(?:\s+[a-z][\w'’-]*)?))\s+(?:also\s+|later\s+|then\s+)?[a-z]+(?:ed|s)\b")
# "X and Y issued separate statements": one document for each of them
_SEPARATE = frozenset({"separate", "respective", "individual", "own"})


def _sentence_subject(before: str) -> str | None:
    m = _OPENING_SUBJECT.match(before)
    return m.group("subject") if m else None


_AND = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def _names_in(coordination: str) -> list[str]:
    """ "X, Y and Z" -> ["X", "Y", "Z"]."""
    return [part.strip() for part in _AND.split(coordination) if part.strip()]


def _each_issuer(mention: _Mention) -> list[_Mention]:
    """ "The ministry and the airline issued separate statements": one statement of each issuer."""
    if not (mention.plural and mention.issuer and _SEPARATE & set(mention.mods.lower().split())):
        return [mention]
    issuers = [_ARTICLE.sub("", part) for part in _names_in(mention.issuer)]
    issuers = [x for x in issuers if x]
    if len(issuers) < 2:
        return [mention]
    noun = mention.noun[:-1] if mention.noun.lower().endswith("s") else mention.noun
    return [dataclasses.replace(mention, noun=noun, issuer=x, det="another", plural=False, mods="") for x in issuers]


_AUTHORS = re.compile(r"(?P<first>(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+)"
                      r"(?:,\s+(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+)*,?\s+and\s+(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]+")


def _each_author(post: _Mention) -> list[_Mention]:
    """ "Hillary Clinton and Bernie Sanders tweeted": a post of each of them, not one of both."""
    if not post.issuer or post.det == "embed" or not _AUTHORS.fullmatch(post.issuer):
        return [post]
    names = _names_in(post.issuer)
    return [dataclasses.replace(post, issuer=name, det="another") for name in names]


def _read_mention(ctx: _Context, i: int, match: re.Match[str]) -> _Mention | None:
    """Read one document noun in sentence ``i``; None when it is no document."""
    r = _phrase(ctx, i, match)
    if r is None:
        return None
    if r.tv.outlet_work and _outlet_after(ctx, r):
        return None  # "a report in The Washington Post", "a report aired on Channel 12"
    r.via, via_verb = _via(ctx, i, r.np_start, r.span[1])
    _read_post(ctx, r)
    _read_names(ctx, r)
    if r.outlet_author is not None and r.tv.outlet_work:
        return None  # "a CNN report", "a report by Reuters": the outlet's own work
    if r.tv.outlet_via:
        via_verb = _outlet_made(ctx, r) or via_verb
    _read_cues(ctx, r, via_verb)
    if not _context_ok(ctx, r):
        return None
    sent = ctx.sents[i]
    own = _OF_ITS_OWN.match(r.right) is not None or "own" in r.mods.lower().split()
    if own and r.left[: r.np_start].rstrip().lower().endswith(" in"):
        # "Kestrel Airlines rejected it in a statement of its own": the subject's, a document of its own
        r.issuer = r.issuer or _sentence_subject(r.left[: r.np_start])
        if r.issuer:
            r.cue_if_none("in")
    return _Mention(
        vocab=r.tv,
        noun=r.noun,
        sent=i,
        evidence=Evidence(sent.text, sent.start, sent.end),
        det="another" if own or ctx.vocab.another_before.search(_det_window(r)) else r.det,
        mods=r.mods,
        post=r.post,
        issuer=_clean_issuer(ctx, r),
        via=r.via,
        cue=r.cue or r.key,
        cued=r.cued,
        speaks=r.speaks,
        named=r.named,
        # "a series of tweets" is one thread of posts
        plural=r.key in r.tv.plural and not (r.left.endswith("of ", 0, r.np_start) and _SERIES.search(r.left, 0, r.np_start)),
        speaker=r.speaker,
    )


_OUTLET_PREP = re.compile(r"^\s*,?\s*(?:(?:aired|broadcast|published|carried|posted)\s+)?(?:in|on|by|from|at)\s+(?:the\s+)?")
_AIRED = re.compile(r"^\s*,?\s*(?:aired|broadcast|televised)\b", re.IGNORECASE)


def _outlet_after(ctx: _Context, r: _Reading) -> bool:
    """True when the phrase goes on to name an outlet as where the report ran."""
    right = r.right
    if _AIRED.match(right):
        return True
    m = _OUTLET_PREP.match(right)
    if not m:
        return False
    nearby = ctx.outlets_near(r.i, r.span[1], r.span[1] + m.end() + 40)
    text = ctx.sents[r.i].text  # "a report by the World Bank" did not run in World magazine
    return any(start == r.span[1] + m.end() and _whole_name(ctx, text, start, end, mention.outlet) is not None
               for start, end, mention in nearby)


def _phrase(ctx: _Context, i: int, match: re.Match[str]) -> _Reading | None:
    """The noun phrase around a document noun, or None when the words around it cancel it."""
    text = ctx.sents[i].text
    noun = text[match.start() : match.end()]
    key = " ".join(noun.lower().split())
    tv = ctx.vocab.by_noun[key]
    left, right = text[: match.start()], text[match.end() :]
    det, mods, possessor, np_start = _premods(left, ctx.vocab)
    if det == "none" and not mods and left.endswith("of ") and _SERIES.search(left):
        det = "indef"  # "a series of tweets": one thread of them
    if key == "figures" and _PEOPLE_AFTER.match(right):
        return None  # "The G40 figures are cabinet ministers": people, not statistics
    if det == "neg" or det == "none" and not mods and key in _BARE_NOT_DOC:
        return None  # "any statement"; a verb or a bare word, not a document
    if noun[:1].isupper() and mods[-1:].isalpha() and mods.split()[-1][:1].isupper() and tv.doc_type is not DocType.RESOLUTION and not tv.outlet_via:
        return None  # part of a name or a title: "Drudge Report", "Rules Report"
    if noun[:1].isupper() and ctx.vocab.body_after.match(right):
        return None  # a body's name: "the Pellona Statistics Office", "the Research Council"
    if noun[:1].isupper() and tv.outlet_via and (mods and det == "none" or not mods and not _ISSUER_NEXT.match(right)) \
            and not ("/" in mods and _an_outlet(ctx, mods.rsplit("/", 1)[-1].strip())):
        # "Poll added:", "referee Graham Poll", "Jupiter Research": a name, or a headline's word (but "an NBC
        # News/ Wall Street Journal Poll" is the two outlets' poll, written as a title)
        return None
    if tv.not_issuers and mods and not possessor and " ".join(mods.lower().split()) in tv.not_issuers:
        return None  # "Republican polls": a kind of poll, no pollster ("Gallup's latest poll" has one)
    if _cancelled(tv, left, right) and not _OF_OWN.match(right):
        return None
    if _VERB_USE.match(right) and key in _VERB_NOUNS and (
            det == "none" and (not mods or _an_outlet(ctx, mods)) or det == "def" and _PLURAL_WORD.fullmatch(mods)):
        return None  # "inspectors report to the minister", "The inspectors report to", "Bloomberg reports that": verbs
    if _SINGLE_LETTER.match(right) and key in ("letter", "letters"):
        return None  # "the letter A"
    if _WISHED.search(left[max(0, np_start - 80) : np_start]):
        return None  # "we need a full report", "has yet to release a statement": no document (yet)
    if key == "letter" and _TO_THE_LETTER.search(left) and _CLAUSE_END.match(right):
        return None  # "He followed the instructions to the letter.": an idiom
    if key in tv.vote_nouns and not (tv.vote_issuers and tv.vote_issuers.search(mods)):
        return None
    return _Reading(i, text, (match.start(), match.end()), noun, key, tv, det, mods, possessor, np_start)


_PEOPLE_AFTER = re.compile(r"\s+(?:who\b|whom\b|(?:are|were|include|included|including|such\s+as)\s+(?:[\w-]+\s+){0,3}?"
                           r"(?:ministers?|officials?|members?|leaders?|politicians?|people|men|women|allies|loyalists|"
                           r"supporters|lawmakers|activists|executives|aides)\b)")
_TO_THE_LETTER = re.compile(r"\b(?:follow\w*|obey\w*|implement\w*|appl(?:y|ied|ies|ying)|observ\w*|execut\w*"
                            r"|carr(?:y|ied|ies|ying)\s+out|stuck|stick\w*|adher\w*)(?:\s+[\w'’-]+){0,4}?\s+to\s+the\s+$",
                            re.IGNORECASE)
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?)\"”’]|$)")
_OF_OWN = re.compile(r"\s+of\s+(?:its|his|her|their|our)\s+own\b", re.IGNORECASE)
_PLURAL_WORD = re.compile(r"[a-z]+[^s\W]s")  # one lower-case plural word: "inspectors"
_VERB_USE = re.compile(r"\s+(?:to|back|that|directly)\b")
_VERB_NOUNS = frozenset({"report", "reports", "poll", "polls", "study", "cable", "post", "posts", "text", "texts"})
_SINGLE_LETTER = re.compile(r"\s+[A-Z](?![\w.])")
# "we need a full report", "has yet to release a statement": no document (yet). The word lists are tries
# (``alternation``) after a word start: a plain list of fifty alternatives, tried at every place before every
# document noun, took 2.5 times as long (PolNeAR: 0.035 s against 0.014 s per pass).
_WISHED = re.compile(
    r"\b(?=\w)(?:"
    + alternation("need needs needed want wants wanted demand demands demanded demanding request requests requested "
                  "without seek seeks sought seeking await awaits awaited awaiting expect expects expected "
                  "hope hopes hoped hoping".split()
                  + [verb + " for" for verb in "called calls calling asked asks asking wait waiting pressed pushed pushing".split()])
    + rf"|{alternation('yet declined refused failed decline refuse refuses declines'.split())}\s+to\s+\w+"
    + rf"|{alternation('did does do would will could has have had'.split())}\s*n[o']t\s+\w+"
    + rf"|never\s+\w+|no\s+{alternation('such formal written public official'.split())}"
    + r"|(?:will|(?:is|are)\s+(?:due|expected|set)\s+to|plans?\s+to)\s+(?:publish|release|issue|unveil|send)(?:\s+(?:its|their|his|her|next))*)"
    r"\s+(?:for\s+)?(?:(?:a|an|the|any)\s+)?$",
    re.IGNORECASE)
_ISSUER_NEXT = re.compile(r"\s+(?:by|from|of|conducted|published|released|commissioned)\b")
_DOC_NUMBER = re.compile(r"^\s+((?:No\.\s*)?\d{1,5}(?:/\d{1,5})?)(?![\w%,.]\d)(?!\s*(?:percent|per cent|%))")


def _read_post(ctx: _Context, r: _Reading) -> None:
    """The post-modifier ("from the US Embassy in Oman") and the issuer it names."""
    number = _DOC_NUMBER.match(r.right)
    if number and (r.noun[:1].isupper() or number.group(1).startswith("No")):  # "Resolution 2728", "Memorandum No. 14"
        r.post, r.post_end = number.group(1), number.end()
        return
    post_m = ctx.vocab.post_re.match(r.right)
    if not post_m:
        return
    prep = " ".join(post_m.group("prep").lower().split())
    obj = _post_object(r.right[post_m.end() :], ctx.vocab.speech_words)
    r.post_end = post_m.end() + len(obj)  # the cue reader looks after the post-modifier
    court = r.tv.doc_type is DocType.COURT_FILING and ctx.vocab.court_re.match(obj.split(" ", 1)[-1] if obj else "")
    if prep == "in" and not court and obj and r.tv.doc_type is DocType.REPORT:
        journal = ctx.vocab.journal_name.match(obj)  # "a third paper in Nature by Philippe Jay": published there
        if journal:
            by = _BY_AFTER_JOURNAL.match(obj, journal.end())
            r.post, r.prep, r.obj = f"in {journal.group(0)}", prep, obj
            r.issuer = r.issuer or (by.group("who") if by else None)
            r.cue_if_none("in " + journal.group(0))
        return
    if prep == "in" and not court or not obj or not _object_ok(prep, obj):
        return
    if prep == "from" and _STARTS_NUMBER.match(obj):
        return  # "records from the 2008 cycle": a time, not an author
    if prep in ctx.vocab.issuer_preps:
        obj = _TOPIC.split(obj, maxsplit=1)[0]
        r.outlet_author = ctx.outlet(obj)
        if r.outlet_author is None:
            r.issuer, r.cue, r.cued = obj, prep, True
    r.prep, r.obj = prep, obj
    if not (r.via and prep in ("by", "obtained by", "seen by")):
        r.post = f"{post_m.group('prep').strip()} {obj}"


_BY_AFTER_JOURNAL = re.compile(r"\s+by\s+(?P<who>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})")


def _read_names(ctx: _Context, r: _Reading) -> None:
    """The possessor ("Hoff's letter") and the name among the modifiers ("State Department memo")."""
    if r.possessor:
        if r.possessor.split()[-1].lower() in _TIME_WORDS:
            r.possessor = ""
        elif ctx.outlet(r.possessor):
            r.outlet_author = ctx.outlet(r.possessor)
        else:
            r.issuer = r.issuer or r.possessor
    r.lead = _leading_proper(r.mods)
    if r.lead and ctx.outlet(r.lead):
        r.outlet_author = r.outlet_author or ctx.outlet(r.lead)


def _outlet_made(ctx: _Context, r: _Reading) -> str:
    """A poll or study an outlet made ("a Bloomberg poll", "a study by The Economist"): the outlet is its via.

    Made jointly by two outlets ("a Washington Post-ABC News poll") it has no one via; the pair is its issuer.
    Returns the cue, or "" when no outlet made it.
    """
    named = {}
    for piece in filter(None, (_without_modifiers(r.mods, r.tv.cue_modifiers), r.possessor, r.obj)):
        for m in ctx.gazetteer.find_mentions(piece):
            # a name that is also a word counts only as the whole of the piece ("a Bloomberg poll", "a new
            # Bloomberg poll"), never inside another name ("figures from the Office for National Statistics")
            if not m.ambiguous or _whole(piece, m.start, m.end):
                named.setdefault(m.outlet.name, _as_written(m, m.outlet))
    if r.outlet_author is not None and r.outlet_author.name not in named:
        named[r.outlet_author.name] = r.outlet_author.name
    if not named:
        return ""
    # "a joint survey by CNN and NBC News", "a Fox News/Bloomberg poll": made by two, no one via (a
    # partner's name may be a short form the gazetteer would not take alone)
    joint = "joint" in r.mods.lower().split() or any(_two_outlets(ctx, piece or "") for piece in (r.mods, r.obj))
    if len(named) == 1 and not r.via and not joint:
        r.via = next(iter(named.values()))
    if r.issuer and _names_outlet(ctx, r.issuer, r.via) and not joint:
        r.issuer = None  # "Bloomberg's latest poll": the outlet is its via, not its issuer
    if (len(named) > 1 or joint) and not r.issuer:
        r.issuer = r.lead or r.obj or None
    r.cue_if_none(r.prep or r.key)
    return r.prep or r.key


def _an_outlet(ctx: _Context, piece: str) -> bool:
    """Is ``piece`` all an outlet's name, one that is also a word included ("Bloomberg")?"""
    return any(_whole(piece, m.start, m.end) for m in ctx.gazetteer.find_mentions(piece))


def _names_outlet(ctx: _Context, piece: str, via: str | None) -> bool:
    """Is ``piece`` an outlet's name: an unambiguous one, or one that is also a word ("Bloomberg") when it names
    the outlet ``via`` (a poll's via: "Bloomberg's latest poll" was made by Bloomberg News, no other issuer)?"""
    if ctx.outlet(piece) is not None:
        return True
    made_by = ctx.outlet(via) if via else None
    return made_by is not None and any(_whole(piece, m.start, m.end) and made_by in m.candidates
                                       for m in ctx.gazetteer.find_mentions(piece))


def _without_modifiers(mods: str, modifiers: frozenset[str]) -> str:
    """``mods`` without its leading cue modifiers: "new Bloomberg" -> "Bloomberg"."""
    words = mods.split()
    while words and words[0].lower() in modifiers:
        words.pop(0)
    return " ".join(words)


_PAIRED = re.compile(r"(?P<left>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*)\s*/\s*(?P<right>[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*)")


def _two_outlets(ctx: _Context, piece: str) -> bool:
    """ "Fox News/Bloomberg": two outlets' names (short forms too) paired by a slash; not "USC Dornsife/Los
    Angeles Times", a university's poll with one outlet."""
    for m in _PAIRED.finditer(piece):
        left, right = m.group("left").split(), m.group("right").split()
        sides = ([" ".join(left[k:]) for k in range(len(left))], [" ".join(right[:k]) for k in range(len(right), 0, -1)])
        if all(any(_whole(side, m.start, m.end) for side in options for m in ctx.gazetteer.find_mentions(side))
               for options in sides):
            return True
    return False


def _whole(piece: str, start: int, end: int) -> bool:
    """Whether ``piece[start:end]`` is all of ``piece`` but a leading "the" and a trailing "'s"."""
    head = piece[:start].strip().casefold()
    tail = piece[end:].strip().casefold()
    return head in ("", "the") and tail in ("", "'s", "’s")


def _read_cues(ctx: _Context, r: _Reading, via_verb: str) -> None:
    """What makes the noun a cited document: a verb, an outlet, an issuer, a telling modifier."""
    tv, key = r.tv, r.key
    after = r.right[r.post_end :]
    before = r.left[: r.np_start][-120:]
    if r.det == "poss":  # "said in the company's news release": the possessor's article is no part of the cue
        before = _TRAILING_THE.sub("", before)
    verb_cue = _verb_cue(ctx, tv, key, before, after, r.det)
    if verb_cue:
        r.cue_if_none(verb_cue[0])
        r.speaks = verb_cue[2]
        if verb_cue[1] and not ctx.outlet(verb_cue[1]):  # "The New York Times reviewed the letter": not its author
            r.speaker = verb_cue[1] if r.issuer and verb_cue[1] != r.issuer else None
            r.issuer = r.issuer or verb_cue[1]
    if r.via:
        r.cue_if_none(via_verb)
    lead = r.lead
    if not r.issuer and lead and not _is_platform(ctx, lead) and tv.doc_type is not DocType.SOCIAL_POST \
            and not (tv.outlet_via and _names_outlet(ctx, lead, r.via)):
        r.issuer = None if lead.lower().rstrip(".") in _DATE_WORDS else lead
    if r.cued:
        return
    if tv.doc_type is DocType.RESOLUTION and (ctx.vocab.resolution_issuer.search(r.mods) or key in tv.vote_nouns):
        r.cue_if_none("resolution of " + (lead or r.mods))
        r.named = True
    elif tv.cue_modifiers and _has_cue_modifier(r.mods, tv.cue_modifiers):
        r.cue_if_none(f"{r.mods} {key}")
        r.named = True
    elif lead and key in tv.needs_cue_nouns and not _is_platform(ctx, lead) and (r.det != "none" or not tv.outlet_via):
        r.cue_if_none(f"{lead} {key}")  # "a Pew study"; "Students study" is a verb
    elif r.post and r.prep != "in" and (not tv.outlet_via or r.prep in ctx.vocab.issuer_preps):
        r.cue_if_none(r.prep)


def _context_ok(ctx: _Context, r: _Reading) -> bool:
    """Nouns that are ordinary words elsewhere need their context: a platform, a court."""
    if r.tv.doc_type is DocType.SOCIAL_POST and r.key in r.tv.needs_platform:
        if not (_is_platform(ctx, r.mods) or _POSTED.search(r.text) or ctx.vocab.platform_re.search(r.obj)):
            return False
        r.cued = True
    if r.key in r.tv.court_cue_nouns:
        if ctx.vocab.court_re.search(r.text[max(0, r.span[0] - 40) : r.span[1] + 40]):
            return True
        # "a copy of the filing obtained by CNN", "according to the complaint": read as a document, a court's
        return r.key not in _COURT_WORDS_ELSEWHERE and bool(
            _READ_AS_DOCUMENT_BEFORE.search(r.text, max(0, r.span[0] - 60), r.span[0])
            or _READ_AS_DOCUMENT_AFTER.match(r.text, r.span[1]))
    return True


# Court nouns that name other things as often after these cues ("according to the opinion of experts").
_COURT_WORDS_ELSEWHERE = frozenset({"opinion", "suit"})
_READ_AS_DOCUMENT_BEFORE = re.compile(r"(?i:\bcopy\s+of|\baccording\s+to)\s+(?i:the|a|an)\s+(?:[\w-]+\s+){0,2}$")
_READ_AS_DOCUMENT_AFTER = re.compile(r"\s*,?\s*(?:(?:which|that)\s+was\s+)?(?i:obtained|reviewed|seen|viewed|acquired|unsealed)\s+by\b")


def _clean_issuer(ctx: _Context, r: _Reading) -> str | None:
    issuer = r.issuer
    if not issuer:
        return None
    if _PRONOUN_START.match(issuer):
        before = r.left + " " + (ctx.sents[r.i - 1].text if r.i else "")
        issuer = _resolve_pronoun(issuer, before, ctx.vocab)
    issuer = _ARTICLE.sub("", issuer.strip(" ,"))
    if issuer.lower() in _PRONOUNS:
        return None  # "In an early-October poll, she led": a pronoun names no one here
    if _starts_date(issuer) and all(w.lower().rstrip(".,") in _TIME_WORDS or w[:1].isdigit() for w in issuer.split()):
        return None  # "a poll from June": a date, no one's name
    return _TRAILING_DATE.sub("", issuer) or None


def _det_window(r: _Reading) -> str:
    """The words up to the first of the phrase, where "another" would stand."""
    left = r.left
    return (left[: r.np_start] + left[r.np_start :].split(" ")[0])[-30:] + " "


_BARE_NOT_DOC = frozenset("report reports post posts tweet tweets cable suit complaint petition motion vote".split())


def _has_cue_modifier(mods: str, words: frozenset[str]) -> bool:
    low = mods.lower()
    return any(w in words for w in low.split()) or any(" " in w and w in low for w in words)


def _leading_proper(mods: str) -> str:
    """The first name among the pre-modifiers: ``"sensitive State Department"`` -> ``"State Department"``."""
    toks = mods.split()
    first = next((i for i, tok in enumerate(toks) if tok[:1].isupper()), len(toks))
    out = []
    for tok in toks[first:]:
        if not tok[:1].isupper():
            break
        out.append(tok)
    end = first + len(out)
    if end < len(toks) and toks[end][:1].isdigit():
        return ""  # "HB 1523 lawsuit": a bill number, not an author
    return " ".join(out)


def _is_platform(ctx: _Context, text: str) -> bool:
    return bool(text) and bool(ctx.vocab.platform_re.search(text))


_NAMED_ISSUER_AFTER = re.compile(r"\s+(?:by|from)\s+(?:the\s+)?[A-Z]")


def _cancelled(tv: TypeVocabulary, left: str, right: str) -> bool:
    prev = left.rsplit(None, 2)[-2:]  # its last two words (without splitting a long sentence whole)
    prev1 = prev[-1].lower().strip(",\"“”‘’'(") if prev else ""
    prev2 = " ".join(prev).lower() if prev else ""
    nxt = right.split(None, 1)[:1]
    nxt1 = nxt[0].lower().strip(",.;:\"'“”‘’()") if nxt else ""
    if prev1 in tv.cancel_before and prev1 in tv.cancel_unless_named and _NAMED_ISSUER_AFTER.match(right):
        return False  # "a recent report by the International Energy Agency": that body's report, not hearsay
    if prev1 in tv.cancel_before or prev2 in tv.cancel_before or nxt1 in tv.cancel_after:
        return True
    if tv.cancel_phrases and right.lstrip().lower().startswith(tv.cancel_phrases):
        return True
    if right[:1] == "-" or left[-1:] == "-":
        return True
    return False


_TRAILING_THE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_TOLD_IN = re.compile(r"^\s*,?\s*(?:on\s+\w+\s+|\w+day\s+)?(?:in|through|via)\s+$", re.IGNORECASE)
_TOLD = re.compile(r"\b(?:told|tells|telling|said\s+to|wrote\s+to|responded\s+to|replied\s+to)\s+(?:the\s+)?$", re.IGNORECASE)
# "In a written statement, <its author> told <the outlet>": the statement was given to the outlet
_OPENING_IN = re.compile(r"(?:^|[,;:]\s*)(?:In|in|Through|through)\s+$")
_THEN_TOLD = re.compile(r"\s*,\s*[^,;.:\"“”]{2,80}?\s+(?:also\s+)?(?:told|said\s+to|wrote\s+to)\s+$")
_TO_START = re.compile(  # how every gap _TO_OUTLET accepts begins
    r"\s*,?\s*(?:(?:which|that)\s+(?:was|were)\s+)?(?:(?:sent|given|provided|emailed|released|leaked|shared|"
    r"made\s+available|forwarded)\s+)?(?:exclusively\s+)?(?:to|with)\s",
    re.IGNORECASE,
)


def _holds_any(text: str, parts: Iterable[str]) -> bool:
    """True when one of ``parts`` is a substring of ``text``."""
    return any(map(text.__contains__, parts))


def _caseless(low: str) -> str:
    """Lower-cased text with the letters a case-insensitive pattern also takes for "i" and "s" made plain."""
    return low.replace("\u0307", "").replace("ı", "i").replace("ſ", "s")


_TO_OUTLET = re.compile(
    r"^\s*,?\s*(?:(?:which|that)\s+(?:was|were)\s+)?(?:(?:sent|given|provided|emailed|released|leaked|shared|"
    r"made\s+available|forwarded)\s+)?(?:exclusively\s+)?(?:to|with)\s+$",
    re.IGNORECASE,
)


# "provided to CNN a memo", "gave Reuters a copy of the memo": the outlet got the document
_GIVEN_TO = re.compile(r"\b(?P<verb>(?i:provided|gave|given|sent|leaked|shared|showed|shown|handed|passed|forwarded|supplied))"
                       r"\s+(?:(?i:to)\s+)?(?:(?i:the)\s+)?$")
_GIVEN_GAP = re.compile(r"^\s*(?:(?i:a|an|the)\s+)?(?:(?i:copy|copies)\s+of\s+(?:(?i:a|an|the|its|his|her|their)\s+)?)?$")
_NEAR_TO = re.compile(r"\s*,?\s*(?:[a-z]+\s+){0,3}?(?:to|with)\s+(?:the\s+)?[A-Z]")
_NAME_RUN = re.compile(r"(?:[Tt]he\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*")
_DATE_WORDS = frozenset(_WEEKDAYS + _MONTHS + tuple(m[:3] for m in _MONTHS) + ("sept",))
_TIME_WORDS = _DATE_WORDS | {"today", "yesterday", "week", "month", "year", "tonight"}


def _whole_name(ctx: _Context, text: str, start: int, end: int, outlet: Outlet) -> Outlet | None:
    """The outlet a mention names, unless it is the start of a longer name.

    "the Australian Broadcasting Corporation" is not "The Australian"; "the
    Australian Government" is no outlet at all.
    """
    run = _NAME_RUN.match(text, start)
    if run is None or run.end() <= end:
        return outlet
    words = run.group().split()
    while words and words[-1].lower().rstrip(".") in _DATE_WORDS:
        words.pop()  # "the Washington Post Tuesday"
    if len(" ".join(words)) <= end - start:
        return outlet
    return ctx.outlet(" ".join(words))


def _via(ctx: _Context, i: int, np_start: int, np_end: int) -> tuple[str | None, str]:
    """The outlet that obtained the document, from "<doc> obtained by X" or "X reviewed <doc>"."""
    text = ctx.sents[i].text
    lo, hi = np_start - 100, np_end + 140
    low = text[max(0, lo) : hi].lower()
    near_to = _NEAR_TO.match(text, np_end, np_end + 60)
    if not (near_to or _TO_START.match(text, np_end) or _holds_any(_caseless(low), ctx.vocab.via_stems)):
        return None, ""
    for start, end, mention in ctx.outlets_near(i, lo, hi):
        outlet = _whole_name(ctx, text, start, end, mention.outlet)
        if outlet is None:
            continue
        named = _as_written(mention, outlet)
        if start >= np_end:
            gap = text[np_end:start]
            gap = _TRAILING_THE.sub("", gap)
            m = ctx.vocab.via_after.match(gap)
            if m and not ctx.vocab.noun_re.search(gap.lower()):
                return named, m.group("verb").lower()
            if _TO_OUTLET.match(gap):
                return named, "to"  # "a statement to CNN", "a letter sent to the Times"
            if _THEN_TOLD.match(gap) and _OPENING_IN.search(text, max(0, np_start - 20), np_start):
                return named, "told"  # "In a written statement, Mara Lindqvist told CNN ..."
        elif end <= np_start:
            gap = text[end:np_start]
            m = ctx.vocab.via_before.match(gap)
            if m and m.end() == len(gap):
                return named, m.group("verb").lower()
            if _TOLD_IN.match(gap) and _TOLD.search(text, max(0, start - 40), start):
                return named, "told"  # "told the Washington Post in a written statement"
            given = _GIVEN_TO.search(text, max(0, start - 40), start)
            if given and _GIVEN_GAP.match(gap):
                return named, given.group("verb").lower()  # "a source provided to CNN a memo", "gave Reuters a copy of"
    return None, ""


def _as_written(mention: Any, outlet: Outlet) -> str:
    """The outlet's name as the article writes it ("the Huffington Post", "Bloomberg"), when that is one of
    its names; its canonical name when the article uses a short or shared form ("the Post", "AP").

    The graph joins either spelling to the outlet's one node.
    """
    surface = _ARTICLE.sub("", mention.surface)
    if mention.outlet is outlet and not mention.ambiguous and mention.form in ("name", "alias") \
            and outlet_key(surface) != outlet_key(outlet.name):
        return surface
    return outlet.name


def _verb_cue(ctx: _Context, tv: TypeVocabulary, key: str, before: str, after: str, det: str) -> tuple[str, str | None, bool] | None:
    """A cue verb around the noun phrase, and the issuer it names: ``("filed", "CCR")``."""
    vocab = ctx.vocab
    if before.endswith("of "):
        before = _SERIES.sub(" ", before)  # "In a series of tweets, X said": the cue is "In"
    cut = max(0, len(before) - 40)  # the cue words sit right before the phrase: search a short tail
    tail = before[cut:]
    m = vocab.said_in_before.search(tail)
    if m:
        subject = before[: cut + m.start()]
        return f"{m.group('verb')} in", _name_before(subject) or _subject_of(subject), False
    m = vocab.doc_verb_before.search(tail)
    if m:
        verb = " ".join(m.group("verb").lower().split())
        author = verb in vocab.author_verbs or verb in tv.author_verbs
        subject = before[: cut + m.start()]
        return verb, (_name_before(subject) or _subject_of(subject)) if author else None, False
    m = vocab.according_before.search(tail)
    if m and m.group("cue").lower() != "in":
        return m.group("cue").lower(), None, False
    if m and _ONLY_IN.match(before):
        return "in", _subject_after(after, vocab), False
    m = vocab.speech_after.match(after)
    if m:
        return m.group("verb").lower(), None, True
    if key in tv.self_cued:
        return key, None, False
    return None


# ------------------------------------------------------------------ linking


# A mention refers back to one of the last documents of its type, or to any one of the same label: in an
# article of thousands of memos the search stays bounded (linear, not quadratic); below this many documents
# of a type every one is a candidate, as always.
_LINK_WINDOW = 64


def _link(mentions: list[_Mention]) -> list[_Doc]:
    docs: list[_Doc] = []
    by_type: dict[DocType, list[_Doc]] = {}
    by_label: dict[tuple[DocType, str], _Doc] = {}
    for m in mentions:
        doc_type = m.vocab.doc_type
        same = by_type.setdefault(doc_type, [])
        if len(same) > _LINK_WINDOW:
            named = by_label.get((doc_type, m.label.lower()))
            window = same[-_LINK_WINDOW:]
            same = [named, *window] if named is not None and named not in window else window
        target = _antecedent(m, same)
        if target is None and not _can_start(m):
            continue
        if target is None:
            target = _Doc()
            docs.append(target)
            by_type[doc_type].append(target)
        target.add(m)
        by_label.setdefault((doc_type, target.label.lower()), target)
    return docs


def _can_start(m: _Mention) -> bool:
    """Whether a mention with nothing to refer back to starts a document."""
    if m.plural:
        if m.vocab.plural_needs_name and not (_leading_proper(m.mods) or m.via or m.issuer and m.cue in _STRONG_PLURAL):
            return False  # "credible reports", "reports say": hearsay, not a document ("X released two reports" is)
        strong = m.cue in _STRONG_PLURAL or m.cue.removesuffix(" by") in _STRONG_PLURAL or bool(_leading_proper(m.mods))
        return bool(m.via) or m.noun.lower() in m.vocab.self_cued or (m.cued and strong)
    needs = m.vocab.needs_cue or m.noun.lower() in m.vocab.needs_cue_nouns
    if needs and not m.cued:
        return False
    speaks = m.speaks and not m.vocab.outlet_work  # "Axios reported ... The report said": the outlet's story
    if m.det in ("def", "pron") and m.vocab.weak and not (m.informative or m.via or speaks or m.named) \
            and not (m.cue == "according to" and m.vocab.doc_type is DocType.STATEMENT):
        return False  # "the report" alone refers back; "according to the statement" names one
    return True


_STRONG_PLURAL = frozenset(
    "citing|according to|cited in|obtained|reviewed|leaked|released|published|filed|unsealed|show|shows|showed|revealed|reveal|found"
    "|said in|wrote in|stated in|argued in|alleged in|claimed in|saying in|writing in".split("|")
)


def _antecedent(m: _Mention, same: list[_Doc]) -> _Doc | None:
    if not same or m.det == "another":
        return None
    if m.cued and m.det == "indef" and m.vocab.doc_type in _SPOKEN and not m.issuer:
        return None  # "X said in a statement", "Y said in a statement": each speaker's own
    if m.det == "act":  # "... a controversial post. The government posted a video to X": the same post
        recent = [d for d in same if d.last_sent >= m.sent - 1 and not (d.issuer and m.issuer and not _same_author(d.issuer, m.issuer))]
        return recent[-1] if recent else None
    if m.det == "finding":  # "the CBO estimated that": the CBO's report named before, else one of its own
        recent = [d for d in same if d.issuer and _same_body(d.issuer, m.issuer)]
        return recent[-1] if recent else None
    if m.det == "indef":  # "a paper" after "the Tax Foundation estimates that": not that body's finding
        same = [d for d in same if d.mentions[0].det != "finding"]
        if not same:
            return None
    if m.det == "embed":  # "Kejriwal turned to Twitter ..." then the tweet itself, embedded
        recent = [d for d in same if d.issuer and m.issuer and _same_author(d.issuer, m.issuer)
                  and not any(x.det == "embed" for x in d.mentions)
                  and (d.last_sent >= m.sent - 5 or _quotes_from(d, m.evidence.text))]
        return recent[-1] if recent else None
    if m.det == "indef" and m.issuer and not m.plural and m.vocab.doc_type in _SPOKEN:
        # "the Russian Embassy issued a statement" after another statement: a new one, or its issuer's own
        same = [d for d in same if d.issuer and _overlap(d.issuer, m.issuer)]
        if not same:
            return None
    for doc in same:
        if doc.label.lower() == m.label.lower() and not (doc.issuer and m.issuer and not _overlap(doc.issuer, m.issuer)):
            return doc  # "records show ... records show": one set of records
    by_info = _match_info(m, same)
    if m.det in ("def", "pron", "poss", "none") or m.plural:
        if by_info is not None:
            return by_info
        if m.plural:
            return None
        if _proper_tokens(m.mods + " " + m.post + " " + (m.issuer or "")):
            # "the cable from the US Embassy in Oman" after "a diplomatic cable": the latest
            # document that names nothing else; "the" presupposes one already in play
            compatible = [d for d in same if not _conflicts(m, d)]
            return max(compatible, key=lambda d: d.last_sent) if compatible else None
        return _salient(m, same)
    # indefinite: new details make a new document; so does a new act ("X said in a statement")
    if by_info is not None:
        return by_info
    if m.mods or _proper_tokens(m.post + " " + (m.issuer or "")):
        return None
    if m.cued and m.det == "indef" and m.vocab.doc_type in _SPOKEN:
        return None  # "X said in a statement", "Y said in a statement": each speaker's own
    if m.vocab.doc_type is DocType.COURT_FILING:  # "the court file ... filed a motion": a motion is no court file
        same = [d for d in same if any(x.noun.lower().rstrip("s") == m.noun.lower().rstrip("s") for x in d.mentions)]
        if not same:
            return None
    return _salient(m, same)


_SPOKEN = frozenset({DocType.STATEMENT, DocType.SOCIAL_POST})


def _salient(m: _Mention, same: list[_Doc]) -> _Doc:
    recent = max(same, key=lambda d: d.last_sent)
    if recent.last_sent >= m.sent - 1:
        return recent
    return max(same, key=lambda d: (len({x.sent for x in d.mentions}), -d.mentions[0].sent))


_QUOTED = re.compile(r"[“\"]([^”\"]{20,})[”\"]")


def _quotes_from(doc: _Doc, text: str) -> bool:
    """Whether a document's evidence quotes words of ``text`` (an embedded post the article also quotes)."""
    flat = " ".join(text.split()).casefold()
    for m in doc.mentions:
        for quote in _QUOTED.findall(m.evidence.text):
            words = " ".join(quote.split()).casefold().strip(" ,.")
            if len(words.split()) >= 4 and words in flat:
                return True
    return False


def _same_author(a: str, b: str) -> bool:
    """Two names of a post's author: shared names, or a surname inside a handle ("Trump", "@realDonaldTrump")."""
    if _overlap(a, b):
        return True
    handles = [h.lower() for h in re.findall(r"@(\w+)", a + " " + b)]
    names = [t.lower() for t in _proper_tokens(re.sub(r"\(?@\w+\)?", "", a + " " + b)) if len(t) > 3]
    return any(n in h for h in handles for n in names)


def _conflicts(m: _Mention, doc: _Doc) -> bool:
    """True when the mention names something the document's label contradicts (Oman vs Cairo)."""
    mine, theirs = _distinct_names(m.label + " " + (m.issuer or "")), _distinct_names(doc.words())
    return bool(mine and theirs and not mine & theirs)


def _same_body(a: str, b: str) -> bool:
    """Two names of one body: the names of one are all in the other ("Budget Office", "the Congressional Budget
    Office"), or one abbreviates the other ("CBO"); "the Tax Foundation" is not "the Tax Policy Center"."""
    mine, theirs = ({t.lower() for t in _proper_tokens(x)} for x in (a, b))
    return bool(mine and theirs and (mine <= theirs or theirs <= mine)) or _acronym_match(a, b)


def _overlap(a: str, b: str) -> bool:
    return bool(_distinct_names(a) & _distinct_names(b)) or _acronym_match(a, b)


@functools.lru_cache(maxsize=4096)
def _distinct_names(text: str) -> frozenset[str]:
    return frozenset({t.lower() for t in _proper_tokens(text)} - _GENERIC)


def _acronym_match(a: str, b: str) -> bool:
    """True when one side abbreviates a name on the other: "USAID" and "US Agency for International Development"."""
    return _abbreviates(a, b) or _abbreviates(b, a)


def _abbreviates(short: str, long: str) -> bool:
    initials = _acronym(long)
    return len(initials) >= 3 and any(t in initials for t in _proper_tokens(short) if t.isupper() and len(t) >= 3)


def _match_info(m: _Mention, same: list[_Doc]) -> _Doc | None:
    """The latest document whose label or issuer shares a distinctive name with the mention."""
    words = m.mods + " " + m.post + " " + (m.issuer or "")
    if not _proper_tokens(words):
        return None
    for doc in sorted(same, key=lambda d: -d.last_sent):
        if _overlap(words, doc.words()):
            return doc
    return None


# ------------------------------------------------------------------ per article


_INVERTED = re.compile(r"[,”\"’]\s*$")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be|get|gets|got|getting)(?:\s+[a-z]+ly)?\s*$", re.IGNORECASE)
_NO_AUTHOR = re.compile(r"\b(?:whoever|anyone|anybody|someone|somebody|nobody|everyone|everybody|people|users|many|others)\s*$",
                        re.IGNORECASE)
_TWEET_END = re.compile(r"</tweet>")
_ADVERBS_BEFORE = re.compile(r"(?:\s+(?:later|also|then|again|first|once|soon|quickly|promptly|[a-z]+ly))+\s*$")
# asides between a subject and its verb: "Sen. Ted Cruz (R-Tex.), who is running for president, tweeted"
_ASIDES = re.compile(r"\s*\([^()]{1,40}\)|,\s*(?:who|which)\s[^,;:]{1,80},\s*$")
_NAME_END = re.compile(r"\b(?P<word>[A-Z][\w'’-]*[a-z][\w'’-]*)\s*,?\s*$")  # a subject ending in a name: "and Gov. Jay Nixon,"
_AGAIN = re.compile(r"\b(?:later|again|another|also|then|second|next|follow-up|separate|subsequent|earlier)\b", re.IGNORECASE)
_NAME_AFTER = re.compile(r"\s*(?P<who>(?:[A-Z][\w.'’-]+\s+){0,6}[A-Z][\w.'’-]+)")


_APPOSITIVE_SUBJECT = re.compile(r"^\W*(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})\s*,[^,]+,\s*(?:[a-z]+\s+)?$")


def _subject_of(before: str) -> str | None:
    """The subject of a verb separated from it by an appositive: "Donald Trump, who is ..., tweeted"."""
    m = _APPOSITIVE_SUBJECT.match(before)
    return m.group("name") if m else None


def _platform_post(ctx: _Context, i: int, match: re.Match[str]) -> _Mention | None:
    """A post named by its author's act (``vocab.post_acts``): each act is a post of its own.

    "Noem tweeted ... Noem later tweeted ..." are two posts; a later "the
    tweet" refers back to the latest.
    """
    sent = ctx.sents[i]
    tv = next(t for t in ctx.vocab.by_noun.values() if t.doc_type is DocType.SOCIAL_POST)
    groups = match.groupdict()
    platform, handle = groups.get("platform"), groups.get("handle")
    issuer = (groups.get("who") or "").strip() or None
    before = sent.text[: match.start()]
    if match.group("verb")[:1].isalpha() and " by" not in match.group(0) and (_PASSIVE.search(before) or _NO_AUTHOR.search(before)):
        return None  # "was criticized on Twitter", "whoever tweeted that": no post of anyone's
    evidence = Evidence(sent.text, sent.start, sent.end)
    if match.group("verb") in "—–":  # an embedded post's signature: the post is its whole paragraph
        body = ctx.article.body
        start = body.rfind("\n", 0, sent.start) + 1
        end = body.find("\n", sent.end)
        end = len(body) if end < 0 else end
        evidence = Evidence(body[start:end], start, end)
    if match.group("verb") == "<tweet":  # the whole embedded tweet, across sentence ends
        body = ctx.article.body
        end = _TWEET_END.search(body, sent.start + match.end())
        if end is not None:
            evidence = Evidence(body[sent.start : end.end()], sent.start, end.end())
    if issuer is None and _INVERTED.search(before) and not platform:
        after = _NAME_AFTER.match(sent.text, match.end())  # '"Debate recap," tweeted Rubio spokesman Alex Conant'
        issuer = after.group("who") if after else None
    unnamed = False
    if issuer is None:
        subject = _ADVERBS_BEFORE.sub("", _ASIDES.sub("", before))
        issuer = _name_before(subject) or _subject_of(subject)
        # a subject that is no pronoun and gave no name ("contenders X and Y, and Gov. Z, tweeted"): someone's
        # post of their own, never the post named before by someone else
        end = _NAME_END.search(subject)
        unnamed = issuer is None and end is not None and end.group("word").lower() not in _PRONOUNS
    if handle:
        issuer = f"{issuer} (@{handle})" if issuer else f"@{handle}"
    return _Mention(
        vocab=tv,
        noun="post" if platform or handle or match.group("verb") in ("posted", "shared") else "tweet",
        sent=i,
        evidence=evidence,
        det="embed" if handle else "another" if unnamed or _AGAIN.search(sent.text, max(0, match.start() - 40), match.end()) else "act",
        mods="",
        post=f"on {platform}" if platform else "",
        issuer=_ARTICLE.sub("", issuer) if issuer else None,
        via=None,
        cue=" ".join(match.group("verb").split()) if match.group("verb")[:1].isalpha() else "embedded post",
        cued=True,
        speaks=False,
        named=True,
        plural=False,
    )


def _paper(ctx: _Context, i: int, match: re.Match[str]) -> _Mention:
    """A paper named by the act of publishing it (``vocab.paper_act``): "researchers reported in Science"."""
    written = match.group(0)[match.group(0).rfind(" in ") + 4 :].rstrip(".")  # "Science", "the journal Nature"
    return _act_mention(ctx, i, "paper", "act", f"{match.group('verb').lower()} in", post=f"in {written}")


def _act_mention(ctx: _Context, i: int, noun: str, det: str, cue: str, post: str = "", issuer: str | None = None) -> _Mention:
    """A document named by an act in sentence ``i`` (publishing a paper, a body's finding, an expert's writing):
    the whole sentence is its evidence, the act its cue."""
    sent = ctx.sents[i]
    return _Mention(
        vocab=ctx.vocab.by_noun[noun], noun=noun, sent=i, evidence=Evidence(sent.text, sent.start, sent.end),
        det=det, mods="", post=post, issuer=issuer, via=None, cue=cue, cued=True, speaks=False, named=True, plural=False,
    )


# "a study by the Institute for Statecraft found that": the body is the issuer of a document named before it
_FINDING_OBJECT = re.compile(r"\b(?i:by|for|of|to|from|with|at|in|on|about|than|like|via|per|told|at)\s+(?:(?:the|a|an)\s+)?(?:[a-z][\w-]*\s+){0,2}$")


def _finding(ctx: _Context, i: int, match: re.Match[str]) -> _Mention | None:
    """A report named by its issuer's act (``vocab.finding_act``): "the Congressional Budget Office estimated that".

    Not when the body is the object of a word before it ("a study by the Institute for Statecraft found that")
    or the words are quoted ('An IAAF statement said: "The Doping Review Board concluded that ..."': the
    speaker's claim).
    """
    sent = ctx.sents[i]
    who = _ARTICLE.sub("", match.group("who"))
    before = sent.text[: match.start()]
    if ctx.vocab.finding_not.intersection(who.split()) or ctx.outlet(who) is not None \
            or _FINDING_OBJECT.search(before[-80:]) or before.count('"') % 2 or before.count("“") > before.count("”"):
        return None
    return _act_mention(ctx, i, "report", "finding", match.group("verb").lower(), issuer=who)


def _writing(ctx: _Context, i: int, match: re.Match[str]) -> _Mention | None:
    """An expert's writing named by the act of writing it (``vocab.writing_act``), quoted in the sentence."""
    if not (match.group("desc") or match.group("of") or match.group("appos")):
        return None
    who = match.group("who")
    if ctx.outlet(who) is not None:
        return None
    return _act_mention(ctx, i, "analysis", "finding", match.group("verb"), issuer=who)


_WRITING_VERBS = ("wrote", "writes", "written")  # the sentences that may hold an expert's writing (``_writing``)
_WRITING_WORDS = frozenset(w.encode() for w in _WRITING_VERBS)  # as the body's word set holds them
_MAX_SENTENCE = 1500  # characters; longer "sentences" (lists, hostile input) are cut at spaces
_MAX_NOUNS = 12  # document nouns read per sentence


def _bounded(sents: list[Sentence]) -> list[Sentence]:
    """The sentences, with any longer than ``_MAX_SENTENCE`` cut into pieces, so work per mention stays bounded."""
    if all(len(s.text) <= _MAX_SENTENCE for s in sents):
        return sents
    out: list[Sentence] = []
    for sent in sents:
        text, start = sent.text, 0
        while len(text) - start > _MAX_SENTENCE:
            cut = text.rfind(" ", start + _MAX_SENTENCE // 2, start + _MAX_SENTENCE)
            cut = cut if cut > start else start + _MAX_SENTENCE
            out.append(Sentence(sent.start + start, sent.start + cut, text[start:cut]))
            start = cut
            while start < len(text) and text[start].isspace():
                start += 1
        out.append(Sentence(sent.start + start, sent.end, text[start:]))
    return out


@functools.lru_cache(maxsize=4)
def _split_heads(heads: frozenset[bytes]) -> tuple[frozenset[bytes], tuple[tuple[bytes, tuple[bytes, ...]], ...]]:
    """Head words of letters and digits only (looked up in a word set at once), and the others ("e-mail") with their parts."""
    plain = frozenset(w for w in heads if w.isalnum())
    return plain, tuple((w, word_parts(w)) for w in sorted(heads - plain))


def _sentences_with(words: Iterable[str], body: str, sents: list[Sentence]) -> set[int]:
    """The sentences in which one of ``words`` occurs, as a substring (a plain search of the body per word)."""
    starts: list[int] | None = None
    found: set[int] = set()
    for word in words:
        pos = body.find(word)
        while pos >= 0:
            starts = starts or [s.start for s in sents]
            i = bisect.bisect_right(starts, pos) - 1
            if i >= 0 and pos < sents[i].end:
                found.add(i)
            pos = body.find(word, pos + len(word))
    return found


def _candidates(body: str, sents: list[Sentence], vocab: DocumentVocabulary) -> tuple[list[int], set[int]]:
    """Sentences that may hold a document noun, and those that name a platform ("wrote on X").

    A set of the body's words (shared with the other stages) tells which
    head words occur at all; only those are then located in the folded body,
    with plain substring search.
    """
    words = ascii_words(body)
    plain, other = _split_heads(vocab.head_words)
    present = [*(plain & words), *(w for w, parts in other if words.issuperset(parts))]
    if "(@" in body or "<tweet" in body:
        present.append(b"(@" if "(@" in body else b"<tweet")
    if not present:
        return [], set()
    body = folded(body)
    on_platform: list[str] = []
    on_page: list[str] = []
    for word in present:
        (on_platform if word in vocab.platform_head_words or word in (b"(@", b"<tweet") else on_page).append(word.decode())
    platform = _sentences_with(on_platform, body, sents)
    found = _sentences_with(on_page, body, sents)
    return sorted(found | platform), platform


# ------------------------------------------------------------------ public API


def find_documents(article: Article, sents: list[Sentence], gazetteer: _Gazetteer) -> list[Citation]:
    """The documents ``article`` cites, one ``Citation`` each, in order of first mention.

    ``sents`` is ``text.sentences(article.body)``; ``gazetteer`` names the
    outlets that may have obtained a document (``via``).
    """
    if _not_english(article.body):
        return []  # the nouns and cues are English: "Receba em seu email nosso ebook" names no email
    vocab = _vocab()
    sents = _bounded(sents)
    ctx = _Context(article, sents, gazetteer, vocab)
    found: list[tuple[int, int, _Mention]] = []
    candidates, platform = _candidates(article.body, sents, vocab)
    words = ascii_words(article.body)
    journals = [w for w, parts in vocab.journal_words if words.issuperset(parts) and w in article.body]
    papers = {i for i, sent in enumerate(sents) if any(w in sent.text for w in journals)} if journals else set()
    findings = {i for i in _sentences_with(vocab.finding_verbs, article.body, sents)
                if " that" in sents[i].text and any(w in sents[i].text for w in vocab.finding_heads)} \
        if b"that" in words and not words.isdisjoint(vocab.finding_words) else set()
    writings = {i for i in _sentences_with(_WRITING_VERBS, article.body, sents)
                if '"' in sents[i].text or "“" in sents[i].text} if not words.isdisjoint(_WRITING_WORDS) else set()
    for i in sorted(papers.union(candidates, findings, writings)) if papers or findings or writings else candidates:
        sent = sents[i]
        matches = list(itertools.islice(vocab.noun_re.finditer(fold(sent.text)), _MAX_NOUNS))
        posts = _acts(vocab, sent.text) if i in platform else []
        published = list(vocab.paper_act.finditer(sent.text)) if i in papers else []
        acted = list(vocab.finding_act.finditer(sent.text)) if i in findings else []
        wrote = list(vocab.writing_act.finditer(sent.text)) if i in writings else []
        if not (matches or posts or published or acted or wrote) or not (posts or _is_article_text(_line_of(article.body, sent), vocab)):
            continue
        first = len(found)  # this sentence's mentions are found[first:]
        acts = [(m.start(), each) for m in posts if (act := _platform_post(ctx, i, m)) is not None
                for each in _each_author(act)]
        taken = [(m.start(), m.end()) for m in posts]
        for match in matches:
            if any(s <= match.start() < e for s, e in taken):
                continue  # the noun of an act already read ("in an Instagram video")
            mention = _read_mention(ctx, i, match)
            if mention is not None and not (mention.vocab.doc_type is DocType.SOCIAL_POST and acts
                                            and mention.det in ("indef", "none")):
                found += [(i, match.start(), each) for each in _each_issuer(mention)]
        found += [(i, start, m) for start, m in acts]
        if published and not any(m.vocab.doc_type is DocType.REPORT for _, _, m in found[first:]):
            found += [(i, m.start(), _paper(ctx, i, m)) for m in published]  # "a study published in Nature": read
        if acted and not any(m.vocab.doc_type is DocType.REPORT for _, _, m in found[first:]):
            found += [(i, m.start(), f) for m in acted if (f := _finding(ctx, i, m)) is not None]
        if wrote and len(found) == first:
            found += [(i, m.start(), w) for m in wrote if (w := _writing(ctx, i, m)) is not None]
    docs = _link([m for _, _, m in sorted(found, key=lambda f: (f[0], f[1]))])
    _distinct_labels(docs)
    log.debug("%s: %d document mention(s), %d document(s)", article.id, len(found), len(docs))
    return [_citation(article, doc) for doc in docs]


_ENGLISH = (" the ", " of ", " and ", " to ", " in ", " is ", " that ", " for ", " was ")
_ENGLISH_SHARE = 0.035  # of the spaces; English news prose has 0.15-0.25 (a results table 0.05), other languages under 0.03
_MIN_SPACES = 60  # a shorter text (a caption, a list) says too little about its language


def _not_english(body: str) -> bool:
    """Whether a body of some length is written in another language: few of English's commonest words (in
    its first 2,000 characters: a page is written in one language)."""
    body = body[:2000]
    spaces = body.count(" ")
    return spaces >= _MIN_SPACES and sum(body.count(w) for w in _ENGLISH) < _ENGLISH_SHARE * spaces


def _acts(vocab: DocumentVocabulary, text: str) -> list[re.Match[str]]:
    """The post acts in a sentence, left to right, overlapping ones dropped.

    The acts that name a platform ("wrote on X") are tried only in a sentence that holds a platform's first word:
    most sentences that mention posts only say "tweet" (PolNeAR: 0.047 s against 0.027 s per pass).
    """
    named = any(word in text for word in vocab.platform_firsts)
    acts = [p for p in vocab.post_acts if named or "platform" not in p.groupindex]
    found = sorted((m for p in acts for m in p.finditer(text)), key=lambda m: (m.start(), -m.end()))
    out: list[re.Match[str]] = []
    for m in found:
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


def _distinct_labels(docs: list[_Doc]) -> None:
    """Give each document a label of its own: the issuer when the label does not name it, then a number.

    Citations are merged by (article, kind, label) downstream, so two
    statements by different people must not both be called "statement".
    """
    for doc in docs:
        if doc.issuer and not doc.has_post and doc.issuer.lower() not in doc.label.lower():
            doc.label = f"{doc.label} by {doc.issuer}"
    seen: dict[str, int] = {}
    for doc in docs:
        key = doc.label.casefold()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            doc.label = f"{doc.label} ({seen[key]})"


def _citation(article: Article, doc: _Doc) -> Citation:
    evidence = tuple(sorted({m.evidence for m in doc.mentions}, key=lambda e: (e.start, e.end)))
    return Citation(
        article=article.id,
        kind=CitationKind.DOCUMENT,
        name=doc.label,
        cue=doc.mentions[0].cue,
        evidence=evidence,
        doc_type=doc.doc_type,
        issuer=doc.issuer,
        via=doc.via,
        date=next(filter(None, (_date_in(m.evidence.text, article.published) for m in doc.mentions)), None),
    )
