"""The embedded build store: one SQLite file, ``out/citegraph.sqlite``.

It remembers, between builds, every input file (path, size, mtime, SHA-256),
the articles read from it, their citations, the files that were skipped and
the versions that produced them, so that a rebuild re-reads only new or
changed files and re-extracts only when the extractor or the user's outlet
file changed. Tables are documented in docs/STORE.md; any SQLite tool opens
the file.

Each input file is committed in one transaction together with its articles,
citations and skips, so a build killed midway leaves a consistent store and
the next build carries on from it.

Nothing in the file is taken on trust (docs/STORE.md, "Damage"). A build
that changed the store seals it: ``citegraph.sqlite.seal`` holds the SHA-256
of the file, signed with this machine's key (``fsutil.local_key``). Before
the store is changed or read for outputs, ``verify`` checks the seal (or,
after a build that was killed, ``PRAGMA quick_check``); a store that fails,
or that no seal of this machine vouches for, is rebuilt from the inputs (it
is only a cache of them), and ``notes`` says so. An SQLite file that is not
a citegraph store is refused and left alone.

>>> import tempfile; from pathlib import Path
>>> with Store.open(Path(tempfile.mkdtemp()) / "s.sqlite") as s:
...     s.counts()
(0, 0, 0)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from ..errors import OutputError, StoreError
from ..fsutil import atomic_write_text, checkpoint, sign, signed
from ..fsutil import jsonl_line as line
from ..records import Article, Citation, Skip

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: articles.byline, so that the graph stages load headers without bodies
STORE_NAME = "citegraph.sqlite"
# Files whose mtime is this close to the last scan are hashed even when their
# size and mtime match: they may have changed again within the timestamp's tick.
# Whole-second timestamps (FAT's tick is two seconds, HFS+ and some network
# shares one) get the wide window; sub-second ones (ext4, XFS, btrfs, APFS,
# NTFS: a tick of a few milliseconds at most) the narrow one.
_RACY_NS = 2_000_000_000
_RACY_FINE_NS = 100_000_000


def _racy_window(mtime_ns: int) -> int:
    """How close to a scan a file with this mtime must be to be hashed anyway (see ``_RACY_NS``)."""
    return _RACY_NS if mtime_ns % 1_000_000_000 == 0 else _RACY_FINE_NS
SEAL_FORMAT = "citegraph-store-seal-1"
_SQLITE_HEADER = b"SQLite format 3\x00"
_TABLES = frozenset({"meta", "files", "articles", "citations", "skips"})
_COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite's files beside the store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    path     TEXT PRIMARY KEY,
    rel      TEXT NOT NULL,
    ord      INTEGER NOT NULL,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    rowid          INTEGER PRIMARY KEY,
    id             TEXT NOT NULL,
    file           TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    publisher      TEXT,
    published      TEXT,
    url            TEXT,
    byline         TEXT,
    format         TEXT NOT NULL,
    record         TEXT NOT NULL,
    extracted_with TEXT
);
CREATE INDEX IF NOT EXISTS articles_by_file ON articles(file);
CREATE INDEX IF NOT EXISTS articles_by_id ON articles(id);
CREATE INDEX IF NOT EXISTS articles_by_extraction ON articles(extracted_with);
CREATE TABLE IF NOT EXISTS citations (
    article    INTEGER NOT NULL REFERENCES articles(rowid) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    first      INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    cue        TEXT NOT NULL,
    doc_type   TEXT,
    issuer     TEXT,
    via        TEXT,
    date       TEXT,
    discovered INTEGER NOT NULL,
    record     TEXT NOT NULL,
    PRIMARY KEY (article, seq)
);
CREATE TABLE IF NOT EXISTS skips (
    file   TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
    seq    INTEGER NOT NULL,
    path   TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (file, seq)
);
"""


