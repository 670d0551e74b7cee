"""Atomic, deterministic file output; the key this machine signs its caches with; kill points for tests.

* ``atomic_*``: a file is written beside its target and renamed over it, so
  readers see the old file or the new one, never half.
* ``local_key()``: a secret kept outside every output folder (under
  ``$CITEGRAPH_KEY_DIR``, else ``$XDG_CACHE_HOME/citegraph`` or
  ``~/.cache/citegraph``; made on first use, mode 0600). The store's seal and
  the graph cache carry an HMAC with it, so a file that another machine or
  person wrote into OUT is never taken for one of ours (docs/STORE.md).
* ``checkpoint(label)``: with ``CITEGRAPH_KILL_AT=N`` in the environment, the
  Nth checkpoint a process passes ends it at once (``os._exit``, no clean-up),
  as a ``kill -9`` there would; ``CITEGRAPH_CHECKPOINTS=FILE`` appends each
  checkpoint's label to FILE. The kill-point test walks a build through
  them (tests/test_publish.py).
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, ContextManager, Iterable, Iterator

# renameat2(2) (glibc 2.28+, Linux 3.15+), for ``exchange_folders``; None elsewhere
_RENAMEAT2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None) if sys.platform.startswith("linux") else None
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
KEY_DIR_ENV = "CITEGRAPH_KEY_DIR"
KILL_ENV = "CITEGRAPH_KILL_AT"
TRACE_ENV = "CITEGRAPH_CHECKPOINTS"
_passed = [0]  # checkpoints this process has passed


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
        checkpoint(f"write {path.name}")
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


def compact_json_pieces(value: Any, sort_keys: bool = False, batch: int = 2000) -> Iterator[str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)`` in pieces:
    a large list or dict is written a batch of items at a time (a batch encoded by one ``json.dumps`` call, in C), so
    a large document is never one string in memory. The pieces join to exactly ``json.dumps``'s text.
    """
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False).encode
    if isinstance(value, dict) and value and (len(value) > batch or any(map(_large, value.values()))):
        keys = sorted(value) if sort_keys else list(value)
        for start in range(0, len(keys), batch):
            part = keys[start : start + batch]
            lead = "{" if start == 0 else ","
            if len(part) == 1 or any(_large(value[k]) for k in part):
                for i, k in enumerate(part):
                    yield ("{" if start == 0 and i == 0 else ",") + encode(str(k) if not isinstance(k, str) else k) + ":"
                    yield from compact_json_pieces(value[k], sort_keys, batch)
            elif all(type(k) is str for k in part):  # the batch as one small dict, encoded in one call
                yield lead + encode({k: value[k] for k in part})[1:-1]
            else:
                yield lead + ",".join(encode(k) + ":" + encode(value[k]) for k in part)
        yield "}"
    elif isinstance(value, (list, tuple)) and len(value) > batch:
        for start in range(0, len(value), batch):  # a batch encoded in one call, its brackets cut off
            yield ("[" if start == 0 else ",") + encode(list(value[start : start + batch]))[1:-1]
        yield "]"
    else:
        yield encode(value)


def _large(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict)) and len(value) > 2000


def dumps_json(obj: Any) -> str:
    """Canonical JSON: sorted keys, no ASCII escaping, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def dumps_json_pieces(obj: Any) -> Iterator[str]:
    """``dumps_json(obj)`` in pieces of about 64 KiB (the same text, never one string in memory)."""
    buffer: list[str] = []
    held = 0
    for chunk in json.JSONEncoder(ensure_ascii=False, sort_keys=True, indent=2).iterencode(obj):
        buffer.append(chunk)
        held += len(chunk)
        if held >= 1 << 16:
            yield "".join(buffer)
            buffer, held = [], 0
    buffer.append("\n")
    yield "".join(buffer)


def jsonl_line(record: dict[str, Any]) -> str:
    """One JSON Lines line (without its newline): sorted keys, no ASCII escaping but of the characters that
    ``str.splitlines`` breaks lines at (NEL, U+2028, U+2029; JSON escapes the others), so that any line
    reader gets one record per line."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=True)
    if "\x85" in text or "\u2028" in text or "\u2029" in text:  # 80 times faster than the search
        text = _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


def jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(jsonl_line(r) + "\n" for r in records)


# ---------------------------------------------------------------- the local key


def key_dir() -> Path:
    """Where ``local_key`` keeps the key: ``$CITEGRAPH_KEY_DIR``, else the user's cache folder."""
    if os.environ.get(KEY_DIR_ENV):
        return Path(os.environ[KEY_DIR_ENV])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "citegraph"


def local_key() -> bytes | None:
    """This machine's secret for signing caches, made on first use; None when it cannot be read or kept."""
    return _load_key(str(key_dir()))


@lru_cache(maxsize=4)
def _load_key(folder: str) -> bytes | None:
    path = Path(folder) / "key"
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) == 64:
            return bytes.fromhex(text)
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        return None
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".key.", dir=folder)  # mode 0600
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # never over a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def sign(data: bytes) -> str:
    """HMAC-SHA256 of ``data`` with the local key (plain SHA-256 when no key can be kept: damage is then
    still found, a forged file is not)."""
    return signing(data).signature()


class Signer:
    """``sign`` over data given in pieces: ``signing(first)``, ``update(more)``..., ``signature()``."""

    def __init__(self, first: bytes) -> None:
        key = local_key()
        self._kind = "sha256:" if key is None else "hmac:"
        self._mac = hashlib.sha256(first) if key is None else hmac.new(key, first, hashlib.sha256)

    def update(self, data: bytes) -> None:
        self._mac.update(data)

    def signature(self) -> str:
        return self._kind + self._mac.hexdigest()


def signing(first: bytes = b"") -> Signer:
    return Signer(first)


def signed(data: bytes, signature: object) -> bool:
    """Does ``signature`` (from ``sign``) belong to ``data``, signed on this machine?"""
    return isinstance(signature, str) and hmac.compare_digest(sign(data), signature)


# ---------------------------------------------------------------- kill points


def checkpoint(label: str) -> None:
    """A place where a build may be killed; see the module docstring."""
    kill_at = os.environ.get(KILL_ENV)
    trace = os.environ.get(TRACE_ENV)
    if not kill_at and not trace:
        return
    _passed[0] += 1
    if trace:
        with open(trace, "a", encoding="utf-8") as fh:
            fh.write(f"{_passed[0]}\t{label}\n")
    if kill_at and _passed[0] == int(kill_at):
        os._exit(137)  # as SIGKILL would: no finally, no atexit, no flush


# ---------------------------------------------------------------- swapping two folders


def exchange_folders(new: Path, current: Path) -> None:
    """Swap two folders in one step: ``current`` gets ``new``'s contents and ``new`` the old ones.

    Linux's ``renameat2(RENAME_EXCHANGE)`` does it atomically: a reader of
    ``current`` sees one folder or the other, never a mix, and a kill leaves
    one of the two in place. Where that call is missing or the file system
    refuses it, ``current`` is renamed to ``.<name>.previous`` and ``new``
    renamed into its place (``recover_folder`` undoes a kill between the two).
    """
    if _RENAMEAT2 is not None:
        done = _RENAMEAT2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(current), _RENAME_EXCHANGE)
        if done == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), os.fspath(current))
    previous = previous_folder(current)
    os.rename(current, previous)
    checkpoint("publish: previous build moved aside")
    os.rename(new, current)
    checkpoint("publish: new build moved in")
    os.rename(previous, new)


def previous_folder(folder: Path) -> Path:
    """Where ``exchange_folders`` keeps ``folder`` while it swaps without ``renameat2``."""
    return Path(folder).parent / f".{Path(folder).name}.previous"


def recover_folder(folder: Path) -> None:
    """After a kill inside ``exchange_folders``' fallback: put the previous folder back, or drop it."""
    previous = previous_folder(folder)
    if not os.path.lexists(previous):
        return
    if os.path.lexists(folder):
        shutil.rmtree(previous, ignore_errors=True)
    else:
        os.rename(previous, folder)
