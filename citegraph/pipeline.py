"""Run the stages in order: read and extract (into the store) -> graph -> outputs.

``build(options)`` is the one entry point that the CLI and the library share;
``export`` writes the graph exports of the last build on demand, and
``report`` rewrites the report from the record files.

Everything that writes into OUT holds an exclusive lock on it (``locked``: a
second build refuses, saying so). A build writes its outputs into a staging
folder beside OUT and then swaps the two folders in one step
(``fsutil.exchange_folders``), so OUT always holds one whole build, the last
or the new (docs/STORE.md, "Publishing").
"""

from __future__ import annotations

import difflib
import errno
import gc
import json
import logging
import multiprocessing
import os
import re
import shutil
import sqlite3
import struct
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from multiprocessing.reduction import ForkingPickler
from typing import Any, Callable, Iterable, Iterator

from .errors import BuildError, BusyError, OutputError
from .version import __version__
from .extract import Extractor, Gazetteer
from .fsutil import checkpoint, exchange_folders, recover_folder
from .graph import cache as graph_cache
from .graph.memo import Memo, using
from .graph.metrics import graph_index, metrics_in_two
from .graph.model import CitationGraph
from .graph.stories import Stories, find_article
from .outputs.explorer import ExplorerOptions, prepare_explorer, rebuild_command, write_explorer
from .outputs.exports import EXPORT_FILES, FORMATS, write_exports
from .outputs.recordfiles import write_records
from .outputs.report import regenerate_report, write_metrics, write_report
from .read import ReadOptions, iter_articles
from .read.metadata import MetadataSpec, make_spec
from .records import Article, Citation, Skip
from .store import STORE_NAME, ProgressHook, Store, UpdateOptions, UpdateSummary, update_store
from .store.db import store_error
from .store.keys import code_digest, extraction_key
from .store.update import cached_gazetteer

try:
    import fcntl
except ImportError:  # not a POSIX system: builds into one OUT are not kept apart
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

STAGING = ".{name}.staging-"  # the staging folders beside OUT (their names start so)
LOCK = ".citegraph.lock"  # the lock file in OUT
_TEMPORARY = re.compile(r"\..+\.\w{8}\.tmp")  # fsutil's atomic writers' temporary files (mkstemp names)


@dataclass(frozen=True)
class BuildOptions:
    """Everything ``build`` needs; the CLI fills it from its flags."""

    inputs: tuple[Path, ...] = (Path("data"),)
    out: Path = Path("out")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    outlets_file: Path | None = None
    strict: bool = False
    max_bytes: int = 20 * 1024 * 1024
    max_nodes: int = 1500
    jobs: int = 0  # 0: all cores
    dask_scheduler: str | None = None
    progress: bool = False
    exports: bool = False  # also write the graph exports (GraphML, GEXF, node-link JSON, CSV)
    file_timeout: float = 60.0  # seconds to read and extract one file before it is skipped (0: no limit)
    metadata_files: tuple[Path, ...] = ()  # --metadata: sidecar tables given by name
    publishers: tuple[str, ...] = ()  # --publisher: "NAME" or "PATH=NAME"

    def metadata(self) -> MetadataSpec:
        """The sidecars (given, and found under the input folders) and publisher rules of this build."""
        return make_spec(self.inputs, self.metadata_files, self.publishers)


@dataclass
class BuildResult:
    """What a build produced, for the CLI to summarise.

    The records themselves are in ``out/articles.jsonl`` and ``out/citations.jsonl``
    (and the store): a result holding every citation would hold a large corpus twice.
    """

    skips: list[Skip] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    update: UpdateSummary | None = None  # what the store update read, dropped and re-extracted
    regenerated: bool = True  # False when the outputs were already current and left alone
    patched: bool = False  # True when the previous build's graph was patched rather than built anew
    article_count: int = 0  # articles and citations in the build
    citation_count: int = 0
    removed: list[Path] = field(default_factory=list)  # exports of an older build, removed as stale
    notes: list[str] = field(default_factory=list)  # what the user should hear (a damaged store rebuilt, ...)


