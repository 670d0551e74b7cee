"""Publishing is one step: a build killed anywhere leaves OUT holding one whole build, and the next build is a
clean one's bytes (docs/STORE.md, "Publishing").

Builds are killed at their checkpoints (``fsutil.checkpoint``): with
``CITEGRAPH_KILL_AT=N`` a build ends itself (``os._exit``, as ``kill -9``
would) at the Nth checkpoint it passes: every store commit, every file
written, every link and rename of the publish step. Each build runs in a
forked child of the test process (no interpreter start-up, the extractor
already built), so a hundred kills take about a minute.
"""

from __future__ import annotations

import collections
import os
import shutil
import sys
import traceback
from pathlib import Path

import pytest

from citegraph import BuildOptions, build
from citegraph import fsutil
from conftest import CORPORA, DATA, copy_seeds, need_shared, output_bytes

KILLED = 137  # what ``fsutil.checkpoint`` exits with
KILL_ENV, TRACE_ENV = "CITEGRAPH_KILL_AT", "CITEGRAPH_CHECKPOINTS"  # fsutil.KILL_ENV, fsutil.TRACE_ENV
STAGING = ".{name}.staging-"  # pipeline.STAGING


@pytest.fixture(autouse=True, scope="module")
def warm(tmp_path_factory):
    """One build in this process first: the forked builds inherit its imports, gazetteer and extractor."""
    build(BuildOptions(inputs=(DATA,), out=tmp_path_factory.mktemp("warm") / "out", jobs=1, exports=True))


def run(options: BuildOptions, kill_at: int | None = None, trace: Path | None = None,
        no_exchange: bool = False) -> int:
    """Run ``build(options)`` in a forked child; its exit code (``KILLED`` when it was killed)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the build, killed at its ``kill_at``th checkpoint
        code = 0
        try:
            os.environ.pop(KILL_ENV, None)
            os.environ.pop(TRACE_ENV, None)
            if kill_at:
                os.environ[KILL_ENV] = str(kill_at)
            if trace:
                os.environ[TRACE_ENV] = str(trace)
            fsutil._passed[0] = 0
            if no_exchange:
                fsutil._RENAMEAT2 = None
            build(options)
        except BaseException:  # noqa: BLE001 - reported, and the exit code says so
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def checkpoints(options: BuildOptions, trace: Path) -> list[str]:
    """The labels of the checkpoints a whole build passes."""
    trace.unlink(missing_ok=True)
    assert run(options, trace=trace) == 0
    return [line.split("\t", 1)[1] for line in trace.read_text(encoding="utf-8").splitlines()]


def staging(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(STAGING.format(name=out.name)))


def corpus_of(root: Path, polnear: int, bbc: int) -> Path:
    """Texts from the shared corpora: the first ``polnear`` PolNeAR and ``bbc`` BBC articles."""
    texts = sorted(need_shared(CORPORA / "polnear" / "train" / "text").glob("*.txt"))[:polnear]
    texts += sorted(need_shared(CORPORA / "bbc-fulltext" / "bbc").rglob("*.txt"))[:bbc]
    for path in texts:
        target = root / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return root


class Kills:
    """Kills builds into one OUT and checks, after each, that OUT holds one whole build and that no staging
    folder of an earlier build is left."""

    def __init__(self, out: Path, whole: list[dict[str, bytes]], trace: Path) -> None:
        self.out = out
        self.whole = whole  # the outputs OUT may hold: the previous build's and the new one's
        self.trace = trace
        self.labels: list[str] = []  # where each build was killed

    def kill(self, options: BuildOptions, at: int, no_exchange: bool = False) -> str | None:
        """Kill a build at its ``at``th checkpoint; the checkpoint's label, or None when it finished first."""
        before = staging(self.out)
        self.trace.unlink(missing_ok=True)
        code = run(options, kill_at=at, trace=self.trace, no_exchange=no_exchange)
        assert code in (0, KILLED), f"the build failed (exit {code}) instead of being killed at {at}"
        if code == 0:
            return None
        label = self.trace.read_text(encoding="utf-8").splitlines()[-1].split("\t", 1)[1]
        self.labels.append(label)
        if not no_exchange:  # without renameat2 OUT is missing between two renames; the next build restores it
            assert output_bytes(self.out) in self.whole, f"OUT holds a mix after a kill at {label}"
        assert len(staging(self.out)) <= 1 and not set(before) & set(staging(self.out)), "staging left behind"
        return label


