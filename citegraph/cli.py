"""The command line: parse options, call the library, present the result.

This is the only module that writes to the terminal.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import webbrowser
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import __version__
from .errors import CitegraphError
from .evaluate import evaluate
from .extract import extract_file
from .outputs.explorer import find_explorer
from .outputs.exports import FORMATS
from .fsutil import dumps_json
from .outputs.story import render_text
from .pipeline import BuildOptions, build, export, report, story
from .store import ProgressHook

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Where does this story come from? Build a citation graph from saved news articles.",
)


@contextmanager
def _reported() -> Iterator[None]:
    """A ``CitegraphError`` raised by the library becomes ``Error: <message>`` on stderr and exit code 1."""
    try:
        yield
    except CitegraphError as err:
        typer.echo(f"Error: {err}", err=True)
        raise typer.Exit(code=1) from None


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="-v for info, -vv for debug logging."),
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """citegraph: source-attribution and citation graph explorer for news."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


METADATA_HELP = ("A TSV, CSV or JSONL table of the articles' publisher, date, url, title or byline, keyed by file path "
                 "or name (repeatable); metadata.tsv/.csv/.jsonl files under the inputs are read without asking.")
PUBLISHER_HELP = ("The publisher of every article under PATH, as PATH=NAME, or of every input, as NAME (repeatable); "
                  "a sidecar row still wins.")


@app.command("build")
def build_cmd(
    inputs: Optional[List[Path]] = typer.Argument(None, help="Files or folders to read (default: data/)."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder."),
    include: List[str] = typer.Option([], "--include", help="Only read files matching this glob (repeatable)."),
    exclude: List[str] = typer.Option([], "--exclude", help="Skip files matching this glob (repeatable)."),
    outlets: Optional[Path] = typer.Option(None, "--outlets", help="Your own outlets TOML file, extending the built-in gazetteer."),
    strict: bool = typer.Option(False, "--strict", help="Exit with an error if any input is skipped."),
    max_nodes: int = typer.Option(1500, "--max-nodes", min=1, help="Most nodes the explorer shows (the most-cited are kept)."),
    open_page: bool = typer.Option(False, "--open", help="Open the explorer (graph.html) in the default browser afterwards."),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, help="Worker processes for reading and extraction (0: all cores)."),
    exports: bool = typer.Option(False, "--exports", help="Also write the graph exports (GraphML, GEXF, node-link JSON, CSV), as `citegraph export` does."),
    metadata: List[Path] = typer.Option([], "--metadata", help=METADATA_HELP),
    publisher: List[str] = typer.Option([], "--publisher", help=PUBLISHER_HELP),
    dask_scheduler: Optional[str] = typer.Option(
        None, "--dask-scheduler", help="Read and extract on this Dask cluster (e.g. tcp://host:8786) instead of this machine."
    ),
    progress: Optional[bool] = typer.Option(
        None, "--progress/--no-progress", help="Show a progress bar on stderr (default: when it is a terminal)."
    ),
    file_timeout: float = typer.Option(
        60.0, "--file-timeout", min=0, help="Skip a file whose reading and extraction take longer than this many seconds (0: no limit)."
    ),
) -> None:
    """Read articles, extract citations and write the graph, report and explorer to OUT.

    Rebuilds are incremental: only new or changed files are read again (the store is OUT/citegraph.sqlite).
    """
    options = BuildOptions(
        inputs=tuple(inputs or [Path("data")]),
        out=out,
        include=tuple(include),
        exclude=tuple(exclude),
        outlets_file=outlets,
        strict=strict,
        max_nodes=max_nodes,
        jobs=jobs,
        dask_scheduler=dask_scheduler,
        progress=sys.stderr.isatty() if progress is None else progress,
        exports=exports,
        metadata_files=tuple(metadata),
        publishers=tuple(publisher),
        file_timeout=file_timeout,
    )
    with _reported(), _progress_bar(options.progress) as hook:
        result = build(options, progress=hook)
    for note in result.notes:
        typer.echo(f"Note: {note}", err=True)
    typer.echo(
        f"Read {result.article_count} article(s), found {result.citation_count} citation(s), "
        f"skipped {len(result.skips)} file(s)."
    )
    for skip in result.skips:
        typer.echo(f"  skipped {skip.path}: {skip.reason}")
    if result.regenerated:
        typer.echo(f"Wrote {out}/: explorer {out}/graph.html, report {out}/report.html")
    else:
        typer.echo(f"Nothing changed: the outputs in {out}/ are up to date.")
    if result.removed:
        typer.echo(f"Removed the exports of the previous build ({', '.join(p.name for p in result.removed)}): "
                   f"run `citegraph export --out {out}` for this build's.")
    if open_page:
        _open_explorer(out)


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Optional[ProgressHook]]:
    """A rich progress bar on stderr fed by the build's progress hook (None when disabled)."""
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True, force_terminal=True), transient=True) as bar:
        task = bar.add_task("scanning", total=None)

        def hook(p) -> None:
            text = f"read {p.read} · extracted {p.extracted} · skipped {p.skipped}"
            bar.update(task, total=p.total or None, completed=p.done, description=text)

        yield hook


