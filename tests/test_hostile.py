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

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

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
    "captions": "\n".join(f"{a} said {n} (AP Photo)" for n, a in enumerate(NAMES)),
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
