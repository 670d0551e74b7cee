"""Same input, same bytes: across processes whose string hashing differs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import CORPORA, copy_seeds, need_shared


def _build(inputs, out, hash_seed: str) -> dict[str, bytes]:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    subprocess.run(
        [sys.executable, "-m", "citegraph.cli", "build", str(inputs), "--out", str(out), "--jobs", "1", "--no-progress"],
        check=True, env=env, capture_output=True,
    )
    # The SQLite store and its seal are a cache (docs/STORE.md), not a published output.
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())
            if p.is_file() and not p.name.startswith("citegraph.sqlite")}


def test_builds_under_different_hash_seeds_are_byte_identical(tmp_path):
    inputs = copy_seeds(tmp_path / "in")
    # Enough articles that most co-cited sources are cited once: the case where
    # a set's iteration order once leaked into the communities.
    wikinews = sorted(need_shared(CORPORA / "gum-wikinews" / "text").glob("*.txt"))
    polnear = sorted(need_shared(CORPORA / "polnear" / "train" / "text").glob("*.txt"))[:80]
    for path in wikinews + polnear:
        shutil.copy2(path, inputs / path.name)
    first = _build(inputs, tmp_path / "a", "1")
    second = _build(inputs, tmp_path / "b", "2")
    assert sorted(first) == sorted(second)
    assert "graph.html" in first and "report.html" in first
    for name in first:
        assert first[name] == second[name], f"{name} differs between hash seeds"