@app.command("open")
def open_cmd(
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder of a previous build."),
) -> None:
    """Open the explorer (OUT/graph.html) in the default browser."""
    _open_explorer(out)


@app.command("report")
def report_cmd(
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder of a previous build."),
    outlets: Optional[Path] = typer.Option(None, "--outlets", help="Your own outlets TOML file, as given to the build."),
) -> None:
    """Regenerate OUT/report.md, OUT/report.html and OUT/metrics.json from an existing build."""
    with _reported():
        paths = report(out, outlets)
    pages = [p for p in paths if p.suffix != ".csv"]
    tables = [p for p in paths if p.suffix == ".csv"]
    where = f" and {len(tables)} tables in {tables[0].parent}" if tables else ""
    typer.echo("Wrote " + ", ".join(str(p) for p in pages) + where)


@app.command("export")
def export_cmd(
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder of a previous build; the exports are written there."),
    fmt: str = typer.Option("all", "--format", "-f", help=f"What to write: {', '.join(FORMATS)} or all."),
    outlets: Optional[Path] = typer.Option(None, "--outlets", help="Your own outlets TOML file, as given to the build."),
) -> None:
    """Write the graph exports (GraphML, GEXF, node-link JSON, CSV) of the last build in OUT."""
    formats = tuple(FORMATS) if fmt == "all" else (fmt,)
    if fmt != "all" and fmt not in FORMATS:
        typer.echo(f"Error: unknown --format {fmt!r}; use one of {', '.join(FORMATS)} or all.", err=True)
        raise typer.Exit(code=2)
    with _reported():
        paths = export(out, formats, outlets)
    typer.echo("Wrote " + ", ".join(str(p) for p in paths))


@app.command("story")
def story_cmd(
    article: str = typer.Argument(..., help="An article id (as in OUT/articles.jsonl), its file path or its URL."),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder of a previous build."),
    outlets: Optional[Path] = typer.Option(None, "--outlets", help="Your own outlets TOML file, as given to the build."),
    as_json: bool = typer.Option(False, "--json", help="Print the card as JSON instead of text."),
) -> None:
    """Print one story's provenance: its sources by kind with evidence, anonymous share, single-source flag,
    its documents with their via and earliest citing article, and what its cited outlets' own articles cite."""
    with _reported():
        card = story(out, article, outlets)
    typer.echo(dumps_json(card) if as_json else render_text(card), nl=False)


@app.command("extract")
def extract_cmd(
    file: Path = typer.Argument(..., help="One article file (.txt, .html, .html.gz or .jsonl)."),
    outlets: Optional[Path] = typer.Option(None, "--outlets", help="Your own outlets TOML file, extending the built-in gazetteer."),
) -> None:
    """Show what one article cites (kind, name, document type, via, cue, evidence), for checking by eye."""
    with _reported():
        results = extract_file(file, outlets)
    for article, citations in results:
        typer.echo(f"{article.id}: {article.title}")
        typer.echo(f"  {len(citations)} citation(s)")
        for citation in citations:
            typer.echo("  " + _citation_line(citation))
            for evidence in citation.evidence:
                where = "" if evidence.field == "body" else f"[{evidence.field}] "
                typer.echo(f"      {where}{evidence.start}-{evidence.end}: {evidence.text}")


