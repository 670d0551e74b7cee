"""The memo (graph.memo): steps whose inputs did not change are taken from the last build, with the same bytes."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from citegraph import BuildOptions, build
from citegraph.graph import cache as graphcache
from citegraph.graph.memo import Memo, digest, positions_data, positions_of, remember, using

from conftest import CORPORA, copy_seeds, need_shared, output_bytes


def test_remember_computes_without_a_memo_and_recalls_with_one() -> None:
    calls = []

    def compute() -> list[int]:
        calls.append(1)
        return [1, 2]

    assert remember("step", [1], compute) == [1, 2] and len(calls) == 1  # no memo in use: computed
    first = Memo()
    with using(first):
        assert remember("step", [1], compute) == [1, 2]
    second = Memo(first.kept)
    with using(second):
        assert remember("step", [1], compute) == [1, 2]  # same name and inputs: recalled
        assert remember("step", [2], compute) == [1, 2]  # other inputs: computed
    assert len(calls) == 3 and (second.hits, second.misses) == (1, 1)
    assert set(second.kept) == {digest("step", [1]), digest("step", [2])}  # only what this build asked for


def test_an_entry_that_does_not_decode_is_computed_again() -> None:
    memo = Memo({digest("layout", [0]): [["a", "x", 1.0]]})
    with using(memo):
        assert remember("layout", [0], lambda: {"a": (1.0, 2.0)}, positions_data, positions_of) == {"a": (1.0, 2.0)}
    assert memo.misses == 1 and memo.kept[digest("layout", [0])] == [["a", 1.0, 2.0]]


def test_positions_keep_every_digit() -> None:
    layout = {"a": (0.1 + 0.2, -1e-17), "b": (3, 4)}
    assert positions_of(positions_data(layout)) == layout


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds and 150 BBC articles: views large enough to be laid out at build time (hubs, overview)."""
    root = copy_seeds(tmp_path / "corpus")
    texts = sorted(need_shared(CORPORA / "bbc-fulltext").rglob("*.txt"))[:150]
    (root / "bbc").mkdir()
    for i, path in enumerate(texts):
        shutil.copy2(path, root / "bbc" / f"{i:03d}.txt")
    return root


def _build(corpus: Path, out: Path):
    return build(BuildOptions(inputs=(corpus,), out=out, jobs=1))


def test_remembered_steps_give_the_bytes_of_computed_ones(corpus: Path, tmp_path: Path, caplog) -> None:
    out = tmp_path / "out"
    _build(corpus, out)
    memo_file = out / graphcache.CACHE_DIR / graphcache.MEMO_FILE
    assert memo_file.exists()
    with open(corpus / "bbc" / "003.txt", "a", encoding="utf-8") as fh:
        fh.write("\n\nThe figures were revised later, Reuters reported.\n")
    with caplog.at_level(logging.INFO, logger="citegraph.graph.cache"):
        assert _build(corpus, out).patched
    assert any("step(s) remembered" in r.message and not r.message.startswith("memo: 0 ") for r in caplog.records)
    clean = tmp_path / "clean"
    _build(corpus, clean)  # no memo: every step computed
    assert output_bytes(out) == output_bytes(clean)


def test_a_damaged_memo_is_not_used(corpus: Path, tmp_path: Path, caplog) -> None:
    out = tmp_path / "out"
    _build(corpus, out)
    memo_file = out / graphcache.CACHE_DIR / graphcache.MEMO_FILE
    data = bytearray(memo_file.read_bytes())
    at = data.index(b"[[", data.index(b"\n")) + 3  # inside the first layout: a changed position
    data[at] = ord("9") if data[at] != ord("9") else ord("8")
    memo_file.write_bytes(bytes(data))
    (corpus / "bbc" / "000.txt").unlink()
    with caplog.at_level(logging.INFO, logger="citegraph.graph.cache"):
        _build(corpus, out)
    assert any("memo: 0 step(s) remembered" in r.message for r in caplog.records)
    clean = tmp_path / "clean"
    _build(corpus, clean)
    assert output_bytes(out) == output_bytes(clean)
