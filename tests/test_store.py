"""The SQLite build store: what it holds equals a clean read and extraction, and its layout is documented."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from citegraph.store import db as store_module
from citegraph.store import keys
from citegraph.store.runners import InProcess
from citegraph.store.update import UpdateOptions, update_store
from citegraph.pipeline import BuildOptions, extract_all, read_all
from citegraph.store.db import FileState, Store
from conftest import CORPORA, DATA, REPO, copy_seeds, need_shared

DOC = REPO / "docs" / "STORE.md"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Seeds, Wikinews texts in a sub-folder, a JSONL file with a broken line, and an empty file."""
    root = copy_seeds(tmp_path_factory.mktemp("store") / "corpus")
    texts = sorted(need_shared(CORPORA / "gum-wikinews" / "text").glob("*.txt"))
    (root / "sub").mkdir()
    for path in texts[:3]:
        shutil.copy2(path, root / "sub" / path.name)
    lines = [json.dumps({"text": p.read_text(encoding="utf-8")}) for p in texts[3:5]]
    (root / "feed.jsonl").write_text(lines[0] + "\n{not json\n" + lines[1] + "\n", encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def filled(corpus: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("db") / "citegraph.sqlite"
    with Store.open(path) as store:
        update_store(store, UpdateOptions(inputs=(corpus,)), runner=InProcess())
    return path


def test_store_holds_exactly_a_clean_read_and_extraction(corpus: Path, filled: Path) -> None:
    options = BuildOptions(inputs=(corpus,))
    articles, skips = read_all(options)
    with Store.open(filled) as store:
        assert list(store.articles()) == articles
        assert list(store.citations()) == extract_all(articles, options)
        assert store.skips() == skips
        assert {a.id for a in articles} >= {"feed.jsonl#1", "feed.jsonl#3", "sub/" + sorted(os.listdir(corpus / "sub"))[0]}
        assert [s.path for s in skips] == ["empty.txt", "feed.jsonl#2"]  # relative to the input folder


def test_any_sqlite_client_reads_the_documented_tables(filled: Path) -> None:
    documented: dict[str, set[str]] = {}
    for table, column in re.findall(r"^\| `(\w+)` \| `(\w+)` \|", DOC.read_text(encoding="utf-8"), re.M):
        documented.setdefault(table, set()).add(column)
    with sqlite3.connect(f"file:{filled}?mode=ro", uri=True) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        actual = {t: {r[1] for r in db.execute(f"PRAGMA table_info({t})")} | ({"rowid"} if t == "articles" else set()) for t in tables}
        meta = dict(db.execute("SELECT key, value FROM meta"))
        joined = db.execute(
            "SELECT count(*) FROM citations c JOIN articles a ON a.rowid = c.article JOIN files f ON f.path = a.file"
        ).fetchone()[0]
    assert actual == documented
    assert joined == db_count(filled, "citations") > 0
    assert set(meta) >= {"schema_version", "extractor_version", "outlets_sha256", "extraction_key", "read_key", "scan_ns"}
    assert meta["extractor_version"] == keys.extractor_version()


def db_count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_deleting_a_file_drops_its_articles_citations_and_skips(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(corpus, root)
    with Store.open(tmp_path / "s.sqlite") as store:
        update_store(store, UpdateOptions(inputs=(root,)), runner=InProcess())
        (root / "feed.jsonl").unlink()
        (root / "empty.txt").unlink()
        summary = update_store(store, UpdateOptions(inputs=(root,)), runner=InProcess())
        ids = [a.id for a in store.articles()]
        orphans = store.db.execute("SELECT count(*) FROM citations WHERE article NOT IN (SELECT rowid FROM articles)").fetchone()[0]
        assert (summary.deleted, summary.read) == (2, 0)
        assert not any(i.startswith("feed.jsonl") for i in ids) and store.skips() == [] and orphans == 0


def _state(path: Path, rel: str, ord_: int = 0) -> FileState:
    st = path.stat()
    return FileState(str(path), rel, ord_, st.st_size, st.st_mtime_ns)


@pytest.mark.parametrize(
    "edit, expected",
    [
        ("nothing", "same"),
        ("touch", "touch"),  # same bytes, new mtime: hashed, not read
        ("same-size-rewrite", "read"),  # same size, new bytes: the hash tells
        ("append", "read"),
        ("moved-root", "read"),  # a new id prefix means new article ids
    ],
)
def test_plan_stats_first_and_hashes_only_when_stat_differs(tmp_path: Path, edit: str, expected: str) -> None:
    source = sorted(DATA.glob("*.txt"))[0]
    path = tmp_path / source.name
    shutil.copy2(source, path)
    old_mtime = path.stat().st_mtime_ns - 10_000_000_000
    os.utime(path, ns=(old_mtime, old_mtime))
    state = _state(path, path.name)
    row = (state.rel, 0, state.size, state.mtime_ns, store_module.sha256_file(path))
    if edit == "touch":
        os.utime(path, ns=(old_mtime + 10**9, old_mtime + 10**9))
    elif edit == "same-size-rewrite":
        data = bytearray(path.read_bytes())
        data[-2] = ord("!") if data[-2] != ord("!") else ord("?")
        path.write_bytes(bytes(data))
    elif edit == "append":
        path.write_bytes(path.read_bytes() + b"\n\nOne more paragraph.\n")
    rel = "elsewhere/" + path.name if edit == "moved-root" else path.name
    assert store_module._compare(row, _state(path, rel), last_scan=time.time_ns()) == expected


def test_recently_modified_files_are_hashed_even_when_stat_matches(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    shutil.copy2(sorted(DATA.glob("*.txt"))[0], path)
    state = _state(path, "a.txt")
    stale_row = ("a.txt", 0, state.size, state.mtime_ns, "0" * 64)  # recorded hash of other content
    assert store_module._compare(stale_row, state, last_scan=state.mtime_ns) == "read"
    assert store_module._compare(stale_row, state, last_scan=state.mtime_ns + 10**10) == "same"


def test_the_window_of_recent_files_follows_the_timestamps_tick(tmp_path: Path) -> None:
    """A whole-second mtime (FAT, HFS+) may hide a change for up to two seconds; a sub-second one for milliseconds."""
    path = tmp_path / "a.txt"
    shutil.copy2(sorted(DATA.glob("*.txt"))[0], path)
    stale = "0" * 64  # a recorded hash of other content: only hashing finds the change
    for mtime, scanned_after, verdict in [(1_700_000_000_000_000_000, 10**9, "read"),  # whole seconds: 1 s is close
                                          (1_700_000_000_123_456_789, 10**9, "same"),  # sub-second: 1 s is long
                                          (1_700_000_000_123_456_789, 5 * 10**7, "read")]:  # but 50 ms is close
        os.utime(path, ns=(mtime, mtime))
        state = _state(path, "a.txt")
        row = ("a.txt", 0, state.size, state.mtime_ns, stale)
        assert store_module._compare(row, state, last_scan=mtime + scanned_after) == verdict


def test_a_file_that_is_not_sqlite_is_moved_aside_and_the_store_made_anew(tmp_path: Path) -> None:
    bogus = tmp_path / "citegraph.sqlite"
    text = sorted(DATA.glob("*.txt"))[0].read_bytes()
    bogus.write_bytes(text)
    with Store.open(bogus) as store:
        assert store.counts() == (0, 0, 0)
        assert "was not an SQLite file: it was moved to citegraph.sqlite.damaged" in store.notes[0]
    assert (tmp_path / "citegraph.sqlite.damaged").read_bytes() == text  # nothing of the user's is lost


def test_a_store_of_another_schema_version_starts_afresh(filled: Path, tmp_path: Path) -> None:
    copy = tmp_path / "old.sqlite"
    shutil.copy2(filled, copy)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with Store.open(copy) as store:
        assert store.counts() == (0, 0, 0)
        assert store.get_meta("schema_version") == str(store_module.SCHEMA_VERSION)


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of the citegraph package that ``store.keys`` digests instead of the installed one."""
    package = tmp_path / "citegraph"
    shutil.copytree(keys.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE", package)
    monkeypatch.setattr(keys, "DATA", package / "data")
    _forget = lambda: (keys.stage_files.cache_clear(), keys.stage_digest.cache_clear())  # noqa: E731
    _forget()
    yield package, _forget
    _forget()


def test_extractor_and_reader_keys_follow_their_folders(package_copy):
    """A change to extraction or reading code makes stored records stale; other code does not."""
    package, forget = package_copy

    def digests():
        forget()
        return keys.stage_digest("extract"), keys.stage_digest("read")

    def edit(name: str) -> None:
        with open(package / name, "a", encoding="utf-8") as fh:
            fh.write("\n# a change\n")

    extractor, reader = digests()
    edit("outputs/explorer.py")
    assert digests() == (extractor, reader)
    edit("extract/outlets.py")
    assert digests()[0] != extractor and digests()[1] == reader
    extractor = digests()[0]
    (package / "extract" / "newrule.py").write_text("RULE = 1\n", encoding="utf-8")  # nobody lists it
    assert digests()[0] != extractor
    edit("read/pagetext.py")
    assert digests()[1] != reader
    extractor, reader = digests()
    edit("records.py")  # imported by both
    assert digests()[0] != extractor and digests()[1] != reader


def test_store_keys_cover_every_module_reading_and_extraction_import():
    """Every citegraph module that reading or extraction imports, at any depth, is in its key."""
    for stage, roots in (("read", ["read/files.py"]), ("extract", ["extract/extractor.py"])):
        covered = {p.relative_to(keys.PACKAGE).as_posix() for p in keys.stage_files(stage)}
        assert {"records.py", "errors.py", "rules.py"} <= covered
        assert {f"data/{name}" for name in ("outlets.toml", "pagedump.toml")} <= covered
        assert all(root in covered for root in roots)
    assert not any(p.startswith(("graph/", "outputs/", "store/")) for p in
                   (p.relative_to(keys.PACKAGE).as_posix() for p in keys.stage_files("extract")))