def _citation_line(citation) -> str:
    parts = [f"{citation.kind.value:<12} {citation.name}"]
    if citation.doc_type:
        parts.append(f"type={citation.doc_type.value}")
    for name in ("issuer", "via", "date"):
        if getattr(citation, name):
            parts.append(f"{name}={getattr(citation, name)}")
    flags = [f for f in ("discovered", "self_citation") if getattr(citation, f)]
    parts += flags
    parts.append(f'cue="{citation.cue}"')
    return " | ".join(parts)


@app.command("eval")
def eval_cmd(
    inputs: Optional[List[Path]] = typer.Argument(None, help="Files or folders the gold file labels (default: data/)."),
    gold: Path = typer.Option(..., "--gold", help="Gold labels, JSON Lines as in gold/FORMAT.md."),
    outlets: Optional[Path] = typer.Option(None, "--outlets", help="Your own outlets TOML file, extending the built-in gazetteer."),
    metadata: List[Path] = typer.Option([], "--metadata", help=METADATA_HELP),
    publisher: List[str] = typer.Option([], "--publisher", help=PUBLISHER_HELP),
) -> None:
    """Score extraction against a gold file: precision, recall and F1 for outlets and documents, via accuracy."""
    with _reported():
        inputs = inputs or [Path("data")]
        result = evaluate(gold, inputs, outlets, metadata, publisher)
    for line in _eval_lines(result):
        typer.echo(line)


def _eval_lines(result) -> list[str]:
    lines = [f"{'':<10}{'P':>7}{'R':>7}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}"]
    for label, counts in (("outlets", result.outlets), ("documents", result.documents)):
        lines.append(
            f"{label:<10}{counts.precision:>7.3f}{counts.recall:>7.3f}{counts.f1:>7.3f}"
            f"{counts.tp:>5}{counts.fp:>5}{counts.fn:>5}"
        )
    lines.append(f"via accuracy {result.via_accuracy:.3f} over {result.via_checked} document(s)")
    lines.append(f"not_cited names predicted as outlets: {result.not_cited_predicted}")
    for art in result.articles:
        details = [
            ("article not read", ["check the INPUT path"] if art.missing_article else []),
            ("outlet misses", art.outlet_misses),
            ("outlet false alarms", art.outlet_false_alarms),
            ("document misses", art.document_misses),
            ("document false alarms", art.document_false_alarms),
            ("via errors", art.via_errors),
            ("not_cited predicted", art.not_cited_predicted),
        ]
        shown = [f"    {label}: {'; '.join(items)}" for label, items in details if items]
        lines.append(f"{art.article}: {'ok' if not shown else ''}".rstrip())
        lines.extend(shown)
    return lines


def _open_explorer(out: Path) -> None:
    with _reported():
        path = find_explorer(out).resolve()
    if webbrowser.open(path.as_uri()):
        typer.echo(f"Opened {path}")
    else:
        typer.echo(f"No browser available; open this file in one: {path}")


def main() -> None:
    """The ``citegraph`` command: ``app``, then the process ends without tearing down its heap.

    When a command is done, its files are written and closed and its output
    is flushed; what is left in memory (the extractor's patterns, the loaded
    libraries) the system takes back at once, while the interpreter's own
    teardown frees it object by object: 0.2-0.3 s after a build of 10,000
    articles (docs/SCALE.md). Library calls and tests run ``app`` and are not
    affected.
    """
    try:
        app()
        code: object = 0
    except SystemExit as end:
        code = end.code
    if (code is not None and not isinstance(code, int)) or threading.active_count() > 1 or multiprocessing.active_children():
        raise SystemExit(code)  # a message to print, or threads or processes to wait for: Python's own exit
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: the exit status says so, as Python's does
            code = code or 120
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
