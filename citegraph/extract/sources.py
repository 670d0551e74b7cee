"""Human sources: the people, institutions and unnamed sources an article quotes.

``find_sources(article, sents)`` reads each sentence that holds a speech cue
("said", "told", "according to", ", saying") and takes the noun phrase that
speaks: before the verb ("Secretary of State Antony Blinken said"), after it
when a quotation comes first ('"...," said Miller.'), or after a prepositional
cue ("according to two officials"). The phrase is then classified:

* a **person** when it ends in a capitalised name of two or more words (titles
  dropped), or in a lone surname of someone named elsewhere in the article;
  later "Blinken said" and "he said" (right after) resolve to the full name;
* an **organization** when its capitalised name holds an institution word
  ("Ministry", "Department", "Watch"), is a known institution or an acronym;
* **anonymous** when its head is an unnamed-source noun ("a senior US
  official", "sources familiar with the talks").

Rules are general and the word lists live in ``data/sources.toml``. Passed
over, because precision matters more than recall here: verbs inside quotation
marks, passives ("were told", "warned by"), negated verbs ("have not said"),
objects ("asked people in the audience"), documents ("the memo said",
"according to F.A.A. records"), all-capitals headlines, the article's own
questions and photo-caption lines. News outlets are left to the outlets
stage: names in ``outlet_names`` are never reported.

Quality and speed against PolNeAR's annotated Source spans:
``python benchmarks/polnear_sources.py``.

>>> from citegraph.records import Article
>>> from citegraph.text import sentences
>>> body = 'Officials met. "We are ready," said Jane Doe, the minister. Doe later told reporters more.'
>>> [(c.kind.value, c.name, len(c.evidence)) for c in find_sources(Article("a", "t", body), sentences(body))]
[('person', 'Jane Doe', 2)]
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import rules
from ..records import Article, Citation, CitationKind, Evidence
from .names import outlet_key
from .sentences import Sentence, ascii_words, folded, word_parts

log = logging.getLogger(__name__)

LEXICON_FILE = "data/sources.toml"

_TOKEN = re.compile(
    r"(?=\S)(?:"  # fails fast between words
    r"[A-Z][\w'’&-]*+(?:\.[A-Z])*(?:\.(?=\s))?"  # "Blinken", "U.S.", "Mr.", an initial "J."
    r"|\w[\w'’&-]*+"  # other words: "said", "2016", "Éric" (no trailing dot)
    r"|[^\w\s])"  # punctuation, one character each
)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}|(?:[A-Z]\.){2,}")
_POSSESSIVE = re.compile(r"(?:'s|’s|s'|s’)$")
_POSSESSIVE_ENDS = ("'s", "’s", "s'", "s’")  # what _POSSESSIVE finds in a token, tested with str.endswith
_CAPTION = re.compile(r"\(([^()]{1,80})\)\s*\.?\s*$")
_CAPTION_WORD = re.compile(r"[\w'’.-]+")
_INITIAL = re.compile(r"[A-Z]\.")
_US = re.compile(r"\bU\.S\.?(?=\s|$)")
_UN = re.compile(r"\bU\.N\.?(?=\s|$)")
_QUOTES = frozenset("\"“”")
_CLAUSE_END = frozenset(",.;:!?()[]—–-\"“”")
_CONNECTORS = frozenset(["of", "for", "on", "to", "and", "in", "at", "&"])
_CONJUNCTIONS = frozenset(["and", "but", "or", "nor"])
_NEGATIONS = frozenset(["not", "never"])
_QUESTION_OPENERS = frozenset("how what why when where who which whom whose has have had did do does is are was were will would can could should".split())
# Words that may stand between a verb and its "that" ("told reporters on Monday that").
_ADVERBIAL = frozenset(["to", "in", "on", "at", "of", "last", "this", "reporters", "him", "her", "them", "me", "us", "again", "also"])
# Words before a noun phrase that show it starts a clause (so it may be a subject).
_CLAUSE_OPENERS = frozenset(
    "and but or so yet that while as because when after before since although though if then also "
    "whereas where said says told".split()
)
_PREPOSITIONS = frozenset("to of for by with from about into against among between than like via per toward towards".split())
_AFTER_COMPLEMENT = frozenset(["that", ":", ",", ".", "?", "!", "\"", "“", "”"])
_RELATIVES = frozenset(["who", "which", "that", "whom"])
_HAS_QUOTE = re.compile("[\"“”]")
_INVERSION = frozenset(["\"", "“", "”", ",", "'", "’"])
_ALNUM_RUN = re.compile(r"[^\W_]+")  # letters and digits: what str.isalnum accepts
_SEARCHED_SURNAMES = 16  # surnames searched for in a body before its words are indexed (``_NameIndex``)


@dataclass(frozen=True)
class Lexicon:
    """The word lists of ``data/sources.toml``, as sets, plus derived word sets."""

    verbs: frozenset[str]
    need_complement: frozenset[str]
    participles: frozenset[str]
    forward: tuple[tuple[str, ...], ...]
    passive_after: frozenset[str]
    be_forms: frozenset[str]
    between: frozenset[str]
    caption_words: frozenset[str]
    time_words: frozenset[str]
    titles: frozenset[str]
    honorifics: frozenset[str]
    particles: frozenset[str]
    pronouns: frozenset[str]
    not_first: frozenset[str]
    not_last: frozenset[str]
    anon_heads: frozenset[str]
    anon_need_post: frozenset[str]
    institution_voice: frozenset[str]
    post_openers: frozenset[str]
    anon_modifiers: frozenset[str]
    determiners: frozenset[str]
    anonymity_markers: tuple[str, ...]
    org_cues: frozenset[str]
    org_lower: frozenset[str]
    org_known: frozenset[str]
    not_acronyms: frozenset[str]
    doc_nouns: frozenset[str]
    stop_caps: frozenset[str]
    np_lower: frozenset[str] = field(default=frozenset())
    cue_words: frozenset[str] = field(default=frozenset())  # any word that may open a cue
    forward_first: frozenset[str] = field(default=frozenset())
    cue_bytes: frozenset[bytes] = field(default=frozenset())  # verbs and participles of letters and digits only
    cue_other: tuple[tuple[str, tuple[bytes, ...]], ...] = ()  # (word, its word_parts): verbs and participles with other characters
    forward_res: tuple[tuple[tuple[bytes, ...], re.Pattern[str]], ...] = ()  # (its word_parts, a pattern) per prepositional cue
    name_like: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)  # memo of _name_like

    @classmethod
    def from_file(cls, path: Path | None = None) -> Lexicon:
        """Load the lists from ``path`` (default: the packaged ``data/sources.toml``)."""
        data = rules.load(LEXICON_FILE) if path is None else rules.load_file(path, "source cue")
        try:
            return cls._build(data)
        except (KeyError, TypeError) as err:
            raise rules.invalid(str(path or f"citegraph/{LEXICON_FILE}"), err) from None

    def cue_positions(self, body: str) -> list[int]:
        """Offsets of every speech cue in ``body``: a verb, a participle or a whole prepositional cue.

        Only the cue words that occur in the body's word set are searched, as
        whole words of the folded body. "in" or "as" alone is no cue: only "in
        the words of" and "as per" are, so most sentences are never tokenised.
        """
        low, words = folded(body), ascii_words(body)
        present = [w.decode() for w in self.cue_bytes & words] + [w for w, parts in self.cue_other if words.issuperset(parts)]
        out = [at for word in present for at in _word_starts(low, word)]
        for parts, pattern in self.forward_res:
            if words.issuperset(parts):
                out += [m.start() for m in pattern.finditer(low) if m.start() == 0 or not _is_word_char(low[m.start() - 1])]
        return out

    @classmethod
    def _build(cls, data: dict) -> Lexicon:
        def words(section: str, key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in data[section][key])

        cues, anon, org = data["cues"], data["anonymous"], data["organizations"]
        lex = cls(
            verbs=words("cues", "verbs"),
            need_complement=words("cues", "verbs_need_complement"),
            participles=words("cues", "participles"),
            forward=tuple(tuple(p.lower().split()) for p in cues["forward"]),
            passive_after=words("context", "passive_after"),
            be_forms=words("context", "be_forms"),
            between=words("context", "between"),
            caption_words=words("context", "caption_words"),
            time_words=words("context", "time_words"),
            titles=words("people", "titles"),
            honorifics=words("people", "honorifics"),
            particles=words("people", "particles"),
            pronouns=words("people", "pronouns"),
            not_first=words("people", "not_first_names"),
            not_last=words("people", "not_last_names"),
            anon_heads=words("anonymous", "heads"),
            anon_need_post=words("anonymous", "heads_need_postmodifier"),
            institution_voice=words("anonymous", "institution_voice"),
            post_openers=words("anonymous", "postmodifier_openers"),
            anon_modifiers=words("anonymous", "modifiers"),
            determiners=words("anonymous", "determiners"),
            anonymity_markers=tuple(m.lower() for m in anon["anonymity_markers"]),
            org_cues=words("organizations", "cue_words"),
            org_lower=words("organizations", "lower_nouns"),
            org_known=frozenset(org["known"]),
            not_acronyms=frozenset(org["not_acronyms"]),
            doc_nouns=words("documents", "nouns"),
            stop_caps=frozenset(data["stop"]["capitalized"]),
        )
        np_lower = lex.anon_heads | lex.anon_modifiers | lex.titles | lex.org_lower
        forward_first = frozenset(p[0] for p in lex.forward)
        cue_words = lex.verbs | lex.participles | forward_first
        single = lex.verbs | lex.participles
        return dataclasses.replace(
            lex,
            np_lower=np_lower,
            cue_words=cue_words,
            forward_first=forward_first,
            cue_bytes=frozenset(w.encode() for w in single if w.isascii() and w.isalnum()),
            cue_other=tuple((w, word_parts(w.encode())) for w in sorted(single) if not (w.isascii() and w.isalnum())),
            forward_res=tuple(
                (word_parts(" ".join(p).encode()), re.compile(r"\s+".join(re.escape(w) for w in p) + r"(?!\w)")) for p in sorted(lex.forward)
            ),
        )


def _is_word_char(char: str) -> bool:
    """What ``\\w`` matches."""
    return char.isalnum() or char == "_"


def _word_starts(text: str, word: str) -> list[int]:
    """Offsets where ``word`` stands in ``text`` as a whole word."""
    out = []
    size, length, at = len(word), len(text), text.find(word)
    while at >= 0:
        before = text[at - 1] if at else " "
        after = text[at + size] if at + size < length else " "
        if not (before.isalnum() or before == "_" or after.isalnum() or after == "_"):  # neither is \w
            out.append(at)
        at = text.find(word, at + 1)
    return out


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The packaged lexicon, loaded once per process."""
    return Lexicon.from_file(None)