def read_all(options: BuildOptions) -> tuple[list[Article], list[Skip]]:
    """Read every input; broken files become ``Skip`` records, never exceptions."""
    read_opts = ReadOptions(include=options.include, exclude=options.exclude, max_bytes=options.max_bytes,
                            metadata=options.metadata())
    articles: list[Article] = []
    skips: list[Skip] = []
    for item in iter_articles(list(options.inputs), read_opts):
        (skips if isinstance(item, Skip) else articles).append(item)
    articles.sort(key=lambda a: a.id)
    skips.sort()
    return articles, skips


def extract_all(articles: list[Article], options: BuildOptions) -> list[Citation]:
    """Every citation of ``articles``, in citation order."""
    extractor = Extractor(Gazetteer.load(options.outlets_file))
    citations: list[Citation] = []
    for article in articles:
        citations.extend(extractor.extract(article))
    citations.sort(key=Citation.sort_key)
    return citations


def build(options: BuildOptions, progress: ProgressHook | None = None) -> BuildResult:
    """Read, extract and write every output under ``options.out``, all or nothing.

    Reading and extraction are incremental: ``out/citegraph.sqlite`` keeps
    every article and citation, and only new or changed files are read
    again (see ``store.update.update_store``); ``progress`` is called as
    batches finish. When nothing the outputs depend on changed and they all
    exist, they are left alone (``regenerated`` is False).

    Every output is written into a staging folder beside ``options.out``,
    which then takes OUT's place in one step: an interrupted or failed build
    leaves the previous ``out/`` whole. ``options.out`` is locked meanwhile
    (``BusyError`` for a second build).
    """
    out = output_folder(options.out, options.inputs)
    with locked(out), _errors_said(out):
        with Store.open(out / STORE_NAME) as store:
            result = _build(store, out, options, progress)
            result.notes = list(store.notes)
    return result


def _build(store: Store, out: Path, options: BuildOptions, progress: ProgressHook | None) -> BuildResult:
    fresh: list = []  # what the update stores, for the graph (graph.cache.graph_for)
    try:
        result = _update(store, options, progress, fresh)
        digest = _outputs_digest(store, options.max_nodes)
        current = _current_outputs(store, out, digest)
    except sqlite3.DatabaseError as err:  # unreadable: damaged, unless the store was checked already
        if isinstance(err, sqlite3.OperationalError) or not store.verify():
            raise
        result = _update(store, options, progress, fresh)
        digest = _outputs_digest(store, options.max_nodes)
        current = None
    exports_missing = options.exports and not all((out / name).exists() for name in EXPORT_FILES)
    if current is not None and not exports_missing:
        result.regenerated = False
        result.outputs = current
        return result
    if store.verify():  # the store had to be made anew: read everything again
        result, current = _update(store, options, progress, fresh), None
        digest = _outputs_digest(store, options.max_nodes)
    if current is not None:  # only the exports were asked for
        result.regenerated = False
        _publish_exports(store, out, _graph_of_store(store, options.outlets_file).G)
        result.outputs = [out / name for name in json.loads(store.get_meta("outputs") or "[]")]
        return result
    previous_digest = store.get_meta("outputs_digest")
    store.set_meta("outputs_digest", None)  # outputs are about to change: not current until published
    with staged_output(out) as stage, _collector_paused():
        outputs = _write_outputs(store, stage, options, result, previous_digest, digest, fresh)
        if not options.exports:
            result.removed = [out / name for name in EXPORT_FILES if (out / name).exists()]
    result.outputs = [out / p.relative_to(stage) for p in outputs]
    _note_outputs(store, out, result.outputs, digest, options.max_nodes)
    checkpoint("outputs noted in the store")
    return result


