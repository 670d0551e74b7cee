"""A damaged store or cache gives a clean build's outputs, or a clear error; nothing in OUT is taken on trust.

The store is sealed after each build that changed it (its SHA-256, signed
with a key kept outside OUT, docs/STORE.md "Damage"); a bit flip, a
truncation, an edit by another program or a store made on another machine
fails the seal, and the store is rebuilt from the inputs. An SQLite file that
citegraph did not make is refused and left as it is.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citegraph import BuildOptions, build
from citegraph.cli import app
from citegraph.errors import BuildError
from citegraph.pipeline import export
from citegraph.store import STORE_NAME
from citegraph.store.db import Store
from conftest import CORPORA, DATA, copy_seeds, need_shared, output_bytes

CHANGED = "001_6195e9e891bbb07e.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A build of the seeds and 20 Wikinews texts (given as ``in``, relative: a copy of the folder that holds
    ``in`` and ``out`` is the same build), and a clean build's outputs after one input was edited."""
    root = tmp_path_factory.mktemp("damage")
    inputs = copy_seeds(root / "in")
    for path in sorted(need_shared(CORPORA / "gum-wikinews" / "text").glob("*.txt"))[:20]:
        shutil.copy2(path, inputs / path.name)
    with_cwd(root, lambda: build(BuildOptions(inputs=(Path("in"),), out=Path("out"), jobs=1)))
    clean = root / "clean"  # a clean build of the edited inputs, given as ``in`` too
    shutil.copytree(inputs, clean / "in")
    edit(clean / "in")
    with_cwd(clean, lambda: build(BuildOptions(inputs=(Path("in"),), out=Path("out"), jobs=1)))
    return root, output_bytes(clean / "out")


def with_cwd(folder: Path, work):
    here = os.getcwd()
    os.chdir(folder)
    try:
        return work()
    finally:
        os.chdir(here)


def edit(inputs: Path) -> None:
    (inputs / CHANGED).write_text((DATA / CHANGED).read_text(encoding="utf-8") + "\nAn added line.\n",
                                  encoding="utf-8")


def damaged_copy(built, tmp_path: Path, damage) -> Path:
    """A copy of the build (its inputs and OUT, the same relative paths), ``damage(out)`` done to its OUT and
    one input edited; the copy's folder."""
    root, _ = built
    copy = tmp_path / "copy"
    for name in ("in", "out"):
        shutil.copytree(root / name, copy / name)
    damage(copy / "out")
    edit(copy / "in")
    return copy


def rebuild(copy: Path):
    return with_cwd(copy, lambda: build(BuildOptions(inputs=(Path("in"),), out=Path("out"), jobs=1)))


def rebuild_is_clean(built, tmp_path: Path, damage) -> list[str]:
    """Damage a copy of the build, rebuild it with one input edited: a clean build's bytes. The notes."""
    copy = damaged_copy(built, tmp_path, damage)
    result = rebuild(copy)
    assert output_bytes(copy / "out") == built[1]
    again = rebuild(copy)  # and the store is sound again
    assert (again.regenerated, again.notes, again.update.read) == (False, [], 0)
    return result.notes


def flip(offset: int, name: str = STORE_NAME):
    def damage(out: Path) -> None:
        path = out / name
        data = bytearray(path.read_bytes())
        at = offset % len(data)
        data[at] ^= 1 << (offset % 8)
        path.write_bytes(bytes(data))
    return damage


def truncate(keep: float):
    def damage(out: Path) -> None:
        path = out / STORE_NAME
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])
    return damage


FLIPS = [random.Random(n).randrange(1 << 30) for n in range(40)]


@pytest.mark.parametrize("offset", FLIPS[:6])
def test_a_bit_flip_in_the_store_gives_a_clean_build(built, tmp_path, offset):
    """A bit flip in citegraph.sqlite was published as wrong output with exit 0."""
    notes = rebuild_is_clean(built, tmp_path, flip(offset))
    assert len(notes) == 1 and "it is only a cache of the inputs, so it was rebuilt from them" in notes[0]


@pytest.mark.slow
@pytest.mark.parametrize("offset", FLIPS[6:])
def test_more_bit_flips_in_the_store_give_a_clean_build(built, tmp_path, offset):
    rebuild_is_clean(built, tmp_path, flip(offset))


