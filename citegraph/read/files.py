"""Read articles from disk: find files, decode them, and hand each to its parser.

``iter_articles(inputs, options)`` walks files and folders (recursively, in
sorted order) and yields one ``Article`` per article, or a ``Skip`` saying why a
file (or JSONL line) could not be read. One bad file never stops the batch.

Formats, by suffix (each may also be gzipped, ``name.html.gz``):

* ``.txt``: a plain text or a saved page dump, see ``textdump``;
* ``.html`` / ``.htm``: a saved web page, see ``htmlpage``;
* ``.jsonl``: one article per line (lines end at ``\n`` only: U+2028 and
  friends are legal inside JSON strings), an object with ``text`` or
  ``html`` and optional ``url``, ``title``, ``publisher``, ``published``,
  ``id``. With a ``title``, ``text`` is the body, all of it. The article id
  is ``<file id>#<line number>``; the record's own ``id`` is ignored so ids
  stay unique and stable.

Other files (annotations, images) are not articles and are passed over
silently; so are READMEs, licences and other notes (``NOT_ARTICLES``, even
with an article's suffix: ``README.TXT``) and metadata sidecars
(``metadata.tsv``, ``metadata.jsonl``..., see ``metadata``), whose fields
``read_one`` puts on the articles they describe. Article ids, ``Article.path`` and ``Skip.path`` are paths
relative to the input root (for a file given directly, its file name), so
no output names the folders above it. Given several inputs, each id starts
with its root's folder name (``bbc/sub/a.txt``; ``bbc-2/...`` for a second
folder of that name): the same relative path under two roots stays two
articles. A folder that cannot be listed is a ``Skip`` (``sub/``), like a
file that cannot be read; folders are walked without recursion, however
deep.

This is the reader's boundary: whatever a file holds, the text that leaves
it has no control characters but tab, line feed and carriage return, no
lone surrogates and no U+FFFE/U+FFFF (``normalise``; each change is a
repair recorded on the article), so no later stage (the store's SQLite,
the XML exports, the report) meets them. A file name that is not UTF-8 is
shown with its odd bytes as ``\\xNN``.

Folders are walked with ``os.scandir`` and sorted on strings (no ``Path``
per file). trafilatura, htmldate and charset-normalizer are loaded when the
first page or non-UTF-8 file needs them (``lazy``), so a rebuild with nothing
to read never imports them. ``benchmarks/bench_read.py`` prints the figures
(docs/SCALE.md).
"""

from __future__ import annotations

