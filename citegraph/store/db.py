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

from ..errors import BuildError
from ..fsutil import jsonl_line as line
from ..records import Article, Citation, Skip

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: articles.byline, so that the graph stages load headers without bodies
STORE_NAME = "citegraph.sqlite"
# Files whose mtime is this close to the last scan are hashed even when their
# size and mtime match: they may have changed again within the clock's tick.
_RACY_NS = 2_000_000_000

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


@dataclass(frozen=True)
class FileResult:
    """A file after reading and extraction, ready to be committed."""

    file: FileState
    articles: tuple[tuple[Article, tuple[Citation, ...]], ...]
    skips: tuple[Skip, ...]


@dataclass(frozen=True)
class ScanPlan:
    """What a build must do: files to read, files gone, how many are unchanged."""

    to_read: tuple[FileState, ...]
    deleted: tuple[str, ...]
    unchanged: int


class Store:
    """The build store; use ``Store.open(path)`` as a context manager."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Store:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            store = cls(db, path)
            store._migrate()
        except sqlite3.DatabaseError as err:
            raise BuildError(f"{path} is not a citegraph store ({err}); delete it to rebuild from scratch.") from err
        return store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        version = self.get_meta("schema_version")
        if version is not None and version != str(SCHEMA_VERSION):
            log.info("store schema %s is not %s: starting afresh", version, SCHEMA_VERSION)
            with self.transaction():
                for table in ("citations", "skips", "articles", "files", "meta"):
                    self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(_SCHEMA)
        self.set_meta("schema_version", str(SCHEMA_VERSION))

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # -- meta -------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # no meta table yet
            return None
        return row[0] if row else None

    def set_meta(self, key: str, value: str | None) -> None:
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
        ``started_ns`` (taken before the files were stat-ed) becomes the new scan time.
        """
        last_scan = int(self.get_meta("scan_ns") or 0)
        with self.transaction():
            if self.get_meta("read_key") != reader:
                self.db.execute("DELETE FROM files")
                self.set_meta("read_key", reader)
        known = {row[0]: row for row in self.db.execute("SELECT path, rel, ord, size, mtime_ns, sha256 FROM files")}
        to_read: list[FileState] = []
        touched: list[FileState] = []
        settled = last_scan - _RACY_NS
        for state in found:
            old = known.get(state.path)
            if old is not None and old[1:5] == state[1:5] and old[4] < settled and state.size >= 0:
                continue  # same place, order and stat, changed long before the last scan: the same file
            verdict = _compare(old[1:] if old else None, state, last_scan)
            if verdict == "read":
                to_read.append(state)
            elif verdict == "touch":
                touched.append(state)
        deleted = sorted(set(known) - {s.path for s in found})
        with self.transaction():
            self.db.executemany(
                "UPDATE files SET ord = ?, size = ?, mtime_ns = ? WHERE path = ?",
                ((s.ord, s.size, s.mtime_ns, s.path) for s in touched),
            )
            self.set_meta("scan_ns", str(started_ns))
        return ScanPlan(to_read=tuple(to_read), deleted=tuple(deleted), unchanged=len(found) - len(to_read))

    def delete_files(self, paths: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany("DELETE FROM files WHERE path = ?", ((p,) for p in paths))

    # -- writing ------------------------------------------------------------
    def put_files(self, results: Iterable[FileResult], extracted_with: str) -> None:
        """Replace each file's rows with its new articles, citations and skips, in one transaction."""
        with self.transaction():
            for result in results:
                self._put_file(result, extracted_with)

    def _put_file(self, result: FileResult, extracted_with: str) -> None:
        f = result.file
        self.db.execute("DELETE FROM files WHERE path = ?", (f.path,))
        self.db.execute(
            "INSERT INTO files (path, rel, ord, size, mtime_ns, sha256) VALUES (?, ?, ?, ?, ?, ?)",
            (f.path, f.rel, f.ord, f.size, f.mtime_ns, f.sha256),
        )
        for article, citations in result.articles:
            cur = self.db.execute(
                "INSERT INTO articles (id, file, title, publisher, published, url, byline, format, record,"
                " extracted_with) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (article.id, f.path, article.title, article.publisher, article.published, article.url,
                 article.byline, article.format, line(article.to_dict()), extracted_with),
            )
            self._put_citations(cur.lastrowid, citations)
        self.db.executemany(
            "INSERT INTO skips (file, seq, path, reason) VALUES (?, ?, ?, ?)",
            ((f.path, i, s.path, s.reason) for i, s in enumerate(result.skips)),
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

    def put_citations(self, results: Iterable[tuple[int, Sequence[Citation]]], extracted_with: str) -> None:
        """Replace the citations of already stored articles (by rowid), in one transaction."""
        with self.transaction():
            for rowid, citations in results:
                self.db.execute("DELETE FROM citations WHERE article = ?", (rowid,))
                self._put_citations(rowid, citations)
                self.db.execute("UPDATE articles SET extracted_with = ? WHERE rowid = ?", (extracted_with, rowid))

    # -- reading ------------------------------------------------------------
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
        columns = "a.id, a.title, a.publisher, a.published, a.byline, a.url, a.format, a.file"
        for aid, title, publisher, published, byline, url, fmt, path in self._ordered_articles(columns):
            yield Article(id=aid, title=title, body="", publisher=publisher, published=published, byline=byline,
                          url=url, format=fmt, path=path)

    def fingerprints(self) -> dict[str, tuple[str, str, str | None]] | None:
        """``article id -> (file, file sha256, extraction key)``: an article whose fingerprint is unchanged
        has the same record and citations. None when two articles share an id."""
        sql = "SELECT a.id, a.file, f.sha256, a.extracted_with FROM articles a JOIN files f ON a.file = f.path"
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
                "SELECT a.rowid, a.id, a.title, a.publisher, a.published, a.byline, a.url, a.format, a.file"
                f" FROM articles a WHERE a.id IN ({marks}) ORDER BY a.id", chunk).fetchall()
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
        for row in self.db.execute("SELECT path, rel, ord, sha256 FROM files ORDER BY path"):
            digest.update("\0".join(map(str, row)).encode() + b"\n")
        return digest.hexdigest()


def _compare(old: tuple | None, state: FileState, last_scan: int) -> str:
    """``read`` (new or changed), ``touch`` (same content, new stat or order) or ``same``."""
    if old is None or old[0] != state.rel or state.size < 0:
        return "read"
    _, ord_, size, mtime_ns, sha = old
    if size != state.size:
        return "read"
    racy = mtime_ns >= last_scan - _RACY_NS
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
    """``FileState`` (without hash) for each ``(path, rel)`` in reading order."""
    states = []
    for ord_, (path, rel) in enumerate(sources):
        try:
            st = os.stat(path)
        except OSError:
            states.append(FileState(str(path), rel, ord_, -1, -1))
        else:
            states.append(FileState(str(path), rel, ord_, st.st_size, st.st_mtime_ns))
    return states