def _key(path: str) -> str | bytes:
    """A file's key in the store: its path, or for a name that is not UTF-8 its bytes (SQLite keeps a BLOB)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def _path(key: str | bytes) -> str:
    """The path a ``_key`` stands for."""
    return os.fsdecode(key) if isinstance(key, bytes) else key


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class FileState(NamedTuple):
    """A file found by the scan: where it is, its article id prefix and its stat.

    A named tuple (a row of the ``files`` table): a scan makes one per input file.
    """

    path: str  # as given on the command line or found under an input folder
    rel: str  # path relative to its input root: the id of its articles
    ord: int  # its position in reading order (ties between equal article ids)
    size: int
    mtime_ns: int
    sha256: str = ""  # known only when it had to be hashed


def _head(aid: str, title: str, publisher: str | None, published: str | None, byline: str | None,
          url: str | None, fmt: str, path: str) -> Article:
    return Article(id=aid, title=title, body="", publisher=publisher, published=published, byline=byline, url=url,
                   format=fmt, path=path)


def article_head(article: Article, rel: str) -> Article:
    """``article`` of the file ``rel`` as ``Store.article_heads`` gives it back once stored."""
    return _head(article.id, article.title, article.publisher, article.published, article.byline, article.url,
                 article.format, rel)


@dataclass(frozen=True)
class FileResult:
    """A file after reading and extraction, ready to be committed."""

    file: FileState
    articles: tuple[tuple[Article, tuple[Citation, ...]], ...]
    skips: tuple[Skip, ...]


@dataclass(frozen=True)
class ScanPlan:
    """What a build must do: files to read, files gone, how many are unchanged; ``apply`` makes it so.

    ``touched`` files have the same bytes and a new stat or order; ``fresh``: the reader changed, every
    stored file is dropped; ``scan_ns``: the new scan time, None when nothing changed (the store is left
    as it is: a rebuild with nothing to do writes nothing).
    """

    to_read: tuple[FileState, ...]
    deleted: tuple[str, ...]
    unchanged: int
    touched: tuple[FileState, ...] = ()
    fresh: bool = False
    reader: str = ""
    scan_ns: int | None = None

    @property
    def writes(self) -> bool:
        return bool(self.to_read or self.deleted or self.touched or self.fresh or self.scan_ns is not None)


class Store:
    """The build store; use ``Store.open(path)`` as a context manager."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self.notes: list[str] = []  # what happened to the store that the user should hear (rebuilt, and why)
        self._seal: dict | None = None  # the seal found beside it (checked), or None
        self._trusted = True  # checked (or new): may be changed and read for outputs
        self._wrote = False  # changed by this process: sealed again on close
        self._condemned = False  # found damaged while in use: the next build rebuilds it

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (or make) the store at ``path``.

        A file that is not SQLite is moved aside (``citegraph.sqlite.damaged``)
        and a new store made; an SQLite database that citegraph did not make is
        refused, untouched (``StoreError``). Whether the store can be trusted is
        checked later, by ``verify``, only when a build needs its contents.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        notes: list[str] = []
        seal = _read_seal(path)
        if not _looks_like_sqlite(path):
            aside = path.with_name(path.name + ".damaged")
            os.replace(path, aside)
            _remove_companions(path)
            notes.append(f"{path} was not an SQLite file: it was moved to {aside.name} and the store rebuilt "
                         "from the inputs")
            seal = None
        try:
            store = cls._opened(path, seal)
        except sqlite3.DatabaseError as err:  # damaged beyond reading its schema
            if isinstance(err, sqlite3.OperationalError):
                raise store_error(err, path) from err
            _remove_store(path)
            store = cls._opened(path, None)
            store.notes.append(f"the store {path} was damaged ({err}): it is only a cache of the inputs, so it "
                               "was rebuilt from them")
        store.notes[:0] = notes
        return store

    @classmethod
    def _opened(cls, path: Path, seal: dict | None) -> Store:
        db = _connect(path, setup=False)
        try:
            tables = _tables(db)
            if tables and not _is_ours(db, tables):
                raise StoreError(f"{path} is an SQLite database that citegraph did not make (tables: "
                                 f"{', '.join(sorted(tables))}); citegraph keeps its store at OUT/{STORE_NAME}: "
                                 "move that file elsewhere or choose another --out. It was not changed.")
            _setup(db)
        except BaseException:
            db.close()
            raise
        store = cls(db, path)
        store._seal = seal
        try:
            if tables and seal is None:
                store._reset("was not sealed by citegraph on this machine (an older citegraph, another machine or "
                             "an edit made it)")
            elif tables:
                store._trusted = False
            store._migrate()
        except BaseException:
            store.db.close()
            raise
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self._condemned = True  # malformed while in use: never sealed again
        self.close()

    def close(self) -> None:
        """Close the store; when this process changed it, seal it (the file's SHA-256, signed)."""
        if self._wrote and not self._condemned:
            try:
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
        self.db.close()
        if self._condemned:
            _remove(_seal_path(self.path))
        elif self._wrote:
            _write_seal(self.path, "sealed", _store_digest(self.path))

    def verify(self) -> bool:
        """Check the store before it is changed or read for outputs; True when it failed and was made anew.

        A sealed store must have the bytes its seal names; one whose last
        build was killed (seal ``open``) must pass ``PRAGMA quick_check``
        (SQLite's journal keeps it consistent; the check finds damage since).
        """
        if self._trusted:
            return False
        seal = self._seal or {}
        if seal.get("state") == "sealed":
            problem = None if _store_digest(self.path) == seal.get("sha256") else \
                "changed since the last build sealed it (damaged, or edited by another program)"
        else:
            try:
                rows = [r[0] for r in self.db.execute("PRAGMA quick_check(5)")]
            except sqlite3.DatabaseError as err:
                rows = [str(err)]
            problem = None if rows == ["ok"] else f"was damaged (PRAGMA quick_check: {'; '.join(rows)})"
        if problem:
            self._reset(problem)
            return True
        self._trusted = True
        return False

    def _reset(self, why: str) -> None:
        """Start afresh: remove the store's files and make an empty store (it is only a cache of the inputs)."""
        log.warning("the store %s %s: rebuilding it from the inputs", self.path, why)
        self.db.close()
        _remove_store(self.path)
        self.db = _connect(self.path)
        self.notes.append(f"the store {self.path} {why}: it is only a cache of the inputs, so it was rebuilt from them")
        self._seal, self._trusted = None, True
        self._migrate()

    def _writing(self) -> None:
        """Before the first change: the store must have been checked, and its seal says a build is under way."""
        if self._wrote:
            return
        if self.verify():
            raise StoreError(f"the store {self.path} was found damaged while it was being updated and was "
                             "rebuilt empty; run the build again")
        _write_seal(self.path, "open", "")
        self._wrote = True

    def _migrate(self) -> None:
        version = self.get_meta("schema_version")
        if version is not None and version != str(SCHEMA_VERSION):
            self._reset(f"was made with store schema {version}, not {SCHEMA_VERSION}")  # and migrates the new one
            return
        if not _TABLES <= _tables(self.db):
            self._writing()
            self.db.executescript(_SCHEMA)
        self.set_meta("schema_version", str(SCHEMA_VERSION))

    def transaction(self) -> _Transaction:
        self._writing()
        return _Transaction(self.db)

    # -- meta -------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # no meta table yet
            return None
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (None: delete) a meta key; writes nothing when it already holds ``value``."""
        if self.get_meta(key) == value:
            return
        self._writing()
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def counts(self) -> tuple[int, int, int]:
        """``(articles, citations, skips)`` held in the store."""
        return tuple(self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "citations", "skips"))

    # -- scanning -----------------------------------------------------------
    def plan(self, found: Sequence[FileState], reader: str, started_ns: int) -> ScanPlan:
        """Compare the files found on disk with the store: stat first, hash only when stat differs.

        ``reader`` is the ``read_key``: when it changed every file is read again.
        ``started_ns`` (taken before the files were stat-ed) becomes the new scan time
        when anything changed. Reads only: ``apply`` writes the plan's changes.
        """
        last_scan = int(self.get_meta("scan_ns") or 0)
        fresh = self.get_meta("read_key") != reader
        rows = () if fresh else self.db.execute("SELECT path, rel, ord, size, mtime_ns, sha256 FROM files")
        known = {_path(row[0]): row for row in rows}
        to_read: list[FileState] = []
        touched: list[FileState] = []
        for state in found:
            old = known.get(state.path)
            if old is not None and old[1:5] == state[1:5] and old[4] < last_scan - _racy_window(old[4]) and state.size >= 0:
                continue  # same place, order and stat, changed long before the last scan: the same file
            verdict = _compare(old[1:] if old else None, state, last_scan)
            if verdict == "read":
                to_read.append(state)
            elif verdict == "touch":
                touched.append(state)
        deleted = sorted(set(known) - {s.path for s in found})
        changed = fresh or to_read or touched or deleted
        return ScanPlan(to_read=tuple(to_read), deleted=tuple(deleted), unchanged=len(found) - len(to_read),
                        touched=tuple(touched), fresh=fresh, reader=reader,
                        scan_ns=started_ns if changed else None)

    def apply(self, plan: ScanPlan) -> None:
        """Write what ``plan`` found: a new reader drops every file; new stats; the scan time; files gone."""
        if not plan.writes:
            return
        with self.transaction():
            if plan.fresh:
                self.db.execute("DELETE FROM files")
                self.set_meta("read_key", plan.reader)
            self.db.executemany(
                "UPDATE files SET ord = ?, size = ?, mtime_ns = ? WHERE path = ?",
                ((s.ord, s.size, s.mtime_ns, _key(s.path)) for s in plan.touched),
            )
            if plan.scan_ns is not None:
                self.set_meta("scan_ns", str(plan.scan_ns))
        if plan.deleted:
            self.delete_files(plan.deleted)

    def delete_files(self, paths: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("DELETE FROM files WHERE path = ?", ((_key(p),) for p in paths))

    # -- writing ------------------------------------------------------------
    def put_files(self, results: Iterable[FileResult], extracted_with: str) -> list[FileResult]:
        """Replace each file's rows with its new articles, citations and skips, in one transaction;
        return what was stored.

        A file whose rows SQLite refuses is stored as a skip with the reason, and the others go on.
        """
        stored = []
        with self.transaction():
            for result in results:
                self.db.execute("SAVEPOINT file")
                try:
                    self._put_file(result, extracted_with)
                except (sqlite3.DataError, sqlite3.IntegrityError, sqlite3.InterfaceError, ValueError) as err:
                    self.db.execute("ROLLBACK TO file")
                    reason = f"cannot be stored ({type(err).__name__}: {err}); please report this file"
                    result = FileResult(result.file, (), (Skip(result.file.rel, reason),))
                    self._put_file(result, extracted_with)
                self.db.execute("RELEASE file")
                stored.append(result)
        checkpoint("stored a batch")
        return stored

    def _put_file(self, result: FileResult, extracted_with: str) -> None:
        f = result.file
        key = _key(f.path)
        self.db.execute("DELETE FROM files WHERE path = ?", (key,))
        self.db.execute(
            "INSERT INTO files (path, rel, ord, size, mtime_ns, sha256) VALUES (?, ?, ?, ?, ?, ?)",
            (key, f.rel, f.ord, f.size, f.mtime_ns, f.sha256),
        )
        for article, citations in result.articles:
            cur = self.db.execute(
                "INSERT INTO articles (id, file, title, publisher, published, url, byline, format, record,"
                " extracted_with) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, key, article.title, article.publisher, article.published, article.url,
                 article.byline, article.format, line(article.to_dict()), extracted_with),
            )
            self._put_citations(cur.lastrowid, citations)
        self.db.executemany(
            "INSERT INTO skips (file, seq, path, reason) VALUES (?, ?, ?, ?)",
            ((key, i, s.path, s.reason) for i, s in enumerate(result.skips)),
        )

    def _put_citations(self, rowid: int, citations: Sequence[Citation]) -> None:
        rows = []
        for seq, c in enumerate(citations):
            d = c.to_dict()
            first = c.evidence[0].start if c.evidence else -1
            rows.append((rowid, seq, first, d["kind"], c.name, c.cue, d["doc_type"], c.issuer, c.via, c.date,
                         int(c.discovered), line(d)))
        self.db.executemany(
            "INSERT INTO citations (article, seq, first, kind, name, cue, doc_type, issuer, via, date, discovered,"
            " record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def put_citations(self, results: Iterable[tuple[int, Sequence[Citation] | str]], extracted_with: str) -> None:
        """Replace the citations of already stored articles (by rowid), in one transaction.

        A result that is a string is why the article could not be extracted: the article becomes a skip
        of its file, and the file is read again by the next build.
        """
        with self.transaction():
            for rowid, citations in results:
                if isinstance(citations, str):
                    self._drop_article(rowid, citations)
                    continue
                self.db.execute("DELETE FROM citations WHERE article = ?", (rowid,))
                self._put_citations(rowid, citations)
                self.db.execute("UPDATE articles SET extracted_with = ? WHERE rowid = ?", (extracted_with, rowid))
        checkpoint("stored re-extracted citations")

    def _drop_article(self, rowid: int, reason: str) -> None:
        found = self.db.execute("SELECT id, file FROM articles WHERE rowid = ?", (rowid,)).fetchone()
        if found is None:
            return
        aid, key = found
        seq = self.db.execute("SELECT coalesce(max(seq), -1) + 1 FROM skips WHERE file = ?", (key,)).fetchone()[0]
        self.db.execute("DELETE FROM articles WHERE rowid = ?", (rowid,))
        self.db.execute("INSERT INTO skips (file, seq, path, reason) VALUES (?, ?, ?, ?)", (key, seq, aid, reason))
        self.db.execute("UPDATE files SET size = -1, sha256 = '' WHERE path = ?", (key,))  # read again next time

    # -- reading ------------------------------------------------------------
    def timed_out(self) -> set[str]:
        """Files that were skipped for taking too long (``update.OVER_TIME``)."""
        rows = self.db.execute("SELECT DISTINCT file FROM skips WHERE reason LIKE '%the time limit for one file%'")
        return {_path(key) for (key,) in rows}

    def stale_count(self, extracted_with: str) -> int:
        sql = "SELECT count(*) FROM articles WHERE extracted_with IS NOT ?"
        return self.db.execute(sql, (extracted_with,)).fetchone()[0]

    def iter_stale_ids(self, extracted_with: str, batch: int) -> Iterator[list[int]]:
        """Rowids of articles extracted with another key, in batches of ``batch``."""
        sql = "SELECT rowid FROM articles WHERE extracted_with IS NOT ? ORDER BY rowid"
        rowids = [row[0] for row in self.db.execute(sql, (extracted_with,))]
        for i in range(0, len(rowids), batch):
            yield rowids[i : i + batch]

    def records_of(self, rowids: Sequence[int]) -> list[tuple[int, str]]:
        """``(rowid, article JSON)`` for ``rowids``."""
        marks = ",".join("?" * len(rowids))
        sql = f"SELECT rowid, record FROM articles WHERE rowid IN ({marks}) ORDER BY rowid"
        return self.db.execute(sql, tuple(rowids)).fetchall()

    def _ordered_articles(self, columns: str) -> Iterator[tuple]:
        sql = f"SELECT {columns} FROM articles a JOIN files f ON a.file = f.path ORDER BY a.id, f.ord, a.rowid"
        return self.db.execute(sql)

    def article_lines(self) -> Iterator[str]:
        """``articles.jsonl`` lines in output order (by id), without parsing a record."""
        for (record,) in self._ordered_articles("a.record"):
            yield record

    def articles(self) -> Iterator[Article]:
        for record in self.article_lines():
            yield Article.from_dict(json.loads(record))

    def article_heads(self) -> Iterator[Article]:
        """Every article in output order, with its header fields only: ``body`` is empty, no links or credits.

        What the graph stages need, without parsing the stored bodies (most of the store's bytes).
        """
        columns = "a.id, a.title, a.publisher, a.published, a.byline, a.url, a.format, f.rel"
        for aid, title, publisher, published, byline, url, fmt, path in self._ordered_articles(columns):
            yield _head(aid, title, publisher, published, byline, url, fmt, path)

    def fingerprints(self) -> dict[str, tuple[str, str, str | None]] | None:
        """``article id -> (file, file sha256, extraction key)``: an article whose fingerprint is unchanged
        has the same record and citations. None when two articles share an id."""
        sql = "SELECT a.id, f.rel, f.sha256, a.extracted_with FROM articles a JOIN files f ON a.file = f.path"
        found = {aid: (path, sha, key) for aid, path, sha, key in self.db.execute(sql)}
        return found if len(found) == self.counts()[0] else None

    def records_for(self, ids: Iterable[str]) -> list[tuple[Article, list[Citation]]]:
        """Header-only articles (as ``article_heads`` gives them) with ``ids``, each with its citations in
        citation order, sorted by id."""
        ids = sorted(set(ids))
        found: list[tuple[Article, list[Citation]]] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            heads = self.db.execute(
                "SELECT a.rowid, a.id, a.title, a.publisher, a.published, a.byline, a.url, a.format, f.rel"
                f" FROM articles a JOIN files f ON a.file = f.path WHERE a.id IN ({marks}) ORDER BY a.id",
                chunk).fetchall()
            for rowid, aid, title, publisher, published, byline, url, fmt, path in heads:
                article = Article(id=aid, title=title, body="", publisher=publisher, published=published,
                                  byline=byline, url=url, format=fmt, path=path)
                rows = self.db.execute("SELECT record FROM citations WHERE article = ? ORDER BY first, kind, name, seq",
                                       (rowid,))
                found.append((article, [Citation.from_dict(json.loads(r)) for (r,) in rows]))
        return found

    def citation_lines(self) -> Iterator[str]:
        """``citations.jsonl`` lines in output order, streamed, without parsing a record.

        The order is ``Citation.sort_key`` (article id, first evidence offset,
        kind, name); ties keep article order, then extraction order, as a clean
        build's stable sort does. SQLite sorts: its text order (UTF-8 bytes) is
        Python's (code points), so no list of every citation is held here.
        """
        for (record,) in self._ordered_citations("c.record"):
            yield record

    def _ordered_citations(self, columns: str) -> Iterator[tuple]:
        sql = (
            f"SELECT {columns} FROM articles a JOIN files f ON a.file = f.path"
            " JOIN citations c ON c.article = a.rowid"
            " ORDER BY a.id, c.first, c.kind, c.name, f.ord, a.rowid, c.seq"
        )
        return self.db.execute(sql)

    def article_ids(self) -> list[str]:
        """Article ids in output order."""
        return [aid for (aid,) in self._ordered_articles("a.id")]

    def article_lines_by_id(self) -> Iterator[tuple[str, str]]:
        """``(article id, articles.jsonl line)`` in output order."""
        return self._ordered_articles("a.id, a.record")

    def citation_lines_by_article(self) -> Iterator[tuple[str, str]]:
        """``(article id, citations.jsonl line)`` in output order (``citation_lines``)."""
        return self._ordered_citations("a.id, c.record")

    def record_lines_for(self, ids: Sequence[str]) -> Iterator[tuple[str, str, list[str]]]:
        """``(id, articles.jsonl line, its citations.jsonl lines)`` of the articles ``ids`` (unique ids)."""
        for aid in ids:
            found = self.db.execute("SELECT rowid, record FROM articles WHERE id = ?", (aid,)).fetchone()
            if found is None:
                continue
            rows = self.db.execute("SELECT record FROM citations WHERE article = ? ORDER BY first, kind, name, seq",
                                   (found[0],))
            yield aid, found[1], [r for (r,) in rows]

    def citations(self) -> Iterator[Citation]:
        for record in self.citation_lines():
            yield Citation.from_dict(json.loads(record))

    def skips(self) -> list[Skip]:
        return sorted(Skip(path, reason) for path, reason in self.db.execute("SELECT path, reason FROM skips"))

    def state_digest(self, *extra: str) -> str:
        """A digest of everything the outputs depend on: files, contents, versions and ``extra``."""
        digest = hashlib.sha256()
        for part in extra:
            digest.update(part.encode() + b"\0")
        for key in ("read_key", "extraction_key"):
            digest.update((self.get_meta(key) or "").encode() + b"\0")
        for path, *rest in self.db.execute("SELECT path, rel, ord, sha256 FROM files ORDER BY path"):
            digest.update("\0".join(map(str, [_path(path).encode("utf-8", "surrogateescape"), *rest])).encode() + b"\n")
        return digest.hexdigest()

    def content_digest(self, *extra: str) -> str:
        """A digest of what the records are made from, wherever the inputs lie: each file's id (its
        path relative to its input) and contents, the reader's and extractor's versions, and ``extra``.
        Two builds of the same files give the same digest, in any folder (the provenance stamp's)."""
        digest = hashlib.sha256()
        for part in extra:
            digest.update(part.encode() + b"\0")
        for key in ("read_key", "extraction_key"):
            digest.update((self.get_meta(key) or "").encode() + b"\0")
        for rel, sha256 in self.db.execute("SELECT rel, sha256 FROM files ORDER BY rel, ord"):
            digest.update(f"{rel}\0{sha256}\n".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


def _compare(old: tuple | None, state: FileState, last_scan: int) -> str:
    """``read`` (new or changed), ``touch`` (same content, new stat or order) or ``same``."""
    if old is None or old[0] != state.rel or state.size < 0:
        return "read"
    _, ord_, size, mtime_ns, sha = old
    if size != state.size:
        return "read"
    racy = mtime_ns >= last_scan - _racy_window(mtime_ns)
    if mtime_ns != state.mtime_ns or racy:
        if _safe_hash(state.path) != sha:
            return "read"
        return "touch" if mtime_ns != state.mtime_ns or ord_ != state.ord else "same"
    return "touch" if ord_ != state.ord else "same"


def _safe_hash(path: str) -> str:
    try:
        return sha256_file(Path(path))
    except OSError:
        return ""


def _connect(path: Path, setup: bool = True) -> sqlite3.Connection:
    """A connection to the store at ``path`` (with ``setup``: WAL, foreign keys); errors say what to do."""
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=30)
        if setup:
            _setup(db)
    except sqlite3.OperationalError as err:
        raise store_error(err, path) from err
    return db


def _setup(db: sqlite3.Connection) -> None:
    """The store's settings (after ``Store.open`` knows the file is citegraph's: WAL mode rewrites its header)."""
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")


def store_error(err: sqlite3.Error, path: Path) -> Exception:
    """The ``CitegraphError`` for an SQLite error while writing the store at ``path`` (or ``err`` itself)."""
    text = str(err).lower()
    if "full" in text:
        return OutputError(f"no space left for the store {path} ({err}); free some space or choose another "
                           "--out. The store is consistent and the next build carries on from it.")
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return StoreError(f"cannot write the store {path} ({err}): its folder must be writable; make it "
                          "writable or choose another --out. The store was not changed.")
    return err


def _tables(db: sqlite3.Connection) -> set[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def _is_ours(db: sqlite3.Connection, tables: set[str]) -> bool:
    """A citegraph store (or one a killed build began): citegraph's tables only, ``meta`` among them."""
    return tables <= _TABLES and "meta" in tables


def _looks_like_sqlite(path: Path) -> bool:
    """True for an SQLite file, an empty file or no file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return True
    except OSError:
        return True  # unreadable: connecting says why
    return head in (b"", _SQLITE_HEADER)


def _seal_path(path: Path) -> Path:
    return path.with_name(path.name + ".seal")


def _store_digest(path: Path) -> str:
    """SHA-256 of the store's bytes, and of its write-ahead log when one is left."""
    digest = hashlib.sha256()
    for name in (path, path.with_name(path.name + "-wal")):
        try:
            with open(name, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except FileNotFoundError:
            pass
        digest.update(b"\0")
    return digest.hexdigest()


def _seal_text(state: str, sha256: str) -> str:
    return json.dumps({"format": SEAL_FORMAT, "state": state, "sha256": sha256}, sort_keys=True)


def _write_seal(path: Path, state: str, sha256: str) -> None:
    text = _seal_text(state, sha256)
    atomic_write_text(_seal_path(path), json.dumps({"seal": text, "signature": sign(text.encode())}) + "\n")


def _read_seal(path: Path) -> dict | None:
    """The seal beside the store, when this machine signed it; else None."""
    try:
        outer = json.loads(_seal_path(path).read_text(encoding="utf-8"))
        text = outer["seal"]
        if not signed(text.encode(), outer.get("signature")):
            log.info("the seal of %s is not signed on this machine", path)
            return None
        seal = json.loads(text)
        return seal if seal.get("format") == SEAL_FORMAT else None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _remove_companions(path: Path) -> None:
    for suffix in _COMPANIONS:
        _remove(path.with_name(path.name + suffix))


def _remove_store(path: Path) -> None:
    _remove(path)
    _remove_companions(path)
    _remove(_seal_path(path))


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def stat_files(sources: Iterable[tuple[Path, str]]) -> list[FileState]:
    """``FileState`` (without hash) for each ``(path, rel)`` in reading order.

    A folder that could not be listed (``rel`` ends in ``/``) or a file that cannot be stat-ed gets size
    -1: it is looked at again by every build.
    """
    states = []
    for ord_, (path, rel) in enumerate(sources):
        try:
            st = os.stat(path)
        except OSError:
            st = None
        if st is None or rel.endswith("/"):
            states.append(FileState(str(path), rel, ord_, -1, -1))
        else:
            states.append(FileState(str(path), rel, ord_, st.st_size, st.st_mtime_ns))
    return states
