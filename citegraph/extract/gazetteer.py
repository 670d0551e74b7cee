"""The outlet gazetteer: known news organisations, and where they are named in a text.

``Gazetteer.load()`` reads the built-in ``data/outlets.toml`` and, optionally,
a user's file with the same schema that adds outlets, replaces one (same
name) or removes one (``disabled = true``)::

    [[outlet]]
    name = "Foreign Policy"
    aliases = []
    abbreviations = ["FP"]
    domains = ["foreignpolicy.com"]
    country = "US"
    kind = "magazine"
    ambiguous = ["FP"]   # names that are also ordinary words, or shared

``find_mentions(text)`` finds every name, alias, abbreviation or domain: each
capitalised word that starts a known name is tried with one trie pattern of
that word's names (longest match first); domains are found from a dot
followed by a known top-level label.
Names are matched case-sensitively ("AP", not "ap"); domains in any case.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .. import rules
from ..errors import ConfigError
from ..records import Outlet
from .names import domain_key, outlet_key
from .patterns import alternation
from .sentences import folded_parts

log = logging.getLogger(__name__)

_LIST_FIELDS = ("aliases", "abbreviations", "domains", "ambiguous")
_STR_FIELDS = ("name", "country", "kind")
_KNOWN_FIELDS = frozenset(_LIST_FIELDS + _STR_FIELDS + ("disabled",))
_FORM_RANK = {"name": 0, "alias": 1, "abbreviation": 2, "ambiguous": 3, "domain": 4}
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Mention:
    """An outlet name found in a text; ``text[start:end] == surface``.

    ``ambiguous`` is true when the surface is also an ordinary word or is
    shared by several outlets ("Post", "the Times"): such a mention needs
    strong context. ``candidates`` lists every outlet the surface may name
    (``outlet`` is the first); ``form`` says how it was named: ``name``,
    ``alias``, ``abbreviation``, ``ambiguous`` (a listed ordinary word) or ``domain``.
    """

    start: int
    end: int
    surface: str
    outlet: Outlet
    ambiguous: bool
    candidates: tuple[Outlet, ...] = ()
    form: str = "name"


@dataclass(frozen=True)
class _Entry:
    outlet: Outlet
    form: str
    ambiguous: bool


class Gazetteer:
    """Known outlets, with a compiled matcher; build once, use for every article."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self.outlets: tuple[Outlet, ...] = tuple(sorted(outlets, key=lambda o: o.name.casefold()))
        self._by_key = _lookup_index(self.outlets)
        self._surfaces, self._domains = _surface_index(self.outlets)
        self._by_first = _LazyPatterns(_first_word_tails(self._surfaces))
        self._first_words = frozenset(self._by_first.tails)
        lower_firsts = sorted(w for w in self._first_words if not _CAPITAL_WORD.fullmatch(w))
        # (first word, the words of one of its names) for each name: "t-online" is looked for only in a text with "online"
        self._lower_names = tuple((w, folded_parts(w + tail)) for w in lower_firsts for tail in self._by_first.tails[w])
        self._tlds = _tld_set(self._domains)
        self._templates = {s: _template(entries) for s, entries in self._surfaces.items()}

    @classmethod
    def load(cls, user_file: Path | None = None) -> Gazetteer:
        """The built-in gazetteer, extended or overridden by ``user_file``."""
        outlets = {outlet_key(o.name): o for o in _builtin_outlets()}
        if user_file is not None:
            for entry, disabled in _parse_file(Path(user_file)):
                key = outlet_key(entry.name)
                if disabled:
                    outlets.pop(key, None)
                else:
                    outlets[key] = entry
        return cls(outlets.values())

    def __len__(self) -> int:
        return len(self.outlets)

    def lookup(self, name: str) -> Outlet | None:
        """The outlet called ``name`` (canonical name, alias, abbreviation or domain)."""
        if not name or not name.strip():
            return None
        found = self._by_key.get(outlet_key(name))
        if found is None and "." in name:
            found = self.lookup_domain(name)
        return found

    def lookup_domain(self, url: str) -> Outlet | None:
        """The outlet whose web domain serves ``url`` (sub-domains included), or None.

        ``https://edition.cnn.com/x`` -> CNN.
        """
        host = domain_key(url)
        while host.count(".") >= 1:
            found = self._domains.get(host)
            if found is not None:
                return found
            host = host.split(".", 1)[1]
        return None

    def find_mentions(self, text: str, words: frozenset[bytes] | None = None) -> list[Mention]:
        """Every outlet name in ``text``, left to right, longest match at each place.

        Each capitalised word that starts a known name is tried with that
        word's trie pattern; the few lower-case first words ("dpa", "i")
        are looked for only when they occur in the text. A caller that has
        ``words = text.ascii_words(text)`` (an article body) passes it: the
        word set then answers which of their names may occur (every word of
        the name is in the set) without scanning ``text``.
        """
        mentions = self._domain_mentions(text)
        taken = [(m.start, m.end) for m in mentions]
        found = []
        by_first, firsts = self._by_first, self._first_words
        for token in _CAPITAL_WORD.finditer(text):
            word = token.group()
            match = by_first[word].match(text, token.start()) if word in firsts else None
            if match:
                found.append(match.span())
        lower = {word for word, parts in self._lower_names if ((word in text) if words is None else words.issuperset(parts))}
        for word in lower:
            found += [m.span() for m in self._by_first[word].finditer(text)]
        end = -1
        for start, stop in sorted(found, key=lambda span: (span[0], -span[1])):
            if start < end or (taken and _inside(start, taken)):
                continue
            if text.startswith("the ", start - 4) and "the " + text[start:stop] in self._templates:
                start -= 4  # "the Washington Post": the article belongs to the name
            mentions.append(self._mention(start, stop, text[start:stop]))
            end = stop
        return sorted(mentions)

    def _mention(self, start: int, end: int, surface: str) -> Mention:
        outlets, ambiguous, form = self._templates[surface]
        return Mention(start, end, surface, outlets[0], ambiguous, outlets, form)

    def _domain_mentions(self, text: str) -> list[Mention]:
        found = []
        for match in _DOT_LABEL.finditer(text):
            if match.group(1).casefold() not in self._tlds:
                continue
            start = match.start()
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".-_"):
                start -= 1
            if start > 0 and text[start - 1] in "@/":
                continue
            surface = text[start : match.end()]
            outlet = self.lookup_domain(surface)
            if outlet is not None and "." in surface.strip("."):
                found.append(Mention(start, match.end(), surface, outlet, False, (outlet,), "domain"))
        return found