# --------------------------------------------------------------------------- tokens


class _Toks:
    """A sentence's tokens as parallel lists; ``quoted[i]`` when token i stands inside quotation marks."""

    __slots__ = ("text", "low", "quoted", "n")

    def __init__(self, text: str) -> None:
        if "''" in text or "``" in text:  # ''quoted'' (as some papers write) is "quoted"
            text = text.replace("''", '"').replace("``", '"')
        if '"' in text or "“" in text or "”" in text:  # _HAS_QUOTE.search, six times as fast
            self.text, self.quoted = _quoted_tokens(text)
        else:
            self.text = _TOKEN.findall(text)
            self.quoted = [False] * len(self.text)
        self.low: list[str] = list(map(str.lower, self.text))
        self.n = len(self.text)

    def word(self, i: int) -> bool:
        return self.text[i][0].isalnum()


def _quoted_tokens(text: str) -> tuple[list[str], list[bool]]:
    """Tokens, and for each whether it stands inside quotation marks (the marks count as inside)."""
    tokens: list[str] = []
    flags: list[bool] = []
    inside = False
    pos = 0
    for mark in _HAS_QUOTE.finditer(text):
        at = mark.start()
        chunk = _TOKEN.findall(text, pos, at)
        tokens += chunk
        flags += [inside] * len(chunk)
        quote = mark.group(0)
        opening = quote == "“" or (quote == '"' and not inside and _opens(text, at))
        if not opening and not inside:  # a quote that opened in an earlier sentence
            flags = [True] * len(flags)
        tokens.append(quote)
        flags.append(True)
        inside = opening
        pos = at + 1
    chunk = _TOKEN.findall(text, pos)
    return tokens + chunk, flags + [inside] * len(chunk)


