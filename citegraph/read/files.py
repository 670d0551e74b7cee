"""Read articles from disk: find files, decode them, and hand each to its parser.

``iter_articles(inputs, options)`` walks files and folders (recursively, in
sorted order) and yields one ``Article`` per article, or a ``Skip`` saying why a
file (or JSONL line) could not be read. One bad file never stops the batch.

Formats, by suffix (each may also be gzipped, ``name.html.gz``):

* ``.txt``: a plain text or a saved page dump, see ``textdump``;
* ``.html`` / ``.htm``: a saved web page, see ``htmlpage``;
* ``.jsonl``: one article per line, an object with ``text`` or ``html`` and
  optional ``url``, ``title``, ``publisher``, ``published``, ``id``. The
  article id is ``<file id>#<line number>``; the record's own ``id`` is
  ignored so ids stay unique and stable.

Other files (annotations, images) are not articles and are passed over
silently; so are READMEs, licences and other notes (``NOT_ARTICLES``, even
with an article's suffix: ``README.TXT``) and metadata sidecars
(``metadata.tsv``, ``metadata.jsonl``..., see ``metadata``), whose fields
``iter_articles`` puts on the articles they describe. Article ids are paths relative to the input root; for a file
given directly, its file name.

Folders are walked with ``os.scandir`` and sorted on strings (no ``Path``
per file). trafilatura, htmldate and charset-normalizer are loaded when the
first page or non-UTF-8 file needs them (``lazy``), so a rebuild with nothing
to read never imports them. ``benchmarks/bench_read.py`` prints the figures
(docs/SCALE.md).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import gzip
import io
import json
import logging
import os
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, NamedTuple

from .. import lazy
from ..errors import InputError
from ..records import Article, Skip
from . import htmlpage, textdump
from .helpers import iso_date
from .metadata import MetadataSpec, is_sidecar
from .metadata import load as load_metadata

charset_normalizer = lazy.load("charset_normalizer")

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl",)
_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES  # a name ending otherwise has no ``_format_of``
_SNIFF = 4096
_ASCII = bytes(range(128))
_SPARSE_SHARE = 0.01  # at most this share of non-ASCII bytes: read as cp1252
# Notes that travel with a corpus and are no articles, whatever their suffix.
NOT_ARTICLES = re.compile(r"(?:readme|licen[cs]e|copying|notice|authors|changelog|changes|contributing|citation)"
                          r"(?:[._-].*)?", re.IGNORECASE)


@dataclass(frozen=True)
class ReadOptions:
    """How to find and read input files.

    ``include`` / ``exclude`` are globs matched against the path relative to
    the input root (``sub/a.html``) and against the bare file name; a file is
    read when it matches some include (or there are none) and no exclude.
    ``max_bytes`` caps the size of a file, after gzip decompression.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = 20 * 1024 * 1024
    metadata: MetadataSpec = MetadataSpec()  # sidecars and --publisher rules


class _Source(NamedTuple):
    """One file to read: where it is (``str(Path(root) / rel)``) and the id its articles get.

    A named tuple: a scan makes one per input file, 10,000 in a few milliseconds.
    """

    path: str
    rel: str


class _Unreadable(Exception):
    """A file cannot be read; the message becomes the ``Skip.reason``."""


def iter_articles(inputs: list[Path], options: ReadOptions) -> Iterator[Article | Skip]:
    """Yield an ``Article`` or a ``Skip`` for every article file under ``inputs``."""
    metadata = load_metadata(options.metadata) if options.metadata else None
    for source in discover(inputs, options):
        try:
            if metadata is None:
                yield from _read_source(source, options)
            else:
                for item in _read_source(source, options):
                    yield item if isinstance(item, Skip) else metadata.apply(item, source.path)
        except _Unreadable as err:
            log.info("skipped %s: %s", source.path, err)
            yield Skip(path=source.path, reason=str(err))
        except OSError as err:
            yield Skip(path=source.path, reason=f"cannot be opened ({err.strerror or err}); check its permissions")
        except Exception as err:  # noqa: BLE001 - hostile input must not stop the batch
            log.debug("reader failed on %s", source.path, exc_info=True)
            reason = f"reader failed ({type(err).__name__}: {err}); please report this file"
            yield Skip(path=source.path, reason=reason)


