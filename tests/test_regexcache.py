"""Compiled patterns kept between processes: a saved program gives the pattern re.compile gives."""

from __future__ import annotations

import json
import re

import pytest

from citegraph import regexcache
from citegraph.gazetteer import Gazetteer
from citegraph.outlets import load_cues


@pytest.fixture
def fresh(monkeypatch):
    """An empty cache, as in a new process."""
    monkeypatch.setattr(regexcache, "_LOADED", {})
    monkeypatch.setattr(regexcache, "_COMPILED", {})


def _sources() -> list[str]:
    """Real patterns of the extractor: the cue grammar and an outlet name trie."""
    cues = load_cues()
    gaz = Gazetteer.load()
    return sorted(cues._sources.values()) + [gaz._by_first["The"].pattern, gaz._by_first["New"].pattern]


def test_saved_programs_give_equal_patterns(tmp_path, fresh):
    path = tmp_path / "regex.json"
    compiled = {s: regexcache.compile(s) for s in _sources()}
    regexcache.save(path)
    regexcache._LOADED.clear()
    regexcache.load(path)
    assert set(compiled) <= set(regexcache._LOADED)
    for source, pattern in compiled.items():
        again = regexcache.compile(source)
        assert again == pattern == re.compile(source)
        assert (again.groupindex, again.groups) == (pattern.groupindex, pattern.groups)
    assert not regexcache._COMPILED  # every one came from the file


def test_other_interpreter_or_broken_program_falls_back(tmp_path, fresh):
    source = sorted(load_cues()._sources.values())[0]
    path = tmp_path / "regex.json"
    regexcache.compile(source)
    regexcache.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**data, "key": "another python"}), encoding="utf-8")
    regexcache._LOADED.clear()
    regexcache.load(path)
    assert not regexcache._LOADED
    data["programs"][source][1] = [1, 2, 3]  # not a valid program: the engine refuses it
    path.write_text(json.dumps(data), encoding="utf-8")
    regexcache.load(path)
    assert regexcache.compile(source) == re.compile(source)
    assert source not in regexcache._LOADED and source in regexcache._COMPILED
