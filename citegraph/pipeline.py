"""Run the stages in order: read -> extract -> graph -> metrics -> outputs.

``build(options)`` is the one entry point that the CLI and the library share.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .errors import BuildError
from .fsutil import atomic_write_text, jsonl
from .gcpause import collector_paused
from .progress import ProgressHook
from .records import Article, Citation, Skip

if TYPE_CHECKING:
    from .parallel import UpdateSummary

log = logging.getLogger(__name__)


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


def read_all(options: BuildOptions) -> tuple[list[Article], list[Skip]]:
    """Read every input; broken files become ``Skip`` records, never exceptions."""
    from .read import ReadOptions, iter_articles

    read_opts = ReadOptions(include=options.include, exclude=options.exclude, max_bytes=options.max_bytes)
    articles: list[Article] = []
    skips: list[Skip] = []
    for item in iter_articles(list(options.inputs), read_opts):
        (skips if isinstance(item, Skip) else articles).append(item)
    articles.sort(key=lambda a: a.id)
    skips.sort()
    return articles, skips


def extract_all(articles: list[Article], options: BuildOptions) -> list[Citation]:
    from .extract import Extractor
    from .gazetteer import Gazetteer

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
    again (see ``parallel.update_store``); ``progress`` is called as batches
    finish. When nothing the outputs depend on changed and they all exist,
    they are left alone and nothing is loaded from the store (``regenerated``
    is False).

    Every stage writes into a staging folder beside ``options.out``; only when
    all have succeeded do the new files replace the old, so an interrupted or
    failed build leaves the previous ``out/`` intact.
    """
    from .store import STORE_NAME, Store

    with Store.open(Path(options.out) / STORE_NAME) as store:
        result = _update(store, options, progress)
        inputs = _output_inputs(options)
        digest = store.state_digest(*inputs)
        current = _current_outputs(store, options.out, digest)
        if current is not None:
            result.outputs, result.regenerated = current, False
            return result
        run = _Run(out=Path(options.out), digest=digest, previous_digest=store.get_meta("outputs_digest"),
                   code=inputs[0])
        store.set_meta("outputs_digest", None)  # outputs are about to change: not current until published
        with staged_output(options.out) as stage, collector_paused():
            result = _build_into(dataclasses.replace(options, out=stage), store, result, run)
        result.outputs = [options.out / p.relative_to(stage) if p.is_relative_to(stage) else p for p in result.outputs]
        _note_outputs(store, options.out, result.outputs, digest)
    return result


def _update(store, options: BuildOptions, progress: ProgressHook | None) -> BuildResult:
    """Bring the store up to date; the result has its skips and counts."""
    from .parallel import UpdateOptions, update_store

    update = UpdateOptions(
        inputs=tuple(options.inputs), include=options.include, exclude=options.exclude,
        outlets_file=options.outlets_file, max_bytes=options.max_bytes, jobs=options.jobs,
        dask_scheduler=options.dask_scheduler,
    )
    summary = update_store(store, update, progress)
    skips = store.skips()
    if options.strict and skips:
        first = skips[0]
        raise BuildError(
            f"{len(skips)} input(s) skipped under --strict, first {first.path}: {first.reason}. "
            "Fix or --exclude them, or drop --strict."
        )
    articles, citations, _ = store.counts()
    return BuildResult(skips=skips, update=summary, article_count=articles, citation_count=citations)


def _output_inputs(options: BuildOptions) -> tuple[str, ...]:
    """Besides the store's contents, what the outputs depend on: the code and the rendering options."""
    from .store import code_hash

    return (code_hash(), f"max_nodes={options.max_nodes}")


def _current_outputs(store, out: Path, digest: str) -> list[Path] | None:
    """The outputs of the last build when they match ``digest`` and all still exist, else None."""
    import json

    listed = store.get_meta("outputs")
    if store.get_meta("outputs_digest") != digest or listed is None:
        return None
    paths = [Path(out) / name for name in json.loads(listed)]
    return paths if all(p.exists() for p in paths) else None


