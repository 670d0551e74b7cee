"""The README documents every command: its name, its help line and every option."""

from __future__ import annotations

import re

import click
import pytest
import typer.main

from citegraph.cli import app

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_readme_lists_every_command():
    documented = set(re.findall(r"^### `citegraph (\w+)`", README, flags=re.M))
    assert documented == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_readme_gives_each_commands_help_line(name):
    command = COMMANDS[name]
    first_line = _normal(command.help.split("\n\n")[0])
    assert first_line in _normal(README)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_readme_names_each_option(name):
    section = README.split(f"### `citegraph {name}`", 1)[1].split("\n### ", 1)[0]
    for param in COMMANDS[name].params:
        if isinstance(param, click.Option):
            for flag in param.opts + param.secondary_opts:
                if flag != "--help":
                    assert f"`{flag}`" in section, f"{flag} of {name} is not in the README"


def test_readme_gives_the_two_setup_commands():
    assert "python3 -m pip install . && citegraph build" in README
    assert "./scripts/setup-tests && python3 -m pytest" in README


def test_build_summary_names_the_explorer_and_report(tmp_path):
    """The build's closing lines, exactly, for a first build and for a rebuild with nothing changed."""
    from typer.testing import CliRunner

    from conftest import copy_seeds

    inputs, out = copy_seeds(tmp_path / "in"), tmp_path / "out"
    runner = CliRunner()
    args = ["build", str(inputs), "--out", str(out), "--jobs", "1", "--no-progress"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.output == (
        "Read 5 article(s), found 45 citation(s), skipped 0 file(s).\n"
        f"Wrote {out}/: explorer {out}/graph.html, report {out}/report.html\n"
    )
    again = runner.invoke(app, args)
    assert again.output.endswith(f"Nothing changed: the outputs in {out}/ are up to date.\n")
