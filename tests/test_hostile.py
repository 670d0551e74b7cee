"""Hostile inputs: files crafted to crash, stall or mislead a build.

Each test is one attack from the robustness issue ("One bad file never stops
a build ..."); docs/STORE.md says what a build promises. The inputs are made
here (or kept in ``tests/fixtures/hostile``) so that each test says what it
feeds the build.

The two quadratic inputs of the issue must finish in under 10 s: those tests
run the CLI in a subprocess with ``timeout=10``, a guard against a return of
the quadratic time (minutes), not a measurement; the figures are printed by
``benchmarks/bench_hostile.py`` and recorded in docs/SCALE.md.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPORA, REPO, need_shared

QUADRATIC_BUDGET = 10  # seconds: the "finish in under 10 s", as a guard


def run_cli(*args: str, timeout: float = 120, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """``python -m citegraph.cli ARGS`` with this tree first on the path."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "citegraph.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd, **kwargs)


# ---------------------------------------------------------------- quadratic inputs

QUADRATIC = {
    # the two: 16,000 short attributed paragraphs (0.7 MB; the person look-up) and a run of
    # 60,000 dots in a 70 KB text (sentence splitting)
    "attributed paragraphs": "\n\n".join(f"Officials said {n}, according to Reuters." for n in range(16_000)),
    "run of dots": "Some text" + "." * 60_000 + " more text.\n\n" + "The ministry said so. " * 400,
}


