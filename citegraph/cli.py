"""The command line: parse options, call the library, present the result.

This is the only module that writes to the terminal.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import CitegraphError
from .pipeline import BuildOptions, build

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Where does this story come from? Build a citation graph from saved news articles.",
)


def _fail(err: CitegraphError) -> None:
    typer.echo(f"Error: {err}", err=True)
    raise typer.Exit(code=1)


@app.callback()
def main(
    verbose: int = typer.Option(0, "--verbose", "-v", count=True, help="-v for info, -vv for debug logging."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    """citegraph: source-attribution and citation graph explorer for news."""
    if version:
        typer.echo(__version__)
        raise typer.Exit()
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


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
) -> None:
    """Read articles, extract citations and write the graph, report and explorer to OUT."""
    options = BuildOptions(
        inputs=tuple(inputs or [Path("data")]),
        out=out,
        include=tuple(include),
        exclude=tuple(exclude),
        outlets_file=outlets,
        strict=strict,
        max_nodes=max_nodes,
    )
    try:
        result = build(options)
    except CitegraphError as err:
        _fail(err)
        return
    typer.echo(
        f"Read {len(result.articles)} article(s), found {len(result.citations)} citation(s), "
        f"skipped {len(result.skips)} file(s)."
    )
    for skip in result.skips:
        typer.echo(f"  skipped {skip.path}: {skip.reason}")
    typer.echo(f"Wrote {out}/")
    if open_page:
        _open_explorer(out)


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
    from .report import regenerate_report

    try:
        paths = regenerate_report(out, outlets)
    except CitegraphError as err:
        _fail(err)
        return
    typer.echo("Wrote " + ", ".join(str(p) for p in paths))


def _open_explorer(out: Path) -> None:
    import webbrowser

    from .explorer import find_explorer

    try:
        path = find_explorer(out).resolve()
    except CitegraphError as err:
        _fail(err)
        return
    if webbrowser.open(path.as_uri()):
        typer.echo(f"Opened {path}")
    else:
        typer.echo(f"No browser available; open this file in one: {path}")


if __name__ == "__main__":  # pragma: no cover
    app()