def _update(store: Store, options: BuildOptions, progress: ProgressHook | None, fresh: list | None = None
            ) -> BuildResult:
    """Bring the store up to date; the result has its skips and counts. ``fresh`` gets what this update
    stored (``update_store``'s ``keep``)."""
    update = UpdateOptions(
        inputs=tuple(options.inputs), include=options.include, exclude=options.exclude,
        outlets_file=options.outlets_file, max_bytes=options.max_bytes, jobs=options.jobs,
        dask_scheduler=options.dask_scheduler, metadata=options.metadata(), file_timeout=options.file_timeout,
        skip_folders=(str(options.out),),
    )
    if fresh is not None:
        fresh.clear()
    summary = update_store(store, update, progress, keep=fresh)
    skips = store.skips()
    if options.strict and skips:
        first = skips[0]
        raise BuildError(
            f"{len(skips)} input(s) skipped under --strict, first {first.path}: {first.reason}. "
            "Fix or --exclude them, or drop --strict."
        )
    articles, citations, _ = store.counts()
    return BuildResult(skips=skips, update=summary, article_count=articles, citation_count=citations)


def _outputs_digest(store: Store, max_nodes: int) -> str:
    """What the outputs depend on: the store's contents, the package's code and the rendering options."""
    return store.state_digest(code_digest(), f"max_nodes={max_nodes}")


def _write_outputs(store: Store, stage: Path, options: BuildOptions, result: BuildResult,
                   previous_digest: str | None, digest: str, fresh: list | None = None) -> list[Path]:
    """Every output of a build, written into ``stage`` (``fresh``: what the update stored)."""
    key = graph_cache.cache_key(store, code_digest())
    gazetteer = _gazetteer(options.outlets_file)
    graph = graph_cache.graph_for(store, options.out, key, previous_digest, gazetteer, fresh)
    result.patched = graph.change is not None
    G = graph.G
    memo = graph_cache.load_memo(options.out, key)  # the last build's results of steps whose inputs are the same
    command = rebuild_command([shown_path(p) for p in options.inputs],
                              shown_path(options.outlets_file) if options.outlets_file else None,
                              options.include, options.exclude)
    explorer = ExplorerOptions(max_nodes=options.max_nodes, command=command)

    def page(shown: dict) -> Path:
        extras = {"coverage": shown["coverage"], "stamp": shown["build"]}
        return write_explorer(G, stage / "graph.html", explorer, shown, gazetteer, extras)

    with using(memo), alongside(page, memo, _forks(G, options), warm=prepare_explorer) as side:
        index = graph_index(G)  # read once, for the metrics and the report's story cards
        shown, complete = metrics_in_two(G, index=index)  # the explorer needs only the first; the report all
        stamp = provenance_stamp(options, result, store)
        side.give({**shown, "build": stamp})
        metrics = {**complete(), "build": stamp}
        outputs = write_records(store, stage)
        outputs.append(write_metrics(metrics, stage))
        outputs += write_report(G, metrics, stage, result.skips, Stories(G, index))
        graph_cache.save(graph, stage, key, digest)
    outputs += side.results
    if options.exports:
        outputs += write_exports(G, stage)
    graph_cache.save_memo(memo, stage, key)
    G.clear()  # freed now, by reference counting (see _collector_paused)
    return outputs


# The explorer is written by a forked child, alongside the records, metrics and report here, for graphs
# of this many nodes (10,000 articles make about 22,000). Below, the outputs take a fraction of a second
# either way; above, the child's copies of the graph's pages (a child writes the reference count of every
# object it reads) would add to the build's peak memory what 100,000 articles cannot spare.
FORK_EXPLORER_NODES = (5_000, 60_000)


def _forks(G, options: BuildOptions) -> bool:
    """Whether the explorer is written by a forked child (docs/SCALE.md: what it saves)."""
    low, high = FORK_EXPLORER_NODES
    return (options.jobs != 1 and low <= G.number_of_nodes() <= high
            and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)  # forking a process with threads can copy a held lock


class Side:
    """The explorer's part of the output stage, as ``alongside`` yields it: ``give`` it its input (the
    metrics it shows); ``results`` holds what it returned once the ``with`` block is over."""

    def __init__(self, send: Any = None) -> None:
        self.results: list[Path] = []
        self.given: list[Any] = []
        self._send = send

    def give(self, value: Any) -> None:
        self.given.append(value)
        if self._send is not None:
            self._send.send(value)
            self._send.close()