def _note_outputs(store, out: Path, outputs: list[Path], digest: str) -> None:
    import json

    names = sorted({p.relative_to(out).as_posix() for p in outputs if p.is_relative_to(out)})
    with store.transaction():
        store.set_meta("outputs", json.dumps(names))
        store.set_meta("outputs_digest", digest)


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; on success move its files into ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    try:
        yield stage
        os.chmod(stage, 0o755)
        if not out.exists():
            os.replace(stage, out)  # the whole folder appears at once
            return
        for path in sorted(p for p in stage.rglob("*") if p.is_file()):
            target = out / path.relative_to(stage)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


@dataclass(frozen=True)
class _Run:
    """What the output stage of one build knows besides its options: where the last outputs are."""

    out: Path  # the published output folder (the build writes into a staging folder beside it)
    digest: str  # the store digest these outputs are made from
    previous_digest: str | None  # that of the last build that finished publishing, if any
    code: str  # store.code_hash(): the package's code and data


def _build_into(options: BuildOptions, store, result: BuildResult, run: _Run) -> BuildResult:
    from . import graphcache

    key = graphcache.cache_key(store, run.code)
    graph = graphcache.graph_for(store, run.out, key, run.previous_digest, lambda: _gazetteer(options))
    G = graph.G
    result.patched = graph.change is not None
    children = [lambda: _write_exports_and_state(graph, options, key, run), lambda: [write_graph_page(G, options)]]
    # The explorer is never the longest of the three: forked, it yields the cores to the other two.
    with alongside(children, _forks(G, options), yielding={1}) as done:
        result.outputs += _write_records(store, graph, options.out, key, run)
        result.outputs += write_graph_outputs(G, options.out, result.skips)
    exports, page = done
    result.outputs += [*page, *exports]
    return result


def _write_records(store, graph, out: Path, key: str, run: _Run) -> list[Path]:
    """articles.jsonl and citations.jsonl (spliced from the previous ones after a patch), skipped.jsonl."""
    from . import graphcache, recordfiles

    index = None
    if graph.change is not None:
        previous = graphcache.previous_records(run.out, key, run.previous_digest)
        if previous is not None:
            index = recordfiles.write_spliced(store, out, previous, run.out, set(graph.articles))
    if index is None:
        index = recordfiles.write_full(store, out)
    if graph.state is not None:
        graphcache.save_records(index, out, key, run.digest)
    return _write_skips(store, out)


EXPORT_NAMES = ("graph.graphml", "graph.gexf", "graph.json", "nodes.csv", "edges.csv")


def _write_exports(graph, out: Path, names: list[str], run: _Run, previous):
    """Write the exports ``names``: spliced from the previous build's files after a patch, else in full."""
    from . import splice

    if previous is not None and graph.change is not None:
        return splice.write_exports_spliced(graph.G, out, names, previous, run.out, graph.change.nodes,
                                            graph.change.edges)
    return splice.write_exports_indexed(graph.G, out, names)


def _write_exports_and_state(graph, options: BuildOptions, key: str, run: _Run) -> list[Path]:
    """The five exports, their index, and the graph state the next build patches (caches: not listed)."""
    from . import graphcache

    previous = graphcache.previous_exports(run.out, key, run.previous_digest) if graph.change is not None else None
    index = _write_exports(graph, options.out, EXPORT_NAMES, run, previous)
    graphcache.save_exports(index, options.out, key, run.digest)
    if graph.state is not None:
        graphcache.save_state(graph.state, options.out, key, run.digest, graph.journal)
    return [options.out / name for name in EXPORT_NAMES]


def _gazetteer(options: BuildOptions):
    from .parallel import cached_gazetteer

    return cached_gazetteer(str(Path(options.outlets_file).resolve()) if options.outlets_file else None)


# Between these graph sizes (nodes) the exports and the explorer are written by forked children.
# Below, forking costs more than it saves; above, the children's copies of the graph's pages (every
# object a child reads gets its reference count written) would cost more memory than a build should take.
PARALLEL_OUTPUT_NODES = 5000
PARALLEL_OUTPUT_MAX_NODES = 60_000


def _forks(G, options: BuildOptions) -> bool:
    import multiprocessing

    return (
        options.jobs != 1
        and PARALLEL_OUTPUT_NODES <= G.number_of_nodes() <= PARALLEL_OUTPUT_MAX_NODES
        and "fork" in multiprocessing.get_all_start_methods()
    )


