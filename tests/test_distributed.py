"""The Dask path: a LocalCluster build equals a local build byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from citegraph.store import runners
from citegraph.errors import BuildError
from citegraph.pipeline import BuildOptions, build
from conftest import CORPORA, copy_seeds, need_shared, output_bytes

dask_distributed = pytest.importorskip("distributed", reason="dask[distributed] is in the test extra: pip install -e '.[test]'")


@pytest.fixture(scope="module")
def cluster():
    with dask_distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        yield cluster


def test_local_cluster_build_equals_local_build(cluster, tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    (corpus / "wikinews").mkdir()
    for path in sorted(need_shared(CORPORA / "gum-wikinews" / "text").glob("*.txt"))[:5]:
        shutil.copy2(path, corpus / "wikinews" / path.name)
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    local = build(BuildOptions(inputs=(corpus,), out=tmp_path / "local", jobs=1))
    remote = build(BuildOptions(inputs=(corpus,), out=tmp_path / "dask", dask_scheduler=cluster.scheduler_address))
    assert remote.update.read == 11 and len(remote.skips) == 1
    assert output_bytes(tmp_path / "dask") == output_bytes(tmp_path / "local")
    assert (remote.article_count, remote.citation_count) == (local.article_count, local.citation_count)


def test_unreachable_scheduler_says_how_to_fix(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runners, "CONNECT_TIMEOUT", "1s")
    corpus = copy_seeds(tmp_path / "corpus")
    with pytest.raises(BuildError, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9 .*dask scheduler"):
        build(BuildOptions(inputs=(corpus,), out=tmp_path / "out", dask_scheduler="tcp://127.0.0.1:9"))