def discover(inputs: list[Path], options: ReadOptions) -> list[_Source]:
    """All article files under ``inputs``, filtered by the globs, in sorted order.

    A folder is walked with ``os.scandir`` (symlinked folders are not entered,
    symlinked files are read) and its files sorted by their path components,
    the order ``sorted(Path.rglob(...))`` gives, without making a ``Path`` per
    file passed over.
    """
    sources: list[_Source] = []
    globs = _glob_pattern(options.include), _glob_pattern(options.exclude)
    for root in inputs:
        root = Path(root)
        if root.is_file():
            if _wanted(root.name, True, *globs):
                sources.append(_Source(str(root), root.name))
        elif root.is_dir():
            rels = [rel for rel in _walk(str(root), "") if _wanted(rel, False, *globs)]
            rels.sort(key=lambda rel: rel.replace("/", "\0"))  # component-wise: "a/b" before "a-b"
            base = str(root)
            base = "" if base == "." else base if base.endswith("/") else base + "/"
            sources += [_Source(base + rel, rel) for rel in rels]
        else:
            raise InputError(f"input {root} does not exist; pass a file or folder of articles (default: data/).")
    tables = {path for path, folder in options.metadata.sidecars if not folder}  # --metadata files
    if tables:
        sources = [s for s in sources if os.path.normpath(os.path.abspath(s.path)) not in tables]
    return sources


def _walk(folder: str, prefix: str) -> Iterator[str]:
    """Paths (``sub/a.html``, relative to the walk's root) of the files under ``folder``."""
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.path, _kind(entry)) for entry in entries]
    except OSError as err:  # an unreadable sub-folder is passed over, as rglob does
        log.info("cannot list %s: %s", folder, err)
        return
    for name, path, kind in found:
        if kind == "file":
            yield prefix + name
        elif kind == "dir":
            yield from _walk(path, f"{prefix}{name}/")


def _kind(entry: os.DirEntry[str]) -> str | None:
    """``file`` (a file or a link to one), ``dir`` (a folder, not a link) or None."""
    try:
        if entry.is_file():
            return "file"
        return "dir" if entry.is_dir(follow_symlinks=False) else None
    except OSError:
        return None


def _wanted(rel: str, explicit: bool, include: re.Pattern[str] | None, exclude: re.Pattern[str] | None) -> bool:
    """Is ``rel`` an article file (or given by name: ``explicit``) that the include/exclude globs let through?"""
    name = rel.rsplit("/", 1)[-1]
    if not explicit and (name.startswith(".") or not name.lower().removesuffix(".gz").endswith(_SUFFIXES)
                         or is_sidecar(name) or NOT_ARTICLES.fullmatch(name)):
        return False
    if include and not (include.match(rel) or include.match(name)):
        return False
    return not (exclude and (exclude.match(rel) or exclude.match(name)))


