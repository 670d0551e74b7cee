"""The built-in outlet gazetteer data file: schema, uniqueness and coverage of real text.

``citegraph/data/outlets.toml`` is a contract shared by the gazetteer loader,
the extractor and the publisher resolver, so its shape is checked here
field by field. Coverage is checked against real material: the seed gold
labels, the PolNeAR metadata (wire and "h/t" credits) and the URLs of the
Article Extraction Benchmark pages.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import tomllib
from collections import Counter
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import pytest

FIELDS = {
    "name": str,
    "aliases": list,
    "abbreviations": list,
    "domains": list,
    "country": str,
    "kind": str,
    "ambiguous": list,
}
NAME_FIELDS = ("aliases", "abbreviations")
KINDS = {"wire", "newspaper", "broadcaster", "magazine", "digital", "state_media"}
# ISO 3166-1 alpha-2 (as in tzdata's iso3166.tab), plus "INT" for multinational outlets.
COUNTRIES = set(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW INT
    """.split()
)
DOMAIN = re.compile(r"^(?!www\.)[a-z0-9-]+(\.[a-z0-9-]+)+$")


def load_outlets() -> list[dict]:
    """Read the packaged file the way users get it: as package data."""
    text = (resources.files("citegraph") / "data" / "outlets.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["outlet"]


OUTLETS = load_outlets()


def norm(name: str) -> str:
    """The gold scorer's name key: lower-case, no leading "the", letters and digits only."""
    lowered = re.sub(r"^the\s+", "", name.strip().casefold())
    return "".join(ch for ch in lowered if ch.isalnum())


def ascii_norm(name: str) -> str:
    """The same key keeping only ASCII letters and digits ("RTÉ" -> "rt"), as a stricter matcher may."""
    return re.sub(r"[^a-z0-9]", "", re.sub(r"^the\s+", "", name.strip().casefold()))


def names_of(outlet: dict) -> list[str]:
    """Every unambiguous string that names ``outlet``."""
    return [outlet["name"], *outlet["aliases"], *outlet["abbreviations"]]


@functools.cache
def name_index() -> dict[str, str]:
    """Normalised name/alias/abbreviation -> canonical name (the uniqueness test guards clashes)."""
    return {norm(n): o["name"] for o in OUTLETS for n in names_of(o)}


def domain_owner(host: str) -> str | None:
    """The outlet whose domain is ``host`` or a parent domain of it."""
    host = host.lower().removeprefix("www.")
    for outlet in OUTLETS:
        if any(host == d or host.endswith("." + d) for d in outlet["domains"]):
            return outlet["name"]
    return None


def resolve(name: str) -> str | None:
    """Canonical outlet for a name, alias, abbreviation or domain as written in real text."""
    key = name.strip().rstrip(".").strip()
    if "." in key and " " not in key and domain_owner(key):
        return domain_owner(key)
    return name_index().get(norm(key))


def test_has_at_least_350_outlets():
    assert len(OUTLETS) >= 350, len(OUTLETS)


def test_entries_are_sorted_by_name():
    names = [o["name"] for o in OUTLETS]
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize("field,kind", sorted(FIELDS.items(), key=lambda kv: kv[0]))
def test_every_entry_has_field_of_right_type(field, kind):
    bad = [o.get("name") for o in OUTLETS if not isinstance(o.get(field), kind)]
    assert bad == []
    if kind is list:
        bad = [o["name"] for o in OUTLETS if not all(isinstance(s, str) and s.strip() == s and s for s in o[field])]
        assert bad == []


def test_entries_have_no_unknown_fields():
    assert sorted({k for o in OUTLETS for k in o} - set(FIELDS)) == []


def test_kinds_and_countries_are_valid():
    assert [(o["name"], o["kind"]) for o in OUTLETS if o["kind"] not in KINDS] == []
    assert [(o["name"], o["country"]) for o in OUTLETS if o["country"] not in COUNTRIES] == []


def test_every_kind_and_many_countries_are_covered():
    assert {o["kind"] for o in OUTLETS} == KINDS
    assert len({o["country"] for o in OUTLETS}) >= 60


@pytest.mark.parametrize("key", [norm, ascii_norm], ids=["unicode", "ascii"])
def test_names_aliases_and_abbreviations_are_unique_across_outlets(key):
    owners: dict[str, set[str]] = {}
    for outlet in OUTLETS:
        for name in names_of(outlet):
            owners.setdefault(key(name), set()).add(outlet["name"])
    clashes = {key: sorted(names) for key, names in owners.items() if len(names) > 1}
    assert not clashes, clashes
    assert [key for key in owners if not key] == []


def test_no_outlet_repeats_a_string():
    """Names and aliases differ beyond case; abbreviations are case-sensitive ("dpa", "DPA")."""
    repeated = []
    for outlet in OUTLETS:
        full = [s.casefold() for s in [outlet["name"], *outlet["aliases"]]]
        repeated += [(outlet["name"], s) for s, n in Counter(full).items() if n > 1]
        repeated += [(outlet["name"], s) for s, n in Counter(outlet["abbreviations"]).items() if n > 1]
        unambiguous = {s.casefold() for s in outlet["aliases"] + outlet["abbreviations"]}
        repeated += [(outlet["name"], s) for s in outlet["ambiguous"] if s.casefold() in unambiguous]
        repeated += [(outlet["name"], s) for s, n in Counter(outlet["ambiguous"]).items() if n > 1]
    assert not repeated, repeated


def test_ambiguous_strings_never_name_another_outlet_outright():
    index = {n.casefold(): o["name"] for o in OUTLETS for n in names_of(o)}
    clashes = [(o["name"], s, index[s.casefold()]) for o in OUTLETS for s in o["ambiguous"]
               if index.get(s.casefold(), o["name"]) != o["name"]]
    assert not clashes, clashes


def test_domains_are_bare_lowercase_hosts_owned_by_one_outlet():
    domains = [(d, o["name"]) for o in OUTLETS for d in o["domains"]]
    assert [d for d, _ in domains if not DOMAIN.match(d)] == []
    owners = Counter(d for d, _ in domains)
    assert [d for d, n in owners.items() if n > 1] == []
    owner = dict(domains)
    parents = [(d, ".".join(d.split(".")[i:]), name) for d, name in domains for i in range(1, d.count("."))]
    nested = [(d, parent, name) for d, parent, name in parents if owner.get(parent, name) != name]
    assert not nested, nested


def test_nearly_every_outlet_has_a_domain():
    without = [o["name"] for o in OUTLETS if not o["domains"]]
    assert len(without) <= len(OUTLETS) // 20, without


@pytest.fixture(scope="module")
def bbc_lowercase_words(corpora) -> Counter:
    """How often each lower-case word occurs in the BBC corpus (ordinary English usage)."""
    counts: Counter = Counter()
    for path in sorted((corpora / "bbc-fulltext" / "bbc").glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        counts.update(re.findall(r"\b[a-z]+\b", text))
    return counts


def test_names_that_are_ordinary_words_are_marked_ambiguous(bbc_lowercase_words):
    """A one-word name used as an ordinary word in real news text needs context to count."""
    unmarked = []
    for outlet in OUTLETS:
        ambiguous = {s.casefold() for s in outlet["ambiguous"]}
        for name in [outlet["name"], *outlet["aliases"]]:
            word = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
            if " " in word or {name.casefold(), word.casefold()} & ambiguous:
                continue
            if bbc_lowercase_words[word.casefold()] >= 3:
                unmarked.append((outlet["name"], name, bbc_lowercase_words[word.casefold()]))
    assert not unmarked, unmarked


def gold_articles(gold_file: Path) -> list[dict]:
    return [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_gold_outlets_and_publishers_resolve_to_one_outlet(gold_file):
    missing, split = [], []
    for article in gold_articles(gold_file):
        labels = [(o["name"], o.get("aliases", [])) for o in article["outlets"]]
        labels.append((article["publisher"], []))
        for name, aliases in labels:
            found = {resolve(s) for s in [name, *aliases]} - {None}
            if not found:
                missing.append(name)
            elif len(found) > 1:
                split.append((name, sorted(found)))
    assert (missing, split) == ([], [])


def test_seed_gold_abbreviations_and_domains_are_listed(gold_file):
    """Gold aliases such as "NYT", "FP" or "cnn.com" are in the outlet's own entry."""
    by_name = {o["name"]: o for o in OUTLETS}
    absent = []
    for article in gold_articles(gold_file):
        for gold in article["outlets"]:
            outlet = by_name[resolve(gold["name"])]
            listed = {s.casefold() for s in names_of(outlet) + outlet["domains"]}
            absent += [(gold["name"], a) for a in gold.get("aliases", []) if a.casefold() not in listed]
    assert not absent, absent


def polnear_metadata(corpora: Path) -> list[dict]:
    with open(corpora / "polnear" / "metadata.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_polnear_wire_credits_resolve(corpora):
    wires = sorted({row["wire"] for row in polnear_metadata(corpora)} - {"", "None", "NA"})
    assert wires and [(w, resolve(w)) for w in wires if not resolve(w)] == []
    assert {resolve(w) for w in wires} <= {o["name"] for o in OUTLETS if o["kind"] == "wire"}


def test_polnear_hat_tip_credits_mostly_resolve(corpora):
    """ "h/t: The Hill" credits name outlets; a few name platforms or pollsters (Twitter, Rasmussen)."""
    credits = [row["credit"].removeprefix("h/t:").strip() for row in polnear_metadata(corpora)
               if row["credit"].startswith("h/t:")]
    resolved = [c for c in credits if resolve(c)]
    assert len(credits) >= 40
    assert len(resolved) / len(credits) >= 0.85, sorted(set(credits) - set(resolved))


def test_benchmark_page_hosts_map_to_publishers(corpora):
    """URLs of the Article Extraction Benchmark pages (news sites and blogs) mostly resolve."""
    truth = json.loads((corpora / "aeb-html" / "ground-truth.json").read_text(encoding="utf-8"))
    hosts = sorted({urlparse(page["url"]).hostname for page in truth.values()})
    known = [h for h in hosts if domain_owner(h)]
    assert len(hosts) >= 100
    assert len(known) / len(hosts) >= 0.65, sorted(set(hosts) - set(known))


# ---------------------------------------------------------------- families of outlets


@functools.cache
def gazetteer():
    from citegraph.extract.gazetteer import Gazetteer

    return Gazetteer.load()


@pytest.mark.parametrize(
    "written,outlet",
    [
        # US local broadcasters: call signs with and without "-TV", and unambiguous on-air brands
        ("WUSA", "WUSA"), ("WUSA9", "WUSA"), ("KING 5", "KING-TV"), ("KFSM", "KFSM-TV"),
        ("WABC-TV", "WABC-TV"), ("KTLA", "KTLA"), ("WGN-TV", "WGN-TV"), ("WFAA", "WFAA"),
        ("KHOU", "KHOU"), ("KPRC 2", "KPRC-TV"), ("WSB-TV", "WSB-TV"), ("WPLG", "WPLG"),
        ("NBC South Florida", "WTVJ"), ("ABC7 Chicago", "WLS-TV"), ("KGO-TV", "KGO-TV"),
        ("NBC4 Washington", "WRC-TV"), ("Fox 5 DC", "WTTG"), ("WMUR", "WMUR-TV"), ("WTOP", "WTOP"),
        ("wusa9.com", "WUSA"), ("https://www.nbcmiami.com/news/", "WTVJ"),
        # national agencies and public broadcasters, in full and by acronym
        ("Yonhap", "Yonhap News Agency"), ("Kyodo", "Kyodo News"), ("Jiji Press", "Jiji Press"),
        ("ANSA", "ANSA"), ("EFE", "EFE"), ("dpa", "Deutsche Presse-Agentur"), ("ČTK", "ČTK"),
        ("Anadolu Agency", "Anadolu Agency"), ("KUNA", "Kuwait News Agency"), ("QNA", "Qatar News Agency"),
        ("PTI", "Press Trust of India"), ("Bernama", "Bernama"), ("NTB", "Norsk Telegrambyrå"),
        ("Ritzau", "Ritzau"), ("STT", "Finnish News Agency"), ("BTA", "Bulgarian News Agency"),
        ("Korean Broadcasting System", "KBS"), ("Nippon Hōsō Kyōkai", "NHK"),
        ("Australian Broadcasting Corporation", "Australian Broadcasting Corporation"),
        ("Radio Television of Serbia", "RTS (Serbia)"), ("Deutschlandfunk", "Deutschlandfunk"),
        # regional and national papers, Sundays and digital newsrooms
        ("Miami New Times", "Miami New Times"), ("Sioux Falls Argus Leader", "Argus Leader"),
        ("The Aspen Times", "The Aspen Times"), ("Edmonton Sun", "Edmonton Sun"),
        ("Sueddeutsche Zeitung", "Süddeutsche Zeitung"), ("Yorkshire Post", "The Yorkshire Post"),
        ("Otago Daily Times", "Otago Daily Times"), ("Mississippi Today", "Mississippi Today"),
        ("The 19th News", "The 19th"), ("TechNewsWorld", "TechNewsWorld"), ("PC World", "PCWorld"),
    ],
)
def test_outlets_of_the_new_families_resolve(written, outlet):
    found = gazetteer().lookup(written)
    assert found is not None and found.name == outlet, (written, found)


@pytest.mark.parametrize(
    "sunday,daily",
    [
        ("The Sunday Telegraph", "The Daily Telegraph"),
        ("The Sunday Times", "The Times"),
        ("Sunday Express", "Daily Express"),
        ("Sunday Mirror", "Daily Mirror"),
        ("The Independent on Sunday", "The Independent"),
        ("Bild am Sonntag", "Bild"),
        ("Welt am Sonntag", "Die Welt"),
    ],
)
def test_sunday_titles_are_outlets_of_their_own(sunday, daily):
    found, other = gazetteer().lookup(sunday), gazetteer().lookup(daily)
    assert found is not None and other is not None
    assert (found.name, other.name) == (sunday, daily)


@pytest.mark.parametrize(
    "text,surface,outlet",
    [
        ("Trump told NBC South Florida on Thursday.", "NBC South Florida", "WTVJ"),
        ("The story ran in the Miami New Times last week.", "Miami New Times", "Miami New Times"),
        ("Aides spoke to CNN Türk on Monday.", "CNN Türk", "CNN Türk"),
        ("He said so on CNN-News18 last night.", "CNN-News18", "CNN-News18"),
        ("She was interviewed by CNN Brasil.", "CNN Brasil", "CNN Brasil"),
        ("It was first reported by Financial Times Deutschland.", "Financial Times Deutschland", "Financial Times Deutschland"),
        ("The Sunday Telegraph reported the sale.", "The Sunday Telegraph", "The Sunday Telegraph"),
    ],
)
def test_the_longer_name_is_its_own_outlet(text, surface, outlet):
    mentions = [m for m in gazetteer().find_mentions(text) if not m.ambiguous]
    assert [(m.surface, m.outlet.name) for m in mentions] == [(surface, outlet)]


@pytest.mark.parametrize("brand", ["Fox 5", "ABC 7", "NBC 4", "CBS 2", "Channel 4", "News 4", "ABC7", "9News"])
def test_shared_station_brands_are_ambiguous_and_not_the_network(brand):
    """ "Fox 5" is a station in several cities, never Fox News; it counts only when its station is named too."""
    mentions = gazetteer().find_mentions(f"The mayor told {brand} on Tuesday.")
    assert [(m.surface, m.ambiguous) for m in mentions] == [(brand, True)]
    assert {m.outlet.kind for m in mentions} == {"broadcaster"}
    assert len(mentions[0].candidates) > 1 or mentions[0].outlet.country != "US"


@pytest.mark.parametrize(
    "acronym",
    ["CPI", "PPI", "DNA", "EPA", "PRI", "AGI", "LRT", "HRT", "MRT", "TVA", "CPAC", "WHO", "UBC", "RBA", "KING", "WAVE"],
)
def test_acronyms_and_words_that_name_other_things_are_not_outlets_outright(acronym):
    assert gazetteer().lookup(acronym) is None
    assert all(m.ambiguous for m in gazetteer().find_mentions(f"A statement from {acronym} said so."))