@contextmanager
def alongside(tasks: list[Callable[[], Any]], forked: bool, yielding: frozenset[int] | set[int] = frozenset()
              ) -> Iterator[list[Any]]:
    """Run ``tasks`` while the body of the ``with`` runs; the list yielded gets their results, in order.

    With ``forked``, each task runs in a forked child process, sharing the
    graph's memory copy-on-write, and its (picklable) result or exception comes
    back through a pipe; an error in a child is raised here. The children of
    the tasks numbered in ``yielding`` run at a lower priority (``nice`` +10):
    with more processes than cores, the longer ones are not slowed down by a
    short one. Otherwise the tasks run here, one after the other, after the
    body.
    """
    results: list[Any] = []
    if not forked:
        yield results
        results += [task() for task in tasks]
        return
    import gc
    import multiprocessing

    context = multiprocessing.get_context("fork")
    children = []
    gc.freeze()  # the children share the graph's pages; a collection there would copy them
    try:
        for i, task in enumerate(tasks):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_child, args=(task, send, 10 if i in yielding else 0),
                                    name=f"citegraph-output-{i}", daemon=True)
            child.start()
            send.close()
            children.append((child, receive))
    finally:
        gc.unfreeze()
    try:
        yield results
    except BaseException:
        for child, receive in children:
            child.terminate()  # their files are in the staging folder, which is discarded
            child.join()
            receive.close()
        raise
    outcomes = []
    for child, receive in children:  # every child ends before an error is raised: none writes on after it
        outcomes.append((child, _receive(receive)))
        child.join()
        receive.close()
    for child, outcome in outcomes:
        if outcome is None:
            raise BuildError(f"the process writing part of the outputs ended with exit code {child.exitcode} "
                             "and no result; run the build again with --jobs 1 to see the error here")
        ok, value = outcome
        if not ok:
            raise value
        results.append(value)


def _receive(connection):
    """What the child sent, or None when it ended without sending (killed, or crashed hard)."""
    try:
        return connection.recv()
    except EOFError:
        return None


def _child(task: Callable[[], Any], send, niceness: int = 0) -> None:
    """In a forked child: run ``task``, send ``(True, result)`` or ``(False, exception)``."""
    if niceness:
        try:
            os.nice(niceness)
        except OSError:  # a priority is a hint: without it the task runs all the same
            pass
    try:
        outcome = (True, task())
    except BaseException as err:  # everything goes back to the parent, which raises it
        outcome = (False, _picklable(err))
    send.send(outcome)
    send.close()


def _picklable(err: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(err))
        return err
    except Exception:
        return BuildError(f"writing the outputs failed: {type(err).__name__}: {err}")


def write_store_records(out: Path, store) -> list[Path]:
    """articles.jsonl, citations.jsonl and skipped.jsonl, streamed from the store's stored lines."""
    from .recordfiles import write_full

    write_full(store, out)
    return _write_skips(store, out)


def _write_skips(store, out: Path) -> list[Path]:
    """skipped.jsonl; returns the paths of all three record files (the other two written by the caller)."""
    paths = [out / "articles.jsonl", out / "citations.jsonl", out / "skipped.jsonl"]
    atomic_write_text(paths[2], jsonl({"path": s.path, "reason": s.reason} for s in store.skips()))
    return paths


def build_citation_graph(articles: Iterable[Article], citations: Iterable[Citation], options: BuildOptions):
    from .graph import build_graph

    return build_graph(articles, citations, _gazetteer(options))


def write_graph_outputs(graph, out: Path, skips: list[Skip]) -> list[Path]:
    """metrics.json, report.md and report.html."""
    from .metrics import compute_metrics
    from .report import write_metrics, write_report

    metrics = compute_metrics(graph)
    return [write_metrics(metrics, out), *write_report(graph, metrics, out, skips)]


def write_graph_page(graph, options: BuildOptions) -> Path:
    """The interactive explorer, ``out/graph.html``."""
    from .explorer import ExplorerOptions, write_explorer

    return write_explorer(graph, options.out / "graph.html", ExplorerOptions(max_nodes=options.max_nodes))