@lru_cache(maxsize=16)
def _glob_pattern(globs: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching what any of ``globs`` matches (``fnmatch`` rules), or None for none."""
    return re.compile("|".join(fnmatch.translate(g) for g in globs)) if globs else None


def _format_of(name: str) -> str | None:
    """``text``, ``html`` or ``jsonl`` from the file name (ignoring ``.gz``), else None."""
    name = name.lower().removesuffix(".gz")
    for fmt, suffixes in (("text", TEXT_SUFFIXES), ("html", HTML_SUFFIXES), ("jsonl", JSONL_SUFFIXES)):
        if name.endswith(suffixes):
            return fmt
    return None


def _read_source(source: _Source, options: ReadOptions) -> Iterator[Article | Skip]:
    data = load_bytes(source.path, options.max_bytes)
    fmt = _format_of(source.rel.rsplit("/", 1)[-1]) or _sniff_format(data)
    if fmt == "jsonl":
        yield from _read_jsonl(source, data)
        return
    text, repairs = decode(data, html=fmt == "html")
    if fmt == "text" and _looks_like_html(text):
        fmt = "html"
    yield _parse(text, fmt, source.rel, source.path, repairs)


def load_bytes(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The file's bytes (gunzipped), refusing empty, oversized, binary or broken files."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise _Unreadable(f"file is {size} bytes, over the {max_bytes}-byte limit; raise the limit or --exclude it")
        data = fh.read()
    if os.fspath(path).lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes)
    if not data.strip():
        raise _Unreadable("empty file")
    if b"\x00" in data[:_SNIFF] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unreadable("binary file (NUL bytes), not text or HTML")
    return data


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as err:
        raise _Unreadable(f"not a valid gzip file ({err}); re-download or decompress it") from err
    if len(out) > max_bytes:
        raise _Unreadable(f"decompresses to over the {max_bytes}-byte limit; raise the limit or --exclude it")
    return out


def decode(data: bytes, html: bool = False) -> tuple[str, tuple[str, ...]]:
    """Text from bytes: UTF-8 (or a BOM's encoding), else the declared or detected charset.

    Returns the text and the repairs made, e.g. ``("decoded as cp1252 (not valid UTF-8)",)``.
    """
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), ()
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data) if html else None
    for enc in filter(None, (declared, _detect(data))):
        try:
            return data.decode(enc), (f"decoded as {enc} (not valid UTF-8)",)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace"), ("undecodable bytes replaced with U+FFFD",)


def _declared_charset(data: bytes) -> str | None:
    return htmlpage.declared_charset(data)


def _detect(data: bytes) -> str | None:
    """The most likely charset of non-UTF-8 bytes.

    A text that is ASCII but for a few stray bytes (a "£" here and there) gives
    a detector too little to go on; such files are nearly always Western
    single-byte text, so they are read as cp1252. Otherwise charset-normalizer
    decides.
    """
    high = len(data.translate(None, _ASCII))
    if high <= _SPARSE_SHARE * len(data):
        return "cp1252"
    best = charset_normalizer.from_bytes(data).best()
    encoding = best.encoding if best else None
    if encoding in (None, "ascii", "utf_8"):
        return "cp1252"
    return encoding


def _sniff_format(data: bytes) -> str:
    return "html" if _looks_like_html(data[:_SNIFF].decode("latin-1")) else "text"


def _looks_like_html(text: str) -> bool:
    head = text[:_SNIFF].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head


def _parse(text: str, fmt: str, rel: str, path: str, repairs: tuple[str, ...], url: str | None = None) -> Article:
    if fmt == "html":
        article = htmlpage.parse_html(text, url=url)
    else:
        article = textdump.parse_text(text, name=rel.rsplit("/", 1)[-1])
    if not article.body.strip():
        raise _Unreadable("no article body found (the page may be an index, a video or a paywall)")
    return dataclasses.replace(article, id=rel, path=path, format=fmt, repairs=repairs + article.repairs)


def _read_jsonl(source: _Source, data: bytes) -> Iterator[Article | Skip]:
    text, repairs = decode(data)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        rel = f"{source.rel}#{number}"
        try:
            article = _jsonl_article(line, rel, source.path, repairs)
        except _Unreadable as err:
            yield Skip(path=f"{source.path}#{number}", reason=str(err))
            continue
        except Exception as err:  # noqa: BLE001 - one bad record must not stop the file
            log.debug("reader failed on %s#%d", source.path, number, exc_info=True)
            yield Skip(path=f"{source.path}#{number}", reason=f"reader failed ({type(err).__name__}: {err})")
            continue
        yield article


def _jsonl_article(line: str, rel: str, path: str, repairs: tuple[str, ...]) -> Article:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise _Unreadable(f"not valid JSON ({err.msg} at column {err.colno}); fix or remove the line") from err
    if not isinstance(record, dict) or not isinstance(record.get("html") or record.get("text"), str):
        raise _Unreadable('JSONL record needs a "text" or "html" string field')
    fmt = "html" if isinstance(record.get("html"), str) and record["html"].strip() else "text"
    content = record["html"] if fmt == "html" else record.get("text") or ""
    url = record.get("url") if isinstance(record.get("url"), str) else None
    article = _parse(content, fmt, rel, path, repairs, url=url)
    overrides = {key: record[key] for key in ("title", "publisher", "url") if isinstance(record.get(key), str)}
    published = iso_date(str(record.get("published") or ""))
    if published:
        overrides["published"] = published
    return dataclasses.replace(article, format="jsonl", **overrides)