_WORD = re.compile(r"\w+")
_WORD_END = r"(?!\w)"


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


# ---------------------------------------------------------------- indexes


def _lookup_index(outlets: tuple[Outlet, ...]) -> dict[str, Outlet]:
    ranked: dict[str, tuple[int, Outlet]] = {}
    for outlet in outlets:
        names = [(0, outlet.name)] + [(1, a) for a in outlet.aliases] + [(2, a) for a in outlet.abbreviations]
        for rank, name in names:
            key = outlet_key(name)
            if key and (key not in ranked or rank < ranked[key][0]):
                ranked[key] = (rank, outlet)
    return {key: outlet for key, (_, outlet) in ranked.items()}


def _variants(name: str) -> list[str]:
    """Surface forms of a name: as written, without a leading "The", in capitals."""
    forms = [name]
    stripped = _LEADING_THE.sub("", name)
    if stripped != name and stripped:
        forms += ["The " + stripped, "the " + stripped, stripped]
    if len(stripped) >= 5 and not stripped.isupper():
        forms.append(stripped.upper())
        if stripped != name:
            forms.append("THE " + stripped.upper())
    return forms


def _surface_index(outlets: tuple[Outlet, ...]) -> tuple[dict[str, list[_Entry]], dict[str, Outlet]]:
    surfaces: dict[str, list[_Entry]] = {}
    domains: dict[str, Outlet] = {}
    for outlet in outlets:
        vague = {outlet_key(a) for a in outlet.ambiguous}
        named = [("name", outlet.name)] + [("alias", a) for a in outlet.aliases]
        named += [("abbreviation", a) for a in outlet.abbreviations]
        named += [("ambiguous", a) for a in outlet.ambiguous]
        for form, name in named:
            for surface in _variants(name) if form != "ambiguous" else [name]:
                entries = surfaces.setdefault(surface, [])
                if all(e.outlet != outlet for e in entries):  # first form wins
                    entries.append(_Entry(outlet, form, bool(vague) and outlet_key(surface) in vague))
        for domain in outlet.domains:
            domains.setdefault(domain_key(domain), outlet)
    for entries in surfaces.values():
        entries.sort(key=lambda e: (e.ambiguous, _FORM_RANK[e.form], e.outlet.name))
    return surfaces, domains


# ---------------------------------------------------------------- matcher


_CAPITAL_WORD = re.compile(r"[A-Z0-9\u00c0-\u00de](?<!\w.)\w*")


def _template(entries: list[_Entry]) -> tuple[tuple[Outlet, ...], bool, str]:
    """What every mention of one surface shares: its outlets, whether it is ambiguous, its form."""
    outlets = tuple(e.outlet for e in entries)
    return outlets, len(outlets) > 1 or entries[0].ambiguous, entries[0].form