def _seeds_built_then_one_removed(tmp_path):
    """OUT built from the seeds, then one seed removed: (OUT, the next build's options, a clean build of
    the four left, a copy of OUT as the previous build left it)."""
    inputs, out = copy_seeds(tmp_path / "in"), tmp_path / "out"
    assert run(BuildOptions(inputs=(inputs,), out=out, jobs=1)) == 0
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    clean = tmp_path / "clean"
    assert run(BuildOptions(inputs=(inputs,), out=clean, jobs=1)) == 0
    snapshot = tmp_path / "snapshot"
    shutil.copytree(out, snapshot, symlinks=True)
    return out, BuildOptions(inputs=(inputs,), out=out, jobs=1), clean, snapshot


def test_a_build_killed_at_each_publish_step_leaves_one_whole_build(tmp_path):
    """The seeds: OUT holds the previous build, the next build (killed between every link and rename of the
    publish step) holds the new one, and the build after is a clean one's bytes."""
    out, options, clean, snapshot = _seeds_built_then_one_removed(tmp_path)
    previous = output_bytes(out)
    labels = checkpoints(options, tmp_path / "trace")
    kills = Kills(out, [previous, output_bytes(clean)], tmp_path / "trace")
    for at, label in enumerate(labels, start=1):
        if not label.startswith(("publish", "outputs noted")) and at != len(labels):
            continue
        shutil.rmtree(out)
        shutil.copytree(snapshot, out, symlinks=True)
        assert kills.kill(options, at) == label
        assert run(options) == 0
        assert output_bytes(out) == output_bytes(clean), f"the build after a kill at {label} differs from a clean one"
        assert staging(out) == []
    assert {label for label in labels if label.startswith("publish")} <= set(kills.labels)


@pytest.mark.slow
def test_a_thousand_article_build_killed_at_over_a_hundred_points(tmp_path):
    """The issue's bar: a ~1,000-article build killed at over 100 points (every store commit of a cold build
    and of a re-extraction of every article, and every step of their output stages and publishing); after
    each kill OUT holds the previous build or the new one and no staging folder of an earlier build is
    left; the build after the last kill is a clean build's bytes."""
    inputs, out = corpus_of(tmp_path / "in", 500, 500), tmp_path / "out"
    assert run(BuildOptions(inputs=(copy_seeds(tmp_path / "seeds"),), out=out, jobs=1)) == 0  # the previous build
    previous = output_bytes(out)
    outlets = tmp_path / "mine.toml"
    outlets.write_text('[[outlet]]\nname = "Zyx Courier"\nkind = "newspaper"\n', encoding="utf-8")
    total = 0
    for n, options in enumerate((BuildOptions(inputs=(inputs,), out=out, jobs=1),  # a cold build of 1,000 articles
                                 BuildOptions(inputs=(inputs,), out=out, jobs=1, outlets_file=outlets))):  # re-extracted
        clean = tmp_path / f"clean-{n}"
        assert run(BuildOptions(inputs=(inputs,), out=clean, jobs=1, outlets_file=options.outlets_file)) == 0
        expected = output_bytes(clean)
        labels = checkpoints(BuildOptions(inputs=(inputs,), out=tmp_path / f"traced-{n}", jobs=1,
                                          outlets_file=options.outlets_file), tmp_path / "trace")
        kills = Kills(out, [previous, expected], tmp_path / "trace")
        # Killed at its second checkpoint, each build commits one batch more to the store than the last ...
        while (label := kills.kill(options, 2)) is not None and label.startswith("stored"):
            assert len(kills.labels) < 200, "the store never filled"
        assert sum(label.startswith("stored") for label in kills.labels) >= (62 if n == 0 else 15)  # 16 or 64 a batch
        # ... then, the store full, each build is killed one checkpoint later in its output stage
        at = 1
        while kills.kill(options, at) is not None:
            at += 1
        assert run(options) == 0
        assert output_bytes(out) == expected, "the build after the kills differs from a clean one"
        assert staging(out) == []
        assert {label for label in labels if label.startswith("publish")} <= set(kills.labels)
        total += len(kills.labels)
        previous = expected
        counts = collections.Counter(kills.labels)
        print(f"build {n}: {len(kills.labels)} kills:", ", ".join(f"{label} x{k}" for label, k in sorted(counts.items())))
    assert total >= 100, f"only {total} kill points"


