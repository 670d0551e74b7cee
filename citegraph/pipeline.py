"""Run the stages in order: read and extract (into the store) -> graph -> outputs.

``build(options)`` is the one entry point that the CLI and the library share;
``export`` writes the graph exports of the last build on demand, and
``regenerate_report`` rewrites the report from the record files.
"""

from __future__ import annotations

import difflib
import gc
import json
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .version import __version__
from .errors import BuildError
from .extract import Extractor, Gazetteer
from .graph import cache as graph_cache
from .graph.metrics import compute_metrics
from .graph.model import CitationGraph
from .graph.stories import Stories, find_article
from .outputs.explorer import ExplorerOptions, rebuild_command, write_explorer
from .outputs.exports import EXPORT_FILES, FORMATS, write_exports
from .outputs.recordfiles import write_records
from .outputs.report import write_metrics, write_report
from .read import ReadOptions, iter_articles
from .read.metadata import MetadataSpec, make_spec
from .records import Article, Citation, Skip
from .store import STORE_NAME, ProgressHook, Store, UpdateOptions, UpdateSummary, update_store
from .store.keys import code_digest, extraction_key
from .store.update import cached_gazetteer

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
    exports: bool = False  # also write the graph exports (GraphML, GEXF, node-link JSON, CSV)
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

    Every output is written into a staging folder beside ``options.out``;
    only when all are done do the new files replace the old, so an
    interrupted or failed build leaves the previous ``out/`` intact.
    """
    out = Path(options.out)
    with Store.open(out / STORE_NAME) as store:
        result = _update(store, options, progress)
        digest = _outputs_digest(store, options.max_nodes)
        current = _current_outputs(store, out, digest)
        if current is not None:
            result.regenerated = False
            if options.exports and not all((out / name).exists() for name in EXPORT_FILES):
                _publish_exports(store, out, _graph_of_store(store, options.outlets_file).G)
            result.outputs = [out / name for name in json.loads(store.get_meta("outputs") or "[]")]
            return result
        previous_digest = store.get_meta("outputs_digest")
        store.set_meta("outputs_digest", None)  # outputs are about to change: not current until published
        with staged_output(out) as stage, _collector_paused():
            outputs = _write_outputs(store, stage, options, result, previous_digest, digest)
        result.outputs = [out / p.relative_to(stage) for p in outputs]
        if not options.exports:
            result.removed = _remove_stale_exports(out)
        _note_outputs(store, out, result.outputs, digest, options.max_nodes)
    return result


def _update(store: Store, options: BuildOptions, progress: ProgressHook | None) -> BuildResult:
    """Bring the store up to date; the result has its skips and counts."""
    update = UpdateOptions(
        inputs=tuple(options.inputs), include=options.include, exclude=options.exclude,
        outlets_file=options.outlets_file, max_bytes=options.max_bytes, jobs=options.jobs,
        dask_scheduler=options.dask_scheduler, metadata=options.metadata(),
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


def _outputs_digest(store: Store, max_nodes: int) -> str:
    """What the outputs depend on: the store's contents, the package's code and the rendering options."""
    return store.state_digest(code_digest(), f"max_nodes={max_nodes}")


def _write_outputs(store: Store, stage: Path, options: BuildOptions, result: BuildResult,
                   previous_digest: str | None, digest: str) -> list[Path]:
    """Every output of a build, written into ``stage``."""
    key = graph_cache.cache_key(store, code_digest())
    graph = graph_cache.graph_for(store, options.out, key, previous_digest, _gazetteer(options.outlets_file))
    result.patched = graph.change is not None
    G = graph.G
    outputs = write_records(store, stage)
    metrics = compute_metrics(G)
    metrics["build"] = provenance_stamp(options, result, digest)
    outputs += [write_metrics(metrics, stage), *write_report(G, metrics, stage, result.skips)]
    command = rebuild_command(options.inputs, options.outlets_file, options.include, options.exclude)
    explorer = ExplorerOptions(max_nodes=options.max_nodes, command=command)
    extras = {"coverage": metrics["coverage"], "stamp": metrics["build"]}
    outputs.append(write_explorer(G, stage / "graph.html", explorer, metrics, _gazetteer(options.outlets_file),
                                  extras))
    if options.exports:
        outputs += write_exports(G, stage)
    graph_cache.save(graph, stage, key, digest)
    return outputs


def provenance_stamp(options: BuildOptions, result: BuildResult, digest: str) -> dict:
    """What a report was made from, with no timestamp: the same inputs give the same stamp.

    ``store_digest`` is the digest of the store's files, their contents and
    the reader and extractor versions (``_outputs_digest``), shortened.
    """
    spec = options.metadata()
    return {
        "citegraph": __version__,
        "inputs": [str(p) for p in options.inputs],
        "metadata": [os.path.relpath(path) for path, _ in spec.sidecars],
        "publishers": list(options.publishers),
        "articles": result.article_count,
        "citations": result.citation_count,
        "skipped": len(result.skips),
        "store_digest": digest[:16],
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


def _remove_stale_exports(out: Path) -> list[Path]:
    """Export files an older build or ``citegraph export`` left in ``out``: they no longer match the graph."""
    removed = []
    for name in EXPORT_FILES:
        path = Path(out) / name
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


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


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the graph and outputs are made.

    They allocate millions of dicts and lists that hold no reference cycles
    and live to the end; each full collection their number sets off walks all
    of them and frees nothing (docs/SCALE.md). What they drop is freed by
    reference counting.
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
    out = Path(out)
    store_path = out / STORE_NAME
    if not store_path.exists():
        raise BuildError(f"no build in {out}: run `citegraph build --out {out}` first")
    with Store.open(store_path) as store:
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
    out = Path(out)
    store_path = out / STORE_NAME
    if not store_path.exists():
        raise BuildError(f"no build in {out}: run `citegraph build --out {out}` first")
    with Store.open(store_path) as store:
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


__all__ = ["BuildOptions", "BuildResult", "build", "export", "extract_all", "read_all", "story"]