@contextmanager
def alongside(task: Callable[[Any], Path], memo: Memo, forked: bool, warm: Callable[[], Any] = lambda: None
              ) -> Iterator[Side]:
    """Run ``task`` on what the ``with`` body gives the yielded ``Side``, while the body goes on.

    With ``forked``, ``task`` runs in a child forked at once, which shares this process's memory
    copy-on-write: it runs ``warm`` (what needs no input: importing pyvis), waits for the input,
    runs ``task`` and sends back its result and the memo entries it made (or its exception, raised
    here once the body is done). Otherwise ``task`` runs here, after the body. Either way the files
    are the same bytes.
    """
    if not forked:
        side = Side()
        yield side
        side.results.append(task(*side.given))
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    given, give = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(task, warm, (given, give, receive), memo, send),
                            name="citegraph-explorer", daemon=True)
    child.start()
    send.close()
    given.close()
    side = Side(give)
    try:
        yield side
    except BaseException:
        child.terminate()  # what it wrote is in the staging folder, which is discarded
        child.join()
        receive.close()
        give.close()
        raise
    give.close()  # given already, or never: then the child's wait ends (EOFError) instead of lasting
    try:
        outcome = receive.recv()
    except EOFError:  # killed, or crashed without a word
        outcome = None
    except Exception as err:  # an exception sent that cannot be made again here
        outcome = (False, BuildError(f"writing the explorer failed, and its error cannot be shown ({err}); "
                                     "run the build again with --jobs 1 to see it"))
    child.join()
    receive.close()
    if outcome is None:
        raise BuildError(f"the process writing the explorer ended with exit code {child.exitcode} and no result; "
                         "run the build again with --jobs 1 to see the error here")
    ok, value = outcome
    if not ok:
        raise value
    path, kept, hits, misses = value
    for name, entry in kept.items():
        memo.kept.setdefault(name, entry)
    memo.hits += hits
    memo.misses += misses
    side.results.append(path)


def _child(task: Callable[[Any], Path], warm: Callable[[], Any], ends: tuple[Any, Any, Any], memo: Memo,
           send: Any) -> None:
    """In the forked child: ``warm()``, then ``task`` on the input received through ``given``; send
    ``(True, (result, memo entries, hits, misses))``, or ``(False, exception)`` (an exception that
    cannot cross the pipe as a ``BuildError`` naming it).

    ``ends``: the input pipe's two ends and the result pipe's reading end, as the fork copied them. Only
    the first is the child's: the others are closed, or the parent closing its end of the input pipe
    would not end the child's wait.
    """
    given, give, receive = ends
    give.close()
    receive.close()
    before = (memo.hits, memo.misses)
    try:
        warm()
        value = given.recv()
        given.close()
        outcome = (True, (task(value), memo.kept, memo.hits - before[0], memo.misses - before[1]))
    except BaseException as err:  # everything goes back to the parent, which raises it
        try:
            ForkingPickler.loads(ForkingPickler.dumps(err))  # what the pipe does to it
        except Exception:
            err = BuildError(f"writing the explorer failed: {type(err).__name__}: {err}")
        outcome = (False, err)
    send.send(outcome)
    send.close()


def shown_path(path: Path | str) -> Path:
    """A path as the outputs show it: as given when relative; an absolute one by its last part only
    (``…/in``), so that no output names the folders above an input (as article ids do)."""
    path = Path(path)
    return Path("…", path.name) if path.is_absolute() else path


def shown_file(path: str) -> str:
    """An absolute file path (a sidecar's) as the outputs show it: relative to the working folder when
    under it, else by its folder's name and its own (``…/polnear/metadata.tsv``)."""
    relative = os.path.relpath(path)
    if not relative.startswith(".."):
        return relative
    return os.path.join("…", os.path.basename(os.path.dirname(path)), os.path.basename(path))


