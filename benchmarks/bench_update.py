"""Store update benchmark: CPU seconds of ``pipeline._update`` when one article changed, at 10k articles.

Needs a corpus and an ``out`` folder built from it with today's code (so
that nothing is stale but the changed file)::

    python3 -m citegraph.cli build corpus-10000 --out out-10000 --no-progress
    python3 benchmarks/bench_update.py corpus-10000 out-10000 [--repeat 5]

Each round copies the store into a temporary folder, appends a paragraph to
one article (as ``bench_scale.change_one`` does), runs ``_update`` in a fresh
process (so the extractor is built, as in a real rebuild) and then puts the
article's bytes and mtime back: the corpus and the given store are left as
they were. The caches in ``out/.citegraph`` (parsed outlets, compiled
patterns) are carried from round to round as from rebuild to rebuild; when
``out`` has no regex cache yet, an untimed warm-up round fills it. It prints the best CPU and wall seconds of ``_update`` and of its
parts (scan, plan, stale count, gazetteer, the rest of the extractor, reading and
extraction, version notes, skips and counts).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import machine  # benchmarks/machine.py: how fast the machine is right now

try:
    from citegraph.parallel import OUTLET_CACHE, REGEX_CACHE
except ImportError:  # code from before these caches (for a baseline run with PYTHONPATH)
    OUTLET_CACHE, REGEX_CACHE = Path(".citegraph") / "outlets.json", Path(".citegraph") / "regex.json"

PARTS = ("scan", "plan", "stale", "gazetteer", "extractor", "read_new", "note_versions", "skips", "counts")


def change_one(corpus: Path, round_: int) -> tuple[Path, bytes, int]:
    """Append a paragraph to one article; return it with its old bytes and mtime."""
    files = sorted(p for p in (corpus / "c000").rglob("*.txt"))
    target = files[round_ * 7 % len(files)]
    old, mtime = target.read_bytes(), target.stat().st_mtime_ns
    with open(target, "a", encoding="utf-8") as fh:
        fh.write(f"\n\nThe figures were updated in revision {round_}, Reuters reported.\n")
    return target, old, mtime


def child(corpus: Path, out: Path) -> None:
    """Time ``_update`` and its parts in this (fresh) process; print them as one JSON line."""
    import citegraph.cli  # noqa: F401  (what a real build has imported before the update)
    from citegraph import parallel, pipeline
    from citegraph.store import STORE_NAME, Store

    times: dict[str, float] = {}

    def wrap(owner, name, label):
        fn = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                times[label] = times.get(label, 0.0) + time.process_time() - start

        setattr(owner, name, timed)

    for name, label in (("scan", "scan"), ("cached_gazetteer", "gazetteer"), ("worker_extractor", "extractor"),
                        ("_read_new", "read_new"), ("_note_versions", "note_versions")):
        wrap(parallel, name, label)
    for name, label in (("plan", "plan"), ("stale_count", "stale"), ("skips", "skips"), ("counts", "counts")):
        wrap(parallel.Store, name, label)
    options = pipeline.BuildOptions(inputs=(corpus,), out=out, jobs=1)
    with Store.open(out / STORE_NAME) as store:
        wall, cpu = time.perf_counter(), time.process_time()
        result = pipeline._update(store, options, None)
        times["total"] = time.process_time() - cpu
        times["wall"] = time.perf_counter() - wall
    times["read"] = result.update.read
    print(json.dumps(times))


def _rekey(out: Path) -> None:
    """Mark the store copy as made by today's reader and extractor (for timing code changes without a
    cold build; its citations stay those of the code that built it)."""
    from citegraph import gazetteer
    from citegraph.store import STORE_NAME, Store, extraction_key, read_key

    with Store.open(out / STORE_NAME) as store, store.transaction():
        store.db.execute("UPDATE articles SET extracted_with = ?", (extraction_key(None),))
        store.set_meta("read_key", read_key(20 * 1024 * 1024))
    gazetteer._write_cache(out / OUTLET_CACHE, gazetteer._builtin_source()[1], gazetteer._builtin_outlets())


def one_round(corpus: Path, out: Path, caches: Path, round_: int, rekey: bool = False) -> dict[str, float]:
    """One timed update on a copy of the store and of the caches in ``caches`` (which keeps the caches after)."""
    with tempfile.TemporaryDirectory(prefix="bench-update-") as work:
        copy = Path(work) / "out"
        copy.mkdir()
        for path in out.glob("citegraph.sqlite*"):
            shutil.copyfile(path, copy / path.name)
        if rekey:
            _rekey(copy)
        _copy_caches(caches, copy)
        target, old, mtime = change_one(corpus, round_)
        try:
            cmd = [sys.executable, __file__, "--child", str(corpus), str(copy)]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        finally:
            target.write_bytes(old)
            os.utime(target, ns=(mtime, mtime))
        _copy_caches(copy, caches, replace=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _copy_caches(source: Path, target: Path, replace: bool = False) -> None:
    """The files an update reads besides the store: the outlet and regex caches."""
    for name in (OUTLET_CACHE, REGEX_CACHE):
        if (source / name).is_file() and (replace or not (target / name).is_file()):
            (target / name).parent.mkdir(exist_ok=True)
            shutil.copyfile(source / name, target / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rekey", action="store_true",
                        help="time a store built by older code as if today's code had built it (timing only)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    corpus, out = args.corpus.resolve(), args.out.resolve()
    if args.child:
        child(corpus, out)
        return
    print(machine.describe(), flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-update-caches-") as caches:
        _copy_caches(out, Path(caches))
        if not (out / REGEX_CACHE).is_file():  # as after the first rebuild: a cold build's pool workers keep theirs
            warm = one_round(corpus, out, Path(caches), 0, args.rekey)
            print(f"warm-up round (fills the regex cache): {warm['total']:.3f} CPU s", flush=True)
        rounds = [one_round(corpus, out, Path(caches), r, args.rekey) for r in range(1, args.repeat + 1)]
    if any(r["read"] != 1 for r in rounds):
        raise SystemExit(f"expected one file read per round, got {[r['read'] for r in rounds]}: "
                         "build the out folder from this corpus with today's code first")
    best = {k: min(r.get(k, 0.0) for r in rounds) for k in ("total", "wall", *PARTS)}
    print(f"_update, one changed file of {corpus.name} (best of {args.repeat}): "
          f"{best['total']:.3f} CPU s ({best['wall']:.3f} s wall); all rounds: "
          + ", ".join(f"{r['total']:.3f}" for r in rounds))
    print("  parts (CPU s, best): " + ", ".join(f"{k} {best[k]:.3f}" for k in PARTS))


if __name__ == "__main__":
    main()