def _opens(text: str, at: int) -> bool:
    """A straight quote opens when it follows a space (or starts the text) and precedes a non-space."""
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return (before.isspace() or before in "([—–") and not after.isspace()


def _caption_lines(body: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Offsets of the lines that are photo captions: a caption's every sentence is passed over."""
    out = []
    pos = 0
    for line in body.split("\n"):
        if line.rstrip(" \t.").endswith(")") and _is_caption(line, lex):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _is_caption(text: str, lex: Lexicon) -> bool:
    """A photo caption ends with a credit in brackets: "(AP)", "(AP Photo/Jane Doe)"."""
    match = _CAPTION.search(text)
    if not match:
        return False
    inner = match.group(1)
    words = _CAPTION_WORD.findall(inner)
    if any(w.lower() in lex.caption_words for w in words):
        return True
    return bool(words) and all(w[0].isupper() for w in words) and len(words) <= 4


# --------------------------------------------------------------------------- phrases


@dataclass(frozen=True)
class _Phrase:
    """A noun phrase that speaks, with its cue and any qualifier after the head."""

    words: tuple[str, ...]
    post: tuple[str, ...]
    cue: str


def _is_np_word(t: _Toks, k: int, lex: Lexicon) -> bool:
    text = t.text[k]
    if t.quoted[k] or not text[0].isalnum():
        return False
    if t.low[k] in lex.np_lower:
        return True
    return (text[0].isupper() or text[0].isdigit() or t.low[k].startswith(("al-", "el-"))) and text not in lex.stop_caps


def _is_determiner(t: _Toks, k: int, lex: Lexicon) -> bool:
    return t.low[k] in lex.determiners or t.text[k][0].isdigit()


def _joins(t: _Toks, k: int, lex: Lexicon) -> bool:
    """A word that may stand inside a name: "Secretary of State", "Ziyad al-Nakhalah"."""
    low = t.low[k]
    return low in _CONNECTORS or low == "the" or low in lex.particles


def _walk_back(t: _Toks, j: int, lex: Lexicon) -> int:
    """Start index of the noun phrase that ends at token ``j`` (``j + 1`` when there is none)."""
    if j >= 0 and t.low[j] in lex.pronouns and not t.quoted[j]:
        return j
    k = j
    while k >= 0 and j - k < 12:
        if t.quoted[k] or not t.word(k):
            break
        if t.low[k] == "that":  # "revealed that Blinken stressed": a conjunction here
            break
        if _is_determiner(t, k, lex) and not (t.low[k] == "the" and k > 0 and t.low[k - 1] in _CONNECTORS):
            return k if k < j else j + 1
        if t.text[k].endswith(_POSSESSIVE_ENDS) and k < j:
            return k
        if _is_np_word(t, k, lex) or (k < j and _joins(t, k, lex)):
            k -= 1
            continue
        if _noun_modifier(t, k, j, lex):  # "Florida election officials"
            k -= 1
            continue
        break
    start = k + 1
    while start <= j and _joins(t, start, lex) and not t.text[start][0].isupper():
        start += 1
    return start


def _noun_modifier(t: _Toks, k: int, j: int, lex: Lexicon) -> bool:
    """A lower-case noun between a capitalised word and an unnamed-source head."""
    return (
        k < j
        and t.low[j] in lex.anon_heads
        and t.text[k].isalpha()
        and t.text[k].islower()
        and k > 0
        and t.text[k - 1][0].isupper()
        and t.text[k - 1] not in lex.stop_caps
        and t.low[k] not in lex.verbs
    )


def _walk_forward(t: _Toks, k: int, lex: Lexicon) -> tuple[int, int, int]:
    """The noun phrase that starts at token ``k``: (start, end of the words, end of the qualifier)."""
    start = k
    if k < t.n and t.low[k] == "that":  # "alleged that the DNC ...": a clause, not a speaker
        return k, k, k
    if k < t.n and _is_determiner(t, k, lex) and not t.quoted[k]:
        k += 1
    while k < t.n and k - start < 12:
        if t.text[k].endswith(_POSSESSIVE_ENDS) or not (_is_np_word(t, k, lex) or (k > start and _joins(t, k, lex))):
            break
        k += 1
    while k > start and _joins(t, k - 1, lex):
        k -= 1
    end = k
    if k < t.n and t.low[k] in lex.doc_nouns:  # "according to F.A.A. records": a document
        return start, start, start
    if k > start and t.low[k - 1] in lex.anon_heads and k < t.n and t.low[k] in lex.post_openers:
        while k < t.n and t.word(k) and k - end < 12 and not t.quoted[k]:
            k += 1
    return start, end, k


def _postmodified_head(t: _Toks, j: int, lex: Lexicon) -> int | None:
    """Index of an unnamed-source head followed by a qualifier ending at ``j``, if any."""
    if j < 0 or t.low[j] in _CONJUNCTIONS:
        return None
    for k in range(j, max(0, j - 14), -1):
        if not t.word(k) or t.quoted[k] or t.low[k] in _CONJUNCTIONS or t.low[k] in lex.verbs:
            return None
        if t.low[k] in lex.post_openers and t.low[k - 1] in lex.anon_heads:
            return k - 1
    return None


def _skip_time(t: _Toks, j: int, lex: Lexicon) -> int:
    """Step left over a time phrase that ends at ``j`` ("on Wednesday, Aug. 24, 2011")."""
    k = j
    while k >= 0 and not t.quoted[k]:
        low = t.low[k]
        if low in lex.time_words or low[0].isdigit() or (low == "," and k > 0 and (t.low[k - 1] in lex.time_words or t.low[k - 1][0].isdigit())):
            k -= 1
        else:
            break
    if k == j:  # no time phrase (most verbs)
        return j
    named = any(t.low[n] in lex.time_words and t.low[n] not in ("on", "in", "this", "last", "early", "late") for n in range(k + 1, j + 1))
    return k if named else j


def _subject_before(t: _Toks, i: int, lex: Lexicon) -> tuple[list[str], list[str]] | None:
    """The subject of the verb at ``i``: (words, qualifier); None when the verb is passive."""
    j = _skip_time(t, i - 1, lex)
    while j >= 0 and t.low[j] in lex.between and not t.quoted[j]:
        if t.low[j] in _NEGATIONS:  # "officials have not said why"
            return None
        j -= 1
    if j >= 0 and t.low[j].endswith(("n't", "n’t")):
        return None
    if t.low[i].endswith("ing") and not (j >= 0 and t.low[j] in lex.be_forms):
        return None  # "saying" without "is": a participle, see _main_subject
    if j >= 0 and t.low[j] in lex.be_forms:
        if not t.low[i].endswith("ing"):  # "officials were told": a passive
            return None
        j -= 1  # "the campaign is claiming": progressive
        while j >= 0 and t.low[j] in lex.between and not t.quoted[j]:
            j -= 1
    if j >= 0 and t.text[j] == ",":  # "Kirby, the NSC spokesman, said"
        k = j - 1
        while k >= 0 and t.text[k] != "," and j - k <= 16 and t.text[k] not in _QUOTES:
            k -= 1
        if k < 1 or t.text[k] != "," or t.text[k - 1] in _QUOTES:
            return [], []
        j = k - 1
    if j < 0 or t.low[j] in _CONJUNCTIONS or t.low[j] in _RELATIVES or t.low[j] in lex.determiners:
        return [], []  # "and said", "who said", "his claim": no subject here
    head = _postmodified_head(t, j, lex)
    if head is not None:
        start = _walk_back(t, head, lex)
        return (t.text[start : head + 1], t.text[head + 1 : j + 1]) if _opens_clause(t, start, lex) else ([], [])
    start = _walk_back(t, j, lex)
    if start <= j and start > 1 and t.low[start - 1] == "and":  # "One U.S. official and two Israeli officials"
        more = _walk_back(t, start - 2, lex)
        if more <= start - 2 and t.low[more] not in lex.pronouns:
            start = more
    return (t.text[start : j + 1], []) if _opens_clause(t, start, lex) else ([], [])


def _opens_clause(t: _Toks, start: int, lex: Lexicon) -> bool:
    """A subject starts a clause: "asked people in the audience to clap" has none.

    A phrase with a common-noun head ("officials") must follow punctuation, a
    conjunction or an adverb; a name only must not follow a preposition.
    """
    if start <= 0 or not t.word(start - 1) or t.quoted[start - 1]:
        return True
    before = t.low[start - 1]
    if before in _PREPOSITIONS:
        return False
    if t.text[start][0].isupper() and t.low[start] not in lex.anon_heads:
        return True
    return (
        before in _CLAUSE_OPENERS
        or before in lex.between
        or before in lex.time_words
        or t.text[start - 1] in lex.stop_caps
    )


def _forward_cue(t: _Toks, i: int, lex: Lexicon) -> int:
    """Length of the prepositional cue ("according to") that starts at ``i``, or 0."""
    low = t.low[i]
    for phrase in lex.forward:
        if phrase[0] == low and tuple(t.low[i : i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _speech_verb(t: _Toks, i: int, lex: Lexicon) -> bool:
    if t.low[i] not in lex.verbs or not t.text[i][0].islower():  # "the United States" is no verb
        return False
    if i + 1 < t.n and t.low[i + 1] in lex.passive_after:
        return False
    return t.low[i] not in lex.need_complement or _complement_follows(t, i)


def _complement_follows(t: _Toks, i: int) -> bool:
    """A "that" clause, a colon or a quotation follows within a few words ("admitted in September that")."""
    if i + 1 >= t.n or t.text[i + 1] in ".?!":
        return True
    for k in range(i + 1, min(t.n, i + 7)):
        low = t.low[k]
        if low in _AFTER_COMPLEMENT:
            return True
        if not (low in _ADVERBIAL or low.endswith("ly") or t.text[k][0].isupper() or low[0].isdigit()):
            return False
    return False


def _main_subject(t: _Toks, i: int, lex: Lexicon) -> list[str]:
    """The subject of the clause a participle (", saying") hangs from."""
    starts = [0] + [n + 1 for n in range(i) if t.text[n] == ","]
    for begin in starts:
        if begin >= i:
            break
        start, end, _ = _walk_forward(t, begin, lex)
        if end > start and end < i and t.word(end) and t.text[end][0].islower() and not t.quoted[end]:
            return t.text[start:end]
    return []


def _phrase_at(t: _Toks, i: int, lex: Lexicon) -> _Phrase | None:
    """The (speaker phrase, cue) whose cue word is token ``i``, if it is one (a verb without a speaker is none)."""
    low = t.low[i]
    if low in lex.forward_first and (width := _forward_cue(t, i, lex)):
        start, end, stop = _walk_forward(t, i + width, lex)
        return _Phrase(tuple(t.text[start:end]), tuple(t.text[end:stop]), " ".join(t.low[i : i + width]))
    if low in lex.participles and i > 0 and t.text[i - 1] == "," and _complement_follows(t, i):
        return _Phrase(tuple(_main_subject(t, i, lex)), (), low)
    if not _speech_verb(t, i, lex):
        return None
    found = _subject_before(t, i, lex)
    if found is None:
        return None
    words, post = found
    if not words and i > 0 and t.text[i - 1] in _INVERSION:  # '"...," said Miller.'
        start, end, stop = _walk_forward(t, i + 1, lex)
        after_quote = t.text[i - 1] != "," or (i > 1 and t.text[i - 2] in _INVERSION)
        if (stop >= t.n or t.text[stop] in _CLAUSE_END) and (after_quote or stop >= t.n - 1):
            words, post = t.text[start:end], t.text[end:stop]
    return _Phrase(tuple(words), tuple(post), low) if words else None


def _headline_or_question(text: str, t: _Toks) -> bool:
    """An all-capitals headline, or a question the article asks itself ("How has X responded?")."""
    if text.isupper() and t.n > 2:
        return True
    return t.n > 2 and t.text[-1] == "?" and not t.quoted[-1] and t.low[0] in _QUESTION_OPENERS


def _phrases(text: str, lex: Lexicon) -> list[_Phrase]:
    """Every (speaker phrase, cue) in one sentence, left to right."""
    t = _Toks(text)
    if _headline_or_question(text, t):
        return []
    out = []
    cue_words, quoted = lex.cue_words, t.quoted
    for i in [i for i, low in enumerate(t.low) if low in cue_words and not quoted[i]]:
        phrase = _phrase_at(t, i, lex)
        if phrase and phrase.words:
            out.append(phrase)
    return out


# --------------------------------------------------------------------------- classify


@dataclass(frozen=True)
class _Ref:
    """What a phrase refers to, before names are resolved across the article."""

    kind: str  # person | surname | organization | anonymous | pronoun | role
    name: str
    roles: frozenset[str] = frozenset()
    definite: bool = False


def _name_like(word: str, lex: Lexicon) -> bool:
    """True for a word that may be part of a person's name (memoised per lexicon: names recur)."""
    known = lex.name_like.get(word)
    if known is None:
        if len(lex.name_like) >= _MEMO_SIZE:
            lex.name_like.clear()
        known = lex.name_like[word] = _name_like_word(word, lex)
    return known


_MEMO_SIZE = 50_000


def _name_like_word(word: str, lex: Lexicon) -> bool:
    low = word.lower()
    if word in lex.stop_caps or low in lex.titles or low in lex.org_cues or word.endswith(_POSSESSIVE_ENDS):
        return False
    if low in lex.time_words and low != "may":  # "Year", "Week"; "Theresa May" stays a name
        return False
    return _name_shape(word)


def _name_shape(word: str) -> bool:
    """Capitalised with a lower-case letter ("Blinken", "DeSantis", "Ramírez", "Thomas-Greenfield"), or an initial."""
    if len(word) == 2 and word[1] == "." and word[0].isupper():
        return True
    if word[:3].lower() in ("al-", "el-"):
        word = word[3:]
    return (
        word[:1].isupper()
        and any(c.islower() for c in word)
        and all(c.isalpha() or c in "-'’" for c in word)
        and word[-1].isalpha()
    )


def _trailing_name(words: list[str], lex: Lexicon) -> list[str]:
    run: list[str] = []
    for word in reversed(words):
        if _name_like(word, lex) or (run and word.lower() in lex.particles):
            run.insert(0, word)
        else:
            break
    while run and run[0].lower() in lex.particles and not run[0][0].isupper():
        run.pop(0)
    return run


def _person_name(run: list[str]) -> list[str]:
    """A run longer than three words holds an institution before the name: keep the last two."""
    return run[-2:] if len(run) > 3 else run


def _is_full_name(run: list[str], lex: Lexicon) -> bool:
    return (
        2 <= len(run) <= 5
        and run[0].lower() not in lex.not_first
        and run[-1].lower() not in lex.not_last
        and not _INITIAL.fullmatch(run[-1])
    )


def _strip_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word) if not word.endswith(("s'", "s’")) else word[:-1]


def _describe(words: list[str], post: list[str], lex: Lexicon) -> str:
    """A normalised description of an unnamed source: "senior US official"."""
    text = " ".join(words + post)
    low = text.lower()
    for marker in lex.anonymity_markers:
        at = low.find(" " + marker)
        if at >= 0:
            text = text[:at]
            low = low[:at]
    text = _US.sub("US", text)
    text = _UN.sub("UN", text)
    return " ".join(_description_word(w, lex) for w in text.split())


def _description_word(word: str, lex: Lexicon) -> str:
    """Acronyms and names keep their case; "Aides" and "Senior" at a sentence start do not."""
    if len(word) > 1 and word.isupper():
        return word
    low = word.lower()
    if low in lex.anon_heads or word in lex.stop_caps or not word[0].isupper():
        return low
    return word


def _classify(phrase: _Phrase, lex: Lexicon) -> list[_Ref]:
    words = list(phrase.words)
    det = ""
    while words and words[0].lower() in lex.determiners:
        det = words.pop(0).lower()
    if not words:
        return []
    if len(words) == 1 and words[0].lower() in lex.pronouns:
        return [] if det else [_Ref("pronoun", words[0].lower())]
    if "and" in words:
        parts = _split_and(words)
        refs = [_classify(_Phrase(tuple(p), (), phrase.cue), lex) for p in parts]
        if len(parts) > 1 and all(refs):
            return [r for group in refs for r in group]
    ref = _classify_one(words, list(phrase.post), det, lex)
    return [ref] if ref else []


def _split_and(words: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for word in words:
        if word == "and":
            parts.append([])
        else:
            parts[-1].append(word)
    return [p for p in parts if p]


def _classify_one(words: list[str], post: list[str], det: str, lex: Lexicon) -> _Ref | None:
    head = words[-1].lower()
    if head in lex.doc_nouns or (post and post[0].lower() in lex.doc_nouns):
        return None
    roles = frozenset(w.lower() for w in words if w.lower() in lex.titles)
    person = _person_before_affiliation(words, lex)
    if person:
        return person
    run = _person_name(_trailing_name(words, lex))
    if len(run) == 3 and len(words) > 3 and words[-4].lower() in ("of", "for"):  # "Governor of Washington Chris Gregoire"
        run = run[1:]
    if len(run) >= 2 and _is_full_name(run, lex):
        return _Ref("person", " ".join(run), roles)
    if any(w.lower() in lex.org_cues for w in words) and (org := _organization(words, lex)):
        return org
    if head in lex.anon_heads and (len(words) == 1 or run[-1:] != words[-1:]):  # "Aides said", "a Trump adviser"
        return _anonymous(words, post, det, lex)
    if len(run) == 1 and not post and not (len(words) > 1 and words[-2].lower() in _CONNECTORS):
        titled = len(words) > 1 and words[-2].lower() in lex.honorifics
        return _Ref("surname", run[0], roles, definite=titled)
    if head in lex.org_lower and len(words) == 1 and det == "the" and not post:
        return _Ref("institution", head)  # "the campaign said": the campaign named before
    if head in lex.org_lower and words[-1].islower() and len(words) >= 2 and not post:
        caps = [_strip_possessive(w) for w in words[:-1]]
        if all(c[:1].isupper() for c in caps):
            return _Ref("organization", " ".join(caps + [head]))
        return None
    if head in lex.anon_heads:
        return _anonymous(words, post, det, lex)
    org = _organization(words, lex)
    if org is None and all(w.lower() in lex.titles for w in words) and det == "the":
        return _Ref("role", words[-1].lower(), roles)
    return org


def _person_before_affiliation(words: list[str], lex: Lexicon) -> _Ref | None:
    """ "Mr. Burman of the Tax Policy Center": the person, not the institution."""
    if "of" not in words[1:]:
        return None
    left = words[: words.index("of", 1)]
    run = _trailing_name(left, lex)
    roles = frozenset(w.lower() for w in left if w.lower() in lex.titles)
    if len(run) >= 2 and _is_full_name(run, lex):
        return _Ref("person", " ".join(_person_name(run)), roles)
    if len(run) == 1 and len(left) > 1 and left[-2].lower() in lex.honorifics:
        return _Ref("surname", run[0], roles, definite=True)
    return None


def _anonymous(words: list[str], post: list[str], det: str, lex: Lexicon) -> _Ref | None:
    head = words[-1].lower()
    caps = [w for w in words[:-1] if w[:1].isupper()]
    if head in lex.institution_voice and not post:
        org = _organization(caps, lex) if caps else None
        if org:
            return org
        if det == "the" and len(words) == 1:
            return _Ref("role", head)
        if len(words) > 1 and words[-2].endswith(_POSSESSIVE_ENDS):  # "Cameron's spokesman"
            return _Ref("anonymous", _describe(words, post, lex))
        return None
    if head in lex.anon_need_post and not post:
        return None
    definite = det == "the" and len(words) == 1 and not post
    return _Ref("anonymous", _describe(words, post, lex), definite=definite)


def _organization(words: list[str], lex: Lexicon) -> _Ref | None:
    words = [w for w in words if w]
    while words and (words[0].lower() in _CONNECTORS or words[0] in lex.stop_caps or words[0].lower() == "the"):
        words = words[1:]
    if not words or not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _CONNECTORS or w == "the" for w in words):
        return None
    name = " ".join(words)
    if len(words) == 1 and (name in lex.org_known or (_ACRONYM.fullmatch(name) and name not in lex.not_acronyms)):
        return _Ref("organization", name)
    if len(words) > 1 and any(w.lower() in lex.org_cues for w in words) and words[-1].lower() not in _CONNECTORS:
        return _Ref("organization", name)
    if len(words) > 1 and name in lex.org_known:
        return _Ref("organization", name)
    return None


# --------------------------------------------------------------------------- resolve


_LAST_OUTLETS: list[tuple[frozenset[str], frozenset[str]]] = [(frozenset(), frozenset())]


def _normalised(names: frozenset[str]) -> frozenset[str]:
    """Normalised outlet names; the last pair is kept, as a run passes the same set for every article.

    A set that adds a few names to the kept one (the gazetteer's names plus
    the outlets discovered in one article) reuses it and normalises only the
    added names.
    """
    given, normalised = _LAST_OUTLETS[0]  # one read: safe if threads replace it meanwhile
    if names is given:
        return normalised
    if given and len(names) > len(given) and names.issuperset(given):
        return normalised | {outlet_key(n) for n in names - given}
    if names != given:
        normalised = frozenset(outlet_key(n) for n in names)
        _LAST_OUTLETS[0] = (names, normalised)
    return normalised


class _NameIndex:
    """Full names in the body, looked up by surname to resolve "Blinken said"."""

    def __init__(self, body: str, lex: Lexicon) -> None:
        self.body = body
        self.lex = lex
        self._words: dict[str, list[int]] | None = None  # each run of letters and digits -> where it stands
        self._names: dict[str, _Places] = {}

    def lookup(self, surname: str, pos: int) -> str | None:
        """The full name ending in ``surname`` last written before ``pos`` (else the first after).

        Each surname's places are found once per body and read in order,
        each at most once and only as far as a look-up needs (a name's
        later mentions mostly never), so a long article citing one name
        thousands of times stays linear; past ``_SEARCHED_SURNAMES``
        surnames they come from an index of the body's words (made once),
        not a search of the body each.
        """
        places = self._names.get(surname)
        if places is None:
            places = self._names[surname] = _Places(self._places(surname))
        # read every place before pos, and on until a full name is found
        while places.read < len(places.offsets) and (places.offsets[places.read] < pos or not places.names):
            at = places.offsets[places.read]
            places.read += 1
            name = self._full_name_at(at, surname)
            if name:
                places.named.append(at)
                places.names.append(name)
        i = bisect.bisect_left(places.named, pos)
        return places.names[i - 1] if i else places.names[0] if places.names else None

    def _places(self, surname: str) -> list[int]:
        """Where ``surname`` starts after a character that is not a letter or digit."""
        first = _ALNUM_RUN.match(surname)
        if first is None or (self._words is None and len(self._names) < _SEARCHED_SURNAMES):  # search the text
            found, at = [], self.body.find(surname)
            while at >= 0:
                if not (at and self.body[at - 1].isalnum()):
                    found.append(at)
                at = self.body.find(surname, at + 1)
            return found
        if self._words is None:
            self._words = {}
            for match in _ALNUM_RUN.finditer(self.body):
                self._words.setdefault(match.group(), []).append(match.start())
        return [at for at in self._words.get(first.group(), ()) if self.body.startswith(surname, at)]

    def _full_name_at(self, at: int, surname: str) -> str | None:
        """The full name that ends with ``surname`` at ``at`` ("Secretary Antony Blinken": "Antony Blinken"), if any."""
        before = self.body[max(0, at - 60) : at]
        if self.body[at + len(surname) : at + len(surname) + 1].isalnum() or before[-1:].isalnum():
            return None  # inside a longer word
        words = before.rsplit(None, 4)  # its last four words are whole
        if not words or not words[-1][:1].isupper():
            return None  # no capitalised word right before: cheap tests first, then the name runs
        runs = _name_runs(words[-4:] + [surname], self.lex)
        return " ".join(_person_name(runs[-1])) if runs and runs[-1][-1] == surname else None


@dataclass
class _Places:
    """Where a surname stands in a body: ``read`` of them read so far, and the full names found there."""

    offsets: list[int]
    read: int = 0
    named: list[int] = field(default_factory=list)  # the offsets read that end a full name
    names: list[str] = field(default_factory=list)


def _name_runs(words: list[str], lex: Lexicon) -> list[list[str]]:
    runs: list[list[str]] = [[]]
    for word in words:
        if _name_like(word, lex) or (runs[-1] and word.lower() in lex.particles):
            runs[-1].append(word)
        else:
            runs.append([])
    return [r for r in runs if _is_full_name(r, lex)]


@dataclass
class _Entry:
    kind: CitationKind
    name: str
    cue: str
    evidence: list[Evidence]
    roles: set[str]
    last: int  # index of the last sentence that cited it
    seen: set[Evidence] = field(default_factory=set)  # ``evidence`` as a set: a name cited 10,000 times stays linear
    seq: int = 0  # its place in ``_Sources.entries``: ties between equally recent entries go to the first
    keys: list[tuple[str, str]] = field(default_factory=list)  # what ``_Sources.latest`` finds it by


def _last_word(kind: CitationKind, name: str) -> str:
    """The word an entry is looked up by: its last (folded, or for anonymous sources without its "s")."""
    words = name.split()
    if not words:
        return ""
    return words[-1].rstrip("s") if kind is CitationKind.ANONYMOUS else words[-1].lower()


class _Sources:
    """Collects references sentence by sentence and merges them per source."""

    def __init__(self, article: Article, lex: Lexicon, outlet_names: frozenset[str]) -> None:
        self.article = article
        self.lex = lex
        self.outlet_names = outlet_names
        self._outlets: frozenset[str] | None = None
        self._is_outlet_memo: dict[str, bool] = {}  # a source is named again and again
        self._index: _NameIndex | None = None
        self.entries: dict[tuple[CitationKind, str], _Entry] = {}
        # Look-ups kept current as entries are made and cited, so that an article naming 10,000
        # sources stays linear: ``latest``, the entry cited last (the first made among equals) by kind
        # and last word, by an institution's last word and by a person's role; ``people``, the first
        # person by first and last name; ``suffixes``, the first person whose name ends in some words.
        self.latest: dict[tuple[str, str], _Entry] = {}
        self.people: dict[tuple[str, str], _Entry] = {}
        self.suffixes: dict[str, _Entry] = {}
        self.last_person: _Entry | None = None

    def add(self, ref: _Ref, cue: str, sent: Sentence, n: int) -> None:
        entry = self._resolve(ref, cue, sent, n)
        if entry is None:
            return
        evidence = Evidence(sent.text, sent.start, sent.end)
        if evidence not in entry.seen:
            entry.seen.add(evidence)
            entry.evidence.append(evidence)
        if entry.kind is CitationKind.PERSON:
            entry.keys += [("role", role) for role in sorted(ref.roles - entry.roles)]
        entry.roles |= ref.roles
        entry.last = n  # never less than before: sentences come in order
        for key in entry.keys:
            held = self.latest.get(key)
            if held is None or held.last < n or held.seq > entry.seq:
                self.latest[key] = entry
        if entry.kind is CitationKind.PERSON:
            self.last_person = entry

    def _resolve(self, ref: _Ref, cue: str, sent: Sentence, n: int) -> _Entry | None:
        if ref.kind == "pronoun":
            recent = self.last_person
            return recent if recent and n - recent.last <= 2 else None
        if ref.kind == "role":
            return self.latest.get(("role", ref.name))
        if ref.kind == "institution":  # the organisation cited last whose name ends in " " + ref.name
            return self.latest.get(("institution", ref.name))
        if ref.kind == "surname":
            full = self._surname(ref.name, sent.start)
            if full:
                return self._entry(CitationKind.PERSON, full, cue)
            if ref.definite:
                return self._entry(CitationKind.PERSON, ref.name, cue)
            org = _organization([ref.name], self.lex)
            return self._entry(CitationKind.ORGANIZATION, org.name, cue) if org else None
        if ref.kind == "person":
            return self._entry(CitationKind.PERSON, self._same_person(ref.name), cue)
        if ref.kind == "organization":
            return self._entry(CitationKind.ORGANIZATION, ref.name, cue)
        if ref.definite:
            earlier = self._anonymous_like(ref.name)
            if earlier:
                return earlier
        return self._entry(CitationKind.ANONYMOUS, ref.name, cue)

    def _entry(self, kind: CitationKind, name: str, cue: str) -> _Entry | None:
        if self._is_outlet(name):
            return None
        key = (kind, name.lower())
        if key not in self.entries:
            entry = self.entries[key] = _Entry(kind, name, cue, [], set(), -1, seq=len(self.entries))
            self._index_entry(entry)
        return self.entries[key]

    def _index_entry(self, entry: _Entry) -> None:
        word, low = _last_word(entry.kind, entry.name), entry.name.lower()
        entry.keys.append((entry.kind.value, word))
        if entry.kind is CitationKind.ORGANIZATION and low.endswith(" " + word):
            entry.keys.append(("institution", word))
        parts = low.split()
        if entry.kind is CitationKind.PERSON and len(parts) >= 2:
            self.people.setdefault((parts[0], parts[-1]), entry)
            for at, char in enumerate(low):
                if char == " ":
                    self.suffixes.setdefault(low[at + 1 :], entry)

    def _is_outlet(self, name: str) -> bool:
        """True for an outlet's name, or a name holding an outlet's acronym ("CNN", "BBC Persian")."""
        known = self._is_outlet_memo.get(name)
        if known is None:
            if self._outlets is None:
                self._outlets = _normalised(self.outlet_names)  # cached across articles with the same names
            outlets = self._outlets
            known = outlet_key(name) in outlets or any(outlet_key(w) in outlets for w in name.split() if _ACRONYM.fullmatch(w))
            self._is_outlet_memo[name] = known
        return known

    def _surname(self, surname: str, pos: int) -> str | None:
        low = surname.lower()
        cited = self.latest.get((CitationKind.PERSON.value, low))  # a person whose last word is ``surname``
        if cited:
            return cited.name
        if self._index is None:
            self._index = _NameIndex(self.article.body, self.lex)
        found = self._index.lookup(surname, pos)
        return self._same_person(found) if found else None

    def _same_person(self, full: str) -> str:
        """The canonical name of someone already cited ("Antony J. Blinken" -> "Antony Blinken")."""
        first, last = full.split()[0].lower(), full.split()[-1].lower()
        # the first person of two words or more with the same first and last words, or whose name ends
        # in " " + full ("Lily Eskelsen García", later "Eskelsen García")
        found = [e for e in (self.people.get((first, last)), self.suffixes.get(full.lower())) if e is not None]
        return min(found, key=lambda e: e.seq).name if found else full

    def _anonymous_like(self, description: str) -> _Entry | None:
        return self.latest.get((CitationKind.ANONYMOUS.value, description.rstrip("s")))

    def citations(self) -> list[Citation]:
        out = [
            Citation(
                article=self.article.id,
                kind=e.kind,
                name=e.name,
                cue=e.cue,
                evidence=tuple(sorted(e.evidence, key=lambda ev: (ev.start, ev.end))),
            )
            for e in self.entries.values()
            if e.evidence
        ]
        return sorted(out, key=Citation.sort_key)


def find_sources(article: Article, sents: list[Sentence], outlet_names: frozenset[str] = frozenset()) -> list[Citation]:
    """The people, institutions and unnamed sources that ``article`` attributes statements to.

    ``sents`` are ``citegraph.text.sentences(article.body)``; ``outlet_names``
    (canonical names, aliases, abbreviations) are never reported here.
    """
    lex = default_lexicon()
    found = _Sources(article, lex, outlet_names)
    cues = lex.cue_positions(article.body)
    starts = [s.start for s in sents]
    with_cue = sorted({bisect.bisect_right(starts, at) - 1 for at in cues})
    captions = _caption_lines(article.body, lex) if ")" in article.body else []
    caption_starts = [begin for begin, _ in captions]  # lines: in order, apart
    for n in with_cue:
        sent = sents[n]
        line = bisect.bisect_right(caption_starts, sent.start) - 1
        if n < 0 or (line >= 0 and sent.start < captions[line][1]):
            continue
        for phrase in _phrases(sent.text, lex):
            for ref in _classify(phrase, lex):
                found.add(ref, phrase.cue, sent, n)
    return found.citations()