def provenance_stamp(options: BuildOptions, result: BuildResult, store: Store) -> dict:
    """What a report was made from, with no timestamp: the same inputs give the same stamp.

    ``store_digest`` is the digest of the store's files (ids and contents)
    and the reader's, extractor's and package's versions
    (``Store.content_digest``), shortened: the same files give the same
    digest wherever they lie.
    """
    spec = options.metadata()
    publishers = [f"{shown_path(path)}={name}" if path else name for path, name in spec.publishers]
    return {
        "citegraph": __version__,
        "inputs": [str(shown_path(p)) for p in options.inputs],
        "metadata": [shown_file(path) for path, _ in spec.sidecars],
        "publishers": publishers,
        "articles": result.article_count,
        "citations": result.citation_count,
        "skipped": len(result.skips),
        "store_digest": store.content_digest(code_digest())[:16],
    }


def _gazetteer(outlets_file: Path | None) -> Gazetteer:
    return cached_gazetteer(str(Path(outlets_file).resolve()) if outlets_file else None)


def _current_outputs(store: Store, out: Path, digest: str) -> list[Path] | None:
    """The outputs of the last build when they match ``digest`` and all still exist, else None."""
    listed = store.get_meta("outputs")
    if store.get_meta("outputs_digest") != digest or listed is None:
        return None
    paths = [Path(out) / name for name in json.loads(listed)]
    return paths if all(p.exists() for p in paths) else None


def _note_outputs(store: Store, out: Path, outputs: Iterable[Path], digest: str, max_nodes: int) -> None:
    names = sorted({p.relative_to(out).as_posix() for p in outputs if p.is_relative_to(out)})
    with store.transaction():
        store.set_meta("outputs", json.dumps(names))
        store.set_meta("outputs_max_nodes", str(max_nodes))
        store.set_meta("outputs_digest", digest)


# ---------------------------------------------------------------- OUT: checks, lock, publishing


def output_folder(out: Path, inputs: Iterable[Path] = ()) -> Path:
    """``out`` as the folder to write (a symlink's target: the link stays), refused when it cannot be one.

    Refused: a file in its place, and inputs inside it (a build swaps OUT for
    a new folder). OUT inside an input folder is fine: it is never read.
    """
    out = Path(out)
    if out.is_symlink():
        out = Path(os.path.realpath(out))
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder: choose another --out, or move the file")
    real = os.path.realpath(out)
    for root in inputs:
        where = os.path.realpath(root)
        if where == real or where.startswith(real.rstrip("/") + "/"):
            raise OutputError(f"input {root} is inside the output folder {out}, which each build replaces: "
                              "keep inputs outside it, or choose another --out")
    return out


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the exclusive lock on ``out``; a second process that asks for it fails with ``BusyError``.

    The lock is a POSIX record lock (``lockf``) on ``OUT/.citegraph.lock``:
    released when the process ends, however it ends, and not inherited by
    the worker processes it forks. Publishing carries the lock file into the
    new OUT as a hard link, so the lock stays on the one file that OUT's path
    leads to.
    """
    out = Path(out)
    if fcntl is None:
        yield
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as err:
        raise _output_error(err, out) from err
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EACCES, errno.EAGAIN):
                raise _output_error(err, out) from err
            holder = _lock_holder(fd)
            who = f" (process {holder})" if holder else ""
            raise BusyError(f"another citegraph build{who} is writing to {out}: wait for it to finish, "
                            "or choose another --out") from None
        _clear_debris(out)
        yield
    finally:
        os.close(fd)


def _lock_holder(fd: int) -> int | None:
    """The process that holds the lock on ``fd`` (``F_GETLK``; Linux's ``struct flock`` layout), if known."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, query))
    except (OSError, struct.error):
        return None
    return pid if kind != fcntl.F_UNLCK and pid > 0 else None


def _clear_debris(out: Path) -> None:
    """What killed builds left (run under the lock): staging folders, a half-swapped OUT, temporary files."""
    recover_folder(out)
    prefix = STAGING.format(name=out.name)
    for entry in os.scandir(out.parent):
        if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
    for folder in (out, out / graph_cache.CACHE_DIR):
        if folder.is_dir():
            for entry in os.scandir(folder):
                if _TEMPORARY.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``out``; on success it becomes ``out``, in one step.

    What the build does not write again is carried over from the old ``out``
    (hard links: the store, the graph cache's base, files of the user's),
    but for the exports of an older build, which no longer match. The old
    folder ends where the staging folder was and is removed.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=STAGING.format(name=out.name), dir=out.parent))
    try:
        yield stage
        os.chmod(stage, _folder_mode(out))
        if out.exists():
            _carry(out, stage, skip=set(EXPORT_FILES))
            checkpoint("publish: swap")
            exchange_folders(stage, out)
            checkpoint("publish: swapped")
        else:
            checkpoint("publish: move in")
            os.rename(stage, out)
            checkpoint("publish: moved in")
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _folder_mode(out: Path) -> int:
    try:
        return os.stat(out).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o777 & ~mask


