"""What stored articles and citations depend on, found by walking the package's folders.

A stored article is stale when the reader changed; stored citations when
the extractor did. "The reader" is every file under ``citegraph/read/``,
the package modules those files import (``records.py``, ``rules.py``, ...,
found from their ``import`` statements, and theirs in turn) and the rule
files in ``citegraph/data/``; likewise for ``citegraph/extract/``. Nobody
keeps a list of modules: a new file in a folder is part of its key.

>>> stage_digest("read") == stage_digest("read")
True
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError

PACKAGE = Path(__file__).resolve().parents[1]  # the citegraph folder
DATA = PACKAGE / "data"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".pyo"))


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(set(paths)):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


_RELATIVE_IMPORT = re.compile(r"^from (\.+)([\w.]*) import \(?([\w, ]+)", re.MULTILINE)


def _imported_modules(path: Path) -> set[Path]:
    """The citegraph modules and packages a module imports (``from ..records import``, ``from .. import rules``).

    Imports stand at the top of a module, one per line (tests/test_layout.py keeps it so).
    """
    found = set()
    for dots, module, names in _RELATIVE_IMPORT.findall(path.read_text(encoding="utf-8")):
        base = path.parent
        for _ in range(len(dots) - 1):
            base = base.parent
        if module:
            targets = [base.joinpath(*module.split("."))]
        else:  # "from . import story as story_text"
            targets = [base / n.split()[0] for n in names.split(",") if n.strip()]
        for target in targets:
            for candidate in (target.with_suffix(".py"), target / "__init__.py"):
                if candidate.is_file() and PACKAGE in candidate.parents:
                    found.add(candidate)
    return found


@lru_cache(maxsize=None)
def stage_files(stage: str) -> tuple[Path, ...]:
    """Every file a stage's code and rules come from: its folder, the modules it imports, the rule files."""
    files = set(_files(PACKAGE / stage))
    queue = [p for p in files if p.suffix == ".py"]
    while queue:
        for module in _imported_modules(queue.pop()):
            if module not in files:
                files.add(module)
                queue.append(module)
    files.update(DATA.glob("*.toml"))
    return tuple(sorted(files))


@lru_cache(maxsize=None)
def stage_digest(stage: str) -> str:
    """SHA-256 of ``stage_files(stage)``: their paths and bytes."""
    return _digest(list(stage_files(stage)))


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the whole package (code, rules, page assets): every output depends on all of it."""
    return _digest(_files(PACKAGE))


def extractor_version() -> str:
    """The extractor's code and rules, as a short digest (the store's ``extractor_version``)."""
    return stage_digest("extract")[:32]


def extraction_key(outlets_file: Path | None) -> str:
    """What a stored article's citations depend on: the extractor and the user's outlet file."""
    outlets = ""
    if outlets_file is not None:
        try:
            outlets = hashlib.sha256(Path(outlets_file).read_bytes()).hexdigest()
        except OSError as err:
            raise ConfigError(f"cannot read outlets file {outlets_file} ({err}); check the --outlets path.") from err
    return hashlib.sha256(f"{extractor_version()}\0{outlets}".encode()).hexdigest()[:24]


def read_key(max_bytes: int, metadata: str = "") -> str:
    """What a stored article depends on besides its file: the reader, its size limit and the
    metadata digest (sidecars and ``--publisher`` rules, ``read.metadata.MetadataSpec``)."""
    return hashlib.sha256(f"{stage_digest('read')}\0{max_bytes}\0{metadata}".encode()).hexdigest()[:24]