def _names(count: int) -> list[str]:
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    return [(syllables[i % 70] + syllables[i // 70 % 70] + syllables[i // 4900 % 70]).capitalize() for i in range(count)]


NAMES = _names(16_000)
QUADRATIC_MORE = {
    # the same look-ups over many distinct sources: each was a scan of every source named before
    "distinct people": "\n\n".join(f"{a} {b} said {n}." for n, (a, b) in enumerate(zip(NAMES, NAMES[1:]))),
    "one surname": "\n\n".join(f"{a} Smith said {n}. Smith said more." for n, a in enumerate(NAMES)),
    "roles": "\n\n".join(f"Secretary {a} {b} said {n}. The secretary said." for n, (a, b) in enumerate(zip(NAMES, NAMES[3:]))),
    "institutions": "\n\n".join(f"The {a} Ministry said {n}. The ministry said." for n, a in enumerate(NAMES)),
    # thousands of documents, each mention linked against those before it (extract/documents.py)
    "memos": "\n\n".join(f"A memo from {a} {b} said {n}, Reuters reported." for n, (a, b) in enumerate(zip(NAMES, NAMES[5:8005]))),
}


def _extract_in_time(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    path = tmp_path / "hostile.txt"
    path.write_text("A hostile article\n\n" + body, encoding="utf-8")
    try:
        return run_cli("extract", str(path), timeout=QUADRATIC_BUDGET)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading and extracting {len(body):,} characters took over {QUADRATIC_BUDGET} s")


@pytest.mark.parametrize("name", sorted(QUADRATIC))
def test_quadratic_inputs_finish_in_time(tmp_path, name):
    done = _extract_in_time(tmp_path, QUADRATIC[name])
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(QUADRATIC_MORE))
def test_more_quadratic_inputs_finish_in_time(tmp_path, name):
    done = _extract_in_time(tmp_path, QUADRATIC_MORE[name])
    assert done.returncode == 0, done.stderr


def test_sentences_without_spaces_in_time(tmp_path):
    """Sentences parted by no-break spaces only (the reader makes them spaces; ``sentences`` alone must not
    read every word back to the start of the line)."""
    path = tmp_path / "nbsp.txt"
    path.write_text("a.\u00a0B" * 100_000, encoding="utf-8")
    code = f"from citegraph.extract.sentences import sentences; sentences(open({str(path)!r}).read())"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        subprocess.run([sys.executable, "-c", code], check=True, timeout=QUADRATIC_BUDGET, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"splitting 400,000 characters took over {QUADRATIC_BUDGET} s")


# ---------------------------------------------------------------- one odd input never stops a build

import csv  # noqa: E402
import errno  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

import hostile_inputs as hostile  # noqa: E402
from citegraph import BuildOptions, build  # noqa: E402
from citegraph.cli import app  # noqa: E402
from citegraph.outputs.exports import read_csv, read_gexf, read_graphml  # noqa: E402
from conftest import DATA, copy_seeds, output_bytes  # noqa: E402

C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def records(out: Path, name: str = "articles.jsonl") -> list[dict]:
    """The record file's lines, split at "\\n" as JSON Lines says."""
    return [json.loads(line) for line in (out / name).read_text(encoding="utf-8").split("\n") if line]


def by_id(out: Path) -> dict[str, dict]:
    return {r["id"]: r for r in records(out)}


def built(inputs, out: Path, **options) -> Path:
    options = {"jobs": 1, "exports": True, **options}
    build(BuildOptions(inputs=tuple(inputs) if isinstance(inputs, (list, tuple)) else (inputs,), out=out, **options))
    return out


@pytest.mark.parametrize("writer", [hostile.write_controls, hostile.write_utf32])
def test_control_characters_never_reach_the_exports(tmp_path, writer):
    """A form feed, an ESC or U+0001 in a title, publisher or URL crashed the GraphML export (ValueError)."""
    inputs = copy_seeds(tmp_path / "in")
    writer(inputs)
    out = built(inputs, tmp_path / "out")
    articles = by_id(out)
    assert len(articles) == len(list(DATA.glob("*.txt"))) + len(list(inputs.glob("*.*"))) - 5
    for record in articles.values():
        for field in ("title", "publisher", "url", "body", "byline"):
            assert not C0.search(record[field] or ""), (record["id"], field)
    read_graphml(out / "graph.graphml")
    read_gexf(out / "graph.gexf")
    if "controls.jsonl#1" in articles:
        jsonl = articles["controls.jsonl#1"]
        assert (jsonl["title"], jsonl["publisher"]) == ("Talks  collapse", "Wire  Service")
        assert "replaced 3 control character(s) with spaces" in jsonl["repairs"]
        assert articles["formfeed.html"]["title"].startswith("Budget talks")
    else:
        assert articles["utf32.txt"]["title"] == "Budget talks collapse"


def test_a_control_character_in_a_users_outlet_name_never_stops_the_exports(tmp_path):
    """The reader cleans articles; an --outlets file may still bring a form feed into the graph."""
    inputs = copy_seeds(tmp_path / "in")
    (inputs / "courier.txt").write_text("Courier story\n\nAccording to the Daily Courier, talks failed.\n",
                                        encoding="utf-8")
    outlets = tmp_path / "mine.toml"
    outlets.write_text('[[outlet]]\nname = "Daily\\fCourier"\naliases = ["Daily Courier"]\nkind = "newspaper"\n',
                       encoding="utf-8")
    out = built(inputs, tmp_path / "out", outlets_file=outlets)
    labels = {d.get("label") for _, d in read_graphml(out / "graph.graphml").nodes(data=True)}
    assert "Daily\ufffdCourier" in labels
    read_gexf(out / "graph.gexf")


def test_an_article_the_store_refuses_is_a_skip(tmp_path, monkeypatch):
    """Storing is guarded per file like reading and extraction: the batch goes on."""
    from citegraph.store import db

    inputs = copy_seeds(tmp_path / "in")
    (inputs / "refused.txt").write_text("Refused\n\n" + hostile.BODY, encoding="utf-8")
    line = db.line

    def refuses(record):
        if record.get("id") == "refused.txt":
            raise ValueError("simulated: SQLite refuses this row")
        return line(record)

    monkeypatch.setattr(db, "line", refuses)
    result = build(BuildOptions(inputs=(inputs,), out=tmp_path / "out", jobs=1))
    assert result.article_count == 5
    assert [(s.path, s.reason) for s in result.skips] == [
        ("refused.txt", "cannot be stored (ValueError: simulated: SQLite refuses this row); please report this file")]


def test_lone_surrogates_are_replaced_at_the_reader(tmp_path):
    """"\\ud800" in a JSONL title, publisher or URL crashed the store (UnicodeEncodeError)."""
    inputs = copy_seeds(tmp_path / "in")
    hostile.write_surrogates(inputs)
    out = built(inputs, tmp_path / "out")
    record = by_id(out)["surrogates.jsonl#1"]
    assert (record["title"], record["publisher"], record["url"]) == (
        "Talks \ufffdcollapse", "Wire \ufffd", "https://wire.example/\ufffd")
    assert "replaced 3 lone surrogate(s) or non-character(s) with U+FFFD" in record["repairs"]
    read_graphml(out / "graph.graphml")


def test_a_file_name_that_is_not_utf8_is_read_and_named_with_its_bytes(tmp_path):
    """A Latin-1 file name crashed the store (UnicodeEncodeError)."""
    inputs = copy_seeds(tmp_path / "in")
    hostile.write_latin1_name(inputs)
    out = built(inputs, tmp_path / "out")
    record = by_id(out)["caf\\xe9.txt"]
    assert record["title"] == "Budget talks collapse"
    assert "file name is not UTF-8: its odd bytes are shown as \\xNN" in record["repairs"]
    assert build(BuildOptions(inputs=(inputs,), out=out, jobs=1, exports=True)).regenerated is False


def test_a_file_1100_folders_deep_is_read(tmp_path):
    """The recursive folder walk overflowed Python's stack (RecursionError) and stopped the build (run in a
    fresh interpreter: its default recursion limit)."""
    inputs = copy_seeds(tmp_path / "in")
    rel = hostile.write_deep(inputs)
    try:
        done = run_cli("build", str(inputs), "--out", str(tmp_path / "out"), "--jobs", "1", "--no-progress")
        assert done.returncode == 0, done.stderr[-500:]
        assert by_id(tmp_path / "out")[rel]["title"] == "Deep article"
    finally:
        hostile.remove_deep(inputs)


def test_a_file_deleted_during_the_build_is_a_skip(tmp_path, monkeypatch):
    """A file that vanished between the scan and its reading aborted the whole run."""
    from citegraph.store import update

    inputs = copy_seeds(tmp_path / "in")
    gone = inputs / "gone.txt"
    gone.write_text("Gone soon\n\n" + hostile.BODY, encoding="utf-8")
    scan = update.scan

    def scan_then_delete(options):
        found = scan(options)
        gone.unlink()
        return found

    monkeypatch.setattr(update, "scan", scan_then_delete)
    result = build(BuildOptions(inputs=(inputs,), out=tmp_path / "out", jobs=1))
    assert result.article_count == 5
    assert [(s.path, s.reason) for s in result.skips] == [
        ("gone.txt", "the file disappeared during the build; it is read again next time if it is back")]
    monkeypatch.setattr(update, "scan", scan)
    assert build(BuildOptions(inputs=(inputs,), out=tmp_path / "out", jobs=1)).skips == []


def test_nul_bytes_after_the_first_4_kb_never_reach_the_report(tmp_path):
    inputs = copy_seeds(tmp_path / "in")
    hostile.write_late_nul(inputs)
    out = built(inputs, tmp_path / "out")
    for name in ("report.md", "report.html", "articles.jsonl", "citations.jsonl", "graph.html", "graph.graphml"):
        assert b"\x00" not in (out / name).read_bytes() and b"\\u0000" not in (out / name).read_bytes(), name
    assert "replaced 3 control character(s) with spaces" in by_id(out)["latenul.txt"]["repairs"]


# ---------------------------------------------------------------- JSONL loses nothing


def test_a_titled_jsonl_record_keeps_all_its_text_as_body(tmp_path):
    """With a title given, "text" is the body: its first paragraph was taken for a title, and a record of one
    paragraph was skipped whole."""
    lines = [json.dumps({"title": "Given title", "text": hostile.BODY}),
             json.dumps({"title": "One paragraph", "text": "According to Reuters, the talks collapsed."}),
             json.dumps({"text": "Its own title\n\n" + hostile.BODY})]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = built(tmp_path / "in", tmp_path / "out")
    articles = by_id(out)
    assert (articles["feed.jsonl#1"]["title"], articles["feed.jsonl#1"]["body"]) == ("Given title", hostile.BODY)
    assert articles["feed.jsonl#2"]["body"] == "According to Reuters, the talks collapsed."
    assert (articles["feed.jsonl#3"]["title"], articles["feed.jsonl#3"]["body"]) == ("Its own title", hostile.BODY)


def test_raw_line_separators_inside_json_strings_stay_in_their_record(tmp_path):
    """U+2028, U+2029 and U+0085 are legal inside JSON strings: str.splitlines broke the records apart, all
    were skipped with wrong line numbers, and `citegraph report` then failed on its own articles.jsonl."""
    inputs = tmp_path / "in"
    hostile.write_line_separators(inputs)
    out = built(inputs, tmp_path / "out")
    assert sorted(by_id(out)) == ["separators.jsonl#1", "separators.jsonl#2", "separators.jsonl#3"]
    assert records(out, "skipped.jsonl") == []
    for name in ("articles.jsonl", "citations.jsonl"):
        text = (out / name).read_text(encoding="utf-8")
        assert len(text.splitlines()) == len(text.split("\n")) - 1, name  # any line reader sees one record a line
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_the_same_relative_path_under_two_roots_is_two_articles(tmp_path):
    """Two input folders holding x.txt became one article (the CLI said "Read 2", the report "1 article")."""
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "x.txt").write_text(f"Story from {root}\n\n" + hostile.BODY, encoding="utf-8")
    (tmp_path / "c" / "a").mkdir(parents=True)  # a second folder named "a"
    (tmp_path / "c" / "a" / "x.txt").write_text("Story from c/a\n\n" + hostile.BODY, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "c" / "a"),
                                      "--out", str(out), "--jobs", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Read 3 article(s)")
    assert {i: r["title"] for i, r in by_id(out).items()} == {
        "a/x.txt": "Story from a", "b/x.txt": "Story from b", "a-2/x.txt": "Story from c/a"}
    assert "3 article(s) from" in (out / "report.md").read_text(encoding="utf-8")


def test_one_input_keeps_its_ids(tmp_path):
    """A single input root keeps the ids the gold files use: the path relative to the root."""
    out = built(DATA, tmp_path / "out")
    assert sorted(by_id(out)) == sorted(p.name for p in DATA.glob("*.txt"))


# ---------------------------------------------------------------- spreadsheets


@pytest.mark.parametrize("corpus", ["formulas", "whole hostile corpus"])
def test_no_csv_cell_is_a_formula(tmp_path, corpus):
    """63 article-controlled cells of nodes.csv started with =, +, - or @ (=HYPERLINK(...), +cmd|' /C calc'!A0)."""
    if corpus == "formulas":
        hostile.write_formulas(copy_seeds(tmp_path / "in"))
    else:
        hostile.write_corpus(tmp_path / "in")
    out = built(tmp_path / "in", tmp_path / "out")
    for name in ("nodes.csv", "edges.csv"):
        with open(out / name, newline="", encoding="utf-8") as fh:  # as a spreadsheet splits the file into cells
            cells = [cell for row in csv.reader(fh) for cell in row]
        formulas = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert formulas == [], f"{name}: {formulas[:5]}"
    titles = {d.get("title") for _, d in read_csv(out / "nodes.csv", out / "edges.csv").nodes(data=True)}
    assert set(hostile.FORMULAS) - {"\r=1+1"} <= titles  # read back exactly (a CR in a title becomes a space)


def test_a_carriage_return_never_starts_a_row():
    """A bare CR in a cell is left unquoted by the csv module, and spreadsheets start a row (and a formula) there."""
    import networkx as nx

    from citegraph.outputs.exports import nodes_csv

    G = nx.DiGraph()
    G.add_node("outlet:x", kind="outlet", label="Daily\r=cmd|' /C calc'!A0")
    rows = list(csv.reader(nodes_csv(G).splitlines(keepends=True)))
    assert len(rows) == 2 and not any(c[:1] in "=+-@" for row in rows for c in row if c)


# ---------------------------------------------------------------- caches are data, checked before use

PICKLE_BOMB = b"cos\nsystem\n(S'touch {marker}'\ntR."


def test_no_module_unpickles_or_evaluates():
    """Regression: pickles are gone from citegraph (the graph cache is signed JSON)."""
    package = REPO / "citegraph"
    pattern = re.compile(r"^\s*(?:import|from)\s+(?:pickle|cPickle|shelve|marshal|dill|joblib)\b|\beval\(|\bexec\(", re.M)
    offenders = [p.relative_to(REPO).as_posix() for p in package.rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []


def test_pickles_and_old_caches_planted_in_out_are_never_loaded(tmp_path):
    """Regression: an out/ folder from someone else (graph.pickle, outlets.json, regex.json) runs nothing and
    changes nothing."""
    inputs = copy_seeds(tmp_path / "in")
    clean = output_bytes(built(inputs, tmp_path / "clean"))
    out = built(inputs, tmp_path / "out")
    marker = tmp_path / "pwned"
    cache = out / ".citegraph"
    for name in ("graph.pickle", "state.pickle", "model.pkl", "outlets.pickle"):
        (cache / name).write_bytes(PICKLE_BOMB.replace(b"{marker}", str(marker).encode()))
    (cache / "outlets.json").write_text(json.dumps({"outlets": [{"name": "Evil News", "aliases": ["Reuters"]}]}))
    (cache / "regex.json").write_text(json.dumps({"pattern": "(a+)+$"}))
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    shutil.copy2(DATA / "000_d868355d3de1eb99.txt", inputs / "000_d868355d3de1eb99.txt")  # a rebuild that reads
    build(BuildOptions(inputs=(inputs,), out=out, jobs=1, exports=True))
    assert not marker.exists()
    assert output_bytes(out) == clean


def test_a_graph_cache_edited_with_a_valid_checksum_is_not_used(tmp_path):
    """The header's SHA-256 found damage but not an edit made by whoever hands you an OUT folder."""
    inputs = copy_seeds(tmp_path / "in")
    out = built(inputs, tmp_path / "out")
    path = out / ".citegraph" / "graph.json"
    head, _, body = path.read_bytes().partition(b"\n")
    forged = body.replace(b'"CNN"', b'"Fox News"')
    assert forged != body
    header = json.loads(head)
    header["sha256"] = hashlib.sha256(forged).hexdigest()  # what f506ff8 checked
    path.write_bytes(json.dumps(header).encode() + b"\n" + forged)
    (inputs / "001_6195e9e891bbb07e.txt").unlink()  # a rebuild that patches the cached graph
    build(BuildOptions(inputs=(inputs,), out=out, jobs=1, exports=True))
    assert output_bytes(out) == output_bytes(built(inputs, tmp_path / "clean"))


def test_version_prints_the_version():
    """Regression: `citegraph --version` works."""
    from citegraph import __version__

    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (0, f"{__version__}\n")


def test_the_command_ends_with_its_exit_status_and_all_its_output(tmp_path):
    """``cli.main`` ends the process without the interpreter's teardown: the status and every line
    still come through, a pipe closed early by the reader is no crash, and a usage error is still 2."""
    from citegraph import __version__

    out = tmp_path / "out"
    built = run_cli("build", str(REPO / "data"), "--out", str(out), "--no-progress")
    assert built.returncode == 0 and built.stderr == ""
    assert built.stdout.splitlines()[0].startswith("Read 5 article(s), found ")
    assert built.stdout.splitlines()[1] == f"Wrote {out}/: explorer {out}/graph.html, report {out}/report.html"
    assert (out / "graph.html").stat().st_size > 0 and (out / "report.html").stat().st_size > 0
    assert run_cli("--version").stdout == f"{__version__}\n"
    missing = run_cli("build", str(tmp_path / "nowhere"), "--out", str(out), "--no-progress")
    assert missing.returncode == 1 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    assert run_cli("build", "--max-nodes", "0").returncode == 2
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    piped = subprocess.run(f"'{sys.executable}' -m citegraph.cli build '{REPO / 'data'}' --out '{out}' | head -c 1",
                           shell=True, capture_output=True, text=True, timeout=120, env=env)
    assert piped.stdout == "R" and "Traceback" not in piped.stderr


# ---------------------------------------------------------------- time limit

def test_a_file_over_the_time_limit_is_skipped_with_the_reason(tmp_path, monkeypatch):
    from citegraph.extract import Extractor

    inputs = copy_seeds(tmp_path / "in")
    (inputs / "stall.txt").write_text("Stall\n\n" + hostile.BODY, encoding="utf-8")
    real = Extractor.extract

    def stalls(self, article):
        if article.id == "stall.txt":
            while True:  # as a catastrophic pattern would
                pass
        return real(self, article)

    monkeypatch.setattr(Extractor, "extract", stalls)
    result = build(BuildOptions(inputs=(inputs,), out=tmp_path / "out", jobs=1, file_timeout=0.5))
    assert result.article_count == 5
    assert [(s.path, s.reason) for s in result.skips] == [(
        "stall.txt", "reading and extracting it took over 0.5 s, the time limit for one file; it may be made to "
        "stall citegraph: --exclude it, or raise the limit with --file-timeout")]


# ---------------------------------------------------------------- OUT, inputs and errors said in one line


def test_an_unreadable_sub_folder_is_a_skip(tmp_path, monkeypatch):
    """A sub-folder that cannot be listed was dropped without a word."""
    inputs = copy_seeds(tmp_path / "in")
    (inputs / "locked").mkdir()
    (inputs / "locked" / "a.txt").write_text("Hidden\n\n" + hostile.BODY, encoding="utf-8")
    scandir = os.scandir

    def refuse(path="."):
        if not isinstance(path, int) and os.fspath(path).rstrip("/").endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    result = build(BuildOptions(inputs=(inputs,), out=tmp_path / "out", jobs=1))
    assert [(s.path, s.reason) for s in result.skips] == [
        ("locked/", "cannot list this folder (Permission denied); its files are not read: check its permissions")]
    monkeypatch.setattr(os, "scandir", scandir)
    again = build(BuildOptions(inputs=(inputs,), out=tmp_path / "out", jobs=1))
    assert (again.skips, again.article_count) == ([], 6)


def test_absolute_input_paths_never_reach_the_outputs(tmp_path):
    inputs = copy_seeds(tmp_path / "in").resolve()
    (inputs / "empty.txt").write_text("", encoding="utf-8")
    out = built(inputs, tmp_path / "out")
    assert records(out, "skipped.jsonl") == [{"path": "empty.txt", "reason": "empty file"}]
    for path in sorted(p for p in out.iterdir() if p.is_file() and not p.name.startswith(".")):
        if not path.name.startswith("citegraph.sqlite"):
            assert str(inputs).encode() not in path.read_bytes(), path.name


def test_out_inside_the_input_folder_is_not_read_back(tmp_path):
    inputs = copy_seeds(tmp_path / "in")
    out = inputs / "out"
    built(inputs, out)
    result = build(BuildOptions(inputs=(inputs,), out=out, jobs=1, exports=True))
    assert (result.article_count, result.skips) == (5, [])
    assert output_bytes(out) == output_bytes(built(copy_seeds(tmp_path / "again" / "in"), tmp_path / "clean"))


def test_inputs_inside_out_are_refused(tmp_path):
    """Each build replaces OUT's folder: inputs inside it would be swapped away."""
    out = tmp_path / "out"
    inputs = copy_seeds(out / "articles")
    result = CliRunner().invoke(app, ["build", str(inputs), "--out", str(out), "--no-progress"])
    assert (result.exit_code, result.output) == (
        1, f"Error: input {inputs} is inside the output folder {out}, which each build replaces: keep inputs outside "
           "it, or choose another --out\n")


def test_out_that_is_a_file_is_one_line(tmp_path):
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(DATA), "--out", str(tmp_path / "out"), "--no-progress"])
    assert (result.exit_code, result.output) == (
        1, f"Error: --out {tmp_path / 'out'} is a file, not a folder: choose another --out, or move the file\n")


def test_a_full_disk_is_one_line_and_keeps_the_previous_build(tmp_path, monkeypatch):
    inputs = copy_seeds(tmp_path / "in")
    out = built(inputs, tmp_path / "out")
    before = output_bytes(out)
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = CliRunner().invoke(app, ["build", str(inputs), "--out", str(out), "--no-progress", "--jobs", "1"])
    monkeypatch.setattr(os, "fsync", fsync)
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith("Error: no space left to write ")
    assert result.output.endswith(f"(No space left on device): free some space or choose another --out; {out} "
                                  "still holds the previous build\n")
    assert output_bytes(out) == before


def test_a_killed_worker_is_one_line(tmp_path, monkeypatch):
    from citegraph.store import runners, update

    inputs = copy_seeds(tmp_path / "in")
    (inputs / "kill.txt").write_text("Killer\n\n" + hostile.BODY, encoding="utf-8")
    parent = os.getpid()
    read_file = update.read_file

    def dies(state, ctx):
        if state.rel == "kill.txt" and os.getpid() != parent:
            os.kill(os.getpid(), 9)  # as the kernel's out-of-memory killer would
        return read_file(state, ctx)

    monkeypatch.setattr(update, "read_file", dies)
    monkeypatch.setattr(runners, "MIN_FILES_FOR_POOL", 1)
    result = CliRunner().invoke(app, ["build", str(inputs), "--out", str(tmp_path / "out"), "--jobs", "2",
                                      "--no-progress"])
    assert result.exit_code == 1 and result.output.count("\n") == 1, result.output
    assert result.output.startswith("Error: a worker process died while reading and extracting ")
    assert "run the build again, with --jobs 1 to see which file stops it" in result.output


# ---------------------------------------------------------------- real file systems (private mounts)


def _private_mounts() -> bool:
    """Can this process mount in a mount namespace of its own (root, or a user namespace)?"""
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _private_mounts(), reason="cannot mount in a private mount namespace here")


