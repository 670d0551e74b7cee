"""Atomic, deterministic file output."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, ContextManager, Iterable, Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


@contextmanager
def _atomic(path: Path, mode: str) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success move it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _FILE_MODE)  # mkstemp creates 0600; outputs are ordinary files
        kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    with _atomic(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_binary(path: Path) -> ContextManager[BinaryIO]:
    """``path`` opened for writing bytes; moved into place when the ``with`` block ends without an error."""
    return _atomic(path, "wb")


def atomic_write_pieces(path: Path, pieces: Iterable[str]) -> None:
    """Write the concatenation of ``pieces`` to ``path`` atomically, each piece as it comes (UTF-8)."""
    with _atomic(path, "w") as fh:
        for piece in pieces:
            fh.write(piece)


def atomic_write_lines(path: Path, lines: Iterable[str]) -> None:
    """Write each of ``lines`` plus a newline to ``path`` atomically, streaming (for large JSONL)."""
    with _atomic(path, "w") as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")


def dumps_json(obj: Any) -> str:
    """Canonical JSON: sorted keys, no ASCII escaping, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def jsonl_line(record: dict[str, Any]) -> str:
    """One JSON Lines line (without its newline): sorted keys, no ASCII escaping."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True)


def jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(jsonl_line(r) + "\n" for r in records)
