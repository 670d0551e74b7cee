"""Behavioural cases for the extractor, in the spirit of CheckList (Ribeiro et al., ACL 2020).

The cases are data: ``tests/behaviour/<family>.toml`` files of templates and
fillers (``lexicon.toml`` holds the fillers and outlet aliases they share).
This module expands them into short article bodies, runs each through the
real ``Extractor`` and checks the result the way ``../shared/gold/FORMAT.md``
scores gold labels:

* an outlet is found when a predicted outlet's name, lower-cased without a
  leading "the" and without non-alphanumeric characters, equals the expected
  name or one of its aliases;
* a document is found when a predicted document of an accepted type has one
  of the expected keys in its label, issuer or evidence (case-insensitive),
  each prediction matching at most one expected document; its ``via`` must
  name the expected outlet, or be empty when none is expected.

Expected outlets and documents must be found, ``not_*`` entries must not be.
What a capability ``checks`` ("outlets", "documents") is closed: any other
prediction of that kind, unless it matches an ``optional_*`` entry, fails the
case, as a false positive does in the gold scoring.

docs/BEHAVIOUR.md explains the file format and how to add a case.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from citegraph.extract import Extractor, Gazetteer
from citegraph.records import Article, Citation, CitationKind

CASES_DIR = Path(__file__).resolve().parent
LEXICON_FILE = "lexicon.toml"
DOC_TYPES = frozenset({"memo", "cable", "letter", "report", "resolution", "statement", "court_filing", "social_post", "other"})
CHECKS = frozenset({"outlets", "documents"})

_PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)(?:\.([a-z_]+))?\}")
_LEADING_THE = re.compile(r"^the\s+")
_CASE_KEYS = frozenset({
    "capability", "text", "texts", "fill", "sample", "note",
    "outlets", "optional_outlets", "not_outlets", "documents", "optional_documents", "not_documents",
})
_DOC_KEYS = frozenset({"type", "keys", "via"})


class CaseError(ValueError):
    """A case file is malformed; the message names the file and the case."""


def name_key(name: str) -> str:
    """FORMAT.md's outlet comparison key: lower case, no leading "the", letters and digits only."""
    folded = _LEADING_THE.sub("", name.strip().casefold())
    return "".join(ch for ch in folded if ch.isalnum())


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class OutletSpec:
    """An outlet a case expects (or forbids): its name and every name that counts as it."""

    name: str
    keys: frozenset[str]

    def matches(self, name: str) -> bool:
        return name_key(name) in self.keys


@dataclass(frozen=True)
class DocSpec:
    """A document a case expects: accepted types, keys, and the outlet it came ``via`` (None: no via)."""

    types: tuple[str, ...]  # empty: any type (only for not_documents)
    keys: tuple[str, ...]
    via: OutletSpec | None = None

    def matches(self, doc: Citation) -> bool:
        if self.types and (doc.doc_type is None or doc.doc_type.value not in self.types):
            return False
        text = " ".join([doc.name, doc.issuer or "", *(e.text for e in doc.evidence)]).casefold()
        return any(key.casefold() in text for key in self.keys)

    def via_ok(self, doc: Citation) -> bool:
        if self.via is None:
            return not doc.via
        return bool(doc.via) and self.via.matches(doc.via)

    def describe(self) -> str:
        kind = "|".join(self.types) or "any type"
        via = f", via {self.via.name}" if self.via else ", no via"
        return f"{kind} {list(self.keys)}{via}"


@dataclass(frozen=True)
class Capability:
    name: str
    family: str
    about: str
    checks: frozenset[str]


@dataclass(frozen=True)
class Case:
    """One generated article body and what the extractor must find in it."""

    id: str
    family: str
    capability: str
    text: str
    closed: frozenset[str]
    outlets: tuple[OutletSpec, ...] = ()
    optional_outlets: tuple[OutletSpec, ...] = ()
    not_outlets: tuple[OutletSpec, ...] = ()
    documents: tuple[DocSpec, ...] = ()
    optional_documents: tuple[DocSpec, ...] = ()
    not_documents: tuple[DocSpec, ...] = ()

    @property
    def positive(self) -> bool:
        """The case expects something to be cited."""
        return bool(self.outlets or self.documents)

    @property
    def negative(self) -> bool:
        """The case names something that must not be cited, or expects nothing at all."""
        return bool(self.not_outlets or self.not_documents) or not self.positive

    def article(self) -> Article:
        return Article(id=f"behaviour/{self.id}.txt", title="", body=self.text)


