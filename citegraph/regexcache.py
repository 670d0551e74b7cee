"""Compiled regular expressions kept between processes, for the extractor's large patterns.

Python turns a pattern into a program for its C regex engine in pure Python
(``re._parser``, ``re._compiler``); for the cue grammar and the outlet name
tries that is most of what a new process spends before it extracts its
first article, which a rebuild after one changed article pays in full.

``compile(source)`` is ``re.compile(source)``, except that a program
``load(path)`` read from an earlier process's ``save(path)`` is handed to
the engine directly. A program is saved only after checking that the engine
builds from it a pattern equal to ``re.compile``'s (same flags and code);
the file is keyed by the interpreter's version and the engine's magic
number, the engine validates every program it is given, and anything
unexpected falls back to ``re.compile``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

try:  # the engine's private interface, as re._compiler.compile uses it
    import _sre
    from re import _compiler, _parser

    _KEY = f"{sys.implementation.cache_tag} {sys.version} {_sre.MAGIC}"
except ImportError:  # another interpreter: plain re.compile
    _sre = None
    _KEY = ""

_LOADED: dict[str, list] = {}  # source -> program read from a file
_COMPILED: dict[str, re.Pattern[str]] = {}  # source -> pattern compiled by this process


def compile(source: str) -> re.Pattern[str]:  # noqa: A001 - the same name as re.compile
    """``re.compile(source)``, from a saved program when there is one."""
    program = _LOADED.get(source)
    if program is not None:
        try:
            return _sre.compile(source, program[0], program[1], program[2], program[3], tuple(program[4]))
        except Exception as err:  # noqa: BLE001 - a bad program only costs the compile
            log.info("saved regex program not used (%s): compiling", err)
            del _LOADED[source]
    pattern = _COMPILED[source] = re.compile(source)
    return pattern


def load(path: Path) -> None:
    """Take the programs saved in ``path`` (if any, and made by this interpreter)."""
    if _sre is None:
        return
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("key") == _KEY:
            _LOADED.update(data["programs"])
    except FileNotFoundError:
        return
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
        log.info("regex cache %s not used (%s)", path, err)


def save(path: Path) -> None:
    """Save the programs loaded and those of the patterns this process compiled, when there are new ones."""
    if _sre is None:
        return
    new = {s: p for s, pattern in _COMPILED.items() if s not in _LOADED and (p := _program(s, pattern)) is not None}
    _COMPILED.clear()
    if not new:
        return
    _LOADED.update(new)
    text = json.dumps({"key": _KEY, "programs": dict(sorted(_LOADED.items()))}, ensure_ascii=False)
    write_cache(Path(path), text)


def _program(source: str, pattern: re.Pattern[str]) -> list | None:
    """The engine's arguments for ``source`` (as ``re._compiler.compile`` makes them), or None when the
    engine does not build from them a pattern equal to ``pattern``."""
    try:
        parsed = _parser.parse(source, 0)
        code = _compiler._code(parsed, 0)
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        program = [parsed.state.flags, code, parsed.state.groups - 1, groupindex, indexgroup]
        rebuilt = _sre.compile(source, program[0], code, program[2], groupindex, tuple(indexgroup))
    except Exception as err:  # noqa: BLE001 - internals of another Python version
        log.info("regex program not saved (%s)", err)
        return None
    same = rebuilt == pattern and rebuilt.groupindex == pattern.groupindex and rebuilt.groups == pattern.groups
    return program if same else None


def write_cache(path: Path, text: str) -> None:
    """Write a cache file through a temporary file moved into place; a failure is logged, not raised.

    Not ``fsutil``: the extractor's imports are part of the extraction key, and
    a cache's reader checks what it reads.
    """
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as err:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        log.info("cannot write the regex cache %s (%s)", path, err)
