"""Parallel extraction: a process pool gives the same bytes, streams, and reports progress."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from citegraph.store import runners, update
from citegraph.pipeline import BuildOptions, build
from citegraph.store.progress import Progress
from conftest import CORPORA, REPO, copy_seeds, need_shared, output_bytes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Seeds, eight Wikinews texts, a JSONL feed with a broken line and an empty file."""
    root = copy_seeds(tmp_path_factory.mktemp("parallel") / "corpus")
    texts = sorted(need_shared(CORPORA / "gum-wikinews" / "text").glob("*.txt"))
    for path in texts[:8]:
        shutil.copy2(path, root / path.name)
    lines = [json.dumps({"text": p.read_text(encoding="utf-8")}) for p in texts[8:10]]
    (root / "feed.jsonl").write_text(lines[0] + "\n[1, 2]\n" + lines[1] + "\n", encoding="utf-8")
    (root / "empty.txt").write_text("", encoding="utf-8")
    return root


def test_pool_build_equals_single_process_build(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    build(BuildOptions(inputs=(corpus,), out=tmp_path / "one", jobs=1))
    used = []
    real_map = runners.LocalPool.map

    def spy(self, fn, batches, ctx):
        used.append(self.jobs)
        yield from real_map(self, fn, batches, ctx)

    monkeypatch.setattr(runners, "MIN_FILES_FOR_POOL", 0)
    monkeypatch.setattr(update, "FILES_PER_BATCH", 2)
    monkeypatch.setattr(runners.LocalPool, "map", spy)
    build(BuildOptions(inputs=(corpus,), out=tmp_path / "two", jobs=2))
    assert used == [2]
    assert output_bytes(tmp_path / "two") == output_bytes(tmp_path / "one")


def test_progress_counts_articles_read_extracted_and_skipped(corpus: Path, tmp_path: Path) -> None:
    seen: list[Progress] = []
    result = build(BuildOptions(inputs=(corpus,), out=tmp_path / "out", jobs=1), progress=seen.append)
    files = len([p for p in corpus.iterdir()])
    assert seen[0] == Progress(total=files, done=0, read=0, extracted=0, skipped=0)
    assert seen[-1] == Progress(
        total=files, done=files, read=result.article_count, extracted=result.article_count, skipped=len(result.skips)
    )
    assert len(result.skips) == 2  # the empty file and the JSONL line that is not an object
    assert [p.done for p in seen] == sorted(p.done for p in seen)


def test_bounded_keeps_few_batches_in_flight() -> None:
    """Work is pulled from the batch iterator only as results are taken: texts never pile up."""
    pulled: list[int] = []
    in_flight: list[int] = []
    taken = 0

    def batches():
        for i in range(50):
            pulled.append(i)
            yield i

    def submit(fn, batch, ctx):
        return (fn, batch, ctx)

    def result(task):
        fn, batch, ctx = task
        return fn(batch, ctx)

    for value in runners.bounded(submit, lambda b, c: b * 2, batches(), None, 4, result):
        in_flight.append(len(pulled) - taken)
        assert value == taken * 2  # results come in submission order
        taken += 1
    assert taken == 50 and max(in_flight) <= 4


def test_each_process_builds_its_extractor_once() -> None:
    first = update.worker_extractor(None)
    assert update.worker_extractor(None) is first


def test_runner_choice(monkeypatch) -> None:
    assert isinstance(runners.choose_runner(1, 10_000), runners.InProcess)
    assert isinstance(runners.choose_runner(4, 3), runners.InProcess)  # a pool costs more than it saves
    pool = runners.choose_runner(0, 10_000)
    assert isinstance(pool, runners.LocalPool) and pool.jobs == len(os.sched_getaffinity(0))


@pytest.mark.parametrize("flag, shown", [(["--progress"], True), ([], False), (["--no-progress"], False)])
def test_cli_progress_bar_only_on_request_or_a_terminal(corpus: Path, tmp_path: Path, flag, shown) -> None:
    from typer.testing import CliRunner

    from citegraph.cli import app

    result = CliRunner().invoke(app, ["build", str(corpus), "--out", str(tmp_path / "out"), "--jobs", "1", *flag])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Read 15 article(s), found ")
    assert ("skipped 2" in result.stderr) is shown  # the bar's counts: read, extracted, skipped
    assert ("read 15 · extracted 15" in result.stderr) is shown


# ---------------------------------------------------------------- the explorer written alongside


# A build in a fresh process: this one may hold threads (a Dask test's), and then no build forks.
FORKED_BUILD = """
import os, sys
from pathlib import Path
from citegraph import pipeline
pipeline.FORK_EXPLORER_NODES = (0, 10**9)  # fork for this small graph too
real = pipeline._child

def spy(*args):
    with open(sys.argv[3], "a") as fh:
        fh.write(f"{os.getpid()} {os.getppid()}\\n")
    real(*args)

pipeline._child = spy
%s
try:
    pipeline.build(pipeline.BuildOptions(inputs=(Path(sys.argv[1]),), out=Path(sys.argv[2]), jobs=2, max_nodes=%d))
except Exception as err:
    print(f"{type(err).__name__}: {err}")
print(os.getpid())
"""


def forked_build(corpus: Path, out: Path, writers: Path, setup: str = "", max_nodes: int = 1500) -> tuple[str, list]:
    """What the build printed (an error), and the (pid, parent pid) of each explorer child."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", FORKED_BUILD % (setup, max_nodes), str(corpus), str(out), str(writers)],
                          capture_output=True, text=True, timeout=300, env=env, check=True)
    *said, pid = done.stdout.splitlines()
    children = [tuple(map(int, line.split())) for line in writers.read_text().splitlines()] if writers.exists() else []
    assert all(parent == int(pid) != child for child, parent in children)
    return "\n".join(said), children


def test_explorer_written_by_a_forked_child_gives_the_same_bytes_and_memo(corpus: Path, tmp_path: Path) -> None:
    build(BuildOptions(inputs=(corpus,), out=tmp_path / "here", jobs=1))
    said, children = forked_build(corpus, tmp_path / "forked", tmp_path / "writers")
    assert said == "" and len(children) == 1
    assert output_bytes(tmp_path / "forked") == output_bytes(tmp_path / "here")
    memo = {out: json.loads((tmp_path / out / ".citegraph" / "memo.json").read_bytes().partition(b"\n")[2])
            for out in ("here", "forked")}
    assert memo["forked"] == memo["here"]
    assert any(k.startswith("explorer.") for k in memo["here"]) and any(k.startswith("metrics.") for k in memo["here"])


BROKEN = {
    "a full disk": ("def broken(*a, **k):\n    raise OSError(28, 'No space left on device')\n"
                    "pipeline.write_explorer = broken",
                    "OutputError: no space left .* still holds the previous build"),
    "an error pickle cannot carry": ("class Local(Exception):\n    def __init__(self, a, b):\n        super().__init__(a)\n"
                                     "def broken(*a, **k):\n    raise Local('odd', 2)\npipeline.write_explorer = broken",
                                     "BuildError: writing the explorer failed.*odd"),
    "a child that dies": ("def broken(*a, **k):\n    os._exit(3)\npipeline.write_explorer = broken",
                          "BuildError: .*exit code 3 and no result"),
    "the report failing here, the child waiting": ("def broken(*a, **k):\n    raise ValueError('report')\n"
                                                   "pipeline.write_report = broken", "ValueError: report"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_an_error_on_either_side_fails_the_build_and_keeps_the_last_outputs(corpus: Path, tmp_path: Path,
                                                                              case: str) -> None:
    out = tmp_path / "out"
    build(BuildOptions(inputs=(corpus,), out=out, jobs=1))
    before = output_bytes(out)
    code, expected = BROKEN[case]
    said, children = forked_build(corpus, out, tmp_path / "writers", code, 7)
    assert re.match(expected, said, re.S)
    assert len(children) == 1 or (case.startswith("the report") and not children)  # stopped before it wrote
    assert output_bytes(out) == before


def test_small_graphs_and_one_job_write_the_explorer_here(corpus: Path, tmp_path: Path) -> None:
    from citegraph import pipeline
    from citegraph.graph.model import CitationGraph

    G = CitationGraph().G
    G.add_nodes_from(f"n{i}" for i in range(pipeline.FORK_EXPLORER_NODES[0]))
    assert pipeline._forks(G, BuildOptions(jobs=0)) is (threading.active_count() == 1)  # fork: Linux
    assert not pipeline._forks(G, BuildOptions(jobs=1))
    G.remove_node("n0")
    assert not pipeline._forks(G, BuildOptions(jobs=0))


def test_a_child_never_given_its_input_ends_with_an_error_not_a_hang(tmp_path: Path) -> None:
    code = ("from citegraph import pipeline\nfrom citegraph.graph.memo import Memo\n"
            "try:\n    with pipeline.alongside(lambda shown: shown, Memo(), True):\n        pass\n"
            "except Exception as err:\n    print(type(err).__name__)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env, check=True)
    assert done.stdout.strip() == "EOFError"