class _LazyPatterns(dict):
    """Word -> compiled pattern, built and compiled on first use (most first words never occur in a run)."""

    def __init__(self, tails: dict[str, list[str]]) -> None:
        super().__init__()
        self.tails = tails

    def __missing__(self, word: str) -> re.Pattern[str]:
        pattern = self[word] = re.compile(_first_word_pattern(word, self.tails[word]))
        return pattern


def _first_word_tails(surfaces: dict[str, list[_Entry]]) -> dict[str, list[str]]:
    """First word -> the rest of every surface that starts with it.

    Lower-case "the X" is found through "X" (``find_mentions`` takes the article in).
    """
    groups: dict[str, list[str]] = {}
    for surface in surfaces:
        words = _WORD.findall(surface)
        if words and surface.startswith(words[0]) and not surface.startswith("the "):
            groups.setdefault(words[0], []).append(surface[len(words[0]) :])
    return groups


def _first_word_pattern(word: str, tails: list[str]) -> str:
    """A pattern for every surface ``word + tail``, longest first.

    The pattern begins with the word itself as a literal, which the regex
    engine scans for quickly; a name starts a word and is not a handle or
    a hashtag ("@CNN", "#CNN"), and ends a word.
    """
    head = re.escape(word)
    return rf"{head}(?<![\w@#]{head})" + alternation(tails, space=" ", end=_WORD_END)


def _tld_set(domains: dict[str, Outlet]) -> frozenset[str]:
    """The last labels of known domains ("com", "uk"), lower-cased."""
    return frozenset(d.rsplit(".", 1)[1] for d in domains if "." in d)


_DOT_LABEL = re.compile(r"\.([A-Za-z][\w-]*)")  # a dot with a word right after it: rare in prose


# ---------------------------------------------------------------- loading


BUILTIN_FILE = "data/outlets.toml"


@lru_cache(maxsize=1)
def _builtin_outlets() -> tuple[Outlet, ...]:
    """The built-in outlets, parsed once per process (``rules.load``'s parse, which the HTML reader's
    domain table shares)."""
    text, where = rules.package_text(BUILTIN_FILE), f"citegraph/{BUILTIN_FILE}"
    return tuple(entry for entry, _ in _parse_data(rules.load(BUILTIN_FILE), text, where))


def _parse_file(path: Path) -> list[tuple[Outlet, bool]]:
    text = rules.file_text(path, "--outlets")
    return _parse_data(rules.parse(text, str(path)), text, str(path))


def _parse_data(data: dict[str, Any], text: str, where: str) -> list[tuple[Outlet, bool]]:
    """The outlets of a parsed outlet file (``text``: its text, to name the line of an error)."""
    tables = data.get("outlet", [])
    extra = sorted(set(data) - {"outlet"})
    if extra or not isinstance(tables, list):
        raise ConfigError(
            f"{where}: unexpected top-level key {extra[0] if extra else 'outlet'!r}; "
            "write each outlet as an [[outlet]] table"
        )
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith("[[outlet]]")]
    return [_parse_entry(table, f"{where}, line {lines[i] if i < len(lines) else '?'}") for i, table in enumerate(tables)]


def _parse_entry(table: dict[str, Any], where: str) -> tuple[Outlet, bool]:
    unknown = sorted(set(table) - _KNOWN_FIELDS)
    if unknown:
        raise ConfigError(f"{where}: unknown field {unknown[0]!r}; allowed fields are {', '.join(sorted(_KNOWN_FIELDS))}")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f'{where}: every [[outlet]] needs a non-empty name, e.g. name = "Foreign Policy"')
    for key in _STR_FIELDS[1:]:
        if not isinstance(table.get(key, ""), str):
            raise ConfigError(f'{where} ({name}): field {key!r} must be a string, e.g. {key} = "..."')
    for key in _LIST_FIELDS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f'{where} ({name}): field {key!r} must be a list of non-empty strings, e.g. {key} = ["..."]')
    disabled = table.get("disabled", False)
    if not isinstance(disabled, bool):
        raise ConfigError(f"{where} ({name}): field 'disabled' must be true or false")
    outlet = Outlet(
        name=name.strip(),
        aliases=tuple(a.strip() for a in table.get("aliases", [])),
        abbreviations=tuple(a.strip() for a in table.get("abbreviations", [])),
        domains=tuple(domain_key(d) for d in table.get("domains", [])),
        country=table.get("country", ""),
        kind=table.get("kind", ""),
        ambiguous=tuple(a.strip() for a in table.get("ambiguous", [])),
    )
    return outlet, disabled