@pytest.mark.parametrize("keep", [0.0, 0.001, 0.25, 0.5, 0.9, 0.999])
def test_a_truncated_store_gives_a_clean_build(built, tmp_path, keep):
    rebuild_is_clean(built, tmp_path, truncate(keep))


def test_a_store_edited_by_another_program_gives_a_clean_build(built, tmp_path):
    """A valid edit (any SQLite client can make one) is not taken for the build's own data."""
    def edit(out: Path) -> None:
        with sqlite3.connect(out / STORE_NAME) as db:
            db.execute("UPDATE articles SET title = 'Forged title', record = replace(record, '\"title\": ', "
                       "'\"title\": \"Forged title\", \"x\": ')")
    notes = rebuild_is_clean(built, tmp_path, edit)
    assert "changed since the last build sealed it" in notes[0]


def test_a_store_from_another_machine_is_rebuilt(built, tmp_path, monkeypatch):
    """An OUT folder handed over: its store was sealed with another key, so it is rebuilt from the inputs."""
    def forged(out: Path) -> None:
        with sqlite3.connect(out / STORE_NAME) as db:
            db.execute("UPDATE articles SET title = 'Forged title'")
        seal = json.loads((out / "citegraph.sqlite.seal").read_text())
        seal["signature"] = "hmac:" + "0" * 64  # whoever made it had another key
        (out / "citegraph.sqlite.seal").write_text(json.dumps(seal))
    notes = rebuild_is_clean(built, tmp_path, forged)
    assert "was not sealed by citegraph on this machine" in notes[0]


def test_a_file_that_is_not_sqlite_is_kept_aside(built, tmp_path):
    def garbage(out: Path) -> None:
        (out / STORE_NAME).write_bytes(b"PK\x03\x04 this is a zip file, not a store" * 100)
    notes = rebuild_is_clean(built, tmp_path, garbage)
    assert "was not an SQLite file: it was moved to citegraph.sqlite.damaged" in notes[0]
    assert (tmp_path / "copy" / "out" / "citegraph.sqlite.damaged").read_bytes().startswith(b"PK\x03\x04")


def test_an_sqlite_file_citegraph_did_not_make_is_refused_and_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / STORE_NAME) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        db.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    before = (out / STORE_NAME).read_bytes()
    result = CliRunner().invoke(app, ["build", str(DATA), "--out", str(out), "--no-progress"])
    assert (result.exit_code, result.output) == (1, (
        f"Error: {out / STORE_NAME} is an SQLite database that citegraph did not make (tables: invoices); "
        "citegraph keeps its store at OUT/citegraph.sqlite: move that file elsewhere or choose another --out. "
        "It was not changed.\n"))
    assert (out / STORE_NAME).read_bytes() == before
    from citegraph.errors import StoreError  # here: the rest of the module runs on code without it

    with pytest.raises(StoreError, match="did not make"):
        Store.open(out / STORE_NAME)


@pytest.mark.parametrize("name", [".citegraph/graph.json", ".citegraph/journal.json"])
@pytest.mark.parametrize("offset", FLIPS[:3])
def test_a_bit_flip_in_the_graph_cache_gives_a_clean_build(built, tmp_path, name, offset):
    notes = rebuild_is_clean(built, tmp_path, flip(offset, name))
    assert notes == []  # the cache is not used; the store is sound


def test_export_from_a_damaged_store_says_so(built, tmp_path):
    copy = damaged_copy(built, tmp_path, flip(FLIPS[0]))
    with pytest.raises(BuildError, match="the store of the build in .* was damaged and has been emptied: run "
                                         "`citegraph build"):
        export(copy / "out")


def test_a_killed_build_is_checked_and_carried_on(built, tmp_path):
    """After a build that was killed (its seal says a build was under way), the store is checked with
    ``PRAGMA quick_check`` and used: the next build reads only what the killed one had not stored."""
    copy = damaged_copy(built, tmp_path, lambda out: None)
    out = copy / "out"
    seal = out / "citegraph.sqlite.seal"
    with Store.open(out / STORE_NAME) as store:
        store.verify()
        store._writing()  # what a build does before its first change: the seal now says "open"
        store.db.close()
        store.db = sqlite3.connect(":memory:")
        store._wrote = False  # and the process is killed: never sealed again
    assert json.loads(json.loads(seal.read_text())["seal"])["state"] == "open"
    result = rebuild(copy)
    assert (result.notes, result.update.read) == ([], 1)
    assert output_bytes(out) == built[1]
