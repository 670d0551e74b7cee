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
from typing import TYPE_CHECKING, Iterable, Iterator

from .errors import BuildError
from .fsutil import atomic_write_lines, atomic_write_text, jsonl
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
        digest = store.state_digest(*_output_inputs(options))
        current = _current_outputs(store, options.out, digest)
        if current is not None:
            result.outputs, result.regenerated = current, False
            return result
        store.set_meta("outputs_digest", None)  # outputs are about to change: not current until published
        with staged_output(options.out) as stage:
            result = _build_into(dataclasses.replace(options, out=stage), store, result)
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


def _build_into(options: BuildOptions, store, result: BuildResult) -> BuildResult:
    # Streamed from the store into the graph: no list of every citation outlives the builder.
    graph = build_citation_graph(store.article_heads(), store.citations(), options)
    with exports_alongside(graph, options) as exports:
        result.outputs += write_store_records(options.out, store)
        result.outputs += write_graph_outputs(graph, options.out, result.skips)
        result.outputs.append(write_graph_page(graph, options))
    result.outputs += exports
    return result


# Between these graph sizes (nodes) the exports are written by a forked child. Below, forking costs
# more than it saves; above, the child's copies of the graph's pages (every object it reads gets its
# reference count written) would cost more memory than a large build should take.
PARALLEL_OUTPUT_NODES = 5000
PARALLEL_OUTPUT_MAX_NODES = 60_000


@contextmanager
def exports_alongside(graph, options: BuildOptions) -> Iterator[list[Path]]:
    """Write the graph exports while the body of the ``with`` writes the other outputs.

    With more than one core allowed (``jobs`` is not 1) and a graph of 5,000
    to 60,000 nodes, a forked child process, sharing the graph's memory,
    writes GraphML, GEXF and CSV (the largest outputs) while this process
    runs the body and then writes the node-link JSON; the list yielded is
    filled with the paths once the child has finished, and an error in the
    child is raised here. Otherwise every export is written here after the
    body: a small graph is not worth a fork, on a larger one the child's
    copies of the pages it touches would double the build's memory, and some
    platforms cannot fork.
    """
    import multiprocessing

    from . import export

    paths: list[Path] = []
    forked = (
        options.jobs != 1
        and PARALLEL_OUTPUT_NODES <= graph.number_of_nodes() <= PARALLEL_OUTPUT_MAX_NODES
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if not forked:
        yield paths
        paths += export.write_exports(graph, options.out)
        return
    import gc

    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    gc.freeze()  # the child shares the graph's pages; a collection there would copy them
    child = multiprocessing.get_context("fork").Process(
        target=_export_child, args=(graph, options.out, send), name="citegraph-exports", daemon=True
    )
    child.start()
    gc.unfreeze()
    send.close()
    try:
        yield paths
        node_link = export.write_node_link(graph, options.out)  # here, while the child writes the rest
    except BaseException:
        child.terminate()  # its files are in the staging folder, which is discarded
        child.join()
        receive.close()
        raise
    outcome = _receive(receive)
    child.join()
    receive.close()
    if outcome is None:
        raise BuildError(f"the process writing the graph exports ended with exit code {child.exitcode} "
                         "and no result; run the build again with --jobs 1 to see the error here")
    ok, value = outcome
    if not ok:
        raise value
    paths += [*value, node_link]


def _receive(connection):
    """What the child sent, or None when it ended without sending (killed, or crashed hard)."""
    try:
        return connection.recv()
    except EOFError:
        return None


def _export_child(graph, out: Path, send) -> None:
    """In the forked child: write the flat exports, send ``(True, paths)`` or ``(False, exception)``."""
    from . import export

    try:
        outcome = (True, export.write_flat_exports(graph, out))
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
        return BuildError(f"writing the graph exports failed: {type(err).__name__}: {err}")


def write_store_records(out: Path, store) -> list[Path]:
    """articles.jsonl, citations.jsonl and skipped.jsonl, streamed from the store's stored lines."""
    paths = [out / "articles.jsonl", out / "citations.jsonl", out / "skipped.jsonl"]
    atomic_write_lines(paths[0], store.article_lines())
    atomic_write_lines(paths[1], store.citation_lines())
    atomic_write_text(paths[2], jsonl({"path": s.path, "reason": s.reason} for s in store.skips()))
    return paths


def build_citation_graph(articles: Iterable[Article], citations: Iterable[Citation], options: BuildOptions):
    from .graph import build_graph
    from .parallel import cached_gazetteer

    outlets = str(Path(options.outlets_file).resolve()) if options.outlets_file else None
    return build_graph(articles, citations, cached_gazetteer(outlets))


def write_graph_outputs(graph, out: Path, skips: list[Skip]) -> list[Path]:
    """metrics.json, report.md and report.html (the exports are written by ``exports_alongside``)."""
    from .metrics import compute_metrics
    from .report import write_metrics, write_report

    metrics = compute_metrics(graph)
    return [write_metrics(metrics, out), *write_report(graph, metrics, out, skips)]


def write_graph_page(graph, options: BuildOptions) -> Path:
    """The interactive explorer, ``out/graph.html``."""
    from .explorer import ExplorerOptions, write_explorer

    return write_explorer(graph, options.out / "graph.html", ExplorerOptions(max_nodes=options.max_nodes))