def _carry(old: Path, new: Path, skip: set[str]) -> None:
    """Link into ``new`` every file of ``old`` that ``new`` lacks, but ``skip``'s.

    Where the file system has no hard links, the store's files are moved (SQLite's open descriptors
    follow them; a kill before the swap then costs a full rebuild, never a wrong output) and other
    files copied.
    """
    for entry in sorted(os.scandir(old), key=lambda e: e.name):
        target = Path(new) / entry.name
        if entry.name in skip or os.path.lexists(target):
            if entry.is_dir(follow_symlinks=False) and target.is_dir() and not target.is_symlink():
                _carry(Path(entry.path), target, set())
            continue
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        elif entry.is_dir():
            os.mkdir(target, entry.stat().st_mode & 0o7777)
            _carry(Path(entry.path), target, set())
        else:
            try:
                os.link(entry.path, target)
            except OSError:  # a file system without hard links
                if entry.name.startswith(STORE_NAME):  # moved, not copied: the open store follows its inode
                    os.rename(entry.path, target)
                elif entry.name == LOCK:  # opening it would drop this process's lock: a new one
                    Path(target).touch()
                else:
                    shutil.copy2(entry.path, target)
        checkpoint(f"publish: carry {entry.name}")


def _output_error(err: OSError, out: Path) -> Exception:
    """The ``OutputError`` for an OS error while writing into (or beside) ``out``; other errors as they are."""
    where = err.filename or out
    if err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return OutputError(f"no space left to write {where} ({err.strerror}): free some space or choose another "
                           f"--out; {out} still holds the previous build")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write {where} ({err.strerror}): citegraph writes into OUT (outputs, store, "
                           "lock) and into the folder that holds it (a staging folder); make both writable or "
                           "choose another --out")
    if err.errno in (errno.ENOTDIR, errno.EEXIST) and where != out:
        return OutputError(f"cannot write {where} ({err.strerror}): something is in the way of --out {out}")
    return err


@contextmanager
def _errors_said(out: Path) -> Iterator[None]:
    """OS and SQLite errors of writing OUT as ``OutputError`` / ``StoreError`` (what happened, what to do)."""
    try:
        yield
    except OSError as err:
        mapped = _output_error(err, out)
        if mapped is err:
            raise
        raise mapped from err
    except sqlite3.Error as err:
        mapped = store_error(err, Path(out) / STORE_NAME)
        if mapped is err:
            raise BuildError(f"the store {Path(out) / STORE_NAME} failed ({type(err).__name__}: {err}); the next "
                             "build checks it and rebuilds it from the inputs if it is damaged") from err
        raise mapped from err


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the graph and outputs are made.

    They allocate millions of dicts and lists that hold no reference cycles
    and live to the end; each full collection their number sets off walks all
    of them and frees nothing (docs/SCALE.md). What they drop is freed by
    reference counting, but for a networkx graph, which its views (``G.edges``)
    hold in a cycle: the build's graph is emptied when the outputs are written,
    or the first collection after the pause would walk all of it (0.1-0.2 s
    at 10,000 articles).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------- exports on demand