@dataclass(frozen=True)
class Suite:
    capabilities: dict[str, Capability]  # in file order
    cases: tuple[Case, ...]

    def families(self) -> list[str]:
        return list(dict.fromkeys(c.family for c in self.capabilities.values()))

    def of(self, capability: str) -> list[Case]:
        return [c for c in self.cases if c.capability == capability]


@dataclass(frozen=True)
class Result:
    case: Case
    problems: tuple[str, ...]
    outlets: tuple[str, ...]  # predicted outlet names
    documents: tuple[str, ...]  # predicted documents, described

    @property
    def passed(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- loading


def load_suite(folder: Path = CASES_DIR) -> Suite:
    """Every family file in ``folder`` (all ``*.toml`` but the lexicon), expanded into cases."""
    shared = _read(folder / LEXICON_FILE)
    lexicons = dict(shared.get("lexicons", {}))
    aliases = alias_index(shared.get("outlets", {}))
    capabilities: dict[str, Capability] = {}
    cases: list[Case] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name == LEXICON_FILE:
            continue
        family = path.stem
        data = _read(path)
        local = {**lexicons, **data.get("lexicons", {})}
        for name, meta in data.get("capabilities", {}).items():
            if name in capabilities:
                raise CaseError(f"{path.name}: capability {name!r} is also declared in family {capabilities[name].family!r}")
            checks = frozenset(meta.get("checks", ()))
            if not checks <= CHECKS:
                raise CaseError(f"{path.name}: capability {name!r} checks {sorted(checks - CHECKS)}; use {sorted(CHECKS)}")
            capabilities[name] = Capability(name, family, meta.get("about", ""), checks)
        counters: dict[str, int] = {}
        for number, block in enumerate(data.get("case", []), 1):
            where = f"{path.name}, case block {number}"
            try:
                for case in _expand(block, family, capabilities, local, aliases, counters):
                    cases.append(case)
            except (KeyError, TypeError, ValueError) as err:
                raise CaseError(f"{where}: {err}") from None
    return Suite(capabilities, tuple(cases))


def alias_index(table: dict[str, list[str]]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every name and alias of ``[outlets]`` -> (canonical name, all its names); a name in two entries is an error."""
    index: dict[str, tuple[str, tuple[str, ...]]] = {}
    for name, others in table.items():
        names = (name, *others)
        for n in names:
            key = name_key(n)
            if key in index and index[key][0] != name:
                raise CaseError(f"{LEXICON_FILE}: {n!r} names both {index[key][0]!r} and {name!r}")
            index[key] = (name, names)
    return index


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise CaseError(f"{path.name} is not valid TOML: {err}") from None


def _expand(block: dict, family: str, capabilities: dict[str, Capability], lexicons: dict, aliases: dict, counters: dict[str, int]) -> Iterator[Case]:
    unknown = set(block) - _CASE_KEYS
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    capability = capabilities.get(block["capability"])
    if capability is None or capability.family != family:
        raise ValueError(f"capability {block['capability']!r} is not declared in this file's [capabilities]")
    texts = block.get("texts") or [block["text"]]
    if isinstance(texts, str):  # the name of a lexicon of templates
        texts = lexicons[texts]
    # A template may be a table: its other fields are {TEXT.field} in the expectations.
    templates = [{"text": t} if isinstance(t, str) else dict(t) for t in texts]
    fill = block.get("fill", {})
    if "TEXT" in fill:
        raise ValueError("TEXT is the template's own slot; give the filler slot another name")
    pools = {slot: _pool(source, lexicons) for slot, source in fill.items()}
    by_text = {t["text"]: t for t in templates}
    for text, binding in _select(list(by_text), pools, block.get("sample")):
        binding = {**binding, "TEXT": by_text[text]}
        number = counters.get(capability.name, 0) + 1
        counters[capability.name] = number
        yield Case(
            id=f"{capability.name}-{number:03d}",
            family=family,
            capability=capability.name,
            text=_fill(text, binding),
            closed=capability.checks,
            outlets=tuple(_outlet(e, binding, aliases) for e in block.get("outlets", [])),
            optional_outlets=tuple(_outlet(e, binding, aliases) for e in block.get("optional_outlets", [])),
            not_outlets=tuple(_outlet(e, binding, aliases) for e in block.get("not_outlets", [])),
            documents=tuple(_document(e, binding, aliases, need_type=True) for e in block.get("documents", [])),
            optional_documents=tuple(_document(e, binding, aliases, need_type=True) for e in block.get("optional_documents", [])),
            not_documents=tuple(_document(e, binding, aliases, need_type=False) for e in block.get("not_documents", [])),
        )


def _pool(source: str | list, lexicons: dict) -> list[dict]:
    """A slot's fillers: a lexicon's name, or a list written inline."""
    items = lexicons[source] if isinstance(source, str) else source
    pool = [{"text": item} if isinstance(item, str) else dict(item) for item in items]
    if not pool or any("text" not in item for item in pool):
        raise ValueError(f"filler list {source if isinstance(source, str) else '(inline)'} is empty or has an item without text")
    return pool


def _select(texts: list[str], pools: dict[str, list[dict]], sample: int | None) -> Iterator[tuple[str, dict[str, dict]]]:
    """Templates × fillers: every combination, or ``sample`` of them spread over templates and fillers.

    A template is filled only through the slots it names. A combination that
    puts the same filler (the same outlet) in two slots is skipped.
    """
    per_text = []
    for text in texts:
        slots = [s for s in pools if re.search(r"\{" + s + r"[.}]", text)]
        combos = [dict(zip(slots, items)) for items in itertools.product(*(pools[s] for s in slots))]
        per_text.append([c for c in combos if _distinct(c.values())])
    total = sum(len(c) for c in per_text)
    if sample is None or sample >= total:
        for text, combos in zip(texts, per_text):
            for combo in combos:
                yield text, combo
        return
    # Round k gives template t its combination (t + k * step) mod n, the step coprime with n and
    # about 0.618 n, so that the sample spreads over every slot's fillers.
    steps = [_step(len(combos)) for combos in per_text]
    seen: set[tuple[int, int]] = set()
    i = 0
    while len(seen) < sample:
        t, k = i % len(texts), i // len(texts)
        i += 1
        n = len(per_text[t])
        if not n or k >= n:
            continue
        c = (t + k * steps[t]) % n
        if (t, c) not in seen:
            seen.add((t, c))
            yield texts[t], per_text[t][c]


def _step(n: int) -> int:
    step = max(1, round(n * 0.618))
    while step > 1 and math.gcd(step, n) != 1:
        step -= 1
    return step


def _distinct(items: Iterable[dict]) -> bool:
    keys = [name_key(item.get("outlet", item["text"])) for item in items]
    return len(keys) == len(set(keys))


def _fill(template: str, binding: dict[str, dict]) -> str:
    def value(match: re.Match[str]) -> str:
        slot, field = match.group(1), match.group(2) or "text"
        item = binding[slot]
        if field == "poss":
            text = item["text"]
            return item.get("poss", text + ("'" if text.endswith("s") else "'s"))
        if field == "outlet":
            return item.get("outlet", item["text"])
        if field == "bare":  # without a leading "The": "the {X.bare} host"
            return re.sub(r"^[Tt]he\s+", "", item["text"])
        if field == "cap":
            text = item["text"]
            return text[:1].upper() + text[1:]
        if field == "key":
            return item.get("key", item["text"])
        if field not in item:
            raise KeyError(f"filler {item['text']!r} has no field {field!r}")
        return str(item[field])

    return _PLACEHOLDER.sub(value, template)


def _outlet(entry: str | dict, binding: dict[str, dict], aliases: dict) -> OutletSpec:
    """``"{X}"`` (the outlet filling slot X), a literal name, or ``{name=..., aliases=[...]}``."""
    if isinstance(entry, str):
        entry = {"name": entry}
    raw = entry["name"]
    extra = [_fill(a, binding) for a in entry.get("aliases", [])]
    whole = _PLACEHOLDER.fullmatch(raw)
    if whole and whole.group(2) is None:
        item = binding[whole.group(1)]
        name = item.get("outlet", item["text"])
        extra += item.get("aliases", [])
    else:
        name = _fill(raw, binding)
    canonical, known = aliases.get(name_key(name), (name, ()))
    names = [name, canonical, *known, *extra]
    return OutletSpec(name, frozenset(name_key(n) for n in names if name_key(n)))


def _document(entry: dict, binding: dict[str, dict], aliases: dict, need_type: bool) -> DocSpec:
    unknown = set(entry) - _DOC_KEYS
    if unknown:
        raise ValueError(f"unknown document fields {sorted(unknown)}")
    raw_type = entry.get("type", [])
    types = tuple(_fill(t, binding) for t in ((raw_type,) if isinstance(raw_type, str) else raw_type))
    if need_type and not types:
        raise ValueError(f"document {entry} has no type")
    if not set(types) <= DOC_TYPES:
        raise ValueError(f"document type {sorted(set(types) - DOC_TYPES)} is not one of FORMAT.md's")
    keys = tuple(_fill(k, binding) for k in entry["keys"])
    if not keys:
        raise ValueError(f"document {entry} has no keys")
    via = _outlet(entry["via"], binding, aliases) if entry.get("via") else None
    return DocSpec(types, keys, via)


# ---------------------------------------------------------------- running


def new_extractor() -> Extractor:
    return Extractor(Gazetteer.load())


def run(suite: Suite, extractor: Extractor | None = None) -> list[Result]:
    """Every case through the extractor, in suite order."""
    extractor = extractor or new_extractor()
    return [check(case, extractor.extract(case.article())) for case in suite.cases]


def check(case: Case, citations: list[Citation]) -> Result:
    """Compare what was extracted from ``case`` with what it expects; the problems explain a failure."""
    problems: list[str] = []
    outlets = [c.name for c in citations if c.kind is CitationKind.OUTLET]
    documents = [c for c in citations if c.kind is CitationKind.DOCUMENT]

    for spec in case.outlets:
        if not any(spec.matches(name) for name in outlets):
            problems.append(f"missing outlet {spec.name}")
    for spec in case.not_outlets:
        for name in outlets:
            if spec.matches(name):
                problems.append(f"cites {name}, which is not a citation here")
    if "outlets" in case.closed:
        allowed = case.outlets + case.optional_outlets + case.not_outlets  # not_outlets are reported above
        for name in outlets:
            if not any(spec.matches(name) for spec in allowed):
                problems.append(f"unexpected outlet {name}")

    unmatched = list(documents)
    for spec in case.documents:
        candidates = [d for d in unmatched if spec.matches(d)]
        if not candidates:
            problems.append(f"missing document {spec.describe()}")
            continue
        best = next((d for d in candidates if spec.via_ok(d)), candidates[0])
        unmatched.remove(best)
        if not spec.via_ok(best):
            want = spec.via.name if spec.via else "none"
            problems.append(f"document {spec.describe()} found with via {best.via or 'none'} (expected {want})")
    for doc in unmatched:
        if any(spec.matches(doc) for spec in case.not_documents):
            problems.append(f"cites document {describe(doc)}, which is not a citation here")
        elif "documents" in case.closed and not any(spec.matches(doc) for spec in case.optional_documents):
            problems.append(f"unexpected document {describe(doc)}")
    return Result(case, tuple(problems), tuple(outlets), tuple(describe(d) for d in documents))


def describe(doc: Citation) -> str:
    kind = doc.doc_type.value if doc.doc_type else "?"
    parts = [f"{kind} {doc.name!r}"]
    if doc.issuer:
        parts.append(f"issuer {doc.issuer!r}")
    parts.append(f"via {doc.via}" if doc.via else "no via")
    return ", ".join(parts)


# ---------------------------------------------------------------- reporting


@dataclass(frozen=True)
class Rate:
    capability: str
    family: str
    cases: int
    passed: int

    @property
    def rate(self) -> float:
        return self.passed / self.cases if self.cases else 1.0


def rates(suite: Suite, results: list[Result]) -> dict[str, Rate]:
    """Pass rate per capability, in the order the capabilities are declared."""
    out = {}
    for name, cap in suite.capabilities.items():
        mine = [r for r in results if r.case.capability == name]
        out[name] = Rate(name, cap.family, len(mine), sum(r.passed for r in mine))
    return out


def explain(result: Result) -> str:
    """A failing case as a developer wants to see it: the text, what was expected, what was found."""
    case = result.case
    lines = [f"{case.id}: {case.text!r}"]
    expected = [f"outlets {[s.name for s in case.outlets]}"] if case.outlets else []
    if case.not_outlets:
        expected.append(f"not outlets {[s.name for s in case.not_outlets]}")
    expected += [f"document {d.describe()}" for d in case.documents]
    expected += [f"no document {d.describe()}" for d in case.not_documents]
    lines.append(f"    expected: {'; '.join(expected) or 'nothing cited'}")
    lines.append(f"    found:    outlets {list(result.outlets)}; documents {list(result.documents)}")
    lines.extend(f"    - {p}" for p in result.problems)
    return "\n".join(lines)
