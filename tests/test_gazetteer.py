"""The gazetteer: loading, user overrides, lookup and mention finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from citegraph.errors import ConfigError
from citegraph.extract.gazetteer import Gazetteer
from citegraph.extract.names import outlet_key as normalise


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_builtin_has_300_outlets(gaz):
    assert len(gaz) >= 300
    assert gaz.outlets == tuple(sorted(gaz.outlets, key=lambda o: o.name.casefold()))


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("FP", "Foreign Policy"),
        ("foreignpolicy.com", "Foreign Policy"),
        ("the New York Times", "The New York Times"),
        ("NYT", "The New York Times"),
        ("https://edition.cnn.com/2023/11/x.html", "CNN"),
        ("Associated Press", "Associated Press"),
        ("AFP", "Agence France-Presse"),
    ],
)
def test_lookup(gaz, name, canonical):
    assert gaz.lookup(name).name == canonical


@pytest.mark.parametrize("name", ["", "Washington", "Biden administration", "example.com"])
def test_lookup_unknown(gaz, name):
    assert gaz.lookup(name) is None


@pytest.mark.parametrize(
    "text, surface, canonical, ambiguous",
    [
        ("The sources told CNN that one official", "CNN", "CNN", False),
        ("CNN's Jake Tapper asked", "CNN", "CNN", False),
        ("As RadarOnline.com previously reported", "RadarOnline.com", "RadarOnline", False),
        ("according to a New York Times/CBS News poll", "New York Times", "The New York Times", False),
        ("obtained by POLITICO", "POLITICO", "Politico", False),
        ("the Times reported", "Times", None, True),
    ],
)
def test_find_mentions(gaz, text, surface, canonical, ambiguous):
    mention = next(m for m in gaz.find_mentions(text) if surface in m.surface)
    assert text[mention.start : mention.end] == mention.surface
    assert mention.ambiguous is ambiguous
    if canonical:
        assert mention.outlet.name == canonical


def test_longest_match_and_word_boundaries(gaz):
    text = "a New York Times/CBS News poll, not Foxconn or microsoft.com"
    names = [m.outlet.name for m in gaz.find_mentions(text)]
    assert names == ["The New York Times", "CBS News"]


def test_mentions_on_seed(gaz):
    body = (Path(__file__).resolve().parents[1] / "data" / "001_6195e9e891bbb07e.txt").read_text(encoding="utf-8")
    names = {m.outlet.name for m in gaz.find_mentions(body) if not m.ambiguous}
    assert {"The New York Times", "Axios", "CNN"} <= names


def test_user_file_adds_replaces_and_disables(tmp_path):
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[outlet]]\nname = "Tiny Gazette"\naliases = ["The Tiny"]\ndomains = ["tiny.example"]\n\n'
        '[[outlet]]\nname = "Axios"\ndisabled = true\n\n'
        '[[outlet]]\nname = "CNN"\nabbreviations = ["CNNX"]\ndomains = ["cnn.com"]\n',
        encoding="utf-8",
    )
    gaz = Gazetteer.load(user)
    assert gaz.lookup("tiny.example").name == "Tiny Gazette"
    assert gaz.lookup("Axios") is None
    assert gaz.lookup("CNNX").name == "CNN"
    assert len(gaz) == len(Gazetteer.load())


@pytest.mark.parametrize(
    "content, message",
    [
        ("[[outlet]\nname = 'x'\n", "is not valid TOML"),
        ("[[outlet]]\naliases = ['x']\n", "line 1: every [[outlet]] needs a non-empty name"),
        ("[[outlet]]\nname = 'A'\n\n[[outlet]]\nname = 'B'\naliases = 'B2'\n", "line 4 (B): field 'aliases' must be a list"),
        ("[[outlet]]\nname = 'A'\nalias = ['x']\n", "unknown field 'alias'"),
        ("[outlets]\nname = 'A'\n", "write each outlet as an [[outlet]] table"),
    ],
)
def test_bad_user_file(tmp_path, content, message):
    user = tmp_path / "bad.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=None) as err:
        Gazetteer.load(user)
    assert message in str(err.value)
    assert str(user) in str(err.value)


def test_missing_user_file(tmp_path):
    with pytest.raises(ConfigError, match="check the --outlets path"):
        Gazetteer.load(tmp_path / "absent.toml")


def test_normalise_matches_gold_format():
    assert normalise("The New York Times") == normalise("new york times") == "newyorktimes"


def test_outlet_key_keeps_the_letters_of_every_script():
    """Names in other alphabets keep their letters: they neither vanish nor meet other names."""
    assert normalise("Süddeutsche Zeitung") == "süddeutschezeitung" != normalise("Sddeutsche Zeitung")
    assert normalise("الجزيرة") == "الجزيرة"
    assert normalise("The Asahi Shimbun (朝日新聞)") == "asahishimbun朝日新聞"


def test_builtin_outlet_file_is_parsed_once_per_process(monkeypatch):
    """The gazetteer and the HTML reader's domain table share one parse of ``data/outlets.toml``
    (a worker that meets a page without a publisher parsed the file a second time)."""
    from citegraph import rules
    from citegraph.extract import gazetteer
    from citegraph.read import htmlpage

    parsed = []
    real = rules.tomllib.loads
    monkeypatch.setattr(rules.tomllib, "loads", lambda text: parsed.append(len(text)) or real(text))
    caches = (rules.load, rules.package_text, gazetteer._builtin_outlets, htmlpage._outlet_domains)
    for cache in caches:
        cache.cache_clear()
    try:
        outlets = Gazetteer.load()
        assert htmlpage.publisher_from_url("https://www.bbc.co.uk/news/x") == outlets.lookup("bbc.co.uk").name
        assert htmlpage.publisher_from_url("https://edition.cnn.com/2024/x") == "CNN"
        assert len(parsed) == 1 and parsed[0] == len(rules.package_text(gazetteer.BUILTIN_FILE))
    finally:
        for cache in caches:
            cache.cache_clear()