import collections
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
# Byte order marks, longest first: UTF-32 LE's starts with UTF-16 LE's.
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_WIDE_BOMS = tuple(bom for bom, enc in _BOMS if enc != "utf-8-sig")  # their text is full of NUL bytes
# What no later stage may see (see ``normalise``): the C0 controls but tab, line feed and carriage return
# (XML refuses them), the other line breaks of ``str.splitlines`` (NEL, U+2028, U+2029: a JSONL reader that
# splits lines with it breaks records there), U+FFFE, U+FFFF and lone surrogates (not text: SQLite and
# UTF-8 refuse surrogates). DEL and the other C1 controls stay: XML takes them, and real texts hold them
# (mojibake such as "Ã\x83Â±" in PolNeAR).
_ODD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029\ufffe\uffff\ud800-\udfff]")
_BREAKS = frozenset("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_LINE_BREAKS = re.compile(r"\s*[\r\n]\s*")
_ONE_LINE = ("title", "publisher", "published", "byline", "source_line", "url")  # fields that hold one line
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
    ``skip_folders``: folders never entered, however reached (a build's
    output folder inside its inputs).
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_bytes: int = 20 * 1024 * 1024
    metadata: MetadataSpec = MetadataSpec()  # sidecars and --publisher rules
    skip_folders: tuple[str, ...] = ()


class _Source(NamedTuple):
    """One file to read: where it is and the id its articles get (its name in every output).

    A named tuple: a scan makes one per input file, 10,000 in a few milliseconds.
    """

    path: str  # the file (or a folder that cannot be listed: its rel then ends in "/")
    rel: str  # relative to its input root, with the root's label when there are several; always valid text


class _Unreadable(Exception):
    """A file cannot be read; the message becomes the ``Skip.reason``."""


def iter_articles(inputs: list[Path], options: ReadOptions) -> Iterator[Article | Skip]:
    """Yield an ``Article`` or a ``Skip`` for every article file under ``inputs``."""
    for source in discover(inputs, options):
        yield from read_one(source.path, source.rel, options)


def read_one(path: str | os.PathLike[str], rel: str, options: ReadOptions) -> list[Article | Skip]:
    """The articles of the file at ``path`` (ids ``rel``, ``rel#N``), or a ``Skip`` saying why not.

    Never raises: a file that is gone, unreadable, hostile or that breaks a
    parser is a ``Skip`` with its reason, and the batch goes on. A folder
    (``discover`` gives one it cannot list) is a ``Skip`` while it cannot be
    listed. The metadata sidecars and ``--publisher`` rules of ``options.metadata`` fill in what the
    file does not say.
    """
    try:
        items = list(_read_source(_Source(os.fspath(path), rel), options))
        if options.metadata:
            metadata = load_metadata(options.metadata)
            items = [item if isinstance(item, Skip) else metadata.apply(item, os.fspath(path)) for item in items]
        return items
    except _Unreadable as err:
        log.info("skipped %s: %s", rel, err)
        return [Skip(path=rel, reason=str(err))]
    except FileNotFoundError:
        return [Skip(path=rel, reason="the file disappeared during the build; it is read again next time if it is back")]
    except IsADirectoryError:
        return _unlisted(os.fspath(path), rel)
    except OSError as err:
        return [Skip(path=rel, reason=f"cannot be opened ({err.strerror or err}); check its permissions")]
    except Exception as err:  # noqa: BLE001 - hostile input must not stop the batch
        log.debug("reader failed on %s", rel, exc_info=True)
        return [Skip(path=rel, reason=f"reader failed ({type(err).__name__}: {err}); please report this file")]


def _unlisted(path: str, rel: str) -> list[Article | Skip]:
    """A folder ``discover`` could not list: a ``Skip`` while it still cannot be (its files come next build)."""
    try:
        with os.scandir(path):
            pass
    except OSError as err:
        reason = f"cannot list this folder ({err.strerror or err}); its files are not read: check its permissions"
        return [Skip(path=rel, reason=reason)]
    return []


def discover(inputs: list[Path], options: ReadOptions) -> list[_Source]:
    """All article files under ``inputs``, filtered by the globs, in sorted order, and the folders that
    cannot be listed (``rel`` ending in ``/``).

    A folder is walked with ``os.scandir`` (symlinked folders are not entered,
    symlinked files are read) and its files sorted by their path components,
    the order ``sorted(Path.rglob(...))`` gives, without making a ``Path`` per
    file passed over. A file reached twice (the same input given twice, a
    file and its folder) is read once.
    """
    sources: list[_Source] = []
    globs = _glob_pattern(options.include), _glob_pattern(options.exclude)
    skip = _folder_ids(options.skip_folders)
    seen: set[str] = set()
    roots = [Path(root) for root in inputs]
    for root, label in zip(roots, _root_labels(roots)):
        if root.is_file():
            found = [_Source(str(root), root.name)] if _wanted(root.name, True, *globs) else []
        elif root.is_dir():
            if _folder_id(str(root)) in skip:
                continue
            files, unlisted = _walk(str(root), skip)
            rels = [rel for rel in files if _wanted(rel, False, *globs)] + unlisted
            rels.sort(key=lambda rel: rel.replace("/", "\0"))  # component-wise: "a/b" before "a-b"
            base = str(root)
            base = "" if base == "." else base if base.endswith("/") else base + "/"
            found = [_Source(base + rel if rel else str(root), rel) for rel in rels]
        else:
            raise InputError(f"input {root} does not exist; pass a file or folder of articles (default: data/).")
        if len(roots) > 1:  # a file reached twice (one input twice, a file and its folder) is read once
            where = os.path.abspath(root if root.is_dir() else root.parent)
            keys = [os.path.join(where, os.path.basename(s.path) if root.is_file() else s.rel) for s in found]
            found = [s for s, key in zip(found, keys) if not (key in seen or seen.add(key))]
        sources += [_Source(s.path, label + display_name(s.rel) if s.rel else label or "./") for s in found]
    tables = {path for path, folder in options.metadata.sidecars if not folder}  # --metadata files
    if tables:
        sources = [s for s in sources if os.path.normpath(os.path.abspath(s.path)) not in tables]
    return sources


def display_name(name: str) -> str:
    """``name`` as valid text: the bytes of a file name that is not UTF-8 written ``\\xNN``."""
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    return name


def _root_labels(roots: list[Path]) -> list[str]:
    """What each root's ids start with: nothing for one input; else its folder's name and "/" (a file's
    folder's), with ``-2``, ``-3`` ... after a name that another folder already has."""
    if len(roots) <= 1:
        return [""] * len(roots)
    labels: dict[str, str] = {}
    for root in roots:
        folder = os.path.abspath(root if root.is_dir() else root.parent)
        if folder not in labels:
            name = display_name(os.path.basename(folder)) or "root"
            label, n = name, 1
            while f"{label}/" in labels.values():
                n += 1
                label = f"{name}-{n}"
            labels[folder] = f"{label}/"
    return [labels[os.path.abspath(root if root.is_dir() else root.parent)] for root in roots]


def _folder_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _folder_ids(paths: tuple[str, ...]) -> frozenset[tuple[int, int]]:
    return frozenset(filter(None, map(_folder_id, paths)))


def _walk(root: str, skip: frozenset[tuple[int, int]]) -> tuple[list[str], list[str]]:
    """Paths (``sub/a.html``, relative to ``root``) of the files under ``root``, and of the folders that
    cannot be listed (``sub/``, or ``""`` for ``root`` itself). A stack, not recursion: any depth."""
    files: list[str] = []
    unlisted: list[str] = []
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as entries:
                found = [(entry.name, entry.path, _kind(entry, skip)) for entry in entries]
        except OSError as err:
            log.info("cannot list %s: %s", folder, err)
            unlisted.append(prefix)
            continue
        for name, path, kind in found:
            if kind == "file":
                files.append(prefix + name)
            elif kind == "dir":
                stack.append((path, f"{prefix}{name}/"))
    return files, unlisted


def _kind(entry: os.DirEntry[str], skip: frozenset[tuple[int, int]]) -> str | None:
    """``file`` (a file or a link to one), ``dir`` (a folder, not a link, not in ``skip``) or None."""
    try:
        if entry.is_file():
            return "file"
        if not entry.is_dir(follow_symlinks=False):
            return None
        if skip and (entry.stat(follow_symlinks=False).st_dev, entry.inode()) in skip:
            return None
        return "dir"
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
    if source.rel.endswith("/"):  # a folder discover could not list
        raise IsADirectoryError(source.path)
    data = load_bytes(source.path, options.max_bytes)
    fmt = _format_of(source.rel.rsplit("/", 1)[-1]) or _sniff_format(data)
    named = () if display_name(source.path) == source.path else ("file name is not UTF-8: its odd bytes are shown as \\xNN",)
    if fmt == "jsonl":
        yield from _read_jsonl(source, data, named)
        return
    text, repairs = decode(data, html=fmt == "html")
    text, normalised = normalise(text)
    if fmt == "text" and _looks_like_html(text):
        fmt = "html"
    article = _parse(text, fmt, source.rel, named + repairs + normalised)
    yield _normalised_article(article) if fmt == "html" else article  # a text's parts are parts of ``text``


def load_bytes(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The file's bytes (gunzipped), refusing empty, oversized, binary or broken files."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise _Unreadable(f"file is {size} bytes, over the {max_bytes}-byte limit; raise the limit or --exclude it")
        data = fh.read(size + 1)
        if len(data) > size:  # it grew since: read on, up to the limit
            data += fh.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise _Unreadable(f"file is over the {max_bytes}-byte limit; raise the limit or --exclude it")
    if os.fspath(path).lower().endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes)
    if not data.strip():
        raise _Unreadable("empty file")
    if b"\x00" in data[:_SNIFF] and not data.startswith(_WIDE_BOMS):
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
    for bom, enc in _BOMS:
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


def _parse(text: str, fmt: str, rel: str, repairs: tuple[str, ...], url: str | None = None) -> Article:
    if fmt == "html":
        article = htmlpage.parse_html(text, url=url)
    else:
        article = textdump.parse_text(text, name=rel.rsplit("/", 1)[-1])
    if not article.body.strip():
        raise _Unreadable("no article body found (the page may be an index, a video or a paywall)")
    return dataclasses.replace(article, id=rel, path=rel, format=fmt, repairs=repairs + article.repairs)


def normalise(text: str) -> tuple[str, tuple[str, ...]]:
    r"""``text`` without what no later stage may see (``_ODD``), and the repairs made (none for most texts).

    One character for one, so that offsets into the file's text (annotations,
    a page's links) still hold: form feeds, vertical tabs, the file, group
    and record separators, NEL and U+2028/U+2029 become line feeds; lone
    surrogates, U+FFFE and U+FFFF become U+FFFD; other control characters
    become spaces.

    >>> normalise("Page one\fPage two\x00.")
    ('Page one\nPage two .', ('replaced 1 control character(s) with spaces', 'read 1 page or line separator(s) as line breaks'))
    """
    text, counts = _normalised(text)
    return text, _said(counts)


def _normalised(text: str) -> tuple[str, collections.Counter[str]]:
    """``normalise``, counting each kind of change."""
    counts: collections.Counter[str] = collections.Counter()
    if _ODD.search(text) is None:
        return text, counts

    def fix(match: re.Match[str]) -> str:
        char = match.group()
        if char in _BREAKS:
            counts["break"] += 1
            return "\n"
        if char >= "\ud800":
            counts["other"] += 1
            return "\ufffd"
        counts["control"] += 1
        return " "

    return _ODD.sub(fix, text), counts


def _said(counts: collections.Counter[str]) -> tuple[str, ...]:
    """The repairs ``_normalised`` counted, in words."""
    said = {
        "control": f"replaced {counts['control']} control character(s) with spaces",
        "break": f"read {counts['break']} page or line separator(s) as line breaks",
        "other": f"replaced {counts['other']} lone surrogate(s) or non-character(s) with U+FFFD",
    }
    return tuple(said[kind] for kind in said if counts[kind])


def _normalised_article(article: Article) -> Article:
    """``article`` with every text field normalised (the HTML parsers decode control characters from entities;
    a text's fields are slices of its normalised text).

    One-line fields lose their line breaks too.
    """
    changes: dict[str, object] = {}
    counts: collections.Counter[str] = collections.Counter()
    for name in _ONE_LINE:
        value = getattr(article, name)
        if value and (_ODD.search(value) or "\n" in value or "\r" in value):
            value, found = _normalised(value)
            changes[name] = _LINE_BREAKS.sub(" ", value).strip()
            counts += found
    body, found = _normalised(article.body)
    if found:
        changes["body"] = body
        counts += found
    links = [dataclasses.replace(k, text=normalise(k.text)[0], href=normalise(k.href)[0]) for k in article.links]
    credits = [dataclasses.replace(c, credit=normalise(c.credit)[0], caption=normalise(c.caption)[0])
               for c in article.image_credits]
    if links != list(article.links) or credits != list(article.image_credits):
        changes.update(links=tuple(links), image_credits=tuple(credits))
        counts["control"] += 1
    if not changes:
        return article
    return dataclasses.replace(article, repairs=article.repairs + _said(counts), **changes)


def _read_jsonl(source: _Source, data: bytes, named: tuple[str, ...]) -> Iterator[Article | Skip]:
    """One article per line; a line ends at ``\n`` (or ``\r\n``) only, as JSON Lines says."""
    text, repairs = decode(data)
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        rel = f"{source.rel}#{number}"
        try:
            article = _jsonl_article(line, rel, named + repairs)
        except _Unreadable as err:
            yield Skip(path=rel, reason=str(err))
            continue
        except Exception as err:  # noqa: BLE001 - one bad record must not stop the file
            log.debug("reader failed on %s", rel, exc_info=True)
            yield Skip(path=rel, reason=f"reader failed ({type(err).__name__}: {err}); please report this line")
            continue
        yield article


def _jsonl_article(line: str, rel: str, repairs: tuple[str, ...]) -> Article:
    try:
        record = json.loads(line, strict=False)  # control characters inside strings are normalised below
    except json.JSONDecodeError as err:
        raise _Unreadable(f"not valid JSON ({err.msg} at column {err.colno}); fix or remove the line") from err
    except RecursionError as err:
        raise _Unreadable("JSON nested too deeply; fix or remove the line") from err
    if not isinstance(record, dict) or not isinstance(record.get("html") or record.get("text"), str):
        raise _Unreadable('JSONL record needs a "text" or "html" string field')
    found = {key: _normalised(record[key]) for key in ("html", "text", "title", "publisher", "url")
             if isinstance(record.get(key), str)}
    repairs += _said(sum((counts for _, counts in found.values()), collections.Counter()))
    fields = {key: value for key, (value, _) in found.items()}
    fmt = "html" if fields.get("html", "").strip() else "text"
    content = fields["html"] if fmt == "html" else fields.get("text") or ""
    if fmt == "text" and fields.get("title", "").strip():
        content = _titled(fields["title"], content)
    article = _parse(content, fmt, rel, repairs, url=fields.get("url"))
    overrides = {key: fields[key] for key in ("title", "publisher", "url") if key in fields}
    published = iso_date(str(record.get("published") or ""))
    if published:
        overrides["published"] = published
    article = dataclasses.replace(article, format="jsonl", **overrides)
    one_line = all("\n" not in v and "\r" not in v for v in overrides.values() if isinstance(v, str))
    return _normalised_article(article) if fmt == "html" or not one_line else article


def _titled(title: str, text: str) -> str:
    """A record's ``text`` under its ``title``: the text is the body, all of it, unless it starts with the title."""
    title = " ".join(title.split())
    first = text.strip().split("\n", 1)[0].strip()
    return text if " ".join(first.split()) == title else f"{title}\n\n{text}"
