"""Metadata kept beside the articles: sidecar tables and publishers given per folder.

Users often keep what a page does not say (its publisher, its date, where it
came from) in a table next to the texts. A **sidecar** is such a table:
``metadata.tsv``, ``metadata.csv`` or ``metadata.jsonl`` anywhere under an
input folder (it describes the files under its own folder), or any TSV, CSV
or JSONL file given with ``--metadata``. Its columns (any order, any case;
PolNeAR's ``metadata.tsv`` is one real example):

* the article, by ``path`` / ``file`` / ``filename`` / ``id``: a path
  relative to the sidecar's folder (``text/a.txt``), a file name (``a.txt``)
  or a name without its suffixes (``a``), which must then be unique;
* ``publisher`` (or ``source``, ``outlet``, ``site``), ``date`` (or
  ``published``, ``publication_date``, ``datePublished``, ``dateCreated``),
  ``url`` (or ``sourceURL``, ``link``), ``title`` (or ``headline``),
  ``byline`` (or ``author``).

``--publisher [PATH=]NAME`` names the publisher of every article under PATH
(a folder or a file), or of every input when PATH is left out.

What wins, field by field: the sidecar row of the article (the nearest
sidecar first; a ``--metadata`` file before the ones found in folders), then
``--publisher`` (the deepest PATH first), then what the page itself says.
Empty cells and ``None`` / ``NA`` / ``null`` say nothing. Sidecars are not
read as articles; nor are READMEs, licences and similar notes
(``files.NOT_ARTICLES``).

The ``MetadataSpec`` names the files and holds a digest of their bytes, so
the store reads every article again when a sidecar changes
(``store.keys.read_key``), and a worker process loads the tables once per
spec.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import InputError
from ..records import Article
from .helpers import iso_date

SIDECAR_NAMES = frozenset({"metadata.tsv", "metadata.csv", "metadata.jsonl"})
_COLUMNS = {
    "key": ("path", "file", "filename", "file_name", "id", "article", "name"),
    "publisher": ("publisher", "source", "outlet", "site", "site_name", "sitename", "publication"),
    "published": ("date", "published", "publication_date", "publish_date", "pub_date", "datepublished",
                  "datecreated", "published_at"),
    "url": ("url", "sourceurl", "source_url", "link", "canonical_url"),
    "title": ("title", "headline"),
    "byline": ("byline", "author", "authors"),
}
_EMPTY = frozenset({"", "none", "null", "na", "n/a", "nan", "-"})
FIELDS = ("publisher", "published", "url", "title", "byline")


@dataclass(frozen=True)
class MetadataSpec:
    """Which sidecars and ``--publisher`` rules apply: small, picklable, and changed when a sidecar changes.

    ``sidecars``: (sidecar path, the folder it describes, "" for a
    ``--metadata`` file, which may describe any input), absolute, explicit
    files first; ``publishers``: (absolute path or "" for every input, name);
    ``digest``: of both, and of every sidecar's bytes.
    """

    sidecars: tuple[tuple[str, str], ...] = ()
    publishers: tuple[tuple[str, str], ...] = ()
    digest: str = ""

    def __bool__(self) -> bool:
        return bool(self.sidecars or self.publishers)


def make_spec(inputs: Iterable[Path], metadata_files: Iterable[Path] = (),
              publishers: Iterable[str] = ()) -> MetadataSpec:
    """The spec for a build: ``--metadata`` files, sidecars found under the input folders, ``--publisher`` rules.

    Raises ``InputError`` for a ``--metadata`` file that does not exist or a
    malformed ``--publisher``.
    """
    sidecars: list[tuple[str, str]] = []
    for path in metadata_files:
        if not Path(path).is_file():
            raise InputError(f"metadata file {path} does not exist; pass a TSV, CSV or JSONL file to --metadata.")
        sidecars.append((_abs(path), ""))  # "": it may describe any input
    for root in inputs:
        if Path(root).is_dir():
            sidecars += [(_abs(path), _abs(os.path.dirname(path))) for path in _find_sidecars(str(root))]
    rules = tuple(sorted((parse_publisher(value) for value in publishers), key=lambda r: (-len(r[0]), r)))
    digest = hashlib.sha256()
    for path, folder in sidecars:
        digest.update(f"{path}\0{folder}\0".encode())
        try:
            digest.update(Path(path).read_bytes())
        except OSError as err:
            raise InputError(f"cannot read metadata file {path} ({err.strerror or err}).") from err
    for path, name in rules:
        digest.update(f"publisher\0{path}\0{name}\0".encode())
    return MetadataSpec(tuple(sidecars), rules, digest.hexdigest()[:24] if sidecars or rules else "")


def parse_publisher(value: str) -> tuple[str, str]:
    """``"PATH=NAME"`` -> (absolute PATH, NAME) when PATH exists; ``"NAME"`` -> ("", NAME)."""
    path, sep, name = value.partition("=")
    if sep and Path(path).exists():
        return _abs(path), name.strip()
    if sep and ("/" in path or os.sep in path):
        raise InputError(f"--publisher {value!r}: {path} does not exist; give PATH=NAME with an existing folder.")
    name = value.strip()
    if not name:
        raise InputError("--publisher needs a name, or PATH=NAME.")
    return "", name


def is_sidecar(name: str) -> bool:
    return name.lower() in SIDECAR_NAMES


def _abs(path: str | os.PathLike[str]) -> str:
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def _find_sidecars(folder: str) -> Iterator[str]:
    """The sidecars under ``folder``, in sorted order; walked without recursion (any depth), symlinked
    folders not entered, a folder that cannot be listed passed over (the reader says so)."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                found = sorted((e.name, e.path, e.is_dir(follow_symlinks=False)) for e in entries)
        except OSError:
            continue
        for name, path, is_dir in found:
            if not is_dir and is_sidecar(name):
                yield path
        stack.extend(path for name, path, is_dir in reversed(found) if is_dir)