def run_in_mounts(script: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """``script`` (sh, ``$PY`` the interpreter, ``$1``... ``args``) in a mount namespace of its own: its mounts
    vanish with it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PY": sys.executable}
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


@needs_mounts
def test_a_real_full_disk_is_one_line(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    done = run_in_mounts('mount -t tmpfs -o size=200k tmpfs "$1" && '
                         '"$PY" -m citegraph.cli build "$2" --out "$1/out" --no-progress --jobs 1', str(disk), str(DATA))
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: no space left") and done.stderr.count("\n") == 1, done.stderr


@needs_mounts
def test_a_read_only_out_is_one_line_and_never_advises_deleting_the_store(tmp_path):
    """A read-only OUT was reported as "not a citegraph store ... delete it": advice that destroys a healthy store."""
    out = tmp_path / "out"
    built(DATA, out)
    store = (out / "citegraph.sqlite").read_bytes()
    done = run_in_mounts('mount --bind -o ro "$1" "$1" && "$PY" -m citegraph.cli build "$2" --out "$1" --no-progress',
                         str(out), str(copy_seeds(tmp_path / "in")))
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("Error: cannot write ") and "Read-only file system" in done.stderr
    assert "delete" not in done.stderr and "not a citegraph store" not in done.stderr
    assert (out / "citegraph.sqlite").read_bytes() == store


@needs_mounts
def test_an_unwritable_out_parent_is_one_line(tmp_path):
    parent = tmp_path / "parent"
    parent.mkdir()
    done = run_in_mounts('mount --bind -o ro "$1" "$1" && "$PY" -m citegraph.cli build "$2" --out "$1/out" '
                         "--no-progress", str(parent), str(DATA))
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"Error: cannot write {parent / 'out'}") and "Read-only file system" in done.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the mount tests cover root")
def test_an_unwritable_out_parent_is_one_line_without_root(tmp_path):
    parent = tmp_path / "parent"
    parent.mkdir(mode=0o555)
    result = CliRunner().invoke(app, ["build", str(DATA), "--out", str(parent / "out"), "--no-progress"])
    assert result.exit_code == 1 and result.output.startswith(f"Error: cannot write {parent / 'out'}"), result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the mount tests cover root")
def test_a_read_only_out_is_one_line_without_root(tmp_path):
    out = built(DATA, tmp_path / "out")
    store = (out / "citegraph.sqlite").read_bytes()
    out.chmod(0o555)
    try:
        result = CliRunner().invoke(app, ["build", str(copy_seeds(tmp_path / "in")), "--out", str(out), "--no-progress"])
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1 and result.output.startswith("Error: cannot write "), result.output
    assert "delete" not in result.output and (out / "citegraph.sqlite").read_bytes() == store


# ---------------------------------------------------------------- one build at a time


def _seed_and_more(root: Path, count: int) -> Path:
    copy_seeds(root)
    texts = sorted(need_shared(CORPORA / "gum-wikinews" / "text").glob("*.txt")) + \
        sorted(need_shared(CORPORA / "polnear" / "train" / "text").glob("*.txt"))
    for path in texts[:count]:
        shutil.copy2(path, root / path.name)
    return root


def test_a_second_build_into_a_busy_out_refuses_and_never_mixes(tmp_path):
    """Two builds of different inputs into one OUT both exited 0 and published a union neither asked for."""
    first, second = _seed_and_more(tmp_path / "first", 400), copy_seeds(tmp_path / "second")
    (second / "extra.txt").write_text("Only in the second\n\n" + hostile.BODY, encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "citegraph.cli", "build", "--out", str(out), "--jobs", "1", "--no-progress"]
    slow = subprocess.Popen([*command, str(first)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out / "citegraph.sqlite").exists() and slow.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert slow.poll() is None, "the first build ended before the second began"
    late = subprocess.run([*command, str(second)], env=env, capture_output=True, text=True, timeout=120)
    assert slow.wait(timeout=300) == 0, slow.stderr.read()
    assert late.returncode == 1, late.stdout
    assert re.fullmatch(rf"Error: another citegraph build \(process {slow.pid}\) is writing to {re.escape(str(out))}: "
                        r"wait for it to finish, or choose another --out\n", late.stderr), late.stderr
    assert output_bytes(out) == output_bytes(built(first, tmp_path / "clean", exports=False))
