"""Parallel extraction: a process pool gives the same bytes, streams, and reports progress."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from citegraph.store import runners, update
from citegraph.pipeline import BuildOptions, build
from citegraph.store.progress import Progress
from conftest import CORPORA, copy_seeds, need_shared, output_bytes


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