def export(out: Path, formats: Iterable[str] = tuple(FORMATS), outlets_file: Path | None = None) -> list[Path]:
    """Write the graph exports of the last build in ``out`` (``formats``: keys of ``exports.FORMATS``).

    The graph is the one the last build's outputs were made from; a build
    that did not finish, or a store changed since, is refused with what to do.
    """
    out = output_folder(out)
    with _built_store(out, "export again") as store:
        if store.get_meta("extraction_key") != extraction_key(outlets_file):
            raise BuildError(f"the build in {out} was made with another --outlets file: "
                             "give export the same --outlets as the build")
        max_nodes = store.get_meta("outputs_max_nodes")
        digest = store.get_meta("outputs_digest")
        if digest is None or max_nodes is None or digest != _outputs_digest(store, int(max_nodes)):
            raise BuildError(f"the build in {out} is not finished or not current: "
                             f"run `citegraph build --out {out}` with its inputs, then export again")
        graph = _graph_of_store(store, outlets_file)
        return _publish_exports(store, out, graph.G, formats)


@contextmanager
def _built_store(out: Path, then: str) -> Iterator[Store]:
    """The store of the build in ``out``, under OUT's lock, checked; a clear error when there is none
    or it was found damaged (``then``: what the user does after rebuilding)."""
    store_path = out / STORE_NAME
    if not store_path.exists():
        raise BuildError(f"no build in {out}: run `citegraph build --out {out}` first")
    with locked(out), _errors_said(out), Store.open(store_path) as store:
        if store.verify():
            raise BuildError(f"the store of the build in {out} was damaged and has been emptied: "
                             f"run `citegraph build --out {out}` with its inputs, then {then}")
        yield store


def report(out: Path, outlets_file: Path | None = None) -> list[Path]:
    """Rewrite ``out``'s report and metrics from its record files (``citegraph report``), under OUT's lock."""
    out = output_folder(out)
    if not out.is_dir():  # no build: the report says what to do, and no OUT is made for a lock
        return regenerate_report(out, outlets_file)
    with locked(out), _errors_said(out):
        return regenerate_report(out, outlets_file)


def _graph_of_store(store: Store, outlets_file: Path | None) -> CitationGraph:
    return CitationGraph.build(store.article_heads(), store.citations(), _gazetteer(outlets_file))


def _publish_exports(store: Store, out: Path, G, formats: Iterable[str] = tuple(FORMATS)) -> list[Path]:
    """Write exports into ``out`` and list them with the build's outputs (so a no-op build keeps them)."""
    paths = write_exports(G, out, formats)
    listed = set(json.loads(store.get_meta("outputs") or "[]"))
    listed |= {p.name for p in paths}
    store.set_meta("outputs", json.dumps(sorted(listed)))
    return paths


# ---------------------------------------------------------------- one story


def story(out: Path, ref: str, outlets_file: Path | None = None) -> dict:
    """The provenance card (``graph.stories``) of the article ``ref`` names (id, path or URL) in the build in ``out``."""
    out = output_folder(out)
    with _built_store(out, "ask again") as store:
        heads = list(store.article_heads())
        graph = CitationGraph.build(heads, store.citations(), _gazetteer(outlets_file))
    node = find_article(graph.G, ref, {a.id: a.path for a in heads})
    if node is None:
        near = difflib.get_close_matches(ref, [a.id for a in heads], n=3, cutoff=0.8)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise BuildError(f"no article {ref!r} in the build in {out}: give an article id (as in articles.jsonl), "
                         f"its file path or its URL.{hint}")
    return Stories(graph.G).card(node)


def build_citation_graph(articles: Iterable[Article], citations: Iterable[Citation], options: BuildOptions):
    """The citation graph of ``articles`` and ``citations``, with ``options``' outlet gazetteer."""
    return CitationGraph.build(articles, citations, _gazetteer(options.outlets_file)).G


__all__ = ["BuildOptions", "BuildResult", "build", "export", "extract_all", "read_all", "report", "story"]