def test_without_renameat2_a_killed_publish_is_put_back(tmp_path):
    """Where the two folders cannot be swapped in one call, OUT is renamed aside, then the new build renamed in:
    the next build puts a killed swap back and is a clean one's bytes."""
    out, options, clean, snapshot = _seeds_built_then_one_removed(tmp_path)
    trace = tmp_path / "trace"
    assert run(options, trace=trace, no_exchange=True) == 0
    labels = [line.split("\t", 1)[1] for line in trace.read_text(encoding="utf-8").splitlines()]
    for label in ("publish: previous build moved aside", "publish: new build moved in"):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(fsutil.previous_folder(out), ignore_errors=True)
        shutil.copytree(snapshot, out, symlinks=True)
        assert Kills(out, [], tmp_path / "kill-trace").kill(options, labels.index(label) + 1, no_exchange=True) == label
        assert run(options, no_exchange=True) == 0
        assert output_bytes(out) == output_bytes(clean)
        assert staging(out) == [] and not fsutil.previous_folder(out).exists()


def test_a_ctrl_c_at_any_rename_leaves_one_whole_build(tmp_path, monkeypatch):
    """Staged files were renamed into OUT one by one: a Ctrl-C among those renames left new record files
    beside an old graph and report."""
    inputs, out = copy_seeds(tmp_path / "in"), tmp_path / "out"
    build(BuildOptions(inputs=(inputs,), out=out, jobs=1))
    before = output_bytes(out)
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    after = output_bytes(_built(inputs, tmp_path / "clean"))
    real = os.replace
    for n in range(1, 40):
        calls = []

        def interrupted(src, dst, *args, **kwargs):
            calls.append(dst)
            if len(calls) == n:
                raise KeyboardInterrupt
            return real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, "replace", interrupted)
        try:
            build(BuildOptions(inputs=(inputs,), out=out, jobs=1))
            finished = True
        except KeyboardInterrupt:
            finished = False
        monkeypatch.setattr(os, "replace", real)
        assert output_bytes(out) in (before, after), f"a mix after a Ctrl-C at rename {n}"
        if finished:
            break
    assert output_bytes(out) == after


def _built(inputs: Path, out: Path) -> Path:
    build(BuildOptions(inputs=(inputs,), out=out, jobs=1))
    return out


def test_staging_debris_of_killed_builds_is_cleared_at_the_next_start(tmp_path):
    out = tmp_path / "out"
    build(BuildOptions(inputs=(DATA,), out=out, jobs=1))
    debris = tmp_path / ".out.staging-abc123"
    (debris / ".citegraph").mkdir(parents=True)
    (debris / "graph.html").write_text("half", encoding="utf-8")
    (out / ".report.html.x1y2z3w4.tmp").write_text("half", encoding="utf-8")
    (out / ".citegraph" / ".graph.json.abc_1234.tmp").write_text("half", encoding="utf-8")
    build(BuildOptions(inputs=(DATA,), out=out, jobs=1))
    assert staging(out) == []
    assert not list(out.rglob("*.tmp"))


def test_a_symlinked_out_stays_a_link(tmp_path):
    """OUT given as a symlink: the folder it points to is swapped, the link is left as it is."""
    real = tmp_path / "real-out"
    link = tmp_path / "out"
    build(BuildOptions(inputs=(DATA,), out=real, jobs=1))
    link.symlink_to(real, target_is_directory=True)
    inputs = copy_seeds(tmp_path / "in")
    (inputs / "000_d868355d3de1eb99.txt").unlink()
    build(BuildOptions(inputs=(inputs,), out=link, jobs=1))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert output_bytes(link) == output_bytes(_built(inputs, tmp_path / "clean"))


def test_without_hard_links_the_store_moves_with_the_build(tmp_path, monkeypatch):
    """On a file system without hard links the store is moved into the new OUT (its open connection follows
    the file) and the rest copied: the build is a clean one, and the next build finds the store sound."""
    inputs, out = copy_seeds(tmp_path / "in"), tmp_path / "out"
    build(BuildOptions(inputs=(inputs,), out=out, jobs=1))
    (inputs / "000_d868355d3de1eb99.txt").unlink()

    def no_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert build(BuildOptions(inputs=(inputs,), out=out, jobs=1)).notes == []
    monkeypatch.undo()
    assert output_bytes(out) == output_bytes(_built(inputs, tmp_path / "clean"))
    again = build(BuildOptions(inputs=(inputs,), out=out, jobs=1))
    assert (again.regenerated, again.notes, again.update.read) == (False, [], 0)