# ---------------------------------------------------------------- the tables


@dataclass(frozen=True)
class _Table:
    folder: str  # paths in the table are relative to it
    anywhere: bool  # a --metadata file: a file name or stem may match an article outside its folder
    by_path: dict[str, dict[str, str]]
    by_name: dict[str, dict[str, str]]
    by_stem: dict[str, dict[str, str]]

    def row_for(self, path: str) -> dict[str, str] | None:
        inside = path.startswith(self.folder + os.sep)
        if inside:
            row = self.by_path.get(path[len(self.folder) + 1 :].replace(os.sep, "/"))
            if row is not None:
                return row
        elif not self.anywhere:
            return None
        name = os.path.basename(path)
        return self.by_name.get(name) or self.by_stem.get(_stem(name))


class Metadata:
    """The loaded tables and rules of a ``MetadataSpec``; ``apply`` fills an article's fields."""

    def __init__(self, spec: MetadataSpec) -> None:
        self.spec = spec
        self.tables = [_load_table(path, folder) for path, folder in spec.sidecars]
        self.tables.sort(key=lambda t: (not t.anywhere, -len(t.folder)))  # explicit files, then the nearest

    def fields_for(self, path: str) -> dict[str, str]:
        """What the sidecars and ``--publisher`` rules say of the article file at ``path``."""
        path = _abs(path.split("#", 1)[0])
        found: dict[str, str] = {}
        for table in self.tables:
            row = table.row_for(path)
            if row:
                for key, value in row.items():
                    found.setdefault(key, value)
        if "publisher" not in found:
            for where, name in self.spec.publishers:
                if not where or path == where or path.startswith(where + os.sep):
                    found["publisher"] = name
                    break
        return found

    def apply(self, article: Article, path: str) -> Article:
        found = self.fields_for(path)
        return dataclasses.replace(article, **found) if found else article


@lru_cache(maxsize=4)
def load(spec: MetadataSpec) -> Metadata:
    """The process's ``Metadata`` of ``spec``, loaded once (the spec's digest changes with the files)."""
    return Metadata(spec)


def _load_table(path: str, folder: str) -> _Table:
    rows = list(_rows(path))
    by_path: dict[str, dict[str, str]] = {}
    by_name: dict[str, dict[str, str]] = {}
    stems: dict[str, list[dict[str, str]]] = {}
    for key, fields in rows:
        key = key.replace("\\", "/").removeprefix("./")
        by_path.setdefault(key, fields)
        name = key.rsplit("/", 1)[-1]
        by_name.setdefault(name, fields)
        stems.setdefault(_stem(name), []).append(fields)
    by_stem = {stem: found[0] for stem, found in stems.items() if len(found) == 1}  # an ambiguous stem names none
    return _Table(folder or os.path.dirname(path), not folder, by_path, by_name, by_stem)


def _stem(name: str) -> str:
    """``a.txt.gz`` -> ``a``; ``a.b.html`` -> ``a.b``."""
    name = name.removesuffix(".gz").removesuffix(".GZ")
    stem, dot, suffix = name.rpartition(".")
    return stem if dot and suffix.isalpha() and len(suffix) <= 5 else name


def _rows(path: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(article key, the fields a row gives) for each row of a sidecar naming its article."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError as err:
        raise InputError(f"cannot read metadata file {path} ({err.strerror or err}).") from err
    lower = path.lower()
    if lower.endswith(".jsonl"):
        records = _jsonl_records(text, path)
    else:
        dialect = "excel-tab" if lower.endswith(".tsv") or "\t" in text.split("\n", 1)[0] else "excel"
        records = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns: dict[str, str] | None = None
    for record in records:
        if columns is None:
            columns = _columns(list(record), path)
        key = _clean(record.get(columns["key"]))
        if not key:
            continue
        fields = {}
        for field in FIELDS:
            column = columns.get(field)
            value = _clean(record.get(column)) if column else ""
            if field == "published":
                value = iso_date(value) or ""
            if value:
                fields[field] = value
        if fields:
            yield key, fields


def _jsonl_records(text: str, path: str) -> Iterator[dict[str, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"metadata file {path}, line {number}: not valid JSON ({err.msg}).") from err
        if isinstance(record, dict):
            yield {str(k): v if isinstance(v, str) else "" for k, v in record.items()}


def _columns(names: list[str], path: str) -> dict[str, str]:
    """Field -> the column that holds it (the first alias present, in ``_COLUMNS`` order)."""
    lowered = {n.strip().casefold(): n for n in names if n}
    found = {}
    for field, aliases in _COLUMNS.items():
        column = next((lowered[a] for a in aliases if a in lowered), None)
        if column is not None:
            found[field] = column
    if "key" not in found:
        raise InputError(f"metadata file {path} has no column naming the article "
                         f"(one of: {', '.join(_COLUMNS['key'])}); its columns are {', '.join(names)}.")
    return found


def _clean(value: object) -> str:
    text = " ".join(str(value or "").split())
    return "" if text.casefold() in _EMPTY else text
