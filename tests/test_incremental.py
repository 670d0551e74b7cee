"""Incremental builds: whatever happens between builds, the outputs equal a clean build's."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citegraph.graph import cache as graphcache
from citegraph.store import db as store_module
from citegraph.store import keys, update
from citegraph.errors import BuildError
from citegraph.extract import Extractor
from citegraph.pipeline import BuildOptions, BuildResult, build
from conftest import copy_seeds, need_shared, output_bytes, CORPORA

GUM = CORPORA / "gum-wikinews" / "text"
BBC = CORPORA / "bbc-fulltext" / "bbc"


def gum_texts() -> list[Path]:
    return sorted(need_shared(GUM).glob("*.txt"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds, four Wikinews articles in a sub-folder and a JSONL file of three more."""
    root = copy_seeds(tmp_path / "corpus")
    texts = gum_texts()
    (root / "wikinews").mkdir()
    for path in texts[:4]:
        shutil.copy2(path, root / "wikinews" / path.name)
    lines = [json.dumps({"text": p.read_text(encoding="utf-8"), "publisher": "Wikinews"}) for p in texts[4:7]]
    (root / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def run(corpus: Path, out: Path, **options) -> BuildResult:
    return build(BuildOptions(inputs=(corpus,), out=out, jobs=1, **options))


def clean(corpus: Path, out: Path, **options) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    run(corpus, out, **options)
    return output_bytes(out)


def _bump_mtime(path: Path) -> None:
    """Make a rewrite visible even on a coarse clock (the store also hashes recent files)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def change(root: Path) -> int:
    target = sorted(root.glob("*.txt"))[0]
    target.write_text(gum_texts()[10].read_text(encoding="utf-8"), encoding="utf-8")
    _bump_mtime(target)
    return 1


def add(root: Path) -> int:
    (root / "wikinews" / "new").mkdir()
    shutil.copy2(gum_texts()[11], root / "wikinews" / "new" / gum_texts()[11].name)
    return 1


def delete(root: Path) -> int:
    sorted(root.glob("*.txt"))[1].unlink()
    return 0


def drop_jsonl_line(root: Path) -> int:
    path = root / "more.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[1:]), encoding="utf-8")
    _bump_mtime(path)
    return 1


@pytest.mark.parametrize("edit", [change, add, delete, drop_jsonl_line], ids=lambda f: f.__name__)
def test_rebuild_after_edit_equals_clean_build(corpus: Path, tmp_path: Path, edit) -> None:
    out = tmp_path / "out"
    first = run(corpus, out)
    assert first.update.read == 10 and first.article_count
    files_read = edit(corpus)
    again = run(corpus, out)
    assert again.update.read == files_read
    assert again.update.deleted == (1 if edit is delete else 0)
    assert again.regenerated
    assert again.patched and not first.patched  # the previous graph was patched, not built anew
    assert output_bytes(out) == clean(corpus, tmp_path / "clean")


def test_noop_rebuild_leaves_outputs_alone(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(corpus, out)
    before = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    again = run(corpus, out)
    assert (again.update.read, again.update.reextracted, again.regenerated) == (0, 0, False)
    assert sorted(again.outputs) == sorted(first.outputs)
    assert (again.article_count, again.citation_count) == (first.article_count, first.citation_count)
    assert {p: p.stat().st_mtime_ns for p in out.iterdir() if p.name != "citegraph.sqlite"} == {
        p: t for p, t in before.items() if p.name != "citegraph.sqlite"
    }


def test_missing_output_is_regenerated(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(corpus, out)
    expected = output_bytes(out)
    (out / "report.md").unlink()
    again = run(corpus, out)
    assert again.regenerated and again.update.read == 0
    assert output_bytes(out) == expected


def test_same_content_new_mtime_is_not_reread(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(corpus, out)
    _bump_mtime(sorted(corpus.glob("*.txt"))[0])
    assert run(corpus, out).update.read == 0


def test_outlets_file_change_reextracts_without_rereading(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(corpus, out)
    outlets = tmp_path / "mine.toml"
    outlets.write_text('[[outlet]]\nname = "Wikinews"\naliases = ["Wiki News"]\nkind = "digital"\n', encoding="utf-8")
    again = run(corpus, out, outlets_file=outlets)
    assert (again.update.read, again.update.reextracted) == (0, first.article_count)
    assert output_bytes(out) == clean(corpus, tmp_path / "clean", outlets_file=outlets)
    with sqlite3.connect(out / "citegraph.sqlite") as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    assert meta["outlets_sha256"] == store_module.sha256_file(outlets)


def test_extractor_version_change_reextracts_everything(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    first = run(corpus, out)
    version = keys.extractor_version()
    monkeypatch.setattr(keys, "extractor_version", lambda: version + "-next")
    again = run(corpus, out)
    assert (again.update.read, again.update.reextracted) == (0, first.article_count)
    assert run(corpus, out).update.reextracted == 0


def test_extractor_failing_midway_skips_one_article_then_rebuild_is_correct(corpus: Path, tmp_path: Path,
                                                                            monkeypatch) -> None:
    """An article the extractor fails on is skipped with the error (the batch goes on); the next build
    tries its file again."""
    out = tmp_path / "out"
    run(corpus, out)
    for edit in (change, add, delete):
        edit(corpus)
    real = Extractor.extract
    calls = []

    def failing(self, article):
        calls.append(article.id)
        if len(calls) == 2:
            raise RuntimeError("simulated crash in the middle of a build")
        return real(self, article)

    monkeypatch.setattr(Extractor, "extract", failing)
    result = run(corpus, out)
    assert [(s.path, s.reason) for s in result.skips] == [
        (calls[1], "extractor failed (RuntimeError: simulated crash in the middle of a build); please report this file")]
    monkeypatch.setattr(Extractor, "extract", real)
    assert output_bytes(out) != clean(corpus, tmp_path / "clean")
    assert run(corpus, out).update.read == 1  # the file of the skipped article, and no other
    assert output_bytes(out) == output_bytes(tmp_path / "clean")


def _stored_files(db_path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT count(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_build_killed_midway_then_rebuild_is_correct(tmp_path: Path) -> None:
    corpus = tmp_path / "bbc"
    for topic in ("business", "politics", "tech"):
        shutil.copytree(need_shared(BBC / topic), corpus / topic, ignore=lambda d, names: sorted(names)[60:])
    total = len(list(corpus.rglob("*.txt")))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "citegraph.cli", "build", str(corpus), "--out", str(out), "--jobs", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while _stored_files(out / "citegraph.sqlite") < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"the build ended before it could be killed: {proc.stderr.read().decode()[-2000:]}"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _stored_files(out / "citegraph.sqlite")
    assert 20 <= stored < total
    assert not (out / "graph.html").exists()
    result = run(corpus, out)
    assert result.update.read == total - stored  # the files committed before the kill are not read again
    assert output_bytes(out) == clean(corpus, tmp_path / "clean")


def test_strict_fails_after_storing_and_names_the_skip(corpus: Path, tmp_path: Path) -> None:
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    with pytest.raises(BuildError, match=r"1 input\(s\) skipped under --strict, first .*empty.txt: empty file"):
        run(corpus, tmp_path / "out", strict=True)
    assert run(corpus, tmp_path / "out").update.read == 0


def test_an_edited_outlets_file_is_not_served_from_the_process_cache(tmp_path: Path) -> None:
    """The process keeps its extractor and gazetteer per outlet file; an edit must reach the next build."""
    outlets = tmp_path / "mine.toml"
    outlets.write_text('[[outlet]]\nname = "Zyx Courier"\nkind = "newspaper"\n', encoding="utf-8")
    before = update.worker_extractor(str(outlets))
    assert before.gazetteer.lookup("Zyx Courier") is not None
    outlets.write_text('[[outlet]]\nname = "Qrs Ledger"\nkind = "newspaper"\n', encoding="utf-8")
    os.utime(outlets, ns=(outlets.stat().st_atime_ns, outlets.stat().st_mtime_ns + 10**9))
    after = update.worker_extractor(str(outlets))
    assert after.gazetteer.lookup("Qrs Ledger") is not None and after.gazetteer.lookup("Zyx Courier") is None
    assert update.cached_gazetteer(str(outlets)) is after.gazetteer


@pytest.mark.parametrize("output", ["articles.jsonl", "report.md", "graph.html"])
def test_outputs_edited_by_hand_are_written_anew(corpus: Path, tmp_path: Path, output: str) -> None:
    """A rebuild writes every output whole: one edited since the last build does not survive the next."""
    out = tmp_path / "out"
    run(corpus, out)
    edited = out / output
    data = bytearray(edited.read_bytes())
    data[len(data) // 2] = ord("#") if data[len(data) // 2] != ord("#") else ord("%")
    edited.write_bytes(bytes(data))
    change(corpus)
    again = run(corpus, out)
    assert again.patched
    assert output_bytes(out) == clean(corpus, tmp_path / "clean")


def _journal_rounds(corpus: Path) -> list:
    """Edits, one build apart: a change, its revert (the article as the base has it again), an add, a delete."""
    target = sorted(corpus.glob("*.txt"))[0]
    original = target.read_text(encoding="utf-8")

    def revert(root: Path) -> int:
        target.write_text(original, encoding="utf-8")
        _bump_mtime(target)
        return 1

    return [change, revert, add, change, delete]


def _journal_at_most(monkeypatch, articles: int) -> None:
    """Fold the graph journal into a new base as soon as it holds more than ``articles`` articles."""
    monkeypatch.setattr(graphcache, "JOURNAL_MIN", articles)
    monkeypatch.setattr(graphcache, "JOURNAL_SHARE", 0.0)


def _first_build(corpus: Path, out: Path) -> Path:
    """Build ``corpus`` into ``out``; the path of the base graph model it saved."""
    run(corpus, out)
    return out / graphcache.CACHE_DIR / graphcache.GRAPH_FILE


@pytest.mark.parametrize("compact", [False, True], ids=["journal", "state-every-build"])
def test_rebuilds_through_the_graph_journal_equal_clean_builds(corpus: Path, tmp_path: Path, monkeypatch,
                                                               compact: bool) -> None:
    """Patched rebuilds save a journal from the base state, not the state: every rebuild in a row of them
    (including one that undoes an earlier change) equals a clean build; so it does when every build saves the
    whole state."""
    if compact:
        _journal_at_most(monkeypatch, 0)
    out = tmp_path / "out"
    base = _first_build(corpus, out)
    written = base.stat().st_mtime_ns
    for i, edit in enumerate(_journal_rounds(corpus)):
        edit(corpus)
        again = run(corpus, out)
        assert again.patched
        assert output_bytes(out) == clean(corpus, tmp_path / f"clean{i}"), edit.__name__
        assert (base.stat().st_mtime_ns != written) == compact  # the base was saved again only if compacting
        written = base.stat().st_mtime_ns


def test_a_journal_past_its_share_saves_the_state_again(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    _journal_at_most(monkeypatch, 1)
    out = tmp_path / "out"
    base = _first_build(corpus, out)
    written = base.stat().st_mtime_ns
    change(corpus)
    run(corpus, out)  # one article differs from the base: journalled
    assert base.stat().st_mtime_ns == written
    add(corpus)
    again = run(corpus, out)  # two now: past JOURNAL_MIN, the state is saved whole and the journal emptied
    assert again.patched and base.stat().st_mtime_ns != written
    header, _, body = (out / ".citegraph" / graphcache.JOURNAL_FILE).read_bytes().partition(b"\n")
    assert json.loads(header)["format"] == graphcache.FORMAT and json.loads(body)["fingerprints"] == {}
    assert output_bytes(out) == clean(corpus, tmp_path / "clean")


# ---- documents that several articles share (one node, cited from each)

POLNEAR = CORPORA / "polnear"
SHARED_DOCUMENTS = {  # PolNeAR articles that cite one document each pair shares
    "document:memo:mook robby||2016-04-04": ("usa-today_2016-04-06_sanders-says-he-s-riding-momentu",
                                            "usa-today_2016-04-06_sanders-winning-streak-continues"),
    "document:court_filing:court supreme||2016-06-27": ("huff-post_2016-06-27_hillary-clinton-slams-donald-tru",
                                                       "wash-post_2016-06-28_ruling-solidifies-candidates-abo"),
}
SHARED_DOCUMENTS_KEYS = list(SHARED_DOCUMENTS)


@pytest.fixture
def shared_corpus(tmp_path: Path) -> Path:
    """Four real PolNeAR articles, two pairs that cite one memo and one ruling, with PolNeAR's metadata
    sidecar (the dates that anchor both documents)."""
    text = need_shared(POLNEAR / "train" / "text")
    root = tmp_path / "shared"
    root.mkdir()
    shutil.copy2(POLNEAR / "metadata.tsv", root / "metadata.tsv")
    for stems in SHARED_DOCUMENTS.values():
        for stem in stems:
            shutil.copy2(text / f"{stem}.txt", root / f"{stem}.txt")
    return root


def _citing(out: Path) -> dict[str, int]:
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    return {d: f["in_degree"] for d, f in metrics["most_cited"]["document"].items() if d in SHARED_DOCUMENTS}


def test_documents_shared_by_several_articles_patch_like_a_clean_build(shared_corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run(shared_corpus, out)
    assert _citing(out) == {d: 2 for d in SHARED_DOCUMENTS}
    memo, ruling = SHARED_DOCUMENTS.values()
    gone = shared_corpus / f"{memo[0]}.txt"
    kept = gone.read_text(encoding="utf-8")
    other = sorted((POLNEAR / "train" / "text").glob("nyt_*.txt"))[0].read_text(encoding="utf-8")

    def drop_one(root: Path) -> None:
        gone.unlink()

    def bring_back(root: Path) -> None:
        gone.write_text(kept, encoding="utf-8")

    def rewrite_one(root: Path) -> None:
        target = root / f"{ruling[0]}.txt"
        target.write_text(other, encoding="utf-8")
        _bump_mtime(target)

    expected = [{SHARED_DOCUMENTS_KEYS[0]: 1, SHARED_DOCUMENTS_KEYS[1]: 2}, {d: 2 for d in SHARED_DOCUMENTS},
                {SHARED_DOCUMENTS_KEYS[0]: 2, SHARED_DOCUMENTS_KEYS[1]: 1}]
    for i, (edit, citing) in enumerate(zip((drop_one, bring_back, rewrite_one), expected)):
        edit(shared_corpus)
        again = run(shared_corpus, out)
        assert again.patched, edit.__name__
        assert _citing(out) == citing, edit.__name__
        assert output_bytes(out) == clean(shared_corpus, tmp_path / f"clean{i}"), edit.__name__

